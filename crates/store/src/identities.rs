//! Paging-tool identities (a PagerDuty user id, an Opsgenie username, ...): each
//! belongs to one person at a time, and only an admin may move one that someone
//! else holds, so nobody can redirect another person's pages to themselves.

use crate::ids::PersonId;
use crate::{BeginWrite, Result, Store, StoreError, with_pool};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Identity {
    pub person_id: PersonId,
    pub kind: String,
    pub external_id: String,
}

/// What linking an identity did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Linked {
    /// Earlier unattributed pages that named this identity, now the person's.
    pub reattributed: u64,
}

impl Store {
    /// Links an identity to a person and re-attributes every earlier page that
    /// named it and matched nobody. If someone else holds it: with `may_move`
    /// (admins) it moves, otherwise [`StoreError::Conflict`] and nothing changes.
    pub async fn link_identity(
        &self,
        person_id: PersonId,
        kind: &str,
        external_id: &str,
        may_move: bool,
    ) -> Result<Linked> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let holder: Option<PersonId> = sqlx::query_scalar("SELECT person_id FROM identities WHERE kind = $1 AND external_id = $2")
                .bind(kind).bind(external_id).fetch_optional(&mut *tx).await?;
            match holder {
                Some(h) if h == person_id => {}
                Some(_) if !may_move => {
                    return Err(StoreError::Conflict(format!(
                        "the {kind} identity {external_id:?} belongs to someone else; an admin can move it"
                    )));
                }
                Some(_) => {
                    sqlx::query("UPDATE identities SET person_id = $1 WHERE kind = $2 AND external_id = $3")
                        .bind(person_id).bind(kind).bind(external_id).execute(&mut *tx).await?;
                }
                None => {
                    sqlx::query("INSERT INTO identities (person_id, kind, external_id) VALUES ($1, $2, $3)")
                        .bind(person_id).bind(kind).bind(external_id).execute(&mut *tx).await?;
                }
            }
            let reattributed = sqlx::query("UPDATE notifications SET person_id = $1, basis = 'identity_linked' WHERE person_id IS NULL AND named_kind = $2 AND named_external_id = $3")
                .bind(person_id).bind(kind).bind(external_id).execute(&mut *tx).await?.rows_affected();
            if reattributed > 0 {
                // Their pages' incidents now have them as a responder too.
                sqlx::query("INSERT INTO incident_participants (incident_id, person_id, role, origin, engaged_from, engaged_until, added_at) \
                             SELECT i.id, n.person_id, 'responder', 'payload', MIN(n.at), MAX(n.at), $4 \
                             FROM notifications n JOIN incidents i ON i.source = n.source AND i.incident_key = n.incident_key \
                             WHERE n.person_id = $1 AND n.named_kind = $2 AND n.named_external_id = $3 AND n.delivery_id IS NOT NULL \
                             GROUP BY i.id, n.person_id \
                             ON CONFLICT (incident_id, person_id, role) DO NOTHING")
                    .bind(person_id).bind(kind).bind(external_id).bind(crate::now_ms()).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(Linked { reattributed })
        })
    }

    /// Removes one of a person's identities; false if they did not hold it.
    pub async fn remove_identity(
        &self,
        person_id: PersonId,
        kind: &str,
        external_id: &str,
    ) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM identities WHERE person_id = $1 AND kind = $2 AND external_id = $3").bind(person_id).bind(kind).bind(external_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    pub async fn identities(&self, person_id: PersonId) -> Result<Vec<Identity>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Identity>("SELECT person_id, kind, external_id FROM identities WHERE person_id = $1 ORDER BY kind, external_id").bind(person_id).fetch_all(p).await)?,
        )
    }

    pub async fn person_by_identity(
        &self,
        kind: &str,
        external_id: &str,
    ) -> Result<Option<PersonId>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT person_id FROM identities WHERE kind = $1 AND external_id = $2").bind(kind).bind(external_id).fetch_optional(p).await)?,
        )
    }
}
