//! Public-holiday calendars (issue 9, item 3): an iCalendar feed of whole-day events, as
//! governments and calendar services publish them (GOV.UK's `bank-holidays.ics`, Google's
//! "Holidays in …" calendars, Outlook's holiday calendars), read into named dates.
//!
//! A holiday is a date, not an instant: it is whatever day it is where the rotation is, so
//! each event's `DTSTART` must be a `VALUE=DATE`. An event may span several days (its
//! `DTEND` is exclusive, RFC 5545 §3.6.1). Unlike shift exports, holiday feeds sometimes
//! give fixed-date holidays once with `RRULE:FREQ=YEARLY`; that one rule (with `COUNT` or
//! `UNTIL`, no other parts) is expanded, at most [`YEARS_OF_RECURRENCE`] years. Any other
//! recurrence is refused with its line: a holiday silently dropped would weigh nothing.

use std::collections::BTreeSet;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::content::{ContentLine, unescape_text};
use crate::value::{When, parse_when};
use crate::{Component, ScheduleError, Tree, build_tree, limits, value_error};

/// How many years a yearly rule is expanded when it gives no end.
pub const YEARS_OF_RECURRENCE: i16 = 10;
/// The longest one event may last: a holiday of more than a month is a mistake in the feed.
pub const MAX_DAYS_PER_EVENT: i64 = 31;

/// One day of a holiday: `date` is a local calendar date; `name` is the event's summary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
}

/// Reads a holiday feed: its calendar's name (`X-WR-CALNAME`, if any) and its holidays,
/// sorted by date then name, each (date, name) once. Cancelled events are left out.
pub fn parse_holidays(text: &str) -> Result<(Option<String>, Vec<Holiday>), ScheduleError> {
    if text.len() > limits::MAX_BYTES {
        return Err(ScheduleError::TooLarge {
            line: 1,
            limit: crate::Limit::Bytes(limits::MAX_BYTES),
        });
    }
    let lines = crate::content::content_lines(text)?;
    let tree = build_tree(lines)?;
    let mut out = BTreeSet::new();
    let mut name = None;
    for calendar in tree.roots() {
        if name.is_none() {
            name = calendar
                .prop("X-WR-CALNAME")
                .map(|p| unescape_text(&p.value).trim().to_owned())
                .filter(|n| !n.is_empty());
        }
        events(&tree, calendar, &mut out)?;
    }
    Ok((name, out.into_iter().collect()))
}

