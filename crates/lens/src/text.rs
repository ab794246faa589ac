//! Lines, sentences and words over the masked text.

use std::borrow::Cow;
use std::ops::Range;

use crate::Position;

/// Maps byte offsets to 1-based line and column (columns count Unicode scalar values).
///
/// A cursor rather than a table of every line start: findings come in order, so counting the
/// newlines, and the characters of the current line, between one finding and the next costs
/// time linear in the text however many findings there are, even on one very long line.
#[derive(Clone)]
pub(crate) struct LineCursor<'a> {
    text: &'a str,
    /// Offsets up to here have been counted: `line` is the line of `offset`, starting at
    /// `line_start`, and `column` characters lie between `line_start` and `offset`.
    offset: usize,
    line: usize,
    line_start: usize,
    column: usize,
}

impl<'a> LineCursor<'a> {
    pub fn new(text: &'a str) -> LineCursor<'a> {
        LineCursor {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
            column: 0,
        }
    }

    /// The position of `offset`, moving the cursor there. Cheap when offsets come in order; an
    /// earlier offset counts again from the start of the text.
    pub fn position(&mut self, offset: usize) -> Position {
        let bytes = self.text.as_bytes();
        if offset < self.offset {
            *self = LineCursor::new(self.text);
        }
        let to = offset.min(bytes.len());
        // Only a char boundary can be counted to; the cursor stays where it was otherwise.
        if to > self.offset && self.text.is_char_boundary(to) {
            let between = &bytes[self.offset..to];
            let counted_from = match memchr::memrchr(b'\n', between) {
                Some(last) => {
                    self.line += memchr::memchr_iter(b'\n', between).count();
                    self.line_start = self.offset + last + 1;
                    self.column = 0;
                    self.line_start
                }
                None => self.offset,
            };
            self.column += self.text[counted_from..to].chars().count();
            self.offset = to;
        }
        let column = if offset == self.offset {
            self.column
        } else {
            self.text
                .get(self.line_start..offset)
                .map_or(0, |s| s.chars().count())
        } + 1;
        Position {
            line: self.line,
            column,
        }
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
    // Only `.`, `!`, `?` and line breaks can end a sentence. The next of each kind is found with
    // memchr and remembered until passed: far fewer steps than testing every byte.
    let (mut next_mark, mut next_line) = (None, None);
    while i < end {
        let find = |at: &mut Option<usize>, search: &dyn Fn(&[u8]) -> Option<usize>| {
            if at.is_none_or(|p| p < i) {
                *at = Some(search(&bytes[i..end]).map_or(end, |k| i + k));
            }
            at.unwrap_or(end)
        };
        let mark = find(&mut next_mark, &|h| memchr::memchr3(b'.', b'!', b'?', h));
        let line = find(&mut next_line, &|h| memchr::memchr(b'\n', h));
        i = mark.min(line);
        if i >= end {
            break;
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
    // Compared without lower-casing into a new string: this runs at every full stop.
    let word = masked.get(k..dot).unwrap_or_default();
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word)) || (word.len() == 1 && dot > k)
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

/// The character starting at byte `i` (a char boundary). Reviews are almost all ASCII, so the
/// byte itself answers without UTF-8 decoding in nearly every call.
#[inline]
fn char_at(s: &str, i: usize) -> char {
    match s.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => b as char,
        Some(_) => s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER),
        None => char::REPLACEMENT_CHARACTER,
    }
}

/// `is_word_char` for an ASCII byte, by table: one load in the tokenizer's innermost loop.
#[inline]
fn is_ascii_word_byte(b: u8) -> bool {
    ASCII_WORD[usize::from(b)]
}

static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// Words, @handles and single punctuation marks of one sentence. `lower` is `masked` with ASCII
/// letters lower-cased (same byte offsets); tokens borrow from it.
///
/// This runs on every sentence with a cue, so it walks bytes: ASCII bytes are classified
/// directly, runs of ASCII word characters are consumed in a tight loop, and only non-ASCII
/// characters are decoded.
pub(crate) fn tokenize<'a>(masked: &str, lower: &'a str, range: Range<usize>) -> Vec<Token<'a>> {
    let mut out = Vec::with_capacity(range.len() / 5 + 4);
    let (Some(s), Some(low)) = (masked.get(range.clone()), lower.get(range.clone())) else {
        return out;
    };
    let bytes = s.as_bytes();
    let base = range.start;
    let len = s.len();
    let word_at = |k: usize| k < len && is_word_char(char_at(s, k));
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        let c = char_at(s, i);
        let c_end = i + c.len_utf8();
        // `char::is_whitespace` on ASCII is exactly these bytes.
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
            || (!b.is_ascii() && c.is_whitespace())
        {
            i = c_end;
            continue;
        }
        let handle = b == b'@' && word_at(c_end);
        if !(handle || is_ascii_word_byte(b) || (!b.is_ascii() && is_word_char(c))) {
            out.push(Token {
                start: base + i,
                end: base + c_end,
                lower: Cow::Borrowed(&low[i..c_end]),
                kind: Kind::Punct,
                cap: false,
            });
            i = c_end;
            continue;
        }
        let mut end = c_end;
        // Whether the last character taken is a word character (a joiner needs one on either
        // side).
        let mut prev_word = !handle;
        let mut ascii = b.is_ascii();
        while end < len {
            // The common case: a run of ASCII letters and digits, in a loop that does nothing else.
            let run = bytes[end..]
                .iter()
                .position(|&n| !is_ascii_word_byte(n))
                .unwrap_or(len - end);
            if run > 0 {
                end += run;
                prev_word = true;
                continue;
            }
            let n = bytes[end];
            if n.is_ascii() {
                // "on-call", "v1.2", "don't": a joiner between two word characters.
                if matches!(n, b'\'' | b'-' | b'.') && prev_word && word_at(end + 1) {
                    end += 1;
                    prev_word = false;
                } else {
                    break;
                }
            } else {
                let n = char_at(s, end);
                let n_end = end + n.len_utf8();
                if is_word_char(n) {
                    prev_word = true;
                } else if n == '\u{2019}' && prev_word && word_at(n_end) {
                    prev_word = false;
                } else {
                    break;
                }
                ascii = false;
                end = n_end;
            }
        }
        let word = &low[i..end];
        out.push(Token {
            start: base + i,
            end: base + end,
            cap: c.is_uppercase(),
            lower: if ascii {
                Cow::Borrowed(word)
            } else {
                Cow::Owned(word.to_lowercase().replace('\u{2019}', "'"))
            },
            kind: if handle { Kind::Handle } else { Kind::Word },
        });
        i = end;
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
        let mut li = LineCursor::new(s);
        assert_eq!(li.position(0), Position { line: 1, column: 1 });
        let x = s.find('x').unwrap();
        assert_eq!(li.position(x), Position { line: 2, column: 5 });
        // Back to an earlier offset, and past the end.
        assert_eq!(li.position(1), Position { line: 1, column: 2 });
        assert_eq!(li.position(s.len()), Position { line: 2, column: 6 });
        assert_eq!(li.position(3), Position { line: 2, column: 1 });
    }
}
