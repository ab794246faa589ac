//! Peer pairing after an incident (issue 7, item 3).
//!
//! Scott's three-tier model (forYOU, University of Missouri; `shared/research/oncall-guidance.md`) puts
//! trained peers in tier 2: one to one, confidential, about the person's reaction rather than the
//! details. Two rules follow for who may be that peer:
//!
//! * **not someone who was in the incident**: they are second or third victims themselves (seed 000),
//!   and a fellow participant is the person least able to listen without going over what went wrong;
//! * **not a lead of the participant's team**: the conversation must be safe to have, and a lead holds
//!   power over the participant's work; nothing reaches a manager without the person's consent.
//!
//! Among the eligible, the choice prefers someone whose working hours overlap the participant's (a
//! supporter who is asleep whenever the participant works cannot reach out in time), and then spreads
//! the load: supporters are people too, and Scott's tier 2 is 1–3 contacts each. Exactly:
//!
//! 1. supporters with some overlap come before supporters with none;
//! 2. then the supporter with the fewest pairings so far (their current load plus this incident's);
//! 3. then the most overlap;
//! 4. then the lowest id, so the result is deterministic.
//!
//! Load comes before the amount of overlap on purpose: otherwise the one volunteer whose hours match
//! the team best would get every pairing.

use std::collections::{BTreeMap, BTreeSet};

use aftercare_burden::PersonHours;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::deliver::is_allowed;

/// A person, as the caller's store numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PersonId(pub i64);

/// Overlap is measured in slots of this length over the week after the incident.
pub const SLOT: SignedDuration = SignedDuration::from_mins(15);
const SLOTS: usize = 7 * 24 * 4;
const WORDS: usize = SLOTS.div_ceil(64);

/// Someone who was in the incident and may be paired.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: PersonId,
    pub hours: PersonHours,
    /// The leads of the participant's team (or teams).
    pub team_leads: BTreeSet<PersonId>,
    /// The participant said no to pairing: they get none.
    pub declined: bool,
}

