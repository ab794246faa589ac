//! Cover, swaps and overrides on the rotation page (issue 9, item 2), and importing a
//! schedule from another paging tool as overrides: the forms a person or a lead sends
//! from the page, a refusal shown beside its form with what was typed kept.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::AppError;
use aftercare_app::cover::{self, CoverRequestInput, OverrideInput, TakeInput};
use aftercare_store::{CoverRequestId, OverrideId, PersonId, RotationId};

use super::rotations::{CoverDraft, Refused, rotation_view};
use super::{PageError, login_redirect, refused};
use crate::AppState;
use crate::auth;

#[derive(Deserialize)]
pub(super) struct CoverForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    note: String,
    /// Empty for plain cover.
    #[serde(default)]
    swap_with: String,
    #[serde(default)]
    swap_start: String,
    #[serde(default)]
    swap_end: String,
    /// The override form's person.
    #[serde(default)]
    person: String,
}

impl CoverForm {
    fn draft(&self) -> CoverDraft {
        CoverDraft {
            start: self.start.clone(),
            end: self.end.clone(),
            note: self.note.clone(),
            swap_with: self.swap_with.clone(),
            swap_start: self.swap_start.clone(),
            swap_end: self.swap_end.clone(),
            person: self.person.clone(),
        }
    }
}

fn optional_id(field: &str, text: &str) -> Result<Option<PersonId>, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("{t:?} is not a person's id")))
}

fn optional_text(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Field-level refusals go back beside the form; the rest as on every form.
fn form_refusal(e: AppError) -> Result<(String, String), AppError> {
    match e {
        AppError::Invalid { field, reason } => Ok((field, reason)),
        AppError::Conflict(why) => Ok(("start".into(), why)),
        other => Err(other),
    }
}

pub(super) async fn ask_cover(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<CoverForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let outcome = async {
        let input = CoverRequestInput {
            start: form.start.clone(),
            end: form.end.clone(),
            note: optional_text(&form.note),
            // A lead asking on someone's behalf (the collision warnings' button).
            person: optional_id("person", &form.person)?,
            swap_with: optional_id("swap_with", &form.swap_with)?,
            swap_start: optional_text(&form.swap_start),
            swap_end: optional_text(&form.swap_end),
        };
        cover::request(&state.store, &v, id, &input).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/rotations/{id}#cover")).into_response()),
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => match form_refusal(e) {
            Ok(why) => rotation_view(&state, &v, id, Refused::Ask(form.draft(), why)).await,
            Err(e) => Err(e.into()),
        },
    }
}

pub(super) async fn add_override(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<CoverForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let outcome = async {
        let person = optional_id("person", &form.person)?
            .ok_or_else(|| AppError::invalid("person", "is required: who covers the span"))?;
        let input = OverrideInput {
            person,
            start: form.start.clone(),
            end: form.end.clone(),
            note: optional_text(&form.note),
        };
        cover::add_override(&state.store, &v, id, &input).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/rotations/{id}#overrides")).into_response()),
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => match form_refusal(e) {
            Ok(why) => rotation_view(&state, &v, id, Refused::Add(form.draft(), why)).await,
            Err(e) => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub(super) struct ImportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    calendar: String,
    #[serde(default)]
    schedule: String,
}

pub(super) async fn import_ical(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<ImportForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let schedule = optional_text(&form.schedule);
    let outcome = if form.calendar.trim().is_empty() {
        Err(AppError::invalid(
            "calendar",
            "is required: choose the exported .ics file or paste its text",
        ))
    } else {
        aftercare_app::rotation_import::import_ical(
            &state.store,
            &v,
            id,
            &form.calendar,
            schedule.as_deref(),
        )
        .await
    };
    let refusal = match outcome {
        Ok(_) => return Ok(Redirect::to(&format!("/rotations/{id}#overrides")).into_response()),
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(AppError::Malformed(why)) => ("calendar".to_string(), why),
        Err(AppError::Invalid { field, reason }) => (field, reason),
        Err(e) => return Err(e.into()),
    };
    rotation_view(
        &state,
        &v,
        id,
        Refused::Import(form.calendar, form.schedule, refusal),
    )
    .await
}

pub(super) async fn take_cover(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<CoverRequestId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    // Back to the rotation when the refusal page offers a way back.
    let back = match state.store.cover_request(id).await? {
        Some(x) => format!("/rotations/{}", x.rotation_id),
        None => "/".to_string(),
    };
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let taken = cover::take(&state.store, v, id, &TakeInput::default()).await?;
        Ok(format!("/rotations/{}#cover", taken.rotation_id))
    })
    .await
}

pub(super) async fn withdraw_cover(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<CoverRequestId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    // Back to the rotation when the refusal page offers a way back.
    let back = match state.store.cover_request(id).await? {
        Some(x) => format!("/rotations/{}", x.rotation_id),
        None => "/".to_string(),
    };
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let closed = cover::withdraw(&state.store, v, id).await?;
        Ok(format!("/rotations/{}#cover", closed.rotation_id))
    })
    .await
}

pub(super) async fn delete_override(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OverrideId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    // Back to the rotation when the refusal page offers a way back.
    let back = match state.store.rotation_override(id).await? {
        Some(x) => format!("/rotations/{}", x.rotation_id),
        None => "/".to_string(),
    };
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let rotation = state
            .store
            .rotation_override(id)
            .await?
            .map(|o| o.rotation_id)
            .ok_or_else(|| AppError::NotFound(format!("override {id}")))?;
        cover::remove_override(&state.store, v, id).await?;
        Ok(format!("/rotations/{rotation}#overrides"))
    })
    .await
}
