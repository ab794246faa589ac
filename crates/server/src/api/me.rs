//! `/api/v1/me`: the caller's own account, password, tokens and team invitations.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use aftercare_app::people::{PersonSettings, TeamRoleView};
use aftercare_app::{accounts, teams};
use aftercare_store::{TeamId, TokenId};

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, parse_json};

pub async fn me(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Value>, ApiError> {
    let (memberships, pending) = match actor.person_id() {
        Some(id) => (
            state.store.memberships(id).await?,
            state.store.pending_memberships(id).await?,
        ),
        None => (vec![], vec![]),
    };
    let view = |id: TeamId, name: &str, role| TeamRoleView {
        id,
        name: name.to_string(),
        role,
    };
    Ok(Json(json!({
        "person": actor.person().map(PersonSettings::from),
        "is_admin": actor.is_admin(),
        "teams": memberships.iter().map(|m| view(m.team.id, &m.team.name, m.role)).collect::<Vec<_>>(),
        "pending_teams": pending.iter().map(|m| view(m.team.id, &m.team.name, m.role)).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let input: PasswordChange = parse_json(&body)?;
    accounts::change_password(
        &state.store,
        &actor,
        &input.current_password,
        &input.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    pub label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input: NewTokenBody = parse_json(&body)?;
    let made = accounts::create_own_token(&state.store, &actor, &input.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": made.id, "token": made.token, "label": input.label.trim() })),
    ))
}

pub async fn list_tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Value>, ApiError> {
    let owner = actor.owner()?;
    let tokens = state.store.tokens_of(owner).await?;
    Ok(Json(json!({
        "tokens": tokens.iter().map(|t| json!({
            "id": t.id, "label": t.label,
            "created_at": jiff::Timestamp::from_millisecond(t.created_at).ok(),
        })).collect::<Vec<_>>()
    })))
}

pub async fn delete_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TokenId>,
) -> Result<StatusCode, ApiError> {
    let owner = actor.owner()?;
    if state.store.delete_token_of(owner, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("token {id} of yours")))
    }
}

pub async fn accept_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<StatusCode, ApiError> {
    teams::answer_proposal(&state.store, &actor, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn decline_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<StatusCode, ApiError> {
    teams::answer_proposal(&state.store, &actor, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
