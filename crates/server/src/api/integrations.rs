//! `/api/v1/integrations`: where pages come from.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aftercare_app::integrations::{
    self, CreateIntegration, IntegrationPatch, IntegrationView, WithSecret,
};

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationList {
    pub integrations: Vec<IntegrationView>,
}

#[utoipa::path(post, path = "/integrations", tag = "integrations", security(("bearer" = [])),
    request_body = CreateIntegration,
    responses((status = 201, body = WithSecret), Refusals))]
/// Create an integration for a team the caller leads; its ingest path and
/// secret are shown once, here.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<WithSecret>), ApiError> {
    let input: CreateIntegration = parse_json(&body)?;
    let made = integrations::create(&state.store, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/integrations", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = IntegrationList), Refusals))]
/// The integrations of the teams the caller leads (all, for admins), with when
/// each last received something and its last error.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<IntegrationList>, ApiError> {
    let all = integrations::list(&state.store, &actor).await?;
    Ok(Json(IntegrationList { integrations: all }))
}

#[utoipa::path(get, path = "/integrations/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The integration's id (int_...)")),
    responses((status = 200, body = IntegrationView), Refusals))]
/// One integration.
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<IntegrationView>, ApiError> {
    Ok(Json(integrations::get(&state.store, &actor, &id).await?))
}

#[utoipa::path(patch, path = "/integrations/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The integration's id (int_...)")),
    request_body = IntegrationPatch,
    responses((status = 200, body = IntegrationView), Refusals))]
/// Rename, disable or enable an integration.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<IntegrationView>, ApiError> {
    let patch: IntegrationPatch = parse_json(&body)?;
    Ok(Json(
        integrations::update(&state.store, &actor, &id, &patch).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretBody {
    /// The sender's own secret (PagerDuty's signing secret); omit to generate one.
    #[serde(default)]
    pub secret: Option<String>,
}

#[utoipa::path(post, path = "/integrations/{id}/secret", tag = "integrations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The integration's id (int_...)")),
    request_body(content = Option<SecretBody>, description = "Empty to generate a secret"),
    responses((status = 200, body = WithSecret), Refusals))]
/// Replaces the secret (rotate, or put in the sender's): shown once, in the answer.
pub async fn set_secret(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<WithSecret>, ApiError> {
    let input: SecretBody = if body.is_empty() {
        SecretBody::default()
    } else {
        parse_json(&body)?
    };
    Ok(Json(
        integrations::set_secret(&state.store, &actor, &id, input.secret.as_deref()).await?,
    ))
}

#[utoipa::path(delete, path = "/integrations/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The integration's id (int_...)")),
    responses((status = 204, description = "Deleted; its pages stay"), Refusals))]
/// Delete an integration.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    integrations::delete(&state.store, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
