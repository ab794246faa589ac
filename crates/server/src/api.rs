//! The JSON API under `/api/v1`. Scripts authenticate with `Authorization: Bearer
//! TOKEN`; the web UI's session cookie works too, with a CSRF token on writes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use aftercare_store::{NewIntegration, Person, Team};
use aftercare_webhooks::Source;

use crate::AppState;
use crate::auth::{ApiViewer, Viewer};
use crate::error::{ApiError, parse_json};
use crate::service::{self, PersonSummary};
use crate::validate::{self, PersonInput};

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint; see /api/v1/openapi.json".into())
}

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

pub fn period(q: &PeriodQuery) -> Result<aftercare_burden::Period, ApiError> {
    service::parse_period(q.from.as_deref(), q.to.as_deref())
        .map_err(|(field, reason)| ApiError::invalid(field, reason))
}

fn service_error(e: service::ServiceError) -> ApiError {
    match e {
        service::ServiceError::Store(s) => s.into(),
        service::ServiceError::Schedule(reason) => ApiError::Malformed(reason),
        other => ApiError::Internal(other.to_string()),
    }
}

/// A person's own settings, shown to them, their leads and admins.
fn person_json(p: &Person) -> Value {
    json!({
        "id": p.id, "name": p.name, "email": p.email, "time_zone": p.time_zone,
        "working_days": p.working_days, "working_start": p.working_start, "working_end": p.working_end,
        "sleep_start": p.sleep_start, "sleep_end": p.sleep_end, "is_admin": p.is_admin,
    })
}

pub async fn me(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> Result<Json<Value>, ApiError> {
    let memberships = match viewer.person_id() {
        Some(id) => state.store.memberships(id).await?,
        None => vec![],
    };
    Ok(Json(json!({
        "person": viewer.person.as_ref().map(person_json),
        "is_admin": viewer.is_admin,
        "teams": memberships.iter().map(|m| json!({"id": m.team.id, "name": m.team.name, "role": m.role})).collect::<Vec<_>>(),
    })))
}

pub async fn list_people(
    State(state): State<AppState>,
    ApiViewer(_viewer): ApiViewer,
) -> Result<Json<Value>, ApiError> {
    // The directory (name, email, time zone) is visible to every account, as in
    // any paging tool; settings and figures are not.
    let people = state.store.list_people().await?;
    Ok(Json(
        json!({ "people": people.iter().map(PersonSummary::from).collect::<Vec<_>>() }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    #[serde(flatten)]
    pub person: PersonInput,
}

pub async fn create_person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    viewer.require_admin()?;
    let input: PersonInput = parse_json(&body)?;
    let new = validate::person(&input)?;
    if state.store.person_by_email(&new.email).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "email: a person with {} already exists",
            new.email
        )));
    }
    let (person, _) = state.store.upsert_person(&new).await?;
    Ok((StatusCode::CREATED, Json(person_json(&person))))
}

async fn visible_person(state: &AppState, viewer: &Viewer, id: i64) -> Result<Person, ApiError> {
    let person = state
        .store
        .person(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("person {id}")))?;
    if !viewer.may_see_work_of(&state.store, id).await? {
        return Err(ApiError::Forbidden(format!(
            "person {id}'s figures are visible to them, the leads of their teams and admins"
        )));
    }
    Ok(person)
}

pub async fn get_person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let person = visible_person(&state, &viewer, id).await?;
    let mut out = person_json(&person);
    let identities = state.store.identities(id).await?;
    out["identities"] = json!(
        identities
            .iter()
            .map(|i| json!({"kind": i.kind, "external_id": i.external_id}))
            .collect::<Vec<_>>()
    );
    let teams = state.store.memberships(id).await?;
    out["teams"] = json!(
        teams
            .iter()
            .map(|m| json!({"id": m.team.id, "name": m.team.name, "role": m.role}))
            .collect::<Vec<_>>()
    );
    Ok(Json(out))
}

