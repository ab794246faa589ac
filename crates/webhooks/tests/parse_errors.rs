//! Bad bodies get a 400 that says where and why; odd-but-valid ones parse.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use aftercare_webhooks::{Basis, EventKind, ParseError, Recipient, Source, parse, parse_received};
use common::{all_fixtures, fixture, source_of_dir, ts};
use serde_json::{Value, json};

fn edit(dir: &str, file: &str, f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&fixture(dir, file)).unwrap();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

fn message(source: Source, body: &[u8]) -> String {
    parse(source, body).unwrap_err().to_string()
}

#[test]
fn truncated_bodies_fail_as_invalid_json() {
    let mut cuts = 0;
    for (dir, file, body) in all_fixtures() {
        let source = source_of_dir(&dir);
        // Anything shorter than "up to the closing brace" is not a whole JSON
        // value; only the trailing newline may go.
        let last_brace = body.iter().rposition(|&b| b == b'}').unwrap();
        let mut lengths: Vec<usize> = (0..last_brace).step_by(7).collect();
        lengths.extend([1, 2, body.len() / 2, last_brace - 1, last_brace]);
        for len in lengths {
            let err = parse(source, &body[..len]).unwrap_err();
            assert!(
                matches!(err, ParseError::Json { .. }),
                "{dir}/{file} cut at {len}: {err}"
            );
            assert!(
                err.to_string().starts_with("body: not valid JSON at line "),
                "{err}"
            );
            cuts += 1;
        }
        assert!(parse(source, &body[..=last_brace]).is_ok() || dir.contains("outbound"));
    }
    assert!(cuts > 1000, "{cuts}");
}

#[test]
fn json_errors_say_where_and_why() {
    let body = br#"{"event": {"id": "01KHZ3M1N8Q2R4S6T8V0W2X4Y6", "event_type""#;
    assert_eq!(
        message(Source::PagerDuty, body),
        "body: not valid JSON at line 1 column 59 (EOF while parsing an object)"
    );
    assert_eq!(
        message(Source::Opsgenie, b""),
        "body: not valid JSON at line 1 column 0 (EOF while parsing a value)"
    );
    assert_eq!(
        message(Source::Alertmanager, b"\xff\xfe"),
        "body: not valid JSON at line 1 column 1 (expected value)"
    );
    assert_eq!(
        message(Source::GrafanaOnCall, b"[1, 2]"),
        "body: expected a JSON object, found an array"
    );
    assert_eq!(
        message(Source::IncidentIo, b"\"hello\""),
        "body: expected a JSON object, found a string"
    );
}

