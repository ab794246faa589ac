//! Grafana OnCall outgoing webhooks, "Forward All" payload.
//!
//! Grafana says who it notified in two ways:
//!
//! * `personal notification` events, one per notification, naming the user
//!   (`event.user`, or `user`), at `event.time`: a precise
//!   [`Basis::Notified`] page.
//! * `notified_users` on the other events we interpret (created, escalation,
//!   acknowledge, resolve): everyone notified so far for the
//!   alert group, with no times. Their page is placed at the alert group's
//!   `created_at`, because the first notification follows creation within
//!   seconds and, more importantly, because that time is the same in every
//!   delivery, so the cumulative list yields identical pages the store keeps
//!   once. Users reached by a later escalation step are placed early by the
//!   escalation delay.

use jiff::Timestamp;

use super::{lower, recipient};
use crate::json::Obj;
use crate::{Basis, Event, EventKind, Page, ParseError, Recipient, Source};

pub(super) fn parse(root: &Obj<'_>, received_at: Option<Timestamp>) -> Result<Event, ParseError> {
    let event = root.obj("event")?;
    let event_type = event.str("type")?;
    let alert_group = root.opt_obj("alert_group")?;

    let incident_key = match &alert_group {
        Some(group) if group.has("id") => group.str("id")?,
        _ => root.str("alert_group_id")?,
    };
    let (title, created_at, latest_change) = match &alert_group {
        Some(group) => {
            let created_at = group.opt_time("created_at")?;
            let mut latest = created_at;
            for key in ["acknowledged_at", "resolved_at", "silenced_at"] {
                latest = latest.max(group.opt_time(key)?);
            }
            (group.opt_string("title")?, created_at, latest)
        }
        None => (None, None, None),
    };
    // Only some event types carry `event.time` (created, acknowledge,
    // resolve, silence in the engine's `_build_payload`).
    let occurred_at = match event.opt_time("time")? {
        Some(t) => t,
        None => received_at
            .or(latest_change)
            .ok_or_else(|| ParseError::field(event.path_of("time"), "missing"))?,
    };

    let kind = match lower(event_type).as_str() {
        "alert group created" => EventKind::Triggered,
        "escalation" => EventKind::Escalated,
        "personal notification" => EventKind::Notified,
        "acknowledge" => EventKind::Acknowledged,
        "resolve" => EventKind::Resolved,
        _ => EventKind::Other,
    };

    let mut pages = Vec::new();
    if kind == EventKind::Notified {
        let user = match event.opt_obj("user")? {
            Some(user) => Some(user),
            None => root.opt_obj("user")?,
        };
        if let Some(user) = user.map(|u| user_recipient(&u)).transpose()?.flatten() {
            pages.push(Page {
                at: occurred_at,
                basis: Basis::Notified,
                recipients: vec![user],
            });
        }
    } else if kind != EventKind::Other {
        // Event types we do not interpret page nobody, even though they also
        // carry the cumulative list.
        let mut notified = Vec::new();
        for user in root.opt_objs("notified_users")? {
            notified.extend(user_recipient(&user)?);
        }
        // The engine builds the list from a set: order it so identical
        // content gives identical pages.
        notified.sort();
        notified.dedup();
        if !notified.is_empty() {
            pages.push(Page {
                at: created_at.unwrap_or(occurred_at),
                basis: Basis::Notified,
                recipients: notified,
            });
        }
    }

    Ok(Event {
        source: Source::GrafanaOnCall,
        event_type: event_type.to_owned(),
        kind,
        incident_key: incident_key.to_owned(),
        title,
        occurred_at,
        pages,
    })
}

/// Grafana users have no display name in the payload; the username is the
/// closest thing to one.
fn user_recipient(user: &Obj<'_>) -> Result<Option<Recipient>, ParseError> {
    recipient(user, "id", "email", &["username"])
}
