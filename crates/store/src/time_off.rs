//! Time off: spans a person cannot carry the pager. Schedules read them to warn of
//! collisions and to plan around them; the note stays the person's own (the use-case
//! layer gives teammates a view without it).

use crate::ids::{PersonId, TimeOffId};
use crate::{Result, Store, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTimeOff {
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    /// `leave`, `family`, `appointment` or `other`.
    pub kind: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredTimeOff {
    pub id: TimeOffId,
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub kind: String,
    pub note: String,
    pub created_at: i64,
}

macro_rules! time_off_columns {
    () => {
        "id, person_id, starts_at, ends_at, kind, note, created_at"
    };
}

impl Store {
    pub async fn add_time_off(&self, new: &NewTimeOff) -> Result<StoredTimeOff> {
        let sql = concat!(
            "INSERT INTO time_off (person_id, starts_at, ends_at, kind, note, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
            time_off_columns!()
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredTimeOff>(sql)
            .bind(new.person_id).bind(new.starts_at).bind(new.ends_at).bind(&new.kind).bind(&new.note).bind(now_ms())
            .fetch_one(p).await)?,
        )
    }

    /// Replaces an entry's span, kind and note; `None` if there is none.
    pub async fn update_time_off(
        &self,
        id: TimeOffId,
        new: &NewTimeOff,
    ) -> Result<Option<StoredTimeOff>> {
        let sql = concat!(
            "UPDATE time_off SET starts_at = $2, ends_at = $3, kind = $4, note = $5 WHERE id = $1 RETURNING ",
            time_off_columns!()
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredTimeOff>(sql)
            .bind(id).bind(new.starts_at).bind(new.ends_at).bind(&new.kind).bind(&new.note)
            .fetch_optional(p).await)?,
        )
    }

    pub async fn time_off_entry(&self, id: TimeOffId) -> Result<Option<StoredTimeOff>> {
        let sql = concat!(
            "SELECT ",
            time_off_columns!(),
            " FROM time_off WHERE id = $1"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredTimeOff>(sql).bind(id).fetch_optional(p).await)?,
        )
    }

    /// Everyone's time off overlapping `[from, to)` among `people`, soonest first.
    pub async fn time_off_of(
        &self,
        people: &[PersonId],
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredTimeOff>> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        // One query per person keeps the SQL the same on both backends (no arrays).
        let sql = concat!(
            "SELECT ",
            time_off_columns!(),
            " FROM time_off WHERE person_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at, id"
        );
        let mut out = Vec::new();
        for person in people {
            let rows = with_pool!(self, p => sqlx::query_as::<_, StoredTimeOff>(sql).bind(*person).bind(from).bind(to).fetch_all(p).await)?;
            out.extend(rows);
        }
        out.sort_by_key(|t| (t.starts_at, t.id));
        Ok(out)
    }

    pub async fn delete_time_off(&self, id: TimeOffId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM time_off WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
