//! Large texts: checked in parts (bounded memory), read from a stream, positions counted in
//! the whole text, `lens-disable` carried from part to part, the text report on very long
//! lines, and cancellation. Nothing here is timed (bench/lens/scale.sh measures time and
//! memory); these tests hold the results of the linear paths to the results of the simple ones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::sync::atomic::AtomicBool;

use aftercare_lens::report::{Format, Reporter, render};
use aftercare_lens::{Finding, Lens, Position};

/// A review-like block with findings on known lines, code, a list and a comment.
const BLOCK: &str = "## Timeline\n\n\
    The deploy went out at 10:02. The outage was caused by human error.\n\
    The on-call engineer should have checked the dashboard.\n\n\
    ```\nroot cause: human error\n\nmore code\n```\n\n\
    - first item\n\n  Obviously it was a simple mistake.\n\n\
    <!-- a comment\n\nroot cause -->\n\n\
    \u{201c}Zoë\u{201d} said: the DBA was careless.\n\n";

/// A reader that hands out a few bytes at a time (cutting characters in two), as pipes do.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// The text at a finding's start, found the simple way: by a table of lines and the character
/// column.
fn at<'a>(lines: &[&'a str], p: Position) -> &'a str {
    let line = lines[p.line - 1];
    let byte = line
        .char_indices()
        .nth(p.column - 1)
        .map_or(line.len(), |(b, _)| b);
    &line[byte..]
}

fn streamed(lens: &Lens, text: &str, step: usize) -> Vec<Finding> {
    let never = AtomicBool::new(false);
    let mut all = Vec::new();
    let mut parts = 0;
    lens.check_reader(Trickle(text.as_bytes(), step), &never, |part| {
        parts += 1;
        all.extend(part.findings);
        Ok(())
    })
    .unwrap();
    assert!(parts >= 1);
    all
}

#[test]
fn findings_in_a_large_text_have_the_right_lines() {
    let lens = Lens::default();
    let one = lens.check(BLOCK);
    assert!(one.len() >= 4, "{one:?}");
    let lines_per_block = BLOCK.matches('\n').count();
    // About 3.5 MB: several parts.
    let copies = 3_500_000 / BLOCK.len();
    let text = BLOCK.repeat(copies);
    let all = lens.check(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(all.len(), one.len() * copies);
    for (k, f) in all.iter().enumerate() {
        let copy = k / one.len();
        let want = &one[k % one.len()];
        assert_eq!(f.rule, want.rule);
        assert_eq!(
            f.start.line,
            want.start.line + copy * lines_per_block,
            "{f:?}"
        );
        assert_eq!(f.start.column, want.start.column);
        assert_eq!(f.end.line, want.end.line + copy * lines_per_block);
        assert!(at(&lines, f.start).starts_with(&f.matched), "{f:?}");
    }
    // Read from a stream in small pieces: the same findings.
    assert_eq!(streamed(&lens, &text, 4093), all);
}

#[test]
fn one_long_line_is_cut_at_spaces_and_positions_still_add_up() {
    let lens = Lens::default();
    // Nine megabytes of one line: no place to cut but spaces; columns run on across parts.
    let piece = "It was human error and ";
    let text = piece.repeat(9_000_000 / piece.len());
    let all = lens.check(&text);
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(all.len() > 300_000, "{}", all.len());
    for f in all.iter().step_by(997) {
        assert_eq!(f.start.line, 1);
        assert!(at(&lines, f.start).starts_with(&f.matched), "{f:?}");
    }
}

#[test]
fn lens_disable_carries_from_part_to_part() {
    let lens = Lens::default();
    let blame = "It was human error.\n\n";
    let text = format!(
        "<!-- lens-disable human-error -->\n\n{}<!-- lens-enable human-error -->\n\n{}",
        blame.repeat(2_500_000 / blame.len()),
        blame.repeat(3)
    );
    let found = lens.check(&text);
    assert_eq!(found.len(), 3, "{:?}", &found[..found.len().min(3)]);
    assert_eq!(streamed(&lens, &text, 65_536), found);
}

#[test]
fn text_that_is_not_utf8_is_refused_while_streaming() {
    let lens = Lens::default();
    let never = AtomicBool::new(false);
    let bytes = b"It was human error.\n\n\xff\n".to_vec();
    let r = lens.check_reader(bytes.as_slice(), &never, |_| Ok(()));
    assert!(
        matches!(r, Err(aftercare_lens::CheckError::NotUtf8)),
        "{r:?}"
    );
}

#[test]
fn a_cancelled_check_gives_nothing() {
    let lens = Lens::default();
    let cancelled = AtomicBool::new(true);
    assert_eq!(
        lens.check_cancellable("It was human error.", &cancelled),
        None
    );
    let never = AtomicBool::new(false);
    assert_eq!(
        lens.check_cancellable("It was human error.", &never)
            .unwrap()
            .len(),
        1
    );
}

/// The text report in parts is the report of the whole; on a very long line it shows a window
/// of the line around each finding, the carets under the words.
#[test]
fn the_text_report_in_parts_matches_and_long_lines_show_a_window() {
    let lens = Lens::default();
    let text = BLOCK.repeat(2_500_000 / BLOCK.len());
    let whole = render(Format::Text, &[("r.md", &text, &lens.check(&text))]);
    let never = AtomicBool::new(false);
    let mut r = Reporter::new(Format::Text);
    let mut parts = r.begin();
    let mut n = 0;
    lens.check_parts(&text, &never, |part| {
        n += 1;
        parts.push_str(&r.part("r.md", part.text, part.start, &part.findings));
        Ok(())
    })
    .unwrap();
    r.file_done();
    parts.push_str(&r.end());
    assert!(n >= 2);
    assert_eq!(parts, whole);

    let line = format!(
        "{} It was human error. {}",
        "x ".repeat(500),
        "y ".repeat(500)
    );
    let f = lens.check(&line);
    let out = render(Format::Text, &[("l.md", &line, &f)]);
    let shown = out.lines().find(|l| l.starts_with("1 | ")).unwrap();
    let carets = out.lines().find(|l| l.contains('^')).unwrap();
    assert!(shown.chars().count() < 200, "{shown}");
    assert!(
        shown.contains("\u{2026}x x") && shown.ends_with('\u{2026}'),
        "{shown}"
    );
    let from = carets.find('^').unwrap();
    let under: String = shown.chars().skip(from).take(11).collect();
    assert_eq!(under, "human error", "{out}");
}
