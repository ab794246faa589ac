//! What wakes people (issue 9, item 8): a team's alert sources ranked by the sleep and
//! off-hours interruptions they caused, with how often each was resolved with no action.
//!
//! The rules are the burden rules: each person's pages group into interruptions
//! ([`crate::MERGE_WINDOW`]), an interruption is classified at its start by that person's
//! hours, and it is counted for the alert source of its first page. An interruption
//! "needed no action" when its incident was resolved without being acknowledged (it
//! resolved itself) or within [`NO_ACTION_MINUTES`] of starting: the alert woke someone for
//! something that went away on its own.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::hours::{Category, PersonHours};
use crate::interruptions::{Period, starts_interruption};

/// An incident resolved this soon after it started is counted as needing no action.
pub const NO_ACTION_MINUTES: i64 = 10;

/// One page to one person, with what the report groups it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertPage {
    /// An index into the `hours` slice given to [`rank`].
    pub person: usize,
    pub at: Timestamp,
    /// Where it came from: the integration's name (or the sender's name when unknown).
    pub integration: String,
    /// The alert's name or rule: the page's title.
    pub alert: String,
    /// Its incident's start, acknowledgement and resolution, when known.
    pub incident_started: Option<Timestamp>,
    pub acknowledged: Option<Timestamp>,
    pub resolved: Option<Timestamp>,
}

impl AlertPage {
    /// Whether the incident went away with nobody doing anything.
    pub fn needed_no_action(&self) -> bool {
        match (self.resolved, self.acknowledged, self.incident_started) {
            (None, _, _) => false,
            // Resolved with nobody acknowledging it: it went away by itself.
            (Some(_), None, _) => true,
            (Some(resolved), Some(_), Some(started)) => {
                resolved.duration_since(started) <= SignedDuration::from_mins(NO_ACTION_MINUTES)
            }
            (Some(_), Some(_), None) => false,
        }
    }
}

/// One alert source's toll over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertSource {
    pub integration: String,
    pub alert: String,
    /// Interruptions it started, by category.
    pub sleep: u32,
    pub off: u32,
    pub business: u32,
    /// Of its sleep and off-hours interruptions, how many needed no action.
    pub no_action: u32,
    /// Its part of the team's sleep interruptions (0..=1).
    pub sleep_share: f64,
    /// The sleep share of this source and every one ranked above it.
    pub cumulative_sleep_share: f64,
}

/// The ranking: most sleep interruptions first, then most off-hours ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertRanking {
    pub sources: Vec<AlertSource>,
    pub sleep: u32,
    pub off: u32,
    pub business: u32,
}

impl AlertRanking {
    /// "These 3 alerts caused 60% of your sleep interruptions": how many of the top
    /// sources (at most `top`) and their share.
    pub fn top_sleep_share(&self, top: usize) -> (usize, f64) {
        let n = self
            .sources
            .iter()
            .take(top)
            .filter(|s| s.sleep > 0)
            .count();
        let share = self
            .sources
            .get(n.saturating_sub(1))
            .filter(|_| n > 0)
            .map_or(0.0, |s| s.cumulative_sleep_share);
        (n, share)
    }
}

