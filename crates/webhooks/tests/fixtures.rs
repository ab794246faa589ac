//! Every fixture in `shared/data/webhooks` parses to what it means.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use aftercare_webhooks::{
    Basis, Event, EventKind, Page, ParseError, Recipient, Source, parse, parse_received,
};
use common::{all_fixtures, fixture, source_of_dir, ts};
use jiff::Timestamp;

const PD_INCIDENT: &str = "Q2W8ZL5YHN0KTP";
const PD_TITLE: &str = "[FIRING:1] CheckoutHighErrorRate checkout-api (prod-eu-1 critical)";
const OG_ALERT: &str = "7c4e2b1a-93d5-4f0e-b8a6-2d1c5e9f0a37";
const OG_TITLE: &str = "CheckoutHighErrorRate: checkout-api 5xx ratio above 5%";
const AM_GROUP: &str =
    r#"{}/{team="payments"}:{alertname="CheckoutHighErrorRate", cluster="prod-eu-1"}"#;
const AM_TITLE: &str = "CheckoutHighErrorRate: checkout-api 5xx ratio above 5%";
const GO_GROUP: &str = "IZ3K7QW9M2TRD";
const GO_TITLE: &str = "[firing:1] CheckoutHighErrorRate checkout-api (prod-eu-1)";
const IIO_INCIDENT: &str = "01JP3Z7A2C4E6G8J0L2N4Q6S8U";
const IIO_ESCALATION: &str = "01JP3Z7B2D4F6H8K0M2P4R6T8V";
const IIO_ALERT: &str = "01JP3Z6R1M2N3P4Q5R6S7T8V9W";
const FH_INCIDENT: &str = "9a7c5e3b-1f2d-4c6a-8e0b-3d5f7a9c1e2b";
const FH_ALERT: &str = "4d2b6f8a-0c1e-4a3b-9d5c-7e9f1a3b5c7d";

fn who(id: &str, email: Option<&str>, name: &str) -> Recipient {
    Recipient {
        external_id: Some(id.into()),
        email: email.map(Into::into),
        name: Some(name.into()),
    }
}

fn alex_pd() -> Recipient {
    who("PQ7R2XA", None, "Alex Rivera")
}
fn sam_pd() -> Recipient {
    who("PK3M9TD", None, "Sam Okafor")
}
fn jordan_pd() -> Recipient {
    who("PZ4N8WB", None, "Jordan Lee")
}
fn alex_go() -> Recipient {
    who(
        "U2HT7VC9MRB4D",
        Some("alex.rivera@example.com"),
        "alex.rivera",
    )
}
fn sam_go() -> Recipient {
    who(
        "U8KQ3ZP2LWN5X",
        Some("sam.okafor@example.com"),
        "sam.okafor",
    )
}
fn alex_iio() -> Recipient {
    who(
        "01JNB7QK2R4T6V8X0Z2B4D6F8H",
        Some("alex.rivera@example.com"),
        "Alex Rivera",
    )
}
fn sam_iio() -> Recipient {
    who(
        "01JNB7QM5S7U9W1Y3A5C7E9G1J",
        Some("sam.okafor@example.com"),
        "Sam Okafor",
    )
}

fn page(at: &str, basis: Basis, recipients: Vec<Recipient>) -> Page {
    Page {
        at: ts(at),
        basis,
        recipients,
    }
}

struct Expect {
    dir: &'static str,
    file: &'static str,
    event_type: &'static str,
    kind: EventKind,
    key: &'static str,
    title: Option<&'static str>,
    occurred_at: &'static str,
    pages: Vec<Page>,
}