fn events(
    tree: &Tree,
    calendar: &Component,
    out: &mut BTreeSet<Holiday>,
) -> Result<(), ScheduleError> {
    for event in tree.children(calendar).filter(|c| c.name == "VEVENT") {
        if event
            .prop("STATUS")
            .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("CANCELLED"))
        {
            continue;
        }
        let Some(dtstart) = event.single("DTSTART")? else {
            return Err(ScheduleError::Syntax {
                line: event.line,
                message: "VEVENT has no DTSTART".into(),
            });
        };
        let start = day_of(dtstart)?;
        let days = match event.single("DTEND")? {
            Some(dtend) => {
                let end = day_of(dtend)?;
                let days = start
                    .until(end)
                    .map(|s| i64::from(s.get_days()))
                    .unwrap_or(0);
                if days <= 0 {
                    return Err(value_error(
                        dtend,
                        format!("the holiday would end on {end}, not after it starts on {start}"),
                    ));
                }
                if days > MAX_DAYS_PER_EVENT {
                    return Err(value_error(
                        dtend,
                        format!("a holiday of {days} days; at most {MAX_DAYS_PER_EVENT} are read"),
                    ));
                }
                days
            }
            None => 1,
        };
        let name = event
            .prop("SUMMARY")
            .map(|p| unescape_text(&p.value).trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Public holiday".into());
        if let Some(bad) = event.props.iter().find(|p| p.name == "RDATE") {
            return Err(ScheduleError::Unsupported {
                line: bad.line,
                property: bad.name.clone(),
            });
        }
        let firsts = match event.single("RRULE")? {
            None => vec![start],
            Some(rule) => yearly(rule, start)?,
        };
        for first in firsts {
            for d in 0..days {
                if let Ok(date) = first.checked_add(d.days()) {
                    out.insert(Holiday {
                        date,
                        name: name.clone(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// A `DTSTART`/`DTEND` that must be a whole day.
fn day_of(prop: &ContentLine) -> Result<Date, ScheduleError> {
    match parse_when(&prop.value) {
        Some(When::Day(d)) => Ok(d),
        Some(_) => Err(value_error(
            prop,
            "a holiday is a whole day: expected a date (VALUE=DATE, like 20271225), not a date-time"
                .into(),
        )),
        None => Err(value_error(prop, "not a date".into())),
    }
}

/// The dates of `RRULE:FREQ=YEARLY[;COUNT=n|;UNTIL=date]` from `start`.
fn yearly(rule: &ContentLine, start: Date) -> Result<Vec<Date>, ScheduleError> {
    let unsupported = |why: &str| {
        value_error(
            rule,
            format!(
                "{why}: only FREQ=YEARLY with COUNT or UNTIL is read; export the dates instead"
            ),
        )
    };
    let (mut yearly_freq, mut count, mut until) = (false, None, None);
    for part in rule.value.split(';').filter(|p| !p.trim().is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| unsupported("not KEY=VALUE"))?;
        match k.trim().to_ascii_uppercase().as_str() {
            "FREQ" if v.trim().eq_ignore_ascii_case("YEARLY") => yearly_freq = true,
            "COUNT" => {
                count = Some(
                    v.trim()
                        .parse::<i16>()
                        .ok()
                        .filter(|c| *c >= 1)
                        .ok_or_else(|| unsupported("COUNT is not a positive number"))?,
                )
            }
            "UNTIL" => match parse_when(v) {
                Some(When::Day(d)) => until = Some(d),
                Some(When::Utc(dt)) | Some(When::Local(dt)) => until = Some(dt.date()),
                None => return Err(unsupported("UNTIL is not a date")),
            },
            other => return Err(unsupported(&format!("{other} is not read"))),
        }
    }
    if !yearly_freq {
        return Err(unsupported("not a yearly rule"));
    }
    let years = count
        .unwrap_or(YEARS_OF_RECURRENCE)
        .min(YEARS_OF_RECURRENCE * 5);
    let mut out = Vec::new();
    for y in 0..years {
        // 29 February recurs only in leap years (RFC 5545: invalid dates are skipped).
        let Ok(year) = i16::try_from(i32::from(start.year()) + i32::from(y)) else {
            break;
        };
        let Ok(date) = Date::new(year, start.month(), start.day()) else {
            continue;
        };
        if until.is_some_and(|u| date > u) {
            break;
        }
        out.push(date);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap_or_default()
    }

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:UK bank holidays\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20271227\r\nDTEND;VALUE=DATE:20271229\r\nSUMMARY:Christmas Day (substitute day)\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\\, observed\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20240229\r\nRRULE:FREQ=YEARLY;COUNT=5\r\nSUMMARY:Leap day\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20270501\r\nSTATUS:CANCELLED\r\nSUMMARY:Gone\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn whole_days_multi_day_events_and_yearly_rules_become_dates() {
        let (name, days) = parse_holidays(FEED).unwrap_or_default();
        assert_eq!(name.as_deref(), Some("UK bank holidays"));
        let dates: Vec<Date> = days.iter().map(|h| h.date).collect();
        assert_eq!(
            dates,
            vec![
                date(2024, 2, 29),
                date(2027, 1, 1),
                date(2027, 12, 27),
                date(2027, 12, 28),
                date(2028, 2, 29),
            ]
        );
        assert_eq!(days[1].name, "New Year, observed");
    }

    #[test]
    fn refusals_name_the_line_and_the_reason() {
        let timed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20271225T000000Z\r\nDTEND:20271226T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let e = parse_holidays(timed)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("line 3: DTSTART"), "{e}");
        assert!(e.contains("whole day"), "{e}");
        let monthly = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271225\r\nRRULE:FREQ=MONTHLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let e = parse_holidays(monthly)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("line 4: RRULE"), "{e}");
        let backwards = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271225\r\nDTEND;VALUE=DATE:20271225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let e = parse_holidays(backwards)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("line 4: DTEND"), "{e}");
        assert!(parse_holidays("hello").is_err());
    }

    proptest::proptest! {
        /// Whatever the text, reading it returns an answer or an error, never a panic, and
        /// the answer is sorted with each (date, name) once.
        #[test]
        fn any_text_is_read_or_refused(text in "(BEGIN:VCALENDAR\r\n|BEGIN:VEVENT\r\n|DTSTART;VALUE=DATE:2027[01][0-9][0-3][0-9]\r\n|RRULE:FREQ=YEARLY;COUNT=[0-9]\r\n|DTEND;VALUE=DATE:20271[0-2][0-3][0-9]\r\n|SUMMARY:[a-z ]{0,8}\r\n|END:VEVENT\r\n|END:VCALENDAR\r\n){0,12}") {
            if let Ok((_, days)) = parse_holidays(&text) {
                proptest::prop_assert!(days.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }
}
