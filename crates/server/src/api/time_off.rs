//! `/api/v1/me/time-off`: one's own time off (leave, family events, appointments);
//! `/api/v1/teams/{id}/time-off`: who in a team is away (no notes);
//! `/api/v1/rotations/{id}/collisions`: shifts ahead that meet their person's time off.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use aftercare_app::time_off::{self, Away, Collision, OwnTimeOff, TimeOffInput};
use aftercare_store::{RotationId, TeamId, TimeOffId};

use super::cover::{SpanQuery, instant_param};
use super::{Ids, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnTimeOffList {
    pub time_off: Vec<OwnTimeOff>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwayList {
    pub away: Vec<Away>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollisionList {
    pub collisions: Vec<Collision>,
}

#[utoipa::path(get, path = "/me/time-off", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = OwnTimeOffList), Refusals))]
/// One's own time off, from 30 days ago on.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<OwnTimeOffList>, ApiError> {
    Ok(Json(OwnTimeOffList {
        time_off: time_off::list_own(&state.store, &actor).await?,
    }))
}

#[utoipa::path(post, path = "/me/time-off", tag = "me", security(("bearer" = [])),
    request_body = TimeOffInput,
    responses((status = 201, body = OwnTimeOff), Refusals))]
/// Mark time off: the team sees the span and kind, never the note.
pub async fn add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<OwnTimeOff>), ApiError> {
    let input: TimeOffInput = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(time_off::add(&state.store, &actor, &input).await?),
    ))
}

#[utoipa::path(put, path = "/me/time-off/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry's id")),
    request_body = TimeOffInput,
    responses((status = 200, body = OwnTimeOff), Refusals))]
/// Change one of one's own entries.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TimeOffId>,
    body: Bytes,
) -> Result<Json<OwnTimeOff>, ApiError> {
    let input: TimeOffInput = parse_json(&body)?;
    Ok(Json(
        time_off::update(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/me/time-off/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry's id")),
    responses((status = 204, description = "Removed"), Refusals))]
/// Remove one of one's own entries.
pub async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TimeOffId>,
) -> Result<StatusCode, ApiError> {
    time_off::remove(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/teams/{id}/time-off", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), SpanQuery),
    responses((status = 200, body = AwayList), Refusals))]
/// Who in the team is away over a span (default: the next 12 weeks): spans and kinds.
pub async fn team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<SpanQuery>,
) -> Result<Json<AwayList>, ApiError> {
    let from = instant_param("from", q.from.as_deref())?.unwrap_or_else(Timestamp::now);
    let to = match instant_param("to", q.to.as_deref())? {
        Some(t) => t,
        None => from
            .checked_add(SignedDuration::from_hours(
                24 * 7 * time_off::COLLISION_WEEKS,
            ))
            .map_err(|_| ApiError::invalid("from", "is too far in the future"))?,
    };
    if to <= from {
        return Err(ApiError::invalid("to", "must be after from"));
    }
    Ok(Json(AwayList {
        away: time_off::team_away(&state.store, &actor, id, from, to).await?,
    }))
}

#[utoipa::path(get, path = "/rotations/{id}/collisions", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = CollisionList), Refusals))]
/// Shifts in the next 12 weeks that meet their person's time off, with who could cover.
pub async fn collisions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<CollisionList>, ApiError> {
    Ok(Json(CollisionList {
        collisions: time_off::collisions(&state.store, &actor, id).await?,
    }))
}
