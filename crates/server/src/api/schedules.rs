//! `/api/v1/schedules`: a team's rotations stacked in layers (primary and secondary
//! tiers, follow-the-sun windows); who is on call at an instant; the stretches of a period.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::schedules::{self, ScheduleInput, ScheduleOnCall, ScheduleSpans, ScheduleView};
use aftercare_store::{ScheduleId, TeamId};

use super::cover::instant_param;
use super::rotations::AtQuery;
use super::{Ids, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleList {
    pub schedules: Vec<ScheduleView>,
}

#[utoipa::path(post, path = "/schedules", tag = "schedules", security(("bearer" = [])),
    request_body = ScheduleInput,
    responses((status = 201, body = ScheduleView), Refusals))]
/// Create a schedule for a team the caller leads: its rotations in layers, bottom first.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<ScheduleView>), ApiError> {
    let input: ScheduleInput = parse_json(&body)?;
    let made = schedules::create(&state.store, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/teams/{id}/schedules", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 200, body = ScheduleList), Refusals))]
/// A team's schedules, with who is on call now on each tier.
pub async fn of_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<Json<ScheduleList>, ApiError> {
    Ok(Json(ScheduleList {
        schedules: schedules::of_team(&state.store, &actor, id).await?,
    }))
}

#[utoipa::path(get, path = "/schedules/{id}", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The schedule's id")),
    responses((status = 200, body = ScheduleView), Refusals))]
/// One schedule.
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<ScheduleId>,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(schedules::get(&state.store, &actor, id).await?))
}

#[utoipa::path(put, path = "/schedules/{id}", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The schedule's id")),
    request_body = ScheduleInput,
    responses((status = 200, body = ScheduleView), Refusals))]
/// Replace a schedule's name and layers (it stays with its team).
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<ScheduleId>,
    body: Bytes,
) -> Result<Json<ScheduleView>, ApiError> {
    let input: ScheduleInput = parse_json(&body)?;
    Ok(Json(
        schedules::update(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/schedules/{id}", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The schedule's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Delete a schedule (its rotations stay).
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<ScheduleId>,
) -> Result<StatusCode, ApiError> {
    schedules::delete(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/schedules/{id}/oncall", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The schedule's id"), AtQuery),
    responses((status = 200, body = ScheduleOnCall), Refusals))]
/// Who the schedule has on call at `at` on each tier, exactly, across DST changes and
/// follow-the-sun windows, cover included.
pub async fn on_call(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<ScheduleId>,
    Q(q): Q<AtQuery>,
) -> Result<Json<ScheduleOnCall>, ApiError> {
    let at = instant_param("at", q.at.as_deref())?.unwrap_or_else(Timestamp::now);
    Ok(Json(
        schedules::on_call(&state.store, &actor, id, at).await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpanQuery {
    /// RFC 3339 instant; default: now.
    pub from: Option<String>,
    /// RFC 3339 instant, exclusive; default: 28 days after `from`; at most 400 days after.
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/schedules/{id}/spans", tag = "schedules", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The schedule's id"), SpanQuery),
    responses((status = 200, body = ScheduleSpans), Refusals))]
/// Every stretch of the schedule over a period, each tier in time order: who, from when
/// to when, and which layer.
pub async fn spans(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<ScheduleId>,
    Q(q): Q<SpanQuery>,
) -> Result<Json<ScheduleSpans>, ApiError> {
    let from = instant_param("from", q.from.as_deref())?.unwrap_or_else(Timestamp::now);
    let to = instant_param("to", q.to.as_deref())?
        .unwrap_or_else(|| from + SignedDuration::from_hours(24 * 28));
    Ok(Json(
        schedules::spans(&state.store, &actor, id, from, to).await?,
    ))
}
