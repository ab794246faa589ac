//! The web UI's forms for people and teams: admins add people and teams, leads add
//! members, and each person sets their own hours, sleep window and paging-tool
//! identities. Each form goes through the same validation as the JSON API; a
//! success redirects back (post/redirect/get), a refusal says which field and why.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Viewer};
use crate::error::ApiError;
use crate::validate::{self, PersonInput};
use crate::web::PageError;

#[derive(Template)]
#[template(path = "message.html")]
struct Refusal {
    csrf: String,
    nav_name: Option<String>,
    heading: String,
    message: String,
    back: String,
}

/// A refused form: the field and the reason, and a way back to the form.
fn refusal(v: &Viewer, e: &ApiError, back: &str) -> Response {
    let page = Refusal {
        csrf: v.csrf_token().to_string(),
        nav_name: v.person.as_ref().map(|p| p.name.clone()),
        heading: "That was not saved".into(),
        message: e.to_string(),
        back: back.to_string(),
    };
    let status = match e {
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    match page.render() {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, e.to_string()).into_response(),
    }
}

/// Runs a form's action for a logged-in viewer: redirects to `done` on success,
/// shows the refusal on a client error, and passes server errors on.
async fn act<F>(
    state: &AppState,
    headers: HeaderMap,
    csrf: &str,
    back: &str,
    done: &str,
    action: F,
) -> Result<Response, PageError>
where
    F: AsyncFnOnce(&Viewer) -> Result<(), ApiError>,
{
    let Some(v) = auth::form_viewer(state, headers, csrf).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    match action(&v).await {
        Ok(()) => Ok(Redirect::to(done).into_response()),
        Err(e @ ApiError::Internal(_)) => Err(e.into()),
        Err(e) => Ok(refusal(&v, &e, back)),
    }
}

#[derive(Deserialize)]
pub(crate) struct PersonForm {
    #[serde(default)]
    csrf: String,
    name: String,
    email: String,
    time_zone: String,
    #[serde(default)]
    team: String,
}

pub(crate) async fn add_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PersonForm>,
) -> Result<Response, PageError> {
    act(
        &state,
        headers,
        &form.csrf,
        "/people",
        "/people?notice=person-added",
        async |v: &Viewer| {
            v.require_admin()?;
            let new = validate::person(&PersonInput {
                name: form.name.clone(),
                email: form.email.clone(),
                time_zone: form.time_zone.clone(),
                ..Default::default()
            })?;
            if state.store.person_by_email(&new.email).await?.is_some() {
                return Err(ApiError::Conflict(format!(
                    "email: a person with {} already exists",
                    new.email
                )));
            }
            let team = match form.team.trim() {
                "" => None,
                name => Some(state.store.team_by_name(name).await?.ok_or_else(|| {
                    ApiError::invalid("team", format!("no team called {name:?}"))
                })?),
            };
            let (person, _) = state.store.upsert_person(&new).await?;
            if let Some(team) = team {
                state.store.join_team(team.id, person.id).await?;
            }
            Ok(())
        },
    )
    .await
}

#[derive(Deserialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    csrf: String,
    time_zone: String,
    working_days: String,
    working_start: String,
    working_end: String,
    sleep_start: String,
    sleep_end: String,
}

pub(crate) async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let page = format!("/people/{id}");
    act(
        &state,
        headers,
        &form.csrf,
        &page,
        &format!("{page}?notice=saved"),
        async |v: &Viewer| {
            v.may_edit_person(id)?;
            let person = state
                .store
                .person(id)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("person {id}")))?;
            let new = validate::person(&PersonInput {
                name: person.name,
                email: person.email,
                time_zone: form.time_zone.clone(),
                working_days: Some(form.working_days.clone()),
                working_start: Some(form.working_start.clone()),
                working_end: Some(form.working_end.clone()),
                sleep_start: Some(form.sleep_start.clone()),
                sleep_end: Some(form.sleep_end.clone()),
            })?;
            state.store.update_person(id, &new).await?;
            Ok(())
        },
    )
    .await
}

#[derive(Deserialize)]
pub(crate) struct IdentityForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    external_id: String,
}

pub(crate) async fn add_identity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, PageError> {
    let page = format!("/people/{id}");
    act(
        &state,
        headers,
        &form.csrf,
        &page,
        &format!("{page}?notice=identity-saved"),
        async |v: &Viewer| {
            v.may_edit_person(id)?;
            state
                .store
                .person(id)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("person {id}")))?;
            let (kind, external_id) = validate::identity(&form.kind, &form.external_id)?;
            state.store.set_identity(id, &kind, &external_id).await?;
            Ok(())
        },
    )
    .await
}

#[derive(Deserialize)]
pub(crate) struct TeamForm {
    #[serde(default)]
    csrf: String,
    name: String,
}

pub(crate) async fn add_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    act(
        &state,
        headers,
        &form.csrf,
        "/teams",
        "/teams?notice=team-added",
        async |v: &Viewer| {
            v.require_admin()?;
            let name =
                validate::team_name(&form.name).map_err(|e| ApiError::invalid("name", e.reason))?;
            if state.store.team_by_name(&name).await?.is_some() {
                return Err(ApiError::Conflict(format!(
                    "name: a team called {name:?} already exists"
                )));
            }
            state.store.ensure_team(&name).await?;
            Ok(())
        },
    )
    .await
}

#[derive(Deserialize)]
pub(crate) struct MemberForm {
    #[serde(default)]
    csrf: String,
    email: String,
    #[serde(default)]
    role: String,
}

pub(crate) async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act(
        &state,
        headers,
        &form.csrf,
        &page,
        &format!("{page}?notice=member-saved"),
        async |v: &Viewer| {
            let team = state
                .store
                .team(id)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
            if !v.leads_team(team.id) {
                return Err(ApiError::Forbidden(
                    "only the team's leads and admins may change its members".into(),
                ));
            }
            let role = validate::team_role(&form.role)?;
            let email = validate::email(&form.email)?;
            let person = state.store.person_by_email(&email).await?.ok_or_else(|| {
                ApiError::invalid("email", format!("no person with email {email}"))
            })?;
            state.store.set_membership(team.id, person.id, role).await?;
            Ok(())
        },
    )
    .await
}

/// The fixed texts a redirect may ask a page to show: a code in the URL, never
/// text, so nobody can put words on our pages with a crafted link.
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some("Saved. Your figures now follow your new hours."),
        "identity-saved" => Some("Identity linked: pages naming it will land on this person."),
        "person-added" => Some("Person added."),
        "team-added" => Some("Team created."),
        "member-saved" => Some("Member saved."),
        _ => None,
    }
}
