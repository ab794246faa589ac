//! Renderers for findings: compiler-style text, JSON, SARIF 2.1.0 and GitHub workflow
//! annotations. A [`Reporter`] is fed one file at a time so a caller can stream output for any
//! number of files in bounded memory.

use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;
use serde_json::{Value, json};

use crate::{Finding, Position, Rule, Severity};

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
    /// The file being reported (in parts) has had a finding.
    this_file: bool,
}

impl Reporter {
    pub fn new(format: Format) -> Reporter {
        Reporter {
            format,
            written: 0,
            files_with_findings: 0,
            by_severity: [0; 3],
            this_file: false,
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
        let out = self.part(path, text, Position { line: 1, column: 1 }, findings);
        self.file_done();
        out
    }

    /// Renders the findings of one part of a file checked in parts ([`crate::Part`]): `text` is
    /// the part, starting at `start` in the file. Call [`Reporter::file_done`] after its last.
    pub fn part(
        &mut self,
        path: &str,
        text: &str,
        start: Position,
        findings: &[Finding],
    ) -> String {
        let mut out = String::new();
        if !findings.is_empty() {
            self.this_file = true;
        }
        let mut source = Source::new(text, start);
        for f in findings {
            self.by_severity[f.severity as usize] += 1;
            let sep = if self.written == 0 { "\n" } else { ",\n" };
            match self.format {
                Format::Text => text_finding(path, &mut source, f, &mut out),
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

    /// The file reported in parts is done.
    pub fn file_done(&mut self) {
        if std::mem::take(&mut self.this_file) {
            self.files_with_findings += 1;
        }
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

/// Lines wider than this are shown as a window of this many characters around the finding.
const SHOWN: usize = 160;
/// Characters shown before the finding in such a window.
const BEFORE: usize = 40;

/// The source lines of one text (or part of one), walked forward as findings come in order:
/// each line is found and measured once, and a long line is read once however many findings
/// it has, so the text report costs time linear in the text.
struct Source<'a> {
    text: &'a str,
    /// Where `text` starts in the file: its line, and the characters before it on that line.
    first_line: usize,
    first_shift: usize,
    /// The current line: its number in the file, its byte range in `text` (without its line
    /// break) and its width in characters.
    line: usize,
    start: usize,
    end: usize,
    width: Option<usize>,
    /// A point in the current line: a byte offset and the characters before it on the line.
    at: usize,
    at_col: usize,
}

impl<'a> Source<'a> {
    fn new(text: &'a str, start: Position) -> Source<'a> {
        let mut s = Source {
            text,
            first_line: start.line,
            first_shift: start.column.saturating_sub(1),
            line: start.line,
            start: 0,
            end: 0,
            width: None,
            at: 0,
            at_col: 0,
        };
        s.measure();
        s
    }

    fn measure(&mut self) {
        let bytes = self.text.as_bytes();
        let mut end =
            memchr::memchr(b'\n', &bytes[self.start..]).map_or(bytes.len(), |k| self.start + k);
        if end > self.start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.end = end;
        self.width = None;
        self.at = self.start;
        self.at_col = 0;
    }

    /// Moves to line `line` of the file (an empty line past the end of the text).
    fn seek(&mut self, line: usize) {
        if line < self.line {
            *self = Source::new(
                self.text,
                Position {
                    line: self.first_line,
                    column: self.first_shift + 1,
                },
            );
        }
        let bytes = self.text.as_bytes();
        while self.line < line {
            match memchr::memchr(b'\n', &bytes[self.end..]) {
                Some(k) => self.start = self.end + k + 1,
                None => self.start = bytes.len(),
            }
            self.line += 1;
            self.measure();
        }
    }

    /// The 0-based column in the current line's text of a column of the file.
    fn local(&self, column: usize) -> usize {
        let shift = if self.line == self.first_line {
            self.first_shift
        } else {
            0
        };
        column.saturating_sub(1 + shift)
    }

    fn width(&mut self) -> usize {
        *self
            .width
            .get_or_insert_with(|| self.text[self.start..self.end].chars().count())
    }

    /// The byte offset of 0-based column `col` of the current line (its end if past it).
    /// Cheap when columns come in order.
    fn byte_of(&mut self, col: usize) -> usize {
        if col < self.at_col {
            self.at = self.start;
            self.at_col = 0;
        }
        let line = &self.text[self.at..self.end];
        let ahead = col - self.at_col;
        let len = line
            .char_indices()
            .nth(ahead)
            .map_or(line.len(), |(b, _)| b);
        self.at += len;
        self.at_col += line[..len].chars().count();
        self.at
    }
}

fn text_finding(path: &str, source: &mut Source<'_>, f: &Finding, out: &mut String) {
    source.seek(f.start.line);
    let width = source.width();
    let from = source.local(f.start.column).min(width);
    let to = if f.end.line == f.start.line {
        source.local(f.end.column).min(width)
    } else {
        width
    };
    let untab =
        |s: &str| -> String { s.chars().map(|c| if c == '\t' { ' ' } else { c }).collect() };
    let (shown, from, to) = if width <= SHOWN {
        (untab(&source.text[source.start..source.end]), from, to)
    } else {
        // A long line: a window around the finding, with an ellipsis where the line goes on.
        let first = from.saturating_sub(BEFORE);
        let last = (first + SHOWN).min(width);
        let b = source.byte_of(first);
        let line = &source.text[b..source.end];
        let e = line
            .char_indices()
            .nth(last - first)
            .map_or(line.len(), |(k, _)| k);
        let lead = usize::from(first > 0);
        let mut shown = String::with_capacity(e + 8);
        if first > 0 {
            shown.push('\u{2026}');
        }
        shown.push_str(&untab(&line[..e]));
        if last < width {
            shown.push('\u{2026}');
        }
        (
            shown,
            from - first + lead,
            to.min(last).max(from) - first + lead,
        )
    };
    let carets = "^".repeat(to.saturating_sub(from).max(1));
    let num = f.start.line.to_string();
    let pad = " ".repeat(num.len());
    let _ = writeln!(out, "{}[{}]: {}", f.severity, f.rule, f.rule.title());
    let _ = writeln!(out, "{pad}--> {path}:{}:{}", f.start.line, f.start.column);
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{num} | {shown}");
    let _ = writeln!(out, "{pad} | {}{carets}", " ".repeat(from));
    let _ = writeln!(out, "{pad} = why: {}", f.why);
    let _ = writeln!(out, "{pad} = try: {}", f.suggestion);
    out.push('\n');
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
    let pos = |p: Position| JsonPosition {
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
