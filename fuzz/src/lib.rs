//! What each fuzz target does with its input, and what it checks beyond "no panic, no
//! overflow, no sanitizer report". Kept here, not in the targets, so every webhook source runs
//! exactly the same checks.

use aftercare_lens::Lens;
use aftercare_webhooks::{Source, delivery_id, parse, parse_received, signing, verify};
use jiff::Timestamp;
use std::sync::LazyLock;

/// The text a server or command would read: uploads arrive as bytes and are refused unless
/// UTF-8, so non-UTF-8 input is read lossily rather than thrown away, to reach the parser.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// `aftercare_schedule::parse_ical`: every error names a line that exists, in the documented
/// `line N: ` form, and every shift ends after it starts.
pub fn ical(data: &[u8]) {
    let text = text(data);
    match aftercare_schedule::parse_ical(&text) {
        Ok(shifts) => {
            for s in &shifts {
                assert!(s.start < s.end, "{s:?}");
            }
            assert!(shifts.is_sorted_by_key(|s| s.start));
        }
        Err(e) => {
            let lines = text.split('\n').count().max(1);
            assert!(e.line() >= 1 && e.line() <= lines, "{e} of {lines} lines");
            assert!(e.to_string().starts_with(&format!("line {}: ", e.line())));
        }
    }
}

/// A secret each source accepts (incident.io's is a Standard Webhooks `whsec_` key).
fn secret(source: Source) -> &'static str {
    match source {
        Source::IncidentIo => "whsec_YWZ0ZXJjYXJlIGZ1enppbmcga2V5LCBub3QgYSBzZWNyZXQ=",
        _ => "fuzz-secret-0123456789abcdef",
    }
}

/// A delivery: optional headers, one `name: value` per line, then a NUL byte, then the body;
/// input without a NUL is all body, so the seeds are plain JSON payloads.
///
/// Runs the ingest handler's steps on it (`verify`, `delivery_id`, `parse`, `parse_received`,
/// `looks_like_pagerduty_events_v2`) and checks that headers made by `signing` for the same
/// body always verify, and that a parsed event survives a JSON round trip unchanged.
pub fn webhook(source: Source, data: &[u8]) {
    let (head, body) = match data.iter().position(|b| *b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (&data[..0], data),
    };
    let head = text(head);
    let headers: Vec<(&str, &str)> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    let now: Timestamp = "2026-03-12T02:12:28Z".parse().unwrap_or_default();
    let secret = secret(source);

    let _ = verify(source, secret, &headers, body, now);
    assert!(!delivery_id(source, &headers, body).is_empty());

    let signed = signing::headers(source, secret, body, now);
    let signed = signed.unwrap_or_else(|e| panic!("{source}: fuzz secret refused: {e}"));
    if let Err(e) = verify(source, secret, &signed, body, now) {
        panic!("{source}: our own signature does not verify: {e}");
    }

    let _ = aftercare_webhooks::looks_like_pagerduty_events_v2(body);
    for event in [parse(source, body), parse_received(source, body, now)]
        .into_iter()
        .flatten()
    {
        let json = serde_json::to_string(&event).unwrap_or_else(|e| panic!("{e}"));
        let back: aftercare_webhooks::Event =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(back, event);
    }
}

static LENS: LazyLock<Lens> = LazyLock::new(Lens::default);

/// `Lens::check` (Markdown masking, then every rule): findings are in order, each ends after it
/// starts, and each quotes some of the input (a hit between the bytes of one character would
/// quote nothing).
pub fn lens(data: &[u8]) {
    let text = text(data);
    let findings = LENS.check(&text);
    for f in &findings {
        assert!(f.start < f.end, "{f:?}");
        assert!(!f.matched.is_empty(), "{f:?}");
    }
    assert!(findings.is_sorted_by_key(|f| f.start));
}

/// Long inputs, made from short ones: the input repeated as one run-on sentence (its sentence
/// ends and line breaks made spaces) and as many paragraphs, checked whole and in small parts.
/// Whatever the text, findings come in order and each position points at its words in the
/// whole text (also across parts and on long lines), and the libFuzzer timeout catches any
/// path that stops being linear.
pub fn lens_scale(data: &[u8]) {
    let text = text(data);
    if text.trim().is_empty() {
        return;
    }
    let sentence: String = text
        .chars()
        .map(|c| {
            if matches!(c, '.' | '!' | '?' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let long = sentence.repeat(64 * 1024 / sentence.len().max(1) + 1);
    let paragraphs = format!("{text}\n\n").repeat(64 * 1024 / (text.len() + 2) + 1);
    for t in [long.as_str(), paragraphs.as_str()] {
        let lines: Vec<&str> = t.split('\n').collect();
        for findings in [LENS.check(t), LENS.check_in_parts_of(t, 4096, 16 * 1024)] {
            assert!(findings.is_sorted_by_key(|f| f.start));
            for f in &findings {
                let line = lines[f.start.line - 1];
                let at = line
                    .char_indices()
                    .nth(f.start.column - 1)
                    .map_or("", |(b, _)| &line[b..]);
                assert!(at.starts_with(&f.matched), "{f:?}");
            }
        }
    }
}
