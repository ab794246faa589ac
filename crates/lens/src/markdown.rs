//! Turns Markdown into "prose only" text of the same byte length: everything that is not prose a
//! person wrote (code, URLs, link targets, front matter, HTML, comments) becomes spaces, so byte
//! offsets found in the masked text are offsets in the original and positions need no mapping.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::Rule;

pub(crate) struct Prepared {
    pub masked: String,
    /// Byte offsets that no sentence may cross (block starts and ends).
    pub breaks: Vec<usize>,
    pub directives: Directives,
}

static DIRECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"<!--\s*lens-(disable-next-line|disable|enable)\b([^>]*?)\s*-->").ok()
});

pub(crate) fn prepare(text: &str) -> Prepared {
    let mut blank: Vec<Range<usize>> = Vec::new();
    // Block starts arrive in ascending order; block ends are collected when each block closes
    // (post-order), which is ascending too, so the two merge without a sort.
    let mut starts: Vec<usize> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    // For every open tag: its end offset if it is a block, to record when it closes.
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut html: Vec<Range<usize>> = Vec::new();
    // Open links/images: their whole range, and the child text ranges that stay visible.
    let mut links: Vec<(Range<usize>, Vec<Range<usize>>, bool)> = Vec::new();

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                match &tag {
                    Tag::CodeBlock(_) | Tag::MetadataBlock(_) => blank.push(range.clone()),
                    Tag::HtmlBlock => html.push(range.clone()),
                    Tag::Link { link_type, .. } => {
                        let all = matches!(link_type, LinkType::Autolink | LinkType::Email);
                        links.push((range.clone(), Vec::new(), all));
                    }
                    Tag::Image { .. } => links.push((range.clone(), Vec::new(), true)),
                    _ => {}
                }
                if is_block(&tag) {
                    starts.push(range.start);
                    open.push(Some(range.end));
                } else {
                    open.push(None);
                }
            }
            Event::End(end) => {
                if let Some(Some(e)) = open.pop() {
                    ends.push(e);
                }
                if !matches!(end, TagEnd::Link | TagEnd::Image) {
                    continue;
                }
                if let Some((whole, keep, all)) = links.pop() {
                    if all {
                        blank.push(whole);
                    } else {
                        let mut at = whole.start;
                        for k in keep {
                            if k.start > at {
                                blank.push(at..k.start);
                            }
                            at = at.max(k.end);
                        }
                        if whole.end > at {
                            blank.push(at..whole.end);
                        }
                    }
                }
            }
            Event::Text(_) => {
                if let Some((_, keep, _)) = links.last_mut() {
                    keep.push(range);
                }
            }
            Event::Code(_) | Event::FootnoteReference(_) => blank.push(range),
            Event::Html(_) | Event::InlineHtml(_) => html.push(range),
            Event::InlineMath(_) | Event::DisplayMath(_) => blank.push(range),
            _ => {}
        }
    }

    let mut directives = Directives::default();
    // Where each line starts, built only if there is a directive to place: counting the
    // newlines before every directive from the start of the text instead took quadratic time
    // (a megabyte of `<!-- lens-disable-next-line -->` lines took minutes).
    let mut newlines: Option<Vec<usize>> = None;
    if let Some(re) = DIRECTIVE.as_ref() {
        for r in &html {
            let Some(chunk) = text.get(r.clone()) else {
                continue;
            };
            for caps in re.captures_iter(chunk) {
                let (Some(whole), Some(kind)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let listed = caps.get(2).map(|m| m.as_str()).unwrap_or_default();
                let rules: Vec<Rule> = listed
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                let named_any = listed.split_whitespace().any(|s| !s.is_empty());
                if named_any && rules.is_empty() {
                    continue; // only unknown names: never silently switch everything off
                }
                let end = r.start + whole.end();
                let newlines = newlines
                    .get_or_insert_with(|| memchr::memchr_iter(b'\n', text.as_bytes()).collect());
                let line = 1 + newlines.partition_point(|&nl| nl < end);
                let kind = match kind.as_str() {
                    "disable" => DirectiveKind::Disable,
                    "enable" => DirectiveKind::Enable,
                    _ => DirectiveKind::DisableNextLine,
                };
                directives.list.push(Directive {
                    offset: end,
                    line,
                    kind,
                    rules,
                });
            }
        }
    }
    directives.list.sort_by_key(|d| d.offset);
    directives.index();
    blank.extend(html);

    bare_urls(text, &mut blank);
    // Reference definitions produce no events; they start a line with `[label]:`.
    ref_defs(text, &mut blank);

    let mut bytes = text.as_bytes().to_vec();
    for r in blank {
        let (mut s, mut e) = (r.start.min(text.len()), r.end.min(text.len()));
        while s > 0 && !text.is_char_boundary(s) {
            s -= 1;
        }
        while e < text.len() && !text.is_char_boundary(e) {
            e += 1;
        }
        for b in &mut bytes[s..e] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Blanking whole characters keeps the bytes valid UTF-8; the fallback is unreachable.
    let masked = String::from_utf8(bytes).unwrap_or_else(|_| " ".repeat(text.len()));
    // Blocks left open (none with a well-formed event stream) still count.
    ends.extend(open.into_iter().flatten());
    let breaks = merge_sorted(starts, ends);
    Prepared {
        masked,
        breaks,
        directives,
    }
}

/// The sorted, deduplicated union of two lists; sorts first if either is not in order.
fn merge_sorted(mut a: Vec<usize>, mut b: Vec<usize>) -> Vec<usize> {
    if !a.is_sorted() {
        a.sort_unstable();
    }
    if !b.is_sorted() {
        b.sort_unstable();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x <= y => {
                i += 1;
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, None) => break,
        };
        if out.last() != Some(&next) {
            out.push(next);
        }
    }
    out
}

