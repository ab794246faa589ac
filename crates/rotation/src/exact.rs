//! Exhaustive branch and bound, for small instances or what the local search could not settle: shifts
//! in time order, each given to an allowed, rested person, pruned by a bound on the final spread (loads
//! only grow; nobody can end above what the shifts still open to them add). Finishing proves the best
//! schedule found optimal, or proves that no schedule keeps the rules.

use crate::model::{Model, match_shadows};

const EPS: f64 = 1e-9;

/// What the exhaustive search settled.
pub(crate) enum Exact {
    /// The best schedule of all (or none better than `upper` exists, when `prim` is empty).
    Optimal {
        prim: Vec<usize>,
        shadow: Vec<Option<usize>>,
        spread: f64,
    },
    /// No schedule keeps the rules; `deepest` is the first shift that no way of covering the earlier
    /// ones leaves anyone for.
    Infeasible { deepest: usize },
    /// Ran out of nodes or time.
    Unfinished,
}

struct Dfs<'a> {
    m: &'a Model,
    prim: Vec<usize>,
    wsum: Vec<i64>,
    last: Vec<usize>,
    first: Vec<usize>,
    /// `rem[p][i]`: weight of the shifts from `i` on that `p` may take.
    rem: Vec<Vec<i64>>,
    best: f64,
    best_prim: Vec<usize>,
    found: bool,
    floor: f64,
    nodes: u64,
    node_limit: u64,
    deepest: usize,
    stopped: bool,
    out_of_time: &'a dyn Fn() -> bool,
}

impl Dfs<'_> {
    fn lower(&self, i: usize) -> f64 {
        let m = self.m;
        let mut hi = f64::NEG_INFINITY;
        let mut lo = f64::INFINITY;
        for p in 0..m.np {
            hi = hi.max(m.load(p, self.wsum[p]));
            lo = lo.min(m.load(p, self.wsum[p] + self.rem[p][i]));
        }
        hi - lo
    }

    fn go(&mut self, i: usize) {
        let m = self.m;
        self.deepest = self.deepest.max(i);
        if self.stopped {
            return;
        }
        self.nodes += 1;
        if self.nodes >= self.node_limit
            || (self.nodes.is_multiple_of(4096) && (self.out_of_time)())
        {
            self.stopped = true;
            return;
        }
        if i == m.n {
            let hi = (0..m.np)
                .map(|p| m.load(p, self.wsum[p]))
                .fold(f64::NEG_INFINITY, f64::max);
            let lo = (0..m.np)
                .map(|p| m.load(p, self.wsum[p]))
                .fold(f64::INFINITY, f64::min);
            if hi - lo < self.best - EPS {
                self.best = hi - lo;
                self.best_prim.clone_from(&self.prim);
                self.found = true;
            }
            return;
        }
        if self.lower(i) >= self.best - EPS || self.best <= self.floor + EPS {
            return;
        }
        let mut order: Vec<usize> = m.cand[i]
            .iter()
            .copied()
            .filter(|&p| self.last[p] == usize::MAX || i - self.last[p] > m.rest)
            .collect();
        order.sort_by(|&a, &b| m.load(a, self.wsum[a]).total_cmp(&m.load(b, self.wsum[b])));
        for p in order {
            let starts = m.newcomer[p] && m.k_shadow > 0 && self.first[p] == m.n;
            if starts {
                self.first[p] = i;
                if match_shadows(m, &self.first).is_none() {
                    self.first[p] = m.n;
                    continue;
                }
            }
            let prev = self.last[p];
            self.prim[i] = p;
            self.last[p] = i;
            self.wsum[p] += m.w[i];
            self.go(i + 1);
            self.wsum[p] -= m.w[i];
            self.last[p] = prev;
            if starts {
                self.first[p] = m.n;
            }
            if self.stopped {
                return;
            }
        }
    }
}

/// Searches every schedule better than `upper` (all schedules when `None`), stopping at `floor` (a
/// proven lower bound) or after `node_limit` nodes.
pub(crate) fn exact(
    m: &Model,
    upper: Option<f64>,
    floor: f64,
    node_limit: u64,
    out_of_time: &dyn Fn() -> bool,
) -> Exact {
    let mut rem = vec![vec![0i64; m.n + 1]; m.np];
    for (p, row) in rem.iter_mut().enumerate() {
        for i in (0..m.n).rev() {
            row[i] = row[i + 1] + if m.allowed[p][i] { m.w[i] } else { 0 };
        }
    }
    let mut d = Dfs {
        m,
        prim: vec![0; m.n],
        wsum: vec![0; m.np],
        last: vec![usize::MAX; m.np],
        first: vec![m.n; m.np],
        rem,
        best: upper.map_or(f64::INFINITY, |u| u),
        best_prim: Vec::new(),
        found: false,
        floor,
        nodes: 0,
        node_limit,
        deepest: 0,
        stopped: false,
        out_of_time,
    };
    d.go(0);
    if d.stopped {
        return Exact::Unfinished;
    }
    if !d.found {
        if upper.is_none() {
            return Exact::Infeasible { deepest: d.deepest };
        }
        return Exact::Optimal {
            prim: Vec::new(),
            shadow: Vec::new(),
            spread: d.best,
        };
    }
    let mut first = vec![m.n; m.np];
    for (i, &p) in d.best_prim.iter().enumerate() {
        first[p] = first[p].min(i);
    }
    match match_shadows(m, &first) {
        Some(shadow) => Exact::Optimal {
            prim: d.best_prim,
            shadow,
            spread: d.best,
        },
        None => Exact::Unfinished,
    }
}
