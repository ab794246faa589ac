//! The audit log: every change to roles, memberships, integrations and accounts,
//! with who made it.

use crate::ids::{AuditId, PersonId, TeamId};
use crate::{Result, Store, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// The person who acted; `None` for the command line or an admin token.
    pub actor_id: Option<PersonId>,
    /// How the actor is shown: an email, or `command line`, or `admin token`.
    pub actor: String,
    /// What was done, e.g. `membership.add`, `integration.rotate_secret`.
    pub action: String,
    pub team_id: Option<TeamId>,
    /// What it was done to, in words (an email, an integration's name).
    pub subject: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: i64,
    pub actor_id: Option<PersonId>,
    pub actor: String,
    pub action: String,
    pub team_id: Option<TeamId>,
    pub subject: String,
    pub detail: String,
}

impl Store {
    pub async fn audit(&self, entry: &NewAuditEntry) -> Result<()> {
        let sql = "INSERT INTO audit_log (at, actor_id, actor, action, team_id, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        with_pool!(self, p => sqlx::query(sql)
            .bind(now_ms()).bind(entry.actor_id).bind(&entry.actor).bind(&entry.action)
            .bind(entry.team_id).bind(&entry.subject).bind(&entry.detail)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The newest entries first; with `team`, only that team's.
    pub async fn audit_log(&self, team: Option<TeamId>, limit: i64) -> Result<Vec<AuditEntry>> {
        let sql = "SELECT id, at, actor_id, actor, action, team_id, subject, detail FROM audit_log WHERE ($1 IS NULL OR team_id = $1) ORDER BY at DESC, id DESC LIMIT $2";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, AuditEntry>(sql).bind(team).bind(limit).fetch_all(p).await)?,
        )
    }
}
