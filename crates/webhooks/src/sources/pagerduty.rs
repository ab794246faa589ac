//! PagerDuty Webhooks v3.
//!
//! No v3 event says who was *notified*; `data.assignees` says who the
//! incident is assigned to, and PagerDuty pages assignees through their
//! notification rules. So triggered / escalated / reassigned (and the other
//! events that hand the incident to people: delegated, unacknowledged on ack
//! timeout, reopened) become [`Basis::Assigned`] pages at the event time.

use super::{lower, recipient};
use crate::json::Obj;
use crate::{Basis, Event, EventKind, Page, ParseError, Source};

pub(super) fn parse(root: &Obj<'_>) -> Result<Event, ParseError> {
    if !root.has("event") && root.has("messages") {
        return Err(ParseError::LegacyPagerDutyWebhook);
    }
    let event = root.obj("event")?;
    let event_type = event.str("event_type")?;
    let occurred_at = event.time("occurred_at")?;
    let data = event.obj("data")?;

    let kind = match lower(event_type).as_str() {
        "incident.triggered" | "incident.unacknowledged" | "incident.reopened" => {
            EventKind::Triggered
        }
        "incident.escalated" | "incident.reassigned" | "incident.delegated" => EventKind::Escalated,
        "incident.responder.added" => EventKind::Notified,
        "incident.acknowledged" => EventKind::Acknowledged,
        "incident.resolved" => EventKind::Resolved,
        _ => EventKind::Other,
    };

    // `data` is the incident itself for incident.* status events, and an
    // object that references it (`data.incident`) for notes, responders,
    // status updates and the like. Service events key by the service.
    let is_incident = data.opt_str("type")?.is_none_or(|t| t == "incident");
    let reference = if is_incident {
        None
    } else {
        data.opt_obj("incident")?
    };
    let (incident_key, title) = match &reference {
        Some(incident) => (
            incident.str("id")?,
            incident
                .opt_string("summary")?
                .or(incident.opt_string("title")?),
        ),
        None => (data.str("id")?, data.opt_string("title")?),
    };

    let pages = match kind {
        EventKind::Triggered | EventKind::Escalated => {
            let mut recipients = Vec::new();
            for assignee in data.opt_objs("assignees")? {
                recipients.extend(recipient(&assignee, "id", "email", &["summary", "name"])?);
            }
            vec![page(occurred_at, recipients)]
        }
        // A responder request pages the requested user like an assignment
        // does; a request to an escalation policy pages whoever is on call
        // there, whom the payload does not name.
        EventKind::Notified => {
            let requested = match data.opt_obj("user")? {
                Some(user) => recipient(&user, "id", "email", &["summary", "name"])?,
                None => None,
            };
            vec![page(occurred_at, requested.into_iter().collect())]
        }
        EventKind::Acknowledged | EventKind::Resolved | EventKind::Other => Vec::new(),
    };

    Ok(Event {
        source: Source::PagerDuty,
        event_type: event_type.to_owned(),
        kind,
        incident_key: incident_key.to_owned(),
        title,
        occurred_at,
        pages,
    })
}

/// A paging event always yields a page: attributed to the people named, or
/// unattributed (for the store to attribute by schedule) when nobody is.
fn page(at: jiff::Timestamp, recipients: Vec<crate::Recipient>) -> Page {
    let basis = if recipients.is_empty() {
        Basis::Unattributed
    } else {
        Basis::Assigned
    };
    Page {
        at,
        basis,
        recipients,
    }
}
