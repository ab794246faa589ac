//! Large-neighbourhood search: when annealing stalls above the bound, free every shift of a few
//! people (those at one extreme of the loads, and one or two others drawn at random) and give those shifts
//! back among the same people by exhaustive branch and bound, everyone else's schedule fixed.
//! Annealing moves one or two shifts at a time, which is too fine when weights have three decimals
//! and capacities are small (loads then form a number-partitioning puzzle); re-solving a whole
//! group exactly reaches combinations that no short chain of single moves does.
//!
//! Shadow shifts stay where they are: a newcomer in a group may only take shifts after their last
//! shadow shift, so every rule on shadowing keeps holding. Each sub-search has a node limit, so
//! for a given seed the result does not depend on the machine's speed unless time runs out.

use crate::model::Model;
use crate::search::Rng;

const EPS: f64 = 1e-9;

/// How long the search may go on.
pub(crate) struct LnsBudget<'b> {
    /// Groups tried at most.
    pub rounds: u64,
    /// Stop after this many groups in a row without a better spread.
    pub stall: u64,
    /// Branch-and-bound nodes per group.
    pub nodes: u64,
    /// Stop at this spread (a proven lower bound).
    pub floor: f64,
    pub out_of_time: &'b dyn Fn() -> bool,
}

struct Group<'a> {
    m: &'a Model,
    /// The freed shifts, in time order.
    shifts: Vec<usize>,
    people: Vec<usize>,
    /// The first shift each person may take (after a newcomer's shadow shifts).
    from: &'a [usize],
    /// `rem[g][k]`: weight of the freed shifts from the `k`-th on that `people[g]` may take.
    rem: Vec<Vec<i64>>,
    wsum: Vec<i64>,
    last: Vec<usize>,
    pick: Vec<usize>,
    /// Highest and lowest load outside the group.
    hi_out: f64,
    lo_out: f64,
    /// Loads outside the group (for counting who sits at an extreme).
    outside: Vec<f64>,
    /// The best found: its spread, then how many people sit at its extremes (fewer is better: a
    /// step along a plateau of equal spread, towards one where the spread can fall).
    best: f64,
    best_ties: usize,
    best_pick: Vec<usize>,
    nodes: u64,
    node_limit: u64,
}

impl Group<'_> {
    fn spread_now(&self, k: usize) -> f64 {
        let m = self.m;
        let mut hi = self.hi_out;
        let mut lo = self.lo_out;
        for (g, &p) in self.people.iter().enumerate() {
            hi = hi.max(m.load(p, self.wsum[g]));
            lo = lo.min(m.load(p, self.wsum[g] + self.rem[g][k]));
        }
        hi - lo
    }

    fn go(&mut self, k: usize) {
        if self.nodes >= self.node_limit {
            return;
        }
        self.nodes += 1;
        let bound = self.spread_now(k);
        if bound > self.best + EPS {
            return;
        }
        if k == self.shifts.len() {
            // `rem` is zero here, so the bound is the spread itself.
            let loads: Vec<f64> = self
                .people
                .iter()
                .enumerate()
                .map(|(g, &p)| self.m.load(p, self.wsum[g]))
                .collect();
            let ties = ties(&self.outside, &loads);
            if bound < self.best - EPS || ties < self.best_ties {
                self.best = bound;
                self.best_ties = ties;
                self.best_pick.clone_from(&self.pick);
            }
            return;
        }
        let m = self.m;
        let i = self.shifts[k];
        let mut order: Vec<usize> = (0..self.people.len())
            .filter(|&g| {
                let p = self.people[g];
                m.allowed[p][i]
                    && i >= self.from[p]
                    && (self.last[g] == usize::MAX || i - self.last[g] > m.rest)
            })
            .collect();
        order.sort_by(|&a, &b| {
            m.load(self.people[a], self.wsum[a])
                .total_cmp(&m.load(self.people[b], self.wsum[b]))
        });
        for g in order {
            let prev = self.last[g];
            self.last[g] = i;
            self.wsum[g] += m.w[i];
            self.pick[k] = g;
            self.go(k + 1);
            self.wsum[g] -= m.w[i];
            self.last[g] = prev;
            if self.nodes >= self.node_limit {
                return;
            }
        }
    }
}

