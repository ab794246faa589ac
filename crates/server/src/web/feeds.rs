//! Calendar feeds on the web: the secret feed itself (`/ical/{secret}.ics`, no sign-in:
//! the secret is the key), and one's feeds page (make, list, revoke).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use aftercare_app::feeds::{self, FeedInput, FeedView};
use aftercare_app::{Actor, AppError};
use aftercare_store::FeedId;

use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

pub(super) async fn calendar(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, PageError> {
    match feeds::calendar(&state.store, &secret).await? {
        Some(body) => Ok((
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            body,
        )
            .into_response()),
        None => Ok((StatusCode::NOT_FOUND, "no such feed").into_response()),
    }
}

#[derive(Template)]
#[template(path = "feeds.html")]
struct FeedsPage {
    csrf: String,
    nav_name: Option<String>,
    feeds: Vec<FeedView>,
    new_url: Option<String>,
}

async fn page(state: &AppState, v: &Actor, new_url: Option<String>) -> Result<Response, PageError> {
    let feeds = match feeds::list_own(&state.store, v).await {
        Ok(f) => f,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let (csrf, nav_name) = nav(v);
    Ok(render(&FeedsPage {
        csrf,
        nav_name,
        feeds,
        new_url,
    }))
}

pub(super) async fn feeds_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    page(&state, &v, None).await
}

#[derive(Deserialize)]
pub(super) struct FeedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: Option<i64>,
}

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let input = FeedInput {
        kind: form.kind.clone(),
        id: form.id,
    };
    match feeds::create(&state.store, &v, &input).await {
        Ok(made) => {
            let url = format!("{}{}", state.config.public_url, made.path);
            page(&state, &v, Some(url)).await
        }
        Err(e @ AppError::Internal(_)) => Err(e.into()),
        Err(e) => Ok(super::forms::refusal(&v, &e.into(), "/feeds")),
    }
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FeedId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    super::forms::act(&state, &headers, &form.csrf, "/feeds", async |v| {
        feeds::revoke(&state.store, v, id).await?;
        Ok("/feeds".to_string())
    })
    .await
}
