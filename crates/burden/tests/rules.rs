//! The rules of issue 2, item 7, one example at a time.

// Test helpers outside #[test] functions are not covered by clippy's allow-unwrap-in-tests; a panic
// is the right failure here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aftercare_burden::*;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|e| panic!("time zone {name}: {e}"))
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn period(from: &str, to: &str) -> Period {
    Period::new(at(from), at(to)).unwrap()
}

fn london() -> PersonHours {
    PersonHours::with_defaults(tz("Europe/London"))
}

fn category(hours: &PersonHours, s: &str) -> Category {
    hours.classify(at(s)).category
}

#[test]
fn issue_example_both_belong_to_the_night_of_4_march() {
    let h = london();
    let late = h.classify(at("2026-03-04T23:30:00Z"));
    let early = h.classify(at("2026-03-05T02:00:00Z"));
    assert_eq!(late.category, Category::Sleep);
    assert_eq!(early.category, Category::Sleep);
    assert_eq!(late.night, Some(date(2026, 3, 4)));
    assert_eq!(early.night, Some(date(2026, 3, 4)));
    assert_eq!(late.local_date, date(2026, 3, 4));
    assert_eq!(early.local_date, date(2026, 3, 5));

    let b = burden(
        &h,
        &[at("2026-03-04T23:30:00Z"), at("2026-03-05T02:00:00Z")],
        period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
    );
    assert_eq!(b.interruptions.sleep, 2);
    assert_eq!(b.disrupted_nights, 1);
    assert_eq!(b.longest_disrupted_streak, 1);
    assert_eq!(b.nights, vec![date(2026, 3, 4)]);
}

#[test]
fn default_hours_are_pagerdutys_partition_of_the_week() {
    let h = PersonHours::with_defaults(TimeZone::UTC);
    // 2026-03-04 is a Wednesday, 2026-03-07 a Saturday.
    assert_eq!(category(&h, "2026-03-04T07:59:59Z"), Category::Sleep);
    assert_eq!(category(&h, "2026-03-04T08:00:00Z"), Category::Business);
    assert_eq!(category(&h, "2026-03-04T17:59:59.999Z"), Category::Business);
    assert_eq!(category(&h, "2026-03-04T18:00:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-04T21:59:59Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-04T22:00:00Z"), Category::Sleep);
    assert_eq!(category(&h, "2026-03-07T08:00:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-07T12:00:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-07T23:00:00Z"), Category::Sleep);
    assert_eq!(category(&h, "2026-03-08T03:00:00Z"), Category::Sleep);
}

#[test]
fn sleep_wins_over_business() {
    // Working hours that overlap the sleep window: the overlap is sleep.
    let mut h = PersonHours::with_defaults(TimeZone::UTC);
    h.working_hours = DailyWindow::parse("06:00", "23:00").unwrap();
    assert_eq!(category(&h, "2026-03-04T07:00:00Z"), Category::Sleep);
    assert_eq!(category(&h, "2026-03-04T22:30:00Z"), Category::Sleep);
    assert_eq!(category(&h, "2026-03-04T08:00:00Z"), Category::Business);
}

#[test]
fn category_uses_local_time_and_weekday() {
    // 2026-03-06T23:30Z is Friday 23:30 in UTC but Saturday 05:00 in Kolkata (+5:30): sleep there, and
    // 2026-03-06T03:00Z is Friday 08:30 in Kolkata: business.
    let h = PersonHours::with_defaults(tz("Asia/Kolkata"));
    assert_eq!(category(&h, "2026-03-06T03:00:00Z"), Category::Business);
    assert_eq!(category(&h, "2026-03-06T02:29:59Z"), Category::Sleep);
    assert_eq!(category(&h, "2026-03-06T02:30:00Z"), Category::Business);
    // Saturday 09:00 local.
    assert_eq!(category(&h, "2026-03-07T03:30:00Z"), Category::Off);
    // Kathmandu is +5:45: 02:15Z is 08:00 local.
    let k = PersonHours::with_defaults(tz("Asia/Kathmandu"));
    assert_eq!(category(&k, "2026-03-06T02:14:59Z"), Category::Sleep);
    assert_eq!(category(&k, "2026-03-06T02:15:00Z"), Category::Business);
}

