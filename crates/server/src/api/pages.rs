//! `/api/v1/pages`: what can be done to one page (notification).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use aftercare_app::pages;
use aftercare_store::{NotificationId, PersonId};

use super::Ids;
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// Who the sender meant: a member of the page's team.
    pub person_id: PersonId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Claimed {
    /// Earlier unattributed pages that named the same identity, now the person's (this page
    /// included).
    pub reattributed: u64,
}

#[utoipa::path(post, path = "/pages/{id}/claim", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The unattributed page's id")),
    request_body = ClaimBody,
    responses((status = 200, body = Claimed), Refusals))]
/// "This is ...": links the identity an unattributed page named to a member of its team,
/// and so re-attributes every earlier page from it (the team's leads, admins). An identity
/// someone else holds is a 409; only an admin moves it.
pub async fn claim(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<NotificationId>,
    body: Bytes,
) -> Result<Json<Claimed>, ApiError> {
    let input: ClaimBody = parse_json(&body)?;
    let linked = pages::claim(&state.store, &actor, id, input.person_id).await?;
    Ok(Json(Claimed {
        reattributed: linked.reattributed,
    }))
}
