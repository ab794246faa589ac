//! `/api/v1/me/feeds`: one's calendar feeds (secret URLs of on-call time for calendar
//! apps): make one, list them, revoke one.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use aftercare_app::feeds::{self, FeedInput, FeedView, NewFeed};
use aftercare_store::FeedId;

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedList {
    pub feeds: Vec<FeedView>,
}

#[utoipa::path(get, path = "/me/feeds", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = FeedList), Refusals))]
/// One's calendar feeds (their secrets are shown only when made).
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<FeedList>, ApiError> {
    Ok(Json(FeedList {
        feeds: feeds::list_own(&state.store, &actor).await?,
    }))
}

#[utoipa::path(post, path = "/me/feeds", tag = "me", security(("bearer" = [])),
    request_body = FeedInput,
    responses((status = 201, body = NewFeed), Refusals))]
/// Make a calendar feed of one's own shifts, a rotation or a team: the answer's `path`
/// (after the server's address) is the URL to subscribe to, shown this once.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<NewFeed>), ApiError> {
    let input: FeedInput = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(feeds::create(&state.store, &actor, &input).await?),
    ))
}

#[utoipa::path(delete, path = "/me/feeds/{id}", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The feed's id")),
    responses((status = 204, description = "Revoked"), Refusals))]
/// Revoke a feed: its URL stops answering.
pub async fn revoke(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<FeedId>,
) -> Result<StatusCode, ApiError> {
    feeds::revoke(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
