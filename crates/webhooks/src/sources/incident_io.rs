//! incident.io webhooks: `{"event_type": X, X: payload}`.
//!
//! Pages come from escalations: each `notified_users` entry of
//! `escalation.events` is a [`Basis::Notified`] page at that entry's
//! `occurred_at`. Every escalation payload repeats the whole history, and
//! deliveries may arrive out of order, so every escalation event (whatever its
//! status) reports all of them; the pages are identical each time.
//!
//! Incidents and alerts page nobody by themselves (escalations do), so they
//! carry no pages; an unattributed page there would count the same
//! notification twice.

use jiff::Timestamp;

use super::{lower, recipient};
use crate::json::Obj;
use crate::{Basis, Event, EventKind, Page, ParseError, Source};

pub(super) fn parse(root: &Obj<'_>, received_at: Option<Timestamp>) -> Result<Event, ParseError> {
    let event_type = root.str("event_type")?;
    let payload = root.obj(event_type)?;

    let parsed = match event_type {
        "public_incident.incident_created_v2" => Parsed {
            kind: EventKind::Triggered,
            key: payload.str("id")?,
            title: payload.opt_string("name")?,
            occurred_at: payload.time("created_at")?,
            pages: Vec::new(),
        },
        "public_incident.incident_updated_v2" => Parsed {
            kind: EventKind::Other,
            key: payload.str("id")?,
            title: payload.opt_string("name")?,
            occurred_at: payload.time("updated_at")?,
            pages: Vec::new(),
        },
        "public_incident.incident_status_updated_v2" => {
            let incident = payload.obj("incident")?;
            let new_status = payload.obj("new_status")?;
            let kind = match lower(new_status.str("category")?).as_str() {
                // Every category that ends the response: resolved and in
                // post-incident ("learning"), closed, or dismissed.
                "learning" | "closed" | "declined" | "merged" | "canceled" | "cancelled" => {
                    EventKind::Resolved
                }
                _ => EventKind::Other,
            };
            Parsed {
                kind,
                key: incident.str("id")?,
                title: incident.opt_string("name")?,
                occurred_at: incident.time("updated_at")?,
                pages: Vec::new(),
            }
        }
        "public_escalation.escalation_created_v1" => Parsed {
            kind: EventKind::Triggered,
            key: payload.str("id")?,
            title: payload.opt_string("title")?,
            occurred_at: payload.time("created_at")?,
            pages: escalation_pages(&payload)?,
        },
        "public_escalation.escalation_status_updated_v1" => {
            let escalation = payload.obj("escalation")?;
            let status = match payload.opt_str("new_status")? {
                Some(s) => s,
                None => escalation.str("status")?,
            };
            let kind = match lower(status).as_str() {
                "triggered" => EventKind::Triggered,
                "acked" => EventKind::Acknowledged,
                "resolved" | "cancelled" | "canceled" | "expired" => EventKind::Resolved,
                _ => EventKind::Other,
            };
            Parsed {
                kind,
                key: escalation.str("id")?,
                title: escalation.opt_string("title")?,
                occurred_at: escalation.time("updated_at")?,
                pages: escalation_pages(&escalation)?,
            }
        }
        "public_alert.alert_created_v1" => Parsed {
            kind: EventKind::Triggered,
            key: payload.str("id")?,
            title: payload.opt_string("title")?,
            occurred_at: payload.time("created_at")?,
            pages: Vec::new(),
        },
        "schedule.shift_change_v1" => {
            let schedule = payload.obj("schedule")?;
            // No time in the payload: the receipt time, else the schedule's
            // last edit as a (documented) stand-in.
            let occurred_at = match received_at {
                Some(t) => t,
                None => schedule.time("updated_at")?,
            };
            Parsed {
                kind: EventKind::Other,
                key: schedule.str("id")?,
                title: schedule.opt_string("name")?,
                occurred_at,
                pages: Vec::new(),
            }
        }
        _ => other(&payload, received_at)?,
    };

    Ok(Event {
        source: Source::IncidentIo,
        event_type: event_type.to_owned(),
        kind: parsed.kind,
        incident_key: parsed.key.to_owned(),
        title: parsed.title,
        occurred_at: parsed.occurred_at,
        pages: parsed.pages,
    })
}

struct Parsed<'a> {
    kind: EventKind,
    key: &'a str,
    title: Option<String>,
    occurred_at: Timestamp,
    pages: Vec<Page>,
}

fn escalation_pages(escalation: &Obj<'_>) -> Result<Vec<Page>, ParseError> {
    let mut pages = Vec::new();
    for entry in escalation.opt_objs("events")? {
        if !entry.str("event")?.eq_ignore_ascii_case("notified_users") {
            continue;
        }
        let at = entry.time("occurred_at")?;
        let mut recipients = Vec::new();
        for user in entry.opt_objs("users")? {
            recipients.extend(recipient(&user, "id", "email", &["name"])?);
        }
        if !recipients.is_empty() {
            pages.push(Page {
                at,
                basis: Basis::Notified,
                recipients,
            });
        }
    }
    Ok(pages)
}

/// Event types we do not interpret (including `private_incident.*`, which
/// carry only ids): keyed by the object's own id or the incident/escalation
/// it is about, at its `updated_at`/`created_at` or the receipt time.
fn other<'a>(payload: &Obj<'a>, received_at: Option<Timestamp>) -> Result<Parsed<'a>, ParseError> {
    let mut subject = payload.clone();
    if !payload.has("id") {
        for key in ["incident", "escalation", "alert"] {
            if let Some(inner) = payload.opt_obj(key)? {
                subject = inner;
                break;
            }
        }
    }
    let key = subject.str("id")?;
    let occurred_at = match subject.opt_time("updated_at")? {
        Some(t) => t,
        None => match (subject.opt_time("created_at")?, received_at) {
            (Some(t), _) | (None, Some(t)) => t,
            (None, None) => {
                return Err(ParseError::field(subject.path_of("updated_at"), "missing"));
            }
        },
    };
    Ok(Parsed {
        kind: EventKind::Other,
        key,
        title: subject.opt_string("name")?.or(subject.opt_string("title")?),
        occurred_at,
        pages: Vec::new(),
    })
}
