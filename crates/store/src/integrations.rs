//! Integrations: where a team's pages come from, with the secret each sender signs
//! (or authenticates) with, whether it is on, and what it last received.

use crate::ids::{IntegrationId, TeamId};
use crate::{Result, Store, StoreError, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Integration {
    pub id: IntegrationId,
    pub public_id: String,
    pub team_id: TeamId,
    pub source: String,
    pub name: String,
    pub secret: String,
    pub enabled: bool,
    pub last_delivery_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntegration {
    pub public_id: String,
    pub team_id: TeamId,
    pub source: String,
    pub name: String,
    pub secret: String,
}

#[cfg(test)]
const COLUMNS: &str = "id, public_id, team_id, source, name, secret, enabled, last_delivery_at, last_error, last_error_at, created_at";

macro_rules! select_integrations {
    ($where:literal) => {
        concat!(
            "SELECT id, public_id, team_id, source, name, secret, enabled, last_delivery_at, last_error, last_error_at, created_at FROM integrations ",
            $where
        )
    };
}

impl Store {
    pub async fn create_integration(&self, new: &NewIntegration) -> Result<Integration> {
        let sql = "INSERT INTO integrations (public_id, team_id, source, name, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let _id: IntegrationId = with_pool!(self, p => sqlx::query_scalar(sql).bind(&new.public_id).bind(new.team_id).bind(&new.source).bind(&new.name).bind(&new.secret).bind(now_ms()).fetch_one(p).await)?;
        self.integration(&new.public_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("integration {}", new.public_id)))
    }

    /// Looks an integration up by the id that appears in its ingest path.
    pub async fn integration(&self, public_id: &str) -> Result<Option<Integration>> {
        let sql = select_integrations!("WHERE public_id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Integration>(sql).bind(public_id).fetch_optional(p).await)?,
        )
    }

    pub async fn list_integrations(&self, team_id: Option<TeamId>) -> Result<Vec<Integration>> {
        let sql = select_integrations!("WHERE ($1 IS NULL OR team_id = $1) ORDER BY id");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Integration>(sql).bind(team_id).fetch_all(p).await)?,
        )
    }

    /// Changes an integration's name, secret or on/off switch (each `None` is
    /// kept as it is).
    pub async fn update_integration(
        &self,
        public_id: &str,
        name: Option<&str>,
        secret: Option<&str>,
        enabled: Option<bool>,
    ) -> Result<Integration> {
        let sql = "UPDATE integrations SET name = COALESCE($1, name), secret = COALESCE($2, secret), enabled = COALESCE($3, enabled) WHERE public_id = $4";
        let done = with_pool!(self, p => sqlx::query(sql).bind(name).bind(secret).bind(enabled).bind(public_id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("integration {public_id}")));
        }
        self.integration(public_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("integration {public_id}")))
    }

    /// Deletes an integration; the pages it brought stay (they are people's
    /// history), its raw deliveries go.
    pub async fn delete_integration(&self, public_id: &str) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM integrations WHERE public_id = $1").bind(public_id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("integration {public_id}")));
        }
        Ok(())
    }

    /// Remembers why the last delivery to an integration was refused, for the
    /// integrations page (a wrong secret shows up there, not only in logs).
    pub async fn record_integration_error(&self, id: IntegrationId, error: &str) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        with_pool!(self, p => sqlx::query("UPDATE integrations SET last_error = $1, last_error_at = $2 WHERE id = $3").bind(&error).bind(now_ms()).bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_column_list_matches_the_select_macro() {
        assert!(select_integrations!("").contains(super::COLUMNS));
    }
}
