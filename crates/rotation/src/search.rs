//! Construction and local search.
//!
//! * Construction walks the shifts in time order and gives each to the allowed person furthest below
//!   their fair share, relative to how many chances they still have, while keeping back people a
//!   nearby shift with few candidates will need (lookahead over the rest window).
//! * Repair (only when construction got stuck): simulated annealing on the number of rest-rule
//!   conflicts.
//! * Optimisation: simulated annealing on a smooth stand-in for the spread (log-sum-exp of the loads
//!   from above and from below, which also rewards fewer people at the extremes), with moves that
//!   hand a shift to someone else, swap two shifts between two people, and exchange two people over a
//!   span of shifts; every move keeps every hard rule. The objective is updated in O(1) per move.
//!
//! Newcomers' shadow shifts are kept as a matching (see [`match_shadows`]) and recomputed only when a
//! newcomer's first primary shift moves earlier than their current shadows allow.

use crate::model::{Model, match_shadows};

/// A small deterministic generator (xoshiro256**, seeded by splitmix64).
pub(crate) struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut s = [0u64; 4];
        for x in &mut s {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut v = z;
            v = (v ^ (v >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            v = (v ^ (v >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *x = v ^ (v >> 31);
        }
        Rng(s)
    }
    pub fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        #[allow(clippy::cast_possible_truncation)]
        let v = ((u128::from(self.next()) * n as u128) >> 64) as usize;
        v
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let v = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        v
    }
}

const EXP_CLAMP: f64 = 700.0;

fn ex(x: f64) -> f64 {
    x.clamp(-EXP_CLAMP, EXP_CLAMP).exp()
}

/// A schedule being improved, with everything needed to score a move in O(1).
pub(crate) struct State<'a> {
    pub m: &'a Model,
    pub prim: Vec<usize>,
    bits: Vec<Vec<u64>>,
    pos: Vec<Vec<usize>>,
    at: Vec<usize>,
    pub wsum: Vec<i64>,
    pub load: Vec<f64>,
    /// Pairs of primary shifts of one person within the rest window.
    pub conflicts: i64,
    /// Each newcomer's first primary shift (`n` if none); 0 for others.
    first: Vec<usize>,
    pub shadow: Vec<Option<usize>>,
    /// For each newcomer, one past their latest shadow shift.
    shadow_end: Vec<usize>,
    beta: f64,
    refv: f64,
    splus: f64,
    sminus: f64,
    /// When set, the objective is instead how far loads lie outside this window (summed).
    window: Option<(f64, f64)>,
    pen: f64,
    pub maxp: usize,
    pub minp: usize,
    since_resum: u32,
}

/// A change of who holds which shifts: removals then additions, as (person, shift).
struct Change {
    remove: Vec<(usize, usize)>,
    add: Vec<(usize, usize)>,
}

/// A scored change, ready to apply.
struct Scored {
    dconf: i64,
    dobj: f64,
    people: [(usize, i64); 3],
    new_shadow: Option<Vec<Option<usize>>>,
}

