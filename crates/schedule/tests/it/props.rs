//! Properties: no input panics, and calendars of random shifts, written in the UTC and TZID forms
//! with random folding and line endings, read back to the instants they were written from.

use aftercare_schedule::{PersonRef, Shift, parse_ical};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, civil::DateTime};
use proptest::prelude::*;

/// Zones with the awkward cases: half-hour and 45-minute offsets, a 30-minute DST (Lord Howe),
/// negative DST (Dublin, in tzdata's model), southern-hemisphere DST, and none at all.
const ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "Europe/Dublin",
    "America/Sao_Paulo",
];

const PEOPLE: &[(&str, &str)] = &[
    ("Alex.Rivera@Example.com", "Alex Rivera"),
    ("sam.okafor@example.com", "Sam Okafor"),
    ("jordan.lee@example.com", "Lee, Jordan"),
    ("zoë@example.com", "Zoë Ñandú"),
];

#[derive(Debug, Clone)]
enum Form {
    /// `DTSTART;VALUE=DATE-TIME:…Z` / `DTEND…Z`, PagerDuty's shape.
    Utc,
    /// `DTSTART:…Z` plus an exact `DURATION:P…DT…H…M…S`.
    UtcDuration,
    /// `DTSTART;TZID=zone:local` / `DTEND;TZID=zone:local`.
    Tzid { zone: usize, quoted: bool },
}

#[derive(Debug, Clone)]
enum Who {
    /// Bare email in ATTENDEE, name in the summary (PagerDuty).
    Bare,
    /// `ATTENDEE;CN="name":mailto:email`.
    Cn,
}

#[derive(Debug, Clone)]
struct Spec {
    start: Timestamp,
    seconds: i64,
    form: Form,
    who: Who,
    person: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    let start_2020 = 1_577_836_800i64;
    let span = 11 * 365 * 86_400i64;
    (
        0..span,
        any::<bool>(),
        -4 * 3600i64..4 * 3600,
        prop_oneof![1i64..7200, 1i64..(15 * 86_400)],
        0..3usize,
        0..ZONES.len(),
        any::<bool>(),
        any::<bool>(),
        0..PEOPLE.len(),
    )
        .prop_map(
            move |(at, near_transition, around, seconds, form, zone, quoted, cn, person)| {
                let mut start = Timestamp::from_second(start_2020 + at).unwrap();
                // Uniform instants almost never land in a fold; half the shifts start within
                // four hours of one of their zone's transitions instead.
                if near_transition
                    && let Some(t) = TimeZone::get(ZONES[zone]).unwrap().following(start).next()
                {
                    start = Timestamp::from_second(t.timestamp().as_second() + around).unwrap();
                }
                let form = match form {
                    0 => Form::Utc,
                    1 => Form::UtcDuration,
                    _ => Form::Tzid { zone, quoted },
                };
                let who = if cn { Who::Cn } else { Who::Bare };
                Spec {
                    start,
                    seconds,
                    form,
                    who,
                    person,
                }
            },
        )
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn local(t: Timestamp, tz: &TimeZone) -> DateTime {
    t.to_zoned(tz.clone()).datetime()
}

/// What RFC 5545 says a local time means: itself when unambiguous, the first occurrence in a
/// fold. Computed from the offsets, independently of the parser's use of jiff's disambiguation.
fn rfc5545_instant(dt: DateTime, tz: &TimeZone) -> Timestamp {
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => {
            dt.to_zoned(TimeZone::fixed(offset)).unwrap().timestamp()
        }
        AmbiguousOffset::Fold { before, .. } => {
            dt.to_zoned(TimeZone::fixed(before)).unwrap().timestamp()
        }
        AmbiguousOffset::Gap { .. } => unreachable!("a real instant's local time exists"),
    }
}

fn escape_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
}

/// The calendar's logical lines, and the shifts it should parse to (unsorted). An `Err` holds the
/// 0-based index of the logical line whose end is not after its start.
fn render(specs: &[Spec]) -> (Vec<String>, Result<Vec<Shift>, usize>) {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "X-WR-CALNAME:Generated".into(),
    ];
    let mut expected = Ok(Vec::new());
    for (i, spec) in specs.iter().enumerate() {
        let (email, name) = PEOPLE[spec.person];
        let end = Timestamp::from_second(spec.start.as_second() + spec.seconds).unwrap();
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:u{i}"));
        let (start, end, end_line) = match &spec.form {
            Form::Utc => {
                lines.push(format!("DTSTART;VALUE=DATE-TIME:{}", utc(spec.start)));
                lines.push(format!("DTEND;VALUE=DATE-TIME:{}", utc(end)));
                (spec.start, end, lines.len() - 1)
            }
            Form::UtcDuration => {
                let s = spec.seconds;
                lines.push(format!("DTSTART:{}", utc(spec.start)));
                lines.push(format!(
                    "DURATION:P{}DT{}H{}M{}S",
                    s / 86_400,
                    s % 86_400 / 3600,
                    s % 3600 / 60,
                    s % 60
                ));
                (spec.start, end, lines.len() - 1)
            }
            Form::Tzid { zone, quoted } => {
                let tz = TimeZone::get(ZONES[*zone]).unwrap();
                let tzid = if *quoted {
                    format!("\"{}\"", ZONES[*zone])
                } else {
                    ZONES[*zone].to_string()
                };
                let (ls, le) = (local(spec.start, &tz), local(end, &tz));
                lines.push(format!(
                    "DTSTART;TZID={tzid}:{}",
                    ls.strftime("%Y%m%dT%H%M%S")
                ));
                lines.push(format!(
                    "DTEND;TZID={tzid}:{}",
                    le.strftime("%Y%m%dT%H%M%S")
                ));
                let (s, e) = (rfc5545_instant(ls, &tz), rfc5545_instant(le, &tz));
                assert!(
                    s <= spec.start && e <= end,
                    "the first occurrence is never later"
                );
                (s, e, lines.len() - 1)
            }
        };
        let person = PersonRef {
            email: Some(email.to_lowercase()),
            name: Some(name.to_string()),
        };
        match spec.who {
            Who::Bare => lines.push(format!("ATTENDEE:{email}")),
            Who::Cn => lines.push(format!("ATTENDEE;CN=\"{name}\":mailto:{email}")),
        }
        lines.push(format!("SUMMARY:On Call - {} - Primary", escape_text(name)));
        lines.push("END:VEVENT".into());
        if end <= start {
            if expected.is_ok() {
                expected = Err(end_line);
            }
        } else if let Ok(shifts) = &mut expected {
            shifts.push(Shift {
                start,
                end,
                person,
                schedule: Some("Primary".into()),
                uid: Some(format!("u{i}")),
            });
        }
    }
    lines.push("END:VCALENDAR".into());
    (lines, expected)
}

