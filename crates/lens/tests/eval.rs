//! The acceptance evaluation (issue 8): the lens is scored on a tuning part and a test part of
//! the data, and the bars apply to the test part alone. How the data is split is in
//! `tests/splits.toml` (a stable hash, fixed before any result was looked at); this test checks
//! that the committed split still agrees with that rule.
//!
//! Data: the sentences of `tests/fixtures/written/<rule>.jsonl` (written by helper sessions that
//! saw only docs/lens.md), split sentence by sentence; the real postmortems of
//! `../shared/data/lens/` and `../shared/data/lens-more/` (when present; always in CI), split
//! document by document; `../shared/data/lens/constructed.jsonl`, the earlier development set,
//! and `tests/fixtures/tuning/*.jsonl` (look-alikes of blame written for tuning precision), in
//! the tuning part only. A unit of a review counts as flagged when a finding starts inside it.
//!
//! Bars, on the test part: precision >= 0.9 on the real units, recall >= 0.8 on all labelled
//! units (written and real), and at most 1 in 10 of the written hard negatives flagged. Figures
//! per rule for both parts, and every disagreement of the tuning part (never of the test part),
//! are printed: `cargo test -p aftercare-lens --test eval -- --nocapture`. While tuning, set
//! `LENS_EVAL_TUNING_ONLY=1` to see the tuning part alone (no bar is then checked).
//!
//! `tests/fixtures/{units,constructed}.jsonl` and `docs/` (our own review and sentences) are
//! scored separately and their counts pinned, so any change in what the lens makes of them is
//! seen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use aftercare_lens::{Finding, Lens, Rule};
use serde::Deserialize;

#[path = "../../../tests/support/real_data.rs"]
mod real_data;

#[derive(Deserialize)]
struct Unit {
    doc: String,
    line: usize,
    text: String,
    labels: Vec<String>,
}

fn own_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_units(path: &Path) -> Vec<Unit> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The split (tests/splits.toml)

/// 64-bit FNV-1a.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    Tune,
    Test,
}

