//! `aftercare serve`: the JSON API, the server-rendered web UI (askama + vendored
//! htmx, no build step), webhook ingest, health and metrics. Holds no state that
//! matters in memory: sessions and everything else live in the store, so any number
//! of processes can serve one PostgreSQL database behind a load balancer.

pub mod api;
pub mod auth;
pub mod error;
pub mod ingest;
pub mod lens;
pub mod manage;
pub mod openapi;
pub mod org;
pub mod service;
pub mod validate;
pub mod web;

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use aftercare_store::Store;

pub use error::ApiError;
pub use ingest::IngestQueue;

/// Settings of one server process; everything else comes from the database.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Mark session cookies `Secure` (set when served over HTTPS, as in production
    /// behind a TLS-terminating load balancer).
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub ingest: IngestQueue,
    pub config: ServerConfig,
    pub metrics: PrometheusHandle,
    pub lens: lens::LensCache,
}

/// The Prometheus recorder is process-global; tests start many servers in one
/// process, so it is installed once and shared.
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder().handle())
        })
        .clone()
}

impl AppState {
    /// Must be called inside a Tokio runtime (it starts the ingest writer).
    pub fn new(store: Store, config: ServerConfig) -> AppState {
        AppState {
            ingest: IngestQueue::start(store.clone()),
            store,
            config,
            metrics: metrics_handle(),
            lens: lens::LensCache::default(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/me", get(api::me))
        .route("/people", get(api::list_people).post(api::create_person))
        .route(
            "/people/{id}",
            get(api::get_person).patch(api::update_person),
        )
        .route("/people/{id}/identities", post(api::set_identity))
        .route("/people/{id}/burden", get(api::person_burden))
        .route("/teams", get(api::list_teams).post(api::create_team))
        .route("/teams/{id}", get(api::get_team))
        .route("/teams/{id}/members", post(api::set_member))
        .route("/teams/{id}/burden", get(api::team_burden))
        .route("/teams/{id}/schedule", post(api::import_schedule))
        .route("/teams/{id}/shifts", get(api::team_shifts))
        .route("/teams/{id}/unattributed", get(api::team_unattributed))
        .route(
            "/integrations",
            get(api::list_integrations).post(api::create_integration),
        )
        .route("/lens", post(api::lens))
        .route("/openapi.json", get(openapi::document))
        // PagerDuty guarantees delivery up to 55 KB and drops payloads over 256 KB;
        // 1 MiB leaves room for every source without inviting abuse.
        .route(
            "/ingest/{integration}",
            post(ingest::ingest).layer(DefaultBodyLimit::max(1 << 20)),
        )
        .fallback(api::not_found);
    Router::new()
        .nest("/api/v1", api)
        .merge(web::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn(track_requests))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("aftercare_http_requests_total", "method" => method.clone(), "path" => path.clone(), "status" => status).increment(1);
    metrics::histogram!("aftercare_http_request_duration_seconds", "method" => method, "path" => path).record(started.elapsed().as_secs_f64());
    response
}

/// Serves until `shutdown` resolves, then stops taking connections and lets the
/// requests under way finish (graceful shutdown).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