impl<'a> State<'a> {
    fn empty(m: &'a Model, beta: f64) -> State<'a> {
        let words = m.n.div_ceil(64).max(1);
        State {
            m,
            prim: vec![usize::MAX; m.n],
            bits: vec![vec![0; words]; m.np],
            pos: vec![Vec::new(); m.np],
            at: vec![0; m.n],
            wsum: vec![0; m.np],
            load: (0..m.np).map(|p| m.load(p, 0)).collect(),
            conflicts: 0,
            first: (0..m.np)
                .map(|p| if m.newcomer[p] { m.n } else { 0 })
                .collect(),
            shadow: vec![None; m.n],
            shadow_end: vec![0; m.np],
            beta,
            refv: 0.0,
            splus: 0.0,
            sminus: 0.0,
            window: None,
            pen: 0.0,
            maxp: 0,
            minp: 0,
            since_resum: 0,
        }
    }

    fn bit(&self, p: usize, i: usize) -> bool {
        self.bits[p][i / 64] >> (i % 64) & 1 == 1
    }

    fn flip(&mut self, p: usize, i: usize) {
        self.bits[p][i / 64] ^= 1 << (i % 64);
    }

    /// How many of `p`'s primary shifts lie within the rest window around `i` (inclusive).
    fn near(&self, p: usize, i: usize) -> i64 {
        let r = self.m.rest;
        if r == 0 {
            return i64::from(self.bit(p, i));
        }
        let lo = i.saturating_sub(r);
        let hi = (i + r).min(self.m.n - 1);
        let (wl, wh) = (lo / 64, hi / 64);
        let row = &self.bits[p];
        let mut c = 0u32;
        for (k, &word) in row.iter().enumerate().take(wh + 1).skip(wl) {
            let mut x = word;
            if k == wl {
                x &= u64::MAX << (lo % 64);
            }
            if k == wh && hi % 64 != 63 {
                x &= (1u64 << (hi % 64 + 1)) - 1;
            }
            c += x.count_ones();
        }
        i64::from(c)
    }

    fn first_bit(&self, p: usize) -> usize {
        for (k, &x) in self.bits[p].iter().enumerate() {
            if x != 0 {
                return (k * 64 + x.trailing_zeros() as usize).min(self.m.n);
            }
        }
        self.m.n
    }

    fn pen_of(&self, l: f64) -> f64 {
        match self.window {
            Some((lo, hi)) => (lo - l).max(0.0) + (l - hi).max(0.0),
            None => 0.0,
        }
    }

    /// Aims at loads within `[lo, hi]` (the window of the lower bound), or back at the smooth objective.
    pub fn set_window(&mut self, window: Option<(f64, f64)>) {
        self.window = window;
        self.pen = self.load.iter().map(|&l| self.pen_of(l)).sum();
    }

    /// Sharpens (or softens) the smooth objective.
    pub fn set_beta(&mut self, beta: f64) {
        self.beta = beta;
        self.resum();
    }

    fn resum(&mut self) {
        let m = self.m;
        let mean = self.load.iter().sum::<f64>() / self.load.len().max(1) as f64;
        self.refv = mean;
        self.splus = self.load.iter().map(|&l| ex(self.beta * (l - mean))).sum();
        self.sminus = self.load.iter().map(|&l| ex(-self.beta * (l - mean))).sum();
        self.since_resum = 0;
        self.pen = self.load.iter().map(|&l| self.pen_of(l)).sum();
        let _ = m;
        self.extremes();
    }

    fn extremes(&mut self) {
        let (mut a, mut b) = (0, 0);
        for p in 0..self.load.len() {
            if self.load[p] > self.load[a] {
                a = p;
            }
            if self.load[p] < self.load[b] {
                b = p;
            }
        }
        self.maxp = a;
        self.minp = b;
    }

    pub fn spread(&self) -> f64 {
        self.load[self.maxp] - self.load[self.minp]
    }

    /// The smooth objective (about the spread, plus a little for each person at an extreme).
    pub fn objective(&self) -> f64 {
        if self.window.is_some() {
            return self.pen;
        }
        (self.splus.ln() + self.sminus.ln()) / self.beta
    }

    fn place(&mut self, p: usize, i: usize) {
        self.prim[i] = p;
        self.flip(p, i);
        self.at[i] = self.pos[p].len();
        self.pos[p].push(i);
    }

    fn unplace(&mut self, p: usize, i: usize) {
        self.flip(p, i);
        let k = self.at[i];
        self.pos[p].swap_remove(k);
        if let Some(&moved) = self.pos[p].get(k) {
            self.at[moved] = k;
        }
        self.prim[i] = usize::MAX;
    }

    /// Scores a change; `hard` refuses any rest conflict outright. Leaves the state as it was.
    fn score(&mut self, ch: &Change, hard: bool) -> Option<Scored> {
        let m = self.m;
        // Tentatively apply bits, counting conflicts.
        let mut dconf = 0i64;
        let mut applied = 0usize;
        let mut ok = true;
        for &(p, i) in &ch.remove {
            dconf -= self.near(p, i) - 1;
            self.flip(p, i);
        }
        for &(p, i) in &ch.add {
            let c = self.near(p, i);
            if hard && c > 0 {
                ok = false;
                break;
            }
            dconf += c;
            self.flip(p, i);
            applied += 1;
        }
        // People whose loads change (at most three in every move used here).
        let mut people = [(usize::MAX, 0i64); 3];
        let mut new_first = [(usize::MAX, 0usize); 3];
        if ok {
            let signed = ch
                .remove
                .iter()
                .map(|&x| (x, -1))
                .chain(ch.add.iter().map(|&x| (x, 1)));
            for ((p, i), sign) in signed {
                let slot = people
                    .iter()
                    .position(|&(q, _)| q == p || q == usize::MAX)
                    .unwrap_or(2);
                if people[slot].0 == usize::MAX {
                    people[slot] = (p, self.wsum[p]);
                }
                people[slot].1 += sign * m.w[i];
            }
            for (k, &(p, _)) in people.iter().enumerate() {
                if p != usize::MAX && m.newcomer[p] && m.k_shadow > 0 {
                    new_first[k] = (p, self.first_bit(p));
                }
            }
        }
        // Undo the tentative bits.
        for &(p, i) in ch.add.iter().take(applied) {
            self.flip(p, i);
        }
        for &(p, i) in &ch.remove {
            self.flip(p, i);
        }
        if !ok {
            return None;
        }
        // Newcomers whose first primary moves before their current shadows need a new matching.
        let mut new_shadow = None;
        if new_first
            .iter()
            .any(|&(p, f)| p != usize::MAX && f < self.shadow_end[p])
        {
            let mut deadline = self.first.clone();
            for &(p, f) in &new_first {
                if p != usize::MAX {
                    deadline[p] = f;
                }
            }
            new_shadow = Some(match_shadows(m, &deadline)?);
        }
        // Objective change.
        let mut splus = self.splus;
        let mut sminus = self.sminus;
        for &(p, w) in &people {
            if p == usize::MAX {
                continue;
            }
            let old = self.load[p];
            let new = m.load(p, w);
            splus += ex(self.beta * (new - self.refv)) - ex(self.beta * (old - self.refv));
            sminus += ex(-self.beta * (new - self.refv)) - ex(-self.beta * (old - self.refv));
        }
        let dobj = if self.window.is_some() {
            people
                .iter()
                .filter(|(p, _)| *p != usize::MAX)
                .map(|&(p, w)| self.pen_of(m.load(p, w)) - self.pen_of(self.load[p]))
                .sum()
        } else if splus > 0.0 && sminus > 0.0 {
            (splus.ln() + sminus.ln()) / self.beta - self.objective()
        } else {
            0.0
        };
        Some(Scored {
            dconf,
            dobj,
            people,
            new_shadow,
        })
    }

    fn apply(&mut self, ch: &Change, sc: Scored) {
        let m = self.m;
        for &(p, i) in &ch.remove {
            self.unplace(p, i);
        }
        for &(p, i) in &ch.add {
            self.place(p, i);
        }
        self.conflicts += sc.dconf;
        for &(p, w) in &sc.people {
            if p == usize::MAX {
                continue;
            }
            let old = self.load[p];
            let new = m.load(p, w);
            self.splus += ex(self.beta * (new - self.refv)) - ex(self.beta * (old - self.refv));
            self.sminus += ex(-self.beta * (new - self.refv)) - ex(-self.beta * (old - self.refv));
            self.pen += self.pen_of(new) - self.pen_of(old);
            self.wsum[p] = w;
            self.load[p] = new;
            if m.newcomer[p] && m.k_shadow > 0 {
                self.first[p] = self.first_bit(p);
            }
        }
        if let Some(sh) = sc.new_shadow {
            self.set_shadows(sh);
        }
        self.since_resum += 1;
        if self.since_resum > 5000 || !self.splus.is_finite() || !self.sminus.is_finite() {
            self.resum();
        } else {
            self.extremes();
        }
    }

    fn set_shadows(&mut self, sh: Vec<Option<usize>>) {
        for e in &mut self.shadow_end {
            *e = 0;
        }
        for (i, s) in sh.iter().enumerate() {
            if let Some(p) = *s {
                self.shadow_end[p] = self.shadow_end[p].max(i + 1);
            }
        }
        self.shadow = sh;
    }

    /// Builds a first schedule. `target[p]` is the weight (thousandths) that would be p's fair share.
    pub fn construct(m: &'a Model, target: &[i64], beta: f64, rng: &mut Rng) -> Option<State<'a>> {
        let mut s = State::empty(m, beta);
        // Shadows first, as early as the newcomers' own availability allows, so deadlines are known.
        let mut deadline = vec![0; m.np];
        let mut shadows = vec![None; m.n];
        if !m.newcomers.is_empty() {
            let mut order = m.newcomers.clone();
            order.sort_by_key(|&p| (m.earliest[p], p));
            let mut greedy_ok = true;
            for &p in &order {
                let mut got = 0;
                let mut last = 0;
                for (i, slot) in shadows.iter_mut().enumerate() {
                    if got == m.k_shadow {
                        break;
                    }
                    if m.avail[p][i] && slot.is_none() {
                        *slot = Some(p);
                        got += 1;
                        last = i;
                    }
                }
                if got < m.k_shadow {
                    greedy_ok = false;
                    break;
                }
                deadline[p] = last + 1;
            }
            if !greedy_ok {
                // Earliest-first per newcomer failed: any matching at all, deadlines where it ends.
                shadows = match_shadows(m, &vec![m.n; m.np])?;
                for &p in &m.newcomers {
                    deadline[p] = shadows
                        .iter()
                        .rposition(|s| *s == Some(p))
                        .map_or(0, |i| i + 1);
                }
            }
        }
        // Remaining allowed weight per person from shift i on.
        let mut remaining: Vec<i64> = (0..m.np)
            .map(|p| {
                (0..m.n)
                    .filter(|&i| m.allowed[p][i] && i >= deadline[p].min(m.n))
                    .map(|i| m.w[i])
                    .sum()
            })
            .collect();
        let gap = i64::try_from(m.rest + 1).unwrap_or(i64::MAX);
        let mut last_at = vec![usize::MAX; m.np];
        for i in 0..m.n {
            let free = |p: usize, j: usize, last_at: &[usize]| -> bool {
                (last_at[p] == usize::MAX || j - last_at[p] > m.rest)
                    && (m.k_shadow == 0 || !m.newcomer[p] || j >= deadline[p])
            };
            let mut best: Option<(f64, usize)> = None;
            for &p in &m.cand[i] {
                if !free(p, i, &last_at) {
                    continue;
                }
                let deficit = (target[p] - s.wsum[p]) as f64;
                let chances = (remaining[p] as f64 / gap as f64)
                    .max(m.w[i] as f64)
                    .max(1.0);
                let mut score = deficit / chances;
                // Keep back people whom a nearby scarce shift needs.
                for j in i + 1..(i + 1 + m.rest).min(m.n) {
                    if !m.allowed[p][j] {
                        continue;
                    }
                    let options = m.cand[j]
                        .iter()
                        .filter(|&&q| q != p && free(q, j, &last_at))
                        .count();
                    if options <= m.rest + 1 {
                        score -= 4.0 / (options as f64 + 0.5);
                    }
                }
                score += rng.unit() * 1e-3;
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, p));
                }
            }
            let p = match best {
                Some((_, p)) => p,
                None => {
                    // Stuck: take the allowed person whose last shift is longest ago (a rest conflict the
                    // repair phase removes), preferring those whose shadowing is done.
                    let mut pick = None;
                    for &p in &m.cand[i] {
                        if m.k_shadow > 0 && m.newcomer[p] && i < deadline[p] {
                            continue;
                        }
                        let age = if last_at[p] == usize::MAX {
                            usize::MAX
                        } else {
                            i - last_at[p]
                        };
                        if pick.is_none_or(|(a, _)| age > a) {
                            pick = Some((age, p));
                        }
                    }
                    pick?.1
                }
            };
            let c = s.near(p, i);
            s.conflicts += c;
            s.place(p, i);
            s.wsum[p] += m.w[i];
            last_at[p] = i;
            for &q in &m.cand[i] {
                if i >= deadline[q].min(m.n) {
                    remaining[q] -= m.w[i];
                }
            }
        }
        for p in 0..m.np {
            s.load[p] = m.load(p, s.wsum[p]);
            if m.newcomer[p] && m.k_shadow > 0 {
                s.first[p] = s.first_bit(p);
            }
        }
        s.set_shadows(shadows);
        s.resum();
        Some(s)
    }

    fn change_reassign(&self, i: usize, q: usize) -> Change {
        Change {
            remove: vec![(self.prim[i], i)],
            add: vec![(q, i)],
        }
    }

    /// A random move, or `None` when the draw is not a legal candidate.
    fn propose(&mut self, rng: &mut Rng, repair: bool) -> Option<Change> {
        let m = self.m;
        let n = m.n;
        let kind = rng.below(100);
        let pick_shift = |s: &State, rng: &mut Rng, person: usize| -> usize {
            let list = &s.pos[person];
            if !list.is_empty() && rng.below(2) == 0 {
                list[rng.below(list.len())]
            } else {
                rng.below(n)
            }
        };
        if repair {
            // Reassign a shift, preferring conflicting ones.
            let i = rng.below(n);
            let p = self.prim[i];
            if self.near(p, i) <= 1 && rng.below(4) != 0 {
                return None;
            }
            let c = &m.cand[i];
            let q = c[rng.below(c.len())];
            if q == p {
                return None;
            }
            return Some(self.change_reassign(i, q));
        }
        if kind < 45 {
            let i = pick_shift(self, rng, self.maxp);
            let c = &m.cand[i];
            let q = if rng.below(3) == 0 && m.allowed[self.minp][i] {
                self.minp
            } else {
                c[rng.below(c.len())]
            };
            if q == self.prim[i] {
                return None;
            }
            Some(self.change_reassign(i, q))
        } else if kind < 85 {
            let i = pick_shift(self, rng, self.maxp);
            let j = pick_shift(self, rng, self.minp);
            let (p, q) = (self.prim[i], self.prim[j]);
            if p == q || m.w[i] == m.w[j] && rng.below(4) != 0 {
                return None;
            }
            if !m.allowed[q][i] || !m.allowed[p][j] {
                return None;
            }
            Some(Change {
                remove: vec![(p, i), (q, j)],
                add: vec![(p, j), (q, i)],
            })
        } else if kind < 93 {
            // A chain: q takes shift i from p, and p takes shift j from someone else.
            let q = if rng.below(2) == 0 {
                self.minp
            } else {
                rng.below(m.np)
            };
            let i = rng.below(n);
            let p = self.prim[i];
            if p == q || !m.allowed[q][i] {
                return None;
            }
            let j = if rng.below(2) == 0 {
                pick_shift(self, rng, self.maxp)
            } else {
                rng.below(n)
            };
            let o = self.prim[j];
            if o == p || o == q || j == i || !m.allowed[p][j] {
                return None;
            }
            Some(Change {
                remove: vec![(p, i), (o, j)],
                add: vec![(q, i), (p, j)],
            })
        } else {
            // Exchange two people over a span.
            let i = rng.below(n);
            let p = self.prim[i];
            let c = &m.cand[i];
            let q = c[rng.below(c.len())];
            if q == p {
                return None;
            }
            let len = 1 + rng.below(4 * (m.rest + 1));
            let a = i.saturating_sub(rng.below(len));
            let b = (a + len).min(n);
            let mut ch = Change {
                remove: Vec::new(),
                add: Vec::new(),
            };
            for k in a..b {
                let h = self.prim[k];
                if h == p {
                    if !m.allowed[q][k] {
                        return None;
                    }
                    ch.remove.push((p, k));
                    ch.add.push((q, k));
                } else if h == q {
                    if !m.allowed[p][k] {
                        return None;
                    }
                    ch.remove.push((q, k));
                    ch.add.push((p, k));
                }
            }
            if ch.remove.len() < 2 {
                return None;
            }
            Some(ch)
        }
    }

    /// The current primaries and shadows.
    pub fn snapshot(&self) -> (Vec<usize>, Vec<Option<usize>>) {
        (self.prim.clone(), self.shadow.clone())
    }

    /// Replaces the schedule by a snapshot of this model.
    pub fn restore(&mut self, prim: &[usize], shadow: &[Option<usize>]) {
        let m = self.m;
        for row in &mut self.bits {
            row.iter_mut().for_each(|x| *x = 0);
        }
        for l in &mut self.pos {
            l.clear();
        }
        self.wsum.iter_mut().for_each(|w| *w = 0);
        for (i, &p) in prim.iter().enumerate() {
            self.place(p, i);
            self.wsum[p] += m.w[i];
        }
        let mut conflicts = 0;
        for (i, &p) in prim.iter().enumerate() {
            conflicts += self.near(p, i) - 1;
        }
        self.conflicts = conflicts / 2;
        for p in 0..m.np {
            self.load[p] = m.load(p, self.wsum[p]);
            if m.newcomer[p] && m.k_shadow > 0 {
                self.first[p] = self.first_bit(p);
            }
        }
        self.set_shadows(shadow.to_vec());
        self.resum();
    }
}

