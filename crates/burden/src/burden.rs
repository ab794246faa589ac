//! One person's burden over a period.

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::hours::{Category, PersonHours, RawClass, epoch_day_to_date};
use crate::interruptions::{Period, starts_interruption};

/// Interruptions by category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterruptionCounts {
    /// In working hours on a working day.
    pub business: u32,
    /// Outside working hours and the sleep window.
    pub off: u32,
    /// In the sleep window.
    pub sleep: u32,
    /// All interruptions: `business + off + sleep`.
    pub total: u32,
}

impl InterruptionCounts {
    /// The count for one category.
    pub fn get(&self, category: Category) -> u32 {
        match category {
            Category::Business => self.business,
            Category::Off => self.off,
            Category::Sleep => self.sleep,
        }
    }
}

/// Interruptions filed under one date of a night-by-night heatmap: sleep interruptions under their
/// night's date (so 02:00 on 5 March colours the cell of the night of 4 March, the same cell as 23:30
/// on 4 March), business and off interruptions under their local date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCounts {
    /// The date, `YYYY-MM-DD` in JSON.
    pub date: Date,
    /// Business interruptions on this local date.
    pub business: u32,
    /// Off interruptions on this local date.
    pub off: u32,
    /// Sleep interruptions in the night that began on this date.
    pub sleep: u32,
}

/// One person's burden over a period. Serialises as the API's
/// `{"interruptions":{"business":n,"off":n,"sleep":n,"total":n},"disrupted_nights":n,
/// "longest_disrupted_streak":n,"nights":["YYYY-MM-DD",...],"days":[...]}`.
/// A person with no interruptions gets zeros and empty lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Burden {
    /// Interruptions starting in the period, by category.
    pub interruptions: InterruptionCounts,
    /// Distinct nights with at least one sleep interruption.
    pub disrupted_nights: u32,
    /// The longest run of calendar-consecutive disrupted nights.
    pub longest_disrupted_streak: u32,
    /// The disrupted nights, ascending, each named by the local date on which its sleep window began.
    pub nights: Vec<Date>,
    /// Heatmap cells, ascending by date, only for dates with at least one interruption.
    pub days: Vec<DayCounts>,
}

/// One person's burden over `period`, from their notifications sorted ascending.
///
/// * Notifications group into interruptions by [`crate::MERGE_WINDOW`], chaining from each previous
///   notification.
/// * An interruption counts when its *start* is in the period. Pass notifications from before
///   `period.from()` too (the one just before is enough): a notification at `from + 10 s` that follows
///   one at `from − 20 s` continues an interruption that started before the period, so it must not
///   count. Notifications at or after `period.to()` are ignored.
/// * Each interruption is classified by [`PersonHours::classify`] at its start.
///
/// Unsorted input is sorted first (a copy; sorted input, the normal case, is checked in one pass and
/// used as is). Time: O(n) for sorted input plus O(log n) to find the period; one time zone offset
/// lookup per DST transition crossed; allocation only for the output.
pub fn burden(hours: &PersonHours, sorted_notifications: &[Timestamp], period: Period) -> Burden {
    let notifications: Cow<'_, [Timestamp]> = if sorted_notifications.is_sorted() {
        Cow::Borrowed(sorted_notifications)
    } else {
        let mut owned = sorted_notifications.to_vec();
        owned.sort_unstable();
        Cow::Owned(owned)
    };
    let notifications = &*notifications;
    // Whether the first notification in the period starts an interruption depends only on the one
    // before it, so there is no need to walk the earlier history.
    let first = notifications.partition_point(|&t| t < period.from());
    let mut previous = first.checked_sub(1).map(|i| notifications[i]);
    let mut classifier = hours.classifier();
    let mut tally = Tally::default();
    for &at in &notifications[first..] {
        if at >= period.to() {
            break;
        }
        if starts_interruption(previous, at) {
            tally.add(classifier.classify_raw(at));
        }
        previous = Some(at);
    }
    tally.finish()
}

/// Counts per heatmap key (epoch day), kept sorted. Keys arrive almost always in ascending order (the
/// key is the local date shifted by the sleep window's end, which only goes backwards when a clock is
/// turned back), so appending or bumping the last cell is the common case and no map is needed.
#[derive(Default)]
struct Tally {
    counts: [u32; 3],
    cells: Vec<(i32, [u32; 3])>,
}

impl Tally {
    #[inline]
    fn add(&mut self, c: RawClass) {
        let i = c.category as usize;
        self.counts[i] += 1;
        match self.cells.last_mut() {
            Some((key, cell)) if *key == c.key => cell[i] += 1,
            Some((key, _)) if *key > c.key => self.add_out_of_order(c.key, i),
            _ => {
                let mut cell = [0; 3];
                cell[i] = 1;
                self.cells.push((c.key, cell));
            }
        }
    }

    #[cold]
    fn add_out_of_order(&mut self, key: i32, i: usize) {
        match self.cells.binary_search_by_key(&key, |&(k, _)| k) {
            Ok(at) => self.cells[at].1[i] += 1,
            Err(at) => {
                let mut cell = [0; 3];
                cell[i] = 1;
                self.cells.insert(at, (key, cell));
            }
        }
    }

    fn finish(self) -> Burden {
        let [business, off, sleep] = self.counts;
        let mut nights = Vec::new();
        let mut longest = 0u32;
        let mut run = 0u32;
        let mut last_night: Option<i32> = None;
        for &(key, cell) in &self.cells {
            if cell[Category::Sleep as usize] == 0 {
                continue;
            }
            run = if last_night == Some(key - 1) {
                run + 1
            } else {
                1
            };
            longest = longest.max(run);
            last_night = Some(key);
            nights.push(epoch_day_to_date(key));
        }
        Burden {
            interruptions: InterruptionCounts {
                business,
                off,
                sleep,
                total: business + off + sleep,
            },
            // At most one night per input notification, so far below u32::MAX.
            disrupted_nights: nights.len() as u32,
            longest_disrupted_streak: longest,
            nights,
            days: self
                .cells
                .iter()
                .map(|&(key, [business, off, sleep])| DayCounts {
                    date: epoch_day_to_date(key),
                    business,
                    off,
                    sleep,
                })
                .collect(),
        }
    }
}
