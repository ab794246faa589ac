//! Signing in: sessions, API tokens, one-time password links (invites and
//! resets), throttling of failed sign-ins, single sign-on in progress, and the
//! [`Owner`] capability.
//!
//! What belongs to a person alone (check-ins, journals, unshared accounts of an
//! incident) is read only with an [`Owner`], and an `Owner` comes only from
//! authenticating that person's own session or a token they made themselves.
//! There is no other constructor, so no admin or lead code path can hold one for
//! someone else:
//!
//! ```compile_fail
//! let forged = aftercare_store::Owner { person_id: aftercare_store::PersonId(1) };
//! ```

use crate::ids::{PersonId, TokenId};
use crate::people::Person;
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// Proof that the caller is this person, signed in with their own credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    person_id: PersonId,
}

impl Owner {
    pub fn person_id(&self) -> PersonId {
        self.person_id
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub id_hash: String,
    pub person_id: PersonId,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: TokenId,
    pub token_hash: String,
    pub person_id: Option<PersonId>,
    pub is_admin: bool,
    pub label: String,
    pub by_owner: bool,
    pub created_at: i64,
}

/// How a caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session(Session),
    Token { id: TokenId, is_admin: bool },
}

/// A caller whose credential checked out: a live session or a known token of an
/// active person (or an admin token that belongs to nobody).
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub person: Option<Person>,
    pub credential: Credential,
    owner: Option<Owner>,
}

impl Authenticated {
    /// The capability to read what belongs to the caller alone; `None` for tokens
    /// someone else minted and for admin tokens.
    pub fn owner(&self) -> Option<Owner> {
        self.owner
    }
}

/// Why a one-time password link was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PasswordPurpose {
    Invite,
    Reset,
}

impl PasswordPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            PasswordPurpose::Invite => "invite",
            PasswordPurpose::Reset => "reset",
        }
    }

    fn from_db(s: &str) -> Result<PasswordPurpose> {
        match s {
            "invite" => Ok(PasswordPurpose::Invite),
            "reset" => Ok(PasswordPurpose::Reset),
            other => Err(StoreError::Corrupt(format!(
                "password_tokens.purpose {other:?}"
            ))),
        }
    }
}

/// A one-time password link still usable: who it is for and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLink {
    pub person: Person,
    pub purpose: PasswordPurpose,
    pub expires_at: i64,
}

impl Store {
    /// Sessions live in the database, not in process memory, so any `aftercare
    /// serve` behind a load balancer can answer any request.
    pub async fn create_session(&self, session: &Session) -> Result<()> {
        let sql = "INSERT INTO sessions (id_hash, person_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        with_pool!(self, p => sqlx::query(sql).bind(&session.id_hash).bind(session.person_id).bind(&session.csrf_token).bind(session.created_at).bind(session.expires_at).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The live session with this id hash, if it has not expired by `now_ms`.
    pub async fn session(&self, id_hash: &str, now_ms: i64) -> Result<Option<Session>> {
        let sql = "SELECT id_hash, person_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Session>(sql).bind(id_hash).bind(now_ms).fetch_optional(p).await)?,
        )
    }

    /// Checks a session cookie's hash: the session must be live and its person
    /// active. The session's person is its owner.
    pub async fn authenticate_session(
        &self,
        id_hash: &str,
        now_ms: i64,
    ) -> Result<Option<Authenticated>> {
        let Some(session) = self.session(id_hash, now_ms).await? else {
            return Ok(None);
        };
        let Some(person) = self.person(session.person_id).await? else {
            return Ok(None);
        };
        if !person.is_active() {
            return Ok(None);
        }
        Ok(Some(Authenticated {
            owner: Some(Owner {
                person_id: person.id,
            }),
            person: Some(person),
            credential: Credential::Session(session),
        }))
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }

