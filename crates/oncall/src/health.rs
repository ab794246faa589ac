//! Rotation health (issue 9, item 5): findings about how humane a rotation is, each with
//! a stable code, a plain explanation and the source of its threshold.
//!
//! Pure: the caller gathers the facts (who was on call over a period, the incidents that
//! paged the rotation, who is new, who has shadowed or drilled) and gets findings and each
//! person's share of the hard hours back. Shares are shown to leads as well as findings
//! because "uneven" means nothing without the numbers behind it.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;

use crate::{Member, OnCallSpan};

/// What the health check knows about one member of the rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    pub member: Member,
    /// New to this rotation's on-call (a lead marks them, or they joined recently).
    pub newcomer: bool,
    /// Shifts they have shadowed (carried the pager alongside someone experienced).
    pub shadow_shifts: u32,
    /// When they last took part in a fire drill, if ever.
    pub last_fire_drill: Option<Timestamp>,
}

/// Everything one health check looks at.
#[derive(Debug, Clone)]
pub struct HealthInput<'a> {
    /// The rotation's zone: nights, weekends and holidays are its local ones.
    pub zone: TimeZone,
    /// The period examined, `[from, to)` (Aftercare uses the last quarter).
    pub from: Timestamp,
    pub to: Timestamp,
    /// Who carried the rotation's pager over the period (overrides included).
    pub spans: &'a [OnCallSpan],
    pub members: &'a [MemberFacts],
    /// When each incident that paged the rotation in the period began.
    pub incidents: &'a [Timestamp],
    /// Public holidays in the rotation's region.
    pub holidays: &'a [Date],
    /// The moment of the check (for "in the last 6 months").
    pub now: Timestamp,
}

/// How much a finding asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks a published limit.
    Warning,
    /// Worth a look; no limit is broken yet.
    Notice,
}

/// One finding: what, why it matters, where the threshold comes from, and who it concerns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable: tools and tests match on it; the wording may change.
    pub code: &'static str,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    /// The threshold's source, as a reader can look it up.
    pub source: &'static str,
    /// The members it concerns (empty when it is about the whole rotation).
    pub members: Vec<Member>,
}

/// One member's share of the period's on-call time and of its hard hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub member: Member,
    pub on_call_hours: f64,
    /// Their on-call hours over the period's length (0..=1).
    pub fraction_on_call: f64,
    pub night_hours: f64,
    pub weekend_hours: f64,
    pub holiday_hours: f64,
    /// Their part of all the rotation's night, weekend and holiday hours (0..=1 each; 0
    /// when the rotation had none).
    pub night_share: f64,
    pub weekend_share: f64,
    pub holiday_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub findings: Vec<Finding>,
    pub shares: Vec<Share>,
}

/// Fewer people than this make an inhumane rotation.
pub const MIN_MEMBERS: usize = 6;
/// The most of one person's time spent on call.
pub const MAX_FRACTION_ON_CALL: f64 = 0.25;
/// The most incidents per 12-hour shift, on average.
pub const MAX_INCIDENTS_PER_12H: f64 = 2.0;
/// Shares are shown as whole percentages: 25.4% reads as 25%, which is not more than 25%.
const ROUNDING: f64 = 0.005;
/// How recent a fire drill must be.
pub const FIRE_DRILL_MONTHS: i64 = 6;
/// A share this many times the even share is uneven.
pub const UNEVEN_FACTOR: f64 = 1.5;
/// Night in the rotation's zone: PagerDuty's sleep-hour window, 22:00 to 08:00.
const NIGHT_START_HOUR: i8 = 22;
const NIGHT_END_HOUR: i8 = 8;

