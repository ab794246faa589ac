use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn daily_handoffs_keep_their_local_time_across_dst() {
    let r = Rotation::new(
        tz("Europe/Berlin"),
        date(2027, 3, 20).at(9, 0, 0, 0),
        ShiftLength::Days(1),
        vec![1, 2, 3],
    )
    .unwrap();
    // The shift that spans the spring change is 23 hours long; both ends are 09:00 local.
    let t = r.turn_at(ts("2027-03-27T12:00:00Z")).unwrap();
    assert_eq!(t.start, ts("2027-03-27T08:00:00Z"));
    assert_eq!(t.end, ts("2027-03-28T07:00:00Z"));
    assert_eq!(t.member, [1, 2, 3][(t.index % 3) as usize]);
    // Autumn: 25 hours.
    let t = r.turn_at(ts("2027-10-30T12:00:00Z")).unwrap();
    assert_eq!(
        t.end.duration_since(t.start),
        SignedDuration::from_hours(25)
    );
}

#[test]
fn a_handoff_in_the_spring_gap_happens_after_it_and_an_ambiguous_one_at_the_first() {
    let r = Rotation::new(
        tz("Europe/Berlin"),
        date(2027, 3, 1).at(2, 30, 0, 0),
        ShiftLength::Days(1),
        vec![7, 8],
    )
    .unwrap();
    // 02:30 does not exist on 28 March 2027 in Berlin: the handoff is at 03:30 CEST.
    let t = r.turn_at(ts("2027-03-28T02:00:00Z")).unwrap();
    assert_eq!(t.start, ts("2027-03-28T01:30:00Z"));
    // 02:30 happens twice on 31 October: the first, CEST.
    let t = r.turn_at(ts("2027-10-31T02:00:00Z")).unwrap();
    assert_eq!(t.start, ts("2027-10-31T00:30:00Z"));
}

#[test]
fn the_southern_hemisphere_changes_the_other_way() {
    // Sydney: clocks go back on 4 April 2027 and forward on 3 October 2027.
    let r = Rotation::new(
        tz("Australia/Sydney"),
        date(2027, 1, 4).at(8, 0, 0, 0),
        ShiftLength::Weeks(1),
        vec![1, 2, 3, 4, 5, 6],
    )
    .unwrap();
    let april = r.turn_at(ts("2027-04-04T06:00:00Z")).unwrap();
    assert_eq!(
        april.end.duration_since(april.start),
        SignedDuration::from_hours(7 * 24 + 1)
    );
    let october = r.turn_at(ts("2027-10-02T06:00:00Z")).unwrap();
    assert_eq!(
        october.end.duration_since(october.start),
        SignedDuration::from_hours(7 * 24 - 1)
    );
    // Hour shifts are exact elapsed hours, whatever the clocks do.
    let h = Rotation::new(
        tz("Australia/Sydney"),
        date(2027, 4, 3).at(20, 0, 0, 0),
        ShiftLength::Hours(12),
        vec![1, 2],
    )
    .unwrap();
    let t = h.turn_at(ts("2027-04-04T00:00:00Z")).unwrap();
    assert_eq!(
        t.end.duration_since(t.start),
        SignedDuration::from_hours(12)
    );
}

#[test]
fn before_the_start_nobody_is_on_call_from_that_rotation() {
    let r = Rotation::new(
        tz("UTC"),
        date(2027, 1, 1).at(0, 0, 0, 0),
        ShiftLength::Days(7),
        vec![1],
    )
    .unwrap();
    assert!(r.turn_at(ts("2026-12-31T23:59:59Z")).is_none());
    assert_eq!(r.turn_at(ts("2027-01-01T00:00:00Z")).unwrap().index, 0);
}

