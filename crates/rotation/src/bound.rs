//! A lower bound on the spread of any schedule keeping the rules.
//!
//! Relaxation: each person's primary weight must be a total they could carry on their own (a subset of
//! the shifts they may take, respecting the rest rule: a dynamic programme over positions with bitsets
//! of reachable totals), and the people's totals must add up to the total weight of all shifts. Over
//! that relaxation the least `max load - min load` is found exactly, by trying each possible lowest
//! load and the least highest load that still lets the totals add up (a subset-sum over people).
//! Every real schedule is a point of the relaxation, so its spread is at least the bound.

use crate::model::Model;

const EPS: f64 = 1e-9;
/// Above this many bitset words of work the discrete bound is skipped for the simple one.
const WORK_LIMIT: usize = 60_000_000;

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

struct Bits {
    w: Vec<u64>,
}

impl Bits {
    fn new(nbits: usize) -> Bits {
        Bits {
            w: vec![0; nbits.div_ceil(64).max(1)],
        }
    }
    fn set(&mut self, k: usize) {
        if let Some(x) = self.w.get_mut(k / 64) {
            *x |= 1 << (k % 64);
        }
    }
    fn get(&self, k: usize) -> bool {
        self.w.get(k / 64).is_some_and(|x| x >> (k % 64) & 1 == 1)
    }
    /// `self |= other << s`.
    fn or_shifted(&mut self, other: &Bits, s: usize) {
        let (ws, bs) = (s / 64, s % 64);
        let n = self.w.len();
        for i in (ws..n).rev() {
            let src = i - ws;
            let mut v = other.w.get(src).copied().unwrap_or(0) << bs;
            if bs > 0 && src > 0 {
                v |= other.w.get(src - 1).copied().unwrap_or(0) >> (64 - bs);
            }
            self.w[i] |= v;
        }
    }
    fn or(&mut self, other: &Bits) {
        for (a, b) in self.w.iter_mut().zip(&other.w) {
            *a |= *b;
        }
    }
    fn ones(&self, limit: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, &x) in self.w.iter().enumerate() {
            let mut x = x;
            while x != 0 {
                let b = x.trailing_zeros() as usize;
                let k = i * 64 + b;
                if k <= limit {
                    out.push(k);
                }
                x &= x - 1;
            }
        }
        out
    }
}

/// The simple bound: someone's carried-over load above what another can ever reach.
fn simple_bound(m: &Model) -> f64 {
    let base = (0..m.np)
        .map(|p| m.load(p, 0))
        .fold(f64::NEG_INFINITY, f64::max);
    let top = (0..m.np)
        .map(|p| m.load(p, m.max_weight(p)))
        .fold(f64::INFINITY, f64::min);
    (base - top).max(0.0)
}

/// A lower bound on the spread, no greater than `upper` (the spread of a known schedule).
pub(crate) fn lower_bound(m: &Model, upper: f64) -> f64 {
    lower_bound_window(m, upper).0
}

