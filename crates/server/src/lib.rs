//! `aftercare serve`: the JSON API, the server-rendered web UI (askama + vendored
//! htmx, no build step), webhook ingest, health and metrics. Holds no state that
//! matters in memory: sessions and everything else live in the store, so any number
//! of processes can serve one PostgreSQL database behind a load balancer.

pub mod api;
pub mod auth;
pub mod error;
pub mod ingest;
pub mod lens;
pub mod routes;
pub mod web;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use aftercare_store::Store;

pub use error::ApiError;
pub use ingest::IngestQueue;

/// Settings of one server process; everything else comes from the database.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark cookies `Secure` and send HSTS (set when served over HTTPS, as in
    /// production behind a TLS-terminating load balancer).
    pub secure_cookies: bool,
    /// The address people reach Aftercare at, for links in invites and emails
    /// (`AFTERCARE_PUBLIC_URL`), without a trailing slash.
    pub public_url: String,
    /// Trust the first `X-Forwarded-For` hop as the client's address (only behind
    /// a load balancer that sets it).
    pub trust_proxy: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            trust_proxy: false,
        }
    }
}

impl ServerConfig {
    /// Settings for a public URL: https means secure cookies and HSTS.
    pub fn for_public_url(url: &str) -> ServerConfig {
        let public_url = url.trim_end_matches('/').to_string();
        ServerConfig {
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            trust_proxy: false,
        }
    }
}

/// Calendars a year or two ahead run to a few MB; 8 MiB leaves room without
/// inviting abuse (the parser also bounds nesting and counts).
pub const SCHEDULE_LIMIT: usize = 8 << 20;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub ingest: IngestQueue,
    pub config: ServerConfig,
    pub metrics: PrometheusHandle,
    pub lens: lens::LensCache,
    /// Single sign-on, when an OpenID provider is configured.
    pub oidc: Option<Arc<aftercare_oidc::OidcClient>>,
    /// Outgoing email (invites, password resets), when a mail server is configured.
    pub mailer: Option<aftercare_mail::Mailer>,
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
            oidc: None,
            mailer: None,
        }
    }

    /// Signs people in with this OpenID provider too.
    pub fn with_oidc(mut self, client: aftercare_oidc::OidcClient) -> AppState {
        self.oidc = Some(Arc::new(client));
        self
    }

    /// Sends invites and password resets through this mail server.
    pub fn with_mailer(mut self, mailer: aftercare_mail::Mailer) -> AppState {
        self.mailer = Some(mailer);
        self
    }
}

/// Every route the server answers, with the paths it was built from.
fn routes() -> routes::Routes {
    routes::Routes::new()
        .nest("/api/v1", api::routes())
        .merge(web::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// The paths of every route, as registered (`{id}` for a path parameter).
pub fn route_paths() -> Vec<String> {
    routes().paths().to_vec()
}

pub fn router(state: AppState) -> Router {
    let secure = state.config.secure_cookies;
    routes()
        .into_router()
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(track_requests))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(middleware::from_fn(move |req, next| {
            security_headers(secure, req, next)
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Headers every answer carries: no framing (clickjacking), no MIME sniffing, no
/// referrer leaking ids, a Content-Security-Policy that allows only our own
/// scripts and styles, and HSTS when served over HTTPS (OWASP's HTTP Headers
/// Cheat Sheet).
async fn security_headers(secure: bool, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, axum::http::HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    set(h, "x-frame-options", "DENY");
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    if secure {
        set(h, "strict-transport-security", "max-age=31536000");
    }
    response
}

/// Errors that axum or tower answer by themselves (a body over the limit, a
/// timeout, a method not allowed) come as plain text; under `/api` they are
/// rewritten to the documented JSON shape so every client sees one shape.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::TooLarge("the body is larger than this endpoint accepts".into())
        }
        StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::NotFound("this method on this path; see /api/v1/openapi.json".into())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::Malformed("body: send JSON (Content-Type: application/json)".into())
        }
        s if s.is_server_error() => ApiError::Internal(format!("status {s}")),
        _ => ApiError::Malformed(format!("request refused ({status})")),
    };
    let mut out = error.into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        *out.status_mut() = status;
    }
    out
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
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
