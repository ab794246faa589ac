//! What every form post shares: the actor from the session and CSRF field, the
//! use-case run, then a redirect on success (post/redirect/get) or the refusal
//! shown with the field and the reason.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use aftercare_app::{Actor, AppError};

use super::{MessagePage, PageError, login_redirect, nav, render};
use crate::AppState;
use crate::auth;
use crate::error::ApiError;

/// A refused form: the field and the reason, and a way back to the form.
pub(crate) fn refusal(actor: &Actor, e: &ApiError, back: &str) -> Response {
    let (csrf, nav_name) = nav(actor);
    let page = MessagePage {
        csrf,
        nav_name,
        heading: "That was not saved".into(),
        // The field's own name stays as the form and API spell it.
        message: e.to_string(),
        back: back.to_string(),
    };
    (e.status(), render(&page)).into_response()
}

/// Runs a form's action for a signed-in actor: redirects to what the action
/// returns on success, shows the refusal on a client error, and passes server
/// errors on.
pub(crate) async fn act<F>(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    back: &str,
    action: F,
) -> Result<Response, PageError>
where
    F: AsyncFnOnce(&Actor) -> Result<String, AppError>,
{
    let Some(actor) = auth::form_actor(state, headers, csrf).await? else {
        return Ok(login_redirect());
    };
    match action(&actor).await {
        Ok(done) => Ok(Redirect::to(&done).into_response()),
        Err(e @ AppError::Internal(_)) => Err(e.into()),
        Err(e) => Ok(refusal(&actor, &e.into(), back)),
    }
}

/// A page shown after a form (e.g. an invite link to copy), with a 200.
pub(crate) fn shown<T: Template>(page: &T) -> Response {
    (StatusCode::OK, render(page)).into_response()
}
