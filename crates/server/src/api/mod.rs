//! The JSON API under `/api/v1`, one module per resource. Scripts authenticate with
//! `Authorization: Bearer TOKEN`; the web UI's session cookie works too, with a
//! CSRF token on writes. Handlers only translate: the use-cases live in
//! `aftercare-app`.

mod care;
mod cover;
mod drills;
mod feeds;
mod incidents;
mod integrations;
mod lens;
mod me;
mod newcomers;
mod notify;

pub(crate) use notify::INBOX_LIMIT;
mod holidays;
mod org;
mod pages;
mod people;
mod rest;
mod rotations;
mod schedules;
mod teams;
mod time_off;

use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::get;
use serde::Deserialize;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use aftercare_burden::Period;

use crate::AppState;
use crate::error::ApiError;
use crate::routes::Routes;

/// The API's description: its operations come from the handlers' annotations
/// as they are registered below, their schemas from the types they take and
/// return.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Aftercare API",
        description = "Incident response for the humans. Authenticate with `Authorization: Bearer TOKEN` (a personal token from `POST /me/tokens`, or `aftercare token create`)."
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags(
        (name = "me", description = "One's own account, tokens and team invitations"),
        (name = "people", description = "People, their settings, identities, burden and pages"),
        (name = "teams", description = "Teams, members, burden, schedules and audit"),
        (name = "incidents", description = "Incidents and the people in them"),
        (name = "care", description = "Care after incidents: one's own check-ins, trend, journal and peer support (owner only), support resources, a team's care settings and pulse"),
        (name = "rotations", description = "Rotations: who carries a team's pager when, and the rotation's health"),
        (name = "schedules", description = "Schedules: rotations in layers, primary and secondary, follow the sun"),
        (name = "integrations", description = "Where pages come from"),
        (name = "ingest", description = "Webhook deliveries from paging tools"),
        (name = "lens", description = "The language lens for reviews")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// A route with a body limit of its own (schedules and webhook deliveries).
fn limited(
    (schemas, paths, router): UtoipaMethodRouter<AppState>,
    limit: usize,
) -> UtoipaMethodRouter<AppState> {
    (schemas, paths, router.layer(DefaultBodyLimit::max(limit)))
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<ApiDoc as utoipa::OpenApi>::openapi())
        .routes(routes!(me::me))
        .routes(routes!(me::change_password))
        .routes(routes!(me::list_tokens, me::create_token))
        .routes(routes!(me::delete_token))
        .routes(routes!(me::accept_team))
        .routes(routes!(me::decline_team))
        .routes(routes!(notify::inbox))
        .routes(routes!(notify::mark_read))
        .routes(routes!(notify::get_pause, notify::pause, notify::resume))
        .routes(routes!(notify::get_channels, notify::set_channels))
        .routes(routes!(care::list_checkins))
        .routes(routes!(care::get_checkin, care::reply_checkin))
        .routes(routes!(care::talk))
        .routes(routes!(care::trends))
        .routes(routes!(
            care::read_journal,
            care::write_journal,
            care::delete_journal
        ))
        .routes(routes!(care::open_journal))
        .routes(routes!(care::journal_guide))
        .routes(routes!(care::delete_entry))
        .routes(routes!(care::export_journal))
        .routes(routes!(care::change_passphrase))
        .routes(routes!(care::support_overview, care::set_support))
        .routes(routes!(care::reached_out))
        .routes(routes!(care::checklists))
        .routes(routes!(care::mark_checklist))
        .routes(routes!(care::list_resources, care::add_resource))
        .routes(routes!(care::delete_resource))
        .routes(routes!(care::get_care, care::set_care))
        .routes(routes!(care::add_measure, care::remove_measure))
        .routes(routes!(care::team_pulse))
        .routes(routes!(care::person_record))
        .routes(routes!(people::list, people::create))
        .routes(routes!(people::get, people::update, people::erase))
        .routes(routes!(people::invite))
        .routes(routes!(people::deactivate))
        .routes(routes!(people::reactivate))
        .routes(routes!(people::link_identity, people::remove_identity))
        .routes(routes!(people::burden))
        .routes(routes!(people::pages))
        .routes(routes!(teams::list, teams::create))
        .routes(routes!(teams::get, teams::rename, teams::delete))
        .routes(routes!(teams::set_member))
        .routes(routes!(teams::remove_member))
        .routes(routes!(teams::burden))
        .routes(routes!(teams::what_wakes))
        .routes(limited(
            routes!(teams::import_schedule),
            crate::SCHEDULE_LIMIT,
        ))
        .routes(routes!(teams::shifts))
        .routes(routes!(teams::unattributed))
        .routes(routes!(teams::audit))
        .routes(routes!(pages::claim))
        .routes(routes!(incidents::list, incidents::create))
        .routes(routes!(
            incidents::get,
            incidents::update,
            incidents::delete
        ))
        .routes(routes!(
            incidents::add_participant,
            incidents::remove_participant
        ))
        .routes(routes!(org::overview))
        .routes(routes!(org::org))
        .routes(routes!(integrations::list, integrations::create))
        .routes(routes!(
            integrations::get,
            integrations::update,
            integrations::delete
        ))
        .routes(routes!(integrations::set_secret))
        .routes(routes!(rotations::create))
        .routes(routes!(rotations::of_team))
        .routes(routes!(
            rotations::get,
            rotations::update,
            rotations::delete
        ))
        .routes(routes!(rotations::on_call))
        .routes(routes!(rotations::health))
        .routes(limited(routes!(rotations::import), crate::SCHEDULE_LIMIT))
        .routes(routes!(rotations::propose, rotations::proposals_of))
        .routes(routes!(rotations::proposal))
        .routes(routes!(rotations::accept))
        .routes(routes!(rotations::discard))
        .routes(routes!(schedules::create))
        .routes(routes!(schedules::of_team))
        .routes(routes!(
            schedules::get,
            schedules::update,
            schedules::delete
        ))
        .routes(routes!(schedules::on_call))
        .routes(routes!(schedules::spans))
        .routes(limited(
            routes!(holidays::import, holidays::list),
            crate::SCHEDULE_LIMIT,
        ))
        .routes(limited(
            routes!(holidays::get, holidays::replace, holidays::delete),
            crate::SCHEDULE_LIMIT,
        ))
        .routes(routes!(holidays::of_rotation, holidays::set_for_rotation))
        .routes(routes!(rest::list_own))
        .routes(routes!(rest::set_taken))
        .routes(routes!(rest::policy, rest::set_policy))
        .routes(routes!(drills::schedule, drills::list))
        .routes(routes!(drills::record))
        .routes(routes!(drills::delete))
        .routes(routes!(newcomers::add, newcomers::list))
        .routes(routes!(newcomers::change, newcomers::remove))
        .routes(routes!(newcomers::add_shadow))
        .routes(routes!(newcomers::remove_shadow))
        .routes(routes!(feeds::list, feeds::create))
        .routes(routes!(feeds::revoke))
        .routes(routes!(time_off::list, time_off::add))
        .routes(routes!(time_off::update, time_off::remove))
        .routes(routes!(time_off::team))
        .routes(routes!(time_off::collisions))
        .routes(routes!(cover::request, cover::requests))
        .routes(routes!(cover::take))
        .routes(routes!(cover::withdraw))
        .routes(routes!(cover::add_override, cover::overrides))
        .routes(routes!(cover::remove_override))
        .routes(routes!(lens::check))
        // PagerDuty guarantees delivery up to 55 KB and drops payloads over 256 KB;
        // 1 MiB leaves room for every source without inviting abuse.
        .routes(limited(routes!(crate::ingest::ingest), 1 << 20))
}

/// The OpenAPI document, built once from the same calls as the router.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let (_, mut doc) = documented().split_for_parts();
        doc.paths.paths.insert(
            "/openapi.json".into(),
            utoipa::openapi::PathItem::new(
                utoipa::openapi::HttpMethod::Get,
                utoipa::openapi::path::OperationBuilder::new()
                    .summary(Some("This document"))
                    .response(
                        "200",
                        utoipa::openapi::ResponseBuilder::new().description("OpenAPI 3.1"),
                    ),
            ),
        );
        doc
    })
}

pub fn routes() -> Routes {
    let (router, doc) = documented().split_for_parts();
    let paths: Vec<String> = doc.paths.paths.keys().cloned().collect();
    Routes::from_parts(router, paths)
        .route("/openapi.json", get(document))
        .fallback(not_found)
}

async fn document() -> axum::Json<&'static utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint; see /api/v1/openapi.json".into())
}

/// `from`/`to` of a period; errors name the field, in our JSON shape.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// RFC 3339 instant with offset, a date (UTC midnight), or a span before `to` (`30d`, `12w`, `24h`); default: 90 days before `to`.
    pub from: Option<String>,
    /// RFC 3339 instant with offset, or a date; default: now. The period is [from, to).
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
