//! How large and how deep a calendar may be. Past any of these, [`parse_ical`](crate::parse_ical)
//! returns [`ScheduleError::TooLarge`](crate::ScheduleError::TooLarge) with the limit and the
//! line where it was passed, instead of spending the memory, time or stack of the server or
//! command that reads it.
//!
//! Each limit is far above what a real export needs. The largest real files are PagerDuty and
//! Opsgenie exports of a whole year ahead: one `VEVENT` of about ten short lines (400 to 600
//! bytes) per rendered on-call span, which for a busy schedule with daily handoffs and overrides
//! is a few thousand events, a few megabytes and under a hundred thousand lines.

/// The whole text, in bytes: 16 MiB, several times the few megabytes of a year-ahead export.
/// Parsing keeps every line in memory (a few times the input), so this bounds the memory a
/// calendar can take to well under a gigabyte whatever is in it.
pub const MAX_BYTES: usize = 16 << 20;

/// Physical lines: 1,000,000. A real export averages 40 to 60 bytes a line, so 16 MiB of it is
/// about 350,000 lines; a million leaves room for that while refusing the same 16 MiB made of
/// three-byte lines, each of which would cost a parsed line's bookkeeping (about 100 bytes).
pub const MAX_LINES: usize = 1_000_000;

/// One content line after unfolding, in bytes: 1 MiB. RFC 5545 folds lines at 75 bytes; the
/// longest unfolded lines in practice are HTML descriptions (`X-ALT-DESC`) of a few kilobytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Components open at once, counting `VCALENDAR`: 16. RFC 5545 nests three deep at most
/// (`VCALENDAR` > `VEVENT` > `VALARM`, `VCALENDAR` > `VTIMEZONE` > `STANDARD`); 16 leaves room
/// for vendor `X-` components inside those. Nothing in the parser recurses over nesting, so a
/// deeper file could not overflow a stack; it is refused because it is not a calendar (the
/// 40,000-deep upload that once crashed the server is one).
pub const MAX_DEPTH: usize = 16;
