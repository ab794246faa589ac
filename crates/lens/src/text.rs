//! Lines, sentences and words over the masked text.

use std::borrow::Cow;
use std::ops::Range;

use crate::Position;

/// Maps byte offsets to 1-based line and column (columns count Unicode scalar values).
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        Position { line, column }
    }
}

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "etc", "vs", "cf", "approx", "mr", "mrs", "ms", "dr", "st", "no",
    "fig", "al", "inc", "ltd", "resp", "est",
];

/// Splits `masked[range]` into sentence ranges. Line breaks end a sentence only when the next line
/// looks like a new one, so hard-wrapped prose stays whole while chat logs and timelines split.
pub(crate) fn sentences(masked: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let bytes = masked.as_bytes();
    let mut start = range.start;
    let mut i = range.start;
    let end = range.end.min(bytes.len());
    while i < end {
        // Only these bytes can end a sentence; skip to the next one.
        match bytes[i..end]
            .iter()
            .position(|b| matches!(b, b'.' | b'!' | b'?' | b'\n'))
        {
            Some(k) => i += k,
            None => break,
        }
        let b = bytes[i];
        let split_at = match b {
            b'.' | b'!' | b'?' => {
                let mut j = i + 1;
                while j < end && matches!(bytes[j], b'.' | b'!' | b'?') {
                    j += 1;
                }
                // Closing quotes, brackets and emphasis belong to the sentence they close.
                while j < end {
                    if matches!(bytes[j], b'"' | b')' | b']' | b'*' | b'_' | b'\'') {
                        j += 1;
                    } else if masked[j..].starts_with('\u{201d}')
                        || masked[j..].starts_with('\u{2019}')
                    {
                        j += 3;
                    } else {
                        break;
                    }
                }
                let at_space = j >= end || bytes[j].is_ascii_whitespace();
                let not_an_end = b == b'.'
                    && (is_abbreviation(masked, range.start, i) || next_is_lower(bytes, j, end));
                (at_space && !not_an_end).then_some(j)
            }
            b'\n' => {
                if new_line_starts_sentence(bytes, i, end) {
                    Some(i)
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(j) = split_at {
            push_trimmed(masked, start..j, out);
            start = j;
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    push_trimmed(masked, start..end, out);
}

fn push_trimmed(masked: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let Some(s) = masked.get(r.clone()) else {
        return;
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

fn is_abbreviation(masked: &str, floor: usize, dot: usize) -> bool {
    let bytes = masked.as_bytes();
    let mut k = dot;
    while k > floor && (bytes[k - 1].is_ascii_alphabetic() || bytes[k - 1] == b'.') {
        k -= 1;
    }
    let word = masked.get(k..dot).unwrap_or_default().to_ascii_lowercase();
    ABBREVIATIONS.contains(&word.as_str()) || (word.len() == 1 && dot > k)
}

fn next_is_lower(bytes: &[u8], mut j: usize, end: usize) -> bool {
    while j < end && bytes[j] == b' ' {
        j += 1;
    }
    j < end && bytes[j].is_ascii_lowercase()
}

fn new_line_starts_sentence(bytes: &[u8], nl: usize, end: usize) -> bool {
    let mut p = nl;
    while p > 0 && matches!(bytes[p - 1], b' ' | b'\t' | b'\r') {
        p -= 1;
    }
    if p > 0 && matches!(bytes[p - 1], b':' | b'\n') {
        return true;
    }
    let mut j = nl + 1;
    while j < end && matches!(bytes[j], b' ' | b'\t' | b'>') {
        j += 1;
    }
    if j >= end {
        return true;
    }
    let c = bytes[j];
    c.is_ascii_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            b'(' | b'[' | b'@' | b'-' | b'*' | b'+' | b'|' | b'#' | b'\n'
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Handle,
    Punct,
}

#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    pub start: usize,
    pub end: usize,
    /// Lower case (ASCII letters), with typographic apostrophes made straight.
    pub lower: Cow<'a, str>,
    pub kind: Kind,
    /// The first character is upper case in the text.
    pub cap: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Words, @handles and single punctuation marks of one sentence. `lower` is `masked` with ASCII
/// letters lower-cased (same byte offsets); tokens borrow from it.
pub(crate) fn tokenize<'a>(masked: &str, lower: &'a str, range: Range<usize>) -> Vec<Token<'a>> {
    let mut out = Vec::with_capacity(range.len() / 5 + 4);
    let Some(s) = masked.get(range.clone()) else {
        return out;
    };
    let base = range.start;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let handle = c == '@' && it.peek().is_some_and(|(_, n)| is_word_char(*n));
        if is_word_char(c) || handle {
            let mut end = i + c.len_utf8();
            let mut prev = c;
            while let Some(&(j, n)) = it.peek() {
                let joiner = matches!(n, '\'' | '\u{2019}' | '-' | '.')
                    || (handle && matches!(n, '-' | '_'));
                if is_word_char(n) {
                    it.next();
                    end = j + n.len_utf8();
                    prev = n;
                } else if joiner && is_word_char(prev) {
                    let after = s[j + n.len_utf8()..].chars().next();
                    if after.is_some_and(is_word_char) {
                        it.next();
                        end = j + n.len_utf8();
                        prev = n;
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let low = &lower[base + i..base + end];
            let lower: Cow<'a, str> = if low.is_ascii() {
                Cow::Borrowed(low)
            } else {
                Cow::Owned(low.to_lowercase().replace('\u{2019}', "'"))
            };
            out.push(Token {
                start: base + i,
                end: base + end,
                cap: c.is_uppercase(),
                lower,
                kind: if handle { Kind::Handle } else { Kind::Word },
            });
        } else {
            out.push(Token {
                start: base + i,
                end: base + i + c.len_utf8(),
                lower: Cow::Borrowed(&lower[base + i..base + i + c.len_utf8()]),
                kind: Kind::Punct,
                cap: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        sentences(s, 0..s.len(), &mut out);
        out.into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn splits_sentences_but_not_abbreviations_or_wrapped_lines() {
        assert_eq!(
            split("It broke, e.g. twice. Then it\nrecovered! Why? ok"),
            vec!["It broke, e.g. twice.", "Then it\nrecovered!", "Why?", "ok"]
        );
        assert_eq!(
            split("first line\nSecond line"),
            vec!["first line", "Second line"]
        );
        assert_eq!(split("v1.24.0 shipped."), vec!["v1.24.0 shipped."]);
    }

    #[test]
    fn tokens_keep_contractions_hyphens_and_handles() {
        let s = "The on-call shouldn’t have @dchen-ops, root-caused.";
        let low = s.to_ascii_lowercase();
        let t: Vec<String> = tokenize(s, &low, 0..s.len())
            .into_iter()
            .map(|t| t.lower.into_owned())
            .collect();
        assert_eq!(
            t,
            vec![
                "the",
                "on-call",
                "shouldn't",
                "have",
                "@dchen-ops",
                ",",
                "root-caused",
                "."
            ]
        );
    }

    #[test]
    fn positions_are_one_based_in_characters() {
        let s = "ab\n“é” x";
        let li = LineIndex::new(s);
        assert_eq!(li.position(s, 0), Position { line: 1, column: 1 });
        let x = s.find('x').unwrap();
        assert_eq!(li.position(s, x), Position { line: 2, column: 5 });
    }
}
