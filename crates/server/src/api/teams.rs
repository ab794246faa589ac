//! `/api/v1/teams`: teams, members, burden, schedule, shifts, the unattributed
//! pages and the audit log.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::{burden, pages, schedule, teams};
use aftercare_store::{PersonId, TeamId};

use super::{Ids, Ids2, PeriodQuery, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamList {
    pub teams: Vec<teams::TeamView>,
}

/// One change to a team's roles, memberships or integrations, and who made it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub at: Option<jiff::Timestamp>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditLog {
    pub entries: Vec<AuditView>,
}

#[utoipa::path(get, path = "/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, body = TeamList), Refusals))]
/// The teams the caller may see.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<TeamList>, ApiError> {
    let visible = teams::list(&state.store, &actor).await?;
    Ok(Json(TeamList {
        teams: visible.iter().map(teams::TeamView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamName {
    pub name: String,
}

#[utoipa::path(post, path = "/teams", tag = "teams", security(("bearer" = [])),
    request_body = TeamName,
    responses((status = 201, body = teams::TeamView), Refusals))]
/// Create a team (admins).
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<teams::TeamView>), ApiError> {
    let right = actor.admin()?;
    let input: TeamName = parse_json(&body)?;
    let team = teams::create(&state.store, &actor, &right, &input.name).await?;
    Ok((StatusCode::CREATED, Json(teams::TeamView::from(&team))))
}

#[utoipa::path(get, path = "/teams/{id}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 200, body = teams::TeamDetail), Refusals))]
/// A team and its members.
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<Json<teams::TeamDetail>, ApiError> {
    Ok(Json(teams::detail(&state.store, &actor, id).await?))
}

#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body = TeamName,
    responses((status = 200, body = teams::TeamView), Refusals))]
/// Rename a team (its leads, admins).
pub async fn rename(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<Json<teams::TeamView>, ApiError> {
    let input: TeamName = parse_json(&body)?;
    let team = teams::rename(&state.store, &actor, id, &input.name).await?;
    Ok(Json(teams::TeamView::from(&team)))
}

#[utoipa::path(delete, path = "/teams/{id}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 204, description = "Deleted; its members' pages stay in their own history"), Refusals))]
/// Delete a team (admins).
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    teams::delete(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMember {
    pub email: String,
    #[serde(default)]
    pub role: Option<String>,
}

#[utoipa::path(post, path = "/teams/{id}/members", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body = SetMember,
    responses(
        (status = 200, body = teams::MemberChange, description = "Added or role changed (admins)"),
        (status = 202, body = teams::MemberChange, description = "Proposed: waits for the person's acceptance (leads)"),
        Refusals))]
/// Add a member or set their role. An admin's change is in force at once; a
/// lead's waits until the person accepts it.
pub async fn set_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<(StatusCode, Json<teams::MemberChange>), ApiError> {
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
    Ok((status, Json(change)))
}

#[utoipa::path(delete, path = "/teams/{id}/members/{person}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), ("person" = i64, Path, description = "The person's id")),
    responses((status = 204, description = "Removed"), Refusals))]
/// Remove a member from a team (its leads, admins).
pub async fn remove_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids2(id, person): Ids2<TeamId, PersonId>,
) -> Result<StatusCode, ApiError> {
    teams::remove_member(&state.store, &actor, id, person).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/teams/{id}/burden", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), PeriodQuery),
    responses((status = 200, body = burden::TeamBurden), Refusals))]
/// Each member's burden and the team's spread (its leads, admins). Pages count
/// in the team they were paged for.
pub async fn burden(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<burden::TeamBurden>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        burden::team_burden_for(&state.store, &actor, id, period).await?,
    ))
}

#[utoipa::path(get, path = "/teams/{id}/what-wakes", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), PeriodQuery),
    responses((status = 200, body = aftercare_app::wakes::WakesReport), Refusals))]
/// What wakes the team's people (its leads, admins): alert sources ranked by the sleep
/// and off-hours interruptions they started, with how often each needed no action.
pub async fn what_wakes(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<aftercare_app::wakes::WakesReport>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        aftercare_app::wakes::what_wakes(&state.store, &actor, id, period).await?,
    ))
}

/// Imports a team's on-call schedule from an iCalendar export (the request body,
/// `text/calendar`). Leads of the team and admins.
#[utoipa::path(post, path = "/teams/{id}/schedule", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body(content = String, content_type = "text/calendar", description = "An iCalendar export of the team's on-call schedule"),
    responses((status = 201, body = schedule::ImportedSchedule), Refusals))]
/// Import the team's on-call schedule from an iCalendar export: all shifts or none.
pub async fn import_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<(StatusCode, Json<schedule::ImportedSchedule>), ApiError> {
    let team = teams::visible(&state.store, &actor, id).await?;
    let right = actor.lead(id, "import its schedule")?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::Malformed("body: not UTF-8 text; send the .ics file as text/calendar".into())
    })?;
    let done = schedule::import_schedule(&state.store, &right, &team, text).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[utoipa::path(get, path = "/teams/{id}/shifts", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), PeriodQuery),
    responses((status = 200, body = schedule::TeamShifts), Refusals))]
/// The team's on-call shifts in [from, to).
pub async fn shifts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<schedule::TeamShifts>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        schedule::team_shifts(&state.store, &actor, id, period).await?,
    ))
}

/// Pages for a team that nobody on it could be found for, newest first, with whom
/// the sender named (leads and admins).
#[utoipa::path(get, path = "/teams/{id}/unattributed", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), PeriodQuery),
    responses((status = 200, body = pages::Unattributed), Refusals))]
/// Pages for the team that nobody could be found for, newest first, with whom
/// the sender named (its leads, admins).
pub async fn unattributed(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<pages::Unattributed>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        pages::unattributed(&state.store, &actor, id, period).await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// How many entries, newest first: 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/teams/{id}/audit", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), AuditQuery),
    responses((status = 200, body = AuditLog), Refusals))]
/// Who changed the team's roles, memberships and integrations, newest first.
pub async fn audit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<AuditQuery>,
) -> Result<Json<AuditLog>, ApiError> {
    actor.lead(id, "read its audit log")?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 1000"));
    }
    let entries = state.store.audit_log(Some(id), limit).await?;
    Ok(Json(AuditLog {
        entries: entries
            .into_iter()
            .map(|e| AuditView {
                at: jiff::Timestamp::from_millisecond(e.at).ok(),
                actor: e.actor,
                action: e.action,
                subject: e.subject,
                detail: e.detail,
            })
            .collect(),
    }))
}