#[derive(Deserialize)]
struct Splits {
    hash: String,
    written: WrittenSplit,
    documents: DocumentSplit,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct WrittenSplit {
    tune_below: u64,
    tune: usize,
    test: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct DocumentSplit {
    tune_below: u64,
    #[serde(flatten)]
    sets: BTreeMap<String, DocumentLists>,
}

#[derive(Deserialize)]
struct DocumentLists {
    tune: Vec<String>,
    test: Vec<String>,
}

fn splits() -> Splits {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/splits.toml");
    let s: Splits = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(s.hash, "fnv1a-64");
    s
}

impl Splits {
    /// A written sentence's part: by the hash of its `doc`, 0x1F and its `text`.
    fn written(&self, doc: &str, text: &str) -> Part {
        let key = doc.bytes().chain([0x1f]).chain(text.bytes());
        if fnv1a(key) % 100 < self.written.tune_below {
            Part::Tune
        } else {
            Part::Test
        }
    }

    /// A real document's part: by the hash of its name.
    fn document(&self, doc: &str) -> Part {
        if fnv1a(doc.bytes()) % 100 < self.documents.tune_below {
            Part::Tune
        } else {
            Part::Test
        }
    }
}

fn written_units() -> Vec<Unit> {
    let dir = own_dir().join("written");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files.iter().flat_map(|p| read_units(p)).collect()
}

/// Sentences written for tuning only (`tests/fixtures/tuning/*.jsonl`), never in the test part.
fn tuning_units() -> Vec<Unit> {
    let dir = own_dir().join("tuning");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files.iter().flat_map(|p| read_units(p)).collect()
}

#[test]
fn the_committed_split_follows_its_rule() {
    let s = splits();
    let units = written_units();
    let tune = units
        .iter()
        .filter(|u| s.written(&u.doc, &u.text) == Part::Tune)
        .count();
    assert_eq!(
        (tune, units.len() - tune),
        (s.written.tune, s.written.test),
        "written sentences in (tuning, test): update tests/splits.toml when sentences are added"
    );
    for (set, lists) in &s.documents.sets {
        for (part, docs) in [(Part::Tune, &lists.tune), (Part::Test, &lists.test)] {
            for d in docs {
                assert_eq!(
                    s.document(d),
                    part,
                    "{set}: {d} is listed in the wrong part"
                );
            }
        }
        if let Some(dir) = real_data::real_data(&format!("data/{set}"), "real postmortems") {
            let docs: BTreeSet<String> = read_units(&dir.join("units.jsonl"))
                .into_iter()
                .map(|u| u.doc)
                .collect();
            let listed: BTreeSet<String> = lists.tune.iter().chain(&lists.test).cloned().collect();
            assert_eq!(
                docs, listed,
                "{set}: the documents listed in tests/splits.toml"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// Byte offset of a finding's start (line and column in characters) in `text`.
fn offset(text: &str, f: &Finding) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(f.start.line - 1)
        .map(str::len)
        .sum();
    let rest = &text[line_start..];
    line_start
        + rest
            .char_indices()
            .nth(f.start.column - 1)
            .map_or(rest.len(), |(i, _)| i)
}

/// Where a unit sits in its document. Units were cut from the text with whitespace normalised
/// (the k8s reviews are hard-wrapped) and some Markdown dropped (link targets, emphasis), so the
/// unit's non-space characters are matched against the document's, from the unit's line on.
fn span(doc: &str, line: usize, unit: &str) -> (usize, usize) {
    let line_start: usize = doc.split_inclusive('\n').take(line - 1).map(str::len).sum();
    let hay: Vec<(usize, char)> = doc[line_start..]
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, c)| (line_start + i, c))
        .collect();
    let needle: Vec<char> = unit.chars().filter(|c| !c.is_whitespace()).collect();
    let end_of = |k: usize| hay[k].0 + hay[k].1.len_utf8();
    if let Some(p) = hay
        .windows(needle.len().max(1))
        .position(|w| w.iter().map(|(_, c)| *c).eq(needle.iter().copied()))
    {
        return (hay[p].0, end_of(p + needle.len() - 1));
    }
    // Fallback: the longest matching prefix, then characters in order with short gaps only.
    for k in (4..=needle.len().min(30)).rev() {
        if let Some(p) = hay
            .windows(k)
            .position(|w| w.iter().map(|(_, c)| *c).eq(needle[..k].iter().copied()))
        {
            let mut at = p + k - 1;
            for c in &needle[k..] {
                match hay[at + 1..].iter().take(80).position(|(_, d)| d == c) {
                    Some(step) => at += 1 + step,
                    None => break,
                }
            }
            return (hay[p].0, end_of(at));
        }
    }
    panic!("unit not found in its document at line {line}: {unit}");
}

#[derive(Default, Clone, Copy)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Count {
    fn add(&mut self, labelled: bool, flagged: bool) {
        match (labelled, flagged) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A unit of a real review.
    Real,
    /// A sentence written for the evaluation, scored on its own.
    Constructed,
}

struct Scored {
    source: &'static str,
    part: Part,
    kind: Kind,
    labels: BTreeSet<String>,
    flagged: BTreeSet<String>,
    text: String,
    doc: String,
}

impl Scored {
    fn hard_negative(&self) -> bool {
        self.kind == Kind::Constructed && self.labels.is_empty()
    }
}

/// Scores the units of the reviews in `dir` (`units.jsonl`, `docs/<doc>.md`).
fn score_reviews(
    lens: &Lens,
    dir: &Path,
    source: &'static str,
    part_of: &dyn Fn(&str) -> Part,
    out: &mut Vec<Scored>,
) {
    let mut by_doc: BTreeMap<String, Vec<Unit>> = BTreeMap::new();
    for u in read_units(&dir.join("units.jsonl")) {
        by_doc.entry(u.doc.clone()).or_default().push(u);
    }
    for (doc, units) in by_doc {
        let text = std::fs::read_to_string(dir.join("docs").join(format!("{doc}.md"))).unwrap();
        let starts: Vec<(usize, Rule)> = lens
            .check(&text)
            .iter()
            .map(|f| (offset(&text, f), f.rule))
            .collect();
        for u in units {
            let (a, b) = span(&text, u.line, &u.text);
            let flagged = starts
                .iter()
                .filter(|(o, _)| *o >= a && *o < b)
                .map(|(_, r)| r.id().to_string())
                .collect();
            out.push(Scored {
                source,
                part: part_of(&doc),
                kind: Kind::Real,
                labels: u.labels.into_iter().collect(),
                flagged,
                text: u.text,
                doc: doc.clone(),
            });
        }
    }
}

/// Scores sentences, each checked on its own.
fn score_sentences(
    lens: &Lens,
    units: Vec<Unit>,
    source: &'static str,
    part_of: &dyn Fn(&Unit) -> Part,
    out: &mut Vec<Scored>,
) {
    for u in units {
        let part = part_of(&u);
        let flagged = lens
            .check(&u.text)
            .iter()
            .map(|f| f.rule.id().to_string())
            .collect();
        out.push(Scored {
            source,
            part,
            kind: Kind::Constructed,
            labels: u.labels.into_iter().collect(),
            flagged,
            text: u.text,
            doc: u.doc,
        });
    }
}

/// Unit-level figures of a set of scored units, for the bars.
struct Outcome {
    /// Flagged by any rule vs labelled with any rule, on the real units.
    real: Count,
    /// The same on every labelled unit (real and constructed).
    all: Count,
    negatives: usize,
    negatives_flagged: usize,
}

fn outcome<'a>(units: impl Iterator<Item = &'a Scored> + Clone) -> Outcome {
    let mut real = Count::default();
    let mut all = Count::default();
    for s in units.clone() {
        let (l, f) = (!s.labels.is_empty(), !s.flagged.is_empty());
        if s.kind == Kind::Real {
            real.add(l, f);
        }
        all.add(l, f);
    }
    let negatives = units.clone().filter(|s| s.hard_negative()).count();
    let negatives_flagged = units
        .filter(|s| s.hard_negative() && !s.flagged.is_empty())
        .count();
    Outcome {
        real,
        all,
        negatives,
        negatives_flagged,
    }
}

fn ratio(n: usize, d: usize) -> String {
    if d == 0 {
        "   -".to_string()
    } else {
        format!("{:.2}", n as f64 / d as f64)
    }
}

/// Prints the figures of one part: per rule, per source, and the unit-level ones.
fn report(title: &str, units: &[&Scored]) -> Outcome {
    println!("\n== {title}");
    println!(
        "  {:<15} {:>16} {:>18} {:>20}",
        "rule", "real precision", "recall (labelled)", "hard negs flagged"
    );
    for rule in Rule::ALL {
        let id = rule.id();
        let mut real = Count::default();
        let mut all = Count::default();
        for s in units {
            let (l, f) = (s.labels.contains(id), s.flagged.contains(id));
            if s.kind == Kind::Real {
                real.add(l, f);
            }
            all.add(l, f);
        }
        // Hard negatives written for this rule (its file), flagged by any rule.
        let file = format!("written-{id}");
        let negs: Vec<&&Scored> = units
            .iter()
            .filter(|s| s.hard_negative() && s.doc == file)
            .collect();
        let negs_flagged = negs.iter().filter(|s| !s.flagged.is_empty()).count();
        println!(
            "  {id:<15} {:>5} ({:>3}/{:<3}) {:>5} ({:>3}/{:<3})  {:>8} ({:>2}/{:<3})",
            ratio(real.tp, real.tp + real.fp),
            real.tp,
            real.tp + real.fp,
            ratio(all.tp, all.tp + all.fn_),
            all.tp,
            all.tp + all.fn_,
            ratio(negs_flagged, negs.len()),
            negs_flagged,
            negs.len()
        );
    }
    let sources: BTreeSet<&str> = units.iter().map(|s| s.source).collect();
    println!("  unit level, by source (flagged by any rule vs labelled with any rule):");
    for source in sources {
        let o = outcome(units.iter().copied().filter(|s| s.source == source));
        println!(
            "    {source:<18} units {:>5}  precision {} ({}/{})  recall {} ({}/{})  hard negs flagged {}/{}",
            units.iter().filter(|s| s.source == source).count(),
            ratio(o.all.tp, o.all.tp + o.all.fp),
            o.all.tp,
            o.all.tp + o.all.fp,
            ratio(o.all.tp, o.all.tp + o.all.fn_),
            o.all.tp,
            o.all.tp + o.all.fn_,
            o.negatives_flagged,
            o.negatives
        );
    }
    let o = outcome(units.iter().copied());
    println!(
        "  precision on real units {} ({} of {} flagged)  recall on labelled units {} ({} of {})  hard negatives flagged {} ({} of {})",
        ratio(o.real.tp, o.real.tp + o.real.fp),
        o.real.tp,
        o.real.tp + o.real.fp,
        ratio(o.all.tp, o.all.tp + o.all.fn_),
        o.all.tp,
        o.all.tp + o.all.fn_,
        ratio(o.negatives_flagged, o.negatives),
        o.negatives_flagged,
        o.negatives
    );
    o
}

fn disagreements(title: &str, units: &[&Scored]) {
    println!("\n{title}: false alarms (rule level)");
    for s in units {
        let extra: Vec<&String> = s.flagged.difference(&s.labels).collect();
        if !extra.is_empty() {
            println!(
                "  [{}] {:?} labels={:?}: {}",
                s.doc, extra, s.labels, s.text
            );
        }
    }
    println!("\n{title}: missed (rule level)");
    for s in units {
        let missed: Vec<&String> = s.labels.difference(&s.flagged).collect();
        if !missed.is_empty() {
            println!(
                "  [{}] {:?} flagged={:?}: {}",
                s.doc, missed, s.flagged, s.text
            );
        }
    }
}

/// Scores both parts and prints their figures; `None` while `LENS_EVAL_TUNING_ONLY` is set.
fn held_out() -> Option<(bool, Outcome)> {
    let lens = Lens::default();
    let s = splits();
    let mut scored = Vec::new();
    score_sentences(
        &lens,
        written_units(),
        "written",
        &|u| s.written(&u.doc, &u.text),
        &mut scored,
    );
    // tests/fixtures/tuning/*.jsonl: sentences written for tuning (look-alikes of blame that
    // real reviews use innocently, and blameful ones beside them), in the tuning part only.
    score_sentences(
        &lens,
        tuning_units(),
        "tuning fixtures",
        &|_| Part::Tune,
        &mut scored,
    );
    let mut have_real = true;
    for set in ["lens", "lens-more"] {
        let Some(dir) = real_data::real_data(&format!("data/{set}"), "real postmortems") else {
            have_real = false;
            continue;
        };
        let source = if set == "lens" { "lens" } else { "lens-more" };
        score_reviews(&lens, &dir, source, &|d| s.document(d), &mut scored);
        let constructed = dir.join("constructed.jsonl");
        if constructed.exists() {
            let source = if set == "lens" {
                "lens constructed"
            } else {
                "lens-more constr."
            };
            score_sentences(
                &lens,
                read_units(&constructed),
                source,
                &|_| Part::Tune,
                &mut scored,
            );
        }
    }
    if !have_real {
        println!(
            "\nnote: ../shared is not there, so the real postmortems are skipped: the figures \
             below are the written sentences only, and precision on real units is not checked"
        );
    }

    let tune: Vec<&Scored> = scored.iter().filter(|s| s.part == Part::Tune).collect();
    let test: Vec<&Scored> = scored.iter().filter(|s| s.part == Part::Test).collect();
    disagreements("tuning part", &tune);
    let _ = report("tuning part (the rules were tuned on this)", &tune);
    // While tuning, LENS_EVAL_TUNING_ONLY=1 keeps even the test part's figures out of sight
    // (and so checks no bar): the test part is only looked at once tuning is done.
    if std::env::var_os("LENS_EVAL_TUNING_ONLY").is_some() {
        println!("\nLENS_EVAL_TUNING_ONLY is set: the test part is not scored");
        return None;
    }
    let o = report("test part (not tuned on; the bars apply here)", &test);

    Some((have_real, o))
}

/// The bars on the part not tuned on. Not met yet (issue 8 is open): on the test part,
/// precision on real units is 0.83 (34 of 41), below 0.9, while recall (0.83) and hard negatives
/// (3%) pass. Run with `cargo test -p aftercare-lens --test eval -- --ignored`.
#[test]
#[ignore = "issue 8 open: held-out precision on real units 0.83 < 0.9 (see docs/lens.md)"]
fn evaluation_on_the_part_not_tuned_on_meets_the_bar() {
    let Some((have_real, o)) = held_out() else {
        return;
    };
    let mut failed = Vec::new();
    if have_real && o.real.precision() < 0.9 {
        failed.push(format!(
            "precision on the test part's real units {:.3} < 0.9",
            o.real.precision()
        ));
    }
    if o.all.recall() < 0.8 {
        failed.push(format!(
            "recall on the test part's labelled units {:.3} < 0.8",
            o.all.recall()
        ));
    }
    if o.negatives_flagged * 10 > o.negatives {
        failed.push(format!(
            "{} of {} of the test part's hard negatives flagged (> 1 in 10)",
            o.negatives_flagged, o.negatives
        ));
    }
    assert!(failed.is_empty(), "{}", failed.join("; "));
}

/// What the lens reaches today on the part not tuned on may not get worse: the recall and
/// hard-negative bars hold, and precision on real units stays at least where it is (0.83, 34 of
/// 41, after the second round and again after the third; checked as 0.82 so that one unit's
/// rounding is not a regression) until it reaches the bar above.
#[test]
fn evaluation_on_the_part_not_tuned_on_does_not_regress() {
    let Some((have_real, o)) = held_out() else {
        return;
    };
    if have_real {
        assert!(
            o.real.precision() >= 0.82,
            "precision on the test part's real units {:.3} fell below 0.82",
            o.real.precision()
        );
    }
    assert!(
        o.all.recall() >= 0.8,
        "recall on the test part's labelled units {:.3} < 0.8",
        o.all.recall()
    );
    assert!(
        o.negatives_flagged * 10 <= o.negatives,
        "{} of {} of the test part's hard negatives flagged (> 1 in 10)",
        o.negatives_flagged,
        o.negatives
    );
}

// ---------------------------------------------------------------------------------------------
// Our own review and sentences, pinned

/// Our own set's counts: (true positives, false positives, false negatives) on the review units
/// and on all units, and (hard negatives flagged, hard negatives).
const OWN_REAL: (usize, usize, usize) = (3, 0, 0);
const OWN_ALL: (usize, usize, usize) = (19, 0, 0);
const OWN_NEGATIVES: (usize, usize) = (0, 16);

#[test]
fn evaluation_on_our_own_set() {
    let lens = Lens::default();
    let dir = own_dir();
    let mut scored = Vec::new();
    score_reviews(&lens, &dir, "own review", &|_| Part::Tune, &mut scored);
    score_sentences(
        &lens,
        read_units(&dir.join("constructed.jsonl")),
        "own constructed",
        &|_| Part::Tune,
        &mut scored,
    );
    let all: Vec<&Scored> = scored.iter().collect();
    disagreements("our own set", &all);
    let o = report(
        "our own set (tests/fixtures: units.jsonl, constructed.jsonl)",
        &all,
    );
    // What our fixtures really give: 37 review units (3 labelled), 16 blameful constructed
    // sentences and 16 hard negatives. Any change to these is a change in the lens to look at.
    // These sentences were part of the development before issue 8 (the gaps noted then, "Kai
    // should have checked ...", "simply a matter of", a sentence-initial "Obviously", are closed
    // now), so they pin behaviour; they are no measure of how the lens does on unseen reviews.
    assert_eq!(
        (o.real.tp, o.real.fp, o.real.fn_),
        OWN_REAL,
        "review units (tp, fp, fn)"
    );
    assert_eq!(
        (o.all.tp, o.all.fp, o.all.fn_),
        OWN_ALL,
        "all units (tp, fp, fn)"
    );
    assert_eq!((o.negatives_flagged, o.negatives), OWN_NEGATIVES);
}
