//! Accounts and access: argon2id passwords, database-backed sessions (so any server
//! process can answer any request), bearer API tokens, CSRF for cookie sessions, and
//! the rules of who may see what (docs/privacy.md).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use rand::RngCore;
use sha2::{Digest, Sha256};

use aftercare_store::{Person, Session, Store, TeamRole};

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "aftercare_session";
/// Sessions last two weeks: long enough that an on-call person is not logged out
/// mid-week, short enough that a lost laptop's session dies on its own.
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3_600 * 1_000;
/// API tokens carry a prefix so a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "aftercare_";

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Passwords are checked for length only (NIST SP 800-63B: at least 8 characters,
/// no composition rules).
pub fn check_password(password: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < 8 {
        return Err(ApiError::invalid(
            "password",
            "must be at least 8 characters (NIST SP 800-63B)",
        ));
    }
    if chars > 1_024 {
        return Err(ApiError::invalid(
            "password",
            "must be at most 1024 characters",
        ));
    }
    Ok(())
}

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Only hashes of session ids and tokens are stored: a copy of the database does
/// not let anyone log in.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex(24))
}

/// Creates a session and returns the cookie value to hand to the browser.
pub async fn start_session(store: &Store, person_id: i64) -> Result<(String, Session), ApiError> {
    let id = random_hex(32);
    let now = jiff::Timestamp::now().as_millisecond();
    let session = Session {
        id_hash: sha256_hex(&id),
        person_id,
        csrf_token: random_hex(16),
        created_at: now,
        expires_at: now + SESSION_TTL_MS,
    };
    store.create_session(&session).await?;
    Ok((id, session))
}

pub fn session_cookie(value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_TTL_MS / 1000
    )
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// How the viewer proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    Session(Session),
    Token { id: i64 },
}

/// Whoever is making the request, once authenticated.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// `None` for an admin API token that belongs to no person.
    pub person: Option<Person>,
    pub is_admin: bool,
    pub credential: Credential,
    /// Team ids this viewer leads.
    pub leads: Vec<i64>,
    /// Team ids this viewer belongs to (any role).
    pub teams: Vec<i64>,
}

impl Viewer {
    pub fn person_id(&self) -> Option<i64> {
        self.person.as_ref().map(|p| p.id)
    }

    pub fn csrf_token(&self) -> &str {
        match &self.credential {
            Credential::Session(s) => &s.csrf_token,
            Credential::Token { .. } => "",
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only an admin may do this".into()))
        }
    }

    pub fn leads_team(&self, team_id: i64) -> bool {
        self.is_admin || self.leads.contains(&team_id)
    }

    /// Work data (pages, burden figures) of a person: their own, or a lead's for
    /// the people of their teams, or an admin's. Never wellbeing data: that is the
    /// owner's alone and is checked elsewhere.
    pub async fn may_see_work_of(&self, store: &Store, person_id: i64) -> Result<bool, ApiError> {
        if self.is_admin || self.person_id() == Some(person_id) {
            return Ok(true);
        }
        if self.leads.is_empty() {
            return Ok(false);
        }
        let theirs = store.memberships(person_id).await?;
        Ok(theirs.iter().any(|m| self.leads.contains(&m.team.id)))
    }

    /// A person's hours and identities are changed by them or an admin.
    pub fn may_edit_person(&self, person_id: i64) -> Result<(), ApiError> {
        if self.is_admin || self.person_id() == Some(person_id) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "a person's hours and identities are changed by them or an admin".into(),
            ))
        }
    }

    /// Seeing a team at all (its name, its totals): its members, its leads, admins.
    pub fn may_see_team(&self, team_id: i64) -> bool {
        self.is_admin || self.teams.contains(&team_id)
    }
}

async fn viewer_for_person(
    store: &Store,
    person: Person,
    credential: Credential,
    token_admin: bool,
) -> Result<Viewer, ApiError> {
    let memberships = store.memberships(person.id).await?;
    Ok(Viewer {
        is_admin: person.is_admin || token_admin,
        leads: memberships
            .iter()
            .filter(|m| m.role == TeamRole::Lead)
            .map(|m| m.team.id)
            .collect(),
        teams: memberships.iter().map(|m| m.team.id).collect(),
        person: Some(person),
        credential,
    })
}

