//! Request authentication, per source.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;
use subtle::ConstantTimeEq;

use crate::{Headers, Source, mac};

/// How far `webhook-timestamp` may be from `now`, in either direction.
///
/// Five minutes is the tolerance of the Standard Webhooks specification
/// (`standard-webhooks/standard-webhooks`, `spec/standard-webhooks.md`) and of
/// its reference libraries: long enough for clock skew and a slow retry queue,
/// short enough that a captured request cannot be replayed later. Deliveries
/// that are retried later are re-signed with a fresh timestamp.
pub const STANDARD_WEBHOOKS_TOLERANCE_SECS: i64 = 5 * 60;

const PAGERDUTY_SIGNATURE: &str = "X-PagerDuty-Signature";
const WEBHOOK_ID: &str = "webhook-id";
const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
const WEBHOOK_SIGNATURE: &str = "webhook-signature";
const FH_SIGNATURE: &str = "fh-signature";
const AUTHORIZATION: &str = "Authorization";

/// Why a request was not accepted as coming from the integration's sender.
///
/// Every variant except [`AuthError::Secret`] is the caller's fault (401);
/// `Secret` means the integration itself is misconfigured (a 500, and worth
/// an alert), because no request could ever pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing `{header}` header")]
    MissingHeader { header: &'static str },
    #[error("malformed `{header}` header: {reason}")]
    MalformedHeader {
        header: &'static str,
        reason: &'static str,
    },
    #[error("`{header}` does not match: {reason}")]
    Mismatch {
        header: &'static str,
        reason: &'static str,
    },
    /// The signature is valid but the signed timestamp is more than
    /// [`STANDARD_WEBHOOKS_TOLERANCE_SECS`] away from `now`: a replay, or a
    /// clock that is badly off on one side.
    #[error(
        "`{header}` is {} s in the {}, beyond the {tolerance_secs} s tolerance",
        (now - timestamp).unsigned_abs(),
        if *timestamp > *now { "future" } else { "past" }
    )]
    StaleTimestamp {
        header: &'static str,
        timestamp: i64,
        now: i64,
        tolerance_secs: i64,
    },
    #[error("the integration's secret is unusable: {0}")]
    Secret(#[from] SecretError),
}

impl AuthError {
    /// The header the error is about, if any.
    pub fn header(&self) -> Option<&'static str> {
        match self {
            AuthError::MissingHeader { header }
            | AuthError::MalformedHeader { header, .. }
            | AuthError::Mismatch { header, .. }
            | AuthError::StaleTimestamp { header, .. } => Some(header),
            AuthError::Secret(_) => None,
        }
    }
}

/// A secret that cannot authenticate anything for its source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// An empty secret would let `Authorization: Bearer ` (or an HMAC keyed
    /// with nothing) through, so it is refused outright.
    #[error("it is empty")]
    Empty,
    #[error(
        "an incident.io signing secret is `whsec_` followed by base64, as shown in incident.io's webhook settings"
    )]
    NotStandardWebhooks,
    /// Senders put a bearer secret in an HTTP header, which cannot carry
    /// control or non-ASCII characters and loses surrounding spaces, so such
    /// a secret could never match.
    #[error(
        "a secret sent as `Authorization: Bearer` must be printable ASCII with no leading or trailing spaces"
    )]
    NotHeaderSafe,
}

/// Checks that `secret` can be used for `source`, so `aftercare integration
/// create --secret` can refuse a bad one instead of every delivery failing.
pub fn check_secret(source: Source, secret: &str) -> Result<(), SecretError> {
    match source {
        Source::IncidentIo => standard_webhooks_key(secret).map(drop),
        _ if secret.is_empty() => Err(SecretError::Empty),
        Source::Opsgenie | Source::Alertmanager | Source::GrafanaOnCall => {
            bearer_secret(secret).map(drop)
        }
        Source::PagerDuty | Source::FireHydrant => Ok(()),
    }
}

