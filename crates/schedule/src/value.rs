//! DATE, DATE-TIME (RFC 5545 §3.3.4, §3.3.5) and DURATION (§3.3.6) values.

use jiff::Span;
use jiff::civil::{Date, DateTime, Time};

/// A DATE or DATE-TIME value before any time zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// `…T…Z`: form #2, UTC.
    Utc(DateTime),
    /// `…T…` without `Z`: form #1 (floating) or form #3 (with a TZID parameter).
    Local(DateTime),
    /// `VALUE=DATE`: a whole day, starting at local midnight.
    Day(Date),
}

/// Parses `YYYYMMDD` or `YYYYMMDDTHHMMSS[Z]`.
///
/// Also takes the extended forms `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS[Z]`: not RFC 5545, but
/// hand-written and script-generated calendars use them and their meaning is unambiguous.
/// Whether a value is a date or a date-time is decided by its shape, not by `VALUE=DATE`, because
/// the shape cannot lie and generators do forget the parameter.
pub(crate) fn parse_when(raw: &str) -> Option<When> {
    let value = raw.trim();
    let (value, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(v) => (v, true),
        None => (value, false),
    };
    let (date, time) = match value.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (value, None),
    };
    let date = parse_date(date)?;
    let Some(time) = time else {
        // "20260105Z" is not a thing.
        return if utc { None } else { Some(When::Day(date)) };
    };
    let time = parse_time(time)?;
    let dt = date.to_datetime(time);
    Some(if utc { When::Utc(dt) } else { When::Local(dt) })
}

fn digits(s: &str) -> Option<i32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_date(s: &str) -> Option<Date> {
    let compact: String;
    let s = if s.len() == 10
        && s.as_bytes().get(4) == Some(&b'-')
        && s.as_bytes().get(7) == Some(&b'-')
    {
        compact = s.replace('-', "");
        compact.as_str()
    } else {
        s
    };
    if s.len() != 8 {
        return None;
    }
    let year = i16::try_from(digits(s.get(0..4)?)?).ok()?;
    let month = i8::try_from(digits(s.get(4..6)?)?).ok()?;
    let day = i8::try_from(digits(s.get(6..8)?)?).ok()?;
    Date::new(year, month, day).ok()
}

fn parse_time(s: &str) -> Option<Time> {
    let compact: String;
    let s =
        if s.len() == 8 && s.as_bytes().get(2) == Some(&b':') && s.as_bytes().get(5) == Some(&b':')
        {
            compact = s.replace(':', "");
            compact.as_str()
        } else {
            s
        };
    if s.len() != 6 {
        return None;
    }
    let hour = i8::try_from(digits(s.get(0..2)?)?).ok()?;
    let minute = i8::try_from(digits(s.get(2..4)?)?).ok()?;
    let second = i8::try_from(digits(s.get(4..6)?)?).ok()?;
    // RFC 5545 allows second 60 for a leap second; jiff (like POSIX time) has none, so it becomes
    // :59, the same choice jiff makes when parsing RFC 3339.
    let second = if second == 60 { 59 } else { second };
    Time::new(hour, minute, second, 0).ok()
}

