//! The one error type of the crate: every message names the field, quotes the input and says why it was
//! refused, because these strings end up in front of whoever wrote a CSV or filled in a form.

use jiff::Timestamp;

/// Why a setting or a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BurdenError {
    /// A set of working days did not parse, e.g.
    /// `working days "mon-fry": unknown day "fry" (use mon, tue, wed, thu, fri, sat, sun)`.
    #[error("working days {input:?}: {reason}")]
    WorkingDays {
        /// The text as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A time of day did not parse, e.g. `sleep window end "25:00": not a time of day HH:MM`.
    #[error("{field} {input:?}: {reason}")]
    TimeOfDay {
        /// Which setting, e.g. `sleep window end`.
        field: String,
        /// The text as given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A period whose start is not before its end: a half-open period `[from, to)` with `from >= to`
    /// would hold nothing, which is always a caller's mistake rather than a question worth answering.
    #[error("period: from {from} must be before to {to}")]
    Period {
        /// The requested start.
        from: Timestamp,
        /// The requested end.
        to: Timestamp,
    },
}