/// How a run of annealing ends.
pub(crate) struct Budget<'b> {
    /// Stop once the spread is at most this.
    pub target: f64,
    /// Stop after this many proposals without a better best.
    pub stall: u64,
    /// Stop after this many proposals in all.
    pub max_iters: u64,
    /// Stop when this says so (checked every 1024 proposals).
    pub out_of_time: &'b dyn Fn() -> bool,
}

/// The best schedule seen.
pub(crate) struct Best {
    pub prim: Vec<usize>,
    pub shadow: Vec<Option<usize>>,
    pub spread: f64,
    pub obj: f64,
}

const EPS: f64 = 1e-9;

/// A starting temperature: the mean rise of the objective over a sample of legal moves that raise it.
pub(crate) fn calibrate(s: &mut State, rng: &mut Rng) -> f64 {
    let mut sum = 0.0;
    let mut count = 0u32;
    for _ in 0..2000 {
        let Some(ch) = s.propose(rng, false) else {
            continue;
        };
        let Some(sc) = s.score(&ch, true) else {
            continue;
        };
        if sc.dobj > EPS {
            sum += sc.dobj;
            count += 1;
            if count >= 200 {
                break;
            }
        }
    }
    if count == 0 {
        0.0
    } else {
        sum / f64::from(count)
    }
}