#[allow(clippy::too_many_lines)]
fn expectations() -> Vec<Expect> {
    use Basis as B;
    use EventKind as K;
    let e = |dir, file, event_type, kind, key, title, occurred_at, pages| Expect {
        dir,
        file,
        event_type,
        kind,
        key,
        title,
        occurred_at,
        pages,
    };
    vec![
        // PagerDuty v3: assignees are paged at the event time.
        e(
            "pagerduty_v3",
            "incident.triggered.json",
            "incident.triggered",
            K::Triggered,
            PD_INCIDENT,
            Some(PD_TITLE),
            "2026-03-12T02:13:07.412Z",
            vec![page(
                "2026-03-12T02:13:07.412Z",
                B::Assigned,
                vec![alex_pd()],
            )],
        ),
        e(
            "pagerduty_v3",
            "incident.escalated.json",
            "incident.escalated",
            K::Escalated,
            PD_INCIDENT,
            Some(PD_TITLE),
            "2026-03-12T02:28:07.530Z",
            vec![page(
                "2026-03-12T02:28:07.530Z",
                B::Assigned,
                vec![sam_pd()],
            )],
        ),
        e(
            "pagerduty_v3",
            "incident.acknowledged.json",
            "incident.acknowledged",
            K::Acknowledged,
            PD_INCIDENT,
            Some(PD_TITLE),
            "2026-03-12T02:31:44.108Z",
            vec![],
        ),
        e(
            "pagerduty_v3",
            "incident.reassigned.json",
            "incident.reassigned",
            K::Escalated,
            PD_INCIDENT,
            Some(PD_TITLE),
            "2026-03-12T02:40:12.960Z",
            vec![page(
                "2026-03-12T02:40:12.960Z",
                B::Assigned,
                vec![jordan_pd()],
            )],
        ),
        e(
            "pagerduty_v3",
            "incident.responder.added.json",
            "incident.responder.added",
            K::Notified,
            PD_INCIDENT,
            Some(PD_TITLE),
            "2026-03-12T02:44:09.377Z",
            vec![page(
                "2026-03-12T02:44:09.377Z",
                B::Assigned,
                vec![alex_pd()],
            )],
        ),
        e(
            "pagerduty_v3",
            "incident.resolved.json",
            "incident.resolved",
            K::Resolved,
            PD_INCIDENT,
            Some(PD_TITLE),
            "2026-03-12T03:05:31.221Z",
            vec![],
        ),
        // Opsgenie: createdAt is ms, updatedAt ns.
        e(
            "opsgenie",
            "create.json",
            "Create",
            K::Triggered,
            OG_ALERT,
            Some(OG_TITLE),
            "2026-03-12T02:13:07.498Z",
            vec![page("2026-03-12T02:13:07.412Z", B::Unattributed, vec![])],
        ),
        e(
            "opsgenie",
            "acknowledge.json",
            "Acknowledge",
            K::Acknowledged,
            OG_ALERT,
            Some(OG_TITLE),
            "2026-03-12T02:31:44.108Z",
            vec![page(
                "2026-03-12T02:13:07.412Z",
                B::Acknowledged,
                vec![Recipient {
                    external_id: Some("sam.okafor@example.com".into()),
                    email: Some("sam.okafor@example.com".into()),
                    name: None,
                }],
            )],
        ),
        e(
            "opsgenie",
            "close.json",
            "Close",
            K::Resolved,
            OG_ALERT,
            Some(OG_TITLE),
            "2026-03-12T03:05:31.221Z",
            vec![],
        ),
        // Alertmanager: no send time; the newest firing alert's start.
        e(
            "alertmanager",
            "firing.json",
            "firing",
            K::Triggered,
            AM_GROUP,
            Some(AM_TITLE),
            "2026-03-12T02:12:28Z",
            vec![page("2026-03-12T02:12:28Z", B::Unattributed, vec![])],
        ),
        e(
            "alertmanager",
            "firing_v0.34_routeLabels.json",
            "firing",
            K::Triggered,
            AM_GROUP,
            Some(AM_TITLE),
            "2026-03-12T02:12:28Z",
            vec![page("2026-03-12T02:12:28Z", B::Unattributed, vec![])],
        ),
        e(
            "alertmanager",
            "resolved.json",
            "resolved",
            K::Resolved,
            AM_GROUP,
            Some(AM_TITLE),
            "2026-03-12T03:04:58Z",
            vec![],
        ),
        // Grafana OnCall: cumulative notified_users at the group's creation.
        e(
            "grafana_oncall",
            "alert_group_created.json",
            "alert group created",
            K::Triggered,
            GO_GROUP,
            Some(GO_TITLE),
            "2026-03-12T02:13:07.412531Z",
            vec![],
        ),
        e(
            "grafana_oncall",
            "acknowledge.json",
            "acknowledge",
            K::Acknowledged,
            GO_GROUP,
            Some(GO_TITLE),
            "2026-03-12T02:31:44.108762Z",
            vec![page(
                "2026-03-12T02:13:07.412531Z",
                B::Notified,
                vec![alex_go(), sam_go()],
            )],
        ),
        e(
            "grafana_oncall",
            "resolve.json",
            "resolve",
            K::Resolved,
            GO_GROUP,
            Some(GO_TITLE),
            "2026-03-12T03:05:31.221405Z",
            vec![page(
                "2026-03-12T02:13:07.412531Z",
                B::Notified,
                vec![alex_go(), sam_go()],
            )],
        ),
        // incident.io: escalation history gives exact notification times.
        e(
            "incident_io",
            "public_incident.incident_created_v2.json",
            "public_incident.incident_created_v2",
            K::Triggered,
            IIO_INCIDENT,
            Some("Checkout API returning elevated 5xx errors"),
            "2026-03-12T02:13:09.184220Z",
            vec![],
        ),
        e(
            "incident_io",
            "public_incident.incident_updated_v2.json",
            "public_incident.incident_updated_v2",
            K::Other,
            IIO_INCIDENT,
            Some("Checkout API returning elevated 5xx errors"),
            "2026-03-12T02:33:02.551907Z",
            vec![],
        ),
        e(
            "incident_io",
            "public_incident.incident_status_updated_v2.json",
            "public_incident.incident_status_updated_v2",
            K::Resolved,
            IIO_INCIDENT,
            Some("Checkout API returning elevated 5xx errors"),
            "2026-03-12T03:06:10.002311Z",
            vec![],
        ),
        e(
            "incident_io",
            "public_escalation.escalation_created_v1.json",
            "public_escalation.escalation_created_v1",
            K::Triggered,
            IIO_ESCALATION,
            Some(OG_TITLE),
            "2026-03-12T02:13:09.900Z",
            vec![page(
                "2026-03-12T02:13:10.450Z",
                B::Notified,
                vec![alex_iio()],
            )],
        ),
        e(
            "incident_io",
            "public_escalation.escalation_status_updated_v1.json",
            "public_escalation.escalation_status_updated_v1",
            K::Acknowledged,
            IIO_ESCALATION,
            Some(OG_TITLE),
            "2026-03-12T02:31:44.108Z",
            vec![
                page("2026-03-12T02:13:10.450Z", B::Notified, vec![alex_iio()]),
                page("2026-03-12T02:28:10.510Z", B::Notified, vec![sam_iio()]),
            ],
        ),
        e(
            "incident_io",
            "public_alert.alert_created_v1.json",
            "public_alert.alert_created_v1",
            K::Triggered,
            IIO_ALERT,
            Some(OG_TITLE),
            "2026-03-12T02:13:07.655Z",
            vec![],
        ),
        e(
            "incident_io",
            "schedule.shift_change_v1.json",
            "schedule.shift_change_v1",
            K::Other,
            "01JNB8J0SCHPAYPRIMARY00001",
            Some("Payments Primary"),
            "2026-02-20T16:41:07Z",
            vec![],
        ),
        // FireHydrant: non-ISO times; only a Signals alert's creation pages.
        e(
            "firehydrant",
            "incident_updated_acknowledged.json",
            "incident.UPDATED",
            K::Acknowledged,
            FH_INCIDENT,
            Some("Checkout API 5xx"),
            "2026-03-12T02:31:44Z",
            vec![],
        ),
        e(
            "firehydrant",
            "incident_updated_resolved.json",
            "incident.UPDATED",
            K::Resolved,
            FH_INCIDENT,
            Some("Checkout API 5xx"),
            "2026-03-12T03:05:31Z",
            vec![],
        ),
        e(
            "firehydrant",
            "signals_alert_created.json",
            "signals_alerts.CREATED",
            K::Triggered,
            FH_ALERT,
            Some(OG_TITLE),
            "2026-03-12T02:13:07Z",
            vec![page("2026-03-12T02:13:07Z", B::Unattributed, vec![])],
        ),
        e(
            "firehydrant",
            "signals_alert_acknowledged.json",
            "signals_alerts.UPDATED",
            K::Acknowledged,
            FH_ALERT,
            Some(OG_TITLE),
            "2026-03-12T02:13:07Z",
            vec![],
        ),
    ]
}

