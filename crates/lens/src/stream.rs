//! Where a long text may be cut into parts that are checked one after the other, so that the
//! memory a check needs is bounded by the part, not the text.
//!
//! A part ends just before a line that starts a new top-level block: a line that begins in the
//! first column, after a blank line, outside any fenced code block, front matter or
//! multi-line HTML block (comments included). Every Markdown container (list, quotation,
//! indented code) closes there, so each part reads as it would inside the whole text. What does
//! not carry over: a link reference definition in one part does not resolve a reference in
//! another (its label is then read as prose). The `lens-disable` and `lens-enable` comments do
//! carry over (see `Lens::check_parts`).
//!
//! A text with no such place within [`MAX_PART`] bytes (one paragraph, code block or comment
//! that long) is cut at its last blank line, line break or space before that, and the rest is
//! read as if it started a text there.

/// Parts are cut at the first good place after this many bytes.
pub(crate) const PART: usize = 1 << 20;
/// No part is longer than this.
pub(crate) const MAX_PART: usize = 8 << 20;

/// What the lines read so far are inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inside {
    Prose,
    /// A fenced code block: its fence character and length.
    Fence(u8, usize),
    /// Front matter: its closing line's character (`-` or `+`).
    Meta(u8),
    /// An HTML block that ends at the line containing this.
    Html(&'static [u8]),
}

/// Reads a text line by line to find where it may be cut. Fed the text from its start, in any
/// number of pieces; remembers what it is inside of between calls.
#[derive(Clone, Debug)]
pub(crate) struct Cutter {
    inside: Inside,
    /// The byte offset (from the start of what is being cut) of the next line to read.
    next_line: usize,
    /// The previous line was blank.
    after_blank: bool,
    /// Nothing has been read yet (front matter opens only the first line).
    at_start: bool,
}

impl Default for Cutter {
    fn default() -> Self {
        Cutter {
            inside: Inside::Prose,
            next_line: 0,
            after_blank: false,
            at_start: true,
        }
    }
}

impl Cutter {
    /// The first place in `buf` (the text since the last cut) at or after `at_least` where it
    /// may be cut, reading only whole lines (a last line without its newline waits for more
    /// text unless `eof`). `None`: no such place yet. After a cut the caller calls
    /// [`Cutter::cut_at`].
    pub fn find(&mut self, buf: &[u8], at_least: usize, eof: bool) -> Option<usize> {
        while self.next_line < buf.len() {
            let start = self.next_line;
            let end = match memchr::memchr(b'\n', &buf[start..]) {
                Some(k) => start + k + 1,
                None if eof => buf.len(),
                None => return None,
            };
            let line = &buf[start..end];
            let blank = line.iter().all(|b| b.is_ascii_whitespace());
            if self.inside == Inside::Prose
                && self.after_blank
                && start >= at_least
                && !blank
                && !matches!(line[0], b' ' | b'\t')
            {
                // Cut here: this line is read again as the first of the next part.
                return Some(start);
            }
            self.read_line(line, blank);
            self.next_line = end;
        }
        None
    }

    /// The text before `at` has been taken away: offsets count from `at` now.
    pub fn cut_at(&mut self, at: usize) {
        self.next_line = self.next_line.saturating_sub(at);
    }

    /// After a forced cut (inside a block, or mid-line): start afresh at the cut.
    pub fn restart(&mut self) {
        *self = Cutter {
            at_start: false,
            ..Cutter::default()
        };
    }

    fn read_line(&mut self, line: &[u8], blank: bool) {
        let at_start = std::mem::replace(&mut self.at_start, false);
        self.after_blank = blank;
        let indent = line.iter().take_while(|b| **b == b' ').count();
        let rest = &line[indent..];
        match self.inside {
            Inside::Fence(c, n) => {
                let run = rest.iter().take_while(|b| **b == c).count();
                if indent <= 3 && run >= n && rest[run..].iter().all(|b| b.is_ascii_whitespace()) {
                    self.inside = Inside::Prose;
                }
            }
            Inside::Meta(c) => {
                let t = trim_end(line);
                if t == [c, c, c] || (c == b'-' && t == b"...") {
                    self.inside = Inside::Prose;
                }
            }
            Inside::Html(end) => {
                if contains_ci(line, end) {
                    self.inside = Inside::Prose;
                }
            }
            Inside::Prose => {
                if at_start && matches!(trim_end(line), b"---" | b"+++") {
                    self.inside = Inside::Meta(line[0]);
                    return;
                }
                if indent > 3 {
                    return;
                }
                if let Some(&c) = rest.first().filter(|c| matches!(c, b'`' | b'~')) {
                    let run = rest.iter().take_while(|b| **b == c).count();
                    let info = &rest[run..];
                    if run >= 3 && !(c == b'`' && info.contains(&b'`')) {
                        self.inside = Inside::Fence(c, run);
                    }
                    return;
                }
                if let Some(end) = html_block_end(rest) {
                    // The end may be on the opening line itself (after the opener).
                    if !contains_ci(&rest[1..], end) {
                        self.inside = Inside::Html(end);
                    }
                }
            }
        }
    }
}

