//! FireHydrant webhooks: `{"data": {...}, "event": {"operation", "resource_type"}}`.
//!
//! FireHydrant never names who was paged. A Signals alert's creation is one
//! unattributed page; nothing else pages (incident updates, alert updates,
//! change events), since none of their payloads names a person who was
//! notified. `operation` is compared case-insensitively because FireHydrant
//! sends both `UPDATED` and `updated`.

use jiff::Timestamp;

use super::lower;
use crate::json::Obj;
use crate::{Basis, Event, EventKind, Page, ParseError, Source};

pub(super) fn parse(root: &Obj<'_>, received_at: Option<Timestamp>) -> Result<Event, ParseError> {
    let event = root.obj("event")?;
    let operation = event.str("operation")?;
    let resource_type = event.str("resource_type")?;
    let data = root.obj("data")?;
    let created = operation.trim().eq_ignore_ascii_case("created");

    let (kind, key, title, occurred_at, pages) = match lower(resource_type).as_str() {
        "signals_alerts" | "signals_alert" => {
            let alert = data.obj("alert")?;
            let starts_at = alert.time("starts_at")?;
            let kind = if created {
                EventKind::Triggered
            } else {
                alert_update_kind(&alert)?
            };
            let pages = if created {
                vec![Page {
                    at: starts_at,
                    basis: Basis::Unattributed,
                    recipients: Vec::new(),
                }]
            } else {
                Vec::new()
            };
            // An update carries no time of its own, only the alert's start.
            let occurred_at = if created {
                starts_at
            } else {
                received_at.unwrap_or(starts_at)
            };
            (
                kind,
                alert.str("id")?,
                alert.opt_string("summary")?,
                occurred_at,
                pages,
            )
        }
        "incident" => {
            let incident = data.obj("incident")?;
            let kind = if created {
                EventKind::Triggered
            } else {
                match incident.opt_str("current_milestone")?.map(lower).as_deref() {
                    Some("acknowledged") => EventKind::Acknowledged,
                    Some(
                        "resolved"
                        | "closed"
                        | "postmortem_started"
                        | "postmortem_completed"
                        | "retrospective_started"
                        | "retrospective_completed",
                    ) => EventKind::Resolved,
                    _ => EventKind::Other,
                }
            };
            let occurred_at = match incident.opt_time("updated_at")? {
                Some(t) => t,
                None => incident.time("created_at")?,
            };
            (
                kind,
                incident.str("id")?,
                incident.opt_string("name")?,
                occurred_at,
                Vec::new(),
            )
        }
        // Change events and anything newer: the resource is either wrapped
        // (`data.<resource_type>`) or is `data` itself.
        _ => {
            let subject = match data.opt_obj(resource_type)? {
                Some(inner) => inner,
                None => data.clone(),
            };
            let occurred_at = match (
                subject.opt_time("updated_at")?,
                subject.opt_time("created_at")?,
                received_at,
            ) {
                (Some(t), _, _) | (None, Some(t), _) | (None, None, Some(t)) => t,
                (None, None, None) => {
                    return Err(ParseError::field(subject.path_of("updated_at"), "missing"));
                }
            };
            let title = subject
                .opt_string("summary")?
                .or(subject.opt_string("name")?);
            (
                EventKind::Other,
                subject.str("id")?,
                title,
                occurred_at,
                Vec::new(),
            )
        }
    };

    Ok(Event {
        source: Source::FireHydrant,
        event_type: format!("{resource_type}.{operation}"),
        kind,
        incident_key: key.to_owned(),
        title,
        occurred_at,
        pages,
    })
}

/// The decision says what someone did; the status is the result. TIMEOUT is
/// the escalation policy moving on by itself.
fn alert_update_kind(alert: &Obj<'_>) -> Result<EventKind, ParseError> {
    let decision = alert.opt_str("decision")?.map(lower);
    let status = alert.opt_str("status")?.map(lower);
    Ok(match (decision.as_deref(), status.as_deref()) {
        (Some("acknowledge"), _) | (None, Some("acknowledged")) => EventKind::Acknowledged,
        (Some("resolve"), _) | (None, Some("resolved")) => EventKind::Resolved,
        (Some("escalate" | "timeout"), _) => EventKind::Escalated,
        _ => EventKind::Other,
    })
}
