//! Proofs that an instance cannot be scheduled, each naming what cannot be satisfied.

use crate::instance::Instance;
use crate::model::{Model, b_matching};

pub(crate) fn shift_label(inst: &Instance, i: usize) -> String {
    let s = &inst.shifts[i];
    format!("shift {} ({}\u{2013}{})", s.id, s.start_local, s.end_local)
}

fn names(inst: &Instance, people: &[usize]) -> String {
    let v: Vec<&str> = people.iter().map(|&p| inst.people[p].id.as_str()).collect();
    match v.len() {
        0 => "nobody".to_string(),
        1 => v[0].to_string(),
        _ => format!("{} and {}", v[..v.len() - 1].join(", "), v[v.len() - 1]),
    }
}

fn shift_list(inst: &Instance, shifts: &[usize]) -> String {
    let v: Vec<&str> = shifts.iter().map(|&i| inst.shifts[i].id.as_str()).collect();
    if v.len() > 8 {
        format!(
            "{}, \u{2026}, {} ({} shifts)",
            v[..3].join(", "),
            v[v.len() - 1],
            v.len()
        )
    } else {
        v.join(", ")
    }
}

/// The first reason found why no schedule can keep every rule, or `None` if none was found (which
/// does not prove a schedule exists).
pub(crate) fn infeasibility(inst: &Instance, m: &Model) -> Option<String> {
    let k = m.k_shadow;
    // A newcomer who cannot shadow enough shifts at all.
    for &p in &m.newcomers {
        let open = m.avail[p].iter().filter(|&&a| a).count();
        if open < k {
            return Some(format!(
                "newcomer {} must shadow {k} shifts but is available for only {open}",
                inst.people[p].id
            ));
        }
    }
    // Newcomers together needing more shadow slots than their shifts offer (one shadow per shift).
    if !m.newcomers.is_empty() {
        let mut adj = Vec::new();
        let mut owner = Vec::new();
        for &p in &m.newcomers {
            let list: Vec<usize> = (0..m.n).filter(|&i| m.avail[p][i]).collect();
            for _ in 0..k {
                adj.push(list.clone());
                owner.push(p);
            }
        }
        if let Err((lefts, rights)) = b_matching(&adj, &vec![1; m.n]) {
            let mut who: Vec<usize> = lefts.iter().map(|&u| owner[u]).collect();
            who.sort_unstable();
            who.dedup();
            return Some(format!(
                "newcomers {} must shadow {k} shifts each, a shift has at most one shadow, and only {} \
                 shifts are open to them",
                names(inst, &who),
                rights.len()
            ));
        }
    }
    // A shift nobody can take.
    for i in 0..m.n {
        if m.cand[i].is_empty() {
            let waiting: Vec<usize> = m
                .newcomers
                .iter()
                .copied()
                .filter(|&p| m.avail[p][i])
                .collect();
            if waiting.is_empty() {
                return Some(format!("{}: nobody is available", shift_label(inst, i)));
            }
            return Some(format!(
                "{}: only {} {} available, and cannot shadow {k} shifts before it",
                shift_label(inst, i),
                if waiting.len() == 1 {
                    "newcomer"
                } else {
                    "newcomers"
                },
                names(inst, &waiting) + if waiting.len() == 1 { " is" } else { " are" },
            ));
        }
    }
    // The rest rule: any rest + 1 consecutive shifts need as many different people.
    let len = (m.rest + 1).min(m.n);
    if len > 1 {
        for a in 0..=(m.n - len) {
            let adj: Vec<Vec<usize>> = (a..a + len).map(|i| m.cand[i].clone()).collect();
            if let Err((lefts, rights)) = b_matching(&adj, &vec![1; m.np]) {
                let shifts: Vec<usize> = lefts.iter().map(|&u| a + u).collect();
                return Some(format!(
                    "shifts {} are within min_rest_shifts={} of each other, so they need {} different \
                     people, but only {} can take them",
                    shift_list(inst, &shifts),
                    m.rest,
                    shifts.len(),
                    names(inst, &rights)
                ));
            }
        }
    }
    // The whole horizon: each person can take at most so many shifts, given rest and time off.
    if m.n > 0 && m.n <= 20_000 {
        let cap: Vec<usize> = (0..m.np).map(|p| m.max_count(p, 0, m.n)).collect();
        if let Err((lefts, rights)) = b_matching(&m.cand, &cap) {
            let most: usize = rights.iter().map(|&p| cap[p]).sum();
            return Some(format!(
                "shifts {} can only be taken by {}, who with min_rest_shifts={} and their time off can \
                 take at most {most} of these {} shifts",
                shift_list(inst, &lefts),
                names(inst, &rights),
                m.rest,
                lefts.len()
            ));
        }
    }
    None
}
