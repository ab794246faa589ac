//! The self-compassion journal's storage: a wrapped data key per person and sealed
//! entries. Everything here is ciphertext the server cannot open (the key that
//! unwraps the data key is derived from the person's passphrase, which is never
//! stored), and every read and write takes the person's [`Owner`].

use crate::{
    BeginWrite, IncidentId, JournalEntryId, Owner, Result, Store, StoreError, now_ms, with_pool,
};

/// One entry as stored: sealed text, in the journal crate's base64 form.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SealedEntry {
    pub id: JournalEntryId,
    pub incident_id: Option<IncidentId>,
    pub entry_key: String,
    pub sealed: String,
    pub created_at: i64,
}

impl Store {
    /// The owner's wrapped data key, if they started a journal.
    pub async fn journal_key(&self, owner: Owner) -> Result<Option<String>> {
        let sql = "SELECT wrapped FROM journal_keys WHERE person_id = $1";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(owner.person_id()).fetch_optional(p).await)?,
        )
    }

    /// Stores the owner's first wrapped key; false if they have one already (the
    /// first one stays: replacing it would orphan every entry sealed under it).
    pub async fn create_journal_key(&self, owner: Owner, wrapped: &str) -> Result<bool> {
        let sql = "INSERT INTO journal_keys (person_id, wrapped, created_at) VALUES ($1, $2, $3) ON CONFLICT (person_id) DO NOTHING";
        let n = with_pool!(self, p => sqlx::query(sql).bind(owner.person_id()).bind(wrapped).bind(now_ms())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Replaces the owner's wrapped key with the same data key wrapped again (a new
    /// passphrase); false if `expected` is no longer the stored one.
    pub async fn rewrap_journal_key(
        &self,
        owner: Owner,
        expected: &str,
        wrapped: &str,
    ) -> Result<bool> {
        let sql = "UPDATE journal_keys SET wrapped = $1 WHERE person_id = $2 AND wrapped = $3";
        let n = with_pool!(self, p => sqlx::query(sql).bind(wrapped).bind(owner.person_id()).bind(expected)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn add_journal_entry(
        &self,
        owner: Owner,
        incident: Option<IncidentId>,
        entry_key: &str,
        sealed: &str,
    ) -> Result<SealedEntry> {
        let sql = "INSERT INTO journal_entries (person_id, incident_id, entry_key, sealed, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, incident_id, entry_key, sealed, created_at";
        Ok(with_pool!(self, p => sqlx::query_as(sql)
            .bind(owner.person_id()).bind(incident).bind(entry_key).bind(sealed).bind(now_ms()).fetch_one(p).await)?)
    }

    /// The owner's entries, newest first.
    pub async fn journal_entries(&self, owner: Owner) -> Result<Vec<SealedEntry>> {
        let sql = "SELECT id, incident_id, entry_key, sealed, created_at FROM journal_entries WHERE person_id = $1 ORDER BY created_at DESC, id DESC";
        Ok(with_pool!(self, p => sqlx::query_as(sql).bind(owner.person_id()).fetch_all(p).await)?)
    }

    /// How many entries the owner has (without reading them).
    pub async fn count_journal_entries(&self, owner: Owner) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM journal_entries WHERE person_id = $1";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(owner.person_id()).fetch_one(p).await)?,
        )
    }

    pub async fn delete_journal_entry(&self, owner: Owner, id: JournalEntryId) -> Result<bool> {
        let sql = "DELETE FROM journal_entries WHERE id = $1 AND person_id = $2";
        let n = with_pool!(self, p => sqlx::query(sql).bind(id).bind(owner.person_id())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Deletes the owner's whole journal: every entry and the key.
    pub async fn delete_journal(&self, owner: Owner) -> Result<u64> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("DELETE FROM journal_entries WHERE person_id = $1")
                .bind(owner.person_id()).execute(&mut *tx).await?.rows_affected();
            sqlx::query("DELETE FROM journal_keys WHERE person_id = $1")
                .bind(owner.person_id()).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(n)
        })
    }
}
