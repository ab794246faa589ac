//! Rest after bad nights (issue 9, item 6): once the person on call has had
//! [`NIGHTS_FOR_REST`] or more disrupted nights in their current shift (the foundation's
//! definition: a night with at least one interruption in their sleep window), they have
//! earned rest: a late start on their next working day, so many hours per disrupted night
//! (team policy; [`DEFAULT_HOURS_PER_NIGHT`] unless the team says otherwise), and the next
//! night of their shift is offered to the rest of the rotation.
//!
//! Pure: the caller brings the person's hours, the shift and the pages; this says what is
//! earned and which night to offer.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp, ToSpan};

use aftercare_burden::{DailyWindow, Period, PersonHours, burden};

use crate::local_instant;

/// Disrupted nights in one shift that earn rest.
pub const NIGHTS_FOR_REST: u32 = 2;
/// Hours of late start earned per disrupted night, when the team sets nothing. A default
/// of team policy (as PagerDuty's and incident.io's guides leave it to the team), not a
/// figure from research.
pub const DEFAULT_HOURS_PER_NIGHT: f64 = 4.0;

/// What a shift so far has earned.
#[derive(Debug, Clone, PartialEq)]
pub struct RestEarned {
    /// The disrupted nights of the shift so far, each named by the date its sleep window began.
    pub nights: Vec<Date>,
    /// Hours of late start: nights × hours per night.
    pub hours: f64,
    /// The person's next sleep window after `now` that is still in the shift (clipped to its
    /// end): the night to offer to the rest of the rotation. `None` if the shift ends first.
    pub next_night: Option<(Timestamp, Timestamp)>,
    /// The working day the late start is on: the first whose working hours begin after `now`.
    pub late_start_day: Date,
    /// When their working day would begin, and when it begins with the rest taken.
    pub usual_start: Timestamp,
    pub late_start: Timestamp,
}

/// The rest a shift `[shift_start, shift_end)` has earned by `now` from the person's
/// pages (any order), or `None` below [`NIGHTS_FOR_REST`] disrupted nights.
pub fn earned(
    hours: &PersonHours,
    shift_start: Timestamp,
    shift_end: Timestamp,
    pages: &[Timestamp],
    now: Timestamp,
    hours_per_night: f64,
) -> Option<RestEarned> {
    let until = now.min(shift_end);
    let period = Period::new(shift_start, until).ok()?;
    let mut sorted = pages.to_vec();
    sorted.sort_unstable();
    let b = burden(hours, &sorted, period);
    if b.disrupted_nights < NIGHTS_FOR_REST {
        return None;
    }
    let hours_earned = f64::from(b.disrupted_nights) * hours_per_night.max(0.0);
    let next_night = next_window(hours, &hours.sleep_window, now, 3)
        .filter(|(start, _)| *start < shift_end)
        .map(|(start, end)| (start, end.min(shift_end)));
    let (day, usual_start) = next_working_start(hours, now)?;
    let late_start = usual_start
        + SignedDuration::from_secs_f64(hours_earned * 3600.0).min(SignedDuration::from_hours(24));
    Some(RestEarned {
        nights: b.nights,
        hours: hours_earned,
        next_night,
        late_start_day: day,
        usual_start,
        late_start,
    })
}

/// The first window `[start, end)` of `window`, in the person's zone, starting after `now`,
/// looking `days` days ahead.
fn next_window(
    hours: &PersonHours,
    window: &DailyWindow,
    now: Timestamp,
    days: i64,
) -> Option<(Timestamp, Timestamp)> {
    if window.is_empty() {
        return None;
    }
    let zone = &hours.time_zone;
    let today = now.to_zoned(zone.clone()).date();
    for d in -1..=days {
        let date = today.checked_add(d.days()).ok()?;
        let start = local_instant(zone, date.to_datetime(window.start_time()))?;
        let end_date = if window.spans_midnight() {
            date.checked_add(1.day()).ok()?
        } else {
            date
        };
        let end = local_instant(zone, end_date.to_datetime(window.end_time()))?;
        if start > now && end > start {
            return Some((start, end));
        }
    }
    None
}