/// Fields a person (or an admin) may change; absent fields keep their value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub name: Option<String>,
    #[serde(alias = "timezone")]
    pub time_zone: Option<String>,
    pub working_days: Option<String>,
    pub working_start: Option<String>,
    pub working_end: Option<String>,
    pub sleep_start: Option<String>,
    pub sleep_end: Option<String>,
}

pub async fn update_person(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    viewer.may_edit_person(id)?;
    let person = state
        .store
        .person(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("person {id}")))?;
    let patch: PersonPatch = parse_json(&body)?;
    let input = PersonInput {
        name: patch.name.unwrap_or(person.name),
        email: person.email,
        time_zone: patch.time_zone.unwrap_or(person.time_zone),
        working_days: Some(patch.working_days.unwrap_or(person.working_days)),
        working_start: Some(patch.working_start.unwrap_or(person.working_start)),
        working_end: Some(patch.working_end.unwrap_or(person.working_end)),
        sleep_start: Some(patch.sleep_start.unwrap_or(person.sleep_start)),
        sleep_end: Some(patch.sleep_end.unwrap_or(person.sleep_end)),
    };
    let new = validate::person(&input)?;
    let updated = state.store.update_person(id, &new).await?;
    Ok(Json(person_json(&updated)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetIdentity {
    pub kind: String,
    pub external_id: String,
}

pub async fn set_identity(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    viewer.may_edit_person(id)?;
    state
        .store
        .person(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("person {id}")))?;
    let input: SetIdentity = parse_json(&body)?;
    let (kind, external_id) = validate::identity(&input.kind, &input.external_id)?;
    state.store.set_identity(id, &kind, &external_id).await?;
    let identities = state.store.identities(id).await?;
    Ok(Json(
        json!({ "identities": identities.iter().map(|i| json!({"kind": i.kind, "external_id": i.external_id})).collect::<Vec<_>>() }),
    ))
}

pub async fn person_burden(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = period(&q)?;
    let person = visible_person(&state, &viewer, id).await?;
    let burden = service::person_burden(&state.store, &person, period)
        .await
        .map_err(service_error)?;
    let mut out = serde_json::to_value(&burden).map_err(|e| ApiError::Internal(e.to_string()))?;
    out["person"] = json!(PersonSummary::from(&person));
    out["from"] = json!(period.from());
    out["to"] = json!(period.to());
    Ok(Json(out))
}

fn team_json(t: &Team) -> Value {
    json!({ "id": t.id, "name": t.name })
}

pub async fn list_teams(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> Result<Json<Value>, ApiError> {
    let teams = state.store.list_teams().await?;
    let visible: Vec<Value> = teams
        .iter()
        .filter(|t| viewer.may_see_team(t.id))
        .map(team_json)
        .collect();
    Ok(Json(json!({ "teams": visible })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
}

pub async fn create_team(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    viewer.require_admin()?;
    let input: CreateTeam = parse_json(&body)?;
    let name = validate::team_name(&input.name).map_err(|e| ApiError::invalid("name", e.reason))?;
    if state.store.team_by_name(&name).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "name: a team called {name:?} already exists"
        )));
    }
    let team = state.store.ensure_team(&name).await?;
    Ok((StatusCode::CREATED, Json(team_json(&team))))
}

