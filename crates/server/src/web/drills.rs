//! Fire drills on the rotation page: a lead schedules one, records who took part, or
//! deletes it; each form goes back to the page's drills section.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use aftercare_app::AppError;
use aftercare_app::drills::{self, DrillInput, HeldInput};
use aftercare_store::{DrillId, PersonId, RotationId};

use super::PageError;
use crate::AppState;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

pub(super) async fn schedule(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let back = format!("/rotations/{id}#drills");
    let csrf = field(&fields, "csrf").to_string();
    super::forms::act(&state, &headers, &csrf, &back, async |v| {
        let input = DrillInput {
            at: field(&fields, "at").to_string(),
            scenario: field(&fields, "scenario").to_string(),
        };
        drills::schedule(&state.store, v, id, &input).await?;
        Ok(back.clone())
    })
    .await
}

pub(super) async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<DrillId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = field(&fields, "csrf").to_string();
    let rotation = state.store.drill(id).await?.map(|d| d.drill.rotation_id);
    let back = rotation.map_or_else(|| "/".to_string(), |r| format!("/rotations/{r}#drills"));
    super::forms::act(&state, &headers, &csrf, &back, async |v| {
        let mut participants = Vec::new();
        for (k, value) in &fields {
            if k == "participants" {
                participants.push(value.parse::<PersonId>().map_err(|_| {
                    AppError::invalid("participants", format!("{value:?} is not a person's id"))
                })?);
            }
        }
        let at = Some(field(&fields, "at").to_string());
        drills::record(&state.store, v, id, &HeldInput { participants, at }).await?;
        Ok(back.clone())
    })
    .await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<DrillId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = field(&fields, "csrf").to_string();
    let rotation = state.store.drill(id).await?.map(|d| d.drill.rotation_id);
    let back = rotation.map_or_else(|| "/".to_string(), |r| format!("/rotations/{r}#drills"));
    super::forms::act(&state, &headers, &csrf, &back, async |v| {
        drills::delete(&state.store, v, id).await?;
        Ok(back.clone())
    })
    .await
}
