//! Rest after bad nights: each team's policy, and the rest each person earned in a shift
//! with the night offered to the rest of the rotation, recorded once per shift.

use crate::ids::{CoverRequestId, PersonId, RestId, RotationId, TeamId};
use crate::{BeginWrite, NewCoverRequest, Result, Store, StoreError, now_ms, with_pool};

/// A team's rest policy as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredRestPolicy {
    pub team_id: TeamId,
    pub minutes_per_night: i32,
    pub enabled: bool,
    pub updated_at: i64,
}

/// What a shift has earned so far, as worked out by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRest {
    pub person_id: PersonId,
    pub rotation_id: RotationId,
    pub shift_start: i64,
    pub shift_end: i64,
    pub nights: i32,
    pub minutes: i32,
    pub late_start_day: String,
    pub usual_start: i64,
    pub late_start: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredRest {
    pub id: RestId,
    pub person_id: PersonId,
    pub rotation_id: RotationId,
    pub shift_start: i64,
    pub shift_end: i64,
    pub nights: i32,
    pub minutes: i32,
    pub late_start_day: String,
    pub usual_start: i64,
    pub late_start: i64,
    pub cover_request_id: Option<CoverRequestId>,
    pub taken: Option<String>,
    pub taken_at: Option<i64>,
    pub earned_at: i64,
    pub updated_at: i64,
}

/// What [`Store::record_rest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestRecorded {
    pub rest: StoredRest,
    /// The shift's first record of rest (not an update of one).
    pub new: bool,
    /// A night offered by this call.
    pub offered: Option<CoverRequestId>,
}

const REST_COLUMNS: &str = "id, person_id, rotation_id, shift_start, shift_end, nights, minutes, late_start_day, usual_start, late_start, cover_request_id, taken, taken_at, earned_at, updated_at";

impl Store {
    /// A team's rest policy, if it has set one.
    pub async fn rest_policy(&self, team: TeamId) -> Result<Option<StoredRestPolicy>> {
        let sql = "SELECT team_id, minutes_per_night, enabled, updated_at FROM rest_policies WHERE team_id = $1";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredRestPolicy>(sql).bind(team).fetch_optional(p).await)?,
        )
    }

    /// Sets a team's rest policy.
    pub async fn set_rest_policy(
        &self,
        team: TeamId,
        minutes_per_night: i32,
        enabled: bool,
    ) -> Result<StoredRestPolicy> {
        let now = now_ms();
        let sql = "INSERT INTO rest_policies (team_id, minutes_per_night, enabled, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (team_id) DO UPDATE SET minutes_per_night = excluded.minutes_per_night, enabled = excluded.enabled, updated_at = excluded.updated_at";
        with_pool!(self, p => sqlx::query(sql).bind(team).bind(minutes_per_night).bind(enabled).bind(now).execute(p).await.map(|_| ()))?;
        self.rest_policy(team)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("rest policy of team {team}")))
    }

    /// Records what a shift has earned, in one transaction: the first time, a new record
    /// (and the night offered, if any); later, more nights update it, and a night not yet
    /// offered is offered. The same shift's rest is one row however often it is recorded.
    pub async fn record_rest(
        &self,
        new: &NewRest,
        offer: Option<&NewCoverRequest>,
    ) -> Result<RestRecorded> {
        let now = now_ms();
        let find = format!(
            "SELECT {REST_COLUMNS} FROM rest_earned WHERE person_id = $1 AND rotation_id = $2 AND shift_start = $3"
        );
        let (id, is_new, offered) = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let existing: Option<StoredRest> = sqlx::query_as(sqlx::AssertSqlSafe(find))
                .bind(new.person_id).bind(new.rotation_id).bind(new.shift_start)
                .fetch_optional(&mut *tx).await?;
            // A night is offered when it has not been: the record has no request, or its
            // request is for another span.
            let already: Option<(i64, i64)> = match existing.as_ref().and_then(|r| r.cover_request_id) {
                Some(c) => sqlx::query_as("SELECT starts_at, ends_at FROM cover_requests WHERE id = $1")
                    .bind(c).fetch_optional(&mut *tx).await?,
                None => None,
            };
            let offered: Option<CoverRequestId> = match offer {
                Some(o) if already != Some((o.starts_at, o.ends_at)) => Some(
                    sqlx::query_scalar("INSERT INTO cover_requests (rotation_id, person_id, starts_at, ends_at, note, swap_with, swap_starts_at, swap_ends_at, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, NULL, NULL, NULL, 'open', $6, $7) RETURNING id")
                        .bind(o.rotation_id).bind(o.person_id).bind(o.starts_at).bind(o.ends_at)
                        .bind(&o.note).bind(o.created_by).bind(now)
                        .fetch_one(&mut *tx).await?,
                ),
                _ => None,
            };
            let (id, is_new) = match &existing {
                None => {
                    let id: RestId = sqlx::query_scalar("INSERT INTO rest_earned (person_id, rotation_id, shift_start, shift_end, nights, minutes, late_start_day, usual_start, late_start, cover_request_id, earned_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id")
                        .bind(new.person_id).bind(new.rotation_id).bind(new.shift_start).bind(new.shift_end)
                        .bind(new.nights).bind(new.minutes).bind(&new.late_start_day)
                        .bind(new.usual_start).bind(new.late_start).bind(offered).bind(now)
                        .fetch_one(&mut *tx).await?;
                    (id, true)
                }
                Some(r) => {
                    sqlx::query("UPDATE rest_earned SET nights = $2, minutes = $3, late_start_day = $4, usual_start = $5, late_start = $6, cover_request_id = COALESCE($7, cover_request_id), updated_at = $8 WHERE id = $1")
                        .bind(r.id).bind(new.nights.max(r.nights)).bind(new.minutes.max(r.minutes))
                        .bind(&new.late_start_day).bind(new.usual_start).bind(new.late_start)
                        .bind(offered).bind(now)
                        .execute(&mut *tx).await?;
                    (r.id, false)
                }
            };
            tx.commit().await?;
            Ok::<_, StoreError>((id, is_new, offered))
        })?;
        let rest = self
            .rest(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("rest {id}")))?;
        Ok(RestRecorded {
            rest,
            new: is_new,
            offered,
        })
    }

    pub async fn rest(&self, id: RestId) -> Result<Option<StoredRest>> {
        let sql = format!("SELECT {REST_COLUMNS} FROM rest_earned WHERE id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredRest>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
        )
    }

    /// A person's rest, the most recently earned first.
    pub async fn rest_of(&self, person: PersonId) -> Result<Vec<StoredRest>> {
        let sql = format!(
            "SELECT {REST_COLUMNS} FROM rest_earned WHERE person_id = $1 ORDER BY earned_at DESC, id DESC"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredRest>(sqlx::AssertSqlSafe(sql)).bind(person).fetch_all(p).await)?,
        )
    }

    /// Records whether the person took their rest (`None`: not said); `false` if the rest
    /// is not theirs or not there.
    pub async fn set_rest_taken(
        &self,
        id: RestId,
        person: PersonId,
        taken: Option<&str>,
    ) -> Result<bool> {
        let now = now_ms();
        let at = taken.map(|_| now);
        let n = with_pool!(self, p => sqlx::query("UPDATE rest_earned SET taken = $3, taken_at = $4, updated_at = $5 WHERE id = $1 AND person_id = $2")
            .bind(id).bind(person).bind(taken).bind(at).bind(now)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
