//! Single sign-on with OpenID Connect: beginning a sign-in and finishing it.
//!
//! Aftercare servers keep nothing in memory between requests, so the pending
//! sign-in (state, nonce, PKCE verifier) is kept in the store under a hash of
//! its state, and the state itself goes to the browser in a cookie: the
//! process that receives the provider's callback may not be the one that began
//! it, and a callback arriving in a browser that did not begin the sign-in
//! (login CSRF) finds no cookie, or the wrong one.
//!
//! People are matched by the email address the provider says it verified. A
//! verified address that matches nobody is refused, unless the operator turned
//! on just-in-time creation (`AFTERCARE_OIDC_CREATE_PEOPLE`).

use aftercare_oidc::{OidcClient, OidcError, PendingLogin, SignedIn};
use aftercare_store::{NewAuditEntry, Store};
use jiff::Timestamp;

use crate::accounts::{NewSession, start_session};
use crate::error::{AppError, Result};
use crate::passwords::sha256_hex;
use crate::validate::{self, PersonInput};

/// A sign-in begun: send the browser to `authorize_url`, and keep `state` in
/// a cookie bound to that browser until it comes back.
pub struct Started {
    pub authorize_url: String,
    pub state: String,
}

/// Why a sign-in did not finish, in words for the person signing in.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error(transparent)]
    Provider(#[from] OidcError),
    /// No pending sign-in for this browser: the cookie is missing (another
    /// browser, or cookies blocked), or the sign-in was used or expired.
    #[error(
        "this sign-in was not started in this browser, or has already been used: start it again"
    )]
    NotStarted,
    /// A verified address, but nobody in Aftercare has it.
    #[error(
        "nobody in Aftercare has the address {email}: ask an admin or your team lead to add you"
    )]
    Unknown { email: String },
    #[error("the account for {email} is deactivated: ask an admin to reactivate it")]
    Deactivated { email: String },
    #[error(transparent)]
    App(#[from] AppError),
}

fn pending_key(state: &str) -> String {
    sha256_hex(state)
}

/// Begins a sign-in with the provider.
pub async fn begin(store: &Store, client: &OidcClient) -> Result<Started> {
    let (url, pending) = client.begin();
    let data = serde_json::to_string(&pending).map_err(|e| AppError::Internal(e.to_string()))?;
    let max_age = i64::try_from(client.config().pending_max_age.as_millis()).unwrap_or(i64::MAX);
    let expires = Timestamp::now().as_millisecond().saturating_add(max_age);
    store
        .put_sso_pending(&pending_key(&pending.state), &data, expires)
        .await?;
    Ok(Started {
        authorize_url: url.to_string(),
        state: pending.state,
    })
}

/// Finishes a sign-in from the provider's callback: `browser_state` is the
/// state kept in the browser's cookie, `returned_state` and `code` what the
/// provider sent back. The pending sign-in is used up whatever the outcome.
pub async fn finish(
    store: &Store,
    client: &OidcClient,
    browser_state: &str,
    returned_state: &str,
    code: &str,
) -> Result<NewSession, SsoError> {
    if browser_state.is_empty() {
        return Err(SsoError::NotStarted);
    }
    let data = store
        .take_sso_pending(
            &pending_key(browser_state),
            Timestamp::now().as_millisecond(),
        )
        .await
        .map_err(AppError::from)?
        .ok_or(SsoError::NotStarted)?;
    let pending: PendingLogin =
        serde_json::from_str(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    let signed_in = client.finish(&pending, returned_state, code).await?;
    sign_in_verified(store, &signed_in, client.config().create_people).await
}

/// Drops the pending sign-in of a browser the provider sent back with an
/// error, so it cannot be finished later.
pub async fn abandon(store: &Store, browser_state: &str) -> Result<()> {
    if !browser_state.is_empty() {
        store
            .take_sso_pending(&pending_key(browser_state), i64::MIN)
            .await?;
    }
    Ok(())
}

/// Signs in the person with the provider's verified address, creating them
/// first when `create_people` allows it.
pub async fn sign_in_verified(
    store: &Store,
    signed_in: &SignedIn,
    create_people: bool,
) -> Result<NewSession, SsoError> {
    let email = signed_in.verified_email()?.trim().to_string();
    let person = match store
        .person_by_email(&email)
        .await
        .map_err(AppError::from)?
    {
        Some(p) if p.is_active() => p,
        Some(_) => return Err(SsoError::Deactivated { email }),
        None if create_people => {
            let name = signed_in
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            // A new person starts with the defaults of every new person (UTC,
            // the documented working hours and sleep window) and sets their own.
            let new = validate::person(&PersonInput {
                name,
                email: email.clone(),
                time_zone: "UTC".into(),
                ..Default::default()
            })
            .map_err(AppError::from)?;
            let person = store.create_person(&new).await.map_err(AppError::from)?;
            store
                .audit(&NewAuditEntry {
                    actor_id: Some(person.id),
                    actor: format!("single sign-on ({})", signed_in.issuer),
                    action: "person.create".into(),
                    team_id: None,
                    subject: person.email.clone(),
                    detail: "created at first sign-in".into(),
                })
                .await
                .map_err(AppError::from)?;
            person
        }
        None => return Err(SsoError::Unknown { email }),
    };
    Ok(start_session(store, person.id).await?)
}
