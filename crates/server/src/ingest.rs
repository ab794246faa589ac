//! Page ingest by webhook: verify, parse, attribute, then store the raw payload, the
//! normalised event and its notifications in one transaction before answering 2xx.
//!
//! Deliveries are committed in groups by one writer task: each request waits for
//! the commit that holds its delivery, so durability costs one fsync per group
//! rather than one per request, and no 2xx leaves before its delivery is on disk.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use aftercare_app::attribution::notifications_for;
use aftercare_store::{DeliveryOutcome, NewDelivery, Store};
use aftercare_webhooks::{Headers, Source};

use crate::AppState;
use crate::error::ApiError;

/// The most deliveries one commit takes; beyond this a group waits for the next.
const MAX_GROUP: usize = 256;

struct Job {
    delivery: NewDelivery,
    reply: oneshot::Sender<Result<DeliveryOutcome, String>>,
}

/// The handle request handlers use to reach the group-commit writer.
#[derive(Clone)]
pub struct IngestQueue {
    tx: mpsc::Sender<Job>,
}

impl IngestQueue {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store) -> IngestQueue {
        let (tx, rx) = mpsc::channel(4 * MAX_GROUP);
        tokio::spawn(write_groups(store, rx));
        IngestQueue { tx }
    }

    pub async fn submit(&self, delivery: NewDelivery) -> Result<DeliveryOutcome, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { delivery, reply })
            .await
            .map_err(|_| ApiError::Internal("ingest writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| ApiError::Internal("ingest writer dropped a delivery".into()))?
            .map_err(ApiError::Internal)
    }
}

async fn write_groups(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_GROUP);
    while rx.recv_many(&mut jobs, MAX_GROUP).await > 0 {
        let (deliveries, replies): (Vec<NewDelivery>, Vec<_>) =
            jobs.drain(..).map(|j| (j.delivery, j.reply)).unzip();
        metrics::histogram!("aftercare_ingest_group_size").record(deliveries.len() as f64);
        match store.record_deliveries(&deliveries).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            // One bad delivery must not sink its whole group: retry each alone so
            // only the faulty one fails.
            Err(_) if deliveries.len() > 1 => {
                for (reply, d) in replies.into_iter().zip(&deliveries) {
                    let result = store
                        .record_deliveries(std::slice::from_ref(d))
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|mut o| o.pop().ok_or_else(|| "no outcome".to_string()));
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
}

/// `http::HeaderMap` seen through the webhook crate's lookup trait.
struct HttpHeaders<'a>(&'a HeaderMap);

impl Headers for HttpHeaders<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.to_str().ok())
    }
}

#[utoipa::path(post, path = "/ingest/{integration}", tag = "ingest",
    params(("integration" = String, Path, description = "The integration's id (int_...), from its ingest path")),
    request_body(content = Object, content_type = "application/json", description = "The sender's own webhook payload"),
    responses(
        (status = 202, body = Object, description = "Stored (raw payload, event and notifications, durably) before this answer"),
        (status = 200, body = Object, description = "A replay of a delivery already stored; nothing stored"),
        (status = 400, body = crate::error::ErrorBody, description = "Malformed body, naming the field"),
        (status = 401, body = crate::error::ErrorBody, description = "Bad or missing signature, stale timestamp, or wrong bearer secret"),
        (status = 403, body = crate::error::ErrorBody, description = "The integration is disabled"),
        (status = 404, body = crate::error::ErrorBody, description = "No such integration"),
        (status = 413, body = crate::error::ErrorBody, description = "Over 1 MiB")))]
/// Receive a webhook delivery from PagerDuty v3, Opsgenie, Alertmanager, Grafana
/// OnCall, incident.io or FireHydrant, authenticated by the sender's signature
/// or bearer secret.
pub async fn ingest(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let result = ingest_inner(&state, &public_id, &headers, &body).await;
    // A refused delivery is shown on the integrations page (a wrong secret is
    // found there, not only in logs).
    if let Err(e @ (ApiError::BadSignature(_) | ApiError::Malformed(_) | ApiError::Forbidden(_))) =
        &result
        && let Ok(Some(integration)) = state.store.integration(&public_id).await
        && let Err(store_error) = state
            .store
            .record_integration_error(integration.id, &e.to_string())
            .await
    {
        tracing::warn!(error = %store_error, "could not record an integration's last error");
    }
    let outcome = match &result {
        Ok((StatusCode::OK, _)) => "duplicate",
        Ok(_) => "stored",
        Err(ApiError::BadSignature(_)) => "unauthorized",
        Err(ApiError::NotFound(_)) => "unknown_integration",
        Err(ApiError::Internal(_)) => "error",
        Err(_) => "malformed",
    };
    metrics::counter!("aftercare_ingest_deliveries_total", "outcome" => outcome).increment(1);
    result
}

async fn ingest_inner(
    state: &AppState,
    public_id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let integration = state
        .store
        .integration(public_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("integration {public_id:?}")))?;
    if !integration.enabled {
        return Err(ApiError::Forbidden(format!(
            "integration {public_id} is switched off; a lead can switch it on again"
        )));
    }
    let source: Source = integration.source.parse().map_err(|_| {
        ApiError::Internal(format!(
            "integration {public_id} has unknown source {:?}",
            integration.source
        ))
    })?;
    if source == Source::PagerDuty && aftercare_webhooks::looks_like_pagerduty_events_v2(body) {
        return Err(ApiError::Malformed(
            "body: this is a PagerDuty Events API v2 event, which is sent *to* PagerDuty, not by it; subscribe a PagerDuty v3 webhook (incident.* events) to this URL instead".into(),
        ));
    }
    let now = jiff::Timestamp::now();
    let hdrs = HttpHeaders(headers);
    aftercare_webhooks::verify(source, &integration.secret, &hdrs, body, now).map_err(
        |e| match e {
            // The integration's own secret is unusable: our misconfiguration, not the sender's.
            aftercare_webhooks::AuthError::Secret(s) => {
                ApiError::Internal(format!("integration {public_id}: secret {s}"))
            }
            other => ApiError::BadSignature(other.to_string()),
        },
    )?;
    let event = aftercare_webhooks::parse_received(source, body, now)
        .map_err(|e| ApiError::Malformed(e.to_string()))?;
    let delivery_id = aftercare_webhooks::delivery_id(source, &hdrs, body);
    let notifications = notifications_for(&state.store, &integration, source, &event).await?;
    let event_json =
        serde_json::to_string(&event).map_err(|e| ApiError::Internal(e.to_string()))?;
    let delivery = NewDelivery {
        integration_id: integration.id,
        delivery_id: delivery_id.clone(),
        received_at: now.as_millisecond(),
        raw: body.to_vec(),
        event_json,
        notifications,
        incident: aftercare_app::attribution::incident_update(&integration, source, &event, body),
    };
    match state.ingest.submit(delivery).await? {
        DeliveryOutcome::Stored { id, notifications } => Ok((
            StatusCode::ACCEPTED,
            Json(
                json!({ "status": "stored", "delivery": id, "delivery_id": delivery_id, "event_type": event.event_type, "notifications": notifications }),
            ),
        )),
        DeliveryOutcome::Duplicate => Ok((
            StatusCode::OK,
            Json(json!({ "status": "duplicate", "delivery_id": delivery_id })),
        )),
    }
}
