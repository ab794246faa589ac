//! Incidents: the list (period and team filters, a form to make one), one incident with the
//! people in it (add yourself, add someone, edit, resolve or reopen, delete). Every form calls
//! the same use-case as the JSON API.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use aftercare_app::incidents::{self, IncidentDetail, IncidentEdit, IncidentInput, IncidentView};
use aftercare_app::{Actor, AppError};
use aftercare_store::{IncidentId, ParticipantRole, PersonId, TeamId};

use super::forms::{FormState, act_inline};
use super::period::{PeriodArgs, PeriodControl, resolve};
use super::{PageError, login_redirect, nav, notice_text, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

/// A team to choose in a form.
struct TeamChoice {
    id: TeamId,
    name: String,
    selected: bool,
}

/// A role to choose in a form.
struct RoleChoice {
    value: &'static str,
    label: &'static str,
}

fn roles() -> Vec<RoleChoice> {
    ParticipantRole::ALL
        .iter()
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
        })
        .collect()
}

/// An instant as people read it: minutes, UTC.
fn when(t: &Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    period: PeriodControl,
    period_label: String,
    incidents: Vec<IncidentView>,
    teams: Vec<TeamChoice>,
    team_filter: Option<TeamId>,
    can_create: bool,
    /// A refused new-incident form: what was typed, and why.
    typed_title: String,
    typed_severity: String,
    errors: FormState,
}

impl IncidentsPage {
    fn when(&self, t: &Timestamp) -> String {
        when(t)
    }

