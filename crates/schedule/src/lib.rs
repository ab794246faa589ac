//! On-call schedule exports (iCalendar, RFC 5545) parsed into shifts.
//!
//! Pure: text in, shifts out. Fetching a feed, storing shifts and matching people are the
//! caller's business. The only outside state consulted is the time zone database, through
//! `jiff::tz::TimeZone::get`, for calendars that use `TZID` local times.
//!
//! What the vendors send, and the traps, are described in `shared/data/ical/SOURCES.md`. In short:
//! PagerDuty sends one `VEVENT` per rendered on-call span, all times UTC (`…Z`), the person as a
//! bare email in `ATTENDEE` and `SUMMARY:On Call - <Name> - <Schedule>`. Generic calendars use
//! `DTSTART;TZID=<zone>:<local time>`. Every instant here is a [`jiff::Timestamp`], so a shift's
//! length is always real elapsed time, never a wall-clock difference (a weekend shift across the
//! spring change is 63 hours, not 64).

mod content;
pub mod holidays;
pub mod limits;
mod person;
mod timezone;
mod value;

use jiff::tz::{Disambiguation, TimeZone};
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};

pub use holidays::{Holiday, parse_holidays};

use content::{ContentLine, shorten, unescape_text};
use timezone::{VTimeZone, Zones, parse_utc_offset};
use value::{When, parse_duration, parse_when};

/// One person on call for one span of time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shift {
    /// Inclusive. Always before `end`.
    pub start: Timestamp,
    /// Exclusive: a weekly handoff at 09:00 ends one shift and starts the next at the same instant.
    pub end: Timestamp,
    pub person: PersonRef,
    /// The schedule's name when the feed says it (PagerDuty's summary suffix, else the calendar's
    /// `X-WR-CALNAME`).
    pub schedule: Option<String>,
    /// The event's `UID`. Not unique per shift: an event with two attendees gives two shifts.
    pub uid: Option<String>,
}

/// Who a shift belongs to, as far as the feed says. Both fields are `None` when the event names
/// nobody; such shifts are returned anyway so the caller can report them rather than lose them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PersonRef {
    /// Lower-cased, without `mailto:`.
    pub email: Option<String>,
    pub name: Option<String>,
}

/// Why a calendar could not be read. Every variant names the 1-based physical line (where the
/// unfolded content line starts), and the `Display` text starts with `line N: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The text is not iCalendar: a line that is not `NAME:VALUE`, unbalanced `BEGIN`/`END`,
    /// an event without `DTSTART`, and so on.
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    /// A property whose value cannot be used, e.g.
    /// `line 12: DTSTART "2026-13-05T09:00:00Z": not a date-time`.
    #[error("line {line}: {property} {value:?}: {reason}")]
    Value {
        line: usize,
        property: String,
        value: String,
        reason: String,
    },
    /// A `TZID` that names no time zone we can find.
    #[error("line {line}: TZID {tzid:?}: {reason}")]
    TimeZone {
        line: usize,
        tzid: String,
        reason: String,
    },
    /// `RRULE` or `RDATE`: vendor feeds list every shift, and expanding recurrences (with
    /// overrides, exceptions and DST) is a large, error-prone job that no feed needs.
    #[error("line {line}: {property} is not supported: export the rendered schedule")]
    Unsupported { line: usize, property: String },
    /// The calendar goes past one of the [`limits`]: far larger or deeper than any real export,
    /// so it is refused before it can use up the memory, time or stack of whoever reads it.
    #[error("line {line}: {limit}")]
    TooLarge { line: usize, limit: Limit },
}

