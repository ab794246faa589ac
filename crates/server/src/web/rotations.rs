//! Rotations on the web: a team's rotations with who is on call now and a form for its
//! leads; one rotation's next shifts and its health panel (findings with their sources,
//! everyone's share).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;

use aftercare_app::rotations::{self, RotationHealth, RotationInput, RotationView};
use aftercare_app::{Actor, AppError};
use aftercare_store::{PersonId, RotationId, TeamId};

use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

struct MemberChoice {
    id: PersonId,
    name: String,
    checked: bool,
}

/// What the create form held, kept when it is refused so nothing typed is lost.
#[derive(Default)]
struct Draft {
    name: String,
    time_zone: String,
    start: String,
    shift_length: String,
}

#[derive(Template)]
#[template(path = "rotations.html")]
struct RotationsPage {
    csrf: String,
    nav_name: Option<String>,
    team_id: TeamId,
    team: String,
    rotations: Vec<RotationView>,
    can_lead: bool,
    people: Vec<MemberChoice>,
    draft: Draft,
    /// The refused field and why.
    error: Option<(String, String)>,
}

fn when(t: Timestamp, zone: &str) -> String {
    match jiff::tz::TimeZone::get(zone) {
        Ok(z) => t.to_zoned(z).strftime("%a %Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

async fn rotations_view(
    state: &AppState,
    v: &Actor,
    team_id: TeamId,
    draft: Draft,
    chosen: &[PersonId],
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let team = match aftercare_app::teams::visible(&state.store, v, team_id).await {
        Ok(t) => t,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let list = rotations::of_team(&state.store, v, team_id).await?;
    let people = state
        .store
        .team_members(team_id)
        .await?
        .into_iter()
        .map(|m| MemberChoice {
            checked: chosen.contains(&m.person.id),
            id: m.person.id,
            name: m.person.name,
        })
        .collect();
    let (csrf, nav_name) = nav(v);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = RotationsPage {
        csrf,
        nav_name,
        team_id,
        team: team.name,
        rotations: list,
        can_lead: v.leads(team_id),
        people,
        draft,
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn rotations_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(team): Path<TeamId>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let draft = Draft {
        time_zone: "UTC".into(),
        shift_length: "1w".into(),
        ..Draft::default()
    };
    rotations_view(&state, &v, team, draft, &[], None).await
}

/// The create form's fields; `members` repeats, once per ticked box, in the page's order.
#[derive(Default)]
pub(super) struct RotationForm {
    csrf: String,
    name: String,
    time_zone: String,
    start: String,
    shift_length: String,
    members: Vec<String>,
}

impl RotationForm {
    fn from_fields(fields: Vec<(String, String)>) -> RotationForm {
        let mut f = RotationForm::default();
        for (k, value) in fields {
            match k.as_str() {
                "csrf" => f.csrf = value,
                "name" => f.name = value,
                "time_zone" => f.time_zone = value,
                "start" => f.start = value,
                "shift_length" => f.shift_length = value,
                "members" => f.members.push(value),
                _ => {}
            }
        }
        f
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(team): Path<TeamId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = RotationForm::from_fields(fields);
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let mut members = Vec::new();
    for m in &form.members {
        match m.parse::<PersonId>() {
            Ok(id) => members.push(id),
            Err(_) => {
                let error = Some(("members".into(), format!("{m:?} is not a person's id")));
                return rotations_view(&state, &v, team, draft(&form), &members, error).await;
            }
        }
    }
    let input = RotationInput {
        team: team.to_string(),
        name: form.name.clone(),
        time_zone: form.time_zone.clone(),
        start: form.start.clone(),
        shift_length: form.shift_length.clone(),
        members: members.clone(),
    };
    match rotations::create(&state.store, &v, &input).await {
        Ok(made) => {
            Ok(axum::response::Redirect::to(&format!("/rotations/{}", made.id)).into_response())
        }
        Err(AppError::Invalid { field, reason }) => {
            rotations_view(
                &state,
                &v,
                team,
                draft(&form),
                &members,
                Some((field, reason)),
            )
            .await
        }
        Err(AppError::Conflict(why)) => {
            rotations_view(
                &state,
                &v,
                team,
                draft(&form),
                &members,
                Some(("name".into(), why)),
            )
            .await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

fn draft(form: &RotationForm) -> Draft {
    Draft {
        name: form.name.clone(),
        time_zone: form.time_zone.clone(),
        start: form.start.clone(),
        shift_length: form.shift_length.clone(),
    }
}

struct ShiftRow {
    name: String,
    start: String,
    end: String,
}

#[derive(Template)]
#[template(path = "rotation.html")]
struct RotationPage {
    csrf: String,
    nav_name: Option<String>,
    rotation: RotationView,
    on_call_now: String,
    next: Vec<ShiftRow>,
    health: RotationHealth,
    can_lead: bool,
}

impl RotationPage {
    fn pct(&self, x: &f64) -> String {
        format!("{:.0}%", x * 100.0)
    }
}

pub(super) async fn rotation_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<RotationId>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let rotation = match rotations::get(&state.store, &v, id).await {
        Ok(r) => r,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let health = rotations::health(&state.store, &v, id).await?;
    let zone = rotation.time_zone.clone();
    let on_call_now = match &rotation.on_call_now {
        Some(o) => format!("{}, until {}", o.name, when(o.shift_end, &zone)),
        None => format!(
            "Nobody yet: the first shift starts {} {}",
            rotation.start, zone
        ),
    };
    let next = rotations::upcoming(&state.store, &v, id, Timestamp::now(), 8)
        .await?
        .into_iter()
        .map(|o| ShiftRow {
            name: o.name,
            start: when(o.shift_start, &zone),
            end: when(o.shift_end, &zone),
        })
        .collect();
    let (csrf, nav_name) = nav(&v);
    let page = RotationPage {
        csrf,
        nav_name,
        can_lead: v.leads(rotation.team_id),
        rotation,
        on_call_now,
        next,
        health,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let back = format!("/rotations/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let team = rotations::get(&state.store, v, id).await?.team_id;
        rotations::delete(&state.store, v, id).await?;
        Ok(format!("/teams/{team}/rotations"))
    })
    .await
}
