//! The shared benchmark instances (copied into tests/fixtures, see PROVENANCE.md): every answer keeps
//! every rule, and is at least as fair as CP-SAT's reference answer.

use std::time::Duration;

use aftercare_rotation::{Instance, SolveOptions, Status, check, solve};

fn fixture(name: &str) -> Instance {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture present");
    Instance::from_json(&text).expect("fixture parses")
}

const CPSAT: [(&str, f64); 5] = [
    ("quarter-weekly-6", 1.0),
    ("half-weekly-8", 1.0),
    ("quarter-daily-10", 0.5),
    ("year-daily-20", 0.5),
    ("year-12h-40", 0.75),
];

#[test]
fn fixtures_are_solved_within_the_rules_and_no_less_fair_than_cpsat() {
    for (name, cpsat) in CPSAT {
        let inst = fixture(name);
        let sol = solve(
            &inst,
            &SolveOptions {
                time_limit: Duration::from_secs(20),
                seed: 7,
            },
        );
        assert!(
            matches!(sol.status, Status::Optimal | Status::Feasible),
            "{name}: {sol:?}"
        );
        let spread = check(&inst, &sol).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Some(spread), sol.spread, "{name}");
        assert!(
            spread <= cpsat + 1e-9,
            "{name}: spread {spread} against CP-SAT's {cpsat}"
        );
        let bound = sol.bound.expect("a bound");
        assert!(
            bound <= spread + 1e-9,
            "{name}: bound {bound} above spread {spread}"
        );
        assert_eq!(sol.assignments.len(), inst.shifts.len());
        assert_eq!(sol.loads.len(), inst.people.len());
    }
}

#[test]
fn the_same_seed_gives_the_same_schedule() {
    let inst = fixture("year-daily-20");
    let opts = SolveOptions {
        time_limit: Duration::from_secs(30),
        seed: 3,
    };
    assert_eq!(solve(&inst, &opts), solve(&inst, &opts));
}

#[test]
fn solution_document_is_the_contract_format() {
    let inst = fixture("quarter-weekly-6");
    let sol = solve(&inst, &SolveOptions::default());
    let v: serde_json::Value = serde_json::from_str(&sol.to_json_pretty()).expect("JSON");
    assert_eq!(v["format"], "aftercare-rotation-solution/1");
    assert!(v["status"] == "optimal" || v["status"] == "feasible");
    assert_eq!(
        v["assignments"].as_array().map(Vec::len),
        Some(inst.shifts.len())
    );
    assert_eq!(v["assignments"][0]["shift"], inst.shifts[0].id.as_str());
    assert!(
        v["assignments"][0].get("shadow").is_some(),
        "shadow is written, as null when none"
    );
    assert!(v["spread"].is_number());
}

#[test]
fn the_time_limit_is_honoured() {
    let inst = fixture("year-12h-40");
    let started = std::time::Instant::now();
    let sol = solve(
        &inst,
        &SolveOptions {
            time_limit: Duration::from_millis(200),
            seed: 1,
        },
    );
    // The bound and the infeasibility checks are not interruptible, but bounded; in a debug build they
    // take well under the margin allowed here.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    if matches!(sol.status, Status::Optimal | Status::Feasible) {
        check(&inst, &sol).expect("keeps the rules");
    }
}