/// Someone who volunteered as a peer supporter.
#[derive(Debug, Clone)]
pub struct Volunteer {
    pub id: PersonId,
    pub hours: PersonHours,
    /// How many people they are supporting already.
    pub load: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Paired {
        supporter: PersonId,
        /// Minutes in the week after the incident when both are in working time.
        overlap_minutes: u32,
    },
    /// The participant declined pairing.
    Declined,
    /// Every volunteer was in the incident or leads the participant's team (or there are none).
    NoEligibleSupporter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pairing {
    pub participant: PersonId,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A person's working time over the week from `from`, as a bitset of [`SLOT`]s (allowed at the slot's
/// start).
fn week(hours: &PersonHours, from: Timestamp) -> [u64; WORDS] {
    let mut bits = [0u64; WORDS];
    let mut t = from;
    for i in 0..SLOTS {
        if is_allowed(hours, t) {
            bits[i / 64] |= 1 << (i % 64);
        }
        match t.checked_add(SLOT) {
            Ok(next) => t = next,
            Err(_) => break,
        }
    }
    bits
}

fn overlap_minutes(a: &[u64; WORDS], b: &[u64; WORDS]) -> u32 {
    let slots: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
    // At most 672 slots of 15 minutes: no overflow.
    slots * 15
}

/// Whether `volunteer` may support `participant` at all.
pub fn eligible(
    participant: &Participant,
    volunteer: PersonId,
    in_incident: &BTreeSet<PersonId>,
) -> bool {
    volunteer != participant.id
        && !in_incident.contains(&volunteer)
        && !participant.team_leads.contains(&volunteer)
}

/// Pairs each participant of an incident with a supporter.
///
/// `in_incident` is everyone who took part in the incident (participants are added to it whatever the
/// caller passes); `week_from` is when the week of overlap is measured from, normally the resolution.
/// Participants are taken in id order and each is paired once (a repeated id keeps its first entry);
/// the result is in that order and does not depend on the order of the inputs.
pub fn pair(
    participants: &[Participant],
    volunteers: &[Volunteer],
    in_incident: &BTreeSet<PersonId>,
    week_from: Timestamp,
) -> Vec<Pairing> {
    let mut people: BTreeMap<PersonId, &Participant> = BTreeMap::new();
    for p in participants {
        people.entry(p.id).or_insert(p);
    }
    let mut excluded = in_incident.clone();
    excluded.extend(people.keys().copied());

    let mut supporters: BTreeMap<PersonId, (&Volunteer, [u64; WORDS])> = BTreeMap::new();
    for v in volunteers {
        if !excluded.contains(&v.id) && !supporters.contains_key(&v.id) {
            supporters.insert(v.id, (v, week(&v.hours, week_from)));
        }
    }
    let mut load: BTreeMap<PersonId, u64> = supporters
        .iter()
        .map(|(id, (v, _))| (*id, u64::from(v.load)))
        .collect();

    people
        .values()
        .map(|p| {
            if p.declined {
                return Pairing {
                    participant: p.id,
                    outcome: Outcome::Declined,
                };
            }
            let mine = week(&p.hours, week_from);
            let best = supporters
                .iter()
                .filter(|(id, _)| eligible(p, **id, &excluded))
                .map(|(id, (_, w))| {
                    let overlap = overlap_minutes(&mine, w);
                    let running = load.get(id).copied().unwrap_or(0);
                    (
                        (overlap == 0, running, std::cmp::Reverse(overlap), *id),
                        overlap,
                    )
                })
                .min_by_key(|(key, _)| *key);
            match best {
                Some(((_, _, _, supporter), overlap)) => {
                    *load.entry(supporter).or_insert(0) += 1;
                    Pairing {
                        participant: p.id,
                        outcome: Outcome::Paired {
                            supporter,
                            overlap_minutes: overlap,
                        },
                    }
                }
                None => Pairing {
                    participant: p.id,
                    outcome: Outcome::NoEligibleSupporter,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftercare_burden::{DailyWindow, WorkingDays};
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    fn at() -> Timestamp {
        "2026-03-03T12:00:00Z".parse().unwrap()
    }

    fn utc() -> PersonHours {
        PersonHours::with_defaults(TimeZone::UTC)
    }

    fn participant(id: i64, leads: &[i64]) -> Participant {
        Participant {
            id: PersonId(id),
            hours: utc(),
            team_leads: leads.iter().map(|&l| PersonId(l)).collect(),
            declined: false,
        }
    }

    fn volunteer(id: i64, load: u32, hours: PersonHours) -> Volunteer {
        Volunteer {
            id: PersonId(id),
            hours,
            load,
        }
    }

    fn supporter(p: &Pairing) -> Option<i64> {
        match p.outcome {
            Outcome::Paired { supporter, .. } => Some(supporter.0),
            _ => None,
        }
    }

    #[test]
    fn excludes_incident_members_and_leads_and_honours_declines() {
        let mut declined = participant(3, &[]);
        declined.declined = true;
        let ps = [participant(1, &[10]), participant(2, &[11]), declined];
        let vs = [
            volunteer(10, 0, utc()),
            volunteer(11, 0, utc()),
            volunteer(12, 5, utc()),
            volunteer(2, 0, utc()),
        ];
        let in_incident = BTreeSet::from([PersonId(12)]);
        let out = pair(&ps, &vs, &in_incident, at());
        // 1 may not have 10 (lead), 12 (in the incident) or 2 (a participant): 11.
        assert_eq!(supporter(&out[0]), Some(11));
        // 2 may not have 11 (lead): 10.
        assert_eq!(supporter(&out[1]), Some(10));
        assert_eq!(out[2].outcome, Outcome::Declined);
    }

    #[test]
    fn prefers_overlap_then_spreads_load() {
        let mut night = utc();
        night.time_zone = TimeZone::get("Pacific/Auckland").unwrap();
        night.working_days = WorkingDays::ALL;
        night.working_hours = DailyWindow::parse("20:00", "21:00").unwrap();
        // Volunteer 5 never overlaps with UTC working time on 08:00-18:00 (Auckland 20:00 is 07:00 UTC).
        let vs = [
            volunteer(5, 0, night),
            volunteer(6, 1, utc()),
            volunteer(7, 0, utc()),
        ];
        let ps = [
            participant(1, &[]),
            participant(2, &[]),
            participant(3, &[]),
        ];
        let out = pair(&ps, &vs, &BTreeSet::new(), at());
        let got: Vec<Option<i64>> = out.iter().map(supporter).collect();
        // 7 (load 0), then 6 and 7 both at load 1: 6 by id; then 7 (6 now at 2). 5 only when nobody
        // overlapping is left, which here never happens.
        assert_eq!(got, [Some(7), Some(6), Some(7)]);
    }

    #[test]
    fn nobody_eligible() {
        let out = pair(
            &[participant(1, &[2])],
            &[volunteer(2, 0, utc())],
            &BTreeSet::new(),
            at(),
        );
        assert_eq!(out[0].outcome, Outcome::NoEligibleSupporter);
        assert_eq!(
            pair(&[participant(1, &[])], &[], &BTreeSet::new(), at())[0].outcome,
            Outcome::NoEligibleSupporter
        );
    }

    fn hours_strategy() -> impl Strategy<Value = PersonHours> {
        let zones = [
            "UTC",
            "Europe/Berlin",
            "Asia/Kolkata",
            "America/New_York",
            "Australia/Adelaide",
        ];
        (0..zones.len(), 0i8..24, 1i8..12).prop_map(move |(z, start, len)| {
            let mut h = PersonHours::with_defaults(TimeZone::get(zones[z]).unwrap());
            h.working_days = WorkingDays::ALL;
            let t = |x: i8| jiff::civil::Time::constant(x % 24, 0, 0, 0);
            h.working_hours = DailyWindow::from_times(t(start), t(start + len));
            h.sleep_window = DailyWindow::from_times(t(2), t(6));
            h
        })
    }

    fn scenario() -> impl Strategy<Value = (Vec<Participant>, Vec<Volunteer>, BTreeSet<PersonId>)> {
        (
            proptest::collection::vec(
                (
                    0i64..30,
                    proptest::collection::btree_set(0i64..30, 0..3),
                    any::<bool>(),
                    hours_strategy(),
                ),
                0..8,
            ),
            proptest::collection::vec((0i64..30, 0u32..4, hours_strategy()), 0..10),
            proptest::collection::btree_set(0i64..30, 0..4),
        )
            .prop_map(|(ps, vs, inc)| {
                let ps = ps
                    .into_iter()
                    .map(|(id, leads, declined, hours)| Participant {
                        id: PersonId(id),
                        hours,
                        team_leads: leads.into_iter().map(PersonId).collect(),
                        declined: declined && id % 3 == 0,
                    })
                    .collect();
                let vs = vs
                    .into_iter()
                    .map(|(id, load, hours)| volunteer(id, load, hours))
                    .collect();
                (ps, vs, inc.into_iter().map(PersonId).collect())
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn constraints_hold((ps, vs, inc) in scenario()) {
            let out = pair(&ps, &vs, &inc, at());
            let mut all_in: BTreeSet<PersonId> = inc.clone();
            all_in.extend(ps.iter().map(|p| p.id));
            // Each distinct participant once, in id order.
            let ids: Vec<PersonId> = out.iter().map(|p| p.participant).collect();
            let distinct: BTreeSet<PersonId> = ps.iter().map(|p| p.id).collect();
            prop_assert_eq!(ids, distinct.into_iter().collect::<Vec<_>>());
            for pairing in &out {
                let p = ps.iter().find(|p| p.id == pairing.participant).unwrap();
                match pairing.outcome {
                    Outcome::Declined => prop_assert!(p.declined),
                    Outcome::Paired { supporter, .. } => {
                        prop_assert!(!p.declined);
                        prop_assert!(vs.iter().any(|v| v.id == supporter));
                        prop_assert!(!all_in.contains(&supporter));
                        prop_assert!(!p.team_leads.contains(&supporter));
                    }
                    Outcome::NoEligibleSupporter => {
                        prop_assert!(!p.declined);
                        prop_assert!(vs.iter().all(|v| !eligible(p, v.id, &all_in)));
                    }
                }
            }
        }

        /// Replaying the pairings in order: each chosen supporter had no more pairings so far than any
        /// other eligible supporter in the same overlap tier (some overlap, or none).
        #[test]
        fn load_is_spread((ps, vs, inc) in scenario()) {
            let out = pair(&ps, &vs, &inc, at());
            let mut all_in: BTreeSet<PersonId> = inc.clone();
            all_in.extend(ps.iter().map(|p| p.id));
            let mut first_vs: BTreeMap<PersonId, &Volunteer> = BTreeMap::new();
            for v in &vs { first_vs.entry(v.id).or_insert(v); }
            let mut load: BTreeMap<PersonId, u64> = first_vs.iter().map(|(id, v)| (*id, u64::from(v.load))).collect();
            for pairing in &out {
                let p = ps.iter().find(|p| p.id == pairing.participant).unwrap();
                if let Outcome::Paired { supporter, overlap_minutes } = pairing.outcome {
                    let mine = week(&p.hours, at());
                    for (id, v) in &first_vs {
                        if !eligible(p, *id, &all_in) { continue; }
                        let o = overlap_minutes_of(&mine, &week(&v.hours, at()));
                        if (o == 0) == (overlap_minutes == 0) {
                            prop_assert!(load[&supporter] <= load[id], "{supporter:?} chosen over less loaded {id:?}");
                        }
                        prop_assert!(!(overlap_minutes == 0 && o > 0), "one without overlap chosen over one with");
                    }
                    *load.get_mut(&supporter).unwrap() += 1;
                }
            }
        }

        /// Equal hours and no initial load: nobody gets a second before everyone eligible has one.
        #[test]
        fn equal_overlap_rounds_robin(n_vol in 1usize..6, n_part in 0usize..15) {
            let vs: Vec<Volunteer> = (0..n_vol).map(|i| volunteer(100 + i as i64, 0, utc())).collect();
            let ps: Vec<Participant> = (0..n_part).map(|i| participant(i as i64, &[])).collect();
            let out = pair(&ps, &vs, &BTreeSet::new(), at());
            let mut counts: BTreeMap<i64, usize> = vs.iter().map(|v| (v.id.0, 0)).collect();
            for p in &out { *counts.get_mut(&supporter(p).unwrap()).unwrap() += 1; }
            let max = counts.values().max().copied().unwrap_or(0);
            let min = counts.values().min().copied().unwrap_or(0);
            prop_assert!(max - min <= 1);
        }

        #[test]
        fn deterministic_whatever_the_input_order((ps, vs, inc) in scenario()) {
            let mut rps = ps.clone();
            rps.reverse();
            let mut rvs = vs.clone();
            rvs.reverse();
            // Reversing changes which entry of a repeated id comes first; compare only distinct ids.
            let distinct = |ids: Vec<PersonId>| ids.iter().collect::<BTreeSet<_>>().len() == ids.len();
            prop_assume!(distinct(ps.iter().map(|p| p.id).collect()) && distinct(vs.iter().map(|v| v.id).collect()));
            prop_assert_eq!(pair(&ps, &vs, &inc, at()), pair(&rps, &rvs, &inc, at()));
        }
    }

    fn overlap_minutes_of(a: &[u64; WORDS], b: &[u64; WORDS]) -> u32 {
        overlap_minutes(a, b)
    }
}
