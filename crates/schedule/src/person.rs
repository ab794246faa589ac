//! Who is on call in an event, and for which schedule.
//!
//! In order of trust:
//! 1. `ATTENDEE`: PagerDuty puts the on-call user's bare email there; generic calendars write
//!    `ATTENDEE;CN=Name:mailto:email`. One shift per attendee: a feed that lists two people on
//!    one span (primary plus shadow) means both are on call.
//! 2. The `SUMMARY` text: PagerDuty's `On Call - <Name> - <Schedule>`, or otherwise
//!    `<Name> - <Schedule>` (the guessed Opsgenie shape), or the whole summary as a name.
//! 3. `ORGANIZER`: the calendar's owner, which in a personal "my shifts" export is the person,
//!    but in a team calendar is whoever created it; hence last.

use crate::content::{ContentLine, unescape_text};
use crate::{Component, PersonRef};

pub(crate) struct Found {
    /// Never empty: an event naming nobody yields one empty person, for the caller to report.
    pub people: Vec<PersonRef>,
    pub schedule: Option<String>,
}

pub(crate) fn people(event: &Component, summary: Option<&str>) -> Found {
    let summary = summary.map(parse_summary).unwrap_or_default();
    let mut attendees: Vec<PersonRef> = event
        .props
        .iter()
        .filter(|p| p.name == "ATTENDEE")
        .map(address)
        .filter(|p| p.email.is_some() || p.name.is_some())
        .collect();
    if let [only] = attendees.as_mut_slice()
        && only.name.is_none()
    {
        // PagerDuty's ATTENDEE is a bare email; the name is in the summary.
        only.name = summary.name.clone();
    }
    let people = if !attendees.is_empty() {
        attendees
    } else if summary.name.is_some() {
        let email = summary
            .name
            .as_deref()
            .filter(|n| looks_like_email(n))
            .map(str::to_lowercase)
            .or_else(|| description_email(event));
        vec![PersonRef {
            email,
            name: summary.name.clone(),
        }]
    } else if let Some(organizer) = event
        .prop("ORGANIZER")
        .map(address)
        .filter(|p| p.email.is_some() || p.name.is_some())
    {
        vec![organizer]
    } else {
        vec![PersonRef {
            email: None,
            name: None,
        }]
    };
    Found {
        people,
        schedule: summary.schedule,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Summary {
    name: Option<String>,
    schedule: Option<String>,
}

/// `On Call - <Name> - <Schedule>`. The name is split off at the first " - ", because schedule
/// names contain dashes ("Payments - out of hours") far more often than people's names contain
/// a spaced dash.
fn parse_summary(summary: &str) -> Summary {
    let text = summary.trim();
    let rest = strip_prefix_ignore_case(text, "On Call -")
        .or_else(|| strip_prefix_ignore_case(text, "On-Call -"))
        .map(str::trim_start)
        .unwrap_or(text);
    let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match rest.split_once(" - ") {
        Some((name, schedule)) => Summary {
            name: non_empty(name),
            schedule: non_empty(schedule),
        },
        None => Summary {
            name: non_empty(rest),
            schedule: None,
        },
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// An `ATTENDEE` or `ORGANIZER`: `mailto:` URI, RFC 7986 `EMAIL=` parameter, or (PagerDuty) a
/// bare address; the name from `CN=`.
fn address(prop: &ContentLine) -> PersonRef {
    let value = prop.value.trim();
    let email = strip_prefix_ignore_case(value, "mailto:")
        .map(str::trim)
        .filter(|e| looks_like_email(e))
        .or_else(|| {
            prop.param("EMAIL")
                .map(str::trim)
                .filter(|e| looks_like_email(e))
        })
        .or_else(|| Some(value).filter(|e| looks_like_email(e)))
        .map(str::to_lowercase);
    let name = prop
        .param("CN")
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    PersonRef { email, name }
}

/// The guessed Opsgenie shape, `DESCRIPTION:On-call: <email>`: used only when that is the whole
/// description, so free text mentioning someone else's address is never taken for the person.
fn description_email(event: &Component) -> Option<String> {
    let description = unescape_text(&event.prop("DESCRIPTION")?.value);
    let rest = strip_prefix_ignore_case(description.trim(), "On-call:")?.trim();
    looks_like_email(rest).then(|| rest.to_lowercase())
}

/// Deliberately loose (one `@`, something on each side, no spaces): this only decides whether a
/// field holds an address at all; matching it to a person is the caller's job.
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c == ':' || c == '<' || c == '>')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(name: Option<&str>, schedule: Option<&str>) -> Summary {
        Summary {
            name: name.map(str::to_owned),
            schedule: schedule.map(str::to_owned),
        }
    }

    #[test]
    fn summaries() {
        assert_eq!(
            parse_summary("On Call - Alex Rivera - Payments Primary"),
            summary(Some("Alex Rivera"), Some("Payments Primary"))
        );
        assert_eq!(
            parse_summary("On Call - Hello Kitty - Alpha - out of hours"),
            summary(Some("Hello Kitty"), Some("Alpha - out of hours"))
        );
        assert_eq!(
            parse_summary("On Call - My User"),
            summary(Some("My User"), None)
        );
        assert_eq!(
            parse_summary("Alex Rivera - Payments_schedule (Weekly rotation)"),
            summary(
                Some("Alex Rivera"),
                Some("Payments_schedule (Weekly rotation)")
            )
        );
        assert_eq!(parse_summary("  "), summary(None, None));
        assert_eq!(parse_summary("On Call - "), summary(None, None));
        assert_eq!(parse_summary("Ünïcödé"), summary(Some("Ünïcödé"), None));
    }

    #[test]
    fn emails() {
        assert!(looks_like_email("a@b"));
        for bad in ["", "@b", "a@", "a b@c", "a@b@c", "urn:uuid:1@2"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
