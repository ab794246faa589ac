//! On-call shifts: who carried a team's pager when. Imported from schedule exports
//! for now; rotations will write here too.

use crate::ids::{PersonId, ShiftId, TeamId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// An on-call shift to store; instants in milliseconds, `starts_at < ends_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShift {
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Shift {
    pub id: ShiftId,
    pub team_id: TeamId,
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub source: String,
}

impl Store {
    /// Replaces a team's shifts from one source over the span the new shifts cover
    /// (a schedule export covers a window; shifts outside it are kept), in one
    /// transaction. Returns how many shifts were stored.
    pub async fn replace_shifts(
        &self,
        team_id: TeamId,
        source: &str,
        shifts: &[NewShift],
    ) -> Result<u64> {
        let (Some(from), Some(to)) = (
            shifts.iter().map(|s| s.starts_at).min(),
            shifts.iter().map(|s| s.ends_at).max(),
        ) else {
            return Ok(0);
        };
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM shifts WHERE team_id = $1 AND source = $2 AND starts_at < $3 AND ends_at > $4")
                .bind(team_id).bind(source).bind(to).bind(from)
                .execute(&mut *tx).await?;
            for s in shifts {
                sqlx::query("INSERT INTO shifts (team_id, person_id, starts_at, ends_at, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(team_id).bind(s.person_id).bind(s.starts_at).bind(s.ends_at).bind(source).bind(now)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(shifts.len() as u64)
        })
    }

    /// Who was on call for a team at an instant: of the shifts covering it, the one
    /// that began last (an override sits inside the regular shift it replaces).
    pub async fn on_call(&self, team_id: TeamId, at: i64) -> Result<Option<PersonId>> {
        let sql = "SELECT person_id FROM shifts WHERE team_id = $1 AND starts_at <= $2 AND ends_at > $2 ORDER BY starts_at DESC, id DESC LIMIT 1";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(team_id).bind(at).fetch_optional(p).await)?,
        )
    }

    /// A team's shifts overlapping `[from, to)`, in order.
    pub async fn shifts(&self, team_id: TeamId, from: i64, to: i64) -> Result<Vec<Shift>> {
        let sql = "SELECT id, team_id, person_id, starts_at, ends_at, source FROM shifts WHERE team_id = $1 AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at, id";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Shift>(sql).bind(team_id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }
}
