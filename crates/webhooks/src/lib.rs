//! Pure parsing and verification of the webhooks that tell Aftercare a page
//! landed on someone.
//!
//! Three steps, in the order the ingest handler runs them:
//!
//! 1. [`verify`] checks that the request really comes from the configured
//!    sender (HMAC signatures for PagerDuty, incident.io and FireHydrant, a
//!    shared bearer secret for the senders that cannot sign).
//! 2. [`delivery_id`] names the delivery so a retry can be recognised.
//! 3. [`parse`] (or [`parse_received`]) turns the body into a normalised
//!    [`Event`] with the [`Page`]s it reports: who was paged, when, and on what
//!    basis we believe it.
//!
//! Nothing here does I/O or reads the clock: the caller passes `now` and the
//! receipt time, so every function is deterministic and testable.
//!
//! ```
//! use aftercare_webhooks::{Basis, EventKind, Source, delivery_id, parse_received, signing, verify};
//!
//! let body = br#"{"receiver":"r","status":"firing","groupKey":"{}:{alertname=\"Down\"}",
//!     "alerts":[{"status":"firing","startsAt":"2026-03-12T02:11:58Z"}]}"#;
//! let now: jiff::Timestamp = "2026-03-12T02:12:28Z".parse().unwrap();
//! // What Alertmanager would send with `authorization: {credentials: s3cret}`.
//! let headers = signing::headers(Source::Alertmanager, "s3cret", body, now).unwrap();
//!
//! verify(Source::Alertmanager, "s3cret", &headers, body, now).unwrap();
//! let id = delivery_id(Source::Alertmanager, &headers, body);
//! assert!(id.starts_with("sha256:"));
//! let event = parse_received(Source::Alertmanager, body, now).unwrap();
//! assert_eq!(event.kind, EventKind::Triggered);
//! assert_eq!(event.pages[0].basis, Basis::Unattributed);
//! assert_eq!(event.pages[0].at, now);
//! ```
//!
//! # Pages are facts, and may repeat
//!
//! Some senders repeat what they already told us: an incident.io escalation
//! payload carries the escalation's whole event history, and Grafana OnCall's
//! `notified_users` is cumulative. Such pages are emitted with the time and
//! recipients the payload gives, so the same notification comes out identical
//! from every delivery that mentions it; the store should keep one row per
//! `(incident_key, at, basis, recipient)`.

mod error;
mod json;
mod mac;
mod severity;
mod sources;
mod verify;

pub mod signing;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use error::ParseError;
pub use severity::severity;
pub use verify::{AuthError, STANDARD_WEBHOOKS_TOLERANCE_SECS, SecretError, check_secret, verify};

/// A kind of sender. Each integration has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Source {
    #[serde(rename = "pagerduty")]
    PagerDuty,
    #[serde(rename = "opsgenie")]
    Opsgenie,
    #[serde(rename = "alertmanager")]
    Alertmanager,
    #[serde(rename = "grafana-oncall")]
    GrafanaOnCall,
    #[serde(rename = "incident-io")]
    IncidentIo,
    #[serde(rename = "firehydrant")]
    FireHydrant,
}

impl Source {
    /// Every source, in the order the CLI lists them.
    pub const ALL: [Source; 6] = [
        Source::PagerDuty,
        Source::Opsgenie,
        Source::Alertmanager,
        Source::GrafanaOnCall,
        Source::IncidentIo,
        Source::FireHydrant,
    ];

