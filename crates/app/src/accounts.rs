//! Signing in, for everyone: sessions, throttled password sign-in, invites and
//! one-time password links, changing one's password, and personal API tokens.

use aftercare_store::{
    Authenticated, NewAuditEntry, Owner, PasswordLink, PasswordPurpose, Person, PersonId, Session,
    Store, StoreError,
};
use jiff::Timestamp;

use crate::error::{AppError, Result};
use crate::passwords::{
    check_password, decoy_hash, hash_password, random_hex, sha256_hex, verify_password,
};
use crate::policy::Actor;

/// Sessions last two weeks: long enough that an on-call person is not signed out
/// mid-week, short enough that a lost laptop's session dies on its own.
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3_600 * 1_000;
/// API tokens carry a prefix so a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "aftercare_";
/// An invite link is good for a week; a reset link for an hour (OWASP's Forgot
/// Password Cheat Sheet asks for short-lived reset tokens).
pub const INVITE_TTL_MS: i64 = 7 * 24 * 3_600 * 1_000;
pub const RESET_TTL_MS: i64 = 3_600 * 1_000;

/// Failed sign-ins allowed per account, and per client address, in the window
/// below before further attempts wait (OWASP's Authentication Cheat Sheet: limit
/// failed attempts per account and per source, without locking the account out
/// for good).
pub const FAILURES_PER_ACCOUNT: i64 = 5;
pub const FAILURES_PER_ADDRESS: i64 = 30;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1_000;

fn now() -> i64 {
    Timestamp::now().as_millisecond()
}

/// A new session: the cookie value (only its hash is stored) and the session.
pub struct NewSession {
    pub cookie: String,
    pub session: Session,
}

pub async fn start_session(store: &Store, person: PersonId) -> Result<NewSession> {
    let cookie = random_hex(32);
    let now = now();
    let session = Session {
        id_hash: sha256_hex(&cookie),
        person_id: person,
        csrf_token: random_hex(16),
        created_at: now,
        expires_at: now + SESSION_TTL_MS,
    };
    store.create_session(&session).await?;
    Ok(NewSession { cookie, session })
}

/// The actor behind a session cookie, if it is live and its person active.
pub async fn by_session(store: &Store, cookie: &str) -> Result<Option<Actor>> {
    match store
        .authenticate_session(&sha256_hex(cookie), now())
        .await?
    {
        Some(auth) => Ok(Some(Actor::load(store, auth).await?)),
        None => Ok(None),
    }
}

/// The actor behind a bearer token, if it is known and its person active.
pub async fn by_token(store: &Store, token: &str) -> Result<Option<Actor>> {
    let auth: Option<Authenticated> = store.authenticate_token(&sha256_hex(token)).await?;
    match auth {
        Some(auth) => Ok(Some(Actor::load(store, auth).await?)),
        None => Ok(None),
    }
}

fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// Signs in with email and password. The same work is done whether or not the
/// account exists (a decoy hash is verified), one message covers every failure,
/// and failures are throttled per account and per client address.
pub async fn sign_in(
    store: &Store,
    email: &str,
    password: &str,
    address: &str,
) -> Result<NewSession> {
    let since = now() - FAILURE_WINDOW_MS;
    let (account, addr) = (account_key(email), address_key(address));
    if store.login_failures(&account, since).await? >= FAILURES_PER_ACCOUNT
        || store.login_failures(&addr, since).await? >= FAILURES_PER_ADDRESS
    {
        return Err(AppError::Throttled {
            retry_after_secs: (FAILURE_WINDOW_MS / 1000) as u64,
        });
    }
    let person = store.person_by_email(email).await?;
    let hash = person
        .as_ref()
        .filter(|p| p.is_active())
        .and_then(|p| p.password_hash.clone());
    // Argon2 is deliberately slow: run it on the blocking pool, and run it on a
    // decoy hash for unknown accounts so timing tells nothing.
    let candidate = password.to_string();
    let verified = tokio::task::spawn_blocking(move || {
        let ok = verify_password(&candidate, hash.as_deref().unwrap_or(decoy_hash()));
        ok && hash.is_some()
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    match person {
        Some(p) if verified => {
            store.clear_login_failures(&account).await?;
            start_session(store, p.id).await
        }
        _ => {
            store
                .record_login_failure(&[&account, &addr], now())
                .await?;
            Err(AppError::Unauthenticated)
        }
    }
}

/// Ends the actor's session (a token has nothing to end).
pub async fn sign_out(store: &Store, actor: &Actor) -> Result<()> {
    if let Some(s) = actor.session() {
        store.delete_session(&s.id_hash).await?;
    }
    Ok(())
}

/// A link that lets a person choose a password once.
#[derive(utoipa::ToSchema, Debug, Clone, serde::Serialize)]
pub struct IssuedLink {
    pub person_id: PersonId,
    pub email: String,
    pub purpose: PasswordPurpose,
    /// The path on this server; prefix it with the public URL.
    pub path: String,
    pub expires_at: Timestamp,
}

/// Invites a person to choose a password. Admins may invite anyone; a team's
/// leads may invite its members. Someone who already has a password gets no
/// invite (a reset by email is the way back in), so no admin can take over an
/// account by inviting its owner afresh.
pub async fn invite(store: &Store, actor: &Actor, person: &Person) -> Result<IssuedLink> {
    if !actor.is_admin() {
        let theirs = store.memberships(person.id).await?;
        if !theirs.iter().any(|m| actor.leads(m.team.id)) {
            return Err(AppError::Forbidden(
                "admins and the leads of a person's teams may invite them".into(),
            ));
        }
    }
    if !person.is_active() {
        return Err(AppError::Conflict(format!(
            "{} is deactivated; reactivate them first",
            person.email
        )));
    }
    if person.password_hash.is_some() {
        return Err(AppError::Conflict(format!(
            "{} can already sign in; if they forgot their password they can reset it from the sign-in page",
            person.email
        )));
    }
    let link = issue_link(store, person, PasswordPurpose::Invite, actor.person_id()).await?;
    store
        .audit(&NewAuditEntry {
            actor_id: actor.person_id(),
            actor: actor.label(),
            action: "person.invite".into(),
            team_id: None,
            subject: person.email.clone(),
            detail: String::new(),
        })
        .await?;
    Ok(link)
}

async fn issue_link(
    store: &Store,
    person: &Person,
    purpose: PasswordPurpose,
    by: Option<PersonId>,
) -> Result<IssuedLink> {
    let token = random_hex(32);
    let ttl = match purpose {
        PasswordPurpose::Invite => INVITE_TTL_MS,
        PasswordPurpose::Reset => RESET_TTL_MS,
    };
    let expires = now() + ttl;
    store
        .create_password_token(&sha256_hex(&token), person.id, purpose, by, expires)
        .await?;
    Ok(IssuedLink {
        person_id: person.id,
        email: person.email.clone(),
        purpose,
        path: format!("/password/{token}"),
        expires_at: Timestamp::from_millisecond(expires)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    })
}

/// A reset link for whoever has this email, to be sent to that address only. An
/// unknown or deactivated email yields `None`, and the caller answers the same
/// either way, so the form tells nobody who has an account.
pub async fn reset_link(store: &Store, email: &str) -> Result<Option<IssuedLink>> {
    match store.person_by_email(email).await? {
        Some(p) if p.is_active() => Ok(Some(
            issue_link(store, &p, PasswordPurpose::Reset, None).await?,
        )),
        _ => Ok(None),
    }
}

/// Who a one-time link is for, while it is usable.
pub async fn link(store: &Store, token: &str) -> Result<PasswordLink> {
    store
        .password_link(&sha256_hex(token), now())
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "this link (it has been used, has expired, or was replaced by a newer one; ask for a new one)".into(),
            )
        })
}

