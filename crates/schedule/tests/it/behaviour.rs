//! The parser's rules, one at a time, on small hand-written calendars.

use aftercare_schedule::{PersonRef, ScheduleError, Shift, parse_ical};
use jiff::Timestamp;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// A calendar around `events` (each the lines between BEGIN:VEVENT and END:VEVENT), CRLF.
fn calendar(header: &[&str], events: &[&[&str]]) -> String {
    let mut lines = vec!["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"];
    lines.extend_from_slice(header);
    for event in events {
        lines.push("BEGIN:VEVENT");
        lines.extend_from_slice(event);
        lines.push("END:VEVENT");
    }
    lines.push("END:VCALENDAR");
    lines.join("\r\n") + "\r\n"
}

fn one(event: &[&str]) -> Shift {
    let shifts = parse_ical(&calendar(&[], &[event])).unwrap();
    assert_eq!(shifts.len(), 1, "{shifts:?}");
    shifts.into_iter().next().unwrap()
}

fn err(text: &str) -> ScheduleError {
    match parse_ical(text) {
        Ok(shifts) => panic!("expected an error, got {shifts:?}"),
        Err(e) => e,
    }
}

fn event_err(event: &[&str]) -> ScheduleError {
    err(&calendar(&[], &[event]))
}

// Line numbers in `calendar(&[], &[event])`: BEGIN:VEVENT is line 4, the event's lines 5, 6, ...

#[test]
fn folded_lines_unfold_with_space_or_tab_and_errors_name_the_starting_line() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE-TIME:20260105T0\r\n 90000Z\r\nDTEND;TZID=Europe/\r\n\tLondon:20260106T090000\r\nSUMMARY:On Call - Alex Rive\r\n ra - Payments\r\n  Primary\r\nATTENDEE:ALEX.RIVERA@\r\n EXAMPLE.COM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let shifts = parse_ical(text).unwrap();
    assert_eq!(shifts[0].start, ts("2026-01-05T09:00:00Z"));
    assert_eq!(shifts[0].end, ts("2026-01-06T09:00:00Z"));
    assert_eq!(shifts[0].person.name.as_deref(), Some("Alex Rivera"));
    assert_eq!(shifts[0].schedule.as_deref(), Some("Payments Primary"));
    assert_eq!(
        shifts[0].person.email.as_deref(),
        Some("alex.rivera@example.com")
    );

    let e = err(&text.replace("\tLondon:20260106T090000", "\tLondon:20261306T090000"));
    assert_eq!(
        e.to_string(),
        "line 5: DTEND \"20261306T090000\": not a date-time"
    );
    assert_eq!(e.line(), 5);
}

