//! `/api/v1/rotations/{id}/newcomers`, `/api/v1/newcomers/{id}` and
//! `/api/v1/shadow-shifts/{id}`: people new to a rotation's on call, their buddies and
//! the shadow shifts they take before carrying the pager.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use aftercare_app::newcomers::{
    self, NewcomerChange, NewcomerInput, NewcomerView, ShadowInput, ShadowShiftView,
};
use aftercare_store::{NewcomerId, RotationId, ShadowShiftId};

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct NewcomerList {
    pub newcomers: Vec<NewcomerView>,
}

#[utoipa::path(post, path = "/rotations/{id}/newcomers", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    request_body = NewcomerInput,
    responses((status = 201, body = NewcomerView), Refusals))]
/// Mark a member as new to the rotation's on call, with a buddy to call.
pub async fn add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
    body: Bytes,
) -> Result<(StatusCode, Json<NewcomerView>), ApiError> {
    let input: NewcomerInput = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(newcomers::add(&state.store, &actor, id, &input).await?),
    ))
}

#[utoipa::path(get, path = "/rotations/{id}/newcomers", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rotation's id")),
    responses((status = 200, body = NewcomerList), Refusals))]
/// A rotation's newcomers, their buddies and shadow shifts.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RotationId>,
) -> Result<Json<NewcomerList>, ApiError> {
    Ok(Json(NewcomerList {
        newcomers: newcomers::of_rotation(&state.store, &actor, id).await?,
    }))
}

#[utoipa::path(patch, path = "/newcomers/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The newcomer's id")),
    request_body = NewcomerChange,
    responses((status = 200, body = NewcomerView), Refusals))]
/// Change a newcomer's buddy, or say they are ready to carry the pager alone.
pub async fn change(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<NewcomerId>,
    body: Bytes,
) -> Result<Json<NewcomerView>, ApiError> {
    let input: NewcomerChange = parse_json(&body)?;
    Ok(Json(
        newcomers::change(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/newcomers/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The newcomer's id")),
    responses((status = 204, description = "Removed, with their shadow shifts"), Refusals))]
/// Stop counting someone as a newcomer, removing their shadow shifts.
pub async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<NewcomerId>,
) -> Result<StatusCode, ApiError> {
    newcomers::remove(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/newcomers/{id}/shadow-shifts", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The newcomer's id")),
    request_body = ShadowInput,
    responses((status = 201, body = ShadowShiftView), Refusals))]
/// Plan a shadow shift: the newcomer follows whoever is on call.
pub async fn add_shadow(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<NewcomerId>,
    body: Bytes,
) -> Result<(StatusCode, Json<ShadowShiftView>), ApiError> {
    let input: ShadowInput = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(newcomers::add_shadow(&state.store, &actor, id, &input).await?),
    ))
}

#[utoipa::path(delete, path = "/shadow-shifts/{id}", tag = "rotations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The shadow shift's id")),
    responses((status = 204, description = "Removed"), Refusals))]
/// Remove a shadow shift.
pub async fn remove_shadow(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<ShadowShiftId>,
) -> Result<StatusCode, ApiError> {
    newcomers::remove_shadow(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
