//! Turns Markdown into "prose only" text of the same byte length: everything that is not prose a
//! person wrote (code, URLs, link targets, front matter, HTML, comments) becomes spaces, so byte
//! offsets found in the masked text are offsets in the original and positions need no mapping.

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
                let line = 1 + text.as_bytes()[..end.min(text.len())]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
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
}

impl Directives {
    pub fn is_disabled(&self, rule: Rule, offset: usize, line: usize) -> bool {
        let applies = |d: &Directive| d.rules.is_empty() || d.rules.contains(&rule);
        let mut disabled = false;
        for d in &self.list {
            if d.offset > offset {
                break;
            }
            if !applies(d) {
                continue;
            }
            match d.kind {
                DirectiveKind::Disable => disabled = true,
                DirectiveKind::Enable => disabled = false,
                DirectiveKind::DisableNextLine if d.line + 1 == line => return true,
                DirectiveKind::DisableNextLine => {}
            }
        }
        disabled
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
}