/// Which of the [`limits`] a calendar went past, and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`limits::MAX_BYTES`].
    Bytes(usize),
    /// [`limits::MAX_LINES`].
    Lines(usize),
    /// [`limits::MAX_LINE_BYTES`].
    LineBytes(usize),
    /// [`limits::MAX_DEPTH`].
    Depth(usize),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Bytes(max) => write!(
                f,
                "the calendar is larger than {max} bytes; export a shorter period"
            ),
            Limit::Lines(max) => write!(
                f,
                "the calendar has more than {max} lines; export a shorter period"
            ),
            Limit::LineBytes(max) => {
                write!(f, "content line longer than {max} bytes once unfolded")
            }
            Limit::Depth(max) => write!(f, "components nested deeper than {max}"),
        }
    }
}

impl ScheduleError {
    /// The 1-based line the problem is on.
    pub fn line(&self) -> usize {
        match self {
            Self::Syntax { line, .. }
            | Self::Value { line, .. }
            | Self::TimeZone { line, .. }
            | Self::Unsupported { line, .. }
            | Self::TooLarge { line, .. } => *line,
        }
    }
}

/// Parses an iCalendar text (one or more `VCALENDAR`s) into shifts, sorted by start, then email
/// (then name, end and uid, so the order never depends on the input's).
///
/// Cancelled events (`STATUS:CANCELLED`) are left out. The first problem found is returned as an
/// error: a schedule half-read would attribute pages to the wrong people without anyone noticing.
///
/// Rules beyond the vendor formats, each chosen so a shift is never silently misplaced:
/// * An event with several `ATTENDEE`s gives one shift per attendee, sharing the event's `uid`.
/// * A local time without `TZID` uses the calendar's `X-WR-TIMEZONE`; with neither it is an error
///   (a floating handoff time means a different instant for every reader). A date with neither
///   is a UTC day.
/// * A date `DTSTART` with no `DTEND` or `DURATION` lasts one day (RFC 5545 §3.6.1); a date-time
///   one is an error.
/// * `DTEND` and `DURATION` together, or a property such as `DTSTART` given twice, is an error.
/// * `RRULE` and `RDATE` are errors: vendor feeds list every rendered shift.
/// * A calendar past one of the [`limits`] (size, lines, line length, nesting) is an error
///   ([`ScheduleError::TooLarge`]) naming the limit and the line where it was passed.
pub fn parse_ical(text: &str) -> Result<Vec<Shift>, ScheduleError> {
    if text.len() > limits::MAX_BYTES {
        // The line the limit falls on, so the message points into the file like every other.
        let cut = &text.as_bytes()[..limits::MAX_BYTES];
        let line = 1 + cut.iter().filter(|b| **b == b'\n').count();
        return Err(ScheduleError::TooLarge {
            line,
            limit: Limit::Bytes(limits::MAX_BYTES),
        });
    }
    let lines = content::content_lines(text)?;
    let tree = build_tree(lines)?;
    let mut shifts = Vec::new();
    for calendar in tree.roots() {
        calendar_shifts(&tree, calendar, &mut shifts)?;
    }
    shifts.sort_by(|a, b| {
        (a.start, &a.person.email, &a.person.name, a.end, &a.uid).cmp(&(
            b.start,
            &b.person.email,
            &b.person.name,
            b.end,
            &b.uid,
        ))
    });
    Ok(shifts)
}

/// A component (`BEGIN:X` … `END:X`) with its own properties and nested components.
#[derive(Debug)]
struct Component {
    name: String,
    line: usize,
    props: Vec<ContentLine>,
    /// Indices into [`Tree::nodes`].
    children: Vec<usize>,
}

/// Every component of the input in one flat list, in the order their `BEGIN`s appear. Flat
/// rather than boxed children so that nothing (building, reading or dropping it) recurses
/// over the input's nesting: depth is bounded by [`limits::MAX_DEPTH`] anyway, but a deep
/// input then costs a typed error, never the reader's stack.
#[derive(Debug, Default)]
struct Tree {
    nodes: Vec<Component>,
    roots: Vec<usize>,
}

impl Tree {
    fn roots(&self) -> impl Iterator<Item = &Component> {
        self.roots.iter().map(|&i| &self.nodes[i])
    }

