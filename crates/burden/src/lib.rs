//! The burden of pages on the people who carry the pager: pure functions, no I/O.
//!
//! Given one person's notifications, their time zone and their hours, [`burden`] counts their
//! interruptions over a period by category (business, off, sleep), the nights disturbed and the longest
//! run of disturbed nights; [`team_spread`] shows who in a team carries the most of them.
//!
//! The rules (issue 2, item 7), following PagerDuty's definitions where PagerDuty has one (quoted in
//! `shared/research/interruption-definitions.md`):
//!
//! 1. **Interruptions.** Notifications to one person group into interruptions: a notification less than
//!    60 seconds ([`MERGE_WINDOW`]) after the previous notification joins that notification's
//!    interruption, otherwise it starts a new one. An interruption starts at its first notification.
//! 2. **Period.** An interruption counts in a period `[from, to)` when its start does.
//! 3. **Category** ([`PersonHours::classify`]), from the start in the person's local time, first match
//!    wins: sleep if the time of day is in the sleep window; business if the weekday is a working day and
//!    the time is in working hours; else off. Windows are `[start, end)`; a start after the end spans
//!    midnight; a start equal to the end is an empty window ([`DailyWindow`]).
//! 4. **Nights.** A sleep interruption belongs to the night named by the local date on which its sleep
//!    window began. Disrupted nights are the distinct nights with a sleep interruption; the longest
//!    streak is the longest run of calendar-consecutive disrupted nights.
//!
//! # Time zone data
//!
//! Time zones come from jiff's database, which on Unix reads the system's `/usr/share/zoneinfo` (Debian's
//! `tzdata`, kept current by the system). Where that may be missing (a slim container image), enable
//! this crate's `bundled-tzdb` feature: jiff then embeds a copy of the database and falls back to it
//! when no system copy is found. This crate's own tests always enable it, so they pass on either.

pub mod alerts;
mod burden;
mod error;
mod hours;
mod interruptions;
mod team;

pub use crate::alerts::{AlertPage, AlertRanking, AlertSource, NO_ACTION_MINUTES, rank};
pub use crate::burden::{Burden, DayCounts, InterruptionCounts, burden};
pub use crate::error::BurdenError;
pub use crate::hours::{
    Category, Classified, Classifier, DailyWindow, HoursSettings, PersonHours, WorkingDays,
};
pub use crate::interruptions::{InterruptionStarts, MERGE_WINDOW, Period, interruption_starts};
pub use crate::team::{MemberShare, TeamSpread, team_spread};