#[test]
fn missing_and_mistyped_fields_are_named_by_path() {
    let pd = |f: &dyn Fn(&mut Value)| edit("pagerduty_v3", "incident.triggered.json", |v| f(v));
    let cases: Vec<(Source, Vec<u8>, &str)> = vec![
        (
            Source::PagerDuty,
            pd(&|v| {
                v["event"]["data"].as_object_mut().unwrap().remove("id");
            }),
            "field `event.data.id`: missing",
        ),
        (
            Source::PagerDuty,
            pd(&|v| v["event"]["occurred_at"] = json!(1_773_281_587)),
            "field `event.occurred_at`: expected a timestamp string, found a number",
        ),
        (
            Source::PagerDuty,
            pd(&|v| v["event"]["occurred_at"] = json!("last Thursday")),
            "field `event.occurred_at`: expected an RFC 3339 timestamp, found \"last Thursday\"",
        ),
        (
            Source::PagerDuty,
            pd(&|v| v["event"]["event_type"] = json!("")),
            "field `event.event_type`: empty",
        ),
        (
            Source::PagerDuty,
            pd(&|v| v["event"]["data"] = Value::Null),
            "field `event.data`: null, expected a value",
        ),
        (
            Source::PagerDuty,
            pd(&|v| v["event"]["data"]["assignees"][0] = json!("PQ7R2XA")),
            "field `event.data.assignees[0]`: expected an object, found a string",
        ),
        (
            Source::PagerDuty,
            pd(&|v| v["event"]["data"]["assignees"][0]["id"] = json!(7)),
            "field `event.data.assignees[0].id`: expected a string, found a number",
        ),
        (
            Source::PagerDuty,
            br#"{"evnt": {}}"#.to_vec(),
            "field `event`: missing",
        ),
        (
            Source::Opsgenie,
            edit("opsgenie", "create.json", |v| {
                v["alert"]["createdAt"] = json!(1.5e12)
            }),
            "field `alert.createdAt`: expected an integer epoch time, found 1500000000000.0",
        ),
        (
            Source::Opsgenie,
            edit("opsgenie", "create.json", |v| {
                v["alert"]["updatedAt"] = json!("yesterday")
            }),
            "field `alert.updatedAt`: expected an integer epoch time, found a string",
        ),
        (
            Source::Opsgenie,
            edit("opsgenie", "acknowledge.json", |v| {
                v["alert"].as_object_mut().unwrap().remove("alertId");
            }),
            "field `alert.alertId`: missing",
        ),
        (
            Source::Alertmanager,
            edit("alertmanager", "firing.json", |v| v["alerts"] = json!([])),
            "field `alerts`: empty",
        ),
        (
            Source::Alertmanager,
            edit("alertmanager", "firing.json", |v| {
                v["alerts"][1]["startsAt"] = json!("soon")
            }),
            "field `alerts[1].startsAt`: expected an RFC 3339 timestamp, found \"soon\"",
        ),
        (
            Source::Alertmanager,
            edit("alertmanager", "firing.json", |v| {
                v.as_object_mut().unwrap().remove("groupKey");
            }),
            "field `groupKey`: missing",
        ),
        (
            Source::GrafanaOnCall,
            edit("grafana_oncall", "acknowledge.json", |v| {
                v["notified_users"][1]["email"] = json!(false)
            }),
            "field `notified_users[1].email`: expected a string, found a boolean",
        ),
        (
            Source::GrafanaOnCall,
            edit("grafana_oncall", "acknowledge.json", |v| {
                v["event"].as_object_mut().unwrap().remove("type");
            }),
            "field `event.type`: missing",
        ),
        (
            Source::IncidentIo,
            edit(
                "incident_io",
                "public_escalation.escalation_created_v1.json",
                |v| {
                    v["public_escalation.escalation_created_v1"]["events"][1]["occurred_at"] =
                        Value::Null;
                },
            ),
            "field `[\"public_escalation.escalation_created_v1\"].events[1].occurred_at`: null, expected a value",
        ),
        (
            Source::IncidentIo,
            edit("incident_io", "public_alert.alert_created_v1.json", |v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("public_alert.alert_created_v1");
            }),
            "field `[\"public_alert.alert_created_v1\"]`: missing",
        ),
        (
            Source::FireHydrant,
            edit("firehydrant", "incident_updated_resolved.json", |v| {
                v["data"]["incident"]["updated_at"] = json!("2026-03-12 03:05:31 CET");
            }),
            "field `data.incident.updated_at`: expected an RFC 3339 timestamp, found \"2026-03-12 03:05:31 CET\"",
        ),
        (
            Source::FireHydrant,
            edit("firehydrant", "signals_alert_created.json", |v| {
                v["event"].as_object_mut().unwrap().remove("operation");
            }),
            "field `event.operation`: missing",
        ),
    ];
    for (source, body, want) in cases {
        assert_eq!(message(source, &body), want, "{source}");
    }
    // Long values are shortened in messages.
    let long = "x".repeat(500);
    let msg = message(
        Source::PagerDuty,
        &pd(&|v| v["event"]["occurred_at"] = json!(long)),
    );
    assert!(msg.len() < 120 && msg.ends_with("…"), "{msg}");
}

#[test]
fn a_fixture_sent_to_the_wrong_integration_fails_with_a_field_error() {
    for (dir, file, body) in all_fixtures() {
        if dir.contains("outbound") {
            continue;
        }
        let own = source_of_dir(&dir);
        for source in aftercare_webhooks::Source::ALL {
            if source == own {
                continue;
            }
            if let Err(e) = parse(source, &body) {
                assert!(
                    matches!(e, ParseError::Field { .. }),
                    "{dir}/{file} as {source}: {e}"
                );
            }
        }
    }
}

#[test]
fn legacy_pagerduty_webhooks_are_named() {
    let body = br#"{"messages": [{"event": "incident.trigger", "incident": {}}]}"#;
    assert_eq!(
        parse(Source::PagerDuty, body),
        Err(ParseError::LegacyPagerDutyWebhook)
    );
}

