//! Calendar feeds: which secret (by its hash) shows whose on-call time.

use crate::ids::{FeedId, PersonId};
use crate::{Result, Store, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredFeed {
    pub id: FeedId,
    /// `person`, `rotation` or `team`.
    pub kind: String,
    /// The person, rotation or team shown.
    pub subject_id: i64,
    /// Who made it (and whose access it answers with).
    pub person_id: PersonId,
    pub created_at: i64,
}

impl Store {
    pub async fn create_feed(
        &self,
        token_hash: &str,
        kind: &str,
        subject_id: i64,
        person: PersonId,
    ) -> Result<StoredFeed> {
        let sql = "INSERT INTO calendar_feeds (token_hash, kind, subject_id, person_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, kind, subject_id, person_id, created_at";
        Ok(with_pool!(self, p => sqlx::query_as::<_, StoredFeed>(sql)
            .bind(token_hash).bind(kind).bind(subject_id).bind(person).bind(now_ms())
            .fetch_one(p).await)?)
    }

    pub async fn feed_by_hash(&self, token_hash: &str) -> Result<Option<StoredFeed>> {
        let sql = "SELECT id, kind, subject_id, person_id, created_at FROM calendar_feeds WHERE token_hash = $1";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredFeed>(sql).bind(token_hash).fetch_optional(p).await)?,
        )
    }

    pub async fn feeds_of(&self, person: PersonId) -> Result<Vec<StoredFeed>> {
        let sql = "SELECT id, kind, subject_id, person_id, created_at FROM calendar_feeds WHERE person_id = $1 ORDER BY created_at, id";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredFeed>(sql).bind(person).fetch_all(p).await)?,
        )
    }

    /// Revokes one of `person`'s feeds; `false` if they have no such feed.
    pub async fn delete_feed(&self, id: FeedId, person: PersonId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM calendar_feeds WHERE id = $1 AND person_id = $2").bind(id).bind(person).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
