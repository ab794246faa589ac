//! `/api/v1/rotations/{id}/cover-requests`, `/api/v1/cover-requests/{id}/…` and
//! overrides: asking for cover, offering swaps, taking them, and the overrides leads
//! put on directly.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::cover::{
    self, CoverRequestInput, CoverRequestView, OverrideInput, OverrideView, TakeInput,
};
use aftercare_store::{CoverRequestId, OverrideId, RotationId};

use super::{Ids, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverRequestList {
    pub cover_requests: Vec<CoverRequestView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverrideList {
    pub overrides: Vec<OverrideView>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// `true` lists taken and withdrawn requests too; default: open ones only.
    pub all: Option<bool>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpanQuery {
    /// RFC 3339 instant; default: now.
    pub from: Option<String>,
    /// RFC 3339 instant; default: a year after `from`.
    pub to: Option<String>,
}

/// An optional RFC 3339 query parameter.
pub(super) fn instant_param(
    field: &str,
    value: Option<&str>,
) -> Result<Option<Timestamp>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse::<Timestamp>().map(Some).map_err(|_| {
            ApiError::invalid(
                field,
                format!(
                    "{text:?} is not an RFC 3339 instant with an offset, like 2027-03-28T01:30:00Z"
                ),
            )
        }),
    }
}

#[utoipa::path(post, path = "/rotations/{id}/cover-requests", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = CoverRequestInput,
    responses((status = 201, body = CoverRequestView), Refusals))]
/// Ask the team to cover a span of one's own time on call, or offer one teammate a
/// swap (`swap_with`, `swap_start`, `swap_end`). A lead may ask on someone's behalf.
pub async fn request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<(StatusCode, Json<CoverRequestView>), ApiError> {
    let input: CoverRequestInput = parse_json(&body)?;
    let made = cover::request(&state.store, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/rotations/{id}/cover-requests", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id"), RequestsQuery),
    responses((status = 200, body = CoverRequestList), Refusals))]
/// A rotation's cover requests and swap offers, soonest first.
pub async fn requests(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    Q(q): Q<RequestsQuery>,
) -> Result<Json<CoverRequestList>, ApiError> {
    Ok(Json(CoverRequestList {
        cover_requests: cover::requests(&state.store, &actor, id, q.all.unwrap_or(false)).await?,
    }))
}

#[utoipa::path(post, path = "/cover-requests/{id}/take", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The cover request's id")),
    request_body(content = TakeInput, description = "Optional: a lead names who takes it"),
    responses((status = 200, body = CoverRequestView), Refusals))]
/// Take a cover request (or accept a swap offered to you): its span becomes yours on
/// the schedule. Only the first taker wins; later ones get a 409 naming who did.
pub async fn take(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<CoverRequestId>,
    body: Bytes,
) -> Result<Json<CoverRequestView>, ApiError> {
    let input: TakeInput = if body.iter().all(u8::is_ascii_whitespace) {
        TakeInput::default()
    } else {
        parse_json(&body)?
    };
    Ok(Json(cover::take(&state.store, &actor, id, &input).await?))
}

#[utoipa::path(post, path = "/cover-requests/{id}/withdraw", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The cover request's id")),
    responses((status = 200, body = CoverRequestView), Refusals))]
/// Withdraw an open request: the person whose span it is, whoever asked, or a lead.
pub async fn withdraw(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<CoverRequestId>,
) -> Result<Json<CoverRequestView>, ApiError> {
    Ok(Json(cover::withdraw(&state.store, &actor, id).await?))
}

#[utoipa::path(post, path = "/rotations/{id}/overrides", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = OverrideInput,
    responses((status = 201, body = OverrideView), Refusals))]
/// Put someone on call over a span (the team's leads and admins).
pub async fn add_override(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<(StatusCode, Json<OverrideView>), ApiError> {
    let input: OverrideInput = parse_json(&body)?;
    let made = cover::add_override(&state.store, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/rotations/{id}/overrides", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id"), SpanQuery),
    responses((status = 200, body = OverrideList), Refusals))]
/// A rotation's overrides overlapping a span, with who arranged each.
pub async fn overrides(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    Q(q): Q<SpanQuery>,
) -> Result<Json<OverrideList>, ApiError> {
    let from = instant_param("from", q.from.as_deref())?.unwrap_or_else(Timestamp::now);
    let to = match instant_param("to", q.to.as_deref())? {
        Some(to) => to,
        None => from
            .checked_add(SignedDuration::from_hours(24 * 366))
            .map_err(|_| ApiError::invalid("from", "is too far in the future"))?,
    };
    if to <= from {
        return Err(ApiError::invalid("to", "must be after from"));
    }
    Ok(Json(OverrideList {
        overrides: cover::overrides(&state.store, &actor, id, from, to).await?,
    }))
}

#[utoipa::path(delete, path = "/overrides/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The override's id")),
    responses((status = 204, description = "Removed"), Refusals))]
/// Remove an override (the team's leads and admins).
pub async fn remove_override(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<OverrideId>,
) -> Result<StatusCode, ApiError> {
    cover::remove_override(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
