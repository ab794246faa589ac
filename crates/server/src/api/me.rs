//! `/api/v1/me`: the caller's own account, password, tokens and team invitations.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aftercare_app::people::{PersonSettings, TeamRoleView};
use aftercare_app::{accounts, teams};
use aftercare_store::{TeamId, TokenId};

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

/// Who is calling: their settings (none for an admin token), and their teams.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub person: Option<PersonSettings>,
    pub is_admin: bool,
    pub teams: Vec<TeamRoleView>,
    /// Teams a lead proposed to add them to, waiting for their answer.
    pub pending_teams: Vec<TeamRoleView>,
}

#[utoipa::path(get, path = "/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Me), Refusals))]
/// Who the token or session belongs to, and their teams.
pub async fn me(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Me>, ApiError> {
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
    Ok(Json(Me {
        person: actor.person().map(PersonSettings::from),
        is_admin: actor.is_admin(),
        teams: memberships
            .iter()
            .map(|m| view(m.team.id, &m.team.name, m.role))
            .collect(),
        pending_teams: pending
            .iter()
            .map(|m| view(m.team.id, &m.team.name, m.role))
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/me/password", tag = "me", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204, description = "Changed; the caller's other sessions have ended"), Refusals))]
/// Change one's own password, given the current one (own session or own token only).
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    pub label: String,
}

/// A new token: shown once, here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: TokenId,
    pub token: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: TokenId,
    pub label: String,
    pub created_at: Option<jiff::Timestamp>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
}

#[utoipa::path(post, path = "/me/tokens", tag = "me", security(("bearer" = [])),
    request_body = NewTokenBody,
    responses((status = 201, body = CreatedToken), Refusals))]
/// Make a personal API token that acts as the caller (own session or own token only).
pub async fn create_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let input: NewTokenBody = parse_json(&body)?;
    let made = accounts::create_own_token(&state.store, &actor, &input.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: made.id,
            token: made.token,
            label: input.label.trim().to_string(),
        }),
    ))
}

#[utoipa::path(get, path = "/me/tokens", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = TokenList), Refusals))]
/// One's own personal tokens, newest first (never their values).
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<TokenList>, ApiError> {
    let owner = actor.owner()?;
    let tokens = state.store.tokens_of(owner).await?;
    Ok(Json(TokenList {
        tokens: tokens
            .iter()
            .map(|t| TokenView {
                id: t.id,
                label: t.label.clone(),
                created_at: jiff::Timestamp::from_millisecond(t.created_at).ok(),
            })
            .collect(),
    }))
}

#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Delete one of one's own tokens.
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

#[utoipa::path(post, path = "/me/teams/{id}/accept", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 204, description = "Joined"), Refusals))]
/// Accept a lead's proposal to join their team.
pub async fn accept_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<StatusCode, ApiError> {
    teams::answer_proposal(&state.store, &actor, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/me/teams/{id}/decline", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 204, description = "Declined"), Refusals))]
/// Decline a lead's proposal to join their team.
pub async fn decline_team(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<StatusCode, ApiError> {
    teams::answer_proposal(&state.store, &actor, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