/// Lines that look like link reference definitions, `[label]: target`: exactly the matches of
/// the regex `(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$`, found from each `]:` rather than by running
/// the regex over the whole text (which cost as much as the rest of the masking).
fn ref_defs(text: &str, blank: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut checked_line = None;
    for hit in memchr::memmem::find_iter(bytes, b"]:") {
        let line = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |nl| nl + 1);
        if checked_line == Some(line) {
            continue;
        }
        checked_line = Some(line);
        if let Some(end) = ref_def_at(text, line) {
            blank.push(line..end);
        }
    }
}

/// The end of the reference definition starting the line at `line` (the end of that line).
fn ref_def_at(text: &str, line: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let indent = bytes[line..].iter().take_while(|b| **b == b' ').count();
    let open = line + indent;
    if indent > 3 || bytes.get(open) != Some(&b'[') {
        return None;
    }
    // The label runs to the first `]` and may not be empty or span lines.
    let close = open
        + 1
        + bytes[open + 1..]
            .iter()
            .position(|b| matches!(b, b']' | b'\n'))?;
    if bytes[close] != b']' || close == open + 1 || bytes.get(close + 1) != Some(&b':') {
        return None;
    }
    let gap = bytes[close + 2..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let target = text.get(close + 2 + gap..)?.chars().next()?;
    if target.is_whitespace() {
        return None;
    }
    Some(memchr::memchr(b'\n', &bytes[close..]).map_or(bytes.len(), |nl| close + nl))
}

/// Bare URLs (`https://...`, `www....`): found by their fixed parts rather than a regex over the
/// whole text, which costs more than everything else here.
fn bare_urls(text: &str, blank: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let url_char =
        |b: u8| !(b.is_ascii_whitespace() || matches!(b, b'<' | b'>' | b'"' | b'\'' | b')' | b']'));
    let url_end = |mut e: usize| {
        while e < bytes.len() && url_char(bytes[e]) {
            e += 1;
        }
        e
    };
    for at in memchr::memmem::find_iter(bytes, b"://") {
        let mut s = at;
        while s > 0 && bytes[s - 1].is_ascii_alphanumeric() {
            s -= 1;
        }
        if s < at {
            blank.push(s..url_end(at + 3));
        }
    }
    for at in memchr::memmem::find_iter(bytes, b"www.") {
        if at == 0 || !bytes[at - 1].is_ascii_alphanumeric() && bytes[at - 1] != b'/' {
            blank.push(at..url_end(at + 4));
        }
    }
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DirectiveKind {
    Disable,
    Enable,
    DisableNextLine,
}

#[derive(Debug, Clone)]
struct Directive {
    offset: usize,
    line: usize,
    kind: DirectiveKind,
    /// Empty means every rule.
    rules: Vec<Rule>,
}

/// The inline `<!-- lens-... -->` comments of one text, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Directives {
    list: Vec<Directive>,
    /// After each directive of `list`, the rules switched off from there on (one bit per rule):
    /// a finding looks up its state by binary search rather than replaying every directive
    /// before it, which was quadratic in a text of many directives and findings.
    state: Vec<u16>,
    /// The rules switched off on a line by a `lens-disable-next-line` on the line before.
    next_line: HashMap<usize, u16>,
    /// The rules switched off before the text starts (by an earlier part of a longer text).
    initial: u16,
}

fn rule_bits(rules: &[Rule]) -> u16 {
    if rules.is_empty() {
        return u16::MAX;
    }
    rules.iter().fold(0, |bits, r| bits | rule_bit(*r))
}

fn rule_bit(rule: Rule) -> u16 {
    let index = Rule::ALL.iter().position(|r| *r == rule).unwrap_or(0);
    1 << index
}

impl Directives {
    /// Computes `state` and `next_line` from `list`, which must be sorted by offset.
    fn index(&mut self) {
        let mut off = self.initial;
        self.state = Vec::with_capacity(self.list.len());
        self.next_line.clear();
        for d in &self.list {
            let bits = rule_bits(&d.rules);
            match d.kind {
                DirectiveKind::Disable => off |= bits,
                DirectiveKind::Enable => off &= !bits,
                DirectiveKind::DisableNextLine => {
                    *self.next_line.entry(d.line + 1).or_default() |= bits;
                }
            }
            self.state.push(off);
        }
    }

    /// Whether `rule` is switched off for a finding starting at `offset`, on `line`: by the
    /// last `lens-disable`/`lens-enable` before it that names the rule (or none), or by a
    /// `lens-disable-next-line` on the line before. A directive on the line before always ends
    /// before the finding starts, so the two need no further ordering.
    pub fn is_disabled(&self, rule: Rule, offset: usize, line: usize) -> bool {
        let bit = rule_bit(rule);
        if self
            .next_line
            .get(&line)
            .is_some_and(|bits| bits & bit != 0)
        {
            return true;
        }
        let applied = self.list.partition_point(|d| d.offset <= offset);
        applied
            .checked_sub(1)
            .and_then(|last| self.state.get(last))
            .map_or(self.initial & bit != 0, |bits| bits & bit != 0)
    }

    /// The text continues an earlier one that ended with these rules switched off.
    pub fn carry_in(&mut self, off: u16) {
        if off != self.initial {
            self.initial = off;
            self.index();
        }
    }

    /// The rules switched off at the end of the text, for the part after it.
    pub fn carry_out(&self) -> u16 {
        self.state.last().copied().unwrap_or(self.initial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_code_urls_link_targets_front_matter_and_comments() {
        let text = "---\ntitle: human error\n---\nSee [the docs](https://x.test/root-cause) and `root cause` or\n\n```\nhuman error\n```\n<!-- root cause -->\nhttps://example.com/root-cause here\n";
        let p = prepare(text);
        assert_eq!(p.masked.len(), text.len());
        assert!(!p.masked.contains("human error"), "{}", p.masked);
        assert!(!p.masked.contains("root"), "{}", p.masked);
        assert!(p.masked.contains("the docs"));
        assert!(p.masked.contains("here"));
    }

    /// The hand-written scan finds what the regex it replaces found.
    #[test]
    fn ref_defs_match_the_regex() {
        let re = Regex::new(r"(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$").unwrap();
        let pieces = [
            "[a]: x",
            "[a]:x",
            " [b]: y z",
            "    [c]: w",
            "[]: e",
            "[a]]: f",
            "[a] : g",
            "[a]:  ",
            "[a]:\t\u{a0}h",
            "[x\n]: i",
            "[é]: ü",
            "text [a]: j",
            "\r[a]: k",
            "[a]: l\r",
            "[a][b]: m",
            "]:",
            "[",
            "\n",
            " ",
            "a",
            "]",
            ":",
            "[a]:\u{a0}",
            "   [z]:\tq]:r",
        ];
        // Every sequence of up to three pieces, joined by newlines or nothing.
        let mut texts = Vec::new();
        for a in pieces {
            for b in pieces {
                for sep in ["", "\n"] {
                    texts.push(format!("{a}{sep}{b}"));
                    for c in ["[d]: e", "x]:", ""] {
                        texts.push(format!("{a}{sep}{b}\n{c}"));
                    }
                }
            }
        }
        for t in texts {
            let mut ours = Vec::new();
            ref_defs(&t, &mut ours);
            let theirs: Vec<Range<usize>> = re.find_iter(&t).map(|m| m.range()).collect();
            assert_eq!(ours, theirs, "{t:?}");
        }
    }

    #[test]
    fn directives_apply_in_order() {
        let text = "a\n<!-- lens-disable root-cause -->\nb\n<!-- lens-enable root-cause -->\nc\n<!-- lens-disable-next-line -->\nd\ne\n";
        let p = prepare(text);
        let off = |s: &str| text.find(s).unwrap();
        assert!(!p.directives.is_disabled(Rule::RootCause, off("a"), 1));
        assert!(p.directives.is_disabled(Rule::RootCause, off("b\n"), 3));
        assert!(!p.directives.is_disabled(Rule::Punitive, off("b\n"), 3));
        assert!(!p.directives.is_disabled(Rule::RootCause, off("c\n"), 5));
        assert!(p.directives.is_disabled(Rule::Punitive, off("d\n"), 7));
        assert!(!p.directives.is_disabled(Rule::Punitive, off("e\n"), 8));
    }

    /// Nesting and runs of delimiters far past any review: pulldown-cmark reads each without
    /// recursion (so the default 2 MiB test thread's stack is enough) and in linear time, and
    /// so does the masking around it. A megabyte takes well under a second; the bound leaves
    /// room for a loaded machine and an unoptimised build, not for quadratic time.
    #[test]
    fn deep_and_degenerate_markdown_is_read_in_linear_time() {
        const MB: usize = 1 << 20;
        let texts = [
            format!("{} human error", ">".repeat(100_000)),
            format!("{}human error", "- ".repeat(100_000)),
            format!("{}human error", "1. ".repeat(50_000)),
            "*".repeat(MB),
            "[".repeat(MB),
            "[a](".repeat(MB / 4),
            "**a_".repeat(MB / 4),
            "<".repeat(MB),
            "`".repeat(MB),
            "<!--".repeat(MB / 4),
            ">\n".repeat(MB / 2),
        ];
        for text in texts {
            let started = std::time::Instant::now();
            let p = prepare(&text);
            let took = started.elapsed();
            assert_eq!(p.masked.len(), text.len());
            assert!(took.as_secs() < 10, "{:?}…: {took:?}", &text[..20]);
        }
    }

    /// A megabyte of inline directives, alone and each followed by a finding it switches off:
    /// placing each directive on its line and deciding each finding used to replay the text or
    /// the directives before it, which took minutes.
    #[test]
    fn many_directives_cost_linear_time() {
        const MB: usize = 1 << 20;
        let lens = crate::Lens::default();
        let blame = "It was human error.\n\n";
        let next_line = format!("<!-- lens-disable-next-line -->\n{blame}");
        let inline = format!("Then: <!-- lens-disable human-error --> {blame}");
        // Without their directives these texts are full of findings.
        assert_eq!(lens.check(&blame.repeat(3)).len(), 3);
        assert_eq!(
            lens.check(&"Then: It was human error.\n\n".repeat(3)).len(),
            3
        );
        for text in [
            "<!-- lens-disable-next-line -->\n".repeat(MB / 32),
            next_line.repeat(MB / next_line.len()),
            inline.repeat(MB / inline.len()),
        ] {
            let started = std::time::Instant::now();
            let findings = lens.check(&text);
            let took = started.elapsed();
            assert_eq!(findings, vec![], "{:?}", &text[..40]);
            assert!(took.as_secs() < 10, "{:?}: {took:?}", &text[..40]);
        }
        // The same directives still switch off only what they name, where they say.
        let text = inline.repeat(3) + "Then: <!-- lens-enable --> " + blame + &next_line + blame;
        let lines: Vec<usize> = lens.check(&text).iter().map(|f| f.start.line).collect();
        assert_eq!(lines, vec![7, 12]);
    }
}
