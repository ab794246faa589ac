//! A team's pulse after incidents, in aggregate only (issue 7, item 7).
//!
//! Leads and admins see how a team is doing after its incidents; they never see one person's answers
//! (docs/privacy.md). Two rules make that hold:
//!
//! * **Five or more people.** Every figure is drawn from at least [`MIN_PEOPLE`] distinct people, or it
//!   is withheld ([`Figure::Withheld`], saying how many it was drawn from and how many it needs), so no
//!   single answer can be read off it.
//! * **No way back to a person.** [`TeamPulse::compute`] takes the per-person records by value and keeps
//!   only the aggregates: the type holds no record, no id and no per-person number, so nothing that
//!   receives a `TeamPulse` can get one person's values out of it.
//!
//! (Five is the floor docs/privacy.md sets for wellbeing aggregates. It does not defend against
//! differencing two overlapping periods or teams; the caller should offer only fixed periods.)

use std::collections::BTreeSet;

use jiff::SignedDuration;
use serde::Serialize;

use crate::pairing::PersonId;

/// The fewest distinct people a figure may be drawn from.
pub const MIN_PEOPLE: usize = 5;

/// A supporter with more than this many pairings in a period is counted as heavily loaded: tier 2 of
/// Scott's model is one to three contacts per person supported, and a supporter carries many.
pub const HEAVY_LOAD: u32 = 3;

/// One participant's period, as the store gathered it. Passed by value to [`TeamPulse::compute`] and
/// not kept.
#[derive(Debug, Clone)]
pub struct ParticipantRecord {
    pub person: PersonId,
    /// Whether they said they were stressed or very stressed after an incident of the period; `None`
    /// if they never answered the stress measure.
    pub stressed: Option<bool>,
    /// For each pairing of the period, how long after the pairing the supporter reached out; `None`
    /// where nobody did.
    pub outreach: Vec<Option<SignedDuration>>,
    /// Their rumination scores over the period's incidents, oldest first.
    pub rumination: Vec<f64>,
}

/// One supporter's period.
#[derive(Debug, Clone, Copy)]
pub struct SupporterRecord {
    pub person: PersonId,
    pub pairings: u32,
}

/// One lead's checklists over the period: how many items they were given and how many they marked done.
#[derive(Debug, Clone, Copy)]
pub struct LeadRecord {
    pub person: PersonId,
    pub items_given: u32,
    pub items_done: u32,
}

/// A figure, or the reason it is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Figure<T> {
    Shown {
        value: T,
        people: usize,
    },
    /// Drawn from `people` distinct people, fewer than the `needed`.
    Withheld {
        people: usize,
        needed: usize,
    },
}

impl<T> Figure<T> {
    fn from_people(people: usize, value: impl FnOnce() -> T) -> Self {
        if people >= MIN_PEOPLE {
            Figure::Shown {
                value: value(),
                people,
            }
        } else {
            Figure::Withheld {
                people,
                needed: MIN_PEOPLE,
            }
        }
    }

    /// The value, if shown.
    pub fn value(&self) -> Option<&T> {
        match self {
            Figure::Shown { value, .. } => Some(value),
            Figure::Withheld { .. } => None,
        }
    }

    /// Why the figure is withheld, in words for the page; `None` if it is shown.
    pub fn reason(&self) -> Option<String> {
        match self {
            Figure::Shown { .. } => None,
            Figure::Withheld { people, needed } => Some(format!(
                "Withheld: this would be drawn from {people} {}, and figures are shown only for \
                 {needed} or more so that nobody's own answers can be read off them.",
                if *people == 1 { "person" } else { "people" }
            )),
        }
    }
}

/// A share from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share(pub f64);

/// Rumination across the team's participants.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rumination {
    /// The mean over people of each person's mean score (each person counts once, however often they
    /// answered).
    pub mean: f64,
}

/// How rumination moved within the period: the mean over people of (latest − first) score, among
/// people with at least two scores. Negative is lower, which on that measure is the better way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RuminationChange {
    pub mean_change: f64,
}

/// How the supporters' load is spread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SupporterLoad {
    pub mean_pairings: f64,
    /// Share of supporters with more than [`HEAVY_LOAD`] pairings.
    pub heavily_loaded: Share,
}

