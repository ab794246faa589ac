//! Opsgenie outgoing webhook integration ("alert action data").
//!
//! Opsgenie never says who it notified. `Create` is therefore one
//! unattributed page at the alert's creation, and `Acknowledge` names the
//! acting user as a [`Basis::Acknowledged`] page at that same creation time,
//! so the store can attribute the earlier unattributed page to them.

use super::lower;
use crate::json::Obj;
use crate::{Basis, Event, EventKind, Page, ParseError, Recipient, Source};

pub(super) fn parse(root: &Obj<'_>) -> Result<Event, ParseError> {
    let action = root.str("action")?;
    let alert = root.obj("alert")?;
    let alert_id = alert.str("alertId")?;
    let title = alert.opt_string("message")?;
    // `createdAt` is in milliseconds and `updatedAt` in nanoseconds in the
    // documented examples; the unit is inferred from the magnitude so a
    // sender that changes either keeps working.
    let created_at = alert.opt_epoch("createdAt")?;
    let updated_at = alert.opt_epoch("updatedAt")?;
    // `updatedAt` is when this action happened; a Create may lack it.
    let occurred_at = updated_at
        .or(created_at)
        .ok_or_else(|| ParseError::field(alert.path_of("updatedAt"), "missing"))?;
    let created =
        || created_at.ok_or_else(|| ParseError::field(alert.path_of("createdAt"), "missing"));

    let (kind, pages) = match lower(action).as_str() {
        "create" => (
            EventKind::Triggered,
            vec![Page {
                at: created()?,
                basis: Basis::Unattributed,
                recipients: Vec::new(),
            }],
        ),
        "acknowledge" => {
            let at = created()?;
            // Opsgenie usernames of people are their email addresses; actors
            // like "System" or an integration's name are not people, so they
            // attribute nothing.
            let pages = match alert.opt_str("username")?.map(str::trim) {
                Some(user) if user.contains('@') => vec![Page {
                    at,
                    basis: Basis::Acknowledged,
                    recipients: vec![Recipient {
                        external_id: Some(user.to_owned()),
                        email: Some(user.to_owned()),
                        name: None,
                    }],
                }],
                _ => Vec::new(),
            };
            (EventKind::Acknowledged, pages)
        }
        "close" => (EventKind::Resolved, Vec::new()),
        // Escalation pages the next level, which the payload does not name;
        // an unattributed page would be given to the person on call, who is
        // exactly the one it escalated away from, so none is made.
        "escalate" | "escalatetonext" => (EventKind::Escalated, Vec::new()),
        _ => (EventKind::Other, Vec::new()),
    };

    Ok(Event {
        source: Source::Opsgenie,
        event_type: action.to_owned(),
        kind,
        incident_key: alert_id.to_owned(),
        title,
        occurred_at,
        pages,
    })
}