    fn children<'a>(&'a self, of: &'a Component) -> impl Iterator<Item = &'a Component> {
        of.children.iter().map(|&i| &self.nodes[i])
    }
}

impl Component {
    fn prop(&self, name: &str) -> Option<&ContentLine> {
        self.props.iter().find(|p| p.name == name)
    }

    /// The one `name` property, or an error at the second one: two DTSTARTs leave no right answer.
    fn single(&self, name: &str) -> Result<Option<&ContentLine>, ScheduleError> {
        let mut found = self.props.iter().filter(|p| p.name == name);
        let first = found.next();
        match (first, found.next()) {
            (Some(first), Some(second)) => Err(ScheduleError::Syntax {
                line: second.line,
                message: format!(
                    "{name} appears twice in the {} that starts at line {} (first at line {})",
                    self.name, self.line, first.line
                ),
            }),
            (first, _) => Ok(first),
        }
    }
}

/// Nests the content lines into components; the top-level ones are `VCALENDAR`s.
fn build_tree(lines: Vec<ContentLine>) -> Result<Tree, ScheduleError> {
    let Some(first) = lines.first() else {
        return Err(ScheduleError::Syntax {
            line: 1,
            message: "empty input: expected BEGIN:VCALENDAR".into(),
        });
    };
    let first_line = first.line;
    let mut tree = Tree::default();
    // The open components, innermost last, as indices into `tree.nodes`.
    let mut stack: Vec<usize> = Vec::new();
    for line in lines {
        match line.name.as_str() {
            "BEGIN" => {
                let name = line.value.trim().to_ascii_uppercase();
                if stack.is_empty() && name != "VCALENDAR" {
                    return Err(ScheduleError::Syntax {
                        line: line.line,
                        message: format!("expected BEGIN:VCALENDAR, found BEGIN:{name}"),
                    });
                }
                if stack.len() >= limits::MAX_DEPTH {
                    return Err(ScheduleError::TooLarge {
                        line: line.line,
                        limit: Limit::Depth(limits::MAX_DEPTH),
                    });
                }
                let index = tree.nodes.len();
                tree.nodes.push(Component {
                    name,
                    line: line.line,
                    props: Vec::new(),
                    children: Vec::new(),
                });
                match stack.last() {
                    Some(&parent) => tree.nodes[parent].children.push(index),
                    None => tree.roots.push(index),
                }
                stack.push(index);
            }
            "END" => {
                let name = line.value.trim().to_ascii_uppercase();
                let Some(open) = stack.pop() else {
                    return Err(ScheduleError::Syntax {
                        line: line.line,
                        message: format!("END:{name} without a matching BEGIN"),
                    });
                };
                let open = &tree.nodes[open];
                if open.name != name {
                    return Err(ScheduleError::Syntax {
                        line: line.line,
                        message: format!(
                            "END:{name} does not close BEGIN:{} at line {}",
                            open.name, open.line
                        ),
                    });
                }
            }
            _ => match stack.last() {
                Some(&open) => tree.nodes[open].props.push(line),
                None => {
                    // Typically an HTML login page or a JSON error instead of the feed: say so
                    // rather than returning no shifts.
                    let message = if line.line == first_line {
                        format!(
                            "not an iCalendar file: expected BEGIN:VCALENDAR, found {:?}",
                            shorten(&format!("{}:{}", line.name, line.value))
                        )
                    } else {
                        format!("{} outside BEGIN:VCALENDAR … END:VCALENDAR", line.name)
                    };
                    return Err(ScheduleError::Syntax {
                        line: line.line,
                        message,
                    });
                }
            },
        }
    }
    if let Some(&open) = stack.last() {
        let open = &tree.nodes[open];
        return Err(ScheduleError::Syntax {
            line: open.line,
            message: format!("BEGIN:{} is never closed by END:{}", open.name, open.name),
        });
    }
    Ok(tree)
}

