//! Producing the headers a real sender would send, for integration tests,
//! benchmarks and `curl` examples. Everything here is the exact inverse of
//! [`verify`](crate::verify) and is tested against the fixtures' published
//! signatures.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;

use crate::verify::standard_webhooks_key;
use crate::{SecretError, Source, mac};

/// `X-PagerDuty-Signature` value: `v1=<hex HMAC-SHA256(secret, body)>`.
pub fn pagerduty_signature(secret: &str, body: &[u8]) -> String {
    format!(
        "v1={}",
        hex::encode(mac::hmac_sha256(secret.as_bytes(), &[body]))
    )
}

/// `fh-signature` value: hex HMAC-SHA256(secret, body), no prefix.
pub fn firehydrant_signature(secret: &str, body: &[u8]) -> String {
    hex::encode(mac::hmac_sha256(secret.as_bytes(), &[body]))
}

/// `webhook-signature` value for Standard Webhooks (incident.io):
/// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, where the key is
/// the base64 after `whsec_` in `secret`.
pub fn standard_webhooks_signature(
    secret: &str,
    webhook_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SecretError> {
    let key = standard_webhooks_key(secret)?;
    let ts = timestamp.to_string();
    let sig = mac::hmac_sha256(
        &key,
        &[webhook_id.as_bytes(), b".", ts.as_bytes(), b".", body],
    );
    Ok(format!("v1,{}", BASE64.encode(sig)))
}

/// `Authorization` value for the senders that do not sign.
pub fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

/// A delivery id derived from the body and time, so repeated calls with the
/// same input agree and different bodies or times get different ids.
pub fn derived_delivery_id(body: &[u8], at: Timestamp) -> String {
    let mut input = at.as_nanosecond().to_be_bytes().to_vec();
    input.extend_from_slice(body);
    hex::encode(&mac::sha256(&input)[..16])
}

/// Every header `source` would send with `body` at `at`, with a delivery id
/// from [`derived_delivery_id`] where the source has a delivery-id header.
///
/// `at` is what incident.io's `webhook-timestamp` says; [`verify`](crate::verify)
/// accepts it within five minutes of its `now`, and only from 1970 on (the
/// header is unsigned seconds).
pub fn headers(
    source: Source,
    secret: &str,
    body: &[u8],
    at: Timestamp,
) -> Result<Vec<(String, String)>, SecretError> {
    let id = match source {
        Source::IncidentIo => format!("msg_{}", derived_delivery_id(body, at)),
        _ => derived_delivery_id(body, at),
    };
    headers_with_id(source, secret, &id, body, at)
}

/// Like [`headers`], with a chosen delivery id (ignored by sources that send
/// none: Opsgenie, Alertmanager, Grafana OnCall, FireHydrant).
pub fn headers_with_id(
    source: Source,
    secret: &str,
    delivery_id: &str,
    body: &[u8],
    at: Timestamp,
) -> Result<Vec<(String, String)>, SecretError> {
    crate::check_secret(source, secret)?;
    let pair = |k: &str, v: String| (k.to_owned(), v);
    let mut out = vec![pair("Content-Type", "application/json".to_owned())];
    match source {
        Source::PagerDuty => {
            out.push(pair(
                "X-PagerDuty-Signature",
                pagerduty_signature(secret, body),
            ));
            out.push(pair("X-Webhook-Id", delivery_id.to_owned()));
        }
        Source::IncidentIo => {
            let ts = at.as_second();
            out.push(pair("webhook-id", delivery_id.to_owned()));
            out.push(pair("webhook-timestamp", ts.to_string()));
            out.push(pair(
                "webhook-signature",
                standard_webhooks_signature(secret, delivery_id, ts, body)?,
            ));
        }
        Source::FireHydrant => {
            out.push(pair("fh-signature", firehydrant_signature(secret, body)));
        }
        Source::Opsgenie | Source::Alertmanager | Source::GrafanaOnCall => {
            out.push(pair("Authorization", bearer(secret)));
        }
    }
    Ok(out)
}