#[test]
fn unknown_event_types_are_other_without_pages() {
    // PagerDuty: a note references the incident.
    let note = json!({"event": {
        "id": "01X", "event_type": "incident.annotated", "resource_type": "incident",
        "occurred_at": "2026-03-12T02:50:00Z", "agent": null, "client": null,
        "data": {"incident": {"id": "Q2W8ZL5YHN0KTP", "type": "incident_reference", "summary": "t"},
                 "id": "N1", "content": "looking", "type": "incident_note"}}});
    let e = parse(Source::PagerDuty, note.to_string().as_bytes()).unwrap();
    assert_eq!(
        (e.kind, e.incident_key.as_str(), e.pages.len()),
        (EventKind::Other, "Q2W8ZL5YHN0KTP", 0)
    );
    // PagerDuty service events key by the service.
    let service = json!({"event": {"id": "01Y", "event_type": "service.updated", "resource_type": "service",
        "occurred_at": "2026-03-12T02:50:00Z", "data": {"id": "PCHK0UT", "type": "service"}}});
    let e = parse(Source::PagerDuty, service.to_string().as_bytes()).unwrap();
    assert_eq!(
        (e.kind, e.incident_key.as_str()),
        (EventKind::Other, "PCHK0UT")
    );

    let body = edit("opsgenie", "acknowledge.json", |v| {
        v["action"] = json!("AddNote")
    });
    let e = parse(Source::Opsgenie, &body).unwrap();
    assert_eq!(
        (e.kind, e.event_type.as_str(), e.pages.len()),
        (EventKind::Other, "AddNote", 0)
    );

    let body = edit("grafana_oncall", "acknowledge.json", |v| {
        v["event"]["type"] = json!("silence")
    });
    let e = parse(Source::GrafanaOnCall, &body).unwrap();
    assert_eq!((e.kind, e.pages.len()), (EventKind::Other, 0));

    let body = edit("alertmanager", "firing.json", |v| {
        v["status"] = json!("suppressed")
    });
    let e = parse(Source::Alertmanager, &body).unwrap();
    assert_eq!((e.kind, e.pages.len()), (EventKind::Other, 0));

    // incident.io private incidents carry ids only: the receipt time is
    // needed, and without it the missing time is reported.
    let private = json!({"event_type": "private_incident.incident_created_v2",
                         "private_incident.incident_created_v2": {"id": "01PRIV"}});
    let received = ts("2026-03-12T02:14:00Z");
    let e = parse_received(Source::IncidentIo, private.to_string().as_bytes(), received).unwrap();
    assert_eq!(
        (e.kind, e.incident_key.as_str(), e.occurred_at),
        (EventKind::Other, "01PRIV", received)
    );
    assert_eq!(
        message(Source::IncidentIo, private.to_string().as_bytes()),
        "field `[\"private_incident.incident_created_v2\"].updated_at`: missing"
    );

    // FireHydrant change events (from the FireHydrant docs): `data` is the
    // change event itself, with ISO times, and lowercase `updated`.
    let change = json!({"data": {"id": "489d7b90-a9d7-43d2-99be-d33c5acb59f8", "summary": "Production Deploy ",
                                  "created_at": "2019-05-31T16:16:11.728Z", "updated_at": "2019-05-31T16:33:26.932Z"},
                        "event": {"operation": "updated", "resource_type": "change_event"}});
    let e = parse(Source::FireHydrant, change.to_string().as_bytes()).unwrap();
    assert_eq!(e.kind, EventKind::Other);
    assert_eq!(e.incident_key, "489d7b90-a9d7-43d2-99be-d33c5acb59f8");
    assert_eq!(e.occurred_at, ts("2019-05-31T16:33:26.932Z"));
    assert_eq!(e.event_type, "change_event.updated");
}

#[test]
fn operations_and_actions_ignore_case() {
    for action in ["ACKNOWLEDGE", "acknowledge", "Acknowledge"] {
        let body = edit("opsgenie", "acknowledge.json", |v| {
            v["action"] = json!(action)
        });
        let e = parse(Source::Opsgenie, &body).unwrap();
        assert_eq!(e.kind, EventKind::Acknowledged);
        assert_eq!(e.event_type, action, "raw event type is kept as sent");
    }
    for op in ["created", "Created", "CREATED"] {
        let body = edit("firehydrant", "signals_alert_created.json", |v| {
            v["event"]["operation"] = json!(op)
        });
        let e = parse(Source::FireHydrant, &body).unwrap();
        assert_eq!((e.kind, e.pages.len()), (EventKind::Triggered, 1));
    }
    let body = edit("grafana_oncall", "resolve.json", |v| {
        v["event"]["type"] = json!("Resolve")
    });
    assert_eq!(
        parse(Source::GrafanaOnCall, &body).unwrap().kind,
        EventKind::Resolved
    );
}

