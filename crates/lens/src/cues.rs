//! The cue scan: finds every cue word in the lower-cased text, with the same matches as
//! `AhoCorasick::find_iter` with standard (non-overlapping, earliest-end) semantics, but faster.
//!
//! The scan touches every byte of every review, and aho-corasick's generic search loop costs
//! about 16 instructions a byte here. Its DFA is therefore copied once, when the lens is built,
//! into a small table of our own: bytes that appear in no cue share one class, the others get a
//! class each (about 30 in all), so the table fits in cache and the inner loop is one class
//! lookup, one transition lookup and one compare per byte.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// What a match state reports.
#[derive(Debug, Clone, Copy)]
struct Accept {
    /// Length of the matched pattern, to find where the match starts.
    len: u32,
    /// The rules to read the sentence with (see `rules::CUES`); `None` ends the search, as the
    /// library does on a dead state (which an unanchored search never reaches).
    mask: Option<u16>,
}

#[derive(Debug, Clone)]
pub(crate) struct CueScanner {
    /// Byte to equivalence class; class 0 is every byte that appears in no pattern.
    classes: [u8; 256],
    /// Transitions by `state + class`; states are numbered in multiples of the class count, and
    /// match states (and the dead state) come last, from `accept_from` on.
    trans: Vec<u32>,
    stride: u32,
    start: u32,
    accept_from: u32,
    /// For states from `accept_from` on, in order.
    accepts: Vec<Accept>,
    /// Every byte of class 0 leads to the start state (true of any Aho-Corasick automaton, and
    /// checked when building), so the text can be cut after one and scanned in parts.
    resets_on_unused: bool,
}

impl CueScanner {
    /// Builds the scanner for `patterns` (matched case-sensitively), reporting `masks[pattern]`
    /// for each match. `None` if aho-corasick cannot build its DFA.
    pub fn new(patterns: &[String], masks: &[u16]) -> Option<CueScanner> {
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(patterns)
            .ok()?;

        let mut classes = [0u8; 256];
        let mut used = [false; 256];
        for p in patterns {
            for &b in p.as_bytes() {
                used[usize::from(b)] = true;
            }
        }
        // One representative byte per class; class 0 exists only if some byte is unused.
        let mut reps: Vec<u8> = Vec::new();
        if let Some(unused) = (0..=255u8).find(|b| !used[usize::from(*b)]) {
            reps.push(unused);
        }
        for b in 0..=255u8 {
            if used[usize::from(b)] {
                classes[usize::from(b)] = u8::try_from(reps.len()).ok()?;
                reps.push(b);
            }
        }
        if reps.len() > 256 {
            return None;
        }

        // Every state reachable from the unanchored start, breadth first.
        let start = dfa.start_state(Anchored::No).ok()?;
        // Our index of each state, by the library's state id (a small integer).
        let mut order = vec![start];
        let mut index: Vec<Option<usize>> = Vec::new();
        let mut edges: Vec<usize> = Vec::new();
        let mut k = 0;
        let mut seen = |sid: StateID, order: &mut Vec<StateID>| -> usize {
            let at = sid.as_usize();
            if index.len() <= at {
                index.resize(at + 1, None);
            }
            *index[at].get_or_insert_with(|| {
                order.push(sid);
                order.len() - 1
            })
        };
        seen(start, &mut Vec::new());
        while k < order.len() {
            let sid = order[k];
            for &rep in &reps {
                let next = dfa.next_state(Anchored::No, sid, rep);
                edges.push(seen(next, &mut order));
            }
            k += 1;
        }

        // Number plain states first and accepting ones after, so one compare spots a match.
        let accepting = |sid| dfa.is_match(sid) || dfa.is_dead(sid);
        let mut renumber = vec![0u32; order.len()];
        let mut accepts = Vec::new();
        let mut next_id = 0u32;
        for pass in [false, true] {
            for (i, &sid) in order.iter().enumerate() {
                if accepting(sid) != pass {
                    continue;
                }
                renumber[i] = next_id;
                next_id += 1;
                if pass {
                    let mask = if dfa.is_dead(sid) {
                        None
                    } else {
                        // Standard semantics report the state's first pattern.
                        let pid = dfa.match_pattern(sid, 0);
                        Some(masks.get(pid.as_usize()).copied().unwrap_or(u16::MAX))
                    };
                    let len = if dfa.is_dead(sid) {
                        0
                    } else {
                        dfa.pattern_len(dfa.match_pattern(sid, 0))
                    };
                    accepts.push(Accept {
                        len: u32::try_from(len).ok()?,
                        mask,
                    });
                }
            }
        }
        let stride = u32::try_from(reps.len()).ok()?;
        let plain = u32::try_from(order.len() - accepts.len()).ok()?;
        // Padded to `SMALL` entries when it fits, for the unchecked lookups in `find_iter`.
        let mut trans = vec![0u32; (order.len() * reps.len()).max(SMALL)];
        for (i, row) in edges.chunks(reps.len()).enumerate() {
            let from = renumber[i] as usize * reps.len();
            for (c, &to) in row.iter().enumerate() {
                trans[from + c] = renumber[to].checked_mul(stride)?;
            }
        }
        let start = renumber[0].checked_mul(stride)?;
        let accept_from = plain.checked_mul(stride)?;
        // With class 0 present, it is class 0 in every row.
        let resets_on_unused = classes.contains(&0)
            && start < accept_from
            && (0..order.len()).all(|state| trans[state * reps.len()] == start);
        Some(CueScanner {
            classes,
            trans,
            stride,
            start,
            accept_from,
            accepts,
            resets_on_unused,
        })
    }

