//! `/api/v1/rotations`: a team's people taking turns with its pager; who is on call
//! at an instant; the rotation's health.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::proposals::{self, ProposalView, ProposeInput};
use aftercare_app::rotation_import::{self, ImportedIntoRotation};
use aftercare_app::rotations::{self, OnCallAnswer, RotationHealth, RotationInput, RotationView};
use aftercare_store::{PlanId, RotationId, TeamId};

use super::{Ids, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct RotationList {
    pub rotations: Vec<RotationView>,
}

#[utoipa::path(post, path = "/rotations", tag = "rotations", security(("bearer" = [])),
    request_body = RotationInput,
    responses((status = 201, body = RotationView), Refusals))]
/// Create a rotation for a team the caller leads.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<RotationView>), ApiError> {
    let input: RotationInput = parse_json(&body)?;
    let made = rotations::create(&state.store, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/teams/{id}/rotations", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 200, body = RotationList), Refusals))]
/// A team's rotations, with who is on call now in each.
pub async fn of_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<Json<RotationList>, ApiError> {
    Ok(Json(RotationList {
        rotations: rotations::of_team(&state.store, &actor, id).await?,
    }))
}

#[utoipa::path(get, path = "/rotations/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = RotationView), Refusals))]
/// One rotation.
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<RotationView>, ApiError> {
    Ok(Json(rotations::get(&state.store, &actor, id).await?))
}

#[utoipa::path(put, path = "/rotations/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = RotationInput,
    responses((status = 200, body = RotationView), Refusals))]
/// Replace a rotation's definition and members (it stays with its team).
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<Json<RotationView>, ApiError> {
    let input: RotationInput = parse_json(&body)?;
    Ok(Json(
        rotations::update(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/rotations/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Delete a rotation.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<StatusCode, ApiError> {
    rotations::delete(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// An RFC 3339 instant with offset (`2027-03-28T01:30:00Z`); default: now.
    pub at: Option<String>,
}

#[utoipa::path(get, path = "/rotations/{id}/oncall", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id"), AtQuery),
    responses((status = 200, body = OnCallAnswer), Refusals))]
/// Who the rotation has on call at `at`, exactly, across DST changes.
pub async fn on_call(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    Q(q): Q<AtQuery>,
) -> Result<Json<OnCallAnswer>, ApiError> {
    let at = super::cover::instant_param("at", q.at.as_deref())?.unwrap_or_else(Timestamp::now);
    Ok(Json(
        rotations::on_call(&state.store, &actor, id, at).await?,
    ))
}

#[utoipa::path(get, path = "/rotations/{id}/health", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = RotationHealth), Refusals))]
/// The rotation's health over the last 13 weeks: findings with stable codes, plain
/// explanations and the sources of their thresholds, and each member's share.
pub async fn health(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<RotationHealth>, ApiError> {
    Ok(Json(rotations::health(&state.store, &actor, id).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The schedule to bring in, when the export holds several.
    pub schedule: Option<String>,
}

#[utoipa::path(post, path = "/rotations/{id}/import", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id"), ImportQuery),
    request_body(content = String, content_type = "text/calendar", description = "An iCalendar export of an on-call schedule (PagerDuty, Opsgenie, any calendar)"),
    responses((status = 201, body = ImportedIntoRotation), Refusals))]
/// Bring an existing schedule into the rotation: the export's shifts become its
/// overrides for the spans they cover (all or none); re-importing replaces them.
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    Q(q): Q<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportedIntoRotation>), ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::Malformed("body: not UTF-8 text; send the .ics file as text/calendar".into())
    })?;
    let done =
        rotation_import::import_ical(&state.store, &actor, id, text, q.schedule.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalList {
    pub proposals: Vec<ProposalView>,
}

#[utoipa::path(post, path = "/rotations/{id}/proposals", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = ProposeInput,
    responses((status = 201, body = ProposalView), Refusals))]
/// Ask the fair rotation generator for the rotation's next weeks (13 unless said): the
/// proposal shows each shift's person and each person's load before and after, and
/// changes nothing until a lead accepts it.
pub async fn propose(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    let input: ProposeInput = if body.iter().all(u8::is_ascii_whitespace) {
        ProposeInput::default()
    } else {
        parse_json(&body)?
    };
    let made = proposals::propose(&state.store, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/rotations/{id}/proposals", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = ProposalList), Refusals))]
/// A rotation's proposals, newest first.
pub async fn proposals_of(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<ProposalList>, ApiError> {
    Ok(Json(ProposalList {
        proposals: proposals::of_rotation(&state.store, &actor, id).await?,
    }))
}

#[utoipa::path(get, path = "/proposals/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The proposal's id")),
    responses((status = 200, body = ProposalView), Refusals))]
/// One proposal.
pub async fn proposal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PlanId>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::get(&state.store, &actor, id).await?))
}

#[utoipa::path(post, path = "/proposals/{id}/accept", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The proposal's id")),
    responses((status = 200, body = ProposalView), Refusals))]
/// Accept a proposal: its shifts become the rotation's schedule for its span.
pub async fn accept(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PlanId>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::accept(&state.store, &actor, id).await?))
}

#[utoipa::path(post, path = "/proposals/{id}/discard", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The proposal's id")),
    responses((status = 200, body = ProposalView), Refusals))]
/// Discard a proposal.
pub async fn discard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PlanId>,
) -> Result<Json<ProposalView>, ApiError> {
    Ok(Json(proposals::discard(&state.store, &actor, id).await?))
}
