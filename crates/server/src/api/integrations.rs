//! `/api/v1/integrations`: where pages come from.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use aftercare_app::integrations::{self, CreateIntegration, IntegrationPatch};

use super::json;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, parse_json};

pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input: CreateIntegration = parse_json(&body)?;
    let made = integrations::create(&state.store, &actor, &input).await?;
    Ok((StatusCode::CREATED, json(&made)?))
}

pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Value>, ApiError> {
    let all = integrations::list(&state.store, &actor).await?;
    Ok(Json(json!({ "integrations": all })))
}

pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    json(&integrations::get(&state.store, &actor, &id).await?)
}

pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: IntegrationPatch = parse_json(&body)?;
    json(&integrations::update(&state.store, &actor, &id, &patch).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretBody {
    /// The sender's own secret (PagerDuty's signing secret); omit to generate one.
    #[serde(default)]
    pub secret: Option<String>,
}

/// Replaces the secret (rotate, or put in the sender's): shown once, in the answer.
pub async fn set_secret(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: SecretBody = if body.is_empty() {
        SecretBody::default()
    } else {
        parse_json(&body)?
    };
    json(&integrations::set_secret(&state.store, &actor, &id, input.secret.as_deref()).await?)
}

pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    integrations::delete(&state.store, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
