//! `.aftercare-lens.toml`: parsed from a string so the library stays free of file I/O.
//!
//! ```toml
//! names = ["Alice Example", "bob"]      # people the blame-naming rule should recognise
//! skip = ["drafts/**", "CHANGELOG.md"]  # paths (globs, relative to this file) not checked
//! fail-on = "warning"                   # default for `aftercare lens --fail-on`
//!
//! [rules.root-cause]
//! enabled = true
//! severity = "warning"
//! terms = ["RCA"]                       # extra phrases this rule reports
//! ```

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

use crate::{Rule, Severity, UnknownRule};

/// A configuration problem; the message names the offending key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid lens config: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("invalid lens config: {0}")]
    UnknownRule(#[from] UnknownRule),
    #[error("invalid lens config: rule `{rule}` has an empty extra term")]
    EmptyTerm { rule: Rule },
    #[error("invalid lens config: skip pattern `{pattern}`: {reason}")]
    Skip { pattern: String, reason: String },
}

/// How one rule behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleConfig {
    pub enabled: bool,
    pub severity: Severity,
    /// Extra phrases (matched whole-word, case-insensitively) reported under this rule.
    pub terms: Vec<String>,
}

/// Everything the lens can be tuned with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    rules: BTreeMap<Rule, RuleConfig>,
    /// Names of people (full names or first names) for the blame-naming rule.
    pub names: Vec<String>,
    /// Path globs the command skips; kept here so one file configures both.
    pub skip: Vec<String>,
    /// The command's default `--fail-on`.
    pub fail_on: Option<Severity>,
}

impl Default for Config {
    fn default() -> Self {
        let rules = Rule::ALL
            .into_iter()
            .map(|r| {
                (
                    r,
                    RuleConfig {
                        enabled: true,
                        severity: r.default_severity(),
                        terms: Vec::new(),
                    },
                )
            })
            .collect();
        Config {
            rules,
            names: Vec::new(),
            skip: Vec::new(),
            fail_on: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    skip: Vec<String>,
    fail_on: Option<Severity>,
    #[serde(default)]
    rules: BTreeMap<String, RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    enabled: Option<bool>,
    severity: Option<Severity>,
    #[serde(default)]
    terms: Vec<String>,
}

impl Config {
    /// Parses the contents of a `.aftercare-lens.toml`.
    pub fn from_toml_str(s: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(s)?;
        let mut config = Config {
            names: raw.names,
            skip: raw.skip,
            fail_on: raw.fail_on,
            ..Config::default()
        };
        for pattern in &config.skip {
            glob_regex(pattern).map_err(|e| ConfigError::Skip {
                pattern: pattern.clone(),
                reason: e.to_string(),
            })?;
        }
        for (key, raw_rule) in raw.rules {
            let rule: Rule = key.parse()?;
            if raw_rule.terms.iter().any(|t| t.trim().is_empty()) {
                return Err(ConfigError::EmptyTerm { rule });
            }
            let entry = config.rule_mut(rule);
            if let Some(enabled) = raw_rule.enabled {
                entry.enabled = enabled;
            }
            if let Some(severity) = raw_rule.severity {
                entry.severity = severity;
            }
            entry.terms = raw_rule.terms;
        }
        Ok(config)
    }

    /// Adds people's names (from `--names`, or the server's people directory).
    pub fn with_names<I, S>(mut self, names: I) -> Config
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.names.extend(
            names
                .into_iter()
                .map(Into::into)
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty() && !n.starts_with('#')),
        );
        self
    }

    pub fn rule(&self, rule: Rule) -> &RuleConfig {
        // Every rule is inserted by `Default`, and nothing removes entries.
        static FALLBACK: RuleConfig = RuleConfig {
            enabled: true,
            severity: Severity::Warning,
            terms: Vec::new(),
        };
        self.rules.get(&rule).unwrap_or(&FALLBACK)
    }