    fn filtered(&self, id: &TeamId) -> bool {
        self.team_filter == Some(*id)
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    notice: Option<String>,
    team: Option<String>,
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<ListQuery>,
    Query(args): Query<PeriodArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    list_view(&state, &v, &q, &args, None).await
}

async fn list_view(
    state: &AppState,
    v: &Actor,
    q: &ListQuery,
    args: &PeriodArgs,
    refused_form: Option<(NewIncidentForm, FormState)>,
) -> Result<Response, PageError> {
    let team_filter = q
        .team
        .as_deref()
        .and_then(|t| t.trim().parse::<TeamId>().ok());
    let (chosen, mut control) = resolve(args, &TimeZone::UTC, "/incidents".into())?;
    if let Some(t) = team_filter {
        control.hidden.push(("team".into(), t.to_string()));
    }
    let list = match incidents::list(&state.store, v, team_filter, chosen.period).await {
        Ok(l) => l,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let all_teams = aftercare_app::teams::list(&state.store, v).await?;
    let (typed_title, typed_severity, typed_team, errors) = match refused_form {
        Some((f, e)) => (f.title, f.severity, f.team.trim().parse::<TeamId>().ok(), e),
        None => (String::new(), String::new(), team_filter, FormState::none()),
    };
    let teams: Vec<TeamChoice> = all_teams
        .iter()
        .filter(|t| v.is_admin() || v.member_of(t.id))
        .map(|t| TeamChoice {
            id: t.id,
            name: t.name.clone(),
            selected: typed_team == Some(t.id),
        })
        .collect();
    let status = if control.errors.failed() || errors.failed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let mut page = render(&IncidentsPage {
        csrf,
        nav_name,
        notice: notice_text(q.notice.as_deref()),
        period: control,
        period_label: chosen.label(),
        incidents: list.incidents,
        can_create: !teams.is_empty() && v.person_id().is_some(),
        teams,
        team_filter,
        typed_title,
        typed_severity,
        errors,
    });
    *page.status_mut() = status;
    Ok(page)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct NewIncidentForm {
    csrf: String,
    title: String,
    team: String,
    severity: String,
}

fn team_field(s: &str) -> Result<Option<TeamId>, AppError> {
    match s.trim() {
        "" => Ok(None),
        t => t
            .parse::<TeamId>()
            .map(Some)
            .map_err(|_| AppError::invalid("team", "choose a team from the list")),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<NewIncidentForm>,
) -> Result<Response, PageError> {
    let again = form.clone();
    act_inline(
        &state,
        &headers,
        &form.csrf,
        "/incidents",
        async |v| {
            let input = IncidentInput {
                title: form.title.clone(),
                team: team_field(&form.team)?,
                severity: Some(form.severity.clone()),
                started_at: None,
                resolved_at: None,
            };
            let made = incidents::create(&state.store, v, &input).await?;
            Ok(format!(
                "/incidents/{}?notice=incident-added",
                made.incident.id
            ))
        },
        async |v, e| {
            let errors = FormState::from_error(
                "incident",
                &e,
                &[
                    ("title", "Title"),
                    ("team", "Team"),
                    ("severity", "Severity"),
                ],
            );
            list_view(
                &state,
                v,
                &ListQuery::default(),
                &PeriodArgs::default(),
                Some((again, errors)),
            )
            .await
        },
    )
    .await
}

/// A person the add-participant form offers.
struct PersonChoice {
    id: PersonId,
    name: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    d: IncidentDetail,
    roles: Vec<RoleChoice>,
    people: Vec<PersonChoice>,
    me: Option<PersonId>,
    errors: FormState,
    typed_title: String,
    typed_severity: String,
}

impl IncidentPage {
    fn when(&self, t: &Timestamp) -> String {
        when(t)
    }

    fn is_me(&self, id: &PersonId) -> bool {
        self.me == Some(*id)
    }

    fn hours(&self, minutes: &i64) -> String {
        format!("{}h {:02}m", minutes / 60, minutes % 60)
    }
}

#[derive(Deserialize, Default)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<IncidentId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    detail_view(&state, &v, id, q.notice.as_deref(), None).await
}

async fn detail_view(
    state: &AppState,
    v: &Actor,
    id: IncidentId,
    notice: Option<&str>,
    refused_form: Option<(String, String, FormState)>,
) -> Result<Response, PageError> {
    let d = match incidents::detail(&state.store, v, id).await {
        Ok(d) => d,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    // Whom a manager may add: the people of the incident's team, then everyone else.
    let mut people = Vec::new();
    if d.can_manage {
        for p in state.store.list_people().await? {
            if p.deactivated_at.is_none() {
                people.push(PersonChoice {
                    id: p.id,
                    name: p.name,
                });
            }
        }
    }
    let (typed_title, typed_severity, errors) = match refused_form {
        Some((t, s, e)) => (t, s, e),
        None => (
            d.incident.title.clone(),
            d.incident.severity.clone().unwrap_or_default(),
            FormState::none(),
        ),
    };
    let (csrf, nav_name) = nav(v);
    Ok(render(&IncidentPage {
        csrf,
        nav_name,
        notice: notice_text(notice),
        me: v.person_id(),
        d,
        roles: roles(),
        people,
        errors,
        typed_title,
        typed_severity,
    }))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct ParticipantForm {
    csrf: String,
    /// Empty: oneself.
    person_id: String,
    role: String,
}

fn person_field(s: &str) -> Result<Option<PersonId>, AppError> {
    match s.trim() {
        "" | "me" => Ok(None),
        p => p
            .parse::<PersonId>()
            .map(Some)
            .map_err(|_| AppError::invalid("person_id", "choose a person from the list")),
    }
}

pub(super) async fn add_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<IncidentId>,
    Form(form): Form<ParticipantForm>,
) -> Result<Response, PageError> {
    let back = format!("/incidents/{id}");
    act_inline(
        &state,
        &headers,
        &form.csrf,
        &back,
        async |v| {
            let role = incidents::role(&form.role)?;
            let person = person_field(&form.person_id)?;
            incidents::add_participant(&state.store, v, id, person, role).await?;
            Ok(format!("/incidents/{id}?notice=participant-added#people"))
        },
        async |v, e| {
            let errors =
                FormState::from_error("participant", &e, &[("person_id", "Who"), ("role", "Role")]);
            detail_view(
                &state,
                v,
                id,
                None,
                Some((String::new(), String::new(), errors)),
            )
            .await
        },
    )
    .await
}

pub(super) async fn remove_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<IncidentId>,
    Form(form): Form<ParticipantForm>,
) -> Result<Response, PageError> {
    let back = format!("/incidents/{id}");
    act_inline(
        &state,
        &headers,
        &form.csrf,
        &back,
        async |v| {
            let role = incidents::role(&form.role)?;
            let person = person_field(&form.person_id)?
                .or(v.person_id())
                .ok_or_else(|| AppError::invalid("person_id", "choose a person"))?;
            incidents::remove_participant(&state.store, v, id, person, role).await?;
            Ok(format!("/incidents/{id}?notice=participant-removed#people"))
        },
        async |v, e| {
            let errors = FormState::from_error("participant", &e, &[]);
            detail_view(
                &state,
                v,
                id,
                None,
                Some((String::new(), String::new(), errors)),
            )
            .await
        },
    )
    .await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct EditForm {
    csrf: String,
    title: String,
    severity: String,
    /// `resolve`, `reopen` or empty (no change).
    state: String,
}

pub(super) async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<IncidentId>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    let back = format!("/incidents/{id}");
    let again = form.clone();
    act_inline(
        &state,
        &headers,
        &form.csrf,
        &back,
        async |v| {
            let resolved_at = match form.state.trim() {
                "" => None,
                "resolve" => Some(Some(Timestamp::now())),
                "reopen" => Some(None),
                _ => return Err(AppError::invalid("state", "choose resolve or reopen")),
            };
            let edit = IncidentEdit {
                title: Some(form.title.clone()),
                severity: Some(form.severity.clone()),
                resolved_at,
            };
            incidents::update(&state.store, v, id, &edit).await?;
            Ok(format!("/incidents/{id}?notice=incident-saved"))
        },
        async |v, e| {
            let errors =
                FormState::from_error("edit", &e, &[("title", "Title"), ("severity", "Severity")]);
            detail_view(
                &state,
                v,
                id,
                None,
                Some((again.title, again.severity, errors)),
            )
            .await
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CsrfForm {
    csrf: String,
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<IncidentId>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let back = format!("/incidents/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        incidents::delete(&state.store, v, id).await?;
        Ok("/incidents?notice=incident-deleted".into())
    })
    .await
}
