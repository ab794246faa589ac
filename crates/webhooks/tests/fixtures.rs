//! Every fixture parses to what it means: our own (`tests/fixtures/`), and the captures in
//! `../shared/data/webhooks` when they are there (always in CI).
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;
mod expect;

use aftercare_webhooks::{Basis, Event, EventKind, ParseError, Source, parse, parse_received};
use common::{fixture, sets, source_of_dir, ts};
use expect::stories;
use jiff::Timestamp;

const OUTBOUND: &str = "pagerduty_events_v2_outbound_reference";

#[test]
fn every_fixture_parses_to_its_expected_event() {
    for story in stories() {
        let set = story.set.name;
        for (dir, file, body) in story.set.all() {
            let source = source_of_dir(&dir);
            let result = parse(source, &body);
            if dir == OUTBOUND {
                assert_eq!(
                    result,
                    Err(ParseError::OutboundEventsV2),
                    "{set} {dir}/{file}"
                );
                continue;
            }
            let want = story
                .expectations
                .iter()
                .find(|e| e.dir == dir && e.file == file)
                .unwrap_or_else(|| {
                    panic!("{set} {dir}/{file} has no expectation: add one to this test")
                });
            let got = result.unwrap_or_else(|e| panic!("{set} {dir}/{file}: {e}"));
            let expected = Event {
                source,
                event_type: want.event_type.into(),
                kind: want.kind,
                incident_key: want.key.into(),
                title: want.title.map(Into::into),
                occurred_at: want.occurred_at,
                pages: want.pages.clone(),
            };
            assert_eq!(got, expected, "{set} {dir}/{file}");
        }
    }
}

#[test]
fn every_expectation_names_a_fixture() {
    for story in stories() {
        let fixtures = story.set.all();
        for e in &story.expectations {
            assert!(
                fixtures.iter().any(|(d, f, _)| d == e.dir && f == e.file),
                "{} {}/{} is expected but missing",
                story.set.name,
                e.dir,
                e.file
            );
        }
    }
}

#[test]
fn the_incident_story_lines_up_across_sources() {
    // Every event of a set's story happens that night, except the shift
    // change, whose payload has no time at all.
    for story in stories() {
        let (from, to) = story.window;
        let set = story.set.name;
        for (dir, file, body) in story.set.all() {
            if dir == OUTBOUND || file == "schedule.shift_change_v1.json" {
                continue;
            }
            let event = parse(source_of_dir(&dir), &body).unwrap();
            assert!(
                (from..to).contains(&event.occurred_at),
                "{set} {dir}/{file}: {}",
                event.occurred_at
            );
            for p in &event.pages {
                assert!(
                    (from..to).contains(&p.at),
                    "{set} {dir}/{file}: page at {}",
                    p.at
                );
                assert_eq!(
                    p.recipients.is_empty(),
                    p.basis == Basis::Unattributed,
                    "{set} {dir}/{file}"
                );
            }
            if event.kind == EventKind::Resolved && dir != "grafana_oncall" {
                assert!(
                    event.pages.is_empty(),
                    "{set} {dir}/{file}: resolution pages nobody"
                );
            }
        }
    }
}

#[test]
fn receipt_time_is_used_only_where_the_payload_has_no_time() {
    let received: Timestamp = ts("2026-06-18T01:47:02Z");
    for set in sets() {
        for (dir, file, body) in set.all() {
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
                assert_eq!(with.occurred_at, received, "{} {dir}/{file}", set.name);
                for p in &with.pages {
                    assert_eq!(p.at, received, "{} {dir}/{file}", set.name);
                }
            } else {
                assert_eq!(with, without, "{} {dir}/{file}", set.name);
            }
        }
    }
}

#[test]
fn outbound_events_v2_are_refused_whatever_integration_they_reach() {
    for set in sets() {
        for file in ["trigger.json", "acknowledge.json", "resolve.json"] {
            let body = set.fixture(OUTBOUND, file);
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
        for (dir, file, body) in set.all() {
            if dir != OUTBOUND {
                assert!(
                    !aftercare_webhooks::looks_like_pagerduty_events_v2(&body),
                    "{} {dir}/{file}",
                    set.name
                );
            }
        }
    }
}

#[test]
fn events_serialise_as_snake_case_json_and_round_trip() {
    for set in sets() {
        for (dir, file, body) in set.all() {
            if dir == OUTBOUND {
                continue;
            }
            let event = parse(source_of_dir(&dir), &body).unwrap();
            let json = serde_json::to_string(&event).unwrap();
            let back: Event = serde_json::from_str(&json).unwrap();
            assert_eq!(back, event, "{} {dir}/{file}", set.name);
        }
    }
    let event = parse(Source::Opsgenie, &fixture("opsgenie", "create.json")).unwrap();
    let v = serde_json::to_value(&event).unwrap();
    assert_eq!(v["source"], "opsgenie");
    assert_eq!(v["kind"], "triggered");
    assert_eq!(v["pages"][0]["basis"], "unattributed");
    assert_eq!(v["pages"][0]["at"], "2026-06-18T01:46:31.204Z");
    assert_eq!(v["occurred_at"], "2026-06-18T01:46:31.29Z");
}