/// Ranks alert sources by the interruptions they started in `period`. `pages` may be in
/// any order; pages before the period matter only as what an interruption continues.
pub fn rank(hours: &[PersonHours], pages: &[AlertPage], period: Period) -> AlertRanking {
    let mut by_person: HashMap<usize, Vec<&AlertPage>> = HashMap::new();
    for p in pages.iter().filter(|p| p.person < hours.len()) {
        by_person.entry(p.person).or_default().push(p);
    }
    let mut tally: HashMap<(String, String), [u32; 4]> = HashMap::new();
    let (mut sleep, mut off, mut business) = (0u32, 0u32, 0u32);
    for (person, mut mine) in by_person {
        mine.sort_by_key(|p| p.at);
        let mut previous = None;
        for p in mine {
            let starts = starts_interruption(previous, p.at);
            previous = Some(p.at);
            if !starts || p.at < period.from() || p.at >= period.to() {
                continue;
            }
            let cell = tally
                .entry((p.integration.clone(), p.alert.clone()))
                .or_insert([0; 4]);
            let category = hours[person].classify(p.at).category;
            match category {
                Category::Sleep => {
                    cell[0] += 1;
                    sleep += 1;
                }
                Category::Off => {
                    cell[1] += 1;
                    off += 1;
                }
                Category::Business => {
                    cell[2] += 1;
                    business += 1;
                }
            }
            if p.needed_no_action() && category != Category::Business {
                cell[3] += 1;
            }
        }
    }
    let mut sources: Vec<AlertSource> = tally
        .into_iter()
        .map(|((integration, alert), c)| AlertSource {
            integration,
            alert,
            sleep: c[0],
            off: c[1],
            business: c[2],
            no_action: c[3],
            sleep_share: if sleep == 0 {
                0.0
            } else {
                f64::from(c[0]) / f64::from(sleep)
            },
            cumulative_sleep_share: 0.0,
        })
        .collect();
    sources.sort_by(|a, b| {
        (b.sleep, b.off, b.business)
            .cmp(&(a.sleep, a.off, a.business))
            .then_with(|| (&a.integration, &a.alert).cmp(&(&b.integration, &b.alert)))
    });
    let mut running = 0u32;
    for s in &mut sources {
        running += s.sleep;
        s.cumulative_sleep_share = if sleep == 0 {
            0.0
        } else {
            f64::from(running) / f64::from(sleep)
        };
    }
    AlertRanking {
        sources,
        sleep,
        off,
        business,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn page(person: usize, at: &str, alert: &str) -> AlertPage {
        AlertPage {
            person,
            at: ts(at),
            integration: "pagerduty".into(),
            alert: alert.into(),
            incident_started: Some(ts(at)),
            acknowledged: Some(ts(at)),
            resolved: None,
        }
    }

    #[test]
    fn sources_rank_by_sleep_interruptions_and_count_what_needed_no_action() {
        // Both in London with the defaults: sleep 22:00–08:00, work 08:00–18:00 Mon–Fri.
        let h = PersonHours::with_defaults(TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC));
        let hours = [h.clone(), h];
        let mut disk = page(0, "2027-01-05T03:00:00Z", "disk full");
        // Resolved by itself, never acknowledged.
        disk.acknowledged = None;
        disk.resolved = Some(ts("2027-01-05T03:20:00Z"));
        let mut flap = page(1, "2027-01-06T02:00:00Z", "disk full");
        // Acknowledged and resolved within 5 minutes.
        flap.resolved = Some(ts("2027-01-06T02:05:00Z"));
        let pages = vec![
            disk,
            // 30 s later: the same interruption, not counted again.
            page(0, "2027-01-05T03:00:30Z", "latency"),
            flap,
            page(0, "2027-01-06T23:00:00Z", "latency"),
            page(1, "2027-01-06T19:00:00Z", "latency"),
            page(1, "2027-01-06T12:00:00Z", "cert expiry"),
            // Before the period: ignored.
            page(1, "2026-12-31T03:00:00Z", "cert expiry"),
        ];
        let period = Period::new(ts("2027-01-01T00:00:00Z"), ts("2027-02-01T00:00:00Z"));
        let Ok(period) = period else {
            panic!("a period")
        };
        let r = rank(&hours, &pages, period);
        assert_eq!((r.sleep, r.off, r.business), (3, 1, 1));
        let names: Vec<&str> = r.sources.iter().map(|s| s.alert.as_str()).collect();
        assert_eq!(names, ["disk full", "latency", "cert expiry"]);
        assert_eq!(r.sources[0].sleep, 2);
        assert_eq!(r.sources[0].no_action, 2);
        assert!((r.sources[0].sleep_share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            (r.sources[1].sleep, r.sources[1].off, r.sources[1].no_action),
            (1, 1, 0)
        );
        assert!((r.sources[1].cumulative_sleep_share - 1.0).abs() < 1e-9);
        assert_eq!(r.top_sleep_share(3), (2, 1.0));
        assert_eq!(r.top_sleep_share(1).0, 1);
    }
}
