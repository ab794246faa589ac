//! `POST /api/v1/lens`: the language lens for the review editor.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, parse_json};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LensRequest {
    pub text: String,
}

/// Text in, findings out. Names of the people directory feed the blame-naming
/// rule.
pub async fn check(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: LensRequest = parse_json(&body)?;
    if input.text.len() > 1 << 20 {
        return Err(ApiError::invalid("text", "must be at most 1 MiB"));
    }
    let names: Vec<String> = aftercare_app::people::directory(&state.store, &actor)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let findings = state.lens.check(input.text, names).await;
    Ok(Json(json!({ "findings": findings })))
}