const OUTBOUND: &str = "pagerduty_events_v2_outbound_reference";

#[test]
fn every_fixture_parses_to_its_expected_event() {
    let expectations = expectations();
    for (dir, file, body) in all_fixtures() {
        let source = source_of_dir(&dir);
        let result = parse(source, &body);
        if dir == OUTBOUND {
            assert_eq!(result, Err(ParseError::OutboundEventsV2), "{dir}/{file}");
            continue;
        }
        let want = expectations
            .iter()
            .find(|e| e.dir == dir && e.file == file)
            .unwrap_or_else(|| panic!("{dir}/{file} has no expectation: add one to this test"));
        let got = result.unwrap_or_else(|e| panic!("{dir}/{file}: {e}"));
        let expected = Event {
            source,
            event_type: want.event_type.into(),
            kind: want.kind,
            incident_key: want.key.into(),
            title: want.title.map(Into::into),
            occurred_at: ts(want.occurred_at),
            pages: want.pages.clone(),
        };
        assert_eq!(got, expected, "{dir}/{file}");
    }
}

#[test]
fn every_expectation_names_a_fixture() {
    let fixtures = all_fixtures();
    for e in expectations() {
        assert!(
            fixtures.iter().any(|(d, f, _)| d == e.dir && f == e.file),
            "{}/{} is expected but missing",
            e.dir,
            e.file
        );
    }
}

