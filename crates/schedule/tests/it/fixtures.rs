//! Every iCalendar fixture parses to what it means: our own (`tests/fixtures/`, see its
//! PROVENANCE.md), and the exports in `../shared/data/ical` when they are there (always in CI).
//! The DST fixtures give the UTC instants and real durations that their `*dst_expected.json`
//! (computed with Python zoneinfo) gives.

use std::path::PathBuf;

use aftercare_schedule::{PersonRef, Shift, parse_ical};
use jiff::Timestamp;
use serde_json::Value;

/// A folder of calendars: how many there are, which file holds the expected DST instants, and
/// the real durations (in hours) of all the shifts of the DST files named there.
struct Set {
    name: &'static str,
    dir: PathBuf,
    calendars: usize,
    expected: &'static str,
    dst_hours: Vec<f64>,
}

impl Set {
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.join(file))
            .unwrap_or_else(|e| panic!("{} {file}: {e}", self.name))
    }

    fn calendars(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ics"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        out.sort();
        out
    }
}

fn own_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn own() -> Set {
    Set {
        name: "own",
        dir: own_dir(),
        calendars: 5,
        expected: "dst_expected.json",
        dst_hours: vec![5.5, 7.5, 11.0, 13.0, 60.0, 62.0, 167.0, 167.0, 169.0, 169.0],
    }
}

fn real() -> Option<Set> {
    crate::real_data::real_data("data/ical", "real iCalendar exports").map(|dir| Set {
        name: "shared",
        dir,
        calendars: 4,
        expected: "CONSTRUCTED_dst_expected.json",
        dst_hours: vec![13.0, 15.0, 63.0, 65.0, 167.0, 169.0],
    })
}

fn sets() -> Vec<Set> {
    std::iter::once(own()).chain(real()).collect()
}

fn read(name: &str) -> String {
    own().read(name)
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

fn hours(s: &Shift) -> f64 {
    (s.end.as_second() - s.start.as_second()) as f64 / 3600.0
}

#[test]
fn every_fixture_parses_to_shifts_that_start_before_they_end() {
    for set in sets() {
        let calendars = set.calendars();
        for (file, text) in &calendars {
            let shifts = parse_ical(text).unwrap_or_else(|e| panic!("{} {file}: {e}", set.name));
            assert!(!shifts.is_empty(), "{} {file}", set.name);
            for s in &shifts {
                assert!(s.start < s.end, "{s:?}");
                assert!(s.person.email.is_some() && s.person.name.is_some(), "{s:?}");
            }
            assert!(shifts.is_sorted_by_key(|s| (s.start, s.person.email.clone())));
        }
        assert_eq!(calendars.len(), set.calendars, "{}", set.name);
    }
}

#[test]
fn dst_fixtures_match_the_expected_instants_and_real_durations() {
    for set in sets() {
        let expected: Value = serde_json::from_str(&set.read(set.expected)).unwrap();
        let mut all_hours = Vec::new();
        for (file, spec) in expected["files"].as_object().unwrap() {
            let shifts = parse_ical(&set.read(file)).unwrap();
            let events = spec["events"].as_array().unwrap();
            assert_eq!(shifts.len(), events.len(), "{} {file}", set.name);
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
                let hours = hours(shift);
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
                all_hours.push(hours);
            }
        }
        all_hours.sort_by(f64::total_cmp);
        assert_eq!(all_hours, set.dst_hours, "{}", set.name);
    }
}

#[test]
fn dst_durations_are_elapsed_hours_in_both_hemispheres() {
    let mut hours: Vec<f64> = [
        "pagerduty_style_dst_europe_berlin.ics",
        "tzid_dst_america_chicago.ics",
        "tzid_dst_australia_sydney.ics",
    ]
    .iter()
    .flat_map(|f| parse_ical(&read(f)).unwrap())
    .map(|s| hours(&s))
    .collect();
    hours.sort_by(f64::total_cmp);
    assert_eq!(hours, own().dst_hours);
}

#[test]
fn southern_hemisphere_repeated_and_skipped_hours_follow_rfc_5545() {
    let shifts = parse_ical(&read("tzid_dst_australia_sydney.ics")).unwrap();
    let early: Vec<_> = shifts
        .iter()
        .filter(|s| s.schedule.as_deref() == Some("Search APAC Early"))
        .collect();
    // 02:30 on 5 April 2026 happens twice in Sydney: the first (daylight time, +11:00) is meant.
    assert_eq!(early[0].start, ts("2026-04-04T15:30:00Z"));
    // 02:30 on 4 October 2026 never happens: read with the offset before the gap (+10:00).
    assert_eq!(early[1].start, ts("2026-10-03T16:30:00Z"));
    assert_eq!(
        early.iter().map(|s| hours(s)).collect::<Vec<_>>(),
        [7.5, 5.5]
    );
}