#[test]
fn follow_the_sun_layers_and_overrides() {
    let base = Rotation::new(
        tz("America/New_York"),
        date(2027, 1, 1).at(8, 0, 0, 0),
        ShiftLength::Weeks(1),
        vec![10, 11],
    )
    .unwrap();
    let day = Rotation::new(
        tz("Europe/London"),
        date(2027, 1, 1).at(8, 0, 0, 0),
        ShiftLength::Weeks(1),
        vec![20, 21],
    )
    .unwrap();
    let mut s = Schedule {
        layers: vec![
            Layer {
                name: "americas".into(),
                rotation: base,
                window: None,
                overrides: vec![],
            },
            Layer {
                name: "emea".into(),
                rotation: day,
                window: Some(
                    Window::new(
                        tz("Europe/London"),
                        Time::constant(8, 0, 0, 0),
                        Time::constant(20, 0, 0, 0),
                    )
                    .unwrap(),
                ),
                overrides: vec![],
            },
        ],
        overrides: vec![],
    };
    assert_eq!(s.on_call(ts("2027-01-05T12:00:00Z")), Some((20, Some(1))));
    assert_eq!(s.on_call(ts("2027-01-05T22:00:00Z")), Some((10, Some(0))));
    // London's summer time moves the window with it.
    assert_eq!(
        s.on_call(ts("2027-07-06T07:30:00Z")).map(|x| x.1),
        Some(Some(1))
    );
    s.overrides.push(Override {
        member: 99,
        start: ts("2027-01-05T11:00:00Z"),
        end: ts("2027-01-05T13:00:00Z"),
    });
    assert_eq!(s.on_call(ts("2027-01-05T12:00:00Z")), Some((99, None)));
    let spans = s.spans(ts("2027-01-05T00:00:00Z"), ts("2027-01-06T00:00:00Z"));
    let who: Vec<Member> = spans.iter().map(|p| p.member).collect();
    assert_eq!(who, [10, 20, 99, 20, 10]);
    assert_eq!(spans[1].start, ts("2027-01-05T08:00:00Z"));
    assert_eq!(spans[2].end, ts("2027-01-05T13:00:00Z"));
    // The piece around an instant: the override itself, and the shift it cuts.
    let o = s.piece_at(ts("2027-01-05T12:00:00Z")).unwrap();
    assert_eq!(
        (o.member, o.start, o.end),
        (99, ts("2027-01-05T11:00:00Z"), ts("2027-01-05T13:00:00Z"))
    );
    let after = s.piece_at(ts("2027-01-05T15:00:00Z")).unwrap();
    assert_eq!(
        (after.member, after.start),
        (20, ts("2027-01-05T13:00:00Z"))
    );
    assert_eq!(after.end, ts("2027-01-05T20:00:00Z"));
    let before = s.piece_at(ts("2027-01-05T09:00:00Z")).unwrap();
    assert_eq!(
        (before.start, before.end),
        (ts("2027-01-05T08:00:00Z"), ts("2027-01-05T11:00:00Z"))
    );
}

#[test]
fn lengths_read_and_refuse() {
    assert_eq!(ShiftLength::parse("12h"), Some(ShiftLength::Hours(12)));
    assert_eq!(ShiftLength::parse("1w"), Some(ShiftLength::Weeks(1)));
    assert_eq!(ShiftLength::parse("x"), None);
    assert_eq!(ShiftLength::parse(""), None);
    assert!(
        Rotation::new(
            tz("UTC"),
            date(2027, 1, 1).at(0, 0, 0, 0),
            ShiftLength::Days(0),
            vec![1]
        )
        .is_err()
    );
    assert!(
        Rotation::new(
            tz("UTC"),
            date(2027, 1, 1).at(0, 0, 0, 0),
            ShiftLength::Days(1),
            vec![]
        )
        .is_err()
    );
}

const ZONES: [&str; 5] = [
    "Europe/Berlin",
    "Australia/Sydney",
    "America/New_York",
    "Asia/Kolkata",
    "America/Sao_Paulo",
];

