//! Renderers for findings: compiler-style text, JSON, SARIF 2.1.0 and GitHub workflow
//! annotations. A [`Reporter`] is fed one file at a time so a caller can stream output for any
//! number of files in bounded memory.

use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;
use serde_json::{Value, json};

use crate::{Finding, Rule, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (expected text, json, sarif or github)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "github" => Ok(Format::Github),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// Streams one report over many files: `begin`, then `file` per file, then `end`.
#[derive(Debug)]
pub struct Reporter {
    format: Format,
    written: usize,
    files_with_findings: usize,
    by_severity: [usize; 3],
}

impl Reporter {
    pub fn new(format: Format) -> Reporter {
        Reporter {
            format,
            written: 0,
            files_with_findings: 0,
            by_severity: [0; 3],
        }
    }

    pub fn begin(&mut self) -> String {
        match self.format {
            Format::Json => "[".to_string(),
            Format::Sarif => sarif_head(),
            Format::Text | Format::Github => String::new(),
        }
    }

    /// Renders the findings of one file. `text` is the file's content, for source lines.
    pub fn file(&mut self, path: &str, text: &str, findings: &[Finding]) -> String {
        let mut out = String::new();
        if !findings.is_empty() {
            self.files_with_findings += 1;
        }
        for f in findings {
            self.by_severity[f.severity as usize] += 1;
            let sep = if self.written == 0 { "\n" } else { ",\n" };
            match self.format {
                Format::Text => out.push_str(&text_finding(path, text, f)),
                Format::Json => {
                    out.push_str(sep);
                    json_finding(path, f, &mut out);
                }
                Format::Sarif => {
                    out.push_str(sep);
                    out.push_str(&sarif_result(path, f).to_string());
                }
                Format::Github => out.push_str(&github_finding(path, f)),
            }
            self.written += 1;
        }
        out
    }

    pub fn end(&mut self) -> String {
        match self.format {
            Format::Json => {
                if self.written == 0 {
                    "]\n".to_string()
                } else {
                    "\n]\n".to_string()
                }
            }
            Format::Sarif => "\n]}]}\n".to_string(),
            Format::Text => {
                if self.written == 0 {
                    "lens: no findings\n".to_string()
                } else {
                    let [info, warning, error] = self.by_severity;
                    format!(
                        "lens: {} finding{} in {} file{} ({error} error, {warning} warning, {info} info)\n",
                        self.written,
                        if self.written == 1 { "" } else { "s" },
                        self.files_with_findings,
                        if self.files_with_findings == 1 {
                            ""
                        } else {
                            "s"
                        },
                    )
                }
            }
            Format::Github => String::new(),
        }
    }

    pub fn findings_written(&self) -> usize {
        self.written
    }
}

/// Renders a whole report at once (for tests and small inputs).
pub fn render(format: Format, files: &[(&str, &str, &[Finding])]) -> String {
    let mut r = Reporter::new(format);
    let mut out = r.begin();
    for (path, text, findings) in files {
        out.push_str(&r.file(path, text, findings));
    }
    out.push_str(&r.end());
    out
}

fn text_finding(path: &str, text: &str, f: &Finding) -> String {
    let line = text.lines().nth(f.start.line - 1).unwrap_or_default();
    let shown: String = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let width = shown.chars().count();
    let from = f.start.column.saturating_sub(1).min(width);
    let to = if f.end.line == f.start.line {
        (f.end.column - 1).min(width)
    } else {
        width
    };
    let carets = "^".repeat(to.saturating_sub(from).max(1));
    let num = f.start.line.to_string();
    let pad = " ".repeat(num.len());
    let mut out = String::new();
    let _ = writeln!(out, "{}[{}]: {}", f.severity, f.rule, f.rule.title());
    let _ = writeln!(out, "{pad}--> {path}:{}:{}", f.start.line, f.start.column);
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{num} | {shown}");
    let _ = writeln!(out, "{pad} | {}{carets}", " ".repeat(from));
    let _ = writeln!(out, "{pad} = why: {}", f.why);
    let _ = writeln!(out, "{pad} = try: {}", f.suggestion);
    out.push('\n');
    out
}

/// One finding as JSON: the `Finding` fields plus `path`, keys in alphabetical order (the order
/// the report has always had, from a `serde_json::Value` map). Serialised directly rather than
/// through a `Value`, which cost more than the rest of the report.
#[derive(Serialize)]
struct JsonFinding<'a> {
    end: JsonPosition,
    matched: &'a str,
    path: &'a str,
    rule: Rule,
    severity: Severity,
    start: JsonPosition,
    suggestion: &'a str,
    why: &'a str,
}