#[test]
fn pagerduty_export() {
    let shifts = parse_ical(&read("pagerduty_export.ics")).unwrap();
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
    // The feed lists Ines's override last; shifts come back in time order.
    let want = [
        (
            "2026-01-12T10:00:00Z",
            "2026-01-14T19:00:00Z",
            "noor.haddad",
        ),
        (
            "2026-01-14T19:00:00Z",
            "2026-01-15T01:00:00Z",
            "ines.moreau",
        ),
        (
            "2026-01-15T01:00:00Z",
            "2026-01-19T10:00:00Z",
            "noor.haddad",
        ),
        ("2026-01-19T10:00:00Z", "2026-01-26T10:00:00Z", "kai.tanaka"),
        (
            "2026-01-26T10:00:00Z",
            "2026-02-02T10:00:00Z",
            "ines.moreau",
        ),
        (
            "2026-02-02T10:00:00Z",
            "2026-02-09T10:00:00Z",
            "noor.haddad",
        ),
        ("2026-02-09T10:00:00Z", "2026-02-16T10:00:00Z", "kai.tanaka"),
        (
            "2026-02-16T10:00:00Z",
            "2026-02-23T10:00:00Z",
            "ines.moreau",
        ),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), format!("{c}@example.org")))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        shifts[1],
        Shift {
            start: ts("2026-01-14T19:00:00Z"),
            end: ts("2026-01-15T01:00:00Z"),
            person: person("ines.moreau@example.org", "Ines Moreau"),
            schedule: Some("Search Primary".into()),
            uid: Some("QE6PN1WGR4LU9H".into()),
        }
    );
}

#[test]
fn real_pagerduty_export_gives_its_handoffs() {
    let Some(set) = real() else { return };
    let shifts = parse_ical(&set.read("pagerduty_schedule_export.ics")).unwrap();
    let got: Vec<_> = shifts
        .iter()
        .map(|s| (s.start.to_string(), s.person.email.clone().unwrap()))
        .collect();
    let want = [
        ("2026-01-05T09:00:00Z", "alex.rivera"),
        ("2026-01-07T18:00:00Z", "jordan.lee"),
        ("2026-01-07T23:00:00Z", "alex.rivera"),
        ("2026-01-12T09:00:00Z", "sam.okafor"),
        ("2026-01-19T09:00:00Z", "jordan.lee"),
        ("2026-01-26T09:00:00Z", "alex.rivera"),
        ("2026-02-02T09:00:00Z", "sam.okafor"),
        ("2026-02-09T09:00:00Z", "jordan.lee"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(a, c)| (a.to_string(), format!("{c}@example.com")))
        .collect();
    assert_eq!(got, want);
    assert_eq!(shifts[7].end, ts("2026-02-16T09:00:00Z"));
    assert_eq!(shifts[1].end, ts("2026-01-07T23:00:00Z"));
    assert_eq!(shifts[1].schedule.as_deref(), Some("Payments Primary"));
    assert_eq!(shifts[1].uid.as_deref(), Some("QHP9WT57HEG6VQ"));
}

#[test]
fn opsgenie_style_takes_the_name_from_the_summary_and_email_from_the_description() {
    let shifts = parse_ical(&read("opsgenie_style_export.ics")).unwrap();
    assert_eq!(shifts.len(), 4);
    assert_eq!(
        shifts[0].person,
        person("kai.tanaka@example.org", "Kai Tanaka")
    );
    assert_eq!(shifts[0].start, ts("2026-02-03T08:00:00Z"));
    assert_eq!(shifts[3].end, ts("2026-03-03T08:00:00Z"));
    assert_eq!(
        shifts[0].schedule.as_deref(),
        Some("Search_schedule (Tuesday rotation)")
    );
    assert_eq!(
        shifts[0].uid.as_deref(),
        Some("og-style-0@fixtures.aftercare.example.org")
    );
}

#[test]
fn tzid_attendees_with_cn_and_mailto() {
    let shifts = parse_ical(&read("tzid_dst_america_chicago.ics")).unwrap();
    assert_eq!(
        shifts[0].person,
        person("ines.moreau@example.org", "Ines Moreau")
    );
    assert_eq!(
        shifts[1].person,
        person("noor.haddad@example.org", "Noor Haddad")
    );
    let shifts = parse_ical(&read("tzid_dst_australia_sydney.ics")).unwrap();
    assert_eq!(
        shifts[0].person,
        person("ines.moreau@example.org", "Ines Moreau")
    );
}

#[test]
fn lf_line_endings_give_the_same_shifts_as_crlf() {
    for set in sets() {
        for (file, crlf) in set.calendars() {
            assert!(crlf.contains("\r\n"), "{} {file} should be CRLF", set.name);
            let lf = crlf.replace("\r\n", "\n");
            assert_eq!(
                parse_ical(&lf).unwrap(),
                parse_ical(&crlf).unwrap(),
                "{} {file}",
                set.name
            );
        }
    }
}

#[test]
fn shifts_serialize_with_rfc3339_instants() {
    let shifts = parse_ical(&read("pagerduty_style_dst_europe_berlin.ics")).unwrap();
    let json = serde_json::to_value(&shifts[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "start": "2026-03-23T08:00:00Z",
            "end": "2026-03-30T07:00:00Z",
            "person": {"email": "kai.tanaka@example.org", "name": "Kai Tanaka"},
            "schedule": "Search Primary",
            "uid": "QT5GK8NB2WPX4M",
        })
    );
}

#[test]
fn the_holiday_feed_reads_as_england_and_waless_2027_bank_holidays() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/holidays/england_wales_2027.ics"),
    )
    .unwrap();
    let (name, days) = aftercare_schedule::parse_holidays(&text).unwrap();
    assert_eq!(
        name.as_deref(),
        Some("England and Wales bank holidays (fixture)")
    );
    let dates: Vec<String> = days.iter().map(|h| h.date.to_string()).collect();
    assert_eq!(
        dates,
        [
            "2027-01-01",
            "2027-03-26",
            "2027-03-29",
            "2027-05-03",
            "2027-05-31",
            "2027-08-30",
            "2027-12-27",
            "2027-12-28"
        ]
    );
}
