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

static REF_DEF: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$").ok());
static DIRECTIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"<!--\s*lens-(disable-next-line|disable|enable)\b([^>]*?)\s*-->").ok()
});

pub(crate) fn prepare(text: &str) -> Prepared {
    let mut blank: Vec<Range<usize>> = Vec::new();
    let mut breaks: Vec<usize> = Vec::new();
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
                    breaks.push(range.start);
                    breaks.push(range.end);
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
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
    if text.contains("]:")
        && let Some(re) = REF_DEF.as_ref()
    {
        blank.extend(re.find_iter(text).map(|m| m.range()));
    }

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
    breaks.sort_unstable();
    breaks.dedup();
    Prepared {
        masked,
        breaks,
        directives,
    }
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