    /// Stores a token's hash. `by_owner` is true only when the person made it for
    /// themselves from their own session.
    pub async fn create_api_token(
        &self,
        token_hash: &str,
        person_id: Option<PersonId>,
        is_admin: bool,
        label: &str,
        by_owner: bool,
    ) -> Result<TokenId> {
        let sql = "INSERT INTO api_tokens (token_hash, person_id, is_admin, label, by_owner, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(token_hash).bind(person_id).bind(is_admin).bind(label).bind(by_owner).bind(now_ms()).fetch_one(p).await)?,
        )
    }

    pub async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let sql = "SELECT id, token_hash, person_id, is_admin, label, by_owner, created_at FROM api_tokens WHERE token_hash = $1";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, ApiToken>(sql).bind(token_hash).fetch_optional(p).await)?,
        )
    }

    /// Checks a bearer token's hash: a person's token works while they are active;
    /// an admin token without a person stands for the organisation's operator.
    pub async fn authenticate_token(&self, token_hash: &str) -> Result<Option<Authenticated>> {
        let Some(token) = self.api_token(token_hash).await? else {
            return Ok(None);
        };
        let credential = Credential::Token {
            id: token.id,
            is_admin: token.is_admin,
        };
        match token.person_id {
            Some(pid) => {
                let Some(person) = self.person(pid).await? else {
                    return Ok(None);
                };
                if !person.is_active() {
                    return Ok(None);
                }
                Ok(Some(Authenticated {
                    owner: token.by_owner.then_some(Owner {
                        person_id: person.id,
                    }),
                    person: Some(person),
                    credential,
                }))
            }
            None if token.is_admin => Ok(Some(Authenticated {
                person: None,
                credential,
                owner: None,
            })),
            None => Ok(None),
        }
    }

    /// A person's own tokens, newest first.
    pub async fn tokens_of(&self, owner: Owner) -> Result<Vec<ApiToken>> {
        let sql = "SELECT id, token_hash, person_id, is_admin, label, by_owner, created_at FROM api_tokens WHERE person_id = $1 ORDER BY id DESC";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, ApiToken>(sql).bind(owner.person_id).fetch_all(p).await)?,
        )
    }

    /// Deletes one of the owner's tokens; false if they have no such token.
    pub async fn delete_token_of(&self, owner: Owner, id: TokenId) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND person_id = $2").bind(id).bind(owner.person_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    // ---- one-time password links -------------------------------------------

    /// Stores a one-time link's hash; earlier unused links of the same purpose
    /// for the person stop working (only the newest invite or reset counts).
    pub async fn create_password_token(
        &self,
        token_hash: &str,
        person_id: PersonId,
        purpose: PasswordPurpose,
        created_by: Option<PersonId>,
        expires_at: i64,
    ) -> Result<()> {
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM password_tokens WHERE person_id = $1 AND purpose = $2 AND used_at IS NULL")
                .bind(person_id).bind(purpose.as_str()).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO password_tokens (token_hash, person_id, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(token_hash).bind(person_id).bind(purpose.as_str()).bind(created_by).bind(now).bind(expires_at)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// The person a usable (unused, unexpired) link is for.
    pub async fn password_link(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<PasswordLink>> {
        let sql = "SELECT person_id, purpose, expires_at FROM password_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
        let row: Option<(PersonId, String, i64)> = with_pool!(self, p => sqlx::query_as(sql).bind(token_hash).bind(now_ms).fetch_optional(p).await)?;
        let Some((person_id, purpose, expires_at)) = row else {
            return Ok(None);
        };
        let Some(person) = self.person(person_id).await? else {
            return Ok(None);
        };
        if !person.is_active() {
            return Ok(None);
        }
        Ok(Some(PasswordLink {
            person,
            purpose: PasswordPurpose::from_db(&purpose)?,
            expires_at,
        }))
    }

    /// Uses a one-time link: marks it used and sets the password in one
    /// transaction, and ends the person's other sessions (a reset should lock out
    /// whoever knew the old password). The link works once: of two concurrent
    /// uses, one gets `None`.
    pub async fn use_password_token(
        &self,
        token_hash: &str,
        now_ms: i64,
        password_hash: &str,
    ) -> Result<Option<PersonId>> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let person: Option<PersonId> = sqlx::query_scalar("UPDATE password_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING person_id")
                .bind(now_ms).bind(token_hash).fetch_optional(&mut *tx).await?;
            let Some(person) = person else {
                return Ok(None);
            };
            let active: Option<PersonId> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1 AND deactivated_at IS NULL").bind(person).fetch_optional(&mut *tx).await?;
            if active.is_none() {
                return Ok(None);
            }
            sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(Some(person))
        })
    }

    // ---- throttling ---------------------------------------------------------

    /// Records one failed sign-in under each key (an account, an address).
    pub async fn record_login_failure(&self, keys: &[&str], at: i64) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for key in keys {
                sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)").bind(*key).bind(at).execute(&mut *tx).await?;
            }
            // Old rows are of no further use; trimming here keeps the table small
            // without a separate job.
            sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(at - 24 * 3_600_000).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Failed sign-ins under `key` since `since`.
    pub async fn login_failures(&self, key: &str, since: i64) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2").bind(key).bind(since).fetch_one(p).await)?,
        )
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    // ---- single sign-on in progress ----------------------------------------

    pub async fn put_sso_pending(
        &self,
        state_hash: &str,
        data: &str,
        expires_at: i64,
    ) -> Result<()> {
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM sso_pending WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO sso_pending (state_hash, data, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(state_hash).bind(data).bind(now).bind(expires_at).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Takes (and deletes) a pending sign-in: it can be finished once.
    pub async fn take_sso_pending(&self, state_hash: &str, now_ms: i64) -> Result<Option<String>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("DELETE FROM sso_pending WHERE state_hash = $1 AND expires_at > $2 RETURNING data").bind(state_hash).bind(now_ms).fetch_optional(p).await)?,
        )
    }

    /// The people who have a password (who can sign in without single sign-on).
    pub async fn people_with_password(&self) -> Result<Vec<PersonId>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT id FROM people WHERE password_hash IS NOT NULL").fetch_all(p).await)?,
        )
    }
}
