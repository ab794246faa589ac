//! The instance in the solver's terms: indices, scaled integers, who may take which shift.

use crate::instance::Instance;
use crate::solution::load_of;

/// Precomputed facts about an instance.
pub(crate) struct Model {
    pub n: usize,
    pub np: usize,
    /// Shift weights in thousandths.
    pub w: Vec<i64>,
    pub prior: Vec<i64>,
    pub cap: Vec<i64>,
    pub newcomer: Vec<bool>,
    /// `avail[p][i]`: person `p` has no time off overlapping shift `i`.
    pub avail: Vec<Vec<bool>>,
    /// `allowed[p][i]`: available and, for a newcomer, late enough to have shadowed first.
    pub allowed: Vec<Vec<bool>>,
    /// People allowed on shift `i`.
    pub cand: Vec<Vec<usize>>,
    pub rest: usize,
    /// Shadow shifts per newcomer (0 when newcomers need not shadow).
    pub k_shadow: usize,
    /// Newcomers' indices (empty when `k_shadow == 0`).
    pub newcomers: Vec<usize>,
    /// For a newcomer, the first shift index they could be primary on if they had every earlier
    /// available shift to shadow (`n + 1` when they are available for fewer than `k_shadow` shifts).
    pub earliest: Vec<usize>,
    pub total_w: i64,
}

impl Model {
    pub fn new(inst: &Instance) -> Model {
        let n = inst.shifts.len();
        let np = inst.people.len();
        let k_shadow = inst.rules.newcomer_shadow_shifts;
        let avail: Vec<Vec<bool>> = inst
            .people
            .iter()
            .map(|p| inst.shifts.iter().map(|s| p.available_for(s)).collect())
            .collect();
        let newcomer: Vec<bool> = inst.people.iter().map(|p| p.newcomer).collect();
        let mut earliest = vec![0usize; np];
        let mut newcomers = Vec::new();
        if k_shadow > 0 {
            for p in 0..np {
                if !newcomer[p] {
                    continue;
                }
                newcomers.push(p);
                let mut seen = 0;
                earliest[p] = n + 1;
                for (i, &a) in avail[p].iter().enumerate() {
                    if a {
                        seen += 1;
                        if seen == k_shadow {
                            earliest[p] = i + 1;
                            break;
                        }
                    }
                }
            }
        }
        let allowed: Vec<Vec<bool>> = (0..np)
            .map(|p| (0..n).map(|i| avail[p][i] && i >= earliest[p]).collect())
            .collect();
        let cand = (0..n)
            .map(|i| (0..np).filter(|&p| allowed[p][i]).collect())
            .collect();
        let w: Vec<i64> = inst.shifts.iter().map(|s| s.weight_milli).collect();
        let total_w = w.iter().sum();
        Model {
            n,
            np,
            w,
            prior: inst.people.iter().map(|p| p.prior_milli).collect(),
            cap: inst.people.iter().map(|p| p.capacity_pct).collect(),
            newcomer,
            avail,
            allowed,
            cand,
            rest: inst.rules.min_rest_shifts,
            k_shadow,
            newcomers,
            earliest,
            total_w,
        }
    }

    /// Person `p`'s normalised load with primary weight `wsum` (thousandths).
    pub fn load(&self, p: usize, wsum: i64) -> f64 {
        load_of(self.prior[p], wsum, self.cap[p])
    }

    /// The most shifts `p` can be primary on, and their largest total weight, given the rest rule
    /// and who may take which shift (dynamic programme over positions).
    pub fn max_weight(&self, p: usize) -> i64 {
        let gap = self.rest + 1;
        let mut best = vec![0i64; self.n + 1]; // best[i]: max weight using shifts < i
        for i in 0..self.n {
            let skip = best[i];
            let take = if self.allowed[p][i] {
                self.w[i] + if i + 1 >= gap { best[i + 1 - gap] } else { 0 }
            } else {
                0
            };
            best[i + 1] = skip.max(take);
        }
        best[self.n]
    }

    /// The most shifts `p` can be primary on within `[a, b)` (earliest-first greedy is optimal).
    pub fn max_count(&self, p: usize, a: usize, b: usize) -> usize {
        let mut count = 0;
        let mut next = a;
        for i in a..b {
            if i >= next && self.allowed[p][i] {
                count += 1;
                next = i + self.rest + 1;
            }
        }
        count
    }
}

/// Bipartite b-matching by augmenting paths: every left node wants one right node from its list, a
/// right node `v` takes at most `cap[v]` left nodes. Returns each left node's partner, or the
/// left nodes and right nodes of a set that cannot all be matched (Hall's condition fails on them).
pub(crate) fn b_matching(
    adj: &[Vec<usize>],
    cap: &[usize],
) -> Result<Vec<usize>, (Vec<usize>, Vec<usize>)> {
    let nr = cap.len();
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); nr];
    let mut partner = vec![usize::MAX; adj.len()];
    let mut seen = vec![0u32; nr];
    let mut stamp = 0u32;
    for u in 0..adj.len() {
        stamp += 1;
        if !augment(u, adj, cap, &mut held, &mut partner, &mut seen, stamp) {
            let rights: Vec<usize> = (0..nr).filter(|&v| seen[v] == stamp).collect();
            let mut lefts = vec![u];
            for &v in &rights {
                lefts.extend(held[v].iter().copied());
            }
            lefts.sort_unstable();
            lefts.dedup();
            return Err((lefts, rights));
        }
    }
    Ok(partner)
}

fn augment(
    u: usize,
    adj: &[Vec<usize>],
    cap: &[usize],
    held: &mut [Vec<usize>],
    partner: &mut [usize],
    seen: &mut [u32],
    stamp: u32,
) -> bool {
    for &v in &adj[u] {
        if seen[v] == stamp {
            continue;
        }
        seen[v] = stamp;
        if held[v].len() < cap[v] {
            held[v].push(u);
            partner[u] = v;
            return true;
        }
        for k in 0..held[v].len() {
            let u2 = held[v][k];
            if augment(u2, adj, cap, held, partner, seen, stamp) {
                // u2 moved elsewhere; u takes its place at v.
                if let Some(slot) = held[v].iter().position(|&x| x == u2) {
                    held[v][slot] = u;
                }
                partner[u] = v;
                return true;
            }
        }
    }
    false
}

/// Assigns every newcomer `k_shadow` shadow shifts, all available to them, before their deadline
/// (their first primary shift), at most one shadow per shift. Later shifts are preferred, so the
/// shadowing comes just before leading. Returns the shadow of each shift, or `None` if impossible.
pub(crate) fn match_shadows(m: &Model, deadline: &[usize]) -> Option<Vec<Option<usize>>> {
    if m.newcomers.is_empty() {
        return Some(vec![None; m.n]);
    }
    let mut adj = Vec::new();
    let mut owner = Vec::new();
    let mut order: Vec<usize> = m.newcomers.clone();
    order.sort_by_key(|&p| (deadline[p], p));
    for &p in &order {
        let d = deadline[p].min(m.n);
        let list: Vec<usize> = (0..d).rev().filter(|&i| m.avail[p][i]).collect();
        if list.len() < m.k_shadow {
            return None;
        }
        for _ in 0..m.k_shadow {
            adj.push(list.clone());
            owner.push(p);
        }
    }
    let partner = b_matching(&adj, &vec![1; m.n]).ok()?;
    let mut shadow = vec![None; m.n];
    for (u, &i) in partner.iter().enumerate() {
        shadow[i] = Some(owner[u]);
    }
    Some(shadow)
}
