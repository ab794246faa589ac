//! Newcomers to a rotation's on call, their buddies, and the shadow shifts they plan.

use crate::ids::{NewcomerId, PersonId, RotationId, ShadowShiftId};
use crate::{Result, Store, StoreError, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredNewcomer {
    pub id: NewcomerId,
    pub rotation_id: RotationId,
    pub person_id: PersonId,
    pub buddy_id: PersonId,
    /// When a lead said they are ready to carry the pager alone; `None` while new.
    pub ready_at: Option<i64>,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredShadowShift {
    pub id: ShadowShiftId,
    pub newcomer_id: NewcomerId,
    /// Read through the newcomer: the shadow shift's rotation and who shadows.
    pub rotation_id: RotationId,
    pub person_id: PersonId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
}

/// A shadow shift a proposal plans, applied with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShadowShift {
    pub newcomer_id: NewcomerId,
    pub starts_at: i64,
    pub ends_at: i64,
}

const NEWCOMER: &str =
    "SELECT id, rotation_id, person_id, buddy_id, ready_at, created_by, created_at FROM newcomers";
const SHADOW: &str = "SELECT s.id, s.newcomer_id, n.rotation_id, n.person_id, s.starts_at, s.ends_at, s.created_by, s.created_at FROM shadow_shifts s JOIN newcomers n ON n.id = s.newcomer_id";

impl Store {
    /// Marks `person` as new to `rotation`'s on call with `buddy` to call; a
    /// [`StoreError::Conflict`] if they already are.
    pub async fn add_newcomer(
        &self,
        rotation: RotationId,
        person: PersonId,
        buddy: PersonId,
        by: Option<PersonId>,
    ) -> Result<StoredNewcomer> {
        let sql = "INSERT INTO newcomers (rotation_id, person_id, buddy_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, rotation_id, person_id, buddy_id, ready_at, created_by, created_at";
        with_pool!(self, p => sqlx::query_as::<_, StoredNewcomer>(sql)
            .bind(rotation).bind(person).bind(buddy).bind(by).bind(now_ms())
            .fetch_one(p).await)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("person {person} as a newcomer to this rotation"))
            }
            other => other,
        })
    }

    pub async fn newcomer(&self, id: NewcomerId) -> Result<Option<StoredNewcomer>> {
        let sql = sqlx::AssertSqlSafe(format!("{NEWCOMER} WHERE id = $1"));
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredNewcomer>(sql).bind(id).fetch_optional(p).await)?,
        )
    }

    /// A rotation's newcomers, ready or not, earliest marked first.
    pub async fn rotation_newcomers(&self, rotation: RotationId) -> Result<Vec<StoredNewcomer>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{NEWCOMER} WHERE rotation_id = $1 ORDER BY created_at, id"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredNewcomer>(sql).bind(rotation).fetch_all(p).await)?,
        )
    }

    /// The rotations `person` is marked as new to, ready or not.
    pub async fn person_newcomers(&self, person: PersonId) -> Result<Vec<StoredNewcomer>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{NEWCOMER} WHERE person_id = $1 ORDER BY created_at, id"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredNewcomer>(sql).bind(person).fetch_all(p).await)?,
        )
    }

    /// Sets a newcomer's buddy and when they were ready (`None`: still new). `false` if
    /// there is no such newcomer.
    pub async fn update_newcomer(
        &self,
        id: NewcomerId,
        buddy: PersonId,
        ready_at: Option<i64>,
    ) -> Result<bool> {
        let sql = "UPDATE newcomers SET buddy_id = $2, ready_at = $3 WHERE id = $1";
        let n = with_pool!(self, p => sqlx::query(sql).bind(id).bind(buddy).bind(ready_at).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Removes a newcomer and their shadow shifts.
    pub async fn delete_newcomer(&self, id: NewcomerId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM newcomers WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn add_shadow_shift(
        &self,
        newcomer: NewcomerId,
        starts_at: i64,
        ends_at: i64,
        by: Option<PersonId>,
    ) -> Result<ShadowShiftId> {
        let sql = "INSERT INTO shadow_shifts (newcomer_id, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql)
            .bind(newcomer).bind(starts_at).bind(ends_at).bind(by).bind(now_ms())
            .fetch_one(p).await)?)
    }

    pub async fn shadow_shift(&self, id: ShadowShiftId) -> Result<Option<StoredShadowShift>> {
        let sql = sqlx::AssertSqlSafe(format!("{SHADOW} WHERE s.id = $1"));
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredShadowShift>(sql).bind(id).fetch_optional(p).await)?,
        )
    }

    /// A rotation's shadow shifts, soonest first.
    pub async fn rotation_shadow_shifts(
        &self,
        rotation: RotationId,
    ) -> Result<Vec<StoredShadowShift>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SHADOW} WHERE n.rotation_id = $1 ORDER BY s.starts_at, s.id"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredShadowShift>(sql).bind(rotation).fetch_all(p).await)?,
        )
    }

    /// The shadow shifts `person` takes, in any rotation, overlapping `[from, to)`.
    pub async fn person_shadow_shifts(
        &self,
        person: PersonId,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredShadowShift>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SHADOW} WHERE n.person_id = $1 AND s.ends_at > $2 AND s.starts_at < $3 ORDER BY s.starts_at, s.id"
        ));
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredShadowShift>(sql).bind(person).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    pub async fn delete_shadow_shift(&self, id: ShadowShiftId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM shadow_shifts WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