#[test]
fn the_brief_s_example_error_message() {
    let e = event_err(&[
        "DTSTART:2026-13-05T09:00:00Z",
        "DTEND:20260106T090000Z",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(
        e.to_string(),
        "line 5: DTSTART \"2026-13-05T09:00:00Z\": not a date-time"
    );
}

#[test]
fn tzid_local_times_resolve_through_the_iana_database() {
    let s = one(&[
        "DTSTART;TZID=America/New_York:20260306T170000",
        "DTEND;TZID=\"America/New_York\":20260309T090000",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.start, ts("2026-03-06T22:00:00Z"));
    assert_eq!(s.end, ts("2026-03-09T13:00:00Z"));
}

#[test]
fn autumn_fold_picks_the_first_occurrence() {
    // 01:30 happens twice in London on 2026-10-25 (00:30Z BST, then 01:30Z GMT): RFC 5545 says
    // the first.
    let s = one(&[
        "DTSTART;TZID=Europe/London:20261025T013000",
        "DTEND;TZID=Europe/London:20261025T080000",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.start, ts("2026-10-25T00:30:00Z"));
    assert_eq!(s.end, ts("2026-10-25T08:00:00Z"));
}

#[test]
fn spring_gap_uses_the_offset_before_the_gap() {
    // 02:30 does not exist in New York on 2026-03-08; with the EST offset from before the gap it
    // is 07:30Z, i.e. 03:30 EDT.
    let s = one(&[
        "DTSTART;TZID=America/New_York:20260308T023000",
        "DTEND;TZID=America/New_York:20260308T090000",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.start, ts("2026-03-08T07:30:00Z"));
    assert_eq!(s.end, ts("2026-03-08T13:00:00Z"));
}

#[test]
fn dates_are_whole_local_days() {
    let s = one(&[
        "DTSTART;VALUE=DATE;TZID=Europe/London:20260328",
        "DTEND;VALUE=DATE;TZID=Europe/London:20260330",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.start, ts("2026-03-28T00:00:00Z"));
    assert_eq!(s.end, ts("2026-03-29T23:00:00Z"));
    // No zone at all: UTC days. No DTEND and no DURATION: one day (RFC 5545 §3.6.1).
    let s = one(&["DTSTART;VALUE=DATE:20260328", "ATTENDEE:a@example.com"]);
    assert_eq!(s.start, ts("2026-03-28T00:00:00Z"));
    assert_eq!(s.end, ts("2026-03-29T00:00:00Z"));
    // The calendar's X-WR-TIMEZONE applies to dates without a TZID.
    let text = calendar(
        &["X-WR-TIMEZONE:America/New_York"],
        &[&[
            "DTSTART;VALUE=DATE:20260307",
            "DURATION:P2D",
            "ATTENDEE:a@example.com",
        ]],
    );
    let s = &parse_ical(&text).unwrap()[0];
    assert_eq!(s.start, ts("2026-03-07T05:00:00Z"));
    assert_eq!(
        s.end,
        ts("2026-03-09T04:00:00Z"),
        "47 real hours across the change"
    );
}

#[test]
fn duration_days_are_local_days_and_hours_are_exact() {
    let s = one(&[
        "DTSTART;TZID=America/New_York:20260306T170000",
        "DURATION:P2DT16H",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.start, ts("2026-03-06T22:00:00Z"));
    assert_eq!(
        s.end,
        ts("2026-03-09T13:00:00Z"),
        "Monday 09:00 EDT: 63 real hours"
    );
    let s = one(&[
        "DTSTART;TZID=America/New_York:20260306T170000",
        "DURATION:PT64H",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.end, ts("2026-03-09T14:00:00Z"), "64 exact hours");
    let s = one(&[
        "DTSTART:20260105T090000Z",
        "DURATION:P1W",
        "ATTENDEE:a@example.com",
    ]);
    assert_eq!(s.end, ts("2026-01-12T09:00:00Z"));
}

#[test]
fn missing_or_backwards_ends_are_errors_naming_the_line() {
    let e = event_err(&["DTSTART:20260105T090000Z", "ATTENDEE:a@example.com"]);
    assert_eq!(e.line(), 5);
    assert!(e.to_string().contains("neither DTEND nor DURATION"), "{e}");

    let e = event_err(&[
        "ATTENDEE:a@example.com",
        "DTSTART:20260105T090000Z",
        "DTEND:20260105T090000Z",
    ]);
    assert_eq!(
        e.to_string(),
        "line 7: DTEND \"20260105T090000Z\": the event would end at 2026-01-05T09:00:00Z, not after its start 2026-01-05T09:00:00Z"
    );
    let e = event_err(&["DTSTART:20260105T090000Z", "DURATION:-PT1H"]);
    assert_eq!(e.line(), 6);
    let e = event_err(&["DTSTART:20260105T090000Z", "DURATION:PT0S"]);
    assert_eq!(e.line(), 6);
    let e = event_err(&["DTSTART:20260105T090000Z", "DURATION:1 hour"]);
    assert!(
        e.to_string()
            .starts_with("line 6: DURATION \"1 hour\": not a duration"),
        "{e}"
    );
    let e = event_err(&[
        "DTSTART:20260105T090000Z",
        "DTEND:20260105T100000Z",
        "DURATION:PT1H",
    ]);
    assert_eq!(e.line(), 7);
    let e = event_err(&["DTEND:20260105T100000Z", "ATTENDEE:a@example.com"]);
    assert_eq!(e.to_string(), "line 4: VEVENT has no DTSTART");
    let e = event_err(&[
        "DTSTART:20260105T090000Z",
        "DTSTART:20260105T100000Z",
        "DTEND:20260105T110000Z",
    ]);
    assert_eq!(e.line(), 6);
}

#[test]
fn floating_times_need_a_zone() {
    let e = event_err(&["DTSTART:20260105T090000", "DTEND:20260105T170000"]);
    assert_eq!(e.line(), 5);
    assert!(e.to_string().contains("no TZID"), "{e}");
    let text = calendar(
        &["X-WR-TIMEZONE:Europe/London"],
        &[&["DTSTART:20260705T090000", "DTEND:20260705T170000"]],
    );
    assert_eq!(
        parse_ical(&text).unwrap()[0].start,
        ts("2026-07-05T08:00:00Z")
    );
}

#[test]
fn rrule_and_rdate_are_refused() {
    let e = event_err(&[
        "DTSTART:20260105T090000Z",
        "DTEND:20260112T090000Z",
        "RRULE:FREQ=WEEKLY;COUNT=4",
    ]);
    assert_eq!(
        e.to_string(),
        "line 7: RRULE is not supported: export the rendered schedule"
    );
    let e = event_err(&[
        "DTSTART:20260105T090000Z",
        "DTEND:20260112T090000Z",
        "RDATE:20260119T090000Z",
    ]);
    assert_eq!(e.line(), 7);
    // A VTIMEZONE's RRULEs describe the zone, not the events: the New York fixture has them.
}

#[test]
fn cancelled_events_are_skipped() {
    let text = calendar(
        &[],
        &[
            &[
                "DTSTART:20260105T090000Z",
                "DTEND:20260106T090000Z",
                "STATUS:CANCELLED",
                "RRULE:FREQ=DAILY",
            ],
            &[
                "DTSTART:20260106T090000Z",
                "DTEND:20260107T090000Z",
                "STATUS:CONFIRMED",
                "ATTENDEE:b@example.com",
            ],
        ],
    );
    let shifts = parse_ical(&text).unwrap();
    assert_eq!(shifts.len(), 1);
    assert_eq!(shifts[0].person.email.as_deref(), Some("b@example.com"));
}

#[test]
fn unknown_time_zones_are_errors_naming_the_tzid() {
    let e = event_err(&[
        "DTSTART;TZID=Mars/Olympus_Mons:20260105T090000",
        "DTEND;TZID=Mars/Olympus_Mons:20260105T170000",
    ]);
    assert_eq!(e.line(), 5);
    assert!(
        e.to_string()
            .starts_with("line 5: TZID \"Mars/Olympus_Mons\": "),
        "{e}"
    );
}

#[test]
fn windows_vendor_prefixed_and_x_lic_location_zones() {
    let s = one(&[
        "DTSTART;TZID=Eastern Standard Time:20260306T170000",
        "DTEND;TZID=/mozilla.org/20050126_1/America/Argentina/Buenos_Aires:20260309T090000",
    ]);
    assert_eq!(s.start, ts("2026-03-06T22:00:00Z"));
    assert_eq!(s.end, ts("2026-03-09T12:00:00Z"));

    let vtz = |tzid: &str, extra: &[&str], parts: &[(&str, &str)]| {
        let mut lines = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{tzid}")];
        lines.extend(extra.iter().map(|s| s.to_string()));
        for (kind, to) in parts {
            lines.push(format!("BEGIN:{kind}"));
            lines.push("DTSTART:19700101T000000".into());
            lines.push(format!("TZOFFSETTO:{to}"));
            lines.push("TZOFFSETFROM:+0000".into());
            lines.push(format!("END:{kind}"));
        }
        lines.push("END:VTIMEZONE".into());
        lines.join("\r\n")
    };
    // A custom TZID whose VTIMEZONE points at the IANA zone.
    let zone = vtz(
        "Custom London",
        &["X-LIC-LOCATION:Europe/London"],
        &[("STANDARD", "+0000"), ("DAYLIGHT", "+0100")],
    );
    let text = calendar(
        &[&zone],
        &[&[
            "DTSTART;TZID=Custom London:20260705T090000",
            "DURATION:PT1H",
        ]],
    );
    assert_eq!(
        parse_ical(&text).unwrap()[0].start,
        ts("2026-07-05T08:00:00Z")
    );
    // A custom TZID with one fixed offset.
    let zone = vtz("Site time", &[], &[("STANDARD", "+0530")]);
    let text = calendar(
        &[&zone],
        &[&["DTSTART;TZID=Site time:20260705T090000", "DURATION:PT1H"]],
    );
    assert_eq!(
        parse_ical(&text).unwrap()[0].start,
        ts("2026-07-05T03:30:00Z")
    );
    // A custom TZID with DST rules and nothing to map it to.
    let zone = vtz(
        "Office",
        &[],
        &[("STANDARD", "-0500"), ("DAYLIGHT", "-0400")],
    );
    let text = calendar(
        &[&zone],
        &[&["DTSTART;TZID=Office:20260705T090000", "DURATION:PT1H"]],
    );
    let e = err(&text);
    assert!(e.to_string().contains("TZID \"Office\""), "{e}");
    assert!(e.to_string().contains("X-LIC-LOCATION"), "{e}");
}

#[test]
fn utc_z_wins_over_a_stray_tzid() {
    let s = one(&[
        "DTSTART;TZID=America/New_York:20260105T090000Z",
        "DTEND:20260105T100000Z",
    ]);
    assert_eq!(s.start, ts("2026-01-05T09:00:00Z"));
}

#[test]
fn person_from_attendee_summary_description_or_organizer() {
    let p = |email: Option<&str>, name: Option<&str>| PersonRef {
        email: email.map(str::to_owned),
        name: name.map(str::to_owned),
    };
    let base = ["DTSTART:20260105T090000Z", "DTEND:20260106T090000Z"];
    let with = |extra: &[&str]| {
        let mut lines = base.to_vec();
        lines.extend_from_slice(extra);
        one(&lines)
    };
    // CN wins over the summary's name; mailto is case-insensitive; emails are lower-cased.
    let s = with(&[
        "ATTENDEE;CN=\"Lee, Jordan\";ROLE=REQ-PARTICIPANT:MAILTO:Jordan.Lee@Example.com",
        "SUMMARY:On Call - Somebody Else - Payments",
    ]);
    assert_eq!(
        s.person,
        p(Some("jordan.lee@example.com"), Some("Lee, Jordan"))
    );
    assert_eq!(s.schedule.as_deref(), Some("Payments"));
    // No attendee: the summary (TEXT escapes undone), then the organizer.
    let s = with(&[
        "SUMMARY:On Call - Lee\\, Jordan",
        "ORGANIZER:mailto:boss@example.com",
    ]);
    assert_eq!(s.person, p(None, Some("Lee, Jordan")));
    let s = with(&["ORGANIZER;CN=Boss:mailto:boss@example.com"]);
    assert_eq!(s.person, p(Some("boss@example.com"), Some("Boss")));
    // An address that is not an email keeps the CN.
    let s = with(&["ATTENDEE;CN=Pat:urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"]);
    assert_eq!(s.person, p(None, Some("Pat")));
    // Nobody named: kept, for the caller to report.
    let s = with(&["SUMMARY:   "]);
    assert_eq!(s.person, p(None, None));
    assert_eq!(with(&[]).person, p(None, None));
}

#[test]
fn one_shift_per_attendee_sorted_by_email() {
    let shifts = parse_ical(&calendar(
        &["X-WR-CALNAME:Payments Primary"],
        &[&[
            "UID:shadowed",
            "DTSTART:20260105T090000Z",
            "DTEND:20260106T090000Z",
            "ATTENDEE:mailto:zed@example.com",
            "ATTENDEE;CN=Amy:mailto:amy@example.com",
        ]],
    ))
    .unwrap();
    let emails: Vec<_> = shifts
        .iter()
        .map(|s| s.person.email.as_deref().unwrap())
        .collect();
    assert_eq!(emails, ["amy@example.com", "zed@example.com"]);
    assert!(shifts.iter().all(|s| s.uid.as_deref() == Some("shadowed")));
    assert!(
        shifts
            .iter()
            .all(|s| s.schedule.as_deref() == Some("Payments Primary"))
    );
}

#[test]
fn valarm_properties_do_not_leak_into_the_event() {
    let s = one(&[
        "DTSTART:20260105T090000Z",
        "DTEND:20260106T090000Z",
        "ATTENDEE:a@example.com",
        "BEGIN:VALARM",
        "TRIGGER:-PT15M",
        "DURATION:PT5M",
        "REPEAT:2",
        "ATTENDEE:mailto:alarm@example.com",
        "END:VALARM",
    ]);
    assert_eq!(s.person.email.as_deref(), Some("a@example.com"));
}

#[test]
fn not_icalendar_is_an_error_not_an_empty_schedule() {
    assert_eq!(
        err("").to_string(),
        "line 1: empty input: expected BEGIN:VCALENDAR"
    );
    assert_eq!(err("\r\n  \r\n").line(), 1);
    let e = err("<!DOCTYPE html>\n<html><body>Log in</body></html>\n");
    assert_eq!(e.line(), 1);
    let e = err("{\"error\":\"not found\"}");
    assert!(e.to_string().starts_with("line 1: "), "{e}");
    let e = err("BEGIN:VEVENT\r\nEND:VEVENT\r\n");
    assert_eq!(
        e.to_string(),
        "line 1: expected BEGIN:VCALENDAR, found BEGIN:VEVENT"
    );
    let e = err("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n");
    assert_eq!(
        e.to_string(),
        "line 3: END:VCALENDAR does not close BEGIN:VEVENT at line 2"
    );
    let e = err("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n");
    assert_eq!(e.line(), 2);
    let e = err("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nEND:VCALENDAR\r\n");
    assert_eq!(e.line(), 3);
    let e = err(" folded:nothing\r\nBEGIN:VCALENDAR\r\n");
    assert_eq!(e.line(), 1);
    let e = err("BEGIN:VCALENDAR\r\nVERSION 2.0\r\nEND:VCALENDAR\r\n");
    assert_eq!(
        e.to_string(),
        "line 2: VERSION: expected ':' before the value in \"VERSION 2.0\""
    );
    let e = err("BEGIN:VCALENDAR\r\nX;CN=\"open:x\r\nEND:VCALENDAR\r\n");
    assert_eq!(e.line(), 2);
    let e = err("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nSUMMARY:after\r\n");
    assert_eq!(e.line(), 3);
}

#[test]
fn an_empty_calendar_has_no_shifts_and_a_bom_is_ignored() {
    assert_eq!(
        parse_ical("BEGIN:VCALENDAR\nEND:VCALENDAR\n").unwrap(),
        vec![]
    );
    let text = format!(
        "\u{feff}{}",
        calendar(&[], &[&["DTSTART:20260105T090000Z", "DURATION:PT1H"]])
    );
    assert_eq!(parse_ical(&text).unwrap().len(), 1);
}

#[test]
fn x_wr_calname_may_come_after_the_events_and_calendars_may_be_concatenated() {
    let a = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260105T090000Z\nDURATION:PT1H\nATTENDEE:a@example.com\nEND:VEVENT\nX-WR-CALNAME:First\nEND:VCALENDAR\n";
    let b = "BEGIN:VCALENDAR\nX-WR-CALNAME:Second\nBEGIN:VEVENT\nDTSTART:20260101T090000Z\nDURATION:PT1H\nATTENDEE:b@example.com\nEND:VEVENT\nEND:VCALENDAR\n";
    let shifts = parse_ical(&format!("{a}{b}")).unwrap();
    let got: Vec<_> = shifts
        .iter()
        .map(|s| s.schedule.as_deref().unwrap())
        .collect();
    assert_eq!(got, ["Second", "First"], "sorted by start");
}
