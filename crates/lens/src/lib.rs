//! The language lens: finds blameful and hindsight-biased wording in incident reviews.
//!
//! The crate is pure (no file or network I/O), so the same code runs in the `aftercare lens`
//! command, in CI and behind the server's review editor. Text goes in, [`Finding`]s come out.
//!
//! ```
//! use aftercare_lens::{Lens, Rule};
//! let findings = Lens::default().check("The engineer failed to check the replica lag.");
//! let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
//! assert_eq!(rules, [Rule::BlameNaming, Rule::Counterfactual]);
//! let clean = Lens::default().check("The pod failed to start because the node ran out of memory.");
//! assert!(clean.is_empty());
//! ```

mod config;
mod cues;
mod lexicon;
mod markdown;
pub mod report;
mod rules;
mod stream;
mod text;

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

pub use config::{Config, ConfigError, RuleConfig, SkipMatcher};

/// The nine rules (see `docs/lens.md` and `shared/data/lens/README.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    HumanError,
    RootCause,
    Counterfactual,
    Judgement,
    Minimizing,
    BlameNaming,
    WhyQuestion,
    Hindsight,
    Punitive,
}

impl Rule {
    pub const ALL: [Rule; 9] = [
        Rule::HumanError,
        Rule::RootCause,
        Rule::Counterfactual,
        Rule::Judgement,
        Rule::Minimizing,
        Rule::BlameNaming,
        Rule::WhyQuestion,
        Rule::Hindsight,
        Rule::Punitive,
    ];

    /// The kebab-case id used in output, config and inline comments.
    pub fn id(self) -> &'static str {
        match self {
            Rule::HumanError => "human-error",
            Rule::RootCause => "root-cause",
            Rule::Counterfactual => "counterfactual",
            Rule::Judgement => "judgement",
            Rule::Minimizing => "minimizing",
            Rule::BlameNaming => "blame-naming",
            Rule::WhyQuestion => "why-question",
            Rule::Hindsight => "hindsight",
            Rule::Punitive => "punitive",
        }
    }

    /// The severity a rule has unless the config says otherwise.
    pub fn default_severity(self) -> Severity {
        match self {
            Rule::RootCause => Severity::Info,
            Rule::Counterfactual | Rule::Minimizing | Rule::Hindsight | Rule::WhyQuestion => {
                Severity::Warning
            }
            Rule::HumanError | Rule::Judgement | Rule::BlameNaming | Rule::Punitive => {
                Severity::Error
            }
        }
    }

    /// One sentence on why the wording matters, naming its source.
    pub fn why(self) -> &'static str {
        rules::why(self)
    }

    /// A short title for reports (SARIF rule names, annotation titles).
    pub fn title(self) -> &'static str {
        match self {
            Rule::HumanError => "\"Human error\" framed as the cause",
            Rule::RootCause => "Single root cause framing",
            Rule::Counterfactual => "Counterfactual about what people should have done",
            Rule::Judgement => "Judgement of a person's care or character",
            Rule::Minimizing => "Minimizing word that makes the work sound easy",
            Rule::BlameNaming => "A person singled out as the subject of the failure",
            Rule::WhyQuestion => "\"Why\" question asking a person to justify themselves",
            Rule::Hindsight => "Certainty only available in hindsight",
            Rule::Punitive => "Sanction or allocation of blame",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An unknown rule id, in config, a flag or an inline comment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown lens rule `{0}` (expected one of: human-error, root-cause, counterfactual, judgement, minimizing, blame-naming, why-question, hindsight, punitive)"
)]
pub struct UnknownRule(pub String);

impl FromStr for Rule {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Rule::ALL
            .into_iter()
            .find(|r| r.id() == wanted)
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

/// How serious a finding is; `--fail-on` compares against this order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown severity name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}` (expected info, warning or error)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" | "note" | "notice" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(UnknownSeverity(s.to_string())),
        }
    }
}

/// A place in the checked text: 1-based line, 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One piece of blameful wording. `end` is exclusive: the column just after the last character.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub start: Position,
    pub end: Position,
    pub matched: String,
    pub why: String,
    pub suggestion: String,
}

/// A configured lens; cheap to share between threads and reuse for many texts.
#[derive(Debug, Clone)]
pub struct Lens {
    config: Config,
    engine: rules::Engine,
}