/// Resolves the viewer from a bearer token or the session cookie; `None` if neither.
pub async fn authenticate(state: &AppState, parts: &Parts) -> Result<Option<Viewer>, ApiError> {
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        let value = auth.to_str().map_err(|_| ApiError::Unauthenticated)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthenticated)?
            .trim();
        let Some(found) = state.store.api_token(&sha256_hex(token)).await? else {
            return Err(ApiError::Unauthenticated);
        };
        let credential = Credential::Token { id: found.id };
        return match found.person_id {
            Some(pid) => {
                let person = state
                    .store
                    .person(pid)
                    .await?
                    .ok_or(ApiError::Unauthenticated)?;
                Ok(Some(
                    viewer_for_person(&state.store, person, credential, found.is_admin).await?,
                ))
            }
            None if found.is_admin => Ok(Some(Viewer {
                person: None,
                is_admin: true,
                credential,
                leads: vec![],
                teams: vec![],
            })),
            None => Err(ApiError::Unauthenticated),
        };
    }
    let Some(cookie) = cookie_value(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let now = jiff::Timestamp::now().as_millisecond();
    let Some(session) = state.store.session(&sha256_hex(cookie), now).await? else {
        return Ok(None);
    };
    let Some(person) = state.store.person(session.person_id).await? else {
        return Ok(None);
    };
    Ok(Some(
        viewer_for_person(&state.store, person, Credential::Session(session), false).await?,
    ))
}

/// A cookie-authenticated request that changes something must prove it came from
/// our own pages: same-origin by Sec-Fetch-Site/Origin, and the session's CSRF token
/// in `X-CSRF-Token` (htmx sends it through `hx-headers`) or the form.
pub fn check_csrf(
    parts: &Parts,
    viewer: &Viewer,
    form_token: Option<&str>,
) -> Result<(), ApiError> {
    let Credential::Session(session) = &viewer.credential else {
        return Ok(());
    };
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if let Some(site) = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(ApiError::Forbidden("cross-site request refused".into()));
    }
    let header_token = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok());
    let given = header_token.or(form_token).unwrap_or("");
    if given.is_empty() || !constant_time_eq(given.as_bytes(), session.csrf_token.as_bytes()) {
        return Err(ApiError::Forbidden(
            "missing or stale CSRF token; reload the page".into(),
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The viewer of a form post (HTML forms carry the CSRF token as a field), checked
/// like any other cookie-authenticated write. `None` when not logged in.
pub async fn form_viewer(
    state: &AppState,
    headers: axum::http::HeaderMap,
    csrf: &str,
) -> Result<Option<Viewer>, ApiError> {
    let (mut parts, _) = axum::http::Request::post("/")
        .body(())
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .into_parts();
    parts.headers = headers;
    let Some(viewer) = authenticate(state, &parts).await? else {
        return Ok(None);
    };
    check_csrf(&parts, &viewer, Some(csrf))?;
    Ok(Some(viewer))
}

/// Extractor for JSON API handlers: authenticated, and CSRF-checked when the
/// credential is a cookie.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = authenticate(state, parts)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        check_csrf(parts, &viewer, None)?;
        Ok(ApiViewer(viewer))
    }
}

/// Extractor for HTML pages: `None` when not logged in (the page redirects).
pub struct MaybeViewer(pub Option<Viewer>);

impl FromRequestParts<AppState> for MaybeViewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(
            authenticate(state, parts).await.unwrap_or(None),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_wrong_ones_fail() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused_naming_the_field() {
        let err = check_password("short").unwrap_err();
        assert!(err.to_string().starts_with("password:"), "{err}");
        assert!(check_password("long enough").is_ok());
    }

    #[test]
    fn tokens_are_prefixed_and_random() {
        let a = new_api_token();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_ne!(a, new_api_token());
        assert_eq!(sha256_hex("abc").len(), 64);
    }
}
