//! Fire drills: practice incidents for a rotation, and who took part.

use crate::ids::{DrillId, PersonId, RotationId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredDrill {
    pub id: DrillId,
    pub rotation_id: RotationId,
    pub scheduled_at: i64,
    pub scenario: String,
    pub held_at: Option<i64>,
    pub created_by: Option<PersonId>,
    pub created_at: i64,
}

/// A drill with who took part (empty until it is held).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DrillWithPeople {
    pub drill: StoredDrill,
    pub participants: Vec<PersonId>,
}

impl Store {
    pub async fn schedule_drill(
        &self,
        rotation: RotationId,
        at: i64,
        scenario: &str,
        by: Option<PersonId>,
    ) -> Result<StoredDrill> {
        let sql = "INSERT INTO fire_drills (rotation_id, scheduled_at, scenario, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, rotation_id, scheduled_at, scenario, held_at, created_by, created_at";
        Ok(with_pool!(self, p => sqlx::query_as::<_, StoredDrill>(sql)
            .bind(rotation).bind(at).bind(scenario).bind(by).bind(now_ms())
            .fetch_one(p).await)?)
    }

    pub async fn drill(&self, id: DrillId) -> Result<Option<DrillWithPeople>> {
        let sql = "SELECT id, rotation_id, scheduled_at, scenario, held_at, created_by, created_at FROM fire_drills WHERE id = $1";
        let Some(drill) = with_pool!(self, p => sqlx::query_as::<_, StoredDrill>(sql).bind(id).fetch_optional(p).await)?
        else {
            return Ok(None);
        };
        let participants = self.drill_participants(id).await?;
        Ok(Some(DrillWithPeople {
            drill,
            participants,
        }))
    }

    async fn drill_participants(&self, id: DrillId) -> Result<Vec<PersonId>> {
        let sql =
            "SELECT person_id FROM fire_drill_participants WHERE drill_id = $1 ORDER BY person_id";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(id).fetch_all(p).await)?)
    }

    /// A rotation's drills, soonest first, with who took part.
    pub async fn rotation_drills(&self, rotation: RotationId) -> Result<Vec<DrillWithPeople>> {
        let sql = "SELECT id, rotation_id, scheduled_at, scenario, held_at, created_by, created_at FROM fire_drills WHERE rotation_id = $1 ORDER BY scheduled_at, id";
        let rows = with_pool!(self, p => sqlx::query_as::<_, StoredDrill>(sql).bind(rotation).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for drill in rows {
            let participants = self.drill_participants(drill.id).await?;
            out.push(DrillWithPeople {
                drill,
                participants,
            });
        }
        Ok(out)
    }

    /// Records a drill as held at `at` with `people` taking part, replacing any earlier
    /// record of it, in one transaction. `false` if there is no such drill.
    pub async fn record_drill(&self, id: DrillId, at: i64, people: &[PersonId]) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE fire_drills SET held_at = $2 WHERE id = $1")
                .bind(id).bind(at).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query("DELETE FROM fire_drill_participants WHERE drill_id = $1")
                .bind(id).execute(&mut *tx).await?;
            for person in people {
                sqlx::query("INSERT INTO fire_drill_participants (drill_id, person_id) VALUES ($1, $2)")
                    .bind(id).bind(*person).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    pub async fn delete_drill(&self, id: DrillId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM fire_drills WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Each of `people`'s last held drill of `rotation` (milliseconds), if any.
    pub async fn last_drills(&self, rotation: RotationId) -> Result<Vec<(PersonId, i64)>> {
        let sql = "SELECT fp.person_id, MAX(d.held_at) FROM fire_drill_participants fp JOIN fire_drills d ON d.id = fp.drill_id WHERE d.rotation_id = $1 AND d.held_at IS NOT NULL GROUP BY fp.person_id";
        let rows: Vec<(PersonId, Option<i64>)> =
            with_pool!(self, p => sqlx::query_as(sql).bind(rotation).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(p, t)| t.map(|t| (p, t)))
            .collect())
    }
}
