//! `POST /api/v1/lens`: the language lens for the review editor.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct LensFindings {
    pub findings: Vec<aftercare_lens::Finding>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LensRequest {
    pub text: String,
}

#[utoipa::path(post, path = "/lens", tag = "lens", security(("bearer" = [])),
    request_body = LensRequest,
    responses((status = 200, body = LensFindings), Refusals))]
/// Check review text for wording that blames a person; text in, findings out. Names of the people directory feed the blame-naming
/// rule.
pub async fn check(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<LensFindings>, ApiError> {
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
    Ok(Json(LensFindings { findings }))
}