fn bearer_secret(secret: &str) -> Result<&str, SecretError> {
    if secret.is_empty() {
        Err(SecretError::Empty)
    } else if secret.bytes().all(|b| (b' '..=b'~').contains(&b)) && secret.trim() == secret {
        Ok(secret)
    } else {
        Err(SecretError::NotHeaderSafe)
    }
}

/// The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`.
/// The prefix is optional, as in the Svix and Standard Webhooks libraries.
pub(crate) fn standard_webhooks_key(secret: &str) -> Result<Vec<u8>, SecretError> {
    let encoded = secret.trim();
    let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
    if encoded.is_empty() {
        return Err(SecretError::Empty);
    }
    match BASE64.decode(encoded) {
        Ok(key) if !key.is_empty() => Ok(key),
        Ok(_) => Err(SecretError::Empty),
        Err(_) => Err(SecretError::NotStandardWebhooks),
    }
}

/// Verifies that a request comes from `source`'s sender, holding `secret`.
///
/// * PagerDuty: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`,
///   HMAC-SHA256 of the raw body; several values appear during secret
///   rotation and any one may match.
/// * incident.io: Standard Webhooks. `webhook-signature: v1,<base64> ...`
///   (space-separated) is HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`
///   keyed with the base64-decoded secret after `whsec_`. The timestamp must
///   be within [`STANDARD_WEBHOOKS_TOLERANCE_SECS`] (5 minutes, the Standard
///   Webhooks spec's tolerance) of `now`, past or future. It is checked after
///   the signature, so [`AuthError::StaleTimestamp`] is only ever reported for
///   a genuine request, where it points at a replay or a skewed clock.
/// * FireHydrant: `fh-signature: <hex>`, HMAC-SHA256 of the raw body.
/// * Opsgenie, Alertmanager, Grafana OnCall sign nothing; each is configured
///   to send `Authorization: Bearer <secret>`.
///
/// All comparisons are constant-time. `body` must be the raw bytes as
/// received: any re-encoding breaks the signature.
pub fn verify(
    source: Source,
    secret: &str,
    headers: &dyn Headers,
    body: &[u8],
    now: Timestamp,
) -> Result<(), AuthError> {
    match source {
        Source::PagerDuty => verify_pagerduty(nonempty(secret)?, headers, body),
        Source::IncidentIo => verify_standard_webhooks(secret, headers, body, now),
        Source::FireHydrant => verify_firehydrant(nonempty(secret)?, headers, body),
        Source::Opsgenie | Source::Alertmanager | Source::GrafanaOnCall => {
            verify_bearer(bearer_secret(secret)?, headers)
        }
    }
}

fn nonempty(secret: &str) -> Result<&str, SecretError> {
    if secret.is_empty() {
        Err(SecretError::Empty)
    } else {
        Ok(secret)
    }
}

fn required<'h>(headers: &'h dyn Headers, header: &'static str) -> Result<&'h str, AuthError> {
    match headers.header(header).map(str::trim) {
        None | Some("") => Err(AuthError::MissingHeader { header }),
        Some(value) => Ok(value),
    }
}

/// True if any candidate equals `expected`. Every candidate is compared, in
/// constant time, so timing says nothing about which one (if any) matched.
fn any_matches(expected: &[u8; 32], candidates: &[Vec<u8>]) -> bool {
    candidates
        .iter()
        .fold(subtle::Choice::from(0), |acc, c| {
            acc | expected.as_slice().ct_eq(c)
        })
        .into()
}

fn verify_pagerduty(secret: &str, headers: &dyn Headers, body: &[u8]) -> Result<(), AuthError> {
    let header = PAGERDUTY_SIGNATURE;
    let value = required(headers, header)?;
    // Entries other than `v1=` are ignored: PagerDuty may add schemes, and an
    // unknown one must not make a request with a valid v1 fail.
    let candidates: Vec<Vec<u8>> = value
        .split(',')
        .filter_map(|entry| entry.trim().strip_prefix("v1="))
        .filter_map(|hex_sig| hex::decode(hex_sig.trim()).ok())
        .filter(|sig| sig.len() == 32)
        .collect();
    if candidates.is_empty() {
        return Err(AuthError::MalformedHeader {
            header,
            reason: "expected `v1=<64 hex digits>`, comma-separated",
        });
    }
    let expected = mac::hmac_sha256(secret.as_bytes(), &[body]);
    if any_matches(&expected, &candidates) {
        Ok(())
    } else {
        Err(AuthError::Mismatch {
            header,
            reason: "no v1 signature matches the body (wrong secret, or the body was altered)",
        })
    }
}