#[test]
fn optional_fields_may_be_absent_or_null() {
    // PagerDuty: priority, conference_bridge may be null or absent; reopened_at may appear.
    let body = edit("pagerduty_v3", "incident.triggered.json", |v| {
        let data = v["event"]["data"].as_object_mut().unwrap();
        data.insert("priority".into(), Value::Null);
        data.remove("conference_bridge");
        data.remove("incident_type");
        data.insert("reopened_at".into(), json!("2026-03-12T04:00:00Z"));
        data.insert("incident_key".into(), Value::Null);
    });
    let e = parse(Source::PagerDuty, &body).unwrap();
    assert_eq!(e.pages[0].basis, Basis::Assigned);

    // PagerDuty: a triggered incident nobody is assigned to still paged someone.
    let body = edit("pagerduty_v3", "incident.triggered.json", |v| {
        v["event"]["data"]["assignees"] = json!([])
    });
    let e = parse(Source::PagerDuty, &body).unwrap();
    assert_eq!(e.pages.len(), 1);
    assert_eq!(
        (e.pages[0].basis, e.pages[0].recipients.len()),
        (Basis::Unattributed, 0)
    );
    // An assignee with an email keeps it.
    let body = edit("pagerduty_v3", "incident.triggered.json", |v| {
        v["event"]["data"]["assignees"][0]["email"] = json!("noor.haddad@example.org");
    });
    let e = parse(Source::PagerDuty, &body).unwrap();
    assert_eq!(
        e.pages[0].recipients[0].email.as_deref(),
        Some("noor.haddad@example.org")
    );

    // Opsgenie: an acknowledgement by a non-person attributes nothing.
    for user in [json!("System"), json!(""), Value::Null] {
        let body = edit("opsgenie", "acknowledge.json", |v| {
            v["alert"]["username"] = user.clone()
        });
        let e = parse(Source::Opsgenie, &body).unwrap();
        assert_eq!(
            (e.kind, e.pages.len()),
            (EventKind::Acknowledged, 0),
            "{user}"
        );
    }
    // Opsgenie: Create without updatedAt falls back to createdAt; description/details optional.
    let body = edit("opsgenie", "create.json", |v| {
        let alert = v["alert"].as_object_mut().unwrap();
        alert.remove("updatedAt");
        alert.remove("description");
        alert.remove("details");
        alert.remove("teams");
        alert.remove("recipients");
    });
    let e = parse(Source::Opsgenie, &body).unwrap();
    assert_eq!(e.occurred_at, ts("2026-06-18T01:46:31.204Z"));

    // Alertmanager: endsAt absent or zero, and no notification_reason (before v0.32).
    let body = edit("alertmanager", "resolved.json", |v| {
        v["alerts"][0]["endsAt"] = json!("0001-01-01T00:00:00Z");
        v["alerts"][1].as_object_mut().unwrap().remove("endsAt");
        v.as_object_mut().unwrap().remove("notification_reason");
        v.as_object_mut().unwrap().remove("commonAnnotations");
    });
    let e = parse(Source::Alertmanager, &body).unwrap();
    assert_eq!(e.kind, EventKind::Resolved);
    assert_eq!(
        e.occurred_at,
        ts("2026-06-18T01:45:50Z"),
        "falls back to the latest start"
    );
    assert_eq!(e.title.as_deref(), Some("IndexerQueueLagHigh"));

    // Grafana OnCall: minimal payload (custom template keeping the essentials).
    let body = json!({"event": {"type": "escalation"}, "alert_group_id": "IZ1",
                      "alert_group": null, "notified_users": null});
    let received = ts("2026-03-12T02:28:00Z");
    let e = parse_received(Source::GrafanaOnCall, body.to_string().as_bytes(), received).unwrap();
    assert_eq!(
        (e.kind, e.incident_key.as_str(), e.occurred_at),
        (EventKind::Escalated, "IZ1", received)
    );
    assert_eq!(
        message(Source::GrafanaOnCall, body.to_string().as_bytes()),
        "field `event.time`: missing"
    );

    // FireHydrant: priority/severity/milestones are not needed.
    let body = edit("firehydrant", "incident_updated_acknowledged.json", |v| {
        let inc = v["data"]["incident"].as_object_mut().unwrap();
        inc.remove("priority");
        inc.remove("severity");
        inc.remove("milestones");
    });
    assert_eq!(
        parse(Source::FireHydrant, &body).unwrap().kind,
        EventKind::Acknowledged
    );
}

