//! The JSON API under `/api/v1`, one module per resource. Scripts authenticate with
//! `Authorization: Bearer TOKEN`; the web UI's session cookie works too, with a
//! CSRF token on writes. Handlers only translate: the use-cases live in
//! `aftercare-app`.

mod integrations;
mod lens;
mod me;
mod people;
mod teams;

use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, post};
use serde::Deserialize;

use aftercare_burden::Period;

use crate::error::ApiError;
use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .route("/me", get(me::me))
        .route("/me/password", post(me::change_password))
        .route("/me/tokens", get(me::list_tokens).post(me::create_token))
        .route("/me/tokens/{id}", axum::routing::delete(me::delete_token))
        .route("/me/teams/{id}/accept", post(me::accept_team))
        .route("/me/teams/{id}/decline", post(me::decline_team))
        .route("/people", get(people::list).post(people::create))
        .route(
            "/people/{id}",
            get(people::get).patch(people::update).delete(people::erase),
        )
        .route("/people/{id}/invite", post(people::invite))
        .route("/people/{id}/deactivate", post(people::deactivate))
        .route("/people/{id}/reactivate", post(people::reactivate))
        .route(
            "/people/{id}/identities",
            post(people::link_identity).delete(people::remove_identity),
        )
        .route("/people/{id}/burden", get(people::burden))
        .route("/people/{id}/pages", get(people::pages))
        .route("/teams", get(teams::list).post(teams::create))
        .route(
            "/teams/{id}",
            get(teams::get).patch(teams::rename).delete(teams::delete),
        )
        .route("/teams/{id}/members", post(teams::set_member))
        .route(
            "/teams/{id}/members/{person}",
            axum::routing::delete(teams::remove_member),
        )
        .route("/teams/{id}/burden", get(teams::burden))
        .route(
            "/teams/{id}/schedule",
            post(teams::import_schedule).layer(DefaultBodyLimit::max(crate::SCHEDULE_LIMIT)),
        )
        .route("/teams/{id}/shifts", get(teams::shifts))
        .route("/teams/{id}/unattributed", get(teams::unattributed))
        .route("/teams/{id}/audit", get(teams::audit))
        .route(
            "/integrations",
            get(integrations::list).post(integrations::create),
        )
        .route(
            "/integrations/{id}",
            get(integrations::get)
                .patch(integrations::update)
                .delete(integrations::delete),
        )
        .route("/integrations/{id}/secret", post(integrations::set_secret))
        .route("/lens", post(lens::check))
        .route("/openapi.json", get(crate::openapi::document))
        // PagerDuty guarantees delivery up to 55 KB and drops payloads over 256 KB;
        // 1 MiB leaves room for every source without inviting abuse.
        .route(
            "/ingest/{integration}",
            post(crate::ingest::ingest).layer(DefaultBodyLimit::max(1 << 20)),
        )
        .fallback(not_found)
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint; see /api/v1/openapi.json".into())
}

/// `from`/`to` of a period; errors name the field, in our JSON shape.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl PeriodQuery {
    pub fn period(&self) -> Result<Period, ApiError> {
        Ok(aftercare_app::burden::parse_period(
            self.from.as_deref(),
            self.to.as_deref(),
        )?)
    }
}

/// A query string read into `T`, refusing with our error shape (naming the
/// parameter) instead of axum's plain-text rejection.
pub struct Q<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query).map(Q).map_err(|e| {
            let msg = e.to_string();
            let field = msg.split('`').nth(1).unwrap_or("query").to_string();
            ApiError::invalid(field, format!("query string: {msg}"))
        })
    }
}

/// Path ids read into typed ids, refusing with our error shape (a bad id is a
/// 400 naming it, not axum's plain-text rejection).
pub struct Ids<T>(pub T);

async fn raw_params<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<Vec<String>, ApiError> {
    let raw = axum::extract::RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound("no such path".into()))?;
    Ok(raw.iter().map(|(_, v)| v.to_string()).collect())
}

fn parse_id<T: std::str::FromStr>(value: &str) -> Result<T, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::invalid("id", format!("{value:?} is not an id (a whole number)")))
}

impl<T: std::str::FromStr + Send, S: Send + Sync> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = raw_params(parts, state).await?;
        let first = params
            .first()
            .ok_or_else(|| ApiError::NotFound("no such path".into()))?;
        Ok(Ids(parse_id(first)?))
    }
}

/// Two path ids, in order.
pub struct Ids2<A, B>(pub A, pub B);

impl<A: std::str::FromStr + Send, B: std::str::FromStr + Send, S: Send + Sync> FromRequestParts<S>
    for Ids2<A, B>
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = raw_params(parts, state).await?;
        match params.as_slice() {
            [a, b, ..] => Ok(Ids2(parse_id(a)?, parse_id(b)?)),
            _ => Err(ApiError::NotFound("no such path".into())),
        }
    }
}

/// Renders a typed value as JSON, mapping a serialiser failure to our shape.
pub fn json<T: serde::Serialize>(value: &T) -> Result<axum::Json<serde_json::Value>, ApiError> {
    serde_json::to_value(value)
        .map(axum::Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}