/// Simulated annealing that removes rest conflicts; true when none are left.
pub(crate) fn repair(s: &mut State, rng: &mut Rng, budget: &Budget) -> bool {
    let mut iters = 0u64;
    let mut t = 2.0f64;
    while s.conflicts > 0 {
        iters += 1;
        if iters.is_multiple_of(1024) {
            if iters >= budget.max_iters || (budget.out_of_time)() {
                return false;
            }
            t = (t * 0.97).max(0.05);
        }
        let Some(ch) = s.propose(rng, true) else {
            continue;
        };
        let Some(sc) = s.score(&ch, false) else {
            continue;
        };
        let delta = sc.dconf as f64 + 0.01 * sc.dobj;
        if delta <= 0.0 || rng.unit() < (-delta / t).exp() {
            s.apply(&ch, sc);
        }
    }
    true
}

/// Simulated annealing on the smooth objective, in cycles of cooling; each cycle starts from the best
/// schedule so far, with the objective sharpened to that schedule's spread and the temperature set
/// from the rises of a sample of moves. Returns the best schedule seen (never worse than the one it
/// started from) and the proposals made.
pub(crate) fn anneal(
    s: &mut State,
    rng: &mut Rng,
    budget: &Budget,
    step: f64,
    cycle: u64,
    window: Option<(f64, f64)>,
) -> (Best, u64) {
    // Sharpness (times 1/spread), starting temperature (times the mean rise) and cooling ratio per cycle.
    let (kb, tc, tr) = (8.0_f64, 1.0_f64, 200.0_f64);
    let (prim, shadow) = s.snapshot();
    let mut best = Best {
        prim,
        shadow,
        spread: s.spread(),
        obj: s.objective(),
    };
    let mut iters = 0u64;
    let mut since = 0u64;
    let cycle = cycle.max(1024);
    'outer: loop {
        let beta = if best.spread > EPS {
            (kb / best.spread).max(3.0 / step)
        } else {
            3.0 / step
        };
        s.set_beta(beta.min(1e7));
        s.set_window(window);
        best.obj = s.objective();
        let t0 = (calibrate(s, rng) * tc).max(1e-12);
        let ratio = (1.0 / tr).ln();
        let mut t = t0;
        for k in 0..cycle {
            iters += 1;
            since += 1;
            if iters.is_multiple_of(1024) {
                #[allow(clippy::cast_precision_loss)]
                let frac = k as f64 / cycle as f64;
                t = t0 * (ratio * frac).exp();
                if iters >= budget.max_iters || since >= budget.stall || (budget.out_of_time)() {
                    break 'outer;
                }
            }
            let Some(ch) = s.propose(rng, false) else {
                continue;
            };
            let Some(sc) = s.score(&ch, true) else {
                continue;
            };
            if sc.dobj <= 0.0 || rng.unit() < (-sc.dobj / t).exp() {
                s.apply(&ch, sc);
                let sp = s.spread();
                if sp < best.spread - EPS
                    || (sp < best.spread + EPS && s.objective() < best.obj - EPS)
                {
                    if sp < best.spread - EPS {
                        since = 0;
                    }
                    best.spread = sp;
                    best.obj = s.objective();
                    best.prim.copy_from_slice(&s.prim);
                    best.shadow.clone_from(&s.shadow);
                    if sp <= budget.target + EPS {
                        break 'outer;
                    }
                }
            }
        }
        s.restore(&best.prim, &best.shadow);
    }
    (best, iters)
}