impl Default for Lens {
    fn default() -> Self {
        Lens::new(Config::default())
    }
}

impl Lens {
    pub fn new(config: Config) -> Lens {
        let engine = rules::Engine::new(&config);
        Lens { config, engine }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Checks Markdown or plain text. Code, URLs, link targets, front matter and HTML comments are
    /// skipped; `<!-- lens-disable ... -->` comments are honoured.
    ///
    /// A text of more than a megabyte is checked in parts (see [`Lens::check_parts`]), so the
    /// work space stays bounded; only the findings grow with the text.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let never = AtomicBool::new(false);
        self.check_cancellable(text, &never).unwrap_or_default()
    }

    /// [`Lens::check`] that gives up, returning `None`, soon after `cancel` is set (it is read
    /// between sentences), for callers whose caller may have gone away.
    pub fn check_cancellable(&self, text: &str, cancel: &AtomicBool) -> Option<Vec<Finding>> {
        let mut all = Vec::new();
        self.check_parts(text, cancel, |part| {
            all.extend(part.findings);
            Ok(())
        })
        .ok()?;
        Some(all)
    }

    /// Checks `text` in parts of about a megabyte, cut before a line that starts a new
    /// top-level Markdown block (never inside a code block, front matter or HTML comment), and
    /// hands each part and its findings to `each` in order. Findings are as [`Lens::check`]
    /// gives them, positions counted in the whole text; `lens-disable` comments carry over from
    /// one part to the next.
    pub fn check_parts(
        &self,
        text: &str,
        cancel: &AtomicBool,
        each: impl FnMut(Part<'_>) -> io::Result<()>,
    ) -> Result<(), CheckError> {
        self.check_parts_sized(text, stream::PART, stream::MAX_PART, cancel, each)
    }

    /// [`Lens::check`] in parts of at least `part` and at most `max` bytes where possible, for
    /// the fuzz target (small parts put many cuts in a small input).
    #[doc(hidden)]
    pub fn check_in_parts_of(&self, text: &str, part: usize, max: usize) -> Vec<Finding> {
        let never = AtomicBool::new(false);
        let mut all = Vec::new();
        let _ = self.check_parts_sized(text, part, max, &never, |p| {
            all.extend(p.findings);
            Ok(())
        });
        all
    }

    fn check_parts_sized(
        &self,
        text: &str,
        part: usize,
        max: usize,
        cancel: &AtomicBool,
        mut each: impl FnMut(Part<'_>) -> io::Result<()>,
    ) -> Result<(), CheckError> {
        let mut carry = Carry::default();
        let mut from = 0;
        for to in stream::cuts(text, part, max) {
            let part = &text[from..to];
            let start = carry.start();
            let findings = self.check_part(part, &mut carry, cancel)?;
            each(Part {
                text: part,
                start,
                findings,
            })?;
            from = to;
        }
        Ok(())
    }

    /// [`Lens::check_parts`] on a text read from `input` as it is checked: memory stays bounded
    /// (a few megabytes, see `stream.rs`) whatever the length of the text. The text must be
    /// UTF-8; findings up to the part that is not have been handed out when that is found.
    pub fn check_reader(
        &self,
        mut input: impl Read,
        cancel: &AtomicBool,
        mut each: impl FnMut(Part<'_>) -> io::Result<()>,
    ) -> Result<(), CheckError> {
        const READ: usize = 64 << 10;
        let mut buf: Vec<u8> = Vec::with_capacity(stream::PART + 2 * READ);
        let mut cutter = stream::Cutter::default();
        let mut carry = Carry::default();
        let mut eof = false;
        loop {
            let cut = loop {
                if buf.len() > stream::PART
                    && let Some(at) = cutter.find(&buf, stream::PART, eof)
                {
                    cutter.cut_at(at);
                    break Some(at);
                }
                if eof {
                    break None;
                }
                if buf.len() >= stream::MAX_PART {
                    cutter.restart();
                    break Some(stream::forced_cut(&buf, stream::MAX_PART));
                }
                let have = buf.len();
                let room = READ.min(stream::MAX_PART - have);
                buf.resize(have + room, 0);
                let n = loop {
                    match input.read(&mut buf[have..]) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r,
                    }
                };
                buf.truncate(have + *n.as_ref().unwrap_or(&0));
                if n? == 0 {
                    eof = true;
                }
            };
            let at = cut.unwrap_or(buf.len());
            if at > 0 {
                let part = std::str::from_utf8(&buf[..at]).map_err(|_| CheckError::NotUtf8)?;
                let start = carry.start();
                let findings = self.check_part(part, &mut carry, cancel)?;
                each(Part {
                    text: part,
                    start,
                    findings,
                })?;
            }
            if cut.is_none() {
                return Ok(());
            }
            buf.drain(..at);
        }
    }

    /// One part: its findings with positions in the whole text, and `carry` moved past it.
    fn check_part(
        &self,
        text: &str,
        carry: &mut Carry,
        cancel: &AtomicBool,
    ) -> Result<Vec<Finding>, CheckError> {
        let mut doc = markdown::prepare(text);
        doc.directives.carry_in(carry.off);
        // Findings come sorted by start, so one cursor walks the text once for the starts; each
        // end is counted on from its own start.
        let mut lines = text::LineCursor::new(text);
        let mut raw = self.engine.run(&doc.masked, &doc.breaks, cancel);
        if cancel.load(Ordering::Relaxed) {
            return Err(CheckError::Cancelled);
        }
        // Findings of one rule on overlapping words are one finding (over all those words):
        // sorted by rule and start, each one that starts before the previous one ends joins it.
        raw.sort_by_key(|h| (h.rule, h.start));
        let mut merged: Vec<rules::Hit> = Vec::with_capacity(raw.len());
        for hit in raw {
            match merged.last_mut() {
                Some(last) if last.rule == hit.rule && hit.start < last.end => {
                    last.end = last.end.max(hit.end);
                }
                _ => merged.push(hit),
            }
        }
        let mut raw = merged;
        raw.sort_by_key(|h| (h.start, h.rule));
        let mut out = Vec::with_capacity(raw.len());
        for hit in raw {
            if !self.config.rule(hit.rule).enabled {
                continue;
            }
            let start = lines.position(hit.start);
            if doc.directives.is_disabled(hit.rule, hit.start, start.line) {
                continue;
            }
            let end = lines.clone().position(hit.end);
            out.push(Finding {
                rule: hit.rule,
                severity: self.config.rule(hit.rule).severity,
                start: carry.place(start),
                end: carry.place(end),
                matched: text.get(hit.start..hit.end).unwrap_or_default().to_string(),
                why: hit.rule.why().to_string(),
                suggestion: hit.suggestion.to_string(),
            });
        }
        carry.off = doc.directives.carry_out();
        carry.pass(text);
        Ok(out)
    }

    /// Which rules are switched on.
    pub fn enabled_rules(&self) -> HashSet<Rule> {
        Rule::ALL
            .into_iter()
            .filter(|r| self.config.rule(*r).enabled)
            .collect()
    }
}

/// One part of a text checked in parts, and the findings in it.
#[derive(Debug)]
pub struct Part<'a> {
    /// The part's text.
    pub text: &'a str,
    /// Where the part starts in the whole text (a part starts a line unless a line was too
    /// long to find a better place).
    pub start: Position,
    pub findings: Vec<Finding>,
}

/// Why a check in parts stopped.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error("cancelled")]
    Cancelled,
}

/// What one part of a text hands to the next: where it starts, and the rules switched off by
/// `lens-disable` comments before it.
#[derive(Debug, Clone, Copy)]
struct Carry {
    /// The line the next part starts on, and the characters before it on that line.
    line: usize,
    column: usize,
    off: u16,
}

impl Default for Carry {
    fn default() -> Self {
        Carry {
            line: 1,
            column: 0,
            off: 0,
        }
    }
}

impl Carry {
    fn start(&self) -> Position {
        Position {
            line: self.line,
            column: self.column + 1,
        }
    }

    /// A position in the part, in the whole text.
    fn place(&self, p: Position) -> Position {
        Position {
            line: self.line + p.line - 1,
            column: if p.line == 1 {
                self.column + p.column
            } else {
                p.column
            },
        }
    }

    fn pass(&mut self, text: &str) {
        match memchr::memrchr(b'\n', text.as_bytes()) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', text.as_bytes()).count();
                self.column = text[last + 1..].chars().count();
            }
            None => self.column += text.chars().count(),
        }
    }
}
