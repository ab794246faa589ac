//! Every fixture in `shared/data/ical` parses to what it means, and the DST fixtures give the
//! UTC instants and real durations that `CONSTRUCTED_dst_expected.json` (Python zoneinfo) gives.

use std::path::PathBuf;

use aftercare_schedule::{PersonRef, Shift, parse_ical};
use jiff::Timestamp;
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ical")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn person(email: &str, name: &str) -> PersonRef {
    PersonRef {
        email: Some(email.into()),
        name: Some(name.into()),
    }
}

#[test]
fn every_fixture_parses_to_shifts_that_start_before_they_end() {
    let mut seen = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ics") {
            let text = std::fs::read_to_string(&path).unwrap();
            let shifts = parse_ical(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!shifts.is_empty(), "{}", path.display());
            for s in &shifts {
                assert!(s.start < s.end, "{s:?}");
                assert!(s.person.email.is_some() && s.person.name.is_some(), "{s:?}");
            }
            assert!(shifts.is_sorted_by_key(|s| (s.start, s.person.email.clone())));
            seen += 1;
        }
    }
    assert_eq!(seen, 4);
}

#[test]
fn dst_fixtures_match_the_expected_instants_and_real_durations() {
    let expected: Value = serde_json::from_str(&read("CONSTRUCTED_dst_expected.json")).unwrap();
    let files = expected["files"].as_object().unwrap();
    assert_eq!(files.len(), 2);
    let mut checked = 0;
    for (file, spec) in files {
        let shifts = parse_ical(&read(file)).unwrap();
        let events = spec["events"].as_array().unwrap();
        assert_eq!(shifts.len(), events.len(), "{file}");
        for event in events {
            let start = ts(event["dtstart_utc"].as_str().unwrap());
            let end = ts(event["dtend_utc"].as_str().unwrap());
            let summary = event["summary"].as_str().unwrap();
            let shift = shifts
                .iter()
                .find(|s| s.start == start)
                .unwrap_or_else(|| panic!("{file}: no shift starts at {start} ({summary})"));
            assert_eq!(shift.end, end, "{file}: {summary}");
            // The trap: duration is elapsed time between instants, not the wall-clock span.
            let hours = (shift.end.as_second() - shift.start.as_second()) as f64 / 3600.0;
            assert_eq!(
                hours,
                event["duration_hours"].as_f64().unwrap(),
                "{file}: {summary}"
            );
            assert_ne!(hours, event["wall_clock_hours_naive"].as_f64().unwrap());
            // The summary names the person and the schedule.
            let name = summary.split(" - ").nth(1).unwrap();
            assert_eq!(shift.person.name.as_deref(), Some(name));
            assert_eq!(
                shift.schedule.as_deref(),
                Some(summary.rsplit(" - ").next().unwrap())
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[test]
fn dst_durations_are_167_169_13_15_63_65_hours() {
    let mut hours: Vec<i64> = [
        "CONSTRUCTED_dst_europe_london_pagerduty_style.ics",
        "CONSTRUCTED_dst_america_new_york_tzid.ics",
    ]
    .iter()
    .flat_map(|f| parse_ical(&read(f)).unwrap())
    .map(|s| (s.end.as_second() - s.start.as_second()) / 3600)
    .collect();
    hours.sort();
    assert_eq!(hours, vec![13, 15, 63, 65, 167, 169]);
}

#[test]
fn pagerduty_export() {
    let shifts = parse_ical(&read("pagerduty_schedule_export.ics")).unwrap();
    let got: Vec<_> = shifts
        .iter()
        .map(|s| {
            (
                s.start.to_string(),
                s.end.to_string(),
                s.person.email.clone().unwrap(),
            )
        })
        .collect();
    let want = [
        (
            "2026-01-05T09:00:00Z",
            "2026-01-07T18:00:00Z",
            "alex.rivera@example.com",
        ),
        (
            "2026-01-07T18:00:00Z",
            "2026-01-07T23:00:00Z",
            "jordan.lee@example.com",
        ),
        (
            "2026-01-07T23:00:00Z",
            "2026-01-12T09:00:00Z",
            "alex.rivera@example.com",
        ),
        (
            "2026-01-12T09:00:00Z",
            "2026-01-19T09:00:00Z",
            "sam.okafor@example.com",
        ),
        (
            "2026-01-19T09:00:00Z",
            "2026-01-26T09:00:00Z",
            "jordan.lee@example.com",
        ),
        (
            "2026-01-26T09:00:00Z",
            "2026-02-02T09:00:00Z",
            "alex.rivera@example.com",
        ),
        (
            "2026-02-02T09:00:00Z",
            "2026-02-09T09:00:00Z",
            "sam.okafor@example.com",
        ),
        (
            "2026-02-09T09:00:00Z",
            "2026-02-16T09:00:00Z",
            "jordan.lee@example.com",
        ),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        shifts[1],
        Shift {
            start: ts("2026-01-07T18:00:00Z"),
            end: ts("2026-01-07T23:00:00Z"),
            person: person("jordan.lee@example.com", "Jordan Lee"),
            schedule: Some("Payments Primary".into()),
            uid: Some("QHP9WT57HEG6VQ".into()),
        }
    );
}

#[test]
fn opsgenie_placeholder_takes_the_name_from_the_summary_and_email_from_the_description() {
    let shifts = parse_ical(&read(
        "CONSTRUCTED_opsgenie_schedule_export_placeholder.ics",
    ))
    .unwrap();
    assert_eq!(shifts.len(), 4);
    assert_eq!(
        shifts[0].person,
        person("alex.rivera@example.com", "Alex Rivera")
    );
    assert_eq!(shifts[0].start, ts("2026-01-05T08:00:00Z"));
    assert_eq!(shifts[3].end, ts("2026-02-02T08:00:00Z"));
    assert_eq!(
        shifts[0].schedule.as_deref(),
        Some("Payments_schedule (Weekly rotation)")
    );
    assert_eq!(
        shifts[0].uid.as_deref(),
        Some("constructed-og-0@oncall-fixtures.example.com")
    );
}

#[test]
fn new_york_attendees_with_cn_and_mailto() {
    let shifts = parse_ical(&read("CONSTRUCTED_dst_america_new_york_tzid.ics")).unwrap();
    assert_eq!(
        shifts[0].person,
        person("sam.okafor@example.com", "Sam Okafor")
    );
    assert_eq!(
        shifts[1].person,
        person("jordan.lee@example.com", "Jordan Lee")
    );
}

#[test]
fn lf_line_endings_give_the_same_shifts_as_crlf() {
    for file in [
        "pagerduty_schedule_export.ics",
        "CONSTRUCTED_dst_america_new_york_tzid.ics",
    ] {
        let crlf = read(file);
        assert!(crlf.contains("\r\n"), "{file} should be CRLF");
        let lf = crlf.replace("\r\n", "\n");
        assert_eq!(
            parse_ical(&lf).unwrap(),
            parse_ical(&crlf).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn shifts_serialize_with_rfc3339_instants() {
    let shifts = parse_ical(&read("CONSTRUCTED_dst_europe_london_pagerduty_style.ics")).unwrap();
    let json = serde_json::to_value(&shifts[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "start": "2026-03-23T09:00:00Z",
            "end": "2026-03-30T08:00:00Z",
            "person": {"email": "alex.rivera@example.com", "name": "Alex Rivera"},
            "schedule": "Payments Primary",
            "uid": "Q3HNTPQ98ZYQHA",
        })
    );
}