/// Folds each logical line at the given character widths (cycled), with a space or a tab, and
/// joins with CRLF or LF. Returns the text and the physical line number of each logical line.
fn fold(lines: &[String], widths: &[usize], tabs: &[bool], crlf: bool) -> (String, Vec<usize>) {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    let mut starts = Vec::new();
    let mut physical = 1;
    let mut k = 0;
    for line in lines {
        starts.push(physical);
        let chars: Vec<char> = line.chars().collect();
        let mut pos = 0;
        let mut first = true;
        while first || pos < chars.len() {
            let width = widths[k % widths.len()];
            let take = width.min(chars.len() - pos);
            if !first {
                out.push_str(eol);
                out.push(if tabs[k % tabs.len()] { '\t' } else { ' ' });
                physical += 1;
            }
            out.extend(&chars[pos..pos + take]);
            pos += take;
            k += 1;
            first = false;
        }
        out.push_str(eol);
        physical += 1;
    }
    (out, starts)
}

fn sorted(mut shifts: Vec<Shift>) -> Vec<Shift> {
    shifts.sort_by(|a, b| {
        (a.start, &a.person.email, &a.person.name, a.end, &a.uid).cmp(&(
            b.start,
            &b.person.email,
            &b.person.name,
            b.end,
            &b.uid,
        ))
    });
    shifts
}

/// Lines that get a parser into its interesting states, for the no-panic property.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("BEGIN:VCALENDAR".to_string()),
        Just("END:VCALENDAR".to_string()),
        Just("BEGIN:VEVENT".to_string()),
        Just("END:VEVENT".to_string()),
        Just("BEGIN:VTIMEZONE".to_string()),
        Just("END:VTIMEZONE".to_string()),
        Just("STATUS:CANCELLED".to_string()),
        "(DTSTART|DTEND)(;VALUE=DATE|;TZID=[A-Za-z/_ \"]{0,20})?:[0-9TZ:+-]{0,20}",
        "DURATION:[-+]?P[0-9WDTHMS]{0,12}",
        "(ATTENDEE|ORGANIZER)(;CN=\"?[^\"\r\n]{0,10}\"?)?:(mailto:)?[a-z@.]{0,12}",
        "SUMMARY:(On Call - )?[a-z -]{0,20}",
        "(TZID|X-LIC-LOCATION|TZOFFSETTO|X-WR-TIMEZONE):[A-Za-z/+0-9]{0,12}",
        "(RRULE|RDATE):[A-Z=;0-9]{0,10}",
        "[ \t]?[^\r\n]{0,30}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = parse_ical(&text);
    }

    #[test]
    fn icalendar_shaped_junk_never_panics(
        lines in prop::collection::vec(fragment(), 0..40),
        crlf in any::<bool>(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        if let Err(e) = parse_ical(&text) {
            let message = e.to_string();
            prop_assert!(message.starts_with(&format!("line {}: ", e.line())), "{message}");
            prop_assert!(e.line() >= 1 && e.line() <= text.split('\n').count().max(1));
        }
    }

    #[test]
    fn random_shifts_round_trip_to_the_same_instants(
        specs in prop::collection::vec(spec(), 0..12),
        widths in prop::collection::vec(1usize..76, 1..8),
        tabs in prop::collection::vec(any::<bool>(), 1..4),
        crlf in any::<bool>(),
    ) {
        let (lines, expected) = render(&specs);
        let (text, starts) = fold(&lines, &widths, &tabs, crlf);
        match expected {
            Ok(expected) => prop_assert_eq!(parse_ical(&text).unwrap(), sorted(expected)),
            // Only possible when a fold maps the end back before the start.
            Err(end_line) => {
                let e = parse_ical(&text).unwrap_err();
                prop_assert_eq!(e.line(), starts[end_line], "{}", e);
            }
        }
    }
}

#[test]
fn the_fold_helper_folds() {
    let (text, starts) = fold(&["ABCDE".into(), "F".into()], &[2], &[true], true);
    assert_eq!(text, "AB\r\n\tCD\r\n\tE\r\nF\r\n");
    assert_eq!(starts, vec![1, 4]);
}
