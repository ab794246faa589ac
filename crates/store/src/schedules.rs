//! Schedules: a team's rotations stacked in layers (primary and secondary tiers,
//! follow-the-sun windows). Stored as definitions, like rotations; who is on call when is
//! worked out by `aftercare-oncall`.

use crate::ids::{RotationId, ScheduleId, TeamId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// One layer: a rotation on a tier, all day or inside a daily window.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredLayer {
    /// `primary` or `secondary`.
    pub tier: String,
    pub rotation_id: RotationId,
    /// Local `HH:MM` in `window_zone`; all three set or none.
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub window_zone: Option<String>,
}

/// A schedule to store: already validated by the caller; layers bottom first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchedule {
    pub team_id: TeamId,
    pub name: String,
    pub layers: Vec<StoredLayer>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredSchedule {
    pub id: ScheduleId,
    pub team_id: TeamId,
    pub name: String,
    pub created_at: i64,
}

/// A schedule with its layers, bottom first (a later layer is on top).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScheduleWithLayers {
    pub schedule: StoredSchedule,
    pub layers: Vec<StoredLayer>,
}

fn named_conflict(e: sqlx::Error, name: &str) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("a schedule called {name:?} in this team"))
        }
        other => other,
    }
}

const INSERT_LAYER: &str = "INSERT INTO schedule_layers (schedule_id, position, tier, rotation_id, window_start, window_end, window_zone) VALUES ($1, $2, $3, $4, $5, $6, $7)";

impl Store {
    /// Stores a schedule and its layers in one transaction; a name the team already uses
    /// is a conflict and stores nothing.
    pub async fn create_schedule(&self, new: &NewSchedule) -> Result<ScheduleWithLayers> {
        let now = now_ms();
        let id: ScheduleId = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: ScheduleId = sqlx::query_scalar("INSERT INTO schedules (team_id, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(new.team_id).bind(&new.name).bind(now)
                .fetch_one(&mut *tx).await.map_err(|e| named_conflict(e, &new.name))?;
            for (i, l) in new.layers.iter().enumerate() {
                sqlx::query(INSERT_LAYER)
                    .bind(id).bind(i as i32).bind(&l.tier).bind(l.rotation_id)
                    .bind(&l.window_start).bind(&l.window_end).bind(&l.window_zone)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })?;
        self.schedule(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("schedule {id}")))
    }

    /// Replaces a schedule's name and layers in one transaction; `None` if there is none.
    pub async fn update_schedule(
        &self,
        id: ScheduleId,
        new: &NewSchedule,
    ) -> Result<Option<ScheduleWithLayers>> {
        let changed = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE schedules SET name = $2 WHERE id = $1")
                .bind(id).bind(&new.name)
                .execute(&mut *tx).await.map_err(|e| named_conflict(e, &new.name))?
                .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM schedule_layers WHERE schedule_id = $1")
                    .bind(id).execute(&mut *tx).await?;
                for (i, l) in new.layers.iter().enumerate() {
                    sqlx::query(INSERT_LAYER)
                        .bind(id).bind(i as i32).bind(&l.tier).bind(l.rotation_id)
                        .bind(&l.window_start).bind(&l.window_end).bind(&l.window_zone)
                        .execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(n == 1)
        })?;
        if !changed {
            return Ok(None);
        }
        self.schedule(id).await
    }

    pub async fn schedule(&self, id: ScheduleId) -> Result<Option<ScheduleWithLayers>> {
        let sql = "SELECT id, team_id, name, created_at FROM schedules WHERE id = $1";
        let Some(schedule) = with_pool!(self, p => sqlx::query_as::<_, StoredSchedule>(sql).bind(id).fetch_optional(p).await)?
        else {
            return Ok(None);
        };
        let layers = self.schedule_layers(id).await?;
        Ok(Some(ScheduleWithLayers { schedule, layers }))
    }

    async fn schedule_layers(&self, id: ScheduleId) -> Result<Vec<StoredLayer>> {
        let sql = "SELECT tier, rotation_id, window_start, window_end, window_zone FROM schedule_layers WHERE schedule_id = $1 ORDER BY position";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredLayer>(sql).bind(id).fetch_all(p).await)?,
        )
    }

    /// A team's schedules by name, with their layers.
    pub async fn team_schedules(&self, team_id: TeamId) -> Result<Vec<ScheduleWithLayers>> {
        let sql = "SELECT id, team_id, name, created_at FROM schedules WHERE team_id = $1 ORDER BY name, id";
        let rows = with_pool!(self, p => sqlx::query_as::<_, StoredSchedule>(sql).bind(team_id).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for schedule in rows {
            let layers = self.schedule_layers(schedule.id).await?;
            out.push(ScheduleWithLayers { schedule, layers });
        }
        Ok(out)
    }

    /// Deletes a schedule and its layers (its rotations stay); `false` if there was none.
    pub async fn delete_schedule(&self, id: ScheduleId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM schedules WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
