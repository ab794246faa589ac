//! What every fixture means, per set: the event each payload parses to.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]

mod own;
mod shared;

use aftercare_webhooks::{Basis, EventKind, Page, Recipient};
use jiff::Timestamp;

use crate::common::{Set, ts};

/// A set of fixtures with what each payload means and the night its story happens in.
pub struct Story {
    pub set: Set,
    pub expectations: Vec<Expect>,
    /// Every event and page happens in `[from, to)`, except the shift change (no time at all).
    pub window: (Timestamp, Timestamp),
}

/// Our own fixtures, then the real captures when they are there.
pub fn stories() -> Vec<Story> {
    let mut out = vec![own::story()];
    out.extend(crate::common::real().map(shared::story));
    out
}

pub struct Expect {
    pub dir: &'static str,
    pub file: &'static str,
    pub event_type: &'static str,
    pub kind: EventKind,
    pub key: &'static str,
    pub title: Option<&'static str>,
    pub occurred_at: Timestamp,
    pub pages: Vec<Page>,
}

/// Every fixture file of a set, with the sender's event type and what Aftercare makes of it.
/// The same in every set: the files are named after the documented event they carry.
const KINDS: [(&str, &str, &str, EventKind); 26] = {
    use EventKind::{Acknowledged as A, Escalated as E, Notified as N, Other as O};
    use EventKind::{Resolved as R, Triggered as T};
    [
        // PagerDuty v3: assignees are paged at the event time.
        (
            "pagerduty_v3",
            "incident.triggered.json",
            "incident.triggered",
            T,
        ),
        (
            "pagerduty_v3",
            "incident.escalated.json",
            "incident.escalated",
            E,
        ),
        (
            "pagerduty_v3",
            "incident.acknowledged.json",
            "incident.acknowledged",
            A,
        ),
        (
            "pagerduty_v3",
            "incident.reassigned.json",
            "incident.reassigned",
            E,
        ),
        (
            "pagerduty_v3",
            "incident.responder.added.json",
            "incident.responder.added",
            N,
        ),
        (
            "pagerduty_v3",
            "incident.resolved.json",
            "incident.resolved",
            R,
        ),
        // Opsgenie: createdAt is ms, updatedAt ns.
        ("opsgenie", "create.json", "Create", T),
        ("opsgenie", "acknowledge.json", "Acknowledge", A),
        ("opsgenie", "close.json", "Close", R),
        // Alertmanager: no send time; the newest firing alert's start.
        ("alertmanager", "firing.json", "firing", T),
        ("alertmanager", "firing_v0.34_routeLabels.json", "firing", T),
        ("alertmanager", "resolved.json", "resolved", R),
        // Grafana OnCall: cumulative notified_users at the group's creation.
        (
            "grafana_oncall",
            "alert_group_created.json",
            "alert group created",
            T,
        ),
        ("grafana_oncall", "acknowledge.json", "acknowledge", A),
        ("grafana_oncall", "resolve.json", "resolve", R),
        // incident.io: escalation history gives exact notification times.
        (
            "incident_io",
            "public_incident.incident_created_v2.json",
            "public_incident.incident_created_v2",
            T,
        ),
        (
            "incident_io",
            "public_incident.incident_updated_v2.json",
            "public_incident.incident_updated_v2",
            O,
        ),
        (
            "incident_io",
            "public_incident.incident_status_updated_v2.json",
            "public_incident.incident_status_updated_v2",
            R,
        ),
        (
            "incident_io",
            "public_escalation.escalation_created_v1.json",
            "public_escalation.escalation_created_v1",
            T,
        ),
        (
            "incident_io",
            "public_escalation.escalation_status_updated_v1.json",
            "public_escalation.escalation_status_updated_v1",
            A,
        ),
        (
            "incident_io",
            "public_alert.alert_created_v1.json",
            "public_alert.alert_created_v1",
            T,
        ),
        (
            "incident_io",
            "schedule.shift_change_v1.json",
            "schedule.shift_change_v1",
            O,
        ),
        // FireHydrant: non-ISO times; only a Signals alert's creation pages.
        (
            "firehydrant",
            "incident_updated_acknowledged.json",
            "incident.UPDATED",
            A,
        ),
        (
            "firehydrant",
            "incident_updated_resolved.json",
            "incident.UPDATED",
            R,
        ),
        (
            "firehydrant",
            "signals_alert_created.json",
            "signals_alerts.CREATED",
            T,
        ),
        (
            "firehydrant",
            "signals_alert_acknowledged.json",
            "signals_alerts.UPDATED",
            A,
        ),
    ]
};

/// One set's values for each file of `KINDS`, in the same order:
/// `(incident key, title, occurred_at, pages)`.
type Row = (&'static str, Option<&'static str>, &'static str, Vec<Page>);

fn expectations(rows: Vec<Row>) -> Vec<Expect> {
    assert_eq!(rows.len(), KINDS.len(), "one row per fixture file");
    KINDS
        .iter()
        .zip(rows)
        .map(
            |(&(dir, file, event_type, kind), (key, title, at, pages))| Expect {
                dir,
                file,
                event_type,
                kind,
                key,
                title,
                occurred_at: ts(at),
                pages,
            },
        )
        .collect()
}

fn who(id: &str, email: Option<&str>, name: &str) -> Recipient {
    Recipient {
        external_id: Some(id.into()),
        email: email.map(Into::into),
        name: Some(name.into()),
    }
}

/// Opsgenie names the acknowledger by email only.
fn by_email(email: &str) -> Recipient {
    Recipient {
        external_id: Some(email.into()),
        email: Some(email.into()),
        name: None,
    }
}

fn page(at: &str, basis: Basis, recipients: Vec<Recipient>) -> Page {
    Page {
        at: ts(at),
        basis,
        recipients,
    }
}