#[derive(Serialize)]
struct JsonPosition {
    column: usize,
    line: usize,
}

fn json_finding(path: &str, f: &Finding, out: &mut String) {
    let pos = |p: crate::Position| JsonPosition {
        column: p.column,
        line: p.line,
    };
    let finding = JsonFinding {
        end: pos(f.end),
        matched: &f.matched,
        path,
        rule: f.rule,
        severity: f.severity,
        start: pos(f.start),
        suggestion: &f.suggestion,
        why: &f.why,
    };
    // Serialising plain strings, numbers and unit enums cannot fail.
    if let Ok(json) = serde_json::to_string(&finding) {
        out.push_str(&json);
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif_head() -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": r.id(),
                "shortDescription": {"text": r.title()},
                "fullDescription": {"text": r.why()},
                "help": {"text": crate::rules::suggestion_for(*r)},
                "defaultConfiguration": {"level": sarif_level(r.default_severity())},
                "properties": {"tags": ["blameless", "incident-review"]}
            })
        })
        .collect();
    let run = json!({
        "tool": {"driver": {
            "name": "aftercare-lens",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/aftercare/aftercare/blob/main/docs/lens.md",
            "rules": rules
        }},
        "columnKind": "unicodeCodePoints"
    });
    let run = run.to_string();
    // Leave the run object open so results can be streamed into it.
    let open_run = run.strip_suffix('}').unwrap_or(&run);
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{open_run},\"results\":["
    )
}

fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn sarif_result(path: &str, f: &Finding) -> Value {
    let index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
    json!({
        "ruleId": f.rule.id(),
        "ruleIndex": index,
        "level": sarif_level(f.severity),
        "message": {"text": format!("\"{}\": {} Try: {}", f.matched, f.why, f.suggestion)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(path)},
                "region": {
                    "startLine": f.start.line,
                    "startColumn": f.start.column,
                    "endLine": f.end.line,
                    "endColumn": f.end.column,
                    "snippet": {"text": f.matched}
                }
            }
        }],
        "properties": {"suggestion": f.suggestion}
    })
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github_finding(path: &str, f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        escape_property(path),
        f.start.line,
        f.start.column,
        f.end.line,
        f.end.column,
        escape_property(&format!("lens {}: {}", f.rule, f.rule.title())),
        escape_data(&format!(
            "\"{}\": {} Try: {}",
            f.matched, f.why, f.suggestion
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lens;

    #[test]
    fn text_shows_line_and_caret() {
        let text = "# Review\n\nThe DBA forgot to re-enable autovacuum.\n";
        let f = Lens::default().check(text);
        let out = render(Format::Text, &[("r.md", text, &f)]);
        assert!(out.contains("--> r.md:3:9"), "{out}");
        assert!(
            out.contains("3 | The DBA forgot to re-enable autovacuum."),
            "{out}"
        );
        assert!(out.contains("  |         ^^^^^^"), "{out}");
    }

    #[test]
    fn json_is_an_array_with_paths() {
        let text = "The root cause was DNS.";
        let f = Lens::default().check(text);
        let v: Value = serde_json::from_str(&render(Format::Json, &[("a.md", text, &f)])).unwrap();
        assert_eq!(v[0]["path"], "a.md");
        assert_eq!(v[0]["rule"], "root-cause");
        assert_eq!(v[0]["start"]["line"], 1);
        let empty: Value = serde_json::from_str(&render(Format::Json, &[])).unwrap();
        assert_eq!(empty, json!([]));
    }

    #[test]
    fn github_annotations_escape_properties_and_data() {
        let text = "Root cause: a, b\n";
        let f = Lens::default().check(text);
        let out = render(Format::Github, &[("dir/a,b.md", text, &f)]);
        assert!(
            out.starts_with("::notice file=dir/a%2Cb.md,line=1,col=1,endLine=1,endColumn=11,title=lens root-cause%3A "),
            "{out}"
        );
        assert_eq!(out.lines().count(), 1);
    }

    #[test]
    fn sarif_streams_into_one_valid_document() {
        let text = "Why did you push?\n";
        let f = Lens::default().check(text);
        let out = render(Format::Sarif, &[("a b.md", text, &f), ("c.md", "", &[])]);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "why-question");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20b.md"
        );
    }
}