#[test]
fn the_incident_story_lines_up_across_sources() {
    // Every event of the shared story happens that night (02:11 to 03:07
    // UTC), except the shift change, whose payload has no time at all.
    let from = ts("2026-03-12T02:11:00Z");
    let to = ts("2026-03-12T03:07:00Z");
    for (dir, file, body) in all_fixtures() {
        if dir == OUTBOUND || file == "schedule.shift_change_v1.json" {
            continue;
        }
        let event = parse(source_of_dir(&dir), &body).unwrap();
        assert!(
            (from..to).contains(&event.occurred_at),
            "{dir}/{file}: {}",
            event.occurred_at
        );
        for p in &event.pages {
            assert!((from..to).contains(&p.at), "{dir}/{file}: page at {}", p.at);
            assert_eq!(
                p.recipients.is_empty(),
                p.basis == Basis::Unattributed,
                "{dir}/{file}"
            );
        }
        if event.kind == EventKind::Resolved && dir != "grafana_oncall" {
            assert!(
                event.pages.is_empty(),
                "{dir}/{file}: resolution pages nobody"
            );
        }
    }
}

#[test]
fn receipt_time_is_used_only_where_the_payload_has_no_time() {
    let received: Timestamp = ts("2026-03-12T02:13:37Z");
    for (dir, file, body) in all_fixtures() {
        if dir == OUTBOUND {
            continue;
        }
        let source = source_of_dir(&dir);
        let without = parse(source, &body).unwrap();
        let with = parse_received(source, &body, received).unwrap();
        let timeless = matches!(
            (dir.as_str(), file.as_str()),
            ("alertmanager", _)
                | ("incident_io", "schedule.shift_change_v1.json")
                | ("firehydrant", "signals_alert_acknowledged.json")
        );
        if timeless {
            assert_eq!(with.occurred_at, received, "{dir}/{file}");
            for p in &with.pages {
                assert_eq!(p.at, received, "{dir}/{file}");
            }
        } else {
            assert_eq!(with, without, "{dir}/{file}");
        }
    }
}

#[test]
fn outbound_events_v2_are_refused_whatever_integration_they_reach() {
    for file in ["trigger.json", "acknowledge.json", "resolve.json"] {
        let body = fixture(OUTBOUND, file);
        for source in Source::ALL {
            let err = parse(source, &body).unwrap_err();
            assert_eq!(err, ParseError::OutboundEventsV2, "{file} to {source}");
            assert!(
                err.to_string()
                    .contains("configure a PagerDuty v3 webhook subscription instead")
            );
        }
        assert!(aftercare_webhooks::looks_like_pagerduty_events_v2(&body));
    }
    for (dir, _, body) in all_fixtures() {
        if dir != OUTBOUND {
            assert!(!aftercare_webhooks::looks_like_pagerduty_events_v2(&body));
        }
    }
}

#[test]
fn events_serialise_as_snake_case_json_and_round_trip() {
    for (dir, file, body) in all_fixtures() {
        if dir == OUTBOUND {
            continue;
        }
        let event = parse(source_of_dir(&dir), &body).unwrap();
        let json = serde_json::to_string(&event).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, event, "{dir}/{file}");
    }
    let event = parse(Source::Opsgenie, &fixture("opsgenie", "create.json")).unwrap();
    let v = serde_json::to_value(&event).unwrap();
    assert_eq!(v["source"], "opsgenie");
    assert_eq!(v["kind"], "triggered");
    assert_eq!(v["pages"][0]["basis"], "unattributed");
    assert_eq!(v["pages"][0]["at"], "2026-03-12T02:13:07.412Z");
    assert_eq!(v["occurred_at"], "2026-03-12T02:13:07.498Z");
}