/// How many people sit at the highest or the lowest load.
fn ties(a: &[f64], b: &[f64]) -> usize {
    let all = || a.iter().chain(b);
    let hi = all().copied().fold(f64::NEG_INFINITY, f64::max);
    let lo = all().copied().fold(f64::INFINITY, f64::min);
    all().filter(|&&x| x >= hi - EPS || x <= lo + EPS).count()
}

fn spread_of(m: &Model, wsum: &[i64]) -> f64 {
    let loads = (0..m.np).map(|p| m.load(p, wsum[p]));
    let hi = loads.clone().fold(f64::NEG_INFINITY, f64::max);
    let lo = loads.fold(f64::INFINITY, f64::min);
    hi - lo
}

/// Improves `prim` in place by re-solving groups of people exactly; returns its spread.
pub(crate) fn improve(
    m: &Model,
    prim: &mut [usize],
    shadow: &[Option<usize>],
    rng: &mut Rng,
    budget: &LnsBudget,
) -> f64 {
    let mut wsum = vec![0i64; m.np];
    for (i, &p) in prim.iter().enumerate() {
        wsum[p] += m.w[i];
    }
    let mut from = vec![0usize; m.np];
    for (i, s) in shadow.iter().enumerate() {
        if let Some(q) = *s {
            from[q] = from[q].max(i + 1);
        }
    }
    let mut best = spread_of(m, &wsum);
    let free: Vec<usize> = (0..m.np).collect();
    if free.len() < 2 {
        return best;
    }
    let mut since = 0u64;
    for round in 0..budget.rounds {
        if best <= budget.floor + EPS
            || since >= budget.stall
            || (round.is_multiple_of(16) && (budget.out_of_time)())
        {
            break;
        }
        let load = |p: usize| m.load(p, wsum[p]);
        let top = free
            .iter()
            .map(|&p| load(p))
            .fold(f64::NEG_INFINITY, f64::max);
        let bottom = free.iter().map(|&p| load(p)).fold(f64::INFINITY, f64::min);
        // Alternately: everyone at one extreme (the spread falls only when all of them move), or
        // the most and the least loaded; then one or two others at random to trade with.
        let mut people: Vec<usize> = Vec::with_capacity(5);
        if round.is_multiple_of(2) {
            let at_top = rng.below(2) == 0;
            people.extend(free.iter().copied().filter(|&p| {
                if at_top {
                    load(p) >= top - EPS
                } else {
                    load(p) <= bottom + EPS
                }
            }));
            while people.len() > 3 {
                people.swap_remove(rng.below(people.len()));
            }
        } else {
            for want_top in [true, false] {
                let at: Vec<usize> = free
                    .iter()
                    .copied()
                    .filter(|&q| {
                        if want_top {
                            load(q) >= top - EPS
                        } else {
                            load(q) <= bottom + EPS
                        }
                    })
                    .collect();
                if !at.is_empty() {
                    let q = at[rng.below(at.len())];
                    if !people.contains(&q) {
                        people.push(q);
                    }
                }
            }
        }
        let size = (people.len() + 1 + rng.below(3)).min(free.len());
        while people.len() < size {
            let p = free[rng.below(free.len())];
            if !people.contains(&p) {
                people.push(p);
            }
        }
        let shifts: Vec<usize> = (0..m.n).filter(|&i| people.contains(&prim[i])).collect();
        let outside: Vec<f64> = (0..m.np)
            .filter(|p| !people.contains(p))
            .map(load)
            .collect();
        let hi_out = outside.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo_out = outside.iter().copied().fold(f64::INFINITY, f64::min);
        let inside: Vec<f64> = people.iter().map(|&p| load(p)).collect();
        let now_ties = ties(&outside, &inside);
        let rem: Vec<Vec<i64>> = people
            .iter()
            .map(|&p| {
                let mut row = vec![0i64; shifts.len() + 1];
                for k in (0..shifts.len()).rev() {
                    let i = shifts[k];
                    let may = m.allowed[p][i] && i >= from[p];
                    row[k] = row[k + 1] + if may { m.w[i] } else { 0 };
                }
                row
            })
            .collect();
        let mut group = Group {
            m,
            people: people.clone(),
            from: &from,
            rem,
            wsum: vec![0; people.len()],
            last: vec![usize::MAX; people.len()],
            pick: vec![0; shifts.len()],
            hi_out,
            lo_out,
            outside,
            best,
            best_ties: now_ties,
            best_pick: Vec::new(),
            nodes: 0,
            node_limit: budget.nodes,
            shifts,
        };
        group.go(0);
        let better =
            group.best < best - EPS || (group.best < best + EPS && group.best_ties < now_ties);
        if better && group.best_pick.len() == group.shifts.len() {
            for (k, &i) in group.shifts.iter().enumerate() {
                let p = people[group.best_pick[k]];
                wsum[prim[i]] -= m.w[i];
                prim[i] = p;
                wsum[p] += m.w[i];
            }
            let spread = spread_of(m, &wsum);
            if spread < best - EPS {
                since = 0;
            } else {
                since += 1;
            }
            best = spread;
        } else {
            since += 1;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::instance::Instance;

    /// Thirty daily shifts with three-decimal weights, five people of unequal capacity, one
    /// newcomer who has shadowed the first two shifts: round robin is unfair, and re-solving
    /// groups must make it fairer without breaking a rule or moving the shadow shifts.
    #[test]
    fn groups_re_solved_make_it_fairer_and_keep_every_rule() {
        let shifts: Vec<serde_json::Value> = (0..30)
            .map(|i: i64| {
                let a = jiff::civil::date(2027, 1, 4).at(9, 0, 0, 0) + jiff::Span::new().days(i);
                let b = a + jiff::Span::new().days(1);
                serde_json::json!({"id": format!("s{i:02}"),
                    "start": a.strftime("%Y-%m-%dT%H:%M").to_string(),
                    "end": b.strftime("%Y-%m-%dT%H:%M").to_string(),
                    "weight": 1.0 + f64::from(u8::try_from((i * 37) % 101).unwrap()) / 1000.0})
            })
            .collect();
        let people: Vec<serde_json::Value> = [(0.3, false), (0.5, false), (0.7, false), (1.0, false), (1.0, true)]
            .iter()
            .enumerate()
            .map(|(k, (cap, new))| serde_json::json!({"id": format!("p{k}"), "capacity": cap, "newcomer": new}))
            .collect();
        let v = serde_json::json!({"format": "aftercare-rotation/1", "timezone": "Europe/London",
            "shifts": shifts, "people": people,
            "rules": {"min_rest_shifts": 1, "newcomer_shadow_shifts": 2}});
        let inst = Instance::from_json(&v.to_string()).unwrap();
        let m = Model::new(&inst);
        // Round robin from the third shift, the newcomer shadowing the first two (p0 and p1 hold them).
        let mut prim: Vec<usize> = (0..30).map(|i| i % 5).collect();
        let shadow: Vec<Option<usize>> = (0..30).map(|i| (i < 2).then_some(4)).collect();
        let mut wsum = vec![0i64; m.np];
        for (i, &p) in prim.iter().enumerate() {
            wsum[p] += m.w[i];
        }
        let before = spread_of(&m, &wsum);
        let never = || false;
        let after = improve(
            &m,
            &mut prim,
            &shadow,
            &mut Rng::new(1),
            &LnsBudget {
                rounds: 2_000,
                stall: 200,
                nodes: 20_000,
                floor: 0.0,
                out_of_time: &never,
            },
        );
        assert!(after < before / 4.0, "spread {before} only fell to {after}");
        let mut wsum = vec![0i64; m.np];
        let mut last = vec![usize::MAX; m.np];
        for (i, &p) in prim.iter().enumerate() {
            assert!(
                m.allowed[p][i],
                "shift {i} given to {p}, who may not take it"
            );
            assert!(
                last[p] == usize::MAX || i - last[p] > m.rest,
                "{p} has no rest before {i}"
            );
            last[p] = i;
            wsum[p] += m.w[i];
        }
        assert!((spread_of(&m, &wsum) - after).abs() < 1e-9);
        // The newcomer never carries a shift they shadow or one before it.
        assert!(prim[..2].iter().all(|&p| p != 4), "{prim:?}");
    }
}
