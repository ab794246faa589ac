//! Inputs built to exhaust whoever reads them: each is refused with the limit it passed and the
//! line, quickly, without touching the stack (see `src/limits.rs` for why each limit is where
//! it is). The messages are asserted as text so these tests also read as the documentation.

use std::time::{Duration, Instant};

use aftercare_schedule::{Limit, ScheduleError, limits, parse_ical};

/// `BEGIN:VCALENDAR` and then `depth - 1` nested `X-NEST` components, all closed again.
fn nested(depth: usize) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\n");
    text.push_str(&"BEGIN:X-NEST\r\n".repeat(depth - 1));
    text.push_str(&"END:X-NEST\r\n".repeat(depth - 1));
    text.push_str("END:VCALENDAR\r\n");
    text
}

/// The upload that used to overflow a server worker's stack and abort the whole process:
/// 40,000 nested blocks, about 560 KB.
#[test]
fn forty_thousand_nested_blocks_are_refused_at_the_first_block_too_deep() {
    let text = nested(40_000);
    assert!(text.len() > 500_000, "{}", text.len());
    let e = parse_ical(&text).unwrap_err();
    assert_eq!(e.to_string(), "line 17: components nested deeper than 16");
    assert_eq!(e.line(), 17);
    assert_eq!(
        e,
        ScheduleError::TooLarge {
            line: 17,
            limit: Limit::Depth(limits::MAX_DEPTH)
        }
    );
}

#[test]
fn nesting_up_to_the_limit_is_read() {
    assert_eq!(parse_ical(&nested(limits::MAX_DEPTH)).unwrap(), vec![]);
    let e = parse_ical(&nested(limits::MAX_DEPTH + 1)).unwrap_err();
    assert_eq!(e.line(), limits::MAX_DEPTH + 1);
}

/// An event whose DESCRIPTION, folded RFC 5545 style, unfolds to `bytes` bytes.
fn long_description(bytes: usize) -> String {
    let mut text = String::from(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260105T090000Z\r\nDTEND:20260106T090000Z\r\nATTENDEE:alex@example.com\r\nDESCRIPTION:",
    );
    let mut left = bytes - "DESCRIPTION:".len();
    let first = left.min(60);
    text.push_str(&"x".repeat(first));
    left -= first;
    while left > 0 {
        let piece = left.min(74);
        text.push_str("\r\n ");
        text.push_str(&"x".repeat(piece));
        left -= piece;
    }
    text.push_str("\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    text
}

#[test]
fn an_unfolded_line_past_the_limit_is_refused_at_the_line_it_starts_on() {
    assert_eq!(
        parse_ical(&long_description(limits::MAX_LINE_BYTES))
            .unwrap()
            .len(),
        1
    );
    let e = parse_ical(&long_description(limits::MAX_LINE_BYTES + 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 6: content line longer than 1048576 bytes once unfolded"
    );
    // The same without folding: one physical line that long.
    let text = format!(
        "BEGIN:VCALENDAR\r\nX-JUNK:{}\r\nEND:VCALENDAR\r\n",
        "y".repeat(limits::MAX_LINE_BYTES)
    );
    assert_eq!(
        parse_ical(&text).unwrap_err().to_string(),
        "line 2: content line longer than 1048576 bytes once unfolded"
    );
}

#[test]
fn more_lines_than_the_limit_are_refused_at_the_first_line_past_it() {
    // Three-byte lines: well under the size limit, far more lines than any export.
    let mut text = String::from("BEGIN:VCALENDAR\n");
    text.push_str(&"X:1\n".repeat(limits::MAX_LINES));
    text.push_str("END:VCALENDAR\n");
    assert!(text.len() < limits::MAX_BYTES);
    let e = parse_ical(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 1000001: the calendar has more than 1000000 lines; export a shorter period"
    );
}

#[test]
fn a_calendar_larger_than_the_limit_is_refused_before_it_is_read() {
    // 16 MiB of long lines: under the line limit, over the size limit by one byte.
    let line = format!("X-PAD:{}\r\n", "z".repeat(1_000));
    let mut text = String::from("BEGIN:VCALENDAR\r\n");
    while text.len() + line.len() <= limits::MAX_BYTES {
        text.push_str(&line);
    }
    text.push_str(&"z".repeat(limits::MAX_BYTES + 1 - text.len()));
    assert_eq!(text.len(), limits::MAX_BYTES + 1);
    let e = parse_ical(&text).unwrap_err();
    let lines = text.matches('\n').count() + 1;
    assert_eq!(e.line(), lines);
    assert_eq!(
        e.to_string(),
        format!(
            "line {lines}: the calendar is larger than 16777216 bytes; export a shorter period"
        )
    );
}

/// A TZID made of 300,000 `/`-separated parts (600 KB, under the line limit) used to be tried
/// suffix by suffix, copying it 300,000 times: minutes of work for one line.
#[test]
fn a_tzid_of_many_segments_is_resolved_in_linear_time() {
    let tzid = "/a".repeat(300_000);
    let text = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID={tzid}:20260105T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let started = Instant::now();
    let e = parse_ical(&text).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(&e, ScheduleError::TimeZone { line: 3, .. }),
        "{}",
        e.to_string().chars().take(200).collect::<String>()
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // Vendor-prefixed ids are still found by their IANA tail.
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=/mozilla.org/20050126_1/America/Argentina/Buenos_Aires:20260105T090000\r\nDURATION:PT1H\r\nATTENDEE:alex@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        parse_ical(text).unwrap()[0].start.to_string(),
        "2026-01-05T12:00:00Z"
    );
}