    pub fn rule_mut(&mut self, rule: Rule) -> &mut RuleConfig {
        self.rules.entry(rule).or_insert_with(|| RuleConfig {
            enabled: true,
            severity: rule.default_severity(),
            terms: Vec::new(),
        })
    }

    /// The `skip` globs, compiled. Patterns that do not compile (only possible when `skip` was
    /// set by hand rather than parsed) are left out.
    pub fn skip_matcher(&self) -> SkipMatcher {
        SkipMatcher {
            patterns: self
                .skip
                .iter()
                .filter_map(|g| glob_regex(g).ok())
                .collect(),
        }
    }

    /// Switches a rule on or off.
    pub fn set_enabled(&mut self, rule: Rule, enabled: bool) {
        self.rule_mut(rule).enabled = enabled;
    }
}

/// Decides whether a path (relative to the config file's folder, `/`-separated) is skipped.
#[derive(Debug, Clone, Default)]
pub struct SkipMatcher {
    patterns: Vec<Regex>,
}

impl SkipMatcher {
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn is_match(&self, relative_path: &str) -> bool {
        let p = relative_path.trim_start_matches("./");
        self.patterns.iter().any(|re| re.is_match(p))
    }
}

/// A gitignore-like glob: `*` within a path segment, `**` across segments, `?` one character;
/// a pattern also matches everything under a folder it names.
fn glob_regex(glob: &str) -> Result<Regex, regex::Error> {
    let glob = glob.trim().trim_start_matches("./");
    let mut re = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if chars.get(i + 2) == Some(&'/') {
                    re.push_str("(?:.*/)?");
                    i += 3;
                } else {
                    re.push_str(".*");
                    i += 2;
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push_str("(?:/.*)?$");
    Regex::new(&re)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_names_and_skip() {
        let c = Config::from_toml_str(
            "names = ['Alice Example']\nskip = ['drafts/**']\nfail-on = 'error'\n\
             [rules.root-cause]\nenabled = false\n[rules.punitive]\nseverity = 'warning'\nterms = ['written up']\n",
        )
        .unwrap();
        assert!(!c.rule(Rule::RootCause).enabled);
        assert_eq!(c.rule(Rule::Punitive).severity, Severity::Warning);
        assert_eq!(c.rule(Rule::Punitive).terms, vec!["written up".to_string()]);
        assert_eq!(c.names, vec!["Alice Example".to_string()]);
        assert_eq!(c.skip, vec!["drafts/**".to_string()]);
        assert_eq!(c.fail_on, Some(Severity::Error));
    }

    #[test]
    fn rejects_unknown_rule_and_key() {
        let e = Config::from_toml_str("[rules.blame]\nenabled = false\n").unwrap_err();
        assert!(e.to_string().contains("blame"), "{e}");
        assert!(Config::from_toml_str("colour = 1\n").is_err());
        assert!(Config::from_toml_str("[rules.punitive]\nseverity = 'fatal'\n").is_err());
    }

    #[test]
    fn skip_globs_match_like_gitignore() {
        let m = |g: &str, p: &str| {
            let c = Config {
                skip: vec![g.to_string()],
                ..Config::default()
            };
            c.skip_matcher().is_match(p)
        };
        assert!(m("drafts/**", "drafts/a/b.md"));
        assert!(m("drafts", "drafts/a.md"));
        assert!(m("*.txt", "notes.txt"));
        assert!(!m("*.txt", "dir/notes.txt"));
        assert!(m("**/*.txt", "dir/notes.txt"));
        assert!(m("CHANGELOG.md", "CHANGELOG.md"));
        assert!(!m("CHANGELOG.md", "docs/CHANGELOG.md"));
    }

    #[test]
    fn with_names_skips_blanks_and_comments() {
        let c = Config::default().with_names(["Sam", " ", "# comment", "Priya Raman"]);
        assert_eq!(c.names, vec!["Sam".to_string(), "Priya Raman".to_string()]);
    }
}
