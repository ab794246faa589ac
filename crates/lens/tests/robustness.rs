//! The rules never panic and cost time linear in the text, however the cue words are strung
//! together: pseudo-random word soup (deterministic), and long run-on sentences of cues.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use aftercare_lens::Lens;

/// Words the rules start at, and the words around them that steer them.
const WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "on-call",
    "engineer",
    "Maria",
    "@jdoe",
    "team",
    "we",
    "they",
    "you",
    "should",
    "could",
    "would",
    "might",
    "shouldn't've",
    "could've",
    "have",
    "had",
    "been",
    "be",
    "not",
    "never",
    "no",
    "one",
    "nobody",
    "failed",
    "failure",
    "to",
    "neglected",
    "forgot",
    "overlooked",
    "despite",
    "being",
    "aware",
    "knew",
    "and",
    "did",
    "nothing",
    "yet",
    "but",
    "though",
    "even",
    "if",
    "why",
    "why'd",
    "what",
    "was",
    "were",
    "thinking",
    "root",
    "cause",
    "RCA",
    "human",
    "error",
    "typo",
    "accidentally",
    "misconfigured",
    "by",
    "careless",
    "lazy",
    "more",
    "careful",
    "just",
    "simply",
    "had",
    "to",
    "obviously",
    "clearly",
    "of",
    "course",
    "everyone",
    "knows",
    "trivial",
    "for",
    "ignored",
    "warnings",
    "signs",
    "there",
    "inevitable",
    "going",
    "always",
    "blame",
    "fault",
    "at",
    "responsible",
    "who",
    "is",
    "held",
    "accountable",
    "disciplinary",
    "written",
    "up",
    "let",
    "go",
    "deleted",
    "dropped",
    "pushed",
    "wrong",
    "without",
    "review",
    "took",
    "down",
    "outage",
    "because",
    "'s",
    "change",
    "in",
    "hindsight",
    "retrospect",
    "heads",
    "will",
    "roll",
    "asked",
    "name",
    "\"",
    "'",
    "(",
    ")",
    ",",
    ";",
    ":",
    "—",
    "?",
    "!",
    "-",
    "",
    "it",
    "obvious",
    "that",
    "which",
    "running",
    "kills",
    "job",
];

fn soup(seed: &mut u64, len: usize) -> String {
    let mut out = String::new();
    for _ in 0..len {
        // xorshift64*
        *seed ^= *seed >> 12;
        *seed ^= *seed << 25;
        *seed ^= *seed >> 27;
        let r = seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
        out.push_str(WORDS[(r >> 33) as usize % WORDS.len()]);
        out.push(if r & 7 == 0 { '\n' } else { ' ' });
    }
    out
}

#[test]
fn word_soup_never_panics() {
    let lens = Lens::default();
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for round in 0..3000 {
        let text = soup(&mut seed, 1 + round % 60);
        let _ = lens.check(&text);
    }
}

/// One sentence (no full stop) of `tokens` cue-laden words.
fn run_on(tokens: usize) -> String {
    let piece = "the on-call should have known despite being aware and did nothing yet nobody \
                 acted why did you ignore the warnings obviously just had to the engineer \
                 accidentally deleted the table without review who is responsible for the \
                 outage careless heads will roll in hindsight it was obvious that we forgot \
                 the outage was always going to happen ";
    let words: Vec<&str> = piece.split_whitespace().collect();
    let mut out = String::with_capacity(tokens * 8);
    for k in 0..tokens {
        out.push_str(words[k % words.len()]);
        out.push(' ');
    }
    out
}

#[test]
fn a_long_sentence_full_of_cues_costs_linear_time() {
    let lens = Lens::default();
    let time = |tokens: usize| {
        let text = run_on(tokens);
        let t = Instant::now();
        let findings = lens.check(&text);
        (t.elapsed().as_secs_f64(), findings.len())
    };
    let _ = time(2_000); // warm up
    let (small, n_small) = time(4_000);
    let (large, n_large) = time(32_000);
    assert!(n_large > n_small);
    // Eight times the text: a quadratic path would take about 64 times as long.
    assert!(
        large < small * 20.0 + 0.05,
        "4,000 tokens: {small:.3} s, 32,000 tokens: {large:.3} s"
    );
}
