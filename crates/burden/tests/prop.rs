//! Property tests: the crate against a deliberately simple second implementation of the same rules,
//! written here without sharing any code with the crate: `jiff::Zoned` for local time, the wall clock
//! read back as an "HH:MM" string, minutes of the day, a `BTreeSet` of nights and a streak counted by
//! walking dates one `tomorrow()` at a time.
//!
//! Instants cluster around each zone's real DST transitions (and at random elsewhere), notifications
//! come in bursts whose gaps straddle the 60-second merge rule, and periods cut through bursts.

// Test helpers outside #[test] functions are not covered by clippy's allow-unwrap-in-tests; a panic
// is the right failure here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use aftercare_burden::*;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// Half-hour and 45-minute offsets, northern and southern DST, a 30-minute DST (Lord Howe), a negative
/// half-hour zone with DST (St John's) and UTC.
const ZONES: [&str; 10] = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Australia/Lord_Howe",
    "America/St_Johns",
];

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

struct Zone {
    tz: TimeZone,
    /// Transition instants in 2023–2028, around which most instants are generated.
    transitions: Vec<Timestamp>,
}

fn zones() -> &'static [Zone] {
    static ZONE_DATA: OnceLock<Vec<Zone>> = OnceLock::new();
    ZONE_DATA.get_or_init(|| {
        let start: Timestamp = "2023-01-01T00:00:00Z".parse().unwrap();
        let end: Timestamp = "2028-01-01T00:00:00Z".parse().unwrap();
        ZONES
            .iter()
            .map(|name| {
                let tz = TimeZone::get(name).unwrap_or_else(|e| panic!("{name}: {e}"));
                let transitions = tz
                    .following(start)
                    .map(|t| t.timestamp())
                    .take_while(|t| *t < end)
                    .collect();
                Zone { tz, transitions }
            })
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------------
// The second implementation.

#[derive(Clone, Debug)]
struct NaiveHours {
    zone: usize,
    working_days: Vec<Weekday>,
    /// Minutes of the day, [start, end).
    working: (u32, u32),
    sleep: (u32, u32),
}

fn minutes(hh_mm: &str) -> u32 {
    let (h, m) = hh_mm.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

fn hh_mm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Windows are whole minutes, so comparing the wall clock's minute is exact: `t >= start` iff
/// `minute(t) >= start` and `t < end` iff `minute(t) < end`.
fn in_window(minute: u32, (start, end): (u32, u32)) -> bool {
    if start < end {
        start <= minute && minute < end
    } else if start > end {
        minute >= start || minute < end
    } else {
        false
    }
}

fn naive_classify(h: &NaiveHours, at: Timestamp) -> Classified {
    let local = at.to_zoned(zones()[h.zone].tz.clone());
    let minute = minutes(&local.strftime("%H:%M").to_string());
    let date = local.date();
    if in_window(minute, h.sleep) {
        let spans = h.sleep.0 > h.sleep.1;
        let night = if spans && minute < h.sleep.1 {
            date.yesterday().unwrap()
        } else {
            date
        };
        return Classified {
            category: Category::Sleep,
            local_date: date,
            night: Some(night),
        };
    }
    let category = if h.working_days.contains(&local.weekday()) && in_window(minute, h.working) {
        Category::Business
    } else {
        Category::Off
    };
    Classified {
        category,
        local_date: date,
        night: None,
    }
}

fn naive_burden(
    h: &NaiveHours,
    notifications: &[Timestamp],
    from: Timestamp,
    to: Timestamp,
) -> Burden {
    let mut sorted = notifications.to_vec();
    sorted.sort();
    let mut b = Burden::default();
    let mut nights = BTreeSet::new();
    let mut cells: BTreeMap<Date, DayCounts> = BTreeMap::new();
    for (i, &t) in sorted.iter().enumerate() {
        let starts = i == 0 || t.as_nanosecond() - sorted[i - 1].as_nanosecond() >= 60_000_000_000;
        if !starts || t < from || t >= to {
            continue;
        }
        let c = naive_classify(h, t);
        let key = c.night.unwrap_or(c.local_date);
        let cell = cells.entry(key).or_insert(DayCounts {
            date: key,
            business: 0,
            off: 0,
            sleep: 0,
        });
        match c.category {
            Category::Business => {
                b.interruptions.business += 1;
                cell.business += 1;
            }
            Category::Off => {
                b.interruptions.off += 1;
                cell.off += 1;
            }
            Category::Sleep => {
                b.interruptions.sleep += 1;
                cell.sleep += 1;
                nights.insert(c.night.unwrap());
            }
        }
        b.interruptions.total += 1;
    }
    let mut run = 0;
    let mut previous: Option<Date> = None;
    for &night in &nights {
        run = if previous.map(|p| p.tomorrow().unwrap()) == Some(night) {
            run + 1
        } else {
            1
        };
        b.longest_disrupted_streak = b.longest_disrupted_streak.max(run);
        previous = Some(night);
    }
    b.disrupted_nights = nights.len() as u32;
    b.nights = nights.into_iter().collect();
    b.days = cells.into_values().collect();
    b
}

// ---------------------------------------------------------------------------------------------------
// Generators.

/// A minute of the day, biased towards round hours and the defaults.
fn minute_of_day() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => (0u32..24).prop_map(|h| h * 60),
        1 => prop::sample::select(vec![0u32, 30, 45, 8 * 60, 18 * 60, 22 * 60, 23 * 60 + 59]),
        2 => 0u32..1440,
    ]
}

fn window() -> impl Strategy<Value = (u32, u32)> {
    prop_oneof![
        // Defaults and common shapes: spanning, not spanning, empty.
        1 => Just((22 * 60, 8 * 60)),
        1 => Just((8 * 60, 18 * 60)),
        1 => Just((60, 7 * 60)),
        1 => Just((8 * 60, 8 * 60)),
        4 => (minute_of_day(), minute_of_day()),
    ]
}

/// Working days as a set and as one of the ways people write them.
fn working_days() -> impl Strategy<Value = (Vec<Weekday>, String)> {
    prop_oneof![
        1 => Just((WEEK[..5].to_vec(), "mon-fri".to_owned())),
        1 => Just((vec![WEEK[6], WEEK[0], WEEK[1], WEEK[2], WEEK[3]], "sun,mon,tue,wed,thu".to_owned())),
        1 => Just((vec![WEEK[6], WEEK[0], WEEK[1], WEEK[2], WEEK[3]], "Sun - Thu".to_owned())),
        1 => Just((vec![WEEK[4], WEEK[5], WEEK[6], WEEK[0]], "fri-mon".to_owned())),
        1 => Just((vec![], "none".to_owned())),
        3 => (0u8..128).prop_map(|mask| {
            let days: Vec<Weekday> = (0..7).filter(|i| mask & (1 << i) != 0).map(|i| WEEK[i]).collect();
            let text = days
                .iter()
                .map(|d| format!("{d:?}")[..3].to_ascii_uppercase())
                .collect::<Vec<_>>()
                .join(" , ");
            (days, if text.is_empty() { "none".to_owned() } else { text })
        }),
    ]
}

fn hours() -> impl Strategy<Value = (NaiveHours, PersonHours)> {
    (0..ZONES.len(), working_days(), window(), window()).prop_map(
        |(zone, (days, text), working, sleep)| {
            let naive = NaiveHours {
                zone,
                working_days: days,
                working,
                sleep,
            };
            let real = PersonHours {
                time_zone: zones()[zone].tz.clone(),
                working_days: text.parse().unwrap(),
                working_hours: DailyWindow::parse(&hh_mm(working.0), &hh_mm(working.1)).unwrap(),
                sleep_window: DailyWindow::parse(&hh_mm(sleep.0), &hh_mm(sleep.1)).unwrap(),
            };
            (naive, real)
        },
    )
}

const DAY_NANOS: i64 = 86_400_000_000_000;

/// A gap between two notifications of a burst, straddling the merge window.
fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        2 => prop::sample::select(vec![
            0i64,
            1_000_000_000,
            30_000_000_000,
            40_000_000_000,
            59_000_000_000,
            59_999_999_999,
            60_000_000_000,
            60_000_000_001,
            61_000_000_000,
            90_000_000_000,
        ]),
        1 => 0i64..120_000_000_000,
        1 => 0i64..(3 * 3_600_000_000_000),
    ]
}

