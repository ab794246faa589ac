//! `/api/v1/people`: the directory, a person's settings, identities, burden and
//! the pages behind it, invites and the lifecycle.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use aftercare_app::burden::{self, PersonSummary};
use aftercare_app::pages;
use aftercare_app::people::{
    self, IdentityLinked, IdentityView, PersonDetail, PersonPatch, PersonSettings, Updated,
};
use aftercare_app::validate::PersonInput;
use aftercare_store::PersonId;

use super::{Ids, PeriodQuery, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleList {
    pub people: Vec<PersonSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Identities {
    pub identities: Vec<IdentityView>,
}

/// A person's burden over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonBurden {
    pub person: PersonSummary,
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    #[serde(flatten)]
    pub burden: aftercare_burden::Burden,
}

/// An invite: the link to pass on (also emailed when the server sends email).
#[derive(Debug, Serialize, ToSchema)]
pub struct Invite {
    pub person_id: PersonId,
    pub email: String,
    pub url: String,
    pub expires_at: jiff::Timestamp,
    /// Whether the link was also sent by email.
    pub emailed: bool,
}

#[utoipa::path(get, path = "/people", tag = "people", security(("bearer" = [])),
    responses((status = 200, body = PeopleList), Refusals))]
/// The people directory: names, emails and time zones of everyone.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<PeopleList>, ApiError> {
    let people = people::directory(&state.store, &actor).await?;
    Ok(Json(PeopleList {
        people: people.iter().map(PersonSummary::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    #[serde(flatten)]
    pub person: PersonInput,
    #[serde(default)]
    pub team: Option<String>,
}

#[utoipa::path(post, path = "/people", tag = "people", security(("bearer" = [])),
    request_body = CreatePerson,
    responses((status = 201, body = PersonSettings), Refusals))]
/// Add a person (admins), optionally to a team by name.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<PersonSettings>), ApiError> {
    let right = actor.admin()?;
    let input: CreatePerson = parse_json(&body)?;
    let person = people::create(
        &state.store,
        &actor,
        &right,
        &input.person,
        input.team.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(PersonSettings::from(&person))))
}

#[utoipa::path(get, path = "/people/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    responses((status = 200, body = PersonDetail), Refusals))]
/// A person's settings, identities and teams (themselves, their leads, admins).
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<Json<PersonDetail>, ApiError> {
    Ok(Json(people::detail(&state.store, &actor, id).await?))
}

#[utoipa::path(patch, path = "/people/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    request_body = PersonPatch,
    responses((status = 200, body = Updated), Refusals))]
/// Change a person's name, time zone, working days and hours, or sleep window
/// (themselves or an admin); absent fields keep their value.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    body: Bytes,
) -> Result<Json<Updated>, ApiError> {
    let patch: PersonPatch = parse_json(&body)?;
    Ok(Json(people::update(&state.store, &actor, id, patch).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityBody {
    /// pagerduty, opsgenie, grafana-oncall, incident-io, firehydrant or email.
    pub kind: String,
    pub external_id: String,
}

#[utoipa::path(post, path = "/people/{id}/identities", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    request_body = IdentityBody,
    responses((status = 200, body = IdentityLinked), Refusals))]
/// Link a paging tool's id to a person; earlier pages naming it are re-attributed.
/// An identity held by someone else is a 409 (only an admin moves it).
pub async fn link_identity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    body: Bytes,
) -> Result<Json<IdentityLinked>, ApiError> {
    let input: IdentityBody = parse_json(&body)?;
    Ok(Json(
        people::link_identity(&state.store, &actor, id, &input.kind, &input.external_id).await?,
    ))
}

#[utoipa::path(delete, path = "/people/{id}/identities", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    request_body = IdentityBody,
    responses((status = 200, body = Identities), Refusals))]
/// Remove an identity from a person; returns the ones left.
pub async fn remove_identity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    body: Bytes,
) -> Result<Json<Identities>, ApiError> {
    let input: IdentityBody = parse_json(&body)?;
    let left =
        people::remove_identity(&state.store, &actor, id, &input.kind, &input.external_id).await?;
    Ok(Json(Identities { identities: left }))
}

#[utoipa::path(get, path = "/people/{id}/burden", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id"), PeriodQuery),
    responses((status = 200, body = PersonBurden), Refusals))]
/// A person's interruptions by category, disrupted nights and longest streak.
pub async fn burden(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<PersonBurden>, ApiError> {
    let period = q.period()?;
    let person = people::visible(&state.store, &actor, id).await?;
    let b = burden::person_burden(&state.store, &person, period).await?;
    Ok(Json(PersonBurden {
        person: PersonSummary::from(&person),
        from: period.from(),
        to: period.to(),
        burden: b,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PagesQuery {
    /// RFC 3339 instant with offset, or a date (UTC midnight); default: 90 days before `to`.
    pub from: Option<String>,
    /// RFC 3339 instant with offset, or a date; default: now. The period is [from, to).
    pub to: Option<String>,
    /// Only pages of this category: `sleep`, `off` or `business`.
    pub category: Option<String>,
    /// Only pages on this local date (YYYY-MM-DD).
    pub date: Option<String>,
    /// Only the pages of this heatmap cell (YYYY-MM-DD): sleep-hour ones under
    /// the night they disturbed, the others under their local date.
    pub day: Option<String>,
}

#[utoipa::path(get, path = "/people/{id}/pages", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id"), PagesQuery),
    responses((status = 200, body = pages::PersonPages), Refusals))]
/// The pages behind a person's figures: each with its local time, category,
/// incident title, source and a link to the sender where there is one.
pub async fn pages(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    Q(q): Q<PagesQuery>,
) -> Result<Json<pages::PersonPages>, ApiError> {
    let period = PeriodQuery {
        from: q.from.clone(),
        to: q.to.clone(),
    }
    .period()?;
    let filter = pages::PageFilter::parse_with_day(
        q.category.as_deref(),
        q.date.as_deref(),
        q.day.as_deref(),
    )?;
    Ok(Json(
        pages::person_pages(&state.store, &actor, id, period, &filter).await?,
    ))
}

#[utoipa::path(post, path = "/people/{id}/invite", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    responses((status = 201, body = Invite), Refusals))]
/// A link that lets the person choose a password once (admins, their leads).
pub async fn invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<(StatusCode, Json<Invite>), ApiError> {
    let person = people::visible(&state.store, &actor, id).await?;
    let (link, emailed) = aftercare_app::mail::invite(
        &state.store,
        state.mailer.as_ref(),
        &state.config.public_url,
        &actor,
        &person,
    )
    .await?;
    let url = format!("{}{}", state.config.public_url, link.path);
    Ok((
        StatusCode::CREATED,
        Json(Invite {
            person_id: link.person_id,
            email: link.email,
            url,
            expires_at: link.expires_at,
            emailed,
        }),
    ))
}

#[utoipa::path(post, path = "/people/{id}/deactivate", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    responses((status = 204, description = "Deactivated: their sessions and tokens have ended"), Refusals))]
/// End a person's access at once (admins); their history stays.
pub async fn deactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    people::deactivate(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/people/{id}/reactivate", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    responses((status = 204, description = "Reactivated"), Refusals))]
/// Let a deactivated person sign in again (admins).
pub async fn reactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    people::reactivate(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/people/{id}", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id")),
    responses((status = 204, description = "Erased"), Refusals))]
/// Erase a person on request (admins): their account and what identifies them.
pub async fn erase(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    people::erase(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
