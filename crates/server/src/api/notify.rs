//! `/api/v1/me/inbox`, `/me/pause`, `/me/channels`: one's own messages, pausing
//! every message in one call, and where messages go. Owner only: what Aftercare
//! tells a person is theirs alone.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aftercare_app::channels::{self, ChannelSettings};
use aftercare_app::notify;
use aftercare_store::InboxMessageId;

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    pub id: InboxMessageId,
    pub title: String,
    pub body: String,
    /// A path in Aftercare.
    pub link: Option<String>,
    pub created_at: Option<jiff::Timestamp>,
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    pub messages: Vec<InboxItem>,
    pub unread: usize,
}

pub(crate) const INBOX_LIMIT: i64 = 200;

#[utoipa::path(get, path = "/me/inbox", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Inbox), Refusals))]
/// One's own messages, newest first (the last 200).
pub async fn inbox(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Inbox>, ApiError> {
    let owner = actor.owner()?;
    let messages: Vec<InboxItem> = state
        .store
        .inbox(owner, INBOX_LIMIT)
        .await?
        .into_iter()
        .map(|m| InboxItem {
            id: m.id,
            title: m.title,
            body: m.body,
            link: m.link,
            created_at: jiff::Timestamp::from_millisecond(m.created_at).ok(),
            read: m.read_at.is_some(),
        })
        .collect();
    let unread = messages.iter().filter(|m| !m.read).count();
    Ok(Json(Inbox { messages, unread }))
}

#[utoipa::path(post, path = "/me/inbox/{id}/read", tag = "me", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The message's id")),
    responses((status = 204, description = "Marked read"), Refusals))]
/// Mark one of one's own messages read.
pub async fn mark_read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<InboxMessageId>,
) -> Result<StatusCode, ApiError> {
    let owner = actor.owner()?;
    let now = jiff::Timestamp::now().as_millisecond();
    if state.store.mark_inbox_read(owner, id, now).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("message {id} of yours")))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseBody {
    /// RFC 3339 instant the pause ends; `null` or absent: until you resume.
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PauseView {
    pub paused: bool,
    pub since: Option<jiff::Timestamp>,
    /// `null` while paused: until you resume.
    pub until: Option<jiff::Timestamp>,
}

#[utoipa::path(get, path = "/me/pause", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = PauseView), Refusals))]
/// Whether one's messages are paused, and until when.
pub async fn get_pause(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<PauseView>, ApiError> {
    let pause = notify::current_pause(&state.store, &actor).await?;
    let ts = |ms: i64| jiff::Timestamp::from_millisecond(ms).ok();
    Ok(Json(PauseView {
        paused: pause.is_some(),
        since: pause.and_then(|p| ts(p.paused_at)),
        until: pause.and_then(|p| p.until).and_then(ts),
    }))
}

#[utoipa::path(post, path = "/me/pause", tag = "me", security(("bearer" = [])),
    request_body = PauseBody,
    responses((status = 204, description = "Paused: nothing is sent until then"), Refusals))]
/// Pause every check-in, nudge and reminder, at once, until `until` or for good.
pub async fn pause(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let input: PauseBody = parse_json(&body)?;
    let until = match input.until.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(s.parse::<jiff::Timestamp>().map_err(|e| {
            ApiError::invalid(
                "until",
                format!("must be an RFC 3339 instant with offset: {e}"),
            )
        })?),
    };
    notify::pause(&state.store, &actor, until).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/me/pause", tag = "me", security(("bearer" = [])),
    responses((status = 204, description = "Resumed; what came due while paused is not sent"), Refusals))]
/// Resume messages. Nothing held back arrives as a backlog.
pub async fn resume(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<StatusCode, ApiError> {
    notify::resume(&state.store, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/me/channels", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = ChannelSettings), Refusals))]
/// Where one's messages go besides the inbox.
pub async fn get_channels(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ChannelSettings>, ApiError> {
    let owner = actor.owner()?;
    Ok(Json(channels::channels_of(&state.store, owner).await?))
}

#[utoipa::path(put, path = "/me/channels", tag = "me", security(("bearer" = [])),
    request_body = ChannelSettings,
    responses((status = 204, description = "Saved"), Refusals))]
/// Choose one's channels: email, a Slack direct message, one's own webhook.
pub async fn set_channels(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let owner = actor.owner()?;
    let input: ChannelSettings = parse_json(&body)?;
    channels::set_channels(&state.store, owner, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
