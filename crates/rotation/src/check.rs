//! The hard rules, checked exactly as `shared/bench/rotation/check.py` checks them, and the spread.

use std::collections::HashMap;

use crate::instance::Instance;
use crate::solution::{Solution, Status, load_of, round6};

/// The first broken rule, in `check.py`'s words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CheckError(pub String);

/// Checks `sol` against `inst` and returns its spread (rounded to 6 decimals), or the first broken rule.
pub fn check(inst: &Instance, sol: &Solution) -> Result<f64, CheckError> {
    let err = |s: String| Err(CheckError(s));
    if !matches!(sol.status, Status::Optimal | Status::Feasible) {
        return err(format!("solution status is {:?}", sol.status));
    }
    let shifts = &inst.shifts;
    if sol.assignments.len() != shifts.len() {
        return err("there must be exactly one assignment per shift, in shift order".into());
    }
    let byid: HashMap<&str, usize> = inst
        .people
        .iter()
        .enumerate()
        .map(|(k, p)| (p.id.as_str(), k))
        .collect();
    let mut prim_at: Vec<Vec<usize>> = vec![Vec::new(); inst.people.len()];
    let mut shadow_at: Vec<Vec<usize>> = vec![Vec::new(); inst.people.len()];
    for (i, (sh, a)) in shifts.iter().zip(&sol.assignments).enumerate() {
        if a.shift != sh.id {
            return err(format!(
                "assignment {i} names shift {:?}, expected {:?}",
                a.shift, sh.id
            ));
        }
        let Some(&p) = byid.get(a.primary.as_str()) else {
            return err(format!("shift {}: unknown primary {:?}", sh.id, a.primary));
        };
        if !inst.people[p].available_for(sh) {
            return err(format!(
                "shift {}: primary {} is unavailable",
                sh.id, a.primary
            ));
        }
        prim_at[p].push(i);
        if let Some(s) = &a.shadow {
            let Some(&q) = byid.get(s.as_str()).filter(|&&q| inst.people[q].newcomer) else {
                return err(format!("shift {}: shadow {s:?} is not a newcomer", sh.id));
            };
            if q == p {
                return err(format!("shift {}: shadow is the primary", sh.id));
            }
            if !inst.people[q].available_for(sh) {
                return err(format!("shift {}: shadow {s} is unavailable", sh.id));
            }
            shadow_at[q].push(i);
        }
    }
    let rest = inst.rules.min_rest_shifts;
    for (p, idx) in prim_at.iter().enumerate() {
        for w in idx.windows(2) {
            if w[1] - w[0] <= rest {
                return err(format!(
                    "{}: primary on shifts {} and {} breaks min_rest_shifts={rest}",
                    inst.people[p].id, shifts[w[0]].id, shifts[w[1]].id
                ));
            }
        }
    }
    let n_shadow = inst.rules.newcomer_shadow_shifts;
    if n_shadow > 0 {
        for (p, person) in inst.people.iter().enumerate() {
            if !person.newcomer {
                continue;
            }
            let sh = &shadow_at[p];
            if sh.len() != n_shadow {
                return err(format!(
                    "newcomer {} shadows {} shifts, expected {n_shadow}",
                    person.id,
                    sh.len()
                ));
            }
            let first = prim_at[p].first().copied().unwrap_or(shifts.len());
            if sh.iter().any(|&s| s > first) {
                return err(format!(
                    "newcomer {} shadows after their first primary shift",
                    person.id
                ));
            }
        }
    }
    let loads: Vec<f64> = inst
        .people
        .iter()
        .enumerate()
        .map(|(p, person)| {
            let w: i64 = prim_at[p].iter().map(|&i| shifts[i].weight_milli).sum();
            load_of(person.prior_milli, w, person.capacity_pct)
        })
        .collect();
    let hi = loads.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lo = loads.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(round6(hi - lo))
}
