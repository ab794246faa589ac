//! `/api/v1/incidents`: incidents and the people in them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::incidents::{self, IncidentDetail, IncidentEdit, IncidentInput, IncidentList};
use aftercare_store::{IncidentId, PersonId, TeamId};

use super::{Ids, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    /// Only this team's incidents.
    pub team: Option<String>,
    /// RFC 3339 instant with offset, a date, or a span before `to` (`30d`); default 90 days before `to`.
    pub from: Option<String>,
    /// RFC 3339 instant with offset, or a date; default now. Incidents started in [from, to).
    pub to: Option<String>,
}

/// An instant as typed in a body, read here so a bad one names its field.
fn instant(field: &str, s: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse::<Timestamp>().map(Some).map_err(|_| {
            ApiError::invalid(
                field,
                format!("{s:?} is not an RFC 3339 instant with an offset (2026-03-04T22:00:00Z)"),
            )
        }),
    }
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[utoipa::path(get, path = "/incidents", tag = "incidents", security(("bearer" = [])),
    params(IncidentQuery),
    responses((status = 200, body = IncidentList), Refusals))]
/// Incidents started in the period that the caller may see (their teams', those they are
/// in; all, for admins), newest first.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Q(q): Q<IncidentQuery>,
) -> Result<Json<IncidentList>, ApiError> {
    let period = aftercare_app::burden::parse_period(q.from.as_deref(), q.to.as_deref())?;
    let team = match q.team.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(t.parse::<TeamId>().map_err(|_| {
            ApiError::invalid("team", format!("{t:?} is not a team id (a whole number)"))
        })?),
    };
    Ok(Json(
        incidents::list(&state.store, &actor, team, period).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentBody {
    pub title: String,
    /// The team it is for (one you are in; admins: any, or none).
    pub team: Option<TeamId>,
    /// As your organisation names it (SEV1, P2, critical).
    pub severity: Option<String>,
    /// RFC 3339; default now.
    pub started_at: Option<String>,
    /// RFC 3339, when it is already over.
    pub resolved_at: Option<String>,
}

#[utoipa::path(post, path = "/incidents", tag = "incidents", security(("bearer" = [])),
    request_body = NewIncidentBody,
    responses((status = 201, body = IncidentDetail), Refusals))]
/// Make an incident by hand; you become its incident lead.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<IncidentDetail>), ApiError> {
    let b: NewIncidentBody = parse_json(&body)?;
    let input = IncidentInput {
        title: b.title,
        team: b.team,
        severity: b.severity,
        started_at: instant("started_at", b.started_at.as_deref())?,
        resolved_at: instant("resolved_at", b.resolved_at.as_deref())?,
    };
    let made = incidents::create(&state.store, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The incident's id")),
    responses((status = 200, body = IncidentDetail), Refusals))]
/// One incident, with its participants and each one's time engaged.
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<IncidentId>,
) -> Result<Json<IncidentDetail>, ApiError> {
    Ok(Json(incidents::detail(&state.store, &actor, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentPatch {
    pub title: Option<String>,
    /// `""` clears it.
    pub severity: Option<String>,
    /// RFC 3339 to mark it resolved then; `null` to reopen it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub resolved_at: Option<Option<String>>,
}

#[utoipa::path(patch, path = "/incidents/{id}", tag = "incidents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The incident's id")),
    request_body = IncidentPatch,
    responses((status = 200, body = IncidentDetail), Refusals))]
/// Change an incident's title, severity or resolution (its team's leads, its incident
/// lead, admins); absent fields keep their value.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<IncidentId>,
    body: Bytes,
) -> Result<Json<IncidentDetail>, ApiError> {
    let b: IncidentPatch = parse_json(&body)?;
    let edit = IncidentEdit {
        title: b.title,
        severity: b.severity,
        resolved_at: match b.resolved_at {
            None => None,
            Some(r) => Some(instant("resolved_at", r.as_deref())?),
        },
    };
    Ok(Json(
        incidents::update(&state.store, &actor, id, &edit).await?,
    ))
}

#[utoipa::path(delete, path = "/incidents/{id}", tag = "incidents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The incident's id")),
    responses((status = 204, description = "Deleted; its pages stay"), Refusals))]
/// Delete an incident (its team's leads, its incident lead, admins). Its pages stay.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<IncidentId>,
) -> Result<StatusCode, ApiError> {
    incidents::delete(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantBody {
    /// Who; absent means yourself.
    pub person_id: Option<PersonId>,
    /// responder, incident_lead, communications, investigator, review_facilitator or
    /// other_affected.
    pub role: String,
}

#[utoipa::path(post, path = "/incidents/{id}/participants", tag = "incidents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The incident's id")),
    request_body = ParticipantBody,
    responses((status = 201, body = IncidentDetail), Refusals))]
/// Add someone to an incident in a role: yourself, if you see it; anyone, for its team's
/// leads, its incident lead and admins. Already there in that role: 409.
pub async fn add_participant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<IncidentId>,
    body: Bytes,
) -> Result<(StatusCode, Json<IncidentDetail>), ApiError> {
    let b: ParticipantBody = parse_json(&body)?;
    let role = incidents::role(&b.role)?;
    let detail = incidents::add_participant(&state.store, &actor, id, b.person_id, role).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRef {
    pub person_id: PersonId,
    pub role: String,
}

#[utoipa::path(delete, path = "/incidents/{id}/participants", tag = "incidents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The incident's id")),
    request_body = ParticipantRef,
    responses((status = 200, body = IncidentDetail), Refusals))]
/// Remove one role of someone in an incident: yourself, or anyone for those who manage it.
pub async fn remove_participant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<IncidentId>,
    body: Bytes,
) -> Result<Json<IncidentDetail>, ApiError> {
    let b: ParticipantRef = parse_json(&body)?;
    let role = incidents::role(&b.role)?;
    Ok(Json(
        incidents::remove_participant(&state.store, &actor, id, b.person_id, role).await?,
    ))
}