#[test]
fn custom_working_days_sun_to_thu() {
    let mut h = PersonHours::with_defaults(TimeZone::UTC);
    h.working_days = "sun-thu".parse().unwrap();
    assert_eq!(category(&h, "2026-03-06T10:00:00Z"), Category::Off); // Friday
    assert_eq!(category(&h, "2026-03-07T10:00:00Z"), Category::Off); // Saturday
    assert_eq!(category(&h, "2026-03-08T10:00:00Z"), Category::Business); // Sunday
    assert_eq!(category(&h, "2026-03-05T10:00:00Z"), Category::Business); // Thursday
}

#[test]
fn working_hours_may_span_midnight() {
    // An evening shift, 16:00-00:30, Monday to Friday, sleeping 02:00-10:00. Each instant is judged by
    // its own local weekday: 00:15 on Saturday is off, 00:15 on Friday business.
    let mut h = PersonHours::with_defaults(TimeZone::UTC);
    h.working_hours = DailyWindow::parse("16:00", "00:30").unwrap();
    h.sleep_window = DailyWindow::parse("02:00", "10:00").unwrap();
    assert_eq!(category(&h, "2026-03-06T23:00:00Z"), Category::Business); // Friday
    assert_eq!(category(&h, "2026-03-06T00:15:00Z"), Category::Business); // Friday
    assert_eq!(category(&h, "2026-03-07T00:15:00Z"), Category::Off); // Saturday
    assert_eq!(category(&h, "2026-03-06T00:30:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-06T03:00:00Z"), Category::Sleep);
    assert_eq!(
        h.classify(at("2026-03-06T03:00:00Z")).night,
        Some(date(2026, 3, 6))
    );
    assert_eq!(category(&h, "2026-03-06T12:00:00Z"), Category::Off);
}

#[test]
fn night_of_a_window_that_does_not_span_midnight_is_the_same_date() {
    let mut h = PersonHours::with_defaults(TimeZone::UTC);
    h.sleep_window = DailyWindow::parse("01:00", "07:00").unwrap();
    let c = h.classify(at("2026-03-05T02:00:00Z"));
    assert_eq!(c.category, Category::Sleep);
    assert_eq!(c.night, Some(date(2026, 3, 5)));
    assert_eq!(category(&h, "2026-03-05T00:30:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-05T07:00:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-05T08:00:00Z"), Category::Business);
}

#[test]
fn equal_window_bounds_are_an_empty_window() {
    let mut h = PersonHours::with_defaults(TimeZone::UTC);
    h.sleep_window = DailyWindow::parse("08:00", "08:00").unwrap();
    assert!(h.sleep_window.is_empty());
    assert_eq!(category(&h, "2026-03-05T03:00:00Z"), Category::Off);
    assert_eq!(category(&h, "2026-03-05T08:00:00Z"), Category::Business);
    h.working_hours = DailyWindow::parse("00:00", "00:00").unwrap();
    assert_eq!(category(&h, "2026-03-05T08:00:00Z"), Category::Off);
}

#[test]
fn off_hours_have_no_night() {
    let c = london().classify(at("2026-03-04T19:00:00Z"));
    assert_eq!(c.category, Category::Off);
    assert_eq!(c.night, None);
}