/// Calendar-wide facts an event's interpretation depends on. They may appear after the events
/// (RFC 5545 does not order a calendar's parts), which is why the tree is built first.
struct CalendarContext {
    name: Option<String>,
    /// `X-WR-TIMEZONE` (Apple, Google): the zone for floating times and dates.
    default_tz: Option<ContentLine>,
    zones: Zones,
}

fn calendar_shifts(
    tree: &Tree,
    calendar: &Component,
    out: &mut Vec<Shift>,
) -> Result<(), ScheduleError> {
    let mut zones = Zones::default();
    for vtz in tree.children(calendar).filter(|c| c.name == "VTIMEZONE") {
        let Some(tzid) = vtz.prop("TZID") else {
            continue;
        };
        let definition = VTimeZone {
            lic_location: vtz.prop("X-LIC-LOCATION").map(|p| p.value.clone()),
            offsets_to: tree
                .children(vtz)
                .filter_map(|part| part.prop("TZOFFSETTO"))
                .filter_map(|p| parse_utc_offset(&p.value))
                .collect(),
        };
        zones
            .defined
            .insert(tzid.value.trim().to_owned(), definition);
    }
    let context = CalendarContext {
        name: calendar
            .prop("X-WR-CALNAME")
            .map(|p| unescape_text(&p.value).trim().to_owned())
            .filter(|n| !n.is_empty()),
        default_tz: calendar
            .prop("X-WR-TIMEZONE")
            .filter(|p| !p.value.trim().is_empty())
            .cloned(),
        zones,
    };
    for event in tree.children(calendar).filter(|c| c.name == "VEVENT") {
        event_shifts(event, &context, out)?;
    }
    Ok(())
}

fn event_shifts(
    event: &Component,
    context: &CalendarContext,
    out: &mut Vec<Shift>,
) -> Result<(), ScheduleError> {
    if event
        .prop("STATUS")
        .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("CANCELLED"))
    {
        return Ok(());
    }
    if let Some(rule) = event
        .props
        .iter()
        .find(|p| p.name == "RRULE" || p.name == "RDATE")
    {
        return Err(ScheduleError::Unsupported {
            line: rule.line,
            property: rule.name.clone(),
        });
    }
    let Some(dtstart) = event.single("DTSTART")? else {
        return Err(ScheduleError::Syntax {
            line: event.line,
            message: "VEVENT has no DTSTART".into(),
        });
    };
    let start = resolve_when(dtstart, context)?;
    let dtend = event.single("DTEND")?;
    let duration = event.single("DURATION")?;
    let (end, end_prop) = match (dtend, duration) {
        (Some(dtend), None) => (resolve_when(dtend, context)?.timestamp(), dtend),
        (None, Some(duration)) => {
            let span =
                parse_duration(&duration.value).map_err(|reason| value_error(duration, reason))?;
            let end = start
                .zoned
                .checked_add(span)
                .map_err(|e| value_error(duration, format!("end is out of range: {e}")))?;
            (end.timestamp(), duration)
        }
        (Some(_), Some(duration)) => {
            return Err(ScheduleError::Syntax {
                line: duration.line,
                message: "an event may have DTEND or DURATION, not both (RFC 5545 §3.6.1)".into(),
            });
        }
        (None, None) if start.whole_day => {
            // RFC 5545 §3.6.1: an all-day DTSTART with neither DTEND nor DURATION lasts one day.
            let end = start
                .zoned
                .checked_add(jiff::Span::new().days(1))
                .map_err(|e| value_error(dtstart, format!("end is out of range: {e}")))?;
            (end.timestamp(), dtstart)
        }
        (None, None) => {
            return Err(value_error(
                dtstart,
                "the event has neither DTEND nor DURATION, so its end is unknown".into(),
            ));
        }
    };
    let start_ts = start.timestamp();
    if end <= start_ts {
        return Err(value_error(
            end_prop,
            format!("the event would end at {end}, not after its start {start_ts}"),
        ));
    }
    let summary = event.prop("SUMMARY").map(|p| unescape_text(&p.value));
    let found = person::people(event, summary.as_deref());
    let schedule = found.schedule.or_else(|| context.name.clone());
    let uid = event
        .prop("UID")
        .map(|p| unescape_text(&p.value).trim().to_owned())
        .filter(|u| !u.is_empty());
    for person in found.people {
        out.push(Shift {
            start: start_ts,
            end,
            person,
            schedule: schedule.clone(),
            uid: uid.clone(),
        });
    }
    Ok(())
}

