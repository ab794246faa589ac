//! iCalendar feeds of on-call spans (issue 9, item 4): one `VEVENT` per span, times in UTC
//! (`…Z`, so Google Calendar and Outlook need no `VTIMEZONE`), busy only during the span
//! (`TRANSP:OPAQUE`), a `UID` that stays the same for the same span from one fetch to the
//! next, lines folded at 75 octets and ended with CRLF as RFC 5545 asks.

use jiff::Timestamp;

use crate::{Member, OnCallSpan};

/// Who a member is, as the feed shows them.
pub struct Attendee<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes TEXT values (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 §3.2): quoted, since a name may hold `;`, `,` or `:`; a
/// double quote cannot appear inside one, so it becomes a single quote.
fn param(value: &str) -> String {
    let inner: String = value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    format!("\"{inner}\"")
}

/// Folds one content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// A newcomer's shadow shift: they follow whoever is on call, without being paged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowing {
    pub member: Member,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// The feed of `spans` for a calendar called `calendar`; `who` names each member (a member
/// it does not know is shown as "on call"). `now` is the feed's `DTSTAMP`.
pub fn feed<'a>(
    calendar: &str,
    spans: &[OnCallSpan],
    who: impl Fn(Member) -> Option<Attendee<'a>>,
    now: Timestamp,
) -> String {
    feed_with(calendar, spans, &[], who, now)
}

/// [`feed`], with newcomers' shadow shifts as events of their own ("Shadowing - …"), so
/// that the on-call events alone still cover the schedule without overlaps.
pub fn feed_with<'a>(
    calendar: &str,
    spans: &[OnCallSpan],
    shadows: &[Shadowing],
    who: impl Fn(Member) -> Option<Attendee<'a>>,
    now: Timestamp,
) -> String {
    let mut out = String::new();
    let mut line = |l: String| fold(&l, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Aftercare//On call//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", text(calendar)));
    // One event per span: (UID prefix, summary's first words, name when `who` knows nobody).
    let events = spans
        .iter()
        .map(|s| (s.member, s.start, s.end, "", "On call", "on call"))
        .chain(shadows.iter().map(|s| {
            (
                s.member,
                s.start,
                s.end,
                "shadow-",
                "Shadowing",
                "a newcomer",
            )
        }));
    for (member, start, end, uid, what, nobody) in events {
        let person = who(member);
        let name = person.as_ref().map_or(nobody, |p| p.name);
        line("BEGIN:VEVENT".into());
        line(format!(
            "UID:{uid}{member}-{}-{}@aftercare",
            start.as_second(),
            end.as_second()
        ));
        line(format!("DTSTAMP:{}", stamp(now)));
        line(format!("DTSTART:{}", stamp(start)));
        line(format!("DTEND:{}", stamp(end)));
        line(format!(
            "SUMMARY:{what} - {} - {}",
            text(name),
            text(calendar)
        ));
        line("TRANSP:OPAQUE".into());
        if let Some(p) = &person {
            line(format!("ATTENDEE;CN={}:mailto:{}", param(p.name), p.email));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}
