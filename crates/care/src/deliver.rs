//! When a message about a person's wellbeing may reach them: never inside their sleep window, never
//! outside their working days and hours (issue 7, item 2). A check-in, nudge or reminder due at another
//! moment moves to the next allowed moment in the person's own time zone.
//!
//! "Allowed" is exactly [`aftercare_burden`]'s business hours: a working day, within working hours,
//! outside the sleep window ([`PersonHours::classify`] gives [`Category::Business`]). Reusing that rule
//! means the product has one meaning of "working time", the same one its burden figures count.

use aftercare_burden::{Category, PersonHours};
use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};

/// How far ahead [`next_allowed`] looks. Any hours that allow some moment allow one within a week of
/// any instant, except where a time zone transition swallows that week's only allowed window (a DST
/// gap, or Samoa skipping 30 December 2011); three weeks covers that with room to spare.
pub const SEARCH_DAYS: i64 = 21;

/// No moment within [`SEARCH_DAYS`] is allowed by these hours, so no message can be delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoAllowedMoment {
    #[error("no working days are set, so there is no working time to deliver in")]
    NoWorkingDays,
    #[error("the working hours are empty (start equals end), so there is no working time")]
    EmptyWorkingHours,
    #[error("no working time falls outside the sleep window within {SEARCH_DAYS} days")]
    NoneWithinSearch,
}

/// Whether a message may be delivered at `at`: a working day, in working hours, not in the sleep window.
pub fn is_allowed(hours: &PersonHours, at: Timestamp) -> bool {
    hours.classify(at).category == Category::Business
}

/// The first moment at or after `at` when a message may reach this person.
///
/// Returns `at` itself when it is allowed. Otherwise the answer is the earliest instant after `at` at
/// which [`is_allowed`] becomes true. That predicate only changes value where the local time of day
/// crosses one of the window bounds or midnight (the weekday changes), or where the zone's offset
/// changes; and since every window is `[start, end)`, the first allowed instant is exactly one of those
/// change points. So the search checks, in time order, the instants where the local clock reads a
/// bound on each of the next [`SEARCH_DAYS`] days (both instants in a DST fold) together with the zone's
/// transitions (which is where a bound inside a DST gap is passed), and returns the first allowed one.
/// That is exact, with no stepping and no loop that could fail to end.
pub fn next_allowed(hours: &PersonHours, at: Timestamp) -> Result<Timestamp, NoAllowedMoment> {
    if hours.working_days.is_empty() {
        return Err(NoAllowedMoment::NoWorkingDays);
    }
    if hours.working_hours.is_empty() {
        return Err(NoAllowedMoment::EmptyWorkingHours);
    }
    if is_allowed(hours, at) {
        return Ok(at);
    }
    let mut candidates = change_points(hours, at);
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .find(|&t| is_allowed(hours, t))
        .ok_or(NoAllowedMoment::NoneWithinSearch)
}