fn arb_length() -> impl Strategy<Value = ShiftLength> {
    prop_oneof![
        (1u32..=48).prop_map(ShiftLength::Hours),
        (1u32..=14).prop_map(ShiftLength::Days),
        (1u32..=4).prop_map(ShiftLength::Weeks),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// With a layer that covers all time, at every instant exactly one person is primary:
    /// the spans over a year tile it with no gap and no overlap, and agree with `on_call`.
    #[test]
    fn spans_tile_the_year_and_agree_with_on_call(
        zone in 0usize..ZONES.len(),
        hour in 0i8..24, minute in prop::sample::select(vec![0i8, 30]),
        length in arb_length(),
        members in prop::collection::vec(1i64..50, 1..8),
        second_zone in 0usize..ZONES.len(),
        window in (0i8..24, 0i8..24).prop_filter("non-empty", |(a, b)| a != b),
        probes in prop::collection::vec(0i64..365 * 86_400, 20),
        sun_cover in prop::collection::vec((0i64..365 * 86_400, 3_600i64..72 * 3_600), 0..4),
    ) {
        let start = date(2026, 12, 1).at(hour, minute, 0, 0);
        let base = Rotation::new(tz(ZONES[zone]), start, length, members.clone()).unwrap();
        let top = Rotation::new(tz(ZONES[second_zone]), start, ShiftLength::Days(1), vec![100, 101]).unwrap();
        let s = Schedule {
            layers: vec![
                Layer { name: "base".into(), rotation: base, window: None, overrides: vec![] },
                Layer {
                    name: "sun".into(),
                    rotation: top,
                    window: Some(Window::new(tz(ZONES[second_zone]), Time::constant(window.0, 0, 0, 0), Time::constant(window.1, 0, 0, 0)).unwrap()),
                    // Cover arranged on the follow-the-sun rotation: it holds only inside
                    // that layer's window.
                    overrides: sun_cover.iter().enumerate().map(|(i, &(at, len))| {
                        let start = ts("2027-01-01T00:00:00Z").checked_add(SignedDuration::from_secs(at)).unwrap();
                        Override { member: 500 + i as i64, start, end: start.checked_add(SignedDuration::from_secs(len)).unwrap() }
                    }).collect(),
                },
            ],
            overrides: vec![Override { member: 999, start: ts("2027-03-28T00:00:00Z"), end: ts("2027-03-29T05:00:00Z") }],
        };
        let from = ts("2027-01-01T00:00:00Z");
        let to = ts("2028-01-01T00:00:00Z");
        let spans = s.spans(from, to);
        prop_assert!(!spans.is_empty());
        prop_assert_eq!(spans[0].start, from);
        prop_assert_eq!(spans.last().unwrap().end, to);
        for w in spans.windows(2) {
            prop_assert_eq!(w[0].end, w[1].start, "gap or overlap at {}", w[0].end);
            prop_assert!(w[0].start < w[0].end);
        }
        for p in probes {
            let t = from.checked_add(SignedDuration::from_secs(p)).unwrap();
            let piece = spans.iter().find(|x| x.start <= t && t < x.end).unwrap();
            let (who, layer) = s.on_call(t).unwrap();
            prop_assert_eq!((piece.member, piece.layer), (who, layer));
            let in_window = s.layers[1].window.as_ref().unwrap().contains(t);
            let schedule_wide = s.overrides.iter().any(|o| o.start <= t && t < o.end);
            let sun_override = s.layers[1].overrides.iter().rev().find(|o| o.start <= t && t < o.end);
            if (500..999).contains(&who) {
                prop_assert!(in_window && !schedule_wide, "layer cover outside its window at {t}");
            }
            if let (Some(o), true, false) = (sun_override, in_window, schedule_wide) {
                prop_assert_eq!(who, o.member);
                prop_assert_eq!(layer, Some(1));
            }
        }
    }

    /// Turns of one rotation follow each other and hand over in member order.
    #[test]
    fn turns_follow_each_other_in_member_order(
        zone in 0usize..ZONES.len(),
        length in arb_length(),
        members in prop::collection::vec(1i64..50, 1..8),
    ) {
        let r = Rotation::new(tz(ZONES[zone]), date(2027, 1, 1).at(2, 30, 0, 0), length, members.clone()).unwrap();
        let turns = r.turns(ts("2027-01-01T00:00:00Z"), ts("2027-12-31T00:00:00Z"));
        for w in turns.windows(2) {
            prop_assert_eq!(w[0].end, w[1].start);
            prop_assert_eq!(w[1].index, w[0].index + 1);
            prop_assert_eq!(w[1].member, members[(w[1].index as usize) % members.len()]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A year's feed, read back by the parser that imports PagerDuty and Opsgenie exports,
    /// gives the same spans: events cover the schedule with no gaps or overlaps, whoever the
    /// zone, shift length and DST changes.
    #[test]
    fn a_feed_reads_back_as_the_spans_it_was_made_from(
        zone in 0usize..ZONES.len(),
        length in arb_length(),
        n in 1usize..7,
    ) {
        let members: Vec<Member> = (1..=n as i64).collect();
        let r = Rotation::new(tz(ZONES[zone]), date(2026, 12, 28).at(9, 30, 0, 0), length, members).unwrap();
        let s = Schedule { layers: vec![Layer { name: "primary".into(), rotation: r, window: None, overrides: vec![] }], overrides: vec![] };
        let from = ts("2027-01-01T00:00:00Z");
        let to = ts("2028-01-01T00:00:00Z");
        let spans = s.spans(from, to);
        let names: Vec<(String, String)> = (0..=n).map(|i| (format!("Person, {i}; \"x\""), format!("p{i}@example.org"))).collect();
        let text = ical::feed("Payments primary", &spans, |m| {
            names.get(m as usize).map(|(name, email)| ical::Attendee { name, email })
        }, ts("2026-12-01T00:00:00Z"));
        for line in text.split("\r\n") {
            prop_assert!(line.len() <= 75, "{line}");
        }
        let read = aftercare_schedule::parse_ical(&text).unwrap();
        prop_assert_eq!(read.len(), spans.len());
        for (shift, span) in read.iter().zip(&spans) {
            prop_assert_eq!(shift.start, span.start);
            prop_assert_eq!(shift.end, span.end);
            prop_assert_eq!(shift.person.email.clone(), Some(format!("p{}@example.org", span.member)));
        }
        for w in read.windows(2) {
            prop_assert_eq!(w[0].end, w[1].start);
        }
    }
}
