//! Proposed schedules for a rotation (issue 9, item 7): the fair rotation generator's
//! answer for a horizon, kept until a lead accepts or discards it. Accepting puts its
//! assignments on the rotation as overrides (marked `plan`) in one transaction, replacing
//! what an earlier accepted plan put on the same span.

use crate::ids::{PersonId, PlanId, RotationId};
use crate::newcomers::NewShadowShift;
use crate::{BeginWrite, NewOverride, Result, Store, StoreError, now_ms, with_pool};

/// A proposal to store: the generator's document and the span it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub rotation_id: RotationId,
    pub starts_at: i64,
    pub ends_at: i64,
    /// The proposal as the use-case layer serialised it (JSON).
    pub body: String,
    pub created_by: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredPlan {
    pub id: PlanId,
    pub rotation_id: RotationId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub body: String,
    /// `proposed`, `accepted` or `discarded`.
    pub status: String,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<i64>,
}

macro_rules! plan_columns {
    () => {
        "id, rotation_id, starts_at, ends_at, body, status, created_by, created_at, decided_by, decided_at"
    };
}

impl Store {
    pub async fn create_plan(&self, new: &NewPlan) -> Result<StoredPlan> {
        let sql = concat!(
            "INSERT INTO rotation_plans (rotation_id, starts_at, ends_at, body, status, created_by, created_at) VALUES ($1, $2, $3, $4, 'proposed', $5, $6) RETURNING ",
            plan_columns!()
        );
        Ok(with_pool!(self, p => sqlx::query_as::<_, StoredPlan>(sql)
            .bind(new.rotation_id).bind(new.starts_at).bind(new.ends_at).bind(&new.body)
            .bind(new.created_by).bind(now_ms())
            .fetch_one(p).await)?)
    }

    pub async fn plan(&self, id: PlanId) -> Result<Option<StoredPlan>> {
        let sql = concat!(
            "SELECT ",
            plan_columns!(),
            " FROM rotation_plans WHERE id = $1"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredPlan>(sql).bind(id).fetch_optional(p).await)?,
        )
    }

    /// A rotation's proposals, newest first.
    pub async fn rotation_plans(&self, rotation: RotationId) -> Result<Vec<StoredPlan>> {
        let sql = concat!(
            "SELECT ",
            plan_columns!(),
            " FROM rotation_plans WHERE rotation_id = $1 ORDER BY created_at DESC, id DESC"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredPlan>(sql).bind(rotation).fetch_all(p).await)?,
        )
    }

    /// Accepts a proposed plan and puts `overrides` on its rotation, in one transaction
    /// that only a still-proposed plan passes: the overrides an earlier plan put on
    /// `[starts_at, ends_at)` go first; `shadows` are the newcomers' shadow shifts it
    /// plans. `false` (and nothing stored) if it was decided.
    pub async fn accept_plan(
        &self,
        id: PlanId,
        by: Option<PersonId>,
        overrides: &[NewOverride],
        shadows: &[NewShadowShift],
    ) -> Result<bool> {
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row: Option<(RotationId, i64, i64)> = sqlx::query_as("UPDATE rotation_plans SET status = 'accepted', decided_by = $2, decided_at = $3 WHERE id = $1 AND status = 'proposed' RETURNING rotation_id, starts_at, ends_at")
                .bind(id).bind(by).bind(now)
                .fetch_optional(&mut *tx).await?;
            let Some((rotation, from, to)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            sqlx::query("DELETE FROM rotation_overrides WHERE rotation_id = $1 AND source = 'plan' AND starts_at < $3 AND ends_at > $2")
                .bind(rotation).bind(from).bind(to)
                .execute(&mut *tx).await?;
            for o in overrides {
                sqlx::query("INSERT INTO rotation_overrides (rotation_id, person_id, starts_at, ends_at, replaces_person_id, note, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'plan', $7, $8)")
                    .bind(rotation).bind(o.person_id).bind(o.starts_at).bind(o.ends_at)
                    .bind(o.replaces).bind(&o.note).bind(o.created_by).bind(now)
                    .execute(&mut *tx).await?;
            }
            for s in shadows {
                sqlx::query("INSERT INTO shadow_shifts (newcomer_id, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(s.newcomer_id).bind(s.starts_at).bind(s.ends_at).bind(by).bind(now)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Discards a proposed plan; `false` if it was already decided (or not there).
    pub async fn discard_plan(&self, id: PlanId, by: Option<PersonId>) -> Result<bool> {
        let sql = "UPDATE rotation_plans SET status = 'discarded', decided_by = $2, decided_at = $3 WHERE id = $1 AND status = 'proposed'";
        let n = with_pool!(self, p => sqlx::query(sql).bind(id).bind(by).bind(now_ms()).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