/// The person's next working day whose working hours begin after `now`, and that start.
fn next_working_start(hours: &PersonHours, now: Timestamp) -> Option<(Date, Timestamp)> {
    let zone = &hours.time_zone;
    let today = now.to_zoned(zone.clone()).date();
    let begin: Time = hours.working_hours.start_time();
    for d in 0..=14 {
        let date = today.checked_add(d.days()).ok()?;
        if !hours.working_days.contains(date.weekday()) {
            continue;
        }
        let start = local_instant(zone, date.to_datetime(begin))?;
        if start > now {
            return Some((date, start));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn london() -> PersonHours {
        // Monday to Friday 08:00–18:00, sleep 22:00–08:00 (the defaults).
        PersonHours::with_defaults(TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC))
    }

    #[test]
    fn two_disrupted_nights_earn_a_late_start_and_offer_the_next_night() {
        let h = london();
        // A week's shift from Monday 4 January 2027 09:00 (GMT = UTC).
        let (start, end) = (ts("2027-01-04T09:00:00Z"), ts("2027-01-11T09:00:00Z"));
        // Paged at 03:00 on Tuesday and 02:00 on Wednesday (nights of the 4th and 5th), and
        // once in the day (not a night).
        let pages = [
            ts("2027-01-06T02:00:00Z"),
            ts("2027-01-05T03:00:00Z"),
            ts("2027-01-05T14:00:00Z"),
        ];
        let one = earned(
            &h,
            start,
            end,
            &pages[1..2],
            ts("2027-01-05T04:00:00Z"),
            4.0,
        );
        assert_eq!(one, None, "one night is not enough");
        let now = ts("2027-01-06T02:30:00Z");
        let r = earned(&h, start, end, &pages, now, DEFAULT_HOURS_PER_NIGHT);
        let Some(r) = r else {
            panic!("two nights earn rest")
        };
        assert_eq!(
            r.nights,
            vec![
                Date::new(2027, 1, 4).unwrap_or_default(),
                Date::new(2027, 1, 5).unwrap_or_default()
            ]
        );
        assert!((r.hours - 8.0).abs() < 1e-9);
        // Wednesday's working day starts at 08:00; with 8 hours' rest it starts at 16:00.
        assert_eq!(r.late_start_day, Date::new(2027, 1, 6).unwrap_or_default());
        assert_eq!(r.usual_start, ts("2027-01-06T08:00:00Z"));
        assert_eq!(r.late_start, ts("2027-01-06T16:00:00Z"));
        // The next night offered: Wednesday 22:00 to Thursday 08:00.
        assert_eq!(
            r.next_night,
            Some((ts("2027-01-06T22:00:00Z"), ts("2027-01-07T08:00:00Z")))
        );
    }

    #[test]
    fn the_night_offered_is_clipped_to_the_shift_and_none_once_it_ends() {
        let h = london();
        let (start, end) = (ts("2027-01-04T09:00:00Z"), ts("2027-01-07T00:00:00Z"));
        let pages = [ts("2027-01-05T03:00:00Z"), ts("2027-01-06T02:00:00Z")];
        let r = earned(&h, start, end, &pages, ts("2027-01-06T09:30:00Z"), 2.0);
        let Some(r) = r else {
            panic!("two nights earn rest")
        };
        assert_eq!(
            r.next_night,
            Some((ts("2027-01-06T22:00:00Z"), ts("2027-01-07T00:00:00Z")))
        );
        // After 08:00 on Wednesday, the late start is Thursday's.
        assert_eq!(r.late_start_day, Date::new(2027, 1, 7).unwrap_or_default());
        assert!((r.hours - 4.0).abs() < 1e-9);
        let late = earned(&h, start, end, &pages, ts("2027-01-06T23:00:00Z"), 2.0);
        assert_eq!(
            late.and_then(|r| r.next_night),
            None,
            "no night left in the shift"
        );
        // Pages before the shift do not count.
        let before = [ts("2027-01-03T03:00:00Z"), ts("2027-01-05T03:00:00Z")];
        assert_eq!(
            earned(&h, start, end, &before, ts("2027-01-06T09:30:00Z"), 4.0),
            None
        );
    }

    #[test]
    fn a_friday_night_earns_monday_morning() {
        let h = london();
        let (start, end) = (ts("2027-01-04T09:00:00Z"), ts("2027-01-11T09:00:00Z"));
        let pages = [ts("2027-01-08T01:00:00Z"), ts("2027-01-09T01:00:00Z")];
        let r = earned(&h, start, end, &pages, ts("2027-01-09T01:30:00Z"), 4.0);
        assert_eq!(
            r.map(|r| r.late_start_day),
            Some(Date::new(2027, 1, 11).unwrap_or_default())
        );
    }
}