/// A team's pulse for one period. Holds only aggregates; see the module documentation.
///
/// There is nothing per person to reach, not even through private fields:
///
/// ```compile_fail
/// use aftercare_care::pulse::TeamPulse;
/// let pulse = TeamPulse::compute(vec![], vec![], vec![]);
/// let records = pulse.participants; // no such field: the records were consumed
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamPulse {
    stressed: Figure<Share>,
    reached_within_24h: Figure<Share>,
    reached_within_72h: Figure<Share>,
    rumination: Figure<Rumination>,
    rumination_change: Figure<RuminationChange>,
    supporter_load: Figure<SupporterLoad>,
    checklist_done: Figure<Share>,
}

fn distinct<'a>(ids: impl Iterator<Item = &'a PersonId>) -> usize {
    ids.collect::<BTreeSet<_>>().len()
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

fn share(part: usize, of: usize) -> Share {
    Share(if of == 0 {
        0.0
    } else {
        part as f64 / of as f64
    })
}

impl TeamPulse {
    /// Computes the pulse from the period's records. Records are consumed; repeated ids count as one
    /// person towards the five (their records still all count in the figure).
    pub fn compute(
        participants: Vec<ParticipantRecord>,
        supporters: Vec<SupporterRecord>,
        leads: Vec<LeadRecord>,
    ) -> TeamPulse {
        // Stressed: among those who answered the stress measure.
        let answered: Vec<&ParticipantRecord> = participants
            .iter()
            .filter(|p| p.stressed.is_some())
            .collect();
        let stressed = Figure::from_people(distinct(answered.iter().map(|p| &p.person)), || {
            share(
                answered.iter().filter(|p| p.stressed == Some(true)).count(),
                answered.len(),
            )
        });

        // Outreach: over pairings, among people who were paired.
        let paired: Vec<&ParticipantRecord> = participants
            .iter()
            .filter(|p| !p.outreach.is_empty())
            .collect();
        let paired_people = distinct(paired.iter().map(|p| &p.person));
        let pairings: Vec<Option<SignedDuration>> = paired
            .iter()
            .flat_map(|p| p.outreach.iter().copied())
            .collect();
        let within = |limit: SignedDuration| {
            share(
                pairings
                    .iter()
                    .filter(|o| matches!(o, Some(d) if *d <= limit))
                    .count(),
                pairings.len(),
            )
        };
        let reached_within_24h =
            Figure::from_people(paired_people, || within(SignedDuration::from_hours(24)));
        let reached_within_72h =
            Figure::from_people(paired_people, || within(SignedDuration::from_hours(72)));

        // Rumination: only finite scores count (a NaN from a broken row must not poison the mean).
        let scores: Vec<(PersonId, Vec<f64>)> = participants
            .iter()
            .map(|p| {
                let s: Vec<f64> = p
                    .rumination
                    .iter()
                    .copied()
                    .filter(|x| x.is_finite())
                    .collect();
                (p.person, s)
            })
            .filter(|(_, s)| !s.is_empty())
            .collect();
        let rumination =
            Figure::from_people(distinct(scores.iter().map(|(id, _)| id)), || Rumination {
                mean: mean(scores.iter().map(|(_, s)| mean(s.iter().copied()))),
            });
        let twice: Vec<&(PersonId, Vec<f64>)> =
            scores.iter().filter(|(_, s)| s.len() >= 2).collect();
        let rumination_change =
            Figure::from_people(distinct(twice.iter().map(|(id, _)| id)), || {
                RuminationChange {
                    mean_change: mean(twice.iter().map(|(_, s)| {
                        // At least two scores, so both ends exist.
                        s.last().copied().unwrap_or(0.0) - s.first().copied().unwrap_or(0.0)
                    })),
                }
            });

        let supporter_load =
            Figure::from_people(distinct(supporters.iter().map(|s| &s.person)), || {
                SupporterLoad {
                    mean_pairings: mean(supporters.iter().map(|s| f64::from(s.pairings))),
                    heavily_loaded: share(
                        supporters
                            .iter()
                            .filter(|s| s.pairings > HEAVY_LOAD)
                            .count(),
                        supporters.len(),
                    ),
                }
            });

        let given: Vec<&LeadRecord> = leads.iter().filter(|l| l.items_given > 0).collect();
        let checklist_done = Figure::from_people(distinct(given.iter().map(|l| &l.person)), || {
            let total: u64 = given.iter().map(|l| u64::from(l.items_given)).sum();
            // A lead cannot have done more items than they were given.
            let done: u64 = given
                .iter()
                .map(|l| u64::from(l.items_done.min(l.items_given)))
                .sum();
            Share(if total == 0 {
                0.0
            } else {
                done as f64 / total as f64
            })
        });

        TeamPulse {
            stressed,
            reached_within_24h,
            reached_within_72h,
            rumination,
            rumination_change,
            supporter_load,
            checklist_done,
        }
    }

    /// Share of participants who said they were stressed or very stressed, among those who answered.
    pub fn stressed(&self) -> Figure<Share> {
        self.stressed
    }

    /// Share of pairings where the supporter reached out within 24 hours.
    pub fn reached_within_24h(&self) -> Figure<Share> {
        self.reached_within_24h
    }

    /// Share of pairings where the supporter reached out within 72 hours.
    pub fn reached_within_72h(&self) -> Figure<Share> {
        self.reached_within_72h
    }

    pub fn rumination(&self) -> Figure<Rumination> {
        self.rumination
    }

    pub fn rumination_change(&self) -> Figure<RuminationChange> {
        self.rumination_change
    }

    pub fn supporter_load(&self) -> Figure<SupporterLoad> {
        self.supporter_load
    }

    /// Share of the leads' checklist items marked done.
    pub fn checklist_done(&self) -> Figure<Share> {
        self.checklist_done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(
        id: i64,
        stressed: Option<bool>,
        outreach_h: &[Option<i64>],
        rum: &[f64],
    ) -> ParticipantRecord {
        ParticipantRecord {
            person: PersonId(id),
            stressed,
            outreach: outreach_h
                .iter()
                .map(|h| h.map(SignedDuration::from_hours))
                .collect(),
            rumination: rum.to_vec(),
        }
    }

    #[test]
    fn four_people_are_withheld_five_are_shown() {
        let four: Vec<ParticipantRecord> = (0..4)
            .map(|i| person(i, Some(true), &[Some(1)], &[3.0]))
            .collect();
        let p = TeamPulse::compute(four.clone(), vec![], vec![]);
        assert_eq!(
            p.stressed(),
            Figure::Withheld {
                people: 4,
                needed: 5
            }
        );
        assert!(
            p.stressed()
                .reason()
                .unwrap()
                .contains("drawn from 4 people")
        );
        assert_eq!(
            p.supporter_load(),
            Figure::Withheld {
                people: 0,
                needed: 5
            }
        );
        let mut five = four;
        five.push(person(9, Some(false), &[Some(30)], &[1.0]));
        let p = TeamPulse::compute(five, vec![], vec![]);
        assert_eq!(
            p.stressed(),
            Figure::Shown {
                value: Share(0.8),
                people: 5
            }
        );
        assert_eq!(
            p.reached_within_24h(),
            Figure::Shown {
                value: Share(0.8),
                people: 5
            }
        );
        assert_eq!(
            p.reached_within_72h(),
            Figure::Shown {
                value: Share(1.0),
                people: 5
            }
        );
        assert_eq!(
            p.rumination().value().map(|r| r.mean),
            Some((4.0 * 3.0 + 1.0) / 5.0)
        );
        assert_eq!(
            p.rumination_change(),
            Figure::Withheld {
                people: 0,
                needed: 5
            }
        );
    }

    #[test]
    fn repeated_records_of_one_person_do_not_reach_five() {
        let same: Vec<ParticipantRecord> =
            (0..10).map(|_| person(1, Some(true), &[], &[])).collect();
        let p = TeamPulse::compute(same, vec![], vec![]);
        assert_eq!(
            p.stressed(),
            Figure::Withheld {
                people: 1,
                needed: 5
            }
        );
        assert!(p.stressed().reason().unwrap().contains("1 person,"));
    }

    #[test]
    fn unanswered_and_unpaired_people_do_not_count() {
        let mut rs: Vec<ParticipantRecord> = (0..5).map(|i| person(i, None, &[], &[])).collect();
        rs.push(person(7, Some(true), &[None], &[]));
        let p = TeamPulse::compute(rs, vec![], vec![]);
        assert_eq!(
            p.stressed(),
            Figure::Withheld {
                people: 1,
                needed: 5
            }
        );
        assert_eq!(
            p.reached_within_24h(),
            Figure::Withheld {
                people: 1,
                needed: 5
            }
        );
        assert_eq!(
            p.rumination(),
            Figure::Withheld {
                people: 0,
                needed: 5
            }
        );
    }

    #[test]
    fn supporters_and_leads() {
        let sup: Vec<SupporterRecord> = (0..5)
            .map(|i| SupporterRecord {
                person: PersonId(i),
                pairings: if i == 0 { 5 } else { 1 },
            })
            .collect();
        let leads: Vec<LeadRecord> = (0..5)
            .map(|i| LeadRecord {
                person: PersonId(i),
                items_given: 6,
                items_done: if i < 4 { 6 } else { 9 },
            })
            .collect();
        let p = TeamPulse::compute(vec![], sup, leads);
        assert_eq!(
            p.supporter_load(),
            Figure::Shown {
                value: SupporterLoad {
                    mean_pairings: 9.0 / 5.0,
                    heavily_loaded: Share(0.2)
                },
                people: 5
            }
        );
        // Done is capped at given.
        assert_eq!(
            p.checklist_done(),
            Figure::Shown {
                value: Share(1.0),
                people: 5
            }
        );
        let few = vec![LeadRecord {
            person: PersonId(1),
            items_given: 6,
            items_done: 3,
        }];
        assert_eq!(
            TeamPulse::compute(vec![], vec![], few).checklist_done(),
            Figure::Withheld {
                people: 1,
                needed: 5
            }
        );
    }

    #[test]
    fn rumination_change_and_broken_scores() {
        let rs: Vec<ParticipantRecord> = (0..5)
            .map(|i| person(i, None, &[], &[4.0, f64::NAN, 2.0]))
            .collect();
        let p = TeamPulse::compute(rs, vec![], vec![]);
        assert_eq!(
            p.rumination_change().value().map(|c| c.mean_change),
            Some(-2.0)
        );
        assert_eq!(p.rumination().value().map(|r| r.mean), Some(3.0));
    }

    #[test]
    fn serialises_withheld_with_its_reason_fields() {
        let p = TeamPulse::compute(vec![], vec![], vec![]);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json["stressed"],
            serde_json::json!({"status": "withheld", "people": 0, "needed": 5})
        );
    }

    fn consistent<T>(f: Figure<T>) -> bool {
        match f {
            Figure::Shown { people, .. } => people >= MIN_PEOPLE,
            Figure::Withheld { people, needed } => people < needed && needed == MIN_PEOPLE,
        }
    }

    proptest! {
        /// Whatever the records, a shown figure is drawn from at least five distinct people.
        #[test]
        fn shown_means_five_or_more(
            rs in proptest::collection::vec((0i64..8, proptest::option::of(any::<bool>()), proptest::collection::vec(proptest::option::of(0i64..100), 0..3), proptest::collection::vec(1.0f64..5.0, 0..3)), 0..20),
            sup in proptest::collection::vec((0i64..8, 0u32..6), 0..10),
            leads in proptest::collection::vec((0i64..8, 0u32..6, 0u32..8), 0..10),
        ) {
            let records: Vec<ParticipantRecord> = rs.iter().map(|(id, s, o, r)| ParticipantRecord {
                person: PersonId(*id), stressed: *s,
                outreach: o.iter().map(|h| h.map(SignedDuration::from_hours)).collect(),
                rumination: r.clone(),
            }).collect();
            let answered = distinct(records.iter().filter(|r| r.stressed.is_some()).map(|r| &r.person));
            let p = TeamPulse::compute(
                records,
                sup.iter().map(|(id, n)| SupporterRecord { person: PersonId(*id), pairings: *n }).collect(),
                leads.iter().map(|(id, g, d)| LeadRecord { person: PersonId(*id), items_given: *g, items_done: *d }).collect(),
            );
            match p.stressed() {
                Figure::Shown { people, value } => {
                    prop_assert!(people >= MIN_PEOPLE);
                    prop_assert_eq!(people, answered);
                    prop_assert!((0.0..=1.0).contains(&value.0));
                }
                Figure::Withheld { people, needed } => {
                    prop_assert!(people < needed);
                    prop_assert_eq!(people, answered);
                }
            }
            prop_assert!(consistent(p.reached_within_24h()));
            prop_assert!(consistent(p.reached_within_72h()));
            prop_assert!(consistent(p.rumination()));
            prop_assert!(consistent(p.rumination_change()));
            prop_assert!(consistent(p.supporter_load()));
            prop_assert!(consistent(p.checklist_done()));
            if let Some(s) = p.checklist_done().value() {
                prop_assert!((0.0..=1.0).contains(&s.0));
            }
        }
    }
}
