//! Rest after bad nights: one's own rest earned (`/api/v1/me/rest`) and a team's rest
//! policy (`/api/v1/teams/{id}/rest-policy`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use aftercare_app::rest::{self, RestPolicyInput, RestPolicyView, RestTakenInput, RestView};
use aftercare_store::{RestId, TeamId};

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct RestList {
    pub rest: Vec<RestView>,
}

#[utoipa::path(get, path = "/me/rest", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = RestList), Refusals))]
/// One's own rest earned after bad nights, the most recent first.
pub async fn list_own(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<RestList>, ApiError> {
    Ok(Json(RestList {
        rest: rest::list_own(&state.store, &actor).await?,
    }))
}

#[utoipa::path(put, path = "/me/rest/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The rest's id")),
    request_body = RestTakenInput,
    responses((status = 200, body = RestView), Refusals))]
/// Say whether one took one's rest (`taken`, `not_taken`, or `null`).
pub async fn set_taken(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<RestId>,
    body: Bytes,
) -> Result<Json<RestView>, ApiError> {
    let input: RestTakenInput = parse_json(&body)?;
    Ok(Json(
        rest::set_taken(&state.store, &actor, id, &input).await?,
    ))
}

#[utoipa::path(get, path = "/teams/{id}/rest-policy", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 200, body = RestPolicyView), Refusals))]
/// A team's rest policy: hours of late start per disrupted night, and whether it is on.
pub async fn policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<Json<RestPolicyView>, ApiError> {
    Ok(Json(rest::policy(&state.store, &actor, id).await?))
}

#[utoipa::path(put, path = "/teams/{id}/rest-policy", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body = RestPolicyInput,
    responses((status = 200, body = RestPolicyView), Refusals))]
/// Set a team's rest policy (its leads and admins).
pub async fn set_policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<Json<RestPolicyView>, ApiError> {
    let input: RestPolicyInput = parse_json(&body)?;
    Ok(Json(
        rest::set_policy(&state.store, &actor, id, &input).await?,
    ))
}