pub const SOURCE_SIZE: &str = "Google, Site Reliability Engineering (O'Reilly, 2016), ch. 11 \"Being On-Call\": at least 8 engineers at one site or 6 per site across two; GitLab Handbook, on-call: minimum 6 per rotation";
pub const SOURCE_TIME_ON_CALL: &str = "Google, Site Reliability Engineering (O'Reilly, 2016), ch. 11 \"Being On-Call\": no more than 25% of an engineer's time on call";
pub const SOURCE_INCIDENTS: &str = "Google, Site Reliability Engineering (O'Reilly, 2016), ch. 11 \"Being On-Call\": about 6 hours of work per incident, so at most 2 incidents per 12-hour shift";
pub const SOURCE_BACK_TO_BACK: &str = "Google, The Site Reliability Workbook (O'Reilly, 2018), ch. 8 \"On-Call\": split long shifts (12 hours on, 12 off; split weeks) so nobody carries the pager unbroken";
pub const SOURCE_SHADOW: &str = "PagerDuty Incident Response guide, \"Being On-Call\", and PagerDuty's blog on shadow shifts: newcomers shadow an experienced responder before carrying the pager";
pub const SOURCE_FIRE_DRILL: &str = "Google, Site Reliability Engineering (O'Reilly, 2016), ch. 28 \"Accelerating SREs to On-Call and Beyond\": regular practice incidents (\"Wheel of Misfortune\"); the 6-month interval is Aftercare's default team policy";
pub const SOURCE_UNEVEN: &str = "Google, Site Reliability Engineering (O'Reilly, 2016), ch. 11 \"Being On-Call\": on-call load kept balanced across the team; flagging a share 1.5 times the even one is Aftercare's default team policy";

fn hours(d: SignedDuration) -> f64 {
    d.as_secs_f64() / 3600.0
}

/// Splits `[start, end)` at local hour boundaries and adds each piece to the night,
/// weekend and holiday tallies it falls in. Linear in the span's hours.
fn hard_hours(
    zone: &TimeZone,
    holidays: &[Date],
    start: Timestamp,
    end: Timestamp,
) -> (f64, f64, f64) {
    let (mut night, mut weekend, mut holiday) = (0.0, 0.0, 0.0);
    let mut t = start;
    while t < end {
        let z = t.to_zoned(zone.clone());
        // The next top of the local hour (or the end), computed in UTC so a DST gap
        // cannot stall the walk.
        let into_hour =
            SignedDuration::from_secs(i64::from(z.minute()) * 60 + i64::from(z.second()))
                + SignedDuration::from_nanos(i64::from(z.subsec_nanosecond()));
        let step = SignedDuration::from_hours(1) - into_hour;
        // `step` is never zero (a minute and second past the hour are under an hour).
        let next = t.checked_add(step).map_or(end, |n| n.min(end));
        let h = hours(next.duration_since(t));
        let hour = z.hour();
        if !(NIGHT_END_HOUR..NIGHT_START_HOUR).contains(&hour) {
            night += h;
        }
        if matches!(z.weekday(), Weekday::Saturday | Weekday::Sunday) {
            weekend += h;
        }
        if holidays.contains(&z.date()) {
            holiday += h;
        }
        t = next;
    }
    (night, weekend, holiday)
}

fn people(n: usize) -> &'static str {
    if n == 1 { "person" } else { "people" }
}

