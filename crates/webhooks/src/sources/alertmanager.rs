//! Prometheus Alertmanager `webhook_config` (version 4).
//!
//! Alertmanager does not page people and says nothing about who is on call:
//! every firing notification is one unattributed page, keyed by `groupKey`
//! (the notification group, which is what a person receives as one message).

use jiff::Timestamp;

use super::lower;
use crate::json::Obj;
use crate::{Basis, Event, EventKind, Page, ParseError, Source};

pub(super) fn parse(root: &Obj<'_>, received_at: Option<Timestamp>) -> Result<Event, ParseError> {
    let status = root.str("status")?;
    let group_key = root.str("groupKey")?;
    let alerts = root.arr("alerts")?;
    if alerts.is_empty() {
        return Err(ParseError::field(root.path_of("alerts"), "empty"));
    }

    let kind = match lower(status).as_str() {
        "firing" => EventKind::Triggered,
        "resolved" => EventKind::Resolved,
        _ => EventKind::Other,
    };

    // Each alert's times, validated even when a receipt time makes them
    // unnecessary, so a malformed alert is reported the same way always.
    let mut latest_start: Option<Timestamp> = None;
    let mut latest_firing_start: Option<Timestamp> = None;
    let mut latest_end: Option<Timestamp> = None;
    for (path, value) in alerts {
        let alert = Obj::of(value, path)?;
        let starts_at = alert.time("startsAt")?;
        // Go's zero time means "no end set" (alerts not from Prometheus).
        let ends_at = alert.opt_time("endsAt")?.filter(|t| *t != go_zero_time());
        let firing = alert
            .opt_str("status")?
            .is_none_or(|s| s.eq_ignore_ascii_case("firing"));
        latest_start = latest_start.max(Some(starts_at));
        if firing {
            latest_firing_start = latest_firing_start.max(Some(starts_at));
        } else {
            latest_end = latest_end.max(ends_at);
        }
    }

    // The payload has no send time. Alertmanager sends when it notifies, so
    // the receipt time is the best answer; without it, the newest firing
    // alert's start (for a resolution, the newest end) is the estimate.
    let estimate = match kind {
        EventKind::Resolved => latest_end.or(latest_start),
        _ => latest_firing_start.or(latest_start),
    };
    let Some(occurred_at) = received_at.or(estimate) else {
        return Err(ParseError::field(root.path_of("alerts"), "empty"));
    };

    let pages = if kind == EventKind::Triggered {
        vec![Page {
            at: occurred_at,
            basis: Basis::Unattributed,
            recipients: Vec::new(),
        }]
    } else {
        Vec::new()
    };

    Ok(Event {
        source: Source::Alertmanager,
        event_type: status.to_owned(),
        kind,
        incident_key: group_key.to_owned(),
        title: title(root)?,
        occurred_at,
        pages,
    })
}

/// `alertname: summary`, from the labels and annotations all alerts share.
fn title(root: &Obj<'_>) -> Result<Option<String>, ParseError> {
    let name = match root.opt_obj("commonLabels")? {
        Some(labels) => labels.opt_string("alertname")?,
        None => None,
    };
    let summary = match root.opt_obj("commonAnnotations")? {
        Some(annotations) => annotations.opt_string("summary")?,
        None => None,
    };
    Ok(match (name, summary) {
        (Some(name), Some(summary)) => Some(format!("{name}: {summary}")),
        (name, summary) => name.or(summary),
    })
}

fn go_zero_time() -> Timestamp {
    // 0001-01-01T00:00:00Z: 62135596800 seconds before the Unix epoch.
    Timestamp::from_second(-62_135_596_800).unwrap_or(Timestamp::MIN)
}