#[test]
fn dst_switches_use_the_wall_clock() {
    // London's 2026 changes (checked with Python zoneinfo): 2026-03-29T01:30Z is 02:30 BST;
    // 00:30Z and 01:30Z on 2026-10-25 are both 01:30 local.
    let mut h = london();
    h.sleep_window = DailyWindow::parse("02:00", "03:00").unwrap();
    assert_eq!(category(&h, "2026-03-29T00:59:59Z"), Category::Off); // 00:59 GMT
    assert_eq!(category(&h, "2026-03-29T01:30:00Z"), Category::Sleep); // 02:30 BST
    let l = london();
    let a = l.classify(at("2026-10-25T00:30:00Z"));
    let b = l.classify(at("2026-10-25T01:30:00Z"));
    assert_eq!(
        (a.category, a.night),
        (Category::Sleep, Some(date(2026, 10, 24)))
    );
    assert_eq!(
        (b.category, b.night),
        (Category::Sleep, Some(date(2026, 10, 24)))
    );
    // New York, spring forward 2026-03-08 at 02:00 EST = 07:00Z: 07:59Z is 03:59 EDT, 12:00Z is 08:00 EDT.
    let ny = PersonHours::with_defaults(tz("America/New_York"));
    assert_eq!(category(&ny, "2026-03-09T11:59:59Z"), Category::Sleep);
    assert_eq!(category(&ny, "2026-03-09T12:00:00Z"), Category::Business);
    assert_eq!(category(&ny, "2026-03-06T12:59:59Z"), Category::Sleep); // 07:59 EST
}

#[test]
fn merge_window_chains_from_the_previous_notification() {
    let base = at("2026-03-04T10:00:00Z");
    let s = |secs: i64| base + SignedDuration::from_secs(secs);
    let ns = |nanos: i64| base + SignedDuration::from_nanos(nanos);
    // 0, 40, 80, 120: each within 60 s of the one before: one interruption lasting two minutes.
    assert_eq!(
        interruption_starts(&[s(0), s(40), s(80), s(120)]).count(),
        1
    );
    // Exactly 60 s apart: separate.
    assert_eq!(
        interruption_starts(&[s(0), s(60), s(120)]).collect::<Vec<_>>(),
        vec![s(0), s(60), s(120)]
    );
    // 59.999999999 s: joins.
    assert_eq!(interruption_starts(&[s(0), ns(59_999_999_999)]).count(), 1);
    // Same instant twice: one.
    assert_eq!(interruption_starts(&[s(0), s(0), s(61)]).count(), 2);
    assert_eq!(interruption_starts(&[]).count(), 0);
    let storm = [s(0), s(10), s(20)];
    let mut it = interruption_starts(&storm);
    assert_eq!(it.size_hint(), (1, Some(3)));
    assert_eq!(it.next(), Some(s(0)));
    assert_eq!(it.size_hint(), (0, Some(2)));
    assert_eq!(it.next(), None);
    assert_eq!(MERGE_WINDOW, SignedDuration::from_secs(60));
}

#[test]
fn interruptions_that_started_before_the_period_do_not_count() {
    let h = PersonHours::with_defaults(TimeZone::UTC);
    let from = at("2026-03-04T10:00:00Z");
    let p = Period::new(from, at("2026-03-05T00:00:00Z")).unwrap();
    let s = |secs: i64| from + SignedDuration::from_secs(secs);
    // -20 s starts an interruption before the period; +10 s continues it.
    let b = burden(&h, &[s(-20), s(10)], p);
    assert_eq!(b.interruptions.total, 0);
    // Without the earlier notification, +10 s starts one.
    assert_eq!(burden(&h, &[s(10)], p).interruptions.total, 1);
    // A notification exactly at `from` counts, one exactly at `to` does not.
    assert_eq!(burden(&h, &[s(-100), s(0)], p).interruptions.business, 1);
    let end = at("2026-03-05T00:00:00Z");
    assert_eq!(burden(&h, &[end], p).interruptions.total, 0);
    // An interruption that starts inside the period and runs past its end counts once.
    let late = end - SignedDuration::from_secs(30);
    let b = burden(&h, &[late, end, end + SignedDuration::from_secs(30)], p);
    assert_eq!(b.interruptions.total, 1);
    assert_eq!(b.interruptions.sleep, 1);
}