/// The rotation's findings over the input's period, and each member's share.
pub fn check(input: &HealthInput<'_>) -> Health {
    let mut findings = Vec::new();
    let n = input.members.len();
    let period = hours(input.to.duration_since(input.from)).max(0.0);

    if n < MIN_MEMBERS {
        findings.push(Finding {
            code: "rotation.too_small",
            severity: Severity::Warning,
            title: format!("Only {n} {} in this rotation", people(n)),
            explanation: format!(
                "With fewer than {MIN_MEMBERS} people, each carries the pager too often to rest between shifts. Add people, or share the rotation with a team in another time zone."
            ),
            source: SOURCE_SIZE,
            members: Vec::new(),
        });
    }

    // Each member's hours, clipped to the period.
    let mut shares: Vec<Share> = input
        .members
        .iter()
        .map(|m| Share {
            member: m.member,
            on_call_hours: 0.0,
            fraction_on_call: 0.0,
            night_hours: 0.0,
            weekend_hours: 0.0,
            holiday_hours: 0.0,
            night_share: 0.0,
            weekend_share: 0.0,
            holiday_share: 0.0,
        })
        .collect();
    let mut sorted: Vec<OnCallSpan> = input
        .spans
        .iter()
        .filter_map(|s| {
            let start = s.start.max(input.from);
            let end = s.end.min(input.to);
            (start < end).then_some(OnCallSpan { start, end, ..*s })
        })
        .collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut total_on_call = 0.0;
    for s in &sorted {
        let h = hours(s.end.duration_since(s.start));
        total_on_call += h;
        let (night, weekend, holiday) = hard_hours(&input.zone, input.holidays, s.start, s.end);
        // Someone lent from outside the rotation (an override) still counts in the
        // rotation's totals but has no share row.
        if let Some(share) = shares.iter_mut().find(|x| x.member == s.member) {
            share.on_call_hours += h;
            share.night_hours += night;
            share.weekend_hours += weekend;
            share.holiday_hours += holiday;
        }
    }
    let (all_night, all_weekend, all_holiday) = shares.iter().fold((0.0, 0.0, 0.0), |a, s| {
        (
            a.0 + s.night_hours,
            a.1 + s.weekend_hours,
            a.2 + s.holiday_hours,
        )
    });
    let part = |x: f64, of: f64| if of > 0.0 { x / of } else { 0.0 };
    for s in &mut shares {
        s.fraction_on_call = part(s.on_call_hours, period);
        s.night_share = part(s.night_hours, all_night);
        s.weekend_share = part(s.weekend_hours, all_weekend);
        s.holiday_share = part(s.holiday_hours, all_holiday);
    }

    let over: Vec<&Share> = shares
        .iter()
        .filter(|s| s.fraction_on_call >= MAX_FRACTION_ON_CALL + ROUNDING)
        .collect();
    if !over.is_empty() {
        let most = over
            .iter()
            .map(|s| s.fraction_on_call)
            .fold(0.0_f64, f64::max);
        findings.push(Finding {
            code: "oncall.over_quarter_of_time",
            severity: Severity::Warning,
            title: format!(
                "{} {} on call more than 25% of the time",
                over.len(),
                people(over.len())
            ),
            explanation: format!(
                "Over this period the most anyone was on call is {:.0}% of the time. Above a quarter, on call crowds out rest and project work; spread the shifts or add people.",
                most * 100.0
            ),
            source: SOURCE_TIME_ON_CALL,
            members: over.iter().map(|s| s.member).collect(),
        });
    }

    let in_period = input
        .incidents
        .iter()
        .filter(|&&t| input.from <= t && t < input.to)
        .count();
    if total_on_call > 0.0 {
        let per_12h = in_period as f64 / (total_on_call / 12.0);
        if per_12h > MAX_INCIDENTS_PER_12H {
            findings.push(Finding {
                code: "incidents.over_two_per_shift",
                severity: Severity::Warning,
                title: format!("{per_12h:.1} incidents per 12-hour shift on average"),
                explanation: format!(
                    "{in_period} incidents over {total_on_call:.0} hours on call. Each takes hours to handle and follow up, so more than 2 per 12 hours leaves no time to fix causes; look at what pages most (the \"what wakes people\" report)."
                ),
                source: SOURCE_INCIDENTS,
                members: Vec::new(),
            });
        }
    }

    // The same person on call across a handoff: their shifts join into one.
    let mut back_to_back: Vec<Member> = Vec::new();
    for w in sorted.windows(2) {
        if w[0].member == w[1].member
            && w[0].end == w[1].start
            && w[0].layer != w[1].layer
            && !back_to_back.contains(&w[0].member)
        {
            back_to_back.push(w[0].member);
        }
    }
    // A rotation of one hands the pager to the same person every time.
    if n == 1
        && sorted.len() > 1
        && let Some(m) = input.members.first()
        && !back_to_back.contains(&m.member)
    {
        back_to_back.push(m.member);
    }
    if !back_to_back.is_empty() {
        findings.push(Finding {
            code: "shifts.back_to_back",
            severity: Severity::Warning,
            title: format!(
                "{} {} with shifts back to back",
                back_to_back.len(),
                people(back_to_back.len())
            ),
            explanation: "Someone's shift ran straight into another of theirs (an override or swap next to their own shift), so they carried the pager with no break. Give the second shift to someone else.".to_string(),
            source: SOURCE_BACK_TO_BACK,
            members: back_to_back,
        });
    }

    let unshadowed: Vec<Member> = input
        .members
        .iter()
        .filter(|m| m.newcomer && m.shadow_shifts == 0)
        .map(|m| m.member)
        .collect();
    if !unshadowed.is_empty() {
        findings.push(Finding {
            code: "newcomer.no_shadow_shifts",
            severity: Severity::Warning,
            title: format!(
                "{} {} new to on call with no shadow shifts",
                unshadowed.len(),
                people(unshadowed.len())
            ),
            explanation: "Before carrying the pager alone, a newcomer should shadow an experienced teammate for at least one shift, with a buddy to call.".to_string(),
            source: SOURCE_SHADOW,
            members: unshadowed,
        });
    }

    let cutoff = input
        .now
        .to_zoned(TimeZone::UTC)
        .checked_sub(FIRE_DRILL_MONTHS.months())
        .map(|z| z.timestamp())
        .unwrap_or(input.now);
    let undrilled: Vec<Member> = input
        .members
        .iter()
        .filter(|m| m.last_fire_drill.is_none_or(|t| t < cutoff))
        .map(|m| m.member)
        .collect();
    if !undrilled.is_empty() {
        let all = undrilled.len() == n;
        findings.push(Finding {
            code: if all {
                "drills.none_in_six_months"
            } else {
                "drills.some_without"
            },
            severity: if all {
                Severity::Warning
            } else {
                Severity::Notice
            },
            title: if all {
                "Nobody has had a fire drill in the last 6 months".to_string()
            } else {
                format!(
                    "{} {} without a fire drill in the last 6 months",
                    undrilled.len(),
                    people(undrilled.len())
                )
            },
            explanation: "A practice incident, run when nothing is on fire, lets people rehearse the tools and the calls without the stress of a real outage. Schedule one for those who have not had one.".to_string(),
            source: SOURCE_FIRE_DRILL,
            members: undrilled,
        });
    }

    if n >= 2 {
        let even = 1.0 / n as f64;
        for (code, label, total, share_of) in [
            (
                "load.uneven_nights",
                "night",
                all_night,
                (|s: &Share| s.night_share) as fn(&Share) -> f64,
            ),
            (
                "load.uneven_weekends",
                "weekend",
                all_weekend,
                |s: &Share| s.weekend_share,
            ),
            (
                "load.uneven_holidays",
                "holiday",
                all_holiday,
                |s: &Share| s.holiday_share,
            ),
        ] {
            if total <= 0.0 {
                continue;
            }
            let heavy: Vec<&Share> = shares
                .iter()
                .filter(|s| share_of(s) > even * UNEVEN_FACTOR)
                .collect();
            if heavy.is_empty() {
                continue;
            }
            let top = heavy.iter().map(|s| share_of(s)).fold(0.0_f64, f64::max);
            findings.push(Finding {
                code,
                severity: Severity::Notice,
                title: format!(
                    "{} {} carried an uneven share of {label} hours",
                    heavy.len(),
                    people(heavy.len())
                ),
                explanation: format!(
                    "An even share of the {total:.0} {label} hours would be {:.0}% each; the largest share was {:.0}%. The shares below show everyone's; the rotation generator can even them out next quarter.",
                    even * 100.0,
                    top * 100.0
                ),
                source: SOURCE_UNEVEN,
                members: heavy.iter().map(|s| s.member).collect(),
            });
        }
    }

    Health { findings, shares }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Layer, Rotation, Schedule, ShiftLength};
    use jiff::civil::date;
    use proptest::prelude::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn facts(ids: &[Member], drilled: Option<Timestamp>) -> Vec<MemberFacts> {
        ids.iter()
            .map(|&member| MemberFacts {
                member,
                newcomer: false,
                shadow_shifts: 0,
                last_fire_drill: drilled,
            })
            .collect()
    }

    fn weekly(members: Vec<Member>) -> Schedule {
        let zone = TimeZone::get("Europe/London").unwrap();
        Schedule {
            layers: vec![Layer {
                name: "primary".into(),
                rotation: Rotation::new(
                    zone,
                    date(2027, 1, 4).at(9, 0, 0, 0),
                    ShiftLength::Weeks(1),
                    members,
                )
                .unwrap(),
                window: None,
                overrides: vec![],
            }],
            overrides: vec![],
        }
    }

    fn codes(h: &Health) -> Vec<&'static str> {
        h.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_rotation_of_four_is_too_small_and_each_is_on_call_a_quarter_of_the_time() {
        let ids = vec![1, 2, 3, 4];
        let s = weekly(ids.clone());
        let (from, to) = (ts("2027-01-04T09:00:00Z"), ts("2027-03-29T08:00:00Z"));
        let spans = s.spans(from, to);
        let members = facts(&ids, Some(ts("2027-03-01T00:00:00Z")));
        let h = check(&HealthInput {
            zone: TimeZone::get("Europe/London").unwrap(),
            from,
            to,
            spans: &spans,
            members: &members,
            incidents: &[],
            holidays: &[],
            now: to,
        });
        assert_eq!(codes(&h), vec!["rotation.too_small"]);
        let f = &h.findings[0];
        assert!(f.source.contains("Site Reliability Engineering"));
        assert!(f.title.contains("Only 4 people"));
        // 12 weeks over 4 people: exactly a quarter each, which is not more than 25%.
        for s in &h.shares {
            assert!((s.fraction_on_call - 0.25).abs() < 0.01, "{s:?}");
            assert!((s.night_share - 0.25).abs() < 0.01);
        }
    }

    #[test]
    fn three_people_are_on_call_a_third_of_the_time_each() {
        let ids = vec![1, 2, 3];
        let s = weekly(ids.clone());
        let (from, to) = (ts("2027-01-04T09:00:00Z"), ts("2027-03-29T08:00:00Z"));
        let spans = s.spans(from, to);
        let members = facts(&ids, Some(ts("2027-03-01T00:00:00Z")));
        let h = check(&HealthInput {
            zone: TimeZone::get("Europe/London").unwrap(),
            from,
            to,
            spans: &spans,
            members: &members,
            incidents: &[],
            holidays: &[],
            now: to,
        });
        let f = h
            .findings
            .iter()
            .find(|f| f.code == "oncall.over_quarter_of_time")
            .unwrap();
        assert_eq!(f.members, vec![1, 2, 3]);
        assert!(f.explanation.contains("33%"), "{}", f.explanation);
    }

    #[test]
    fn more_than_two_incidents_per_twelve_hours_is_flagged() {
        let ids: Vec<Member> = (1..=6).collect();
        let s = weekly(ids.clone());
        let (from, to) = (ts("2027-01-04T09:00:00Z"), ts("2027-01-05T09:00:00Z"));
        let spans = s.spans(from, to);
        let members = facts(&ids, Some(to));
        // 24 hours on call: 4 incidents is 2 per 12 h (fine), 5 is over.
        let four: Vec<Timestamp> = (0..4)
            .map(|i| from + SignedDuration::from_hours(i * 5))
            .collect();
        let mut input = HealthInput {
            zone: TimeZone::get("Europe/London").unwrap(),
            from,
            to,
            spans: &spans,
            members: &members,
            incidents: &four,
            holidays: &[],
            now: to,
        };
        assert!(!codes(&check(&input)).contains(&"incidents.over_two_per_shift"));
        let five: Vec<Timestamp> = (0..5)
            .map(|i| from + SignedDuration::from_hours(i * 4))
            .collect();
        input.incidents = &five;
        let h = check(&input);
        assert!(codes(&h).contains(&"incidents.over_two_per_shift"));
    }

    #[test]
    fn an_override_beside_ones_own_shift_is_back_to_back() {
        let ids: Vec<Member> = (1..=6).collect();
        let mut s = weekly(ids.clone());
        // Member 2 covers the day before their own week begins (member 1's last day).
        s.overrides.push(crate::Override {
            member: 2,
            start: ts("2027-01-10T09:00:00Z"),
            end: ts("2027-01-11T09:00:00Z"),
        });
        let (from, to) = (ts("2027-01-04T09:00:00Z"), ts("2027-02-15T09:00:00Z"));
        let spans = s.spans(from, to);
        let members = facts(&ids, Some(to));
        let h = check(&HealthInput {
            zone: TimeZone::get("Europe/London").unwrap(),
            from,
            to,
            spans: &spans,
            members: &members,
            incidents: &[],
            holidays: &[],
            now: to,
        });
        let f = h
            .findings
            .iter()
            .find(|f| f.code == "shifts.back_to_back")
            .unwrap();
        assert_eq!(f.members, vec![2]);
    }

    #[test]
    fn newcomers_without_shadow_shifts_and_missing_drills_are_named() {
        let ids: Vec<Member> = (1..=6).collect();
        let mut members = facts(&ids, None);
        members[4].newcomer = true;
        members[5].newcomer = true;
        members[5].shadow_shifts = 2;
        let now = ts("2027-06-01T00:00:00Z");
        let h = check(&HealthInput {
            zone: TimeZone::UTC,
            from: ts("2027-03-01T00:00:00Z"),
            to: now,
            spans: &[],
            members: &members,
            incidents: &[],
            holidays: &[],
            now,
        });
        let f = h
            .findings
            .iter()
            .find(|f| f.code == "newcomer.no_shadow_shifts")
            .unwrap();
        assert_eq!(f.members, vec![5]);
        assert!(codes(&h).contains(&"drills.none_in_six_months"));
        // A drill 5 months ago counts; one 7 months ago does not.
        members[0].last_fire_drill = Some(ts("2027-01-01T00:00:00Z"));
        members[1].last_fire_drill = Some(ts("2026-11-01T00:00:00Z"));
        let h = check(&HealthInput {
            zone: TimeZone::UTC,
            from: ts("2027-03-01T00:00:00Z"),
            to: now,
            spans: &[],
            members: &members,
            incidents: &[],
            holidays: &[],
            now,
        });
        let f = h
            .findings
            .iter()
            .find(|f| f.code == "drills.some_without")
            .unwrap();
        assert_eq!(f.members, vec![2, 3, 4, 5, 6]);
        assert_eq!(f.severity, Severity::Notice);
    }

    #[test]
    fn someone_who_took_every_weekend_has_an_uneven_share() {
        let ids: Vec<Member> = (1..=6).collect();
        // Weekdays 1..5 take turns by day; member 6 covers every weekend by override.
        let zone = TimeZone::get("America/New_York").unwrap();
        let mut s = Schedule {
            layers: vec![Layer {
                name: "primary".into(),
                rotation: Rotation::new(
                    zone.clone(),
                    date(2027, 1, 4).at(0, 0, 0, 0),
                    ShiftLength::Days(1),
                    vec![1, 2, 3, 4, 5],
                )
                .unwrap(),
                window: None,
                overrides: vec![],
            }],
            overrides: vec![],
        };
        let mut day = date(2027, 1, 9);
        while day < date(2027, 4, 1) {
            let start = crate::local_instant(&zone, day.at(0, 0, 0, 0)).unwrap();
            let end = crate::local_instant(
                &zone,
                day.tomorrow().unwrap().tomorrow().unwrap().at(0, 0, 0, 0),
            )
            .unwrap();
            s.overrides.push(crate::Override {
                member: 6,
                start,
                end,
            });
            day = day.checked_add(7.days()).unwrap();
        }
        let from = crate::local_instant(&zone, date(2027, 1, 4).at(0, 0, 0, 0)).unwrap();
        let to = crate::local_instant(&zone, date(2027, 3, 29).at(0, 0, 0, 0)).unwrap();
        let spans = s.spans(from, to);
        let members = facts(&ids, Some(to));
        let h = check(&HealthInput {
            zone,
            from,
            to,
            spans: &spans,
            members: &members,
            incidents: &[],
            holidays: &[date(2027, 1, 18)],
            now: to,
        });
        let f = h
            .findings
            .iter()
            .find(|f| f.code == "load.uneven_weekends")
            .unwrap();
        assert_eq!(f.members, vec![6]);
        let six = h.shares.iter().find(|s| s.member == 6).unwrap();
        assert!((six.weekend_share - 1.0).abs() < 1e-9);
        // The one holiday (a Monday) went to whoever had that day: all of it.
        let holiday: Vec<f64> = h.shares.iter().map(|s| s.holiday_hours).collect();
        assert!(
            (holiday.iter().sum::<f64>() - 24.0).abs() < 1e-9,
            "{holiday:?}"
        );
    }

    proptest! {
        /// Whatever the rotation, shares of each kind of hour add up to one (or to zero
        /// when there were none), nobody is on call more than the whole period, and the
        /// hours add up to the spans'.
        #[test]
        fn shares_add_up(
            n in 1usize..9,
            hours_len in 1u32..72,
            start_hour in 0i8..24,
            zone in prop::sample::select(vec!["Europe/London", "Australia/Sydney", "America/Chicago", "Asia/Kolkata"]),
            days in 1i64..120,
        ) {
            let zone = TimeZone::get(zone).unwrap();
            let ids: Vec<Member> = (1..=n as i64).collect();
            let r = Rotation::new(zone.clone(), date(2026, 12, 25).at(start_hour, 0, 0, 0), ShiftLength::Hours(hours_len), ids.clone()).unwrap();
            let s = Schedule { layers: vec![Layer { name: "p".into(), rotation: r, window: None, overrides: vec![] }], overrides: vec![] };
            let from = ts("2027-01-02T00:00:00Z");
            let to = from + SignedDuration::from_hours(24 * days);
            let spans = s.spans(from, to);
            let members = facts(&ids, None);
            let h = check(&HealthInput { zone, from, to, spans: &spans, members: &members, incidents: &[], holidays: &[date(2027, 1, 6)], now: to });
            let total: f64 = h.shares.iter().map(|s| s.on_call_hours).sum();
            prop_assert!((total - 24.0 * days as f64).abs() < 1e-6);
            for pick in [|s: &Share| s.night_share, |s: &Share| s.weekend_share] {
                let sum: f64 = h.shares.iter().map(pick).sum();
                prop_assert!((sum - 1.0).abs() < 1e-9 || sum == 0.0, "{sum}");
            }
            for s in &h.shares {
                prop_assert!(s.fraction_on_call <= 1.0 + 1e-9);
                prop_assert!(s.night_hours <= s.on_call_hours + 1e-9);
            }
            // Night is 10 of every 24 local hours, give or take DST days.
            let nights: f64 = h.shares.iter().map(|s| s.night_hours).sum();
            prop_assert!((nights - 10.0 * days as f64).abs() <= 2.0 + 1e-6 * days as f64, "{nights}");
        }
    }
}
