//! `/api/v1/rotations/{id}/drills` and `/api/v1/drills/{id}`: fire drills for a rotation.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use aftercare_app::drills::{self, DrillInput, DrillView, HeldInput};
use aftercare_store::{DrillId, RotationId};

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct DrillList {
    pub drills: Vec<DrillView>,
}

#[utoipa::path(post, path = "/rotations/{id}/drills", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = DrillInput,
    responses((status = 201, body = DrillView), Refusals))]
/// Schedule a fire drill: a practice incident, when nothing is on fire.
pub async fn schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<(StatusCode, Json<DrillView>), ApiError> {
    let input: DrillInput = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(drills::schedule(&state.store, &actor, id, &input).await?),
    ))
}

#[utoipa::path(get, path = "/rotations/{id}/drills", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = DrillList), Refusals))]
/// A rotation's fire drills, soonest first, with who took part.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<DrillList>, ApiError> {
    Ok(Json(DrillList {
        drills: drills::of_rotation(&state.store, &actor, id).await?,
    }))
}

#[utoipa::path(post, path = "/drills/{id}/held", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The drill's id")),
    request_body = HeldInput,
    responses((status = 200, body = DrillView), Refusals))]
/// Record a drill as held, with who took part (rotation health counts it).
pub async fn record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<DrillId>,
    body: Bytes,
) -> Result<Json<DrillView>, ApiError> {
    let input: HeldInput = parse_json(&body)?;
    Ok(Json(
        drills::record(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/drills/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The drill's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Delete a fire drill.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<DrillId>,
) -> Result<StatusCode, ApiError> {
    drills::delete(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
