//! The fair rotation generator (issue 9, item 7): given a rotation's members, shifts with weights, time
//! off, carried-over load, part-time capacity and newcomers who must shadow first, the fairest schedule
//! that keeps every hard rule. The contract is `shared/bench/rotation/FORMAT.md`
//! (`aftercare-rotation/1` in, `aftercare-rotation-solution/1` out).
//!
//! * [`Instance::from_json`] reads and checks an instance, naming the field of any refusal.
//! * [`solve`] returns a [`Solution`]: `optimal` when its spread meets a proven lower bound, `feasible`
//!   otherwise, `infeasible` with a `reason` naming the shift or person that cannot be satisfied.
//! * [`check`] checks any solution exactly as `check.py` does and returns its spread.
//!
//! No I/O: the only outside fact read is the monotonic clock, to honour the time limit. For a given
//! seed the answer is the same on every run that ends before the time limit (the search stops on its
//! own after a number of proposals without progress, or on reaching the bound).

mod bound;
pub mod check;
mod exact;
mod feasibility;
pub mod instance;
mod lns;
mod model;
mod search;
pub mod solution;

use std::time::{Duration, Instant};

pub use crate::check::{CheckError, check};
pub use crate::instance::{
    INSTANCE_FORMAT, Instance, InstanceError, Person, Rules, Shift, Span, local_instant,
};
pub use crate::solution::{Assignment, PersonLoad, SOLUTION_FORMAT, Solution, Status};

use crate::exact::Exact;
use crate::lns::LnsBudget;
use crate::model::Model;
use crate::search::{Budget, Rng, State, anneal, repair};
use crate::solution::{person_loads, round6};

/// How long to search, and the seed that makes the search repeatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SolveOptions {
    /// Wall-clock budget; the answer comes at the latest shortly after it.
    pub time_limit: Duration,
    /// Seed of the search's random choices.
    pub seed: u64,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(10),
            seed: 1,
        }
    }
}

const EPS: f64 = 1e-9;

/// Each person's fair share of weight (thousandths): the loads levelled as far as their reachable
/// totals allow ("water filling").
fn fair_targets(m: &Model) -> Vec<i64> {
    let cap: Vec<i64> = (0..m.np).map(|p| m.max_weight(p)).collect();
    #[allow(clippy::cast_precision_loss)]
    let share = |level: f64| -> Vec<f64> {
        (0..m.np)
            .map(|p| (level * 10.0 * m.cap[p] as f64 - m.prior[p] as f64).clamp(0.0, cap[p] as f64))
            .collect()
    };
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    #[allow(clippy::cast_precision_loss)]
    let total = m.total_w as f64;
    while share(hi).iter().sum::<f64>() < total && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..80 {
        let mid = (lo + hi) / 2.0;
        if share(mid).iter().sum::<f64>() < total {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    #[allow(clippy::cast_possible_truncation)]
    share(hi).into_iter().map(|x| x.round() as i64).collect()
}

/// The smallest step a load moves by, roughly: sets the annealing's temperatures and sharpness.
fn load_step(m: &Model) -> f64 {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a.abs() } else { gcd(b, a % b) }
    }
    let g = m.w.iter().fold(0i64, |a, &b| gcd(a, b)).max(1);
    let mut ws: Vec<i64> = m.w.iter().copied().filter(|&w| w > 0).collect();
    ws.sort_unstable();
    let median = ws.get(ws.len() / 2).copied().unwrap_or(1000);
    let maxcap = m.cap.iter().copied().max().unwrap_or(100).max(1);
    #[allow(clippy::cast_precision_loss)]
    let step = (g.max(median / 8)) as f64 * 100.0 / (1000.0 * maxcap as f64);
    step.max(1e-6)
}

fn without_schedule(status: Status, reason: String) -> Solution {
    Solution::without_schedule(status, reason, None)
}

