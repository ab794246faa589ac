//! Single sign-on pages: `/login/oidc/start` sends the browser to the OpenID
//! provider, and the provider sends it back to `/login/oidc/callback`. The
//! state of the sign-in travels in a short-lived cookie that only this
//! browser holds; everything else waits in the store (any process may
//! answer the callback).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::sso::{self, SsoError};

use super::PageError;
use super::account::{login_page_with, signed_in};
use crate::AppState;
use crate::auth::cookie_value;
use crate::error::ApiError;

pub(crate) const SSO_COOKIE: &str = "aftercare_sso";

/// `SameSite=Lax`, not `Strict`: the provider's redirect back is a top-level
/// navigation from another site, which Strict cookies do not follow.
fn sso_cookie(state: &str, secure: bool, max_age_secs: u64) -> String {
    format!(
        "{SSO_COOKIE}={state}; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

fn not_configured() -> PageError {
    ApiError::NotFound(
        "single sign-on (this server has no OpenID provider configured; sign in with your password)"
            .into(),
    )
    .into()
}

pub(super) async fn start(State(state): State<AppState>) -> Result<Response, PageError> {
    let Some(client) = state.oidc.clone() else {
        return Err(not_configured());
    };
    let started = sso::begin(&state.store, &client).await?;
    let max_age = client.config().pending_max_age.as_secs();
    Ok((
        [(
            header::SET_COOKIE,
            sso_cookie(&started.state, state.config.secure_cookies, max_age),
        )],
        Redirect::to(&started.authorize_url),
    )
        .into_response())
}

#[derive(Deserialize)]
pub(super) struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    error: Option<String>,
    error_description: Option<String>,
}

pub(super) async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let Some(client) = state.oidc.clone() else {
        return Err(not_configured());
    };
    let browser_state = cookie_value(&headers, SSO_COOKIE).unwrap_or("").to_string();
    let clear = sso_cookie("", state.config.secure_cookies, 0);
    let result = match q.error.as_deref() {
        Some(error) => {
            sso::abandon(&state.store, &browser_state).await?;
            Err(SsoError::Provider(
                aftercare_oidc::OidcClient::callback_error(error, q.error_description.as_deref()),
            ))
        }
        None => sso::finish(&state.store, &client, &browser_state, &q.state, &q.code).await,
    };
    let mut response = match result {
        Ok(session) => signed_in(&state, &session, "/"),
        Err(SsoError::App(e)) => return Err(e.into()),
        Err(e) => {
            if let SsoError::Provider(inner) = &e {
                tracing::info!(error = ?inner, "single sign-on refused");
            }
            let status = match e {
                SsoError::Unknown { .. } | SsoError::Deactivated { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            login_page_with(
                &state,
                status,
                Some(super::sentence(&format!(
                    "Single sign-on did not work: {e}"
                ))),
                String::new(),
            )
        }
    };
    // The pending sign-in is used up whatever the outcome: so is its cookie.
    if let Ok(v) = clear.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sso_cookie_is_scoped_to_the_sign_in_paths_and_follows_the_provider_back() {
        let c = sso_cookie("abc", true, 600);
        assert!(c.starts_with("aftercare_sso=abc;"));
        assert!(c.contains("Path=/login/oidc"));
        assert!(c.contains("SameSite=Lax"));
        assert!(c.contains("HttpOnly"));
        assert!(c.ends_with("; Secure"));
        assert!(!sso_cookie("abc", false, 600).contains("Secure"));
    }
}
