//! Every answer keeps check.py's rules; "optimal" and "infeasible" are true (checked by exhaustive search
//! on small random instances); infeasible answers name what cannot be met; refusals name the field;
//! local times become instants by FORMAT.md's DST rules.

use std::time::Duration;

use aftercare_rotation::{
    Assignment, Instance, SOLUTION_FORMAT, Solution, SolveOptions, Status, check, local_instant,
    solve,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use serde_json::{Value, json};

fn opts() -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(5),
        seed: 11,
    }
}

/// Daily shifts from 2027-01-04 09:00 (Europe/London), with the given weights.
fn daily(weights: &[f64]) -> Vec<Value> {
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let a = jiff::civil::date(2027, 1, 4).at(9, 0, 0, 0) + jiff::Span::new().days(i64::try_from(i).expect("small"));
            let b = a + jiff::Span::new().days(1);
            json!({"id": format!("s{:03}", i + 1), "start": a.strftime("%Y-%m-%dT%H:%M").to_string(),
                   "end": b.strftime("%Y-%m-%dT%H:%M").to_string(), "weight": w})
        })
        .collect()
}

/// Unavailability covering exactly shift `i` of [`daily`].
fn off(i: usize) -> Value {
    let a = jiff::civil::date(2027, 1, 4).at(12, 0, 0, 0)
        + jiff::Span::new().days(i64::try_from(i).expect("small"));
    let b = a + jiff::Span::new().hours(1);
    json!({"start": a.strftime("%Y-%m-%dT%H:%M").to_string(), "end": b.strftime("%Y-%m-%dT%H:%M").to_string()})
}

fn instance(shifts: Vec<Value>, people: Vec<Value>, rest: usize, shadow: usize) -> Instance {
    let v = json!({"format": "aftercare-rotation/1", "timezone": "Europe/London", "shifts": shifts,
                   "people": people, "rules": {"min_rest_shifts": rest, "newcomer_shadow_shifts": shadow}});
    Instance::from_json(&v.to_string()).expect("valid instance")
}

/// Exhaustive search: the least spread of any schedule keeping the rules, or None if there is none.
fn brute_force(inst: &Instance) -> Option<f64> {
    let n = inst.shifts.len();
    let np = inst.people.len();
    let k = inst.rules.newcomer_shadow_shifts;
    let newcomers: Vec<usize> = if k == 0 {
        Vec::new()
    } else {
        (0..np).filter(|&p| inst.people[p].newcomer).collect()
    };
    // Every shadow vector that keeps the shadow rules on its own, kept by where each newcomer's
    // shadowing ends (all that matters for the primaries).
    let mut shadows: Vec<(Vec<usize>, Vec<Option<usize>>)> = Vec::new();
    fn rec_shadow(
        i: usize,
        inst: &Instance,
        newcomers: &[usize],
        k: usize,
        cur: &mut Vec<Option<usize>>,
        out: &mut Vec<(Vec<usize>, Vec<Option<usize>>)>,
    ) {
        if i == cur.len() {
            if newcomers
                .iter()
                .all(|&p| cur.iter().filter(|s| **s == Some(p)).count() == k)
            {
                let ends: Vec<usize> = newcomers
                    .iter()
                    .map(|&p| cur.iter().rposition(|s| *s == Some(p)).map_or(0, |j| j + 1))
                    .collect();
                if !out.iter().any(|(e, _)| *e == ends) {
                    out.push((ends, cur.clone()));
                }
            }
            return;
        }
        cur[i] = None;
        rec_shadow(i + 1, inst, newcomers, k, cur, out);
        for &p in newcomers {
            if inst.people[p].available_for(&inst.shifts[i]) {
                cur[i] = Some(p);
                rec_shadow(i + 1, inst, newcomers, k, cur, out);
            }
        }
        cur[i] = None;
    }
    rec_shadow(0, inst, &newcomers, k, &mut vec![None; n], &mut shadows);
    let mut best: Option<f64> = None;
    fn rec(
        i: usize,
        inst: &Instance,
        prim: &mut Vec<usize>,
        shadows: &[(Vec<usize>, Vec<Option<usize>>)],
        newcomers: &[usize],
        best: &mut Option<f64>,
    ) {
        let n = prim.len();
        if i == n {
            let Some((_, sh)) = shadows.iter().find(|(ends, _)| {
                newcomers
                    .iter()
                    .zip(ends)
                    .all(|(&p, &e)| prim.iter().position(|&q| q == p).unwrap_or(n) >= e)
            }) else {
                return;
            };
            let spread =
                check(inst, &to_solution(inst, prim, sh)).expect("brute force keeps the rules");
            if best.is_none_or(|b| spread < b) {
                *best = Some(spread);
            }
            return;
        }
        for p in 0..inst.people.len() {
            if !inst.people[p].available_for(&inst.shifts[i]) {
                continue;
            }
            let r = inst.rules.min_rest_shifts;
            if (i.saturating_sub(r)..i).any(|j| prim[j] == p) {
                continue;
            }
            prim[i] = p;
            rec(i + 1, inst, prim, shadows, newcomers, best);
        }
    }
    rec(
        0,
        inst,
        &mut vec![0usize; n],
        &shadows,
        &newcomers,
        &mut best,
    );
    best
}