fn verify_firehydrant(secret: &str, headers: &dyn Headers, body: &[u8]) -> Result<(), AuthError> {
    let header = FH_SIGNATURE;
    let value = required(headers, header)?;
    let sig = match hex::decode(value) {
        Ok(sig) if sig.len() == 32 => sig,
        _ => {
            return Err(AuthError::MalformedHeader {
                header,
                reason: "expected 64 hex digits (HMAC-SHA256 of the body)",
            });
        }
    };
    let expected = mac::hmac_sha256(secret.as_bytes(), &[body]);
    if any_matches(&expected, &[sig]) {
        Ok(())
    } else {
        Err(AuthError::Mismatch {
            header,
            reason: "the signature does not match the body (wrong secret, or the body was altered)",
        })
    }
}

fn verify_standard_webhooks(
    secret: &str,
    headers: &dyn Headers,
    body: &[u8],
    now: Timestamp,
) -> Result<(), AuthError> {
    let key = standard_webhooks_key(secret)?;
    let id = required(headers, WEBHOOK_ID)?;
    let ts_text = required(headers, WEBHOOK_TIMESTAMP)?;
    // Digits only: the signed content holds the header text, and a sign or
    // spaces would let two spellings of one time both verify.
    let timestamp = match ts_text.parse::<i64>() {
        Ok(ts) if ts_text.bytes().all(|b| b.is_ascii_digit()) => ts,
        _ => {
            return Err(AuthError::MalformedHeader {
                header: WEBHOOK_TIMESTAMP,
                reason: "expected whole seconds since the Unix epoch",
            });
        }
    };
    let sig_text = required(headers, WEBHOOK_SIGNATURE)?;
    // Versions other than v1 (for example v1a, asymmetric) are skipped, as the
    // spec asks, so a sender can list several.
    let candidates: Vec<Vec<u8>> = sig_text
        .split_ascii_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .filter_map(|(_, sig)| BASE64.decode(sig).ok())
        .collect();
    if candidates.is_empty() {
        return Err(AuthError::MalformedHeader {
            header: WEBHOOK_SIGNATURE,
            reason: "expected `v1,<base64>` entries, space-separated",
        });
    }
    let expected = mac::hmac_sha256(&key, &[id.as_bytes(), b".", ts_text.as_bytes(), b".", body]);
    if !any_matches(&expected, &candidates) {
        return Err(AuthError::Mismatch {
            header: WEBHOOK_SIGNATURE,
            reason: "no v1 signature matches `webhook-id`.`webhook-timestamp`.body (wrong secret, or the request was altered)",
        });
    }
    let now = now.as_second();
    if (now - timestamp).abs() > STANDARD_WEBHOOKS_TOLERANCE_SECS {
        return Err(AuthError::StaleTimestamp {
            header: WEBHOOK_TIMESTAMP,
            timestamp,
            now,
            tolerance_secs: STANDARD_WEBHOOKS_TOLERANCE_SECS,
        });
    }
    Ok(())
}

fn verify_bearer(secret: &str, headers: &dyn Headers) -> Result<(), AuthError> {
    let header = AUTHORIZATION;
    let value = required(headers, header)?;
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or(AuthError::MalformedHeader {
            header,
            reason: "expected `Bearer <integration secret>`",
        })?;
    // Comparing digests keeps the comparison constant-time in the secret's
    // length too, which a plain slice comparison would reveal.
    if mac::sha256(token.as_bytes())
        .ct_eq(&mac::sha256(secret.as_bytes()))
        .into()
    {
        Ok(())
    } else {
        Err(AuthError::Mismatch {
            header,
            reason: "the bearer token is not this integration's secret",
        })
    }
}
