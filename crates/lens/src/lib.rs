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
mod text;

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

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
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let doc = markdown::prepare(text);
        // Findings come sorted by start, so one cursor walks the text once for the starts; each
        // end is counted on from its own start.
        let mut lines = text::LineCursor::new(text);
        let mut raw = self.engine.run(&doc.masked, &doc.breaks);
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
                start,
                end,
                matched: text.get(hit.start..hit.end).unwrap_or_default().to_string(),
                why: hit.rule.why().to_string(),
                suggestion: hit.suggestion.to_string(),
            });
        }
        out
    }

    /// Which rules are switched on.
    pub fn enabled_rules(&self) -> HashSet<Rule> {
        Rule::ALL
            .into_iter()
            .filter(|r| self.config.rule(*r).enabled)
            .collect()
    }
}