/// Every instant in `(at, at + SEARCH_DAYS]` (plus a day of slack on either side for offsets) where the
/// predicate may change, unsorted.
fn change_points(hours: &PersonHours, at: Timestamp) -> Vec<Timestamp> {
    let tz = &hours.time_zone;
    let bounds: [Time; 5] = [
        Time::midnight(),
        hours.working_hours.start_time(),
        hours.working_hours.end_time(),
        hours.sleep_window.start_time(),
        hours.sleep_window.end_time(),
    ];
    let end = at
        .checked_add((SEARCH_DAYS * 24).hours())
        .unwrap_or(Timestamp::MAX);
    let mut out = Vec::with_capacity(bounds.len() * 2 * (SEARCH_DAYS as usize + 2));
    // Start a day early: the local date at `at` may be a day behind or ahead of UTC's.
    let first: Date = tz.to_datetime(at).date().yesterday().unwrap_or(Date::MIN);
    let mut day = first;
    for _ in 0..SEARCH_DAYS + 3 {
        for b in bounds {
            let ambiguous = tz.to_ambiguous_timestamp(day.to_datetime(b));
            // In a fold the bound is read twice; in a gap neither reading is on the local clock, but
            // both are harmless extra candidates (the transition itself is added below).
            for t in [ambiguous.earlier(), ambiguous.later()]
                .into_iter()
                .flatten()
            {
                if t > at && t <= end {
                    out.push(t);
                }
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    out.extend(
        tz.following(at)
            .map(|transition| transition.timestamp())
            .take_while(|&t| t <= end),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftercare_burden::{DailyWindow, WorkingDays};
    use jiff::SignedDuration;
    use jiff::civil::Weekday;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).expect("zone in the bundled database")
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    #[test]
    fn allowed_moment_is_kept() {
        let h = PersonHours::with_defaults(tz("Europe/London"));
        // Wednesday 4 March 2026, 10:00 in London (UTC in winter).
        let at = ts("2026-03-04T10:00:00Z");
        assert_eq!(next_allowed(&h, at), Ok(at));
    }

    #[test]
    fn evening_moves_to_next_morning() {
        let h = PersonHours::with_defaults(tz("Europe/London"));
        assert_eq!(
            next_allowed(&h, ts("2026-03-04T19:30:00Z")),
            Ok(ts("2026-03-05T08:00:00Z"))
        );
    }

    #[test]
    fn friday_night_moves_to_monday() {
        let h = PersonHours::with_defaults(tz("America/New_York"));
        // Friday 6 March 2026 23:00 EST; Monday 9 March is after the spring-forward (8 March), so
        // 08:00 EDT is 12:00 UTC.
        assert_eq!(
            next_allowed(&h, ts("2026-03-07T04:00:00Z")),
            Ok(ts("2026-03-09T12:00:00Z"))
        );
    }

    #[test]
    fn working_start_inside_a_dst_gap() {
        // Working hours start at 02:30, which does not exist on 29 March 2026 in Berlin (02:00 → 03:00).
        let mut h = PersonHours::with_defaults(tz("Europe/Berlin"));
        h.working_days = WorkingDays::ALL;
        h.working_hours = DailyWindow::parse("02:30", "06:00").unwrap();
        h.sleep_window = DailyWindow::parse("22:00", "01:00").unwrap();
        // From 01:30 CET (00:30 UTC): the clock jumps 02:00 CET → 03:00 CEST at 01:00 UTC, already
        // past 02:30, so the first allowed moment is the transition itself.
        assert_eq!(
            next_allowed(&h, ts("2026-03-29T00:30:00Z")),
            Ok(ts("2026-03-29T01:00:00Z"))
        );
    }

    #[test]
    fn working_start_inside_a_dst_fold() {
        // 25 October 2026 in Berlin: 03:00 CEST → 02:00 CET, so 02:30 happens twice; the first counts.
        let mut h = PersonHours::with_defaults(tz("Europe/Berlin"));
        h.working_days = WorkingDays::ALL;
        h.working_hours = DailyWindow::parse("02:30", "06:00").unwrap();
        h.sleep_window = DailyWindow::parse("22:00", "01:00").unwrap();
        assert_eq!(
            next_allowed(&h, ts("2026-10-24T23:10:00Z")),
            Ok(ts("2026-10-25T00:30:00Z"))
        );
    }

    #[test]
    fn sleep_window_wins_over_working_hours() {
        let mut h = PersonHours::with_defaults(TimeZone::UTC);
        h.working_hours = DailyWindow::parse("06:00", "12:00").unwrap();
        h.sleep_window = DailyWindow::parse("23:00", "09:00").unwrap();
        // Tuesday 3 March 2026 07:00: working hours, but asleep until 09:00.
        assert_eq!(
            next_allowed(&h, ts("2026-03-03T07:00:00Z")),
            Ok(ts("2026-03-03T09:00:00Z"))
        );
    }

    #[test]
    fn hours_that_allow_nothing_are_an_error() {
        let mut h = PersonHours::with_defaults(TimeZone::UTC);
        h.working_days = WorkingDays::NONE;
        assert_eq!(
            next_allowed(&h, ts("2026-03-03T07:00:00Z")),
            Err(NoAllowedMoment::NoWorkingDays)
        );
        let mut h = PersonHours::with_defaults(TimeZone::UTC);
        h.working_hours = DailyWindow::parse("09:00", "09:00").unwrap();
        assert_eq!(
            next_allowed(&h, ts("2026-03-03T07:00:00Z")),
            Err(NoAllowedMoment::EmptyWorkingHours)
        );
        // Working hours entirely inside the sleep window.
        let mut h = PersonHours::with_defaults(TimeZone::UTC);
        h.working_hours = DailyWindow::parse("01:00", "05:00").unwrap();
        assert_eq!(
            next_allowed(&h, ts("2026-03-03T07:00:00Z")),
            Err(NoAllowedMoment::NoneWithinSearch)
        );
    }

    #[test]
    fn near_the_end_of_time_does_not_panic() {
        let h = PersonHours::with_defaults(TimeZone::UTC);
        let _ = next_allowed(&h, Timestamp::MAX);
        let _ = next_allowed(&h, Timestamp::MIN);
    }

    /// Zones with DST in either hemisphere, half- and quarter-hour offsets, 30-minute and 2-hour DST
    /// shifts, a skipped day (Apia) and Morocco's Ramadan changes.
    const ZONES: &[&str] = &[
        "UTC",
        "Europe/London",
        "Europe/Berlin",
        "America/New_York",
        "America/St_Johns",
        "America/Sao_Paulo",
        "America/Santiago",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Asia/Tehran",
        "Australia/Adelaide",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "Pacific/Apia",
        "Africa/Casablanca",
        "Antarctica/Troll",
    ];

    fn window() -> impl Strategy<Value = DailyWindow> {
        // Any minute of the day for either bound (windows are set in minutes).
        (0i16..1440, 0i16..1440).prop_map(|(a, b)| {
            let t = |m: i16| Time::constant((m / 60) as i8, (m % 60) as i8, 0, 0);
            DailyWindow::from_times(t(a), t(b))
        })
    }

    fn hours() -> impl Strategy<Value = PersonHours> {
        (0..ZONES.len(), 0u8..128, window(), window()).prop_map(|(z, days, work, sleep)| {
            PersonHours {
                time_zone: tz(ZONES[z]),
                working_days: WorkingDays::from_weekdays(
                    (0..7)
                        .filter(|i| days & (1 << i) != 0)
                        .map(|i| Weekday::Monday.wrapping_add(i)),
                ),
                working_hours: work,
                sleep_window: sleep,
            }
        })
    }

    /// Instants from 2000 to 2040, at any second.
    fn instant() -> impl Strategy<Value = Timestamp> {
        (946_684_800i64..2_208_988_800).prop_map(|s| Timestamp::from_second(s).expect("in range"))
    }

    /// Instants within three days of one of the zone's transitions between 2000 and 2040, where DST
    /// gaps and folds are: random instants alone rarely land near one.
    fn near_a_transition() -> impl Strategy<Value = (PersonHours, Timestamp)> {
        (hours(), 0usize..80, -259_200i64..259_200).prop_map(|(h, k, delta)| {
            let from = Timestamp::from_second(946_684_800).expect("in range");
            let t = h
                .time_zone
                .following(from)
                .nth(k)
                .map_or(from, |tr| tr.timestamp());
            let at = t
                .checked_add(SignedDuration::from_secs(delta))
                .expect("in range");
            (h, at)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn near_transitions_too((h, at) in near_a_transition()) {
            check_first_allowed(&h, at)?;
        }

        #[test]
        fn result_is_the_first_allowed_moment(h in hours(), at in instant()) {
            check_first_allowed(&h, at)?;
        }
    }

    fn check_first_allowed(h: &PersonHours, at: Timestamp) -> Result<(), TestCaseError> {
        {
            let mut c = h.classifier();
            let allowed = |t: Timestamp, c: &mut aftercare_burden::Classifier<'_>| {
                c.classify(t).category == Category::Business
            };
            // Every whole minute after `at`, up to the result or the end of the search.
            let minutes_after = |until: Timestamp| {
                let first = at.as_second().div_euclid(60) * 60 + 60;
                (first..until.as_second())
                    .step_by(60)
                    .map(|s| Timestamp::from_second(s).expect("in range"))
            };
            match next_allowed(h, at) {
                Ok(result) => {
                    prop_assert!(result >= at);
                    prop_assert!(is_allowed(h, result));
                    if result > at {
                        prop_assert!(!is_allowed(h, at));
                    }
                    for t in minutes_after(result) {
                        prop_assert!(!allowed(t, &mut c), "{t} is allowed, before {result}");
                    }
                }
                Err(_) => {
                    let end = at
                        .checked_add((SEARCH_DAYS * 24).hours())
                        .expect("in range");
                    prop_assert!(!is_allowed(h, at));
                    for t in minutes_after(end) {
                        prop_assert!(!allowed(t, &mut c), "{t} is allowed, but none was found");
                    }
                }
            }
        }
        Ok(())
    }
}