#[test]
fn streaks_are_calendar_consecutive_nights() {
    let h = PersonHours::with_defaults(TimeZone::UTC);
    let pages: Vec<Timestamp> = [
        "2026-02-27T23:00:00Z", // night of 27 Feb
        "2026-02-28T23:00:00Z", // night of 28 Feb
        "2026-03-01T03:00:00Z", // still night of 28 Feb
        "2026-03-01T23:00:00Z", // night of 1 Mar: consecutive across the month end
        "2026-03-02T12:00:00Z", // business, no night
        "2026-03-03T02:00:00Z", // night of 2 Mar
        "2026-03-05T23:00:00Z", // night of 5 Mar
        "2026-03-06T23:30:00Z", // night of 6 Mar
    ]
    .into_iter()
    .map(at)
    .collect();
    let b = burden(
        &h,
        &pages,
        period("2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z"),
    );
    assert_eq!(b.interruptions.sleep, 7);
    assert_eq!(b.interruptions.business, 1);
    assert_eq!(b.interruptions.total, 8);
    assert_eq!(b.disrupted_nights, 6);
    assert_eq!(b.longest_disrupted_streak, 4);
    assert_eq!(
        b.nights,
        vec![
            date(2026, 2, 27),
            date(2026, 2, 28),
            date(2026, 3, 1),
            date(2026, 3, 2),
            date(2026, 3, 5),
            date(2026, 3, 6)
        ]
    );
    let cell = |d: Date| b.days.iter().find(|c| c.date == d).copied().unwrap();
    assert_eq!(cell(date(2026, 2, 28)).sleep, 2);
    assert_eq!(cell(date(2026, 3, 2)).business, 1);
    assert_eq!(cell(date(2026, 3, 2)).sleep, 1);
    assert!(b.days.windows(2).all(|w| w[0].date < w[1].date));
}

#[test]
fn no_pages_gives_zeros() {
    let b = burden(
        &london(),
        &[],
        period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
    );
    assert_eq!(b, Burden::default());
    let json = serde_json::to_value(&b).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "interruptions": {"business": 0, "off": 0, "sleep": 0, "total": 0},
            "disrupted_nights": 0, "longest_disrupted_streak": 0, "nights": [], "days": []
        })
    );
}

#[test]
fn burden_serialises_in_the_api_shape() {
    let b = burden(
        &london(),
        &[at("2026-03-04T23:30:00Z"), at("2026-03-05T10:00:00Z")],
        period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
    );
    let json = serde_json::to_value(&b).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "interruptions": {"business": 1, "off": 0, "sleep": 1, "total": 2},
            "disrupted_nights": 1, "longest_disrupted_streak": 1, "nights": ["2026-03-04"],
            "days": [
                {"date": "2026-03-04", "business": 0, "off": 0, "sleep": 1},
                {"date": "2026-03-05", "business": 1, "off": 0, "sleep": 0}
            ]
        })
    );
    let back: Burden = serde_json::from_value(json).unwrap();
    assert_eq!(back, b);
    let c = serde_json::to_value(london().classify(at("2026-03-05T02:00:00Z"))).unwrap();
    assert_eq!(
        c,
        serde_json::json!({"category": "sleep", "local_date": "2026-03-05", "night": "2026-03-04"})
    );
}

#[test]
fn unsorted_input_is_sorted_first() {
    let h = london();
    let mut pages: Vec<Timestamp> = (0..50)
        .map(|i| at("2026-03-04T21:00:00Z") + SignedDuration::from_secs(i * 37 * 60 + (i % 3) * 20))
        .collect();
    let p = period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    let sorted = burden(&h, &pages, p);
    pages.reverse();
    assert_eq!(burden(&h, &pages, p), sorted);
}

#[test]
fn heatmap_cells_stay_ordered_when_a_clock_is_turned_back() {
    // London falls back at 01:00Z on 2026-10-25 (02:00 BST -> 01:00 GMT). With a sleep window ending at
    // 01:30, 00:45Z is 01:45 BST (off, filed under 25 October) and 01:15Z is 01:15 GMT (sleep, filed
    // under the night of 24 October): the second cell comes before the first.
    let mut h = london();
    h.sleep_window = DailyWindow::parse("22:00", "01:30").unwrap();
    let pages = [
        at("2026-10-25T00:45:00Z"),
        at("2026-10-25T01:15:00Z"),
        at("2026-10-25T09:00:00Z"),
    ];
    let b = burden(
        &h,
        &pages,
        period("2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z"),
    );
    assert_eq!(
        b.interruptions,
        InterruptionCounts {
            business: 0,
            off: 2,
            sleep: 1,
            total: 3
        }
    );
    assert_eq!(
        b.days,
        vec![
            DayCounts {
                date: date(2026, 10, 24),
                business: 0,
                off: 0,
                sleep: 1
            },
            DayCounts {
                date: date(2026, 10, 25),
                business: 0,
                off: 2,
                sleep: 0
            },
        ]
    );
    assert_eq!(b.nights, vec![date(2026, 10, 24)]);
}

