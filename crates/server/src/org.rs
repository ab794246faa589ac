//! The whole organisation's burden at once: every team side by side (and the people in no
//! team), for an admin's overview and for `/teams`.
//!
//! Done team by team through [`service::team_burden`] this was 40 reads of the store and, for a
//! year of a 2,000-person organisation, 2 million rows decoded one by one (5.1 s). Here it is one
//! pass: everyone's instants read once, packed one row per person by the database
//! ([`Store::instants_by_person`]), split in two halves read side by side on two connections, and
//! each person's burden computed once on both cores however many teams they are in.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use aftercare_burden::{Burden, Period, PersonHours, TeamSpread, team_spread};
use aftercare_store::{Person, Store, Team, TeamMember};

use crate::service::{
    MemberBurden, PersonSummary, ServiceError, Spread, SpreadLeader, TeamBurden, fetch_range,
    hours_of, to_timestamps,
};

/// Every team's burden over one period, and everyone in no team.
#[derive(Debug, Clone, Serialize)]
pub struct OrgBurden {
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    /// Every team, in the store's order (by name).
    pub teams: Vec<TeamBurden>,
    /// People in no team: their nights count too.
    pub without_team: Vec<PersonBurden>,
}

/// One person's burden outside any team.
#[derive(Debug, Clone, Serialize)]
pub struct PersonBurden {
    pub person: PersonSummary,
    #[serde(flatten)]
    pub burden: Burden,
}

/// The burden of every team (and of the people in none) over `period`.
pub async fn org_burden(store: &Store, period: Period) -> Result<OrgBurden, ServiceError> {
    let teams = store.list_teams().await?;
    let people = store.list_people().await?;
    let mut rosters: Vec<Vec<TeamMember>> = Vec::with_capacity(teams.len());
    for team in &teams {
        rosters.push(store.team_members(team.id).await?);
    }
    // Settings parsed once per person, before any reading, so a bad one fails fast.
    let hours: Vec<PersonHours> = people.iter().map(hours_of).collect::<Result<_, _>>()?;

    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let (from, to) = fetch_range(&period);
    let (first, second) = ids.split_at(ids.len() / 2);
    let (a, b) = tokio::join!(
        store.instants_by_person(first, from, to),
        store.instants_by_person(second, from, to)
    );
    let mut instants = a?;
    instants.extend(b?);
    instants.sort_unstable_by_key(|(id, _)| *id);

    let burdens = compute(&people, hours, instants, period).await?;

    let mut in_a_team: HashSet<i64> = HashSet::new();
    let mut out = Vec::with_capacity(teams.len());
    for (team, members) in teams.iter().zip(&rosters) {
        let team_burdens: Vec<Burden> = members
            .iter()
            .map(|m| {
                in_a_team.insert(m.person.id);
                burdens.get(&m.person.id).cloned().unwrap_or_default()
            })
            .collect();
        let unattributed = store
            .count_unattributed(
                team.id,
                period.from().as_millisecond(),
                period.to().as_millisecond(),
            )
            .await?;
        out.push(team_view(team, members, team_burdens, period, unattributed));
    }
    let without_team = people
        .iter()
        .filter(|p| !in_a_team.contains(&p.id))
        .map(|p| PersonBurden {
            person: PersonSummary::from(p),
            burden: burdens.get(&p.id).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(OrgBurden {
        from: period.from(),
        to: period.to(),
        teams: out,
        without_team,
    })
}

/// Each person's burden, on both cores, off the async workers.
async fn compute(
    people: &[Person],
    hours: Vec<PersonHours>,
    instants: Vec<(i64, Vec<i64>)>,
    period: Period,
) -> Result<HashMap<i64, Burden>, ServiceError> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let work = move || {
        let one = |(id, hours): (&i64, &PersonHours)| {
            let mine = instants
                .binary_search_by_key(id, |(pid, _)| *pid)
                .map(|i| to_timestamps(&instants[i].1))
                .unwrap_or_default();
            (*id, aftercare_burden::burden(hours, &mine, period))
        };
        let half = ids.len() / 2;
        std::thread::scope(|s| {
            let other = s.spawn(|| {
                ids[half..]
                    .iter()
                    .zip(&hours[half..])
                    .map(one)
                    .collect::<Vec<_>>()
            });
            let mut all: HashMap<i64, Burden> =
                ids[..half].iter().zip(&hours[..half]).map(one).collect();
            // A panic in the other half is a bug in the pure crate: surface it as one here.
            all.extend(
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
            all
        })
    };
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServiceError::Schedule(format!("burden computation stopped: {e}")))
}

/// A team's figures from its members' burdens (in roster order): each member's share of the
/// team's nights and who carries the most. Shared by [`org_burden`] and
/// [`crate::service::team_burden`], so the two views cannot differ.
pub(crate) fn team_view(
    team: &Team,
    members: &[TeamMember],
    burdens: Vec<Burden>,
    period: Period,
    unattributed: i64,
) -> TeamBurden {
    let keyed: Vec<(usize, &Burden)> = burdens.iter().enumerate().collect();
    let spread: TeamSpread<usize> = team_spread(&keyed);
    let mut share_of: Vec<Option<(Option<f64>, f64)>> = vec![None; members.len()];
    for s in &spread.members {
        share_of[s.member] = Some((s.ratio_to_median, s.share_of_team_sleep));
    }
    let most_sleep = spread
        .members
        .first()
        .filter(|s| s.sleep > 0)
        .map(|s| SpreadLeader {
            person_id: members[s.member].person.id,
            name: members[s.member].person.name.clone(),
            sleep: s.sleep,
            sleep_vs_median: s.ratio_to_median,
        });
    let out = members
        .iter()
        .zip(burdens)
        .zip(share_of)
        .map(|((m, burden), share)| MemberBurden {
            person: PersonSummary::from(&m.person),
            role: m.role,
            burden,
            sleep_vs_median: share.and_then(|(ratio, _)| ratio),
            share_of_team_sleep: share.map(|(_, s)| s).unwrap_or(0.0),
        })
        .collect();
    TeamBurden {
        team: team.clone(),
        from: period.from(),
        to: period.to(),
        members: out,
        spread: Spread {
            median_sleep: spread.median_sleep,
            total_sleep: spread.total_sleep,
            most_sleep,
        },
        unattributed,
    }
}
