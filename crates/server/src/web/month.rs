//! The month view of a schedule or a rotation (issue 9, item 10): four weeks, Monday
//! first, in one zone; each day lists who is on call (primary and secondary, clipped to
//! the day) and who is away. Stretches crossing midnight show on both days.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use aftercare_app::time_off::Away;

/// How many weeks the calendar shows at once.
pub(super) const WEEKS: i64 = 4;

pub(super) struct CalEntry {
    pub text: String,
    /// `holiday`, `primary`, `secondary` or `away`: the entry's style.
    pub kind: &'static str,
}

pub(super) struct CalDay {
    pub label: String,
    pub iso: String,
    pub today: bool,
    pub entries: Vec<CalEntry>,
}

/// The four weeks shown, with links to the four before and after.
pub(super) struct Calendar {
    pub zone: String,
    pub weeks: Vec<Vec<CalDay>>,
    pub first: String,
    pub prev: String,
    pub next: String,
}

/// Someone on call from `start` to `end`.
pub(super) struct Stretch {
    pub who: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub secondary: bool,
}

/// The first day shown: the Monday on or before `from` (a date as typed, else today).
pub(super) fn first_day(zone: &TimeZone, from: Option<&str>) -> Result<Date, String> {
    let day = match from.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => text
            .parse::<Date>()
            .map_err(|_| format!("{text:?} is not a date like 2027-01-04"))?,
        None => Timestamp::now().to_zoned(zone.clone()).date(),
    };
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days())
        .map_err(|_| "is out of range".to_string())
}

/// The instant a local day starts (its first instant, after any gap).
pub(super) fn day_start(zone: &TimeZone, d: Date) -> Timestamp {
    // A midnight skipped by a clock change starts the day at the first instant after it.
    zone.to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .disambiguate(jiff::tz::Disambiguation::Compatible)
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn hhmm(zone: &TimeZone, t: Timestamp, day_end: Timestamp) -> String {
    if t >= day_end {
        "24:00".into()
    } else {
        t.to_zoned(zone.clone()).strftime("%H:%M").to_string()
    }
}

/// The span of days shown: `[start of first, start of first + 4 weeks)`.
pub(super) fn span(zone: &TimeZone, first: Date) -> (Timestamp, Timestamp) {
    let last = first.checked_add((7 * WEEKS).days()).unwrap_or(first);
    (day_start(zone, first), day_start(zone, last))
}

/// A public holiday to show on its date: its name and the calendar it is from.
pub(super) struct HolidayMark {
    pub date: Date,
    pub text: String,
}

pub(super) fn build(
    zone: &TimeZone,
    first: Date,
    stretches: &[Stretch],
    away: &[Away],
    holidays: &[HolidayMark],
) -> Calendar {
    let today = Timestamp::now().to_zoned(zone.clone()).date();
    let mut weeks = Vec::new();
    for w in 0..WEEKS {
        let mut days = Vec::new();
        for d in 0..7 {
            let Ok(date) = first.checked_add((7 * w + d).days()) else {
                continue;
            };
            let start = day_start(zone, date);
            let end = date
                .checked_add(1.day())
                .map_or(start, |n| day_start(zone, n));
            let mut entries: Vec<CalEntry> = holidays
                .iter()
                .filter(|h| h.date == date)
                .map(|h| CalEntry {
                    text: h.text.clone(),
                    kind: "holiday",
                })
                .collect();
            entries.extend(
                stretches
                    .iter()
                    .filter(|s| s.start < end && s.end > start)
                    .map(|s| CalEntry {
                        text: format!(
                            "{}–{} {}{}",
                            hhmm(zone, s.start.max(start), end),
                            hhmm(zone, s.end.min(end), end),
                            s.who,
                            if s.secondary { " (secondary)" } else { "" }
                        ),
                        kind: if s.secondary { "secondary" } else { "primary" },
                    }),
            );
            entries.extend(
                away.iter()
                    .filter(|a| a.start < end && a.end > start)
                    .map(|a| CalEntry {
                        text: format!("{} away ({})", a.person.name, a.kind),
                        kind: "away",
                    }),
            );
            days.push(CalDay {
                label: date.strftime("%a %-d %b").to_string(),
                iso: date.to_string(),
                today: date == today,
                entries,
            });
        }
        weeks.push(days);
    }
    let shift = |n: i64| {
        first
            .checked_add((n * 7 * WEEKS).days())
            .unwrap_or(first)
            .to_string()
    };
    Calendar {
        zone: zone.iana_name().unwrap_or("UTC").to_string(),
        weeks,
        first: first.to_string(),
        prev: shift(-1),
        next: shift(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn a_night_stretch_shows_on_both_days_and_the_week_starts_on_monday() {
        let zone = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
        // Thursday 7 January 2027 → Monday 4 January.
        let first = first_day(&zone, Some("2027-01-07")).unwrap_or_default();
        assert_eq!(first.to_string(), "2027-01-04");
        let stretches = [Stretch {
            who: "Ana".into(),
            start: ts("2027-01-05T20:00:00Z"),
            end: ts("2027-01-06T08:00:00Z"),
            secondary: false,
        }];
        let holidays = [HolidayMark {
            date: Date::new(2027, 1, 5).unwrap_or_default(),
            text: "Twelfth Night (made up)".into(),
        }];
        let cal = build(&zone, first, &stretches, &[], &holidays);
        assert_eq!(cal.weeks.len(), 4);
        let tue = &cal.weeks[0][1];
        let wed = &cal.weeks[0][2];
        assert_eq!(tue.entries[0].text, "Twelfth Night (made up)");
        assert_eq!(tue.entries[0].kind, "holiday");
        assert_eq!(tue.entries[1].text, "20:00–24:00 Ana");
        assert_eq!(wed.entries[0].text, "00:00–08:00 Ana");
        assert!(cal.weeks[0][0].entries.is_empty());
        assert_eq!(cal.prev, "2026-12-07");
        assert_eq!(cal.next, "2027-02-01");
        assert!(first_day(&zone, Some("next week")).is_err());
    }
}