    /// The stable name used in the CLI, the API, the database and serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::PagerDuty => "pagerduty",
            Source::Opsgenie => "opsgenie",
            Source::Alertmanager => "alertmanager",
            Source::GrafanaOnCall => "grafana-oncall",
            Source::IncidentIo => "incident-io",
            Source::FireHydrant => "firehydrant",
        }
    }

    /// Whether requests from this source carry a signature over the body
    /// (as opposed to a shared `Authorization: Bearer` secret).
    pub const fn signs_body(self) -> bool {
        matches!(
            self,
            Source::PagerDuty | Source::IncidentIo | Source::FireHydrant
        )
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source name that is none of [`Source::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown source `{0}`; expected one of pagerduty, opsgenie, alertmanager, grafana-oncall, incident-io, firehydrant"
)]
pub struct UnknownSource(pub String);

impl FromStr for Source {
    type Err = UnknownSource;

    /// Accepts the names of [`Source::as_str`], ignoring ASCII case and
    /// surrounding whitespace (people type these on the command line).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Source::ALL
            .into_iter()
            .find(|source| source.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownSource(s.to_owned()))
    }
}

/// Read access to request headers, by name, ignoring ASCII case (HTTP header
/// names are case-insensitive). When a header occurs more than once, the
/// first occurrence is returned.
pub trait Headers {
    fn header(&self, name: &str) -> Option<&str>;
}

fn find_pair<'a, K: AsRef<str> + 'a, V: AsRef<str> + 'a>(
    pairs: impl IntoIterator<Item = &'a (K, V)>,
    name: &str,
) -> Option<&'a str> {
    pairs
        .into_iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

impl Headers for [(&str, &str)] {
    fn header(&self, name: &str) -> Option<&str> {
        find_pair(self, name)
    }
}

impl<const N: usize> Headers for [(&str, &str); N] {
    fn header(&self, name: &str) -> Option<&str> {
        find_pair(self, name)
    }
}

impl Headers for Vec<(&str, &str)> {
    fn header(&self, name: &str) -> Option<&str> {
        find_pair(self, name)
    }
}

impl Headers for [(String, String)] {
    fn header(&self, name: &str) -> Option<&str> {
        find_pair(self, name)
    }
}

impl Headers for Vec<(String, String)> {
    fn header(&self, name: &str) -> Option<&str> {
        find_pair(self, name)
    }
}

impl Headers for BTreeMap<String, String> {
    fn header(&self, name: &str) -> Option<&str> {
        // Exact hit first (cheap), then a case-insensitive scan, because the
        // map's keys keep whatever case the caller inserted.
        self.get(name)
            .or_else(|| {
                self.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }
}

/// `HeaderMap` lookups are already case-insensitive. A value that is not
/// visible ASCII is reported as absent, so it fails verification as missing
/// rather than being guessed at.
#[cfg(feature = "http")]
impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The id under which a delivery is deduplicated.
///
/// * PagerDuty: `X-Webhook-Id` (documented to stay the same across retries).
/// * incident.io: `webhook-id` (Standard Webhooks; also part of the signed
///   content, so it cannot be swapped).
/// * Opsgenie, Alertmanager, Grafana OnCall and FireHydrant send no delivery
///   id, so the id is `sha256:<hex of the body>`: a retry re-sends the same
///   bytes and is recognised as a replay, while a new event differs in its
///   content (Opsgenie's `updatedAt`, Alertmanager's alert set and
///   `notification_reason`, Grafana's `event`, FireHydrant's state).
///
/// A header id is returned as sent (trimmed), with no prefix; an empty one is
/// treated as absent.
pub fn delivery_id(source: Source, headers: &dyn Headers, body: &[u8]) -> String {
    let header = match source {
        Source::PagerDuty => Some("X-Webhook-Id"),
        Source::IncidentIo => Some("webhook-id"),
        Source::Opsgenie | Source::Alertmanager | Source::GrafanaOnCall | Source::FireHydrant => {
            None
        }
    };
    header
        .and_then(|name| headers.header(name))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map_or_else(
            || format!("sha256:{}", hex::encode(mac::sha256(body))),
            str::to_owned,
        )
}

/// A webhook delivery, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub source: Source,
    /// The sender's own name for what happened, as sent (for example
    /// `incident.escalated`, `Acknowledge`, `firing`). FireHydrant has no
    /// single field, so its value is `<resource_type>.<operation>`.
    pub event_type: String,
    pub kind: EventKind,
    /// The sender's id for the thing that pages (incident, alert, alert group,
    /// escalation), stable across that thing's events within one source.
    pub incident_key: String,
    pub title: Option<String>,
    /// When the event happened according to the payload (see [`parse`] for
    /// the payloads that carry no such time).
    pub occurred_at: Timestamp,
    pub pages: Vec<Page>,
}

/// What an event means for the people on call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Triggered,
    Escalated,
    Notified,
    Acknowledged,
    Resolved,
    Other,
}

/// One notification to each recipient at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Page {
    pub at: Timestamp,
    pub basis: Basis,
    pub recipients: Vec<Recipient>,
}

/// Why we believe the recipients were paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The sender says it notified them (incident.io, Grafana OnCall).
    Notified,
    /// They were assigned the incident, which makes the sender page them
    /// (PagerDuty assignees and requested responders).
    Assigned,
    /// They acknowledged; `at` is when the acknowledged alert was created, so
    /// the store can attribute the earlier unattributed page (Opsgenie).
    Acknowledged,
    /// Someone was paged but the payload does not say who; `recipients` is
    /// empty.
    Unattributed,
}

/// A person as the sender names them. Matching to Aftercare people is the
/// store's job: by `external_id` for the integration's source, then `email`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Recipient {
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// Parses a delivery's body into an [`Event`].
///
/// Errors name the offending field path and the reason, so they can be sent
/// back as a 400. Unknown but well-formed event types are not errors: they
/// parse as [`EventKind::Other`] with no pages.
///
/// A few payloads carry no time of their own; `parse` then estimates it from
/// what the payload has, and [`parse_received`] uses the receipt time instead,
/// which is closer to the truth:
///
/// * Alertmanager (no send time): the latest `startsAt` of the firing alerts,
///   or the latest `endsAt` of the resolved ones. A repeat notification hours
///   after the alert started is therefore placed too early by `parse`.
/// * FireHydrant Signals alert updates (only `starts_at`): `starts_at`.
/// * incident.io `schedule.shift_change_v1` (no time): the schedule's
///   `updated_at`, which is when it was last edited.
/// * Grafana OnCall events without `event.time`: the alert group's latest
///   state change time.
/// * incident.io private incident events (ids only): no estimate is possible,
///   so `parse` fails with "missing" for the time field.
pub fn parse(source: Source, body: &[u8]) -> Result<Event, ParseError> {
    sources::parse(source, body, None)
}

/// Like [`parse`], with the time the request was received, which is used
/// only where the payload carries no time of its own (see [`parse`]).
/// Pages still happen when the payload says they did.
pub fn parse_received(
    source: Source,
    body: &[u8],
    received_at: Timestamp,
) -> Result<Event, ParseError> {
    sources::parse(source, body, Some(received_at))
}

/// Whether `body` is a PagerDuty Events API v2 event (something sent *to*
/// PagerDuty). Such senders do not sign, so [`verify`] refuses them as
/// unsigned before [`parse`] could say what they are; the handler can call
/// this to turn that 401 into a message that helps.
pub fn looks_like_pagerduty_events_v2(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .as_ref()
        .and_then(serde_json::Value::as_object)
        .is_some_and(sources::is_events_v2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_round_trip_through_fromstr_display_and_serde() {
        for source in Source::ALL {
            assert_eq!(source.as_str().parse::<Source>(), Ok(source));
            assert_eq!(source.to_string(), source.as_str());
            let json = serde_json::to_string(&source).unwrap();
            assert_eq!(json, format!("\"{}\"", source.as_str()));
            assert_eq!(serde_json::from_str::<Source>(&json).unwrap(), source);
        }
        assert_eq!(" Incident-IO ".parse::<Source>(), Ok(Source::IncidentIo));
        let err = "pager-duty".parse::<Source>().unwrap_err();
        assert!(err.to_string().contains("grafana-oncall"), "{err}");
        assert!(serde_json::from_str::<Source>("\"PagerDuty\"").is_err());
        let names: Vec<_> = Source::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "pagerduty",
                "opsgenie",
                "alertmanager",
                "grafana-oncall",
                "incident-io",
                "firehydrant"
            ]
        );
    }

    #[test]
    fn enums_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&EventKind::Acknowledged).unwrap(),
            "\"acknowledged\""
        );
        assert_eq!(
            serde_json::to_string(&Basis::Unattributed).unwrap(),
            "\"unattributed\""
        );
        assert_eq!(
            serde_json::from_str::<Basis>("\"notified\"").unwrap(),
            Basis::Notified
        );
    }

    #[cfg(feature = "http")]
    #[test]
    fn header_map_lookup() {
        let mut map = http::HeaderMap::new();
        map.insert(
            "x-pagerduty-signature",
            http::HeaderValue::from_static("v1=00"),
        );
        assert_eq!(map.header("X-PagerDuty-Signature"), Some("v1=00"));
        assert_eq!(map.header("fh-signature"), None);
    }
}