/// The pick of an anchor: a transition of the person's zone (by index) or a random instant.
fn anchor(zone: usize, pick: (bool, usize, i64)) -> Timestamp {
    let (use_transition, index, random) = pick;
    let t = &zones()[zone].transitions;
    if use_transition && !t.is_empty() {
        t[index % t.len()]
    } else {
        // 2023-01-01 plus up to five years.
        Timestamp::from_second(1_672_531_200 + random).unwrap()
    }
}

fn shift(t: Timestamp, nanos: i64) -> Timestamp {
    t + SignedDuration::from_nanos(nanos)
}

#[derive(Debug, Clone)]
struct Scenario {
    naive: NaiveHours,
    hours: PersonHours,
    notifications: Vec<Timestamp>,
    from: Timestamp,
    to: Timestamp,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let pick = (any::<bool>(), any::<usize>(), 0i64..5 * 365 * 86_400);
    // Half the bursts within two hours of the anchor, so both sides of a transition are well covered.
    let burst_offset = prop_oneof![
        -4 * DAY_NANOS..4 * DAY_NANOS,
        -2 * 3_600_000_000_000i64..2 * 3_600_000_000_000
    ];
    let bursts = prop::collection::vec((burst_offset, prop::collection::vec(gap(), 0..6)), 0..40);
    // Sometimes end the sleep window inside the hour a clock is turned back, so that heatmap keys go
    // backwards in time order (an off page at 01:45 BST filed under today, then a sleep page at 01:15
    // GMT filed under last night).
    let fold_aligned = prop::option::weighted(0.25, (0u32..60, 18u32 * 60..24 * 60));
    let period = (
        0u8..4,
        any::<usize>(),
        -4 * DAY_NANOS..4 * DAY_NANOS,
        1i64..6 * DAY_NANOS,
        any::<usize>(),
    );
    (hours(), pick, bursts, period, fold_aligned).prop_map(
        |((mut naive, mut hours), pick, bursts, period, fold)| {
            let base = anchor(naive.zone, pick);
            if let Some((into_fold, sleep_start)) = fold {
                let local = base.to_zoned(zones()[naive.zone].tz.clone());
                let end = (local.hour() as u32 * 60 + local.minute() as u32 + into_fold) % 1440;
                naive.sleep = (sleep_start, end);
                hours.sleep_window = DailyWindow::parse(&hh_mm(sleep_start), &hh_mm(end)).unwrap();
            }
            let mut notifications = Vec::new();
            for (offset, gaps) in bursts {
                let mut t = shift(base, offset);
                notifications.push(t);
                for g in gaps {
                    t = shift(t, g);
                    notifications.push(t);
                }
            }
            notifications.sort();
            let (from_kind, from_index, from_offset, length, to_index) = period;
            let n = notifications.len();
            // Periods that start or end exactly on a notification, or just after one, cut through bursts.
            let from = match from_kind {
                1 if n > 0 => notifications[from_index % n],
                2 if n > 0 => shift(notifications[from_index % n], 10_000_000_000),
                3 if n > 0 => shift(notifications[from_index % n], 1),
                _ => shift(base, from_offset),
            };
            let candidate = if n > 0 {
                notifications[to_index % n]
            } else {
                from
            };
            let to = if candidate > from && to_index % 2 == 0 {
                candidate
            } else {
                shift(from, length)
            };
            Scenario {
                naive,
                hours,
                notifications,
                from,
                to,
            }
        },
    )
}

