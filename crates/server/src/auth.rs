//! Who is calling, at the HTTP edge: a bearer token or the session cookie becomes
//! an [`Actor`] (the use-case layer decides what the actor may do); CSRF checks for
//! cookie-authenticated writes; and the cookies themselves.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use aftercare_app::Actor;
use aftercare_app::accounts::{self, SESSION_TTL_MS};

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "aftercare_session";
/// A random value set by the sign-in page and echoed by its form: a sign-in posted
/// from another site carries no such pair (login CSRF).
pub const LOGIN_COOKIE: &str = "aftercare_login";

fn secure_attr(secure: bool) -> &'static str {
    if secure { "; Secure" } else { "" }
}

pub fn session_cookie(value: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_TTL_MS / 1000,
        secure_attr(secure)
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure_attr(secure)
    )
}

pub fn login_cookie(value: &str, secure: bool) -> String {
    format!(
        "{LOGIN_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        secure_attr(secure)
    )
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Resolves the actor from a bearer token or the session cookie; `None` if neither.
/// A token that does not check out is an error, not anonymity.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Actor>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let value = auth.to_str().map_err(|_| ApiError::Unauthenticated)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthenticated)?
            .trim();
        return match accounts::by_token(&state.store, token).await? {
            Some(actor) => Ok(Some(actor)),
            None => Err(ApiError::Unauthenticated),
        };
    }
    let Some(cookie) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(accounts::by_session(&state.store, cookie).await?)
}

/// Refuses a write that another site made the browser send: `Sec-Fetch-Site` (or,
/// from older browsers, an `Origin` that is not ours) must say same-origin.
pub fn check_same_site(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(ApiError::Forbidden("cross-site request refused".into()));
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) && origin != "null"
    {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin_host != host {
            return Err(ApiError::Forbidden("cross-site request refused".into()));
        }
    }
    Ok(())
}

/// A cookie-authenticated request that changes something must prove it came from
/// our own pages: same-origin, and the session's CSRF token in `X-CSRF-Token`
/// (htmx sends it through `hx-headers`) or the form.
pub fn check_csrf(
    method: &Method,
    headers: &HeaderMap,
    actor: &Actor,
    form_token: Option<&str>,
) -> Result<(), ApiError> {
    let Some(session) = actor.session() else {
        return Ok(());
    };
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    check_same_site(method, headers)?;
    let header_token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    let given = header_token.or(form_token).unwrap_or("");
    if given.is_empty() || !constant_time_eq(given.as_bytes(), session.csrf_token.as_bytes()) {
        return Err(ApiError::Forbidden(
            "missing or stale CSRF token; reload the page".into(),
        ));
    }
    Ok(())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The actor of a form post (HTML forms carry the CSRF token as a field), checked
/// like any other cookie-authenticated write. `None` when not signed in.
pub async fn form_actor(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Option<Actor>, ApiError> {
    let Some(actor) = authenticate(state, headers).await? else {
        return Ok(None);
    };
    check_csrf(&Method::POST, headers, &actor, Some(csrf))?;
    Ok(Some(actor))
}

pub fn csrf_of(actor: &Actor) -> String {
    actor
        .session()
        .map(|s| s.csrf_token.clone())
        .unwrap_or_default()
}

/// The client's address for throttling: the peer, or the first hop of
/// `X-Forwarded-For` when `AFTERCARE_TRUST_PROXY` says a load balancer sets it.
pub fn client_address(
    parts_headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_proxy: bool,
) -> String {
    if trust_proxy
        && let Some(first) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_string();
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Extractor for JSON API handlers: authenticated, and CSRF-checked when the
/// credential is a cookie.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let actor = authenticate(state, &parts.headers)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        check_csrf(&parts.method, &parts.headers, &actor, None)?;
        Ok(ApiActor(actor))
    }
}

/// Extractor for HTML pages: `None` when not signed in (the page redirects).
pub struct MaybeActor(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeActor(
            authenticate(state, &parts.headers).await.unwrap_or(None),
        ))
    }
}

/// The peer address, when the server was started with connect info.
pub struct Peer(pub Option<SocketAddr>);

impl FromRequestParts<AppState> for Peer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}