#[test]
fn grafana_personal_notifications_are_exact() {
    let body = edit("grafana_oncall", "acknowledge.json", |v| {
        v["event"] = json!({"type": "personal notification", "time": "2026-06-18T02:01:33+00:00"});
    });
    let e = parse(Source::GrafanaOnCall, &body).unwrap();
    assert_eq!(e.kind, EventKind::Notified);
    assert_eq!(e.pages.len(), 1);
    assert_eq!(e.pages[0].at, ts("2026-06-18T02:01:33Z"));
    assert_eq!(e.pages[0].basis, Basis::Notified);
    assert_eq!(
        e.pages[0].recipients,
        vec![Recipient {
            external_id: Some("UK6R1PW8YDZ3S".into()),
            email: Some("kai.tanaka@example.org".into()),
            name: Some("kai.tanaka".into()),
        }]
    );
}

#[test]
fn cumulative_pages_are_identical_in_every_delivery() {
    // The store keeps a page once; that only works if repeats are identical,
    // whatever order the sender lists users in.
    let ack = parse(
        Source::GrafanaOnCall,
        &fixture("grafana_oncall", "acknowledge.json"),
    )
    .unwrap();
    let reversed = edit("grafana_oncall", "resolve.json", |v| {
        v["notified_users"].as_array_mut().unwrap().reverse();
    });
    let resolve = parse(Source::GrafanaOnCall, &reversed).unwrap();
    assert_eq!(ack.pages, resolve.pages);

    let created = parse(
        Source::IncidentIo,
        &fixture(
            "incident_io",
            "public_escalation.escalation_created_v1.json",
        ),
    )
    .unwrap();
    let updated = parse(
        Source::IncidentIo,
        &fixture(
            "incident_io",
            "public_escalation.escalation_status_updated_v1.json",
        ),
    )
    .unwrap();
    assert_eq!(created.pages[0], updated.pages[0]);
}

/// Bodies nested far deeper than any payload (100,000 levels, as an attacker would send)
/// are refused by every source's parser as invalid JSON, naming the problem, rather than
/// overflowing the stack: serde_json stops at 128 levels, and nothing of ours recurses over
/// a payload (each source reads fixed paths).
#[test]
fn deeply_nested_bodies_are_refused_by_every_source_without_a_crash() {
    const DEPTH: usize = 100_000;
    let arrays = "[".repeat(DEPTH).into_bytes();
    let closed = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)).into_bytes();
    let objects = format!("{}1{}", r#"{"a":"#.repeat(DEPTH), "}".repeat(DEPTH)).into_bytes();
    // Deep inside a field each source reads.
    let inside = |key: &str| {
        format!(r#"{{"{key}":{}{}}}"#, "[".repeat(DEPTH), "]".repeat(DEPTH)).into_bytes()
    };
    let mut bodies = vec![arrays, closed, objects];
    for key in ["event", "alerts", "alert", "data", "payload", "escalation"] {
        bodies.push(inside(key));
    }
    let now = ts("2026-03-12T02:12:28Z");
    for source in Source::ALL {
        for body in &bodies {
            for result in [parse(source, body), parse_received(source, body, now)] {
                let err = result.unwrap_err();
                let ParseError::Json { reason, .. } = &err else {
                    panic!("{source}: expected a JSON error, got {err}");
                };
                assert_eq!(reason, "recursion limit exceeded", "{source}");
                assert!(
                    err.to_string()
                        .starts_with("body: not valid JSON at line 1 column "),
                    "{err}"
                );
            }
        }
    }
    for body in &bodies {
        assert!(!aftercare_webhooks::looks_like_pagerduty_events_v2(body));
    }
}

/// Just under serde_json's limit is still read (and then judged on its fields): the limit
/// refuses only what no sender produces.
#[test]
fn nesting_within_the_limit_reaches_the_source_parser() {
    let body = format!(r#"{{"event":{}{}}}"#, "[".repeat(100), "]".repeat(100));
    let err = parse(Source::PagerDuty, body.as_bytes()).unwrap_err();
    assert_eq!(err.path(), Some("event"), "{err}");
}
