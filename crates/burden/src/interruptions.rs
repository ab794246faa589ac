//! Grouping one person's notifications into interruptions, and the period they are counted in.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::BurdenError;

/// Notifications to one person less than this long after the previous one belong to the same
/// interruption. PagerDuty (Insights): "Notifications that arrive within 60 seconds of each other are
/// counted as a single interruption."
///
/// The gap is measured from the *previous notification*, not from the interruption's start, so a page
/// repeated every 40 seconds for five minutes is one interruption: each repeat is within 60 seconds "of"
/// the one before. A gap of exactly 60 seconds starts a new interruption, as in the DuckDB reference
/// (`gap >= INTERVAL 60 SECOND`).
pub const MERGE_WINDOW: SignedDuration = SignedDuration::from_secs(60);

/// Whether the notification at `at`, following `previous`, starts a new interruption.
#[inline]
pub(crate) fn starts_interruption(previous: Option<Timestamp>, at: Timestamp) -> bool {
    match previous {
        None => true,
        Some(p) => at.duration_since(p) >= MERGE_WINDOW,
    }
}

/// The starts of the interruptions formed by one person's notifications, which must be sorted
/// ascending (unsorted input groups by neighbour in the order given, which is meaningless;
/// [`crate::burden`] sorts for you if needed). An interruption starts at its first notification.
///
/// Allocation-free: collect it if you need a `Vec`.
pub fn interruption_starts(sorted_notifications: &[Timestamp]) -> InterruptionStarts<'_> {
    InterruptionStarts {
        notifications: sorted_notifications,
        next: 0,
    }
}

/// Iterator returned by [`interruption_starts`].
#[derive(Clone, Debug)]
pub struct InterruptionStarts<'a> {
    notifications: &'a [Timestamp],
    next: usize,
}

impl Iterator for InterruptionStarts<'_> {
    type Item = Timestamp;

    fn next(&mut self) -> Option<Timestamp> {
        while let Some(&at) = self.notifications.get(self.next) {
            let previous = self
                .next
                .checked_sub(1)
                .and_then(|i| self.notifications.get(i).copied());
            self.next += 1;
            if starts_interruption(previous, at) {
                return Some(at);
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Only the very first notification is certain to start an interruption; later ones may all
        // continue the current one.
        let left = self.notifications.len() - self.next;
        (usize::from(self.next == 0 && left > 0), Some(left))
    }
}

/// A half-open period `[from, to)` of instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPeriod")]
pub struct Period {
    from: Timestamp,
    to: Timestamp,
}

#[derive(Deserialize)]
struct RawPeriod {
    from: Timestamp,
    to: Timestamp,
}

impl TryFrom<RawPeriod> for Period {
    type Error = BurdenError;

    fn try_from(raw: RawPeriod) -> Result<Self, Self::Error> {
        Period::new(raw.from, raw.to)
    }
}

impl Period {
    /// The period `[from, to)`; `from` must be before `to`.
    pub fn new(from: Timestamp, to: Timestamp) -> Result<Self, BurdenError> {
        if from < to {
            Ok(Period { from, to })
        } else {
            Err(BurdenError::Period { from, to })
        }
    }

    /// The first instant in the period.
    pub fn from(&self) -> Timestamp {
        self.from
    }

    /// The first instant after the period.
    pub fn to(&self) -> Timestamp {
        self.to
    }

    /// Whether `at` is in the period: `from <= at < to`.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.to
    }
}