async fn visible_team(state: &AppState, viewer: &Viewer, id: i64) -> Result<Team, ApiError> {
    let team = state
        .store
        .team(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
    if !viewer.may_see_team(id) {
        return Err(ApiError::Forbidden(format!(
            "team {id} is visible to its members and admins"
        )));
    }
    Ok(team)
}

pub async fn get_team(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let team = visible_team(&state, &viewer, id).await?;
    let members = state.store.team_members(id).await?;
    let mut out = team_json(&team);
    out["members"] = json!(
        members
            .iter()
            .map(|m| json!({"person": PersonSummary::from(&m.person), "role": m.role}))
            .collect::<Vec<_>>()
    );
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetMember {
    pub email: String,
    #[serde(default)]
    pub role: Option<String>,
}

pub async fn set_member(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let team = state
        .store
        .team(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
    if !viewer.leads_team(team.id) {
        return Err(ApiError::Forbidden(
            "only the team's leads and admins may change its members".into(),
        ));
    }
    let input: SetMember = parse_json(&body)?;
    let role = validate::team_role(input.role.as_deref().unwrap_or(""))?;
    let email = validate::email(&input.email)?;
    let person = state
        .store
        .person_by_email(&email)
        .await?
        .ok_or_else(|| ApiError::invalid("email", format!("no person with email {email}")))?;
    state.store.set_membership(team.id, person.id, role).await?;
    Ok(Json(
        json!({ "team": team_json(&team), "person": PersonSummary::from(&person), "role": role }),
    ))
}

pub async fn team_burden(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = period(&q)?;
    let team = state
        .store
        .team(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
    if !viewer.leads_team(id) {
        return Err(ApiError::Forbidden(format!(
            "each member's figures are for team {id}'s leads and admins; your own are at /api/v1/people/{{id}}/burden"
        )));
    }
    let burden = service::team_burden(&state.store, &team, period)
        .await
        .map_err(service_error)?;
    Ok(Json(
        serde_json::to_value(&burden).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegration {
    pub team: String,
    pub source: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
}

/// Creates an integration and returns it with its secret: the only time the
/// secret is shown.
pub async fn create_integration_for(
    state: &AppState,
    viewer: Option<&Viewer>,
    input: &CreateIntegration,
) -> Result<Value, ApiError> {
    let team_name = validate::team_name(&input.team)?;
    let team = match state.store.team_by_name(&team_name).await? {
        Some(t) => t,
        None => match input.team.trim().parse::<i64>() {
            Ok(id) => state
                .store
                .team(id)
                .await?
                .ok_or_else(|| ApiError::invalid("team", format!("no team {id}")))?,
            Err(_) => {
                return Err(ApiError::invalid(
                    "team",
                    format!("no team called {team_name:?}"),
                ));
            }
        },
    };
    if let Some(v) = viewer
        && !v.leads_team(team.id)
    {
        return Err(ApiError::Forbidden(
            "only the team's leads and admins may add integrations".into(),
        ));
    }
    let source: Source = input.source.trim().parse().map_err(|_| {
        let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        ApiError::invalid(
            "source",
            format!(
                "{:?} is not a source: use one of {}",
                input.source,
                names.join(", ")
            ),
        )
    })?;
    let secret = match input
        .secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => s.to_string(),
        None => generated_secret(source),
    };
    aftercare_webhooks::check_secret(source, &secret)
        .map_err(|e| ApiError::invalid("secret", e.to_string()))?;
    let name = input
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{} {}", team.name, source.as_str()));
    let integration = state
        .store
        .create_integration(&NewIntegration {
            public_id: format!("int_{}", crate::auth::random_hex(10)),
            team_id: team.id,
            source: source.as_str().to_string(),
            name,
            secret: secret.clone(),
        })
        .await?;
    Ok(json!({
        "id": integration.public_id,
        "team": team_json(&team),
        "source": integration.source,
        "name": integration.name,
        "ingest_path": format!("/api/v1/ingest/{}", integration.public_id),
        "secret": secret,
        "how_to_authenticate": how_to_authenticate(source),
    }))
}

/// A secret to share with the sender when none is given. incident.io's secrets
/// are Standard Webhooks ones (`whsec_` + base64).
pub fn generated_secret(source: Source) -> String {
    match source {
        Source::IncidentIo => {
            use base64::Engine;
            let mut key = [0u8; 24];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
            format!(
                "whsec_{}",
                base64::engine::general_purpose::STANDARD.encode(key)
            )
        }
        _ => crate::auth::random_hex(24),
    }
}

pub fn how_to_authenticate(source: Source) -> &'static str {
    match source {
        Source::PagerDuty => {
            "PagerDuty signs each delivery (X-PagerDuty-Signature); create the integration with --secret set to the subscription's signing secret"
        }
        Source::IncidentIo => {
            "incident.io signs each delivery (Standard Webhooks); create the integration with --secret set to the endpoint's whsec_ signing secret"
        }
        Source::FireHydrant => {
            "FireHydrant signs each delivery (fh-signature) with the secret you set on the webhook: use this one"
        }
        Source::Opsgenie | Source::Alertmanager | Source::GrafanaOnCall => {
            "this sender does not sign: configure it to send the header `Authorization: Bearer SECRET` with this secret"
        }
    }
}

pub async fn create_integration(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input: CreateIntegration = parse_json(&body)?;
    let out = create_integration_for(&state, Some(&viewer), &input).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

pub async fn list_integrations(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> Result<Json<Value>, ApiError> {
    let all = state.store.list_integrations(None).await?;
    let visible: Vec<Value> = all
        .iter()
        .filter(|i| viewer.leads_team(i.team_id))
        .map(|i| json!({"id": i.public_id, "team_id": i.team_id, "source": i.source, "name": i.name, "ingest_path": format!("/api/v1/ingest/{}", i.public_id)}))
        .collect();
    Ok(Json(json!({ "integrations": visible })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LensRequest {
    pub text: String,
}

/// The language lens for the review editor: text in, findings out. Names of the
/// people directory feed the blame-naming rule.
pub async fn lens(
    State(state): State<AppState>,
    ApiViewer(_viewer): ApiViewer,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: LensRequest = parse_json(&body)?;
    if input.text.len() > 1 << 20 {
        return Err(ApiError::invalid("text", "must be at most 1 MiB"));
    }
    let names: Vec<String> = state
        .store
        .list_people()
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let findings = state.lens.check(input.text, names).await;
    Ok(Json(json!({ "findings": findings })))
}

/// Imports a team's on-call schedule from an iCalendar export (the request body,
/// `text/calendar`). Leads of the team and admins.
pub async fn import_schedule(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let team = state
        .store
        .team(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
    if !viewer.leads_team(id) {
        return Err(ApiError::Forbidden(
            "only the team's leads and admins may import its schedule".into(),
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::Malformed("body: not UTF-8 text; send the .ics file as text/calendar".into())
    })?;
    let done = service::import_schedule(&state.store, &team, text)
        .await
        .map_err(service_error)?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(&done).map_err(|e| ApiError::Internal(e.to_string()))?),
    ))
}

pub async fn team_shifts(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let team = visible_team(&state, &viewer, id).await?;
    let period = period(&q)?;
    let shifts = state
        .store
        .shifts(
            team.id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    // Anyone rostered is named, member of the team or not (a schedule may lend
    // people from elsewhere).
    let people: std::collections::HashMap<i64, String> = state
        .store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let fmt = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    Ok(Json(json!({
        "team": team_json(&team),
        "shifts": shifts.iter().map(|s| json!({
            "person_id": s.person_id,
            "name": people.get(&s.person_id),
            "start": fmt(s.starts_at),
            "end": fmt(s.ends_at),
            "source": s.source,
        })).collect::<Vec<_>>(),
    })))
}

/// Pages for a team that nobody could be found for, newest first (leads and admins).
pub async fn team_unattributed(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let team = state
        .store
        .team(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
    if !viewer.leads_team(id) {
        return Err(ApiError::Forbidden(format!(
            "team {id}'s pages are for its leads and admins"
        )));
    }
    let period = period(&q)?;
    let pages = state
        .store
        .unattributed(
            team.id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    let fmt = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    Ok(Json(json!({
        "team": team_json(&team),
        "pages": pages.iter().map(|n| json!({"at": fmt(n.at), "source": n.source, "incident_key": n.incident_key})).collect::<Vec<_>>(),
    })))
}