fn trim_end(line: &[u8]) -> &[u8] {
    let n = line
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    &line[..line.len() - n]
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The end of the HTML block this line opens, for the kinds that may hold blank lines
/// (CommonMark's HTML blocks 1 to 5); the others end at a blank line.
fn html_block_end(rest: &[u8]) -> Option<&'static [u8]> {
    if rest.first() != Some(&b'<') {
        return None;
    }
    let after = &rest[1..];
    for (tag, end) in [
        (&b"script"[..], &b"</script>"[..]),
        (b"pre", b"</pre>"),
        (b"style", b"</style>"),
        (b"textarea", b"</textarea>"),
    ] {
        if after.len() >= tag.len()
            && after[..tag.len()].eq_ignore_ascii_case(tag)
            && after
                .get(tag.len())
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>')
        {
            return Some(end);
        }
    }
    if after.starts_with(b"!--") {
        Some(b"-->")
    } else if after.starts_with(b"?") {
        Some(b"?>")
    } else if after.starts_with(b"![CDATA[") {
        Some(b"]]>")
    } else if after.first().is_some_and(|b| *b == b'!')
        && after.get(1).is_some_and(u8::is_ascii_alphabetic)
    {
        Some(b">")
    } else {
        None
    }
}

/// Where to cut `buf` when it has reached [`MAX_PART`] with no good place: after its last
/// blank line, else its last line break, else its last space, else its last char boundary
/// (`buf` may end inside a character).
pub(crate) fn forced_cut(buf: &[u8], max: usize) -> usize {
    let max = buf.len().min(max);
    let head = &buf[..max];
    if let Some(k) = memchr::memmem::rfind(head, b"\n\n").filter(|k| *k > 0) {
        return k + 2;
    }
    if let Some(k) = memchr::memrchr(b'\n', head).filter(|k| *k > 0) {
        return k + 1;
    }
    if let Some(k) = memchr::memrchr(b' ', head).filter(|k| *k > 0) {
        return k + 1;
    }
    // Back to the start of a character: UTF-8 continuation bytes are 0b10xx_xxxx.
    let mut k = max;
    while k > 0 && k < buf.len() && buf[k] & 0xc0 == 0x80 {
        k -= 1;
    }
    k.max(1)
}

/// The cuts of a whole text in memory: the end of each part, the last being `text.len()`.
pub(crate) fn cuts(text: &str, part: usize, max: usize) -> Vec<usize> {
    let max = max.max(part).max(1);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut cutter = Cutter::default();
    let mut from = 0;
    while from < bytes.len() {
        let rest = &bytes[from..];
        if rest.len() <= part {
            break;
        }
        let window = &rest[..rest.len().min(max)];
        let eof = window.len() == rest.len();
        let at = match cutter.find(window, part, eof) {
            Some(at) => {
                cutter.cut_at(at);
                at
            }
            None if eof => break,
            None => {
                let mut at = forced_cut(window, max);
                while !text.is_char_boundary(from + at) {
                    at -= 1;
                }
                cutter.restart();
                at
            }
        };
        from += at;
        out.push(from);
    }
    out.push(bytes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts_with(text: &str, at_least: usize) -> Vec<usize> {
        let mut c = Cutter::default();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = c.find(&text.as_bytes()[from..], at_least, true) {
            c.cut_at(at);
            from += at;
            out.push(from);
        }
        out
    }

    #[test]
    fn cuts_only_before_a_top_level_block() {
        let text = "# A\n\npara one\nstill\n\n- item\n\n  more item\n\n    code\n\nB para\n";
        let at: Vec<&str> = cuts_with(text, 1)
            .into_iter()
            .map(|k| text[k..].lines().next().unwrap())
            .collect();
        assert_eq!(at, ["para one", "- item", "B para"]);
    }

    #[test]
    fn never_cuts_inside_fences_front_matter_or_comments() {
        let text =
            "---\na: b\n\nc: d\n---\n\n````\ncode\n\nx\n```\n````\n\nY\n\n<!-- c\n\nZ -->\n\nW\n";
        let at: Vec<&str> = cuts_with(text, 1)
            .into_iter()
            .map(|k| text[k..].lines().next().unwrap())
            .collect();
        assert_eq!(at, ["````", "Y", "<!-- c", "W"]);
    }

    #[test]
    fn long_texts_are_cut_into_bounded_parts() {
        let para = "The disk filled up and the pager fired.\n\n";
        let text = para.repeat(3 * PART / para.len());
        let cuts = cuts(&text, PART, MAX_PART);
        assert!(cuts.len() >= 3, "{}", cuts.len());
        let mut from = 0;
        for c in cuts {
            assert!(c - from <= PART + para.len());
            assert!(text[c..].is_empty() || text[c..].starts_with("The disk"));
            from = c;
        }
        // One line with no good place: cut at a space, never past MAX_PART.
        let line = "word ".repeat(2 * MAX_PART / 5);
        let cuts = super::cuts(&line, PART, MAX_PART);
        assert!(cuts[0] <= MAX_PART && line[..cuts[0]].ends_with(' '));
    }
}