/// Chooses a password with a one-time link and signs in.
pub async fn set_password_with_link(
    store: &Store,
    token: &str,
    password: &str,
) -> Result<NewSession> {
    let found = link(store, token).await?;
    check_password(password, &[&found.person.email, &found.person.name])?;
    let hash = hash_password(password)?;
    let person = store
        .use_password_token(&sha256_hex(token), now(), &hash)
        .await?
        .ok_or_else(|| AppError::NotFound("this link (it has just been used)".into()))?;
    start_session(store, person).await
}

/// Changes the owner's password, given the current one; their other sessions end.
pub async fn change_password(store: &Store, actor: &Actor, current: &str, new: &str) -> Result<()> {
    let owner: Owner = actor.owner()?;
    let person = store
        .person(owner.person_id())
        .await?
        .ok_or_else(|| AppError::NotFound("your account".into()))?;
    let ok = person
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(current, h));
    if !ok {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    check_password(new, &[&person.email, &person.name])?;
    let hash = hash_password(new)?;
    store
        .change_password(
            person.id,
            &hash,
            actor.session().map(|s| s.id_hash.as_str()),
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound(w) => AppError::NotFound(w),
            other => other.into(),
        })
}

/// A token and what it is.
pub struct NewToken {
    pub token: String,
    pub id: aftercare_store::TokenId,
}

pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex(24))
}

/// A personal API token the person makes for themselves: it acts as them,
/// including on what belongs to them alone.
pub async fn create_own_token(store: &Store, actor: &Actor, label: &str) -> Result<NewToken> {
    let owner = actor.owner()?;
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(AppError::invalid("label", "must be 1 to 100 characters"));
    }
    let token = new_token();
    let id = store
        .create_api_token(
            &sha256_hex(&token),
            Some(owner.person_id()),
            false,
            label,
            true,
        )
        .await?;
    Ok(NewToken { token, id })
}

/// A token made on the command line: for a person (their work data, not what
/// belongs to them alone) or an admin token that belongs to nobody.
pub async fn create_token_for(
    store: &Store,
    person: Option<&Person>,
    admin: bool,
    label: &str,
) -> Result<NewToken> {
    let token = new_token();
    let id = store
        .create_api_token(
            &sha256_hex(&token),
            person.map(|p| p.id),
            admin,
            label,
            false,
        )
        .await?;
    Ok(NewToken { token, id })
}

/// First-run setup: the first admin, once. Of concurrent setups exactly one wins.
pub async fn first_admin(
    store: &Store,
    new: &aftercare_store::NewPerson,
    password: &str,
) -> Result<NewSession> {
    if store.has_admin().await? {
        return Err(AppError::Forbidden("setup is done; sign in instead".into()));
    }
    check_password(password, &[&new.email, &new.name])?;
    let hash = hash_password(password)?;
    let person = store
        .create_admin(new, &hash, true)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Forbidden("setup is done; sign in instead".into()),
            other => other.into(),
        })?;
    start_session(store, person.id).await
}