/// Finds the fairest schedule it can within `opts.time_limit`.
pub fn solve(inst: &Instance, opts: &SolveOptions) -> Solution {
    let started = Instant::now();
    let deadline = started + opts.time_limit;
    let out_of_time = move || Instant::now() >= deadline;
    let m = Model::new(inst);
    if let Some(reason) = feasibility::infeasibility(inst, &m) {
        return without_schedule(Status::Infeasible, reason);
    }
    if m.n == 0 {
        return finish(inst, &m, &[], &[], 0.0);
    }
    let step = load_step(&m);
    #[allow(clippy::cast_precision_loss)]
    let max_w = m.w.iter().copied().max().unwrap_or(1000) as f64 / 1000.0;
    #[allow(clippy::cast_precision_loss)]
    let min_cap = m.cap.iter().copied().min().unwrap_or(100) as f64 / 100.0;
    let beta = (3.0 / step).min(150.0 / (max_w / min_cap).max(1e-3));
    let target = fair_targets(&m);
    let mut rng = Rng::new(opts.seed);
    let n = m.n as u64;
    let np = m.np as u64;

    let mut state = None;
    for _attempt in 0..8 {
        let Some(mut s) = State::construct(&m, &target, beta, &mut rng) else {
            break;
        };
        let budget = Budget {
            target: 0.0,
            stall: u64::MAX,
            max_iters: 2_000_000 + 2_000 * n,
            out_of_time: &out_of_time,
        };
        if s.conflicts == 0 || repair(&mut s, &mut rng, &budget) {
            state = Some(s);
            break;
        }
        if out_of_time() {
            break;
        }
    }
    let Some(mut s) = state else {
        if m.n <= EXACT_MAX_SHIFTS {
            match exact::exact(&m, None, 0.0, EXACT_NODES, &out_of_time) {
                Exact::Optimal { prim, shadow, .. } if !prim.is_empty() => {
                    let bound = bound::lower_bound(&m, f64::INFINITY);
                    return finish(inst, &m, &prim, &shadow, bound.max(0.0));
                }
                Exact::Infeasible { deepest } if deepest < m.n => {
                    return without_schedule(
                        Status::Infeasible,
                        format!(
                            "{}: however the shifts before it are covered, nobody available is rested \
                             enough for it (min_rest_shifts={}{})",
                            feasibility::shift_label(inst, deepest),
                            m.rest,
                            if m.newcomers.is_empty() {
                                ""
                            } else {
                                ", with newcomers shadowing first"
                            }
                        ),
                    );
                }
                _ => {}
            }
        }
        return without_schedule(
            Status::Unknown,
            format!(
                "no schedule keeping every rule was found within {:.1} s (the rules were not proven \
                 impossible: time off, the rest rule (min_rest_shifts={}) and newcomers' shadowing leave \
                 very few choices)",
                started.elapsed().as_secs_f64(),
                m.rest
            ),
        );
    };

    let (bound, window) = bound::lower_bound_window(&m, s.spread());
    let quick = Budget {
        target: bound,
        stall: 5_000 + 40 * n * np.min(50),
        max_iters: 200_000 + 200 * n * np.min(50),
        out_of_time: &out_of_time,
    };
    let cycle = 2_000 + 50 * n * np.min(50);
    let (first, _) = anneal(&mut s, &mut rng, &quick, step, cycle, None);
    if first.spread <= bound + EPS || out_of_time() {
        return finish(inst, &m, &first.prim, &first.shadow, bound);
    }
    let long = Budget {
        target: bound,
        stall: 500_000 + 2_000 * n * np.min(50),
        max_iters: u64::MAX,
        out_of_time: &out_of_time,
    };
    let mut best = first;
    // 1. Aim at the window where the bound's relaxation puts every load, 2. then at the spread itself.
    if window.is_some() {
        s.restore(&best.prim, &best.shadow);
        let (found, _) = anneal(&mut s, &mut rng, &long, step, cycle, window);
        if found.spread < best.spread - EPS {
            best = found;
        }
    }
    if best.spread > bound + EPS && !out_of_time() {
        s.restore(&best.prim, &best.shadow);
        let (found, _) = anneal(&mut s, &mut rng, &long, step, cycle, None);
        if found.spread < best.spread - EPS {
            best = found;
        }
    }
    // 3. Re-solve groups of people exactly, then anneal from there, while that keeps helping.
    for _ in 0..LNS_CYCLES {
        if best.spread <= bound + EPS || out_of_time() {
            break;
        }
        let mut prim = best.prim.clone();
        let spread = lns::improve(
            &m,
            &mut prim,
            &best.shadow,
            &mut rng,
            &LnsBudget {
                rounds: 4_000 + 40 * np,
                stall: 400 + 20 * np,
                nodes: 50_000,
                floor: bound,
                out_of_time: &out_of_time,
            },
        );
        if spread >= best.spread - EPS {
            break;
        }
        best.prim = prim;
        best.spread = spread;
        s.restore(&best.prim, &best.shadow);
        let (found, _) = anneal(&mut s, &mut rng, &quick, step, cycle, None);
        if found.spread < best.spread - EPS {
            best = found;
        }
    }
    let mut bound = bound;
    if best.spread > bound + EPS && m.n <= EXACT_MAX_SHIFTS && !out_of_time() {
        match exact::exact(&m, Some(best.spread), bound, EXACT_NODES, &out_of_time) {
            Exact::Optimal {
                prim,
                shadow,
                spread,
            } => {
                if prim.is_empty() {
                    bound = best.spread; // nothing better exists
                } else {
                    best.prim = prim;
                    best.shadow = shadow;
                    best.spread = spread;
                    bound = spread;
                }
            }
            Exact::Infeasible { .. } | Exact::Unfinished => {}
        }
    }
    finish(inst, &m, &best.prim, &best.shadow, bound)
}

/// Rounds of large-neighbourhood search and annealing after the annealing alone has stalled.
const LNS_CYCLES: usize = 6;

/// Instances up to this many shifts get the exhaustive search when the local search cannot settle them.
const EXACT_MAX_SHIFTS: usize = 60;
/// Nodes the exhaustive search may visit (deterministic, unlike a time limit).
const EXACT_NODES: u64 = 3_000_000;

fn finish(
    inst: &Instance,
    m: &Model,
    prim: &[usize],
    shadow: &[Option<usize>],
    bound: f64,
) -> Solution {
    let assignments: Vec<Assignment> = prim
        .iter()
        .enumerate()
        .map(|(i, &p)| Assignment {
            shift: inst.shifts[i].id.clone(),
            primary: inst.people[p].id.clone(),
            shadow: shadow
                .get(i)
                .copied()
                .flatten()
                .map(|q| inst.people[q].id.clone()),
        })
        .collect();
    let loads = person_loads(inst, prim, shadow);
    let mut sol = Solution {
        format: SOLUTION_FORMAT.to_string(),
        status: Status::Feasible,
        assignments,
        spread: None,
        bound: Some(round6(bound)),
        reason: None,
        loads,
    };
    match check(inst, &sol) {
        Ok(spread) => {
            sol.spread = Some(spread);
            if m.n == 0 {
                // No shifts: the loads are the carried-over ones, and nothing could change them.
                sol.bound = Some(spread);
            }
            if spread <= sol.bound.unwrap_or(f64::INFINITY) + EPS {
                sol.status = Status::Optimal;
            }
            sol
        }
        Err(e) => without_schedule(
            Status::Unknown,
            format!("internal error: the schedule found breaks a rule ({e}); please report it"),
        ),
    }
}