/// Parses `[+|-]P[nW][nD][T[nH][nM][nS]]` into a span whose weeks and days are calendar units
/// and whose hours, minutes and seconds are exact: jiff adds the calendar part in local civil time
/// and the rest on the timeline, which is precisely RFC 5545 §3.3.6 ("P1D" across a DST change is
/// 23 or 25 hours, "PT24H" is always 24). RFC 5545 only allows weeks on their own; mixing them
/// with other units is accepted since the meaning is clear.
///
/// Returns `Err` with a reason; a negative duration parses (the caller rejects the end it gives).
pub(crate) fn parse_duration(raw: &str) -> Result<Span, String> {
    let value = raw.trim();
    let (negative, value) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let Some(mut rest) = value.strip_prefix(['P', 'p']) else {
        return Err("not a duration (expected e.g. PT12H, P1D or P1W)".into());
    };
    let mut span = Span::new();
    let mut in_time = false;
    // Units must come in this order; remembering the last one rejects "PT1S1H" and "P1D1W".
    let order = ['W', 'D', 'H', 'M', 'S'];
    let mut last: Option<usize> = None;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(['T', 't']) {
            if in_time {
                return Err("'T' appears twice".into());
            }
            in_time = true;
            rest = after;
            if rest.is_empty() {
                return Err("'T' must be followed by hours, minutes or seconds".into());
            }
            continue;
        }
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if end == 0 {
            return Err(format!("expected a number at {rest:?}"));
        }
        let number: i64 = rest[..end]
            .parse()
            .map_err(|_| format!("number {:?} is too large", &rest[..end]))?;
        let number = if negative { -number } else { number };
        let Some(unit) = rest[end..].chars().next().map(|c| c.to_ascii_uppercase()) else {
            return Err(format!("number {} has no unit", &rest[..end]));
        };
        let Some(position) = order.iter().position(|u| *u == unit) else {
            return Err(format!("unexpected unit {unit:?}"));
        };
        if last.is_some_and(|l| position <= l) {
            return Err(format!("unit {unit} is out of order or repeated"));
        }
        let time_unit = position >= 2;
        if time_unit != in_time {
            return Err(if time_unit {
                format!("{unit} needs a 'T' before it (e.g. PT12H)")
            } else {
                format!("{unit} must come before 'T'")
            });
        }
        let too_large = |_| format!("{number}{unit} is too large");
        span = match unit {
            'W' => span.try_weeks(number).map_err(too_large)?,
            'D' => span.try_days(number).map_err(too_large)?,
            'H' => span.try_hours(number).map_err(too_large)?,
            'M' => span.try_minutes(number).map_err(too_large)?,
            _ => span.try_seconds(number).map_err(too_large)?,
        };
        last = Some(position);
        rest = &rest[end + 1..];
    }
    if last.is_none() {
        return Err("a duration needs at least one number and unit".into());
    }
    Ok(span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn date_time_forms() {
        let dt = date(2026, 3, 6).at(17, 0, 0, 0);
        assert_eq!(parse_when("20260306T170000"), Some(When::Local(dt)));
        assert_eq!(parse_when("20260306T170000Z"), Some(When::Utc(dt)));
        assert_eq!(parse_when("2026-03-06T17:00:00Z"), Some(When::Utc(dt)));
        assert_eq!(parse_when("20260306"), Some(When::Day(date(2026, 3, 6))));
        assert_eq!(parse_when("2026-03-06"), Some(When::Day(date(2026, 3, 6))));
        for bad in [
            "",
            "2026-13-05T09:00:00Z",
            "20260230T090000Z",
            "20260306T240000",
            "20260306T1700",
            "20260306Z",
            "+0260306T170000",
            "２０２６0306",
        ] {
            assert_eq!(parse_when(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations() {
        let ok = |s: &str| parse_duration(s).unwrap().fieldwise();
        assert_eq!(ok("PT12H"), Span::new().hours(12).fieldwise());
        assert_eq!(ok("P1W"), Span::new().weeks(1).fieldwise());
        assert_eq!(
            ok("P15DT5H0M20S"),
            Span::new().days(15).hours(5).seconds(20).fieldwise()
        );
        assert_eq!(ok("-PT1M"), Span::new().minutes(-1).fieldwise());
        assert_eq!(ok("pt90m"), Span::new().minutes(90).fieldwise());
        for bad in [
            "",
            "P",
            "PT",
            "12H",
            "P1H",
            "PT1D",
            "PT1S1H",
            "P1D1W",
            "P1DT",
            "PT1H1H",
            "P1",
            "P99999999999999999999D",
            "PT1HT1M",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
