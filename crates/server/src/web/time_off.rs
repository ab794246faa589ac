//! One's own time off on the web: the list, a form to mark more (dates, with times when
//! it is part of a day), and removal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::time_off::{self, KINDS, TimeOffInput};
use aftercare_app::{Actor, AppError};
use aftercare_store::TimeOffId;

use super::rotations::when;
use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

struct Entry {
    id: TimeOffId,
    start: String,
    end: String,
    kind: String,
    note: String,
}

#[derive(Default)]
struct Draft {
    start: String,
    start_time: String,
    end: String,
    end_time: String,
    kind: String,
    note: String,
}

#[derive(Template)]
#[template(path = "time_off.html")]
struct TimeOffPage {
    csrf: String,
    nav_name: Option<String>,
    entries: Vec<Entry>,
    kinds: &'static [&'static str],
    zone: String,
    draft: Draft,
    error: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    v: &Actor,
    draft: Draft,
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let entries = match time_off::list_own(&state.store, v).await {
        Ok(e) => e,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let zone = v
        .person()
        .and_then(|p| p.hours.time_zone.iana_name().map(str::to_string))
        .unwrap_or_else(|| "UTC".into());
    let entries = entries
        .into_iter()
        .map(|e| Entry {
            id: e.id,
            start: when(e.start, &zone),
            end: when(e.end, &zone),
            kind: e.kind,
            note: e.note,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let p = TimeOffPage {
        csrf,
        nav_name,
        entries,
        kinds: &KINDS,
        zone,
        draft,
        error,
    };
    Ok((status, render(&p)).into_response())
}

pub(super) async fn time_off_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let draft = Draft {
        kind: "leave".into(),
        ..Draft::default()
    };
    page(&state, &v, draft, None).await
}

#[derive(Deserialize)]
pub(super) struct TimeOffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    start_time: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    end_time: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    note: String,
}

/// A date, or a date and a time when one is given.
fn joined(date: &str, time: &str) -> String {
    match (date.trim(), time.trim()) {
        (d, "") => d.to_string(),
        ("", _) => String::new(),
        (d, t) => format!("{d}T{t}"),
    }
}

pub(super) async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TimeOffForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let input = TimeOffInput {
        start: joined(&form.start, &form.start_time),
        end: joined(&form.end, &form.end_time),
        kind: form.kind.clone(),
        note: Some(form.note.clone()),
    };
    match time_off::add(&state.store, &v, &input).await {
        Ok(_) => Ok(Redirect::to("/time-off").into_response()),
        Err(AppError::Invalid { field, reason }) => {
            let draft = Draft {
                start: form.start,
                start_time: form.start_time,
                end: form.end,
                end_time: form.end_time,
                kind: form.kind,
                note: form.note,
            };
            page(&state, &v, draft, Some((field, reason))).await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TimeOffId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    super::forms::act(&state, &headers, &form.csrf, "/time-off", async |v| {
        time_off::remove(&state.store, v, id).await?;
        Ok("/time-off".to_string())
    })
    .await
}