// ---------------------------------------------------------------------------------------------------
// Properties.

proptest! {
    // 768 cases by default (a quarter of a second); PROPTEST_CASES=100000 for a long soak.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(768),
    ))]

    /// The whole burden, field by field, including the heatmap cells.
    #[test]
    fn burden_matches_the_naive_implementation(s in scenario()) {
        let period = Period::new(s.from, s.to).unwrap();
        let expected = naive_burden(&s.naive, &s.notifications, s.from, s.to);
        let actual = burden(&s.hours, &s.notifications, period);
        prop_assert_eq!(&actual, &expected);
        // The same from a slice that starts right at the period, as long as the notification before the
        // period is kept: only that one decides whether the first in the period is a continuation.
        let first = s.notifications.partition_point(|t| *t < s.from);
        let tail = &s.notifications[first.saturating_sub(1)..];
        prop_assert_eq!(&burden(&s.hours, tail, period), &expected);
    }

    /// Every instant, classified three ways: one-off, by the caching classifier in time order, naive.
    #[test]
    fn classify_matches_the_naive_implementation(s in scenario()) {
        let mut classifier = s.hours.classifier();
        for &t in &s.notifications {
            let expected = naive_classify(&s.naive, t);
            prop_assert_eq!(s.hours.classify(t), expected, "at {}", t);
            prop_assert_eq!(classifier.classify(t), expected, "classifier at {}", t);
        }
    }

    /// Interruption starts: chaining from the previous notification, exactly 60 s apart is separate.
    #[test]
    fn interruption_starts_match_the_naive_rule(s in scenario()) {
        let n = &s.notifications;
        let expected: Vec<Timestamp> = (0..n.len())
            .filter(|&i| i == 0 || n[i].as_nanosecond() - n[i - 1].as_nanosecond() >= 60_000_000_000)
            .map(|i| n[i])
            .collect();
        prop_assert_eq!(interruption_starts(n).collect::<Vec<_>>(), expected);
    }

    /// Splitting a period in two splits the counts exactly, since interruptions are counted by start.
    #[test]
    fn adjacent_periods_add_up(s in scenario(), cut in 0.0f64..1.0) {
        let span = s.to.as_nanosecond() - s.from.as_nanosecond();
        let middle = shift(s.from, (span as f64 * cut) as i64);
        prop_assume!(s.from < middle && middle < s.to);
        let whole = burden(&s.hours, &s.notifications, Period::new(s.from, s.to).unwrap());
        let a = burden(&s.hours, &s.notifications, Period::new(s.from, middle).unwrap());
        let b = burden(&s.hours, &s.notifications, Period::new(middle, s.to).unwrap());
        prop_assert_eq!(whole.interruptions.total, a.interruptions.total + b.interruptions.total);
        prop_assert_eq!(whole.interruptions.sleep, a.interruptions.sleep + b.interruptions.sleep);
        prop_assert_eq!(whole.interruptions.business, a.interruptions.business + b.interruptions.business);
    }

    /// Team spread: shares sum to one, order is by sleep, ratios are to the median.
    #[test]
    fn team_spread_is_consistent(sleeps in prop::collection::vec(0u32..50, 0..12)) {
        let burdens: Vec<Burden> = sleeps
            .iter()
            .map(|&sleep| Burden {
                interruptions: InterruptionCounts { business: 0, off: 0, sleep, total: sleep },
                ..Burden::default()
            })
            .collect();
        let members: Vec<(usize, &Burden)> = burdens.iter().enumerate().collect();
        let spread = team_spread(&members);
        let total: u32 = sleeps.iter().sum();
        prop_assert_eq!(spread.total_sleep, total);
        prop_assert_eq!(spread.members.len(), sleeps.len());
        prop_assert!(spread.members.windows(2).all(|w| w[0].sleep >= w[1].sleep));
        let mut sorted = sleeps.clone();
        sorted.sort();
        let median = match sorted.len() {
            0 => 0.0,
            n if n % 2 == 1 => f64::from(sorted[n / 2]),
            n => f64::from(sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        prop_assert_eq!(spread.median_sleep, median);
        let share_sum: f64 = spread.members.iter().map(|m| m.share_of_team_sleep).sum();
        if total > 0 {
            prop_assert!((share_sum - 1.0).abs() < 1e-9);
        } else {
            prop_assert_eq!(share_sum, 0.0);
        }
        for m in &spread.members {
            prop_assert_eq!(m.sleep, sleeps[m.member]);
            match m.ratio_to_median {
                None => prop_assert_eq!(median, 0.0),
                Some(r) => prop_assert!((r * median - f64::from(m.sleep)).abs() < 1e-9),
            }
        }
    }
}
