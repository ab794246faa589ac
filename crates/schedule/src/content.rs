//! RFC 5545 §3.1: unfolding physical lines into content lines and splitting a content line into
//! name, parameters and value.

use crate::{Limit, ScheduleError, limits};

/// One unfolded content line. `line` is the 1-based physical line it starts on, which is what a
/// person opening the file in an editor needs to find it.
#[derive(Debug, Clone)]
pub(crate) struct ContentLine {
    pub line: usize,
    /// Upper-cased: property names are case-insensitive (RFC 5545 §2).
    pub name: String,
    /// Names upper-cased, values unquoted and RFC 6868-decoded; a multi-valued parameter keeps its
    /// commas, since none of the parameters read here is multi-valued.
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl ContentLine {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Unfolds `text` and parses every non-blank content line.
///
/// Accepts CRLF (what RFC 5545 requires) and bare LF (what many generators and editors produce),
/// and a continuation line starting with either a space or a tab. Exactly one leading whitespace
/// character is removed, because folding inserts exactly one.
///
/// Refuses more than [`limits::MAX_LINES`] physical lines and a content line longer than
/// [`limits::MAX_LINE_BYTES`] once unfolded.
pub(crate) fn content_lines(text: &str) -> Result<Vec<ContentLine>, ScheduleError> {
    // A UTF-8 byte order mark is not part of the first property name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        if number > limits::MAX_LINES {
            return Err(ScheduleError::TooLarge {
                line: number,
                limit: Limit::Lines(limits::MAX_LINES),
            });
        }
        let physical = raw.strip_suffix('\r').unwrap_or(raw);
        let too_long = |line: usize| ScheduleError::TooLarge {
            line,
            limit: Limit::LineBytes(limits::MAX_LINE_BYTES),
        };
        if let Some(rest) = physical
            .strip_prefix(' ')
            .or_else(|| physical.strip_prefix('\t'))
        {
            match logical.last_mut() {
                Some((start, current)) => {
                    if current.len() + rest.len() > limits::MAX_LINE_BYTES {
                        return Err(too_long(*start));
                    }
                    current.push_str(rest)
                }
                None => {
                    return Err(ScheduleError::Syntax {
                        line: number,
                        message: "continuation line (starting with a space or tab) with no line before it to continue".into(),
                    });
                }
            }
        } else if physical.len() > limits::MAX_LINE_BYTES {
            return Err(too_long(number));
        } else {
            logical.push((number, physical.to_owned()));
        }
    }
    logical
        .into_iter()
        // Blank lines are not content lines; some feeds end with one, and tolerating them costs
        // nothing because a blank line cannot be mistaken for a property.
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(line, l)| parse_content_line(line, &l))
        .collect()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// `name *(";" param) ":" value` (RFC 5545 §3.1). Parameter values may be quoted, and a quoted
/// value may contain `:`, `;` and `,`, so this is a small scanner rather than a `split(':')`.
fn parse_content_line(line: usize, text: &str) -> Result<ContentLine, ScheduleError> {
    let syntax = |message: String| ScheduleError::Syntax { line, message };
    let name_end = text.find(|c: char| !is_name_char(c)).unwrap_or(text.len());
    let name = &text[..name_end];
    if name.is_empty() {
        return Err(syntax(format!(
            "expected a property NAME:VALUE, found {:?}",
            shorten(text)
        )));
    }
    let name = name.to_ascii_uppercase();
    let mut rest = &text[name_end..];
    let mut params = Vec::new();
    loop {
        match rest.chars().next() {
            Some(':') => {
                return Ok(ContentLine {
                    line,
                    name,
                    params,
                    value: rest[1..].to_owned(),
                });
            }
            Some(';') => {
                rest = &rest[1..];
                let pname_end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                let pname = &rest[..pname_end];
                rest = &rest[pname_end..];
                let Some(after_eq) = rest.strip_prefix('=').filter(|_| !pname.is_empty()) else {
                    return Err(syntax(format!(
                        "{name}: malformed parameter (expected ;NAME=VALUE) in {:?}",
                        shorten(text)
                    )));
                };
                rest = after_eq;
                let mut values: Vec<String> = Vec::new();
                loop {
                    if let Some(quoted) = rest.strip_prefix('"') {
                        let Some(close) = quoted.find('"') else {
                            return Err(syntax(format!(
                                "{name}: unterminated quoted value of parameter {pname}"
                            )));
                        };
                        values.push(decode_param(&quoted[..close]));
                        rest = &quoted[close + 1..];
                    } else {
                        let end = rest.find([',', ';', ':', '"']).unwrap_or(rest.len());
                        values.push(decode_param(&rest[..end]));
                        rest = &rest[end..];
                    }
                    match rest.strip_prefix(',') {
                        Some(more) => rest = more,
                        None => break,
                    }
                }
                params.push((pname.to_ascii_uppercase(), values.join(",")));
            }
            _ => {
                return Err(syntax(format!(
                    "{name}: expected ':' before the value in {:?}",
                    shorten(text)
                )));
            }
        }
    }
}

/// RFC 6868 caret escapes in parameter values: `^n` newline, `^^` caret, `^'` double quote.
fn decode_param(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.clone().next() {
            Some('n') | Some('N') => {
                chars.next();
                out.push('\n');
            }
            Some('^') => {
                chars.next();
                out.push('^');
            }
            Some('\'') => {
                chars.next();
                out.push('"');
            }
            // RFC 6868: a caret followed by anything else is kept as it is.
            _ => out.push('^'),
        }
    }
    out
}

/// RFC 5545 §3.3.11 TEXT unescaping (`\\`, `\;`, `\,`, `\n`/`\N`), for SUMMARY, DESCRIPTION and
/// friends: a PagerDuty user called "Lee, Jordan" arrives as `Lee\, Jordan`.
pub(crate) fn unescape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') | Some('N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Keeps error messages readable when the offending line is, say, a minified HTML page.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_parameter_values_may_hold_colons_and_semicolons() {
        let l = parse_content_line(
            3,
            r#"ATTENDEE;CN="Lee; Jordan: SRE";ROLE=REQ-PARTICIPANT:mailto:j@example.com"#,
        )
        .unwrap();
        assert_eq!(l.name, "ATTENDEE");
        assert_eq!(l.param("CN"), Some("Lee; Jordan: SRE"));
        assert_eq!(l.param("ROLE"), Some("REQ-PARTICIPANT"));
        assert_eq!(l.value, "mailto:j@example.com");
    }

    #[test]
    fn names_and_parameter_names_are_case_insensitive() {
        let l = parse_content_line(1, "dtStart;tzid=Europe/London:20260105T090000").unwrap();
        assert_eq!(l.name, "DTSTART");
        assert_eq!(l.param("TZID"), Some("Europe/London"));
    }

    #[test]
    fn rfc6868_and_text_escapes() {
        assert_eq!(decode_param("a^'b^'^^^nc^x"), "a\"b\"^\nc^x");
        assert_eq!(
            unescape_text(r"Lee\, Jordan\; x\\y\nz\"),
            "Lee, Jordan; x\\y\nz\\"
        );
    }

    #[test]
    fn unfolding_keeps_the_starting_line_number() {
        let lines = content_lines("A:1\r\nB:2\r\n 3\r\n\t4\r\n\r\nC:5").unwrap();
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.line, l.name.as_str(), l.value.as_str()))
            .collect();
        assert_eq!(got, vec![(1, "A", "1"), (2, "B", "234"), (6, "C", "5")]);
    }
}
