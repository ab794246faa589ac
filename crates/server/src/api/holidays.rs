//! `/api/v1/holiday-calendars`: a region's public holidays imported from an iCalendar
//! feed, and `/api/v1/rotations/{id}/holidays`: the calendar a rotation follows.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::holidays::{
    self, HolidayCalendarDays, HolidayCalendarInput, HolidayCalendarView, RotationHolidays,
    RotationHolidaysInput,
};
use aftercare_store::{HolidayCalendarId, RotationId};

use super::{Ids, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayCalendarList {
    pub calendars: Vec<HolidayCalendarView>,
}

#[utoipa::path(post, path = "/holiday-calendars", tag = "rotations", security(("bearer" = [])),
    request_body = HolidayCalendarInput,
    responses((status = 201, body = HolidayCalendarView), Refusals))]
/// Import a region's public-holiday feed (team leads and admins): whole-day events, all
/// or none; a refusal names the feed's line.
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<HolidayCalendarView>), ApiError> {
    let input: HolidayCalendarInput = parse_json(&body)?;
    let made = holidays::import(&state.store, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/holiday-calendars", tag = "rotations", security(("bearer" = [])),
    responses((status = 200, body = HolidayCalendarList), Refusals))]
/// Every holiday calendar, by name.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<HolidayCalendarList>, ApiError> {
    Ok(Json(HolidayCalendarList {
        calendars: holidays::list(&state.store, &actor).await?,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// A date (2027-01-01); default: the first of this year.
    pub from: Option<String>,
    /// A date, included; default: two years after `from`; at most ten.
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/holiday-calendars/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The calendar's id"), DaysQuery),
    responses((status = 200, body = HolidayCalendarDays), Refusals))]
/// One calendar and its holidays over a period.
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<HolidayCalendarId>,
    Q(q): Q<DaysQuery>,
) -> Result<Json<HolidayCalendarDays>, ApiError> {
    let (from, to) = holidays::period(q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(
        holidays::get(&state.store, &actor, id, from, to).await?,
    ))
}

#[utoipa::path(put, path = "/holiday-calendars/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The calendar's id")),
    request_body = HolidayCalendarInput,
    responses((status = 200, body = HolidayCalendarView), Refusals))]
/// Replace a calendar from a fresh copy of its feed: name, region and every day.
pub async fn replace(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<HolidayCalendarId>,
    body: Bytes,
) -> Result<Json<HolidayCalendarView>, ApiError> {
    let input: HolidayCalendarInput = parse_json(&body)?;
    Ok(Json(
        holidays::replace(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/holiday-calendars/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The calendar's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Delete a calendar; rotations that followed it follow none.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<HolidayCalendarId>,
) -> Result<StatusCode, ApiError> {
    holidays::delete(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/rotations/{id}/holidays", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = RotationHolidays), Refusals))]
/// The holiday calendar a rotation follows, if any.
pub async fn of_rotation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<RotationHolidays>, ApiError> {
    Ok(Json(
        holidays::rotation_calendar(&state.store, &actor, id).await?,
    ))
}

#[utoipa::path(put, path = "/rotations/{id}/holidays", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = RotationHolidaysInput,
    responses((status = 200, body = RotationHolidays), Refusals))]
/// Choose the holiday calendar a rotation follows (`null` for none): its holidays weigh
/// more in proposals and count in rotation health's holiday shares.
pub async fn set_for_rotation(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<Json<RotationHolidays>, ApiError> {
    let input: RotationHolidaysInput = parse_json(&body)?;
    Ok(Json(
        holidays::set_rotation_calendar(&state.store, &actor, id, &input).await?,
    ))
}