#[test]
fn period_is_half_open_and_must_not_be_empty() {
    let p = period("2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z");
    assert!(p.contains(at("2026-03-01T00:00:00Z")));
    assert!(!p.contains(at("2026-03-02T00:00:00Z")));
    assert_eq!(p.from(), at("2026-03-01T00:00:00Z"));
    assert_eq!(p.to(), at("2026-03-02T00:00:00Z"));
    let e = Period::new(at("2026-03-02T00:00:00Z"), at("2026-03-02T00:00:00Z")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "period: from 2026-03-02T00:00:00Z must be before to 2026-03-02T00:00:00Z"
    );
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        json,
        r#"{"from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}"#
    );
    assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p);
    assert!(
        serde_json::from_str::<Period>(
            r#"{"from":"2026-03-02T00:00:00Z","to":"2026-03-01T00:00:00Z"}"#
        )
        .is_err()
    );
}

#[test]
fn classifier_agrees_with_classify_across_transitions() {
    for name in [
        "Europe/London",
        "Pacific/Chatham",
        "America/New_York",
        "UTC",
        "Asia/Kathmandu",
    ] {
        let h = PersonHours::with_defaults(tz(name));
        let mut c = h.classifier();
        let mut t = at("2025-12-25T00:00:00Z");
        let end = at("2027-01-05T00:00:00Z");
        while t < end {
            assert_eq!(c.classify(t), h.classify(t), "{name} at {t}");
            t += SignedDuration::from_secs(1789);
        }
        // Going backwards still gives the right answer.
        assert_eq!(
            c.classify(at("2026-01-01T00:00:00Z")),
            h.classify(at("2026-01-01T00:00:00Z"))
        );
    }
}

#[test]
fn team_spread_ranks_who_carries_the_nights() {
    let with_sleep = |sleep: u32, nights: u32| Burden {
        interruptions: InterruptionCounts {
            business: 3,
            off: 1,
            sleep,
            total: sleep + 4,
        },
        disrupted_nights: nights,
        ..Burden::default()
    };
    let (a, b, c, d) = (
        with_sleep(2, 2),
        with_sleep(12, 7),
        with_sleep(0, 0),
        with_sleep(4, 3),
    );
    let spread = team_spread(&[("ann", &a), ("bo", &b), ("cy", &c), ("di", &d)]);
    assert_eq!(spread.median_sleep, 3.0);
    assert_eq!(spread.total_sleep, 18);
    let order: Vec<&str> = spread.members.iter().map(|m| m.member).collect();
    assert_eq!(order, ["bo", "di", "ann", "cy"]);
    assert_eq!(spread.members[0].ratio_to_median, Some(4.0));
    assert!((spread.members[0].share_of_team_sleep - 12.0 / 18.0).abs() < 1e-12);
    assert_eq!(spread.members[3].share_of_team_sleep, 0.0);

    // Median 0: no ratios. Odd count: the middle one.
    let zero = Burden::default();
    let s = team_spread(&[(1, &zero), (2, &zero), (3, &b)]);
    assert_eq!(s.median_sleep, 0.0);
    assert!(s.members.iter().all(|m| m.ratio_to_median.is_none()));
    assert_eq!(s.members[0].member, 3);
    assert_eq!(s.members[0].share_of_team_sleep, 1.0);
    // Nobody at all.
    let empty = team_spread::<u32>(&[]);
    assert_eq!(
        (empty.median_sleep, empty.total_sleep, empty.members.len()),
        (0.0, 0, 0)
    );
    let json = serde_json::to_value(team_spread(&[("ann", &a)])).unwrap();
    assert_eq!(json["members"][0]["member"], "ann");
    assert_eq!(json["members"][0]["ratio_to_median"], 1.0);
}
