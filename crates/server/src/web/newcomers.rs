//! Newcomers on the rotation page: who is new to its on call, their buddy and their
//! shadow shifts. Leads mark a member as new, plan shadow shifts, say when someone is
//! ready; everyone in the team sees the section (a newcomer sees their own plan).
//! A refused form comes back inline, beside its field.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::newcomers::{self, NewcomerChange, NewcomerInput, NewcomerView, ShadowInput};
use aftercare_app::{Actor, AppError};
use aftercare_store::{NewcomerId, PersonId, RotationId, ShadowShiftId};

use super::rotations::{Refused, rotation_view, when};
use super::{PageError, login_redirect, refused};
use crate::AppState;
use crate::auth;

pub(super) struct Choice {
    pub id: PersonId,
    pub name: String,
}

pub(super) struct ShadowRow {
    pub id: ShadowShiftId,
    pub span: String,
    pub shadowing: String,
    pub done: bool,
}

pub(super) struct NewcomerRow {
    pub view: NewcomerView,
    pub since: String,
    pub ready: Option<String>,
    pub shadows: Vec<ShadowRow>,
    /// A refusal of this newcomer's shadow-shift form: (field, reason).
    pub error: Option<(String, String)>,
    pub is_me: bool,
}

/// The rotation page's newcomers section.
#[derive(Default)]
pub(super) struct Section {
    pub rows: Vec<NewcomerRow>,
    /// Members not marked as new yet (the mark form's choices).
    pub candidates: Vec<Choice>,
    /// The team's active people (the buddy choices).
    pub buddies: Vec<Choice>,
    /// A refusal of the mark form.
    pub error: Option<(String, String)>,
}

/// Which newcomers form was refused, to show its error inline.
pub(crate) enum Refusal {
    Mark((String, String)),
    Shadow(NewcomerId, (String, String)),
}

pub(super) async fn section(
    state: &AppState,
    v: &Actor,
    rotation: &aftercare_app::rotations::RotationView,
    refusal: Option<Refusal>,
) -> Result<Section, AppError> {
    let (id, zone, members) = (rotation.id, rotation.time_zone.as_str(), &rotation.members);
    let list = newcomers::of_rotation(&state.store, v, id).await?;
    let me = v.person_id();
    let (mark_error, shadow_error) = match refusal {
        None => (None, None),
        Some(Refusal::Mark(e)) => (Some(e), None),
        Some(Refusal::Shadow(n, e)) => (None, Some((n, e))),
    };
    let team = state.store.team_members(rotation.team_id).await?;
    let candidates = members
        .iter()
        .filter(|m| !list.iter().any(|n| n.person.person_id == m.person_id))
        .map(|m| Choice {
            id: m.person_id,
            name: m.name.clone(),
        })
        .collect();
    let buddies = team
        .iter()
        .filter(|m| m.person.deactivated_at.is_none())
        .map(|m| Choice {
            id: m.person.id,
            name: m.person.name.clone(),
        })
        .collect();
    let rows = list
        .into_iter()
        .map(|n| NewcomerRow {
            since: when(n.since, zone),
            ready: n.ready_at.map(|t| when(t, zone)),
            shadows: n
                .shadow_shifts
                .iter()
                .map(|s| ShadowRow {
                    id: s.id,
                    span: format!("{} to {}", when(s.start, zone), when(s.end, zone)),
                    shadowing: s
                        .shadowing
                        .as_ref()
                        .map_or_else(|| "nobody yet".to_string(), |m| m.name.clone()),
                    done: s.done,
                })
                .collect(),
            error: shadow_error
                .as_ref()
                .filter(|(id, _)| *id == n.id)
                .map(|(_, e)| e.clone()),
            is_me: me == Some(n.person.person_id),
            view: n,
        })
        .collect();
    Ok(Section {
        rows,
        candidates,
        buddies,
        error: mark_error,
    })
}

fn refusal_of(e: AppError) -> Result<(String, String), AppError> {
    match e {
        AppError::Invalid { field, reason } => Ok((field, reason)),
        AppError::Conflict(why) => Ok(("person_id".into(), why)),
        other => Err(other),
    }
}

fn person_field(field: &str, text: &str) -> Result<PersonId, AppError> {
    text.trim()
        .parse::<PersonId>()
        .map_err(|_| AppError::invalid(field, "choose someone from the list"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct MarkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    buddy_id: String,
}

pub(super) async fn mark(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<MarkForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let outcome = async {
        let input = NewcomerInput {
            person_id: person_field("person_id", &form.person_id)?,
            buddy_id: person_field("buddy_id", &form.buddy_id)?,
        };
        newcomers::add(&state.store, &v, id, &input).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/rotations/{id}#newcomers")).into_response()),
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => match refusal_of(e) {
            Ok(why) => rotation_view(&state, &v, id, Refused::Newcomers(Refusal::Mark(why))).await,
            Err(e) => Err(e.into()),
        },
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    buddy_id: Option<String>,
    /// `yes` or `no`, from the ready and new-again buttons.
    #[serde(default)]
    ready: Option<String>,
}

async fn rotation_of(state: &AppState, id: NewcomerId) -> Result<String, PageError> {
    let n = state.store.newcomer(id).await?;
    Ok(n.map_or_else(
        || "/".to_string(),
        |n| format!("/rotations/{}#newcomers", n.rotation_id),
    ))
}

pub(super) async fn change(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<NewcomerId>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PageError> {
    let back = rotation_of(&state, id).await?;
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let buddy_id = match form.buddy_id.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Some(person_field("buddy_id", t)?),
            _ => None,
        };
        let ready = match form.ready.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            Some(other) => {
                return Err(AppError::invalid(
                    "ready",
                    format!("{other:?} is not yes or no"),
                ));
            }
            None => None,
        };
        newcomers::change(&state.store, v, id, &NewcomerChange { buddy_id, ready }).await?;
        Ok(back.clone())
    })
    .await
}

pub(super) async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<NewcomerId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = rotation_of(&state, id).await?;
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        newcomers::remove(&state.store, v, id).await?;
        Ok(back.clone())
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ShadowForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

pub(super) async fn add_shadow(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<NewcomerId>,
    Form(form): Form<ShadowForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let Some(n) = state.store.newcomer(id).await? else {
        return Err(AppError::NotFound(format!("newcomer {id}")).into());
    };
    let input = ShadowInput {
        from: form.from.clone(),
        until: Some(form.until.clone()),
    };
    match newcomers::add_shadow(&state.store, &v, id, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/rotations/{}#newcomers", n.rotation_id)).into_response())
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => match refusal_of(e) {
            Ok(why) => {
                rotation_view(
                    &state,
                    &v,
                    n.rotation_id,
                    Refused::Newcomers(Refusal::Shadow(id, why)),
                )
                .await
            }
            Err(e) => Err(e.into()),
        },
    }
}

pub(super) async fn remove_shadow(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ShadowShiftId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = match state.store.shadow_shift(id).await? {
        Some(s) => format!("/rotations/{}#newcomers", s.rotation_id),
        None => "/".to_string(),
    };
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        newcomers::remove_shadow(&state.store, v, id).await?;
        Ok(back.clone())
    })
    .await
}