    /// Matches in `hay` as (start offset, rule mask), in order.
    pub fn find_all(&self, hay: &[u8]) -> Vec<(usize, u16)> {
        // A table of exactly `SMALL` entries is indexed by a `u16`, which needs no bounds check;
        // a larger automaton (many extra terms) takes the checked path.
        let ends = match <&[u32; SMALL]>::try_from(&self.trans[..]) {
            Ok(small) => self.scan(|i| small[usize::from(i as u16)], hay),
            Err(_) => self.scan(|i| self.trans[i as usize], hay),
        };
        let mut out = Vec::with_capacity(ends.iter().map(Vec::len).sum());
        for (end, sid) in ends.into_iter().flatten() {
            let accept = self.accepts[((sid - self.accept_from) / self.stride) as usize];
            let Some(mask) = accept.mask else {
                break;
            };
            out.push((end - accept.len as usize, mask));
        }
        out
    }

    /// The end offsets and accepting states of all matches, per stream, in order.
    ///
    /// Each step of the automaton waits for the previous one (the next state is loaded from the
    /// table at the current state), so one scan runs at the latency of a load per byte. The text
    /// is therefore cut into `STREAMS` parts, scanned side by side so that their loads overlap.
    /// Cuts fall just after a byte that is in no cue, where the automaton is in its start state
    /// whatever came before, so every part scans exactly as it would in one pass.
    #[inline(always)]
    fn scan(&self, next: impl Fn(u32) -> u32, hay: &[u8]) -> [Vec<(usize, u32)>; STREAMS] {
        let (classes, accept_from, start) = (&self.classes, self.accept_from, self.start);
        let step = |sid: u32, b: u8| next(sid + u32::from(classes[usize::from(b)]));
        let mut cuts = [hay.len(); STREAMS + 1];
        cuts[0] = 0;
        for k in 1..STREAMS {
            let from = (hay.len() * k / STREAMS).max(cuts[k - 1]);
            cuts[k] = if self.resets_on_unused {
                hay[from..]
                    .iter()
                    .position(|&b| classes[usize::from(b)] == 0)
                    .map_or(hay.len(), |p| from + p + 1)
            } else {
                hay.len()
            };
        }
        let part = |k: usize| &hay[cuts[k]..cuts[k + 1]];
        let (h0, h1, h2, h3) = (part(0), part(1), part(2), part(3));
        let common = h0.len().min(h1.len()).min(h2.len()).min(h3.len());
        let mut found: [Vec<(usize, u32)>; STREAMS] = Default::default();
        let mut sid = [start; STREAMS];
        let lockstep = h0[..common]
            .iter()
            .zip(&h1[..common])
            .zip(&h2[..common])
            .zip(&h3[..common]);
        for (i, (((&b0, &b1), &b2), &b3)) in lockstep.enumerate() {
            sid = [
                step(sid[0], b0),
                step(sid[1], b1),
                step(sid[2], b2),
                step(sid[3], b3),
            ];
            if sid.iter().any(|&s| s >= accept_from) {
                for k in 0..STREAMS {
                    if sid[k] >= accept_from {
                        found[k].push((cuts[k] + i + 1, sid[k]));
                        sid[k] = start;
                    }
                }
            }
        }
        for k in 0..STREAMS {
            let mut s = sid[k];
            for (i, &b) in part(k).iter().enumerate().skip(common) {
                s = step(s, b);
                if s >= accept_from {
                    found[k].push((cuts[k] + i + 1, s));
                    s = start;
                }
            }
        }
        found
    }
}

/// Table size below which transitions are looked up without bounds checks.
const SMALL: usize = 1 << 16;

/// Parts of the text scanned side by side (see `CueScanner::scan`).
const STREAMS: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickKind};

    /// Same matches as the library's own search, on text full of overlapping and partial cues.
    #[test]
    fn matches_aho_corasick_find_iter() {
        let patterns: Vec<String> = [
            "root",
            "rca",
            "had ",
            "should",
            "could have",
            "mis",
            "mist",
            "mistake",
            "is on ",
            "was on ",
            "on",
            "human error",
            "e",
            "ran ",
            "ignor",
            "let ",
            "é",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let masks: Vec<u16> = (0..patterns.len() as u16).map(|i| 1 << (i % 16)).collect();
        let scanner = CueScanner::new(&patterns, &masks).unwrap();
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .unwrap();
        let piece = "the root cause: we had misted mistakes; he ran  is on  was on the human errors \
                     mistakemistake rcaroot shouldcould have been ignored. let it é ran";
        // Long enough to be scanned in parts, with cuts at many different places.
        let mut hay = String::new();
        for k in 0..40 {
            hay.push_str(&piece[k % 7..]);
            hay.push_str(if k % 3 == 0 { "\n" } else { " " });
        }
        let hay = hay.as_str();
        let ours = scanner.find_all(hay.as_bytes());
        assert!(scanner.resets_on_unused);
        let theirs: Vec<(usize, u16)> = ac
            .find_iter(hay)
            .map(|m| (m.start(), masks[m.pattern().as_usize()]))
            .collect();
        assert!(!ours.is_empty());
        assert_eq!(ours, theirs);
    }
}