fn value_error(prop: &ContentLine, reason: String) -> ScheduleError {
    ScheduleError::Value {
        line: prop.line,
        property: prop.name.clone(),
        value: shorten(&prop.value),
        reason,
    }
}

/// A resolved DTSTART/DTEND: the instant, kept in its zone so that a DURATION's days can be
/// added in local time.
struct Resolved {
    zoned: Zoned,
    whole_day: bool,
}

impl Resolved {
    fn timestamp(&self) -> Timestamp {
        self.zoned.timestamp()
    }
}

/// Turns a DATE or DATE-TIME property into an instant.
fn resolve_when(prop: &ContentLine, context: &CalendarContext) -> Result<Resolved, ScheduleError> {
    let when = parse_when(&prop.value).ok_or_else(|| {
        let expected = if prop
            .param("VALUE")
            .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        {
            "not a date"
        } else {
            "not a date-time"
        };
        value_error(prop, expected.into())
    })?;
    let (civil, whole_day) = match when {
        // RFC 5545 §3.3.5: a TZID together with a UTC time is invalid; the `Z` is explicit, so
        // it wins over the parameter.
        When::Utc(dt) => {
            let zoned = dt
                .to_zoned(TimeZone::UTC)
                .map_err(|e| value_error(prop, format!("out of range: {e}")))?;
            return Ok(Resolved {
                zoned,
                whole_day: false,
            });
        }
        When::Local(dt) => (dt, false),
        // Whole local days: a date starts at local midnight of that day.
        When::Day(date) => (date.to_datetime(jiff::civil::Time::midnight()), true),
    };
    let tz = if let Some(tzid) = prop.param("TZID") {
        context
            .zones
            .resolve(tzid)
            .map_err(|reason| ScheduleError::TimeZone {
                line: prop.line,
                tzid: tzid.to_owned(),
                reason,
            })?
    } else if let Some(default) = &context.default_tz {
        let tzid = default.value.trim();
        context
            .zones
            .resolve(tzid)
            .map_err(|reason| ScheduleError::TimeZone {
                line: default.line,
                tzid: tzid.to_owned(),
                reason: format!("{reason} (X-WR-TIMEZONE, needed for line {})", prop.line),
            })?
    } else if whole_day {
        // A date with no zone at all: take UTC days rather than refuse, since an all-day entry
        // is a rough statement anyway. Documented in the crate's API.
        TimeZone::UTC
    } else {
        // A floating time is "whatever the reader's clock says": for on-call that would move
        // every handoff by the reader's offset, so refuse instead of guessing.
        return Err(value_error(
            prop,
            "a local time with no TZID parameter (and no X-WR-TIMEZONE): cannot tell which time zone it is in".into(),
        ));
    };
    // Disambiguation::Compatible is exactly RFC 5545 §3.3.5: a local time that happens twice
    // (the autumn fold) is "the first occurrence", i.e. the earlier instant; a local time that
    // does not exist (the spring gap) is "interpreted using the UTC offset before the gap", which
    // moves it forward by the gap's length (02:30 New York on 2026-03-08 is 03:30 EDT).
    let zoned = tz
        .to_ambiguous_zoned(civil)
        .disambiguate(Disambiguation::Compatible)
        .map_err(|e| value_error(prop, format!("out of range: {e}")))?;
    Ok(Resolved { zoned, whole_day })
}
