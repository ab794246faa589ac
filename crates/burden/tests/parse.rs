//! Parsing and printing of settings, and the messages people see when they get them wrong.

// Test helpers outside #[test] functions are not covered by clippy's allow-unwrap-in-tests; a panic
// is the right failure here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aftercare_burden::*;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use proptest::prelude::*;

fn days(s: &str) -> WorkingDays {
    s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn days_error(s: &str) -> String {
    s.parse::<WorkingDays>().unwrap_err().to_string()
}

#[test]
fn working_days_forms() {
    assert_eq!(days("mon-fri"), WorkingDays::MON_FRI);
    assert_eq!(days("sun,mon,tue,wed,thu"), WorkingDays::SUN_THU);
    assert_eq!(days("sun-thu"), WorkingDays::SUN_THU);
    assert_eq!(days("MON-FRI"), WorkingDays::MON_FRI);
    assert_eq!(days("  Mon - Fri "), WorkingDays::MON_FRI);
    assert_eq!(days("Monday-Friday"), WorkingDays::MON_FRI);
    assert_eq!(days("mon, tue ,wed,thu,fri,"), WorkingDays::MON_FRI);
    assert_eq!(days("mon-wed,thu-fri"), WorkingDays::MON_FRI);
    assert_eq!(days("mon-thu,wed-fri"), WorkingDays::MON_FRI);
    assert_eq!(
        days("mon,mon"),
        WorkingDays::from_weekdays([Weekday::Monday])
    );
    // A range from a day to itself is that day, not the whole week (as in the DuckDB reference).
    assert_eq!(
        days("wed-wed"),
        WorkingDays::from_weekdays([Weekday::Wednesday])
    );
    assert_eq!(days("sat-fri"), WorkingDays::ALL);
    assert_eq!(days("none"), WorkingDays::NONE);
    assert_eq!(days(" NONE "), WorkingDays::NONE);
    let wrap = days("fri-mon");
    assert_eq!(wrap.to_string(), "mon,fri,sat,sun");
    assert!(wrap.contains(Weekday::Saturday));
    assert!(wrap.contains(Weekday::Monday));
    assert!(!wrap.contains(Weekday::Tuesday));
    assert_eq!(wrap.len(), 4);
    assert_eq!(
        wrap.iter().collect::<Vec<_>>(),
        [
            Weekday::Monday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday
        ]
    );
}

#[test]
fn working_days_display_is_canonical() {
    assert_eq!(WorkingDays::default().to_string(), "mon,tue,wed,thu,fri");
    assert_eq!(days("sun-thu").to_string(), "mon,tue,wed,thu,sun");
    assert_eq!(WorkingDays::NONE.to_string(), "none");
    assert_eq!(
        format!("{:?}", WorkingDays::MON_FRI),
        "WorkingDays(mon,tue,wed,thu,fri)"
    );
    assert_eq!(
        serde_json::to_string(&WorkingDays::SUN_THU).unwrap(),
        r#""mon,tue,wed,thu,sun""#
    );
    assert_eq!(
        serde_json::from_str::<WorkingDays>(r#""sun-thu""#).unwrap(),
        WorkingDays::SUN_THU
    );
    assert!(serde_json::from_str::<WorkingDays>(r#""sun-thur""#).is_err());
}

#[test]
fn working_days_errors_name_the_field_and_the_reason() {
    assert_eq!(
        days_error("mon-fry"),
        r#"working days "mon-fry": unknown day "fry" (use mon, tue, wed, thu, fri, sat, sun)"#
    );
    assert_eq!(
        days_error("weekdays"),
        r#"working days "weekdays": unknown day "weekdays" (use mon, tue, wed, thu, fri, sat, sun)"#
    );
    assert_eq!(
        days_error(""),
        r#"working days "": no days given (write e.g. mon-fri, sun-thu or none)"#
    );
    assert_eq!(
        days_error(" , "),
        r#"working days " , ": no days given (write e.g. mon-fri, sun-thu or none)"#
    );
    assert_eq!(
        days_error("mon-"),
        r#"working days "mon-": "mon-" is not a range of two days like mon-fri"#
    );
    assert_eq!(
        days_error("mon-wed-fri"),
        r#"working days "mon-wed-fri": "mon-wed-fri" is not a range of two days like mon-fri"#
    );
    assert!(matches!(
        "mon;tue".parse::<WorkingDays>(),
        Err(BurdenError::WorkingDays { .. })
    ));
}

#[test]
fn daily_window_parses_and_prints() {
    let w = DailyWindow::parse("22:00", "08:00").unwrap();
    assert_eq!(w.to_string(), "22:00-08:00");
    assert_eq!(w.start(), "22:00");
    assert_eq!(w.end(), "08:00");
    assert_eq!(w.start_time(), Time::constant(22, 0, 0, 0));
    assert!(w.spans_midnight());
    assert!(!w.is_empty());
    assert!(w.contains(Time::constant(23, 59, 59, 999_999_999)));
    assert!(w.contains(Time::constant(0, 0, 0, 0)));
    assert!(w.contains(Time::constant(7, 59, 59, 999_999_999)));
    assert!(!w.contains(Time::constant(8, 0, 0, 0)));
    assert!(!w.contains(Time::constant(21, 59, 59, 999_999_999)));
    assert!(w.contains(Time::constant(22, 0, 0, 0)));

    let d = DailyWindow::parse(" 8:00", "18:30 ").unwrap();
    assert_eq!(d.to_string(), "08:00-18:30");
    assert!(!d.spans_midnight());
    assert!(d.contains(Time::constant(18, 29, 59, 0)));
    assert!(!d.contains(Time::constant(18, 30, 0, 0)));

    let e = DailyWindow::parse("08:00", "08:00").unwrap();
    assert!(e.is_empty());
    assert!(!e.contains(Time::constant(8, 0, 0, 0)));
    assert!(!e.contains(Time::constant(3, 0, 0, 0)));

    assert_eq!("22:00-08:00".parse::<DailyWindow>().unwrap(), w);
    assert_eq!(serde_json::to_string(&w).unwrap(), r#""22:00-08:00""#);
    assert_eq!(
        serde_json::from_str::<DailyWindow>(r#""22:00-08:00""#).unwrap(),
        w
    );
    assert_eq!(
        DailyWindow::from_times(Time::constant(9, 15, 42, 7), Time::constant(17, 0, 0, 0))
            .to_string(),
        "09:15-17:00"
    );
}

#[test]
fn daily_window_errors_name_the_field_and_the_reason() {
    let err = |s: &str, e: &str| {
        DailyWindow::parse_named("sleep window", s, e)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("22:00", "25:00"),
        r#"sleep window end "25:00": not a time of day HH:MM"#
    );
    assert_eq!(
        err("2200", "08:00"),
        r#"sleep window start "2200": not a time of day HH:MM"#
    );
    assert_eq!(
        err("22:00", "8"),
        r#"sleep window end "8": not a time of day HH:MM"#
    );
    assert_eq!(
        err("22:60", "08:00"),
        r#"sleep window start "22:60": not a time of day HH:MM"#
    );
    assert_eq!(
        err("22:0", "08:00"),
        r#"sleep window start "22:0": not a time of day HH:MM"#
    );
    assert_eq!(
        err("+1:00", "08:00"),
        r#"sleep window start "+1:00": not a time of day HH:MM"#
    );
    assert_eq!(
        err("", "08:00"),
        r#"sleep window start "": not a time of day HH:MM"#
    );
    assert_eq!(
        err("10pm", "08:00"),
        r#"sleep window start "10pm": not a time of day HH:MM"#
    );
    assert_eq!(
        err("18:00", "24:00"),
        r#"sleep window end "24:00": not a time of day HH:MM (write 00:00 for midnight)"#
    );
    assert_eq!(
        DailyWindow::parse("08:00", "99:99")
            .unwrap_err()
            .to_string(),
        r#"window end "99:99": not a time of day HH:MM"#
    );
    assert_eq!(
        "08:00".parse::<DailyWindow>().unwrap_err().to_string(),
        r#"window "08:00": not a window HH:MM-HH:MM"#
    );
}

#[test]
fn settings_default_column_by_column() {
    let utc = TimeZone::UTC;
    let all_default = PersonHours::from_settings(utc.clone(), &HoursSettings::default()).unwrap();
    assert_eq!(all_default, PersonHours::with_defaults(utc.clone()));
    let blanks = HoursSettings {
        working_days: Some(""),
        working_start: Some(" "),
        working_end: Some(""),
        sleep_start: Some(""),
        sleep_end: None,
    };
    assert_eq!(
        PersonHours::from_settings(utc.clone(), &blanks).unwrap(),
        all_default
    );
    let custom = HoursSettings {
        working_days: Some("sun-thu"),
        working_start: Some("09:30"),
        sleep_end: Some("06:45"),
        ..HoursSettings::default()
    };
    let h = PersonHours::from_settings(utc.clone(), &custom).unwrap();
    assert_eq!(h.working_days, WorkingDays::SUN_THU);
    assert_eq!(h.working_hours.to_string(), "09:30-18:00");
    assert_eq!(h.sleep_window.to_string(), "22:00-06:45");

    let bad = |s: HoursSettings<'_>| {
        PersonHours::from_settings(TimeZone::UTC, &s)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        bad(HoursSettings {
            working_days: Some("mon-fry"),
            ..HoursSettings::default()
        }),
        r#"working days "mon-fry": unknown day "fry" (use mon, tue, wed, thu, fri, sat, sun)"#
    );
    assert_eq!(
        bad(HoursSettings {
            working_end: Some("6pm"),
            ..HoursSettings::default()
        }),
        r#"working hours end "6pm": not a time of day HH:MM"#
    );
    assert_eq!(
        bad(HoursSettings {
            sleep_end: Some("25:00"),
            ..HoursSettings::default()
        }),
        r#"sleep window end "25:00": not a time of day HH:MM"#
    );
}

#[test]
fn person_hours_and_category_serialise() {
    let h = PersonHours::with_defaults(TimeZone::get("Asia/Kathmandu").unwrap());
    assert_eq!(
        serde_json::to_value(&h).unwrap(),
        serde_json::json!({
            "time_zone": "Asia/Kathmandu",
            "working_days": "mon,tue,wed,thu,fri",
            "working_hours": "08:00-18:00",
            "sleep_window": "22:00-08:00"
        })
    );
    assert_eq!(
        serde_json::to_string(&Category::Business).unwrap(),
        r#""business""#
    );
    assert_eq!(serde_json::to_string(&Category::Off).unwrap(), r#""off""#);
    assert_eq!(
        serde_json::from_str::<Category>(r#""sleep""#).unwrap(),
        Category::Sleep
    );
    assert_eq!(Category::Sleep.to_string(), "sleep");
}

#[test]
fn the_test_time_zones_resolve() {
    // The property tests need these; jiff reads /usr/share/zoneinfo and, in tests, falls back to its
    // bundled copy (dev-dependency feature tzdb-bundle-always), so this holds with or without tzdata.
    for name in [
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Pacific/Chatham",
        "Australia/Sydney",
        "Pacific/Auckland",
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",
        "America/St_Johns",
        "UTC",
    ] {
        assert!(TimeZone::get(name).is_ok(), "{name}");
    }
    // And the bundled copy, used where the system has none, has them too.
    let bundled = jiff::tz::TimeZoneDatabase::bundled();
    assert!(bundled.get("Pacific/Chatham").is_ok());
    assert!(bundled.get("Asia/Kathmandu").is_ok());
}

const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The DuckDB reference's `expand()`, transcribed: the set a spec must parse to.
fn reference_expand(spec: &str) -> u8 {
    let mut mask = 0;
    for part in spec.split(',') {
        let part = part.trim().to_lowercase();
        if let Some((a, b)) = part.split_once('-') {
            let i = NAMES.iter().position(|n| *n == a).unwrap();
            let j = NAMES.iter().position(|n| *n == b).unwrap();
            let j = if j >= i { j } else { j + 7 };
            for k in i..=j {
                mask |= 1 << (k % 7);
            }
        } else if !part.is_empty() {
            mask |= 1 << NAMES.iter().position(|n| *n == part).unwrap();
        }
    }
    mask
}

fn spec_item() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..7usize).prop_map(|i| NAMES[i].to_owned()),
        (0..7usize, 0..7usize).prop_map(|(i, j)| format!("{}-{}", NAMES[i], NAMES[j])),
    ]
}

proptest! {
    /// Every list the DuckDB reference accepts parses to the same set here, whatever the case.
    #[test]
    fn working_days_agree_with_the_reference(items in prop::collection::vec(spec_item(), 1..5), upper in any::<bool>()) {
        let spec = items.join(",");
        let expected = reference_expand(&spec);
        let written = if upper { spec.to_uppercase() } else { spec.clone() };
        let parsed: WorkingDays = written.parse().unwrap();
        let expected_days = WorkingDays::from_weekdays(
            (0..7).filter(|i| expected & (1 << i) != 0).map(|i| Weekday::Monday.wrapping_add(i)),
        );
        prop_assert_eq!(parsed, expected_days);
    }

    /// Display parses back to the same set, for all 128 sets.
    #[test]
    fn working_days_round_trip(mask in 0u8..128) {
        let d = WorkingDays::from_weekdays((0..7).filter(|i| mask & (1 << i) != 0).map(|i| Weekday::Monday.wrapping_add(i)));
        prop_assert_eq!(d.to_string().parse::<WorkingDays>().unwrap(), d);
        prop_assert_eq!(d.len(), mask.count_ones() as usize);
    }

    /// Every HH:MM parses, prints back identically, and `contains` agrees with minute arithmetic.
    #[test]
    fn daily_windows_round_trip(s in 0u32..1440, e in 0u32..1440, t in 0u32..86_400) {
        let f = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let w = DailyWindow::parse(&f(s), &f(e)).unwrap();
        prop_assert_eq!(w.to_string(), format!("{}-{}", f(s), f(e)));
        prop_assert_eq!(w.to_string().parse::<DailyWindow>().unwrap(), w);
        let time = Time::new((t / 3600) as i8, (t / 60 % 60) as i8, (t % 60) as i8, 0).unwrap();
        let (s, e, t) = (s * 60, e * 60, t);
        let expected = if s < e { s <= t && t < e } else if s > e { t >= s || t < e } else { false };
        prop_assert_eq!(w.contains(time), expected);
    }
}
