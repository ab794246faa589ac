//! `/api/v1/teams`: teams, members, burden, schedule, shifts, the unattributed
//! pages and the audit log.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use aftercare_app::{burden, pages, schedule, teams};
use aftercare_store::{PersonId, TeamId};

use super::{Ids, Ids2, PeriodQuery, Q, json};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, parse_json};

pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Value>, ApiError> {
    let visible = teams::list(&state.store, &actor).await?;
    Ok(Json(json!({
        "teams": visible.iter().map(teams::TeamView::from).collect::<Vec<_>>()
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamName {
    pub name: String,
}

pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let right = actor.admin()?;
    let input: TeamName = parse_json(&body)?;
    let team = teams::create(&state.store, &actor, &right, &input.name).await?;
    Ok((StatusCode::CREATED, json(&teams::TeamView::from(&team))?))
}

pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<Json<Value>, ApiError> {
    json(&teams::detail(&state.store, &actor, id).await?)
}

pub async fn rename(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: TeamName = parse_json(&body)?;
    let team = teams::rename(&state.store, &actor, id, &input.name).await?;
    json(&teams::TeamView::from(&team))
}

pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    teams::delete(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
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
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input: SetMember = parse_json(&body)?;
    let change = teams::set_member(
        &state.store,
        &actor,
        id,
        &input.email,
        input.role.as_deref().unwrap_or(""),
    )
    .await?;
    let status = match change.outcome {
        teams::MemberOutcome::Added => StatusCode::OK,
        teams::MemberOutcome::Proposed => StatusCode::ACCEPTED,
    };
    Ok((status, json(&change)?))
}

pub async fn remove_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids2(id, person): Ids2<TeamId, PersonId>,
) -> Result<StatusCode, ApiError> {
    teams::remove_member(&state.store, &actor, id, person).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn burden(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = q.period()?;
    json(&burden::team_burden_for(&state.store, &actor, id, period).await?)
}

/// Imports a team's on-call schedule from an iCalendar export (the request body,
/// `text/calendar`). Leads of the team and admins.
pub async fn import_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let team = teams::visible(&state.store, &actor, id).await?;
    let right = actor.lead(id, "import its schedule")?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::Malformed("body: not UTF-8 text; send the .ics file as text/calendar".into())
    })?;
    let done = schedule::import_schedule(&state.store, &right, &team, text).await?;
    Ok((StatusCode::CREATED, json(&done)?))
}

pub async fn shifts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = q.period()?;
    json(&schedule::team_shifts(&state.store, &actor, id, period).await?)
}

/// Pages for a team that nobody on it could be found for, newest first, with whom
/// the sender named (leads and admins).
pub async fn unattributed(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = q.period()?;
    json(&pages::unattributed(&state.store, &actor, id, period).await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub limit: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    actor.lead(id, "read its audit log")?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 1000"));
    }
    let entries = state.store.audit_log(Some(id), limit).await?;
    Ok(Json(json!({
        "entries": entries.iter().map(|e| json!({
            "at": jiff::Timestamp::from_millisecond(e.at).ok(),
            "actor": e.actor, "action": e.action, "subject": e.subject, "detail": e.detail,
        })).collect::<Vec<_>>()
    })))
}