fn to_solution(inst: &Instance, prim: &[usize], shadow: &[Option<usize>]) -> Solution {
    Solution {
        format: SOLUTION_FORMAT.to_string(),
        status: Status::Feasible,
        assignments: prim
            .iter()
            .enumerate()
            .map(|(i, &p)| Assignment {
                shift: inst.shifts[i].id.clone(),
                primary: inst.people[p].id.clone(),
                shadow: shadow[i].map(|q| inst.people[q].id.clone()),
            })
            .collect(),
        spread: None,
        bound: None,
        reason: None,
        loads: Vec::new(),
    }
}

fn small_instance() -> impl Strategy<Value = Instance> {
    (2usize..=7, 1usize..=4, 0usize..=2, 0usize..=2).prop_flat_map(|(n, np, rest, shadow)| {
        (
            proptest::collection::vec(prop_oneof![Just(1.0), Just(1.5), Just(2.0), Just(0.25), Just(3.125)], n),
            proptest::collection::vec(
                (
                    proptest::collection::vec(0usize..n, 0..3),
                    prop_oneof![Just(0.0), Just(0.5), Just(1.0), Just(2.75)],
                    prop_oneof![Just(1.0), Just(0.5), Just(0.8), Just(0.33)],
                    prop::bool::weighted(0.3),
                ),
                np,
            ),
        )
            .prop_map(move |(weights, people)| {
                let people: Vec<Value> = people
                    .into_iter()
                    .enumerate()
                    .map(|(k, (offs, prior, cap, newcomer))| {
                        json!({"id": format!("p{k}"), "unavailable": offs.into_iter().map(off).collect::<Vec<_>>(),
                               "prior_load": prior, "capacity": cap, "newcomer": newcomer})
                    })
                    .collect();
                instance(daily(&weights), people, rest, shadow)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn answers_keep_the_rules_and_claims_are_true(inst in small_instance()) {
        let sol = solve(&inst, &opts());
        let truth = brute_force(&inst);
        match sol.status {
            Status::Optimal | Status::Feasible => {
                let spread = check(&inst, &sol).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(Some(spread), sol.spread);
                let best = truth.expect("a schedule exists, since one was found");
                prop_assert!(spread >= best - 1e-9);
                let bound = sol.bound.expect("bound");
                prop_assert!(bound <= best + 1e-9, "bound {} above the optimum {}", bound, best);
                if sol.status == Status::Optimal {
                    prop_assert!((spread - best).abs() < 1e-9, "claimed optimal {} but {} exists", spread, best);
                }
                // Small instances are searched to the end: the answer should be the optimum.
                prop_assert!((spread - best).abs() < 1e-9, "spread {} but {} exists", spread, best);
            }
            Status::Infeasible => {
                prop_assert!(truth.is_none(), "called infeasible ({:?}) but a schedule exists", sol.reason);
                prop_assert!(sol.reason.is_some());
                prop_assert!(sol.assignments.is_empty());
            }
            Status::Unknown => prop_assert!(false, "no answer for a tiny instance: {:?}", sol.reason),
        }
    }
}

#[test]
fn a_shift_nobody_can_take_is_named() {
    let people = vec![
        json!({"id": "ana", "unavailable": [off(2)]}),
        json!({"id": "bo", "unavailable": [off(2)]}),
        json!({"id": "chen", "unavailable": [off(2)]}),
    ];
    let inst = instance(daily(&[1.0; 5]), people, 1, 2);
    let sol = solve(&inst, &opts());
    assert_eq!(sol.status, Status::Infeasible);
    assert_eq!(
        sol.reason.as_deref(),
        Some("shift s003 (2027-01-06T09:00\u{2013}2027-01-07T09:00): nobody is available")
    );
    assert!(sol.assignments.is_empty());
}

#[test]
fn a_newcomer_who_cannot_shadow_enough_is_named() {
    let offs: Vec<Value> = (0..4).map(off).collect();
    let people = vec![
        json!({"id": "ana"}),
        json!({"id": "bo"}),
        json!({"id": "new", "newcomer": true, "unavailable": offs}),
    ];
    let sol = solve(&instance(daily(&[1.0; 5]), people, 1, 2), &opts());
    assert_eq!(sol.status, Status::Infeasible);
    assert_eq!(
        sol.reason.as_deref(),
        Some("newcomer new must shadow 2 shifts but is available for only 1")
    );
}

#[test]
fn a_shift_only_a_newcomer_could_take_too_early_is_named() {
    let people = vec![
        json!({"id": "ana", "unavailable": [off(1)]}),
        json!({"id": "bo", "unavailable": [off(1)]}),
        json!({"id": "new", "newcomer": true}),
    ];
    let sol = solve(&instance(daily(&[1.0; 5]), people, 1, 2), &opts());
    assert_eq!(sol.status, Status::Infeasible);
    let reason = sol.reason.expect("reason");
    assert!(reason.starts_with("shift s002 ("), "{reason}");
    assert!(
        reason.contains("only newcomer new is available"),
        "{reason}"
    );
}

#[test]
fn too_few_people_for_the_rest_rule_is_named() {
    let people = vec![json!({"id": "ana"}), json!({"id": "bo"})];
    let sol = solve(&instance(daily(&[1.0; 4]), people, 2, 0), &opts());
    assert_eq!(sol.status, Status::Infeasible);
    let reason = sol.reason.expect("reason");
    assert!(reason.contains("min_rest_shifts=2"), "{reason}");
    assert!(reason.contains("need 3 different people"), "{reason}");
    assert!(reason.contains("ana and bo"), "{reason}");
}

#[test]
fn newcomers_shadow_exactly_before_their_first_primary_and_one_per_shift() {
    let people = vec![
        json!({"id": "ana"}),
        json!({"id": "bo"}),
        json!({"id": "chen"}),
        json!({"id": "n1", "newcomer": true}),
        json!({"id": "n2", "newcomer": true}),
    ];
    let inst = instance(daily(&[1.0; 20]), people, 2, 3);
    let sol = solve(&inst, &opts());
    check(&inst, &sol).expect("keeps the rules");
    for nc in ["n1", "n2"] {
        let shadows: Vec<usize> = (0..20)
            .filter(|&i| sol.assignments[i].shadow.as_deref() == Some(nc))
            .collect();
        assert_eq!(shadows.len(), 3);
        let first = sol
            .assignments
            .iter()
            .position(|a| a.primary == nc)
            .unwrap_or(20);
        assert!(shadows.iter().all(|&s| s < first));
    }
}

#[test]
fn the_checker_catches_each_broken_rule() {
    let people = vec![
        json!({"id": "ana", "unavailable": [off(0)]}),
        json!({"id": "bo"}),
        json!({"id": "chen"}),
        json!({"id": "new", "newcomer": true}),
    ];
    let inst = instance(daily(&[1.0; 4]), people, 1, 1);
    let mk = |prim: [&str; 4], shadow: [Option<&str>; 4]| Solution {
        format: SOLUTION_FORMAT.into(),
        status: Status::Feasible,
        assignments: (0..4)
            .map(|i| Assignment {
                shift: inst.shifts[i].id.clone(),
                primary: prim[i].into(),
                shadow: shadow[i].map(Into::into),
            })
            .collect(),
        spread: None,
        bound: None,
        reason: None,
        loads: Vec::new(),
    };
    let good = mk(
        ["bo", "ana", "chen", "new"],
        [Some("new"), None, None, None],
    );
    assert_eq!(check(&inst, &good), Ok(0.0));
    let cases = [
        (
            mk(
                ["ana", "bo", "chen", "new"],
                [Some("new"), None, None, None],
            ),
            "shift s001: primary ana is unavailable",
        ),
        (
            mk(["bo", "bo", "chen", "new"], [Some("new"), None, None, None]),
            "bo: primary on shifts s001 and s002 breaks min_rest_shifts=1",
        ),
        (
            mk(["bo", "ana", "chen", "new"], [Some("bo"), None, None, None]),
            "shift s001: shadow \"bo\" is not a newcomer",
        ),
        (
            mk(
                ["bo", "ana", "chen", "new"],
                [None, None, None, Some("new")],
            ),
            "shift s004: shadow is the primary",
        ),
        (
            mk(["bo", "ana", "chen", "new"], [None, None, None, None]),
            "newcomer new shadows 0 shifts, expected 1",
        ),
        (
            mk(
                ["bo", "new", "chen", "ana"],
                [None, None, Some("new"), None],
            ),
            "newcomer new shadows after their first primary shift",
        ),
        (
            mk(
                ["bo", "ana", "chen", "zed"],
                [Some("new"), None, None, None],
            ),
            "shift s004: unknown primary \"zed\"",
        ),
    ];
    for (sol, want) in cases {
        assert_eq!(check(&inst, &sol).map_err(|e| e.0), Err(want.to_string()));
    }
}

fn refusal(patch: impl Fn(&mut Value)) -> String {
    let mut v = json!({"format": "aftercare-rotation/1", "timezone": "Europe/London", "shifts": daily(&[1.0; 4]),
                       "people": [{"id": "ana"}, {"id": "bo"}], "rules": {"min_rest_shifts": 1}});
    patch(&mut v);
    Instance::from_json(&v.to_string())
        .expect_err("refused")
        .to_string()
}

#[test]
fn refusals_name_the_field() {
    assert_eq!(
        refusal(|v| v["shifts"][3]["weight"] = json!(11)),
        "shifts[3].weight: must be 0 to 10"
    );
    assert_eq!(
        refusal(|v| v["shifts"][1]["weight"] = json!(-1)),
        "shifts[1].weight: must be 0 to 10"
    );
    assert_eq!(
        refusal(|v| v["shifts"][0]["weight"] = json!(1.0005)),
        "shifts[0].weight: must have at most 3 decimals"
    );
    assert_eq!(
        refusal(|v| v["people"][1]["capacity"] = json!(0.05)),
        "people[1].capacity: must be 0.1 to 1"
    );
    assert_eq!(
        refusal(|v| v["people"][1]["capacity"] = json!(0.555)),
        "people[1].capacity: must have at most 2 decimals"
    );
    assert_eq!(
        refusal(|v| v["format"] = json!("x/2")),
        "format: must be \"aftercare-rotation/1\", not \"x/2\""
    );
    assert_eq!(
        refusal(|v| v["timezone"] = json!("Mars/Olympus")),
        "timezone: \"Mars/Olympus\" is not a known IANA time zone"
    );
    assert_eq!(
        refusal(|v| v["shifts"][2]["start"] = json!("2027-01-05T10:00")),
        "shifts[2].start: shift s003 starts before shift s002 ends: shifts must be in time order and not overlap"
    );
    assert_eq!(
        refusal(|v| v["shifts"][2]["id"] = json!("s001")),
        "shifts[2].id: \"s001\" is used by an earlier shift"
    );
    assert_eq!(
        refusal(|v| v["people"][1]["id"] = json!("ana")),
        "people[1].id: \"ana\" is used by an earlier person"
    );
    assert_eq!(
        refusal(|v| v["people"][0]["unavailable"] =
            json!([{"start": "2027-01-05T00:00", "end": "tomorrow"}])),
        "people[0].unavailable[0].end: \"tomorrow\" is not a local date and time such as 2027-03-01T09:00"
    );
    assert_eq!(
        refusal(|v| v["shifts"][0]["start"] = json!("2027-01-04T09:00+01:00")),
        "shifts[0].start: \"2027-01-04T09:00+01:00\" must be a local time without an offset"
    );
    assert_eq!(
        refusal(|v| v["people"] = json!([])),
        "people: must name at least one person"
    );
    assert_eq!(
        refusal(|v| v["people"][0]["newcomer"] = json!("yes")),
        "people[0].newcomer: must be true or false"
    );
    assert_eq!(
        refusal(|v| v["rules"]["min_rest_shifts"] = json!(-1)),
        "rules.min_rest_shifts: must be a whole number of at least 0"
    );
    assert!(
        Instance::from_json("{")
            .expect_err("not JSON")
            .to_string()
            .starts_with("not JSON")
    );
}

fn instant(local: &str, zone: &str) -> Timestamp {
    let tz = TimeZone::get(zone).expect("bundled zone");
    local_instant(local, &tz, "t").expect("converts")
}

fn utc(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

#[test]
fn dst_gap_moves_forward_and_ambiguity_takes_the_earlier_instant() {
    // Northern hemisphere: London springs forward 2027-03-28 01:00 -> 02:00, falls back 2027-10-31 02:00 -> 01:00.
    assert_eq!(
        instant("2027-03-28T01:30", "Europe/London"),
        utc("2027-03-28T01:30:00Z")
    );
    assert_eq!(
        instant("2027-03-28T02:30", "Europe/London"),
        utc("2027-03-28T01:30:00Z")
    );
    assert_eq!(
        instant("2027-10-31T01:30", "Europe/London"),
        utc("2027-10-31T00:30:00Z")
    );
    assert_eq!(
        instant("2027-10-31T02:30", "Europe/London"),
        utc("2027-10-31T02:30:00Z")
    );
    // Southern hemisphere: Sydney falls back 2027-04-04 03:00 -> 02:00 and springs forward 2027-10-03 02:00 -> 03:00.
    assert_eq!(
        instant("2027-04-04T02:30", "Australia/Sydney"),
        utc("2027-04-03T15:30:00Z")
    );
    assert_eq!(
        instant("2027-10-03T02:30", "Australia/Sydney"),
        utc("2027-10-02T16:30:00Z")
    );
    assert_eq!(
        instant("2027-10-03T03:30", "Australia/Sydney"),
        utc("2027-10-02T16:30:00Z")
    );
    // New York: 2027-03-14 02:00 -> 03:00; 2027-11-07 02:00 -> 01:00.
    assert_eq!(
        instant("2027-03-14T02:15", "America/New_York"),
        utc("2027-03-14T07:15:00Z")
    );
    assert_eq!(
        instant("2027-11-07T01:15", "America/New_York"),
        utc("2027-11-07T05:15:00Z")
    );
}

#[test]
fn availability_overlaps_in_instants_across_dst() {
    // A day shift over London's spring-forward night is 23 hours long.
    // Time off written "01:10 to 01:20" on the fall-back night is ambiguous and takes the earlier
    // instants (00:10Z-00:20Z, in BST), so it falls in shift a (which ends at 01:30 BST = 00:30Z), not b.
    let shifts = json!([
        {"id": "spring", "start": "2027-03-27T09:00", "end": "2027-03-28T09:00", "weight": 1},
        {"id": "a", "start": "2027-10-30T09:00", "end": "2027-10-31T01:30", "weight": 1},
        {"id": "b", "start": "2027-10-31T01:30", "end": "2027-10-31T09:00", "weight": 1},
        {"id": "c", "start": "2027-10-31T09:00", "end": "2027-11-01T09:00", "weight": 1}
    ]);
    let v = json!({"format": "aftercare-rotation/1", "timezone": "Europe/London", "shifts": shifts,
        "people": [{"id": "ana"},
                   {"id": "bo", "unavailable": [{"start": "2027-10-31T01:10", "end": "2027-10-31T01:20"}]},
                   {"id": "chen", "unavailable": [{"start": "2027-03-28T08:59", "end": "2027-03-28T09:00"}]}],
        "rules": {"min_rest_shifts": 1, "newcomer_shadow_shifts": 0}});
    let inst = Instance::from_json(&v.to_string()).expect("valid");
    assert_eq!(
        inst.shifts[0]
            .end
            .duration_since(inst.shifts[0].start)
            .as_secs(),
        23 * 3600
    );
    // b, written 01:30 to 09:00, starts at the earlier 01:30 (BST): 8.5 hours, not 7.5.
    assert_eq!(
        inst.shifts[2]
            .end
            .duration_since(inst.shifts[2].start)
            .as_secs(),
        8 * 3600 + 1800
    );
    let (bo, chen) = (&inst.people[1], &inst.people[2]);
    assert!(!bo.available_for(&inst.shifts[1]));
    assert!(bo.available_for(&inst.shifts[2]));
    assert!(!chen.available_for(&inst.shifts[0]));
    assert!(
        chen.available_for(&inst.shifts[1]),
        "half-open, and in instants"
    );
    let sol = solve(&inst, &opts());
    check(&inst, &sol).expect("keeps the rules");
    assert_eq!(sol.status, Status::Optimal);
}

#[test]
fn no_shifts_leaves_the_carried_over_loads() {
    let people = vec![
        json!({"id": "ana", "prior_load": 2}),
        json!({"id": "bo", "prior_load": 0.5}),
    ];
    let sol = solve(&instance(Vec::new(), people, 1, 0), &opts());
    assert_eq!(sol.status, Status::Optimal);
    assert_eq!(sol.spread, Some(1.5));
    assert!(sol.assignments.is_empty());
}