/// The bound, and where the relaxation puts every load when the bound is below `upper`: a window
/// `[lo, hi]` of width the bound, worth aiming the search at.
pub(crate) fn lower_bound_window(m: &Model, upper: f64) -> (f64, Option<(f64, f64)>) {
    let simple = simple_bound(m);
    if m.np <= 1 || m.n == 0 {
        return (if m.np <= 1 { 0.0 } else { simple }, None);
    }
    let g = m.w.iter().fold(0i64, |a, &b| gcd(a, b));
    if g == 0 {
        return (simple, None); // every weight 0: loads are the priors, which the simple bound covers
    }
    #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
    let total = (m.total_w / g) as usize;
    let words = total / 64 + 1;
    if words.saturating_mul(m.n).saturating_mul(m.np) > WORK_LIMIT {
        return (simple, None);
    }
    // Each person's reachable totals (in units of g).
    let gap = m.rest + 1;
    let mut options: Vec<Vec<usize>> = Vec::with_capacity(m.np);
    for p in 0..m.np {
        let mut ring: Vec<Bits> = (0..gap).map(|_| Bits::new(total + 1)).collect();
        // ring[i % gap] holds the totals whose last shift is i; union those ending at or before i - gap.
        let mut union = Bits::new(total + 1); // totals reachable using shifts <= i - gap
        union.set(0);
        let mut all = Bits::new(total + 1);
        all.set(0);
        for i in 0..m.n {
            // union must cover shifts <= i - gap: add the set ending at i - gap.
            if i >= gap {
                let idx = (i - gap) % gap;
                let (a, b) = (&mut union, &ring[idx]);
                a.or(b);
            }
            let slot = i % gap;
            let mut cur = Bits::new(total + 1);
            if m.allowed[p][i] {
                #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
                cur.or_shifted(&union, (m.w[i] / g) as usize);
            }
            all.or(&cur);
            ring[slot] = cur;
        }
        options.push(all.ones(total));
    }
    let load = |p: usize, k: usize| -> f64 {
        #[allow(clippy::cast_possible_wrap)]
        m.load(p, k as i64 * g)
    };
    let loads: Vec<Vec<f64>> = (0..m.np)
        .map(|p| options[p].iter().map(|&k| load(p, k)).collect())
        .collect();
    let mut values: Vec<f64> = loads.iter().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    values.dedup_by(|a, b| (*a - *b).abs() < EPS);

    let sum_cap: i64 = m.cap.iter().sum();
    let sum_prior: i64 = m.prior.iter().sum();
    #[allow(clippy::cast_precision_loss)]
    let avg = (sum_prior + m.total_w) as f64 * 100.0 / (1000 * sum_cap) as f64;
    let base_max = (0..m.np)
        .map(|p| m.load(p, 0))
        .fold(f64::NEG_INFINITY, f64::max);

    // Can every person pick a reachable total with load in [lo, hi], the totals adding up exactly?
    let feasible = |lo: f64, hi: f64| -> bool {
        let mut reach = Bits::new(total + 1);
        reach.set(0);
        for p in 0..m.np {
            let mut next = Bits::new(total + 1);
            let mut any = false;
            for (j, &l) in loads[p].iter().enumerate() {
                if l >= lo - EPS && l <= hi + EPS {
                    next.or_shifted(&reach, options[p][j]);
                    any = true;
                }
            }
            if !any {
                return false;
            }
            reach = next;
        }
        reach.get(total)
    };

    let mut best = if upper.is_finite() {
        upper
    } else {
        f64::INFINITY
    };
    if !best.is_finite() {
        let span = values.last().copied().unwrap_or(0.0) - values.first().copied().unwrap_or(0.0);
        best = span + 1.0;
    }
    let upper_best = best;
    let mut window = None;
    // The lowest load is at most the capacity-weighted average, and is some person's reachable load.
    let start = values.partition_point(|&v| v <= avg + EPS);
    for idx in (0..start).rev() {
        let lo = values[idx];
        if avg - lo >= best - EPS {
            break;
        }
        let hi_floor = lo.max(avg).max(base_max);
        // Only a window narrower than `best` helps.
        if !feasible(lo, lo + best - 2.0 * EPS) {
            continue;
        }
        let a = values.partition_point(|&v| v < hi_floor - EPS);
        let b = values.partition_point(|&v| v < lo + best - EPS);
        // Smallest hi among values[a..b] that is feasible (feasibility is monotone in hi).
        let (mut l, mut r) = (a, b);
        while l < r {
            let mid = (l + r) / 2;
            if feasible(lo, values[mid]) {
                r = mid;
            } else {
                l = mid + 1;
            }
        }
        if l < b {
            best = values[l] - lo;
            window = Some((lo, values[l]));
        }
    }
    if best >= upper_best && !upper.is_finite() {
        return (simple, None);
    }
    (best.max(simple).max(0.0), window)
}
