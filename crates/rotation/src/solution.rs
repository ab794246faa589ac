//! The `aftercare-rotation-solution/1` document, and the loads it implies.

use serde::{Deserialize, Serialize};

use crate::instance::Instance;

/// The format tag of a solution document.
pub const SOLUTION_FORMAT: &str = "aftercare-rotation-solution/1";

/// How good the answer is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Keeps every rule, and its spread equals a proven lower bound.
    Optimal,
    /// Keeps every rule; not proven the fairest.
    Feasible,
    /// The rules cannot all be met; `reason` says what cannot be satisfied.
    Infeasible,
    /// No schedule keeping every rule was found within the time limit, yet none was proven impossible
    /// (`cpsat_reference.py` answers the same way).
    Unknown,
}

/// Who takes one shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The shift's id.
    pub shift: String,
    /// The person on call.
    pub primary: String,
    /// A newcomer shadowing the shift, if any.
    pub shadow: Option<String>,
}

/// One person's load before and after the schedule, normalised by capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonLoad {
    /// The person's id.
    pub person: String,
    /// `prior_load / capacity`.
    pub before: f64,
    /// `(prior_load + weight of their primary shifts) / capacity`.
    pub after: f64,
    /// How many shifts they are primary on.
    pub primary_shifts: usize,
    /// How many shifts they shadow.
    pub shadow_shifts: usize,
}

/// An `aftercare-rotation-solution/1` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// Always [`SOLUTION_FORMAT`].
    pub format: String,
    /// Optimal, feasible, infeasible or unknown.
    pub status: Status,
    /// One per shift, in shift order (empty when infeasible or unknown).
    #[serde(default)]
    pub assignments: Vec<Assignment>,
    /// `max load - min load`, rounded to 6 decimals (absent when there is no schedule).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub spread: Option<f64>,
    /// A proven lower bound on the spread of any schedule keeping the rules.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bound: Option<f64>,
    /// Why there is no schedule: names the shift or person that cannot be satisfied.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Each person's load before and after (empty when there is no schedule).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub loads: Vec<PersonLoad>,
}

impl Solution {
    /// A document without a schedule.
    pub fn without_schedule(status: Status, reason: String, bound: Option<f64>) -> Solution {
        Solution {
            format: SOLUTION_FORMAT.to_string(),
            status,
            assignments: Vec::new(),
            spread: None,
            bound,
            reason: Some(reason),
            loads: Vec::new(),
        }
    }

    /// The document as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        // Serialising plain strings, numbers and enums cannot fail; fall back to compact on the impossible.
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

/// `x` rounded to 6 decimals, as `check.py` prints spreads.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A person's normalised load for a total primary weight (thousandths).
pub fn load_of(prior_milli: i64, weight_milli: i64, capacity_pct: i64) -> f64 {
    // (prior + w) / 1000 / (cap / 100), computed as check.py does: (prior + w) * 100 / (1000 * cap).
    #[allow(clippy::cast_precision_loss)]
    let v = ((prior_milli + weight_milli) * 100) as f64 / (1000 * capacity_pct) as f64;
    v
}

/// Each person's load for the given primaries (indices into `inst.people`, one per shift) and shadows.
pub fn person_loads(
    inst: &Instance,
    primary: &[usize],
    shadow: &[Option<usize>],
) -> Vec<PersonLoad> {
    let mut w = vec![0i64; inst.people.len()];
    let mut np = vec![0usize; inst.people.len()];
    let mut ns = vec![0usize; inst.people.len()];
    for (i, &p) in primary.iter().enumerate() {
        w[p] += inst.shifts[i].weight_milli;
        np[p] += 1;
    }
    for s in shadow.iter().flatten() {
        ns[*s] += 1;
    }
    inst.people
        .iter()
        .enumerate()
        .map(|(k, p)| PersonLoad {
            person: p.id.clone(),
            before: round6(load_of(p.prior_milli, 0, p.capacity_pct)),
            after: round6(load_of(p.prior_milli, w[k], p.capacity_pct)),
            primary_shifts: np[k],
            shadow_shifts: ns[k],
        })
        .collect()
}
