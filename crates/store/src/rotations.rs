//! Rotations: a team's people taking turns with its pager. Stored as definitions (zone,
//! first local handoff, shift length, members in order); who is on call when is worked
//! out from them by `aftercare-oncall`, so nothing here needs rewriting as time passes.

use crate::ids::{PersonId, RotationId, TeamId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// A rotation to store: already validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRotation {
    pub team_id: TeamId,
    pub name: String,
    /// An IANA zone name.
    pub time_zone: String,
    /// The first handoff, a civil date-time in `time_zone` (`2027-01-04T09:00`).
    pub starts_local: String,
    /// `12h`, `1d`, `2w`.
    pub shift_length: String,
    /// In turn order; at least one.
    pub members: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredRotation {
    pub id: RotationId,
    pub team_id: TeamId,
    pub name: String,
    pub time_zone: String,
    pub starts_local: String,
    pub shift_length: String,
    pub created_at: i64,
}

/// A rotation with its members in turn order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RotationWithMembers {
    pub rotation: StoredRotation,
    pub members: Vec<PersonId>,
}

fn named_conflict(e: sqlx::Error, name: &str) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("a rotation called {name:?} in this team"))
        }
        other => other,
    }
}

impl Store {
    /// Stores a rotation and its members in one transaction; a name the team already
    /// uses is a conflict and stores nothing.
    pub async fn create_rotation(&self, new: &NewRotation) -> Result<RotationWithMembers> {
        let now = now_ms();
        let id: RotationId = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: RotationId = sqlx::query_scalar("INSERT INTO rotations (team_id, name, time_zone, starts_local, shift_length, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(new.team_id).bind(&new.name).bind(&new.time_zone).bind(&new.starts_local).bind(&new.shift_length).bind(now)
                .fetch_one(&mut *tx).await.map_err(|e| named_conflict(e, &new.name))?;
            for (i, person) in new.members.iter().enumerate() {
                sqlx::query("INSERT INTO rotation_members (rotation_id, position, person_id) VALUES ($1, $2, $3)")
                    .bind(id).bind(i as i32).bind(*person)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })?;
        self.rotation(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("rotation {id}")))
    }

    /// Replaces a rotation's definition and members in one transaction.
    pub async fn update_rotation(
        &self,
        id: RotationId,
        new: &NewRotation,
    ) -> Result<Option<RotationWithMembers>> {
        let changed = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE rotations SET name = $2, time_zone = $3, starts_local = $4, shift_length = $5 WHERE id = $1")
                .bind(id).bind(&new.name).bind(&new.time_zone).bind(&new.starts_local).bind(&new.shift_length)
                .execute(&mut *tx).await.map_err(|e| named_conflict(e, &new.name))?
                .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM rotation_members WHERE rotation_id = $1")
                    .bind(id).execute(&mut *tx).await?;
                for (i, person) in new.members.iter().enumerate() {
                    sqlx::query("INSERT INTO rotation_members (rotation_id, position, person_id) VALUES ($1, $2, $3)")
                        .bind(id).bind(i as i32).bind(*person)
                        .execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(n == 1)
        })?;
        if !changed {
            return Ok(None);
        }
        self.rotation(id).await
    }

    pub async fn rotation(&self, id: RotationId) -> Result<Option<RotationWithMembers>> {
        let sql = "SELECT id, team_id, name, time_zone, starts_local, shift_length, created_at FROM rotations WHERE id = $1";
        let Some(rotation) = with_pool!(self, p => sqlx::query_as::<_, StoredRotation>(sql).bind(id).fetch_optional(p).await)?
        else {
            return Ok(None);
        };
        let members = self.rotation_members(id).await?;
        Ok(Some(RotationWithMembers { rotation, members }))
    }

    async fn rotation_members(&self, id: RotationId) -> Result<Vec<PersonId>> {
        let sql = "SELECT person_id FROM rotation_members WHERE rotation_id = $1 ORDER BY position";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(id).fetch_all(p).await)?)
    }

    /// A team's rotations by name, with their members.
    pub async fn team_rotations(&self, team_id: TeamId) -> Result<Vec<RotationWithMembers>> {
        let sql = "SELECT id, team_id, name, time_zone, starts_local, shift_length, created_at FROM rotations WHERE team_id = $1 ORDER BY name, id";
        let rows = with_pool!(self, p => sqlx::query_as::<_, StoredRotation>(sql).bind(team_id).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for rotation in rows {
            let members = self.rotation_members(rotation.id).await?;
            out.push(RotationWithMembers { rotation, members });
        }
        Ok(out)
    }

    /// Deletes a rotation and its members; `false` if there was none.
    pub async fn delete_rotation(&self, id: RotationId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM rotations WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
