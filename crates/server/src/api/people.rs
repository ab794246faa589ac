//! `/api/v1/people`: the directory, a person's settings, identities, burden and
//! the pages behind it, invites and the lifecycle.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use aftercare_app::burden::{self, PersonSummary};
use aftercare_app::pages;
use aftercare_app::people::{self, PersonPatch};
use aftercare_app::validate::PersonInput;
use aftercare_store::PersonId;

use super::{Ids, PeriodQuery, Q, json};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, parse_json};

pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Value>, ApiError> {
    let people = people::directory(&state.store, &actor).await?;
    Ok(Json(
        json!({ "people": people.iter().map(PersonSummary::from).collect::<Vec<_>>() }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    #[serde(flatten)]
    pub person: PersonInput,
    #[serde(default)]
    pub team: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
    Ok((
        StatusCode::CREATED,
        json(&people::PersonSettings::from(&person))?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<Json<Value>, ApiError> {
    json(&people::detail(&state.store, &actor, id).await?)
}

pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: PersonPatch = parse_json(&body)?;
    json(&people::update(&state.store, &actor, id, patch).await?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityBody {
    pub kind: String,
    pub external_id: String,
}

pub async fn link_identity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: IdentityBody = parse_json(&body)?;
    json(&people::link_identity(&state.store, &actor, id, &input.kind, &input.external_id).await?)
}

pub async fn remove_identity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input: IdentityBody = parse_json(&body)?;
    let left =
        people::remove_identity(&state.store, &actor, id, &input.kind, &input.external_id).await?;
    Ok(Json(json!({ "identities": left })))
}

pub async fn burden(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<Value>, ApiError> {
    let period = q.period()?;
    let person = people::visible(&state.store, &actor, id).await?;
    let b = burden::person_burden(&state.store, &person, period).await?;
    #[derive(Serialize)]
    struct Out<'a> {
        person: PersonSummary,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
        #[serde(flatten)]
        burden: &'a aftercare_burden::Burden,
    }
    json(&Out {
        person: PersonSummary::from(&person),
        from: period.from(),
        to: period.to(),
        burden: &b,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct PagesQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only pages of this category: `sleep`, `off` or `business`.
    pub category: Option<String>,
    /// Only pages on this local date (YYYY-MM-DD).
    pub date: Option<String>,
    /// Only the pages of this heatmap cell (YYYY-MM-DD): sleep-hour ones under
    /// the night they disturbed, the others under their local date.
    pub day: Option<String>,
}

/// The pages behind a person's figures: each with its local time, category,
/// incident title, source and a link to the sender where there is one.
pub async fn pages(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    Q(q): Q<PagesQuery>,
) -> Result<Json<Value>, ApiError> {
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
    json(&pages::person_pages(&state.store, &actor, id, period, &filter).await?)
}

pub async fn invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
        Json(
            json!({ "person_id": link.person_id, "email": link.email, "url": url, "expires_at": link.expires_at, "emailed": emailed }),
        ),
    ))
}

pub async fn deactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    people::deactivate(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reactivate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    people::reactivate(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn erase(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
) -> Result<StatusCode, ApiError> {
    let right = actor.admin()?;
    people::erase(&state.store, &actor, &right, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
