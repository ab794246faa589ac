//! The whole organisation's burden at once: every team side by side, and the people in no
//! team, for an admin's overview.
//!
//! Done team by team through [`team_burden`](crate::burden::team_burden) this is one read of
//! the store per team and, for a year of a 2,000-person organisation, 2 million rows decoded
//! one by one. Here it is one pass: everyone's instants read once, packed one row per person by
//! the database ([`Store::instants_by_person`]), in two halves side by side on two connections,
//! and each person's burden computed on both cores, once per team they are in only when their
//! pages differ between those teams.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use aftercare_burden::{Burden, Period};
use aftercare_store::{Person, PersonId, PersonInstants, Store, TeamId, TeamMember};

use crate::burden::{PersonSummary, TeamBurden, fetch_range, team_view, to_timestamps};
use crate::error::{AppError, Result};
use crate::policy::AdminRight;

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

/// Which of a person's pages a burden is over: those that count for one team (its own and
/// those naming no team, as a team's view counts them), or all of them.
type Scope = Option<TeamId>;

/// The burden of every team (and of the people in none) over `period`: the organisation's
/// overview, for admins only (it shows everyone's work data).
pub async fn org_burden(store: &Store, _right: &AdminRight, period: Period) -> Result<OrgBurden> {
    let teams = store.list_teams().await?;
    let people = store.list_people().await?;
    let mut rosters: Vec<Vec<TeamMember>> = Vec::with_capacity(teams.len());
    for team in &teams {
        rosters.push(store.team_members(team.id).await?);
    }

    let ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
    let (from, to) = fetch_range(&period);
    let (first, second) = ids.split_at(ids.len() / 2);
    let (a, b) = tokio::join!(
        store.instants_by_person(first, from, to),
        store.instants_by_person(second, from, to)
    );
    let mut instants = a?;
    instants.extend(b?);
    instants.sort_unstable_by_key(|p| p.person_id);

    // What to compute: for each person, once over all their pages when no page of theirs
    // names a team (imported history: every view of them is the same), else once per team
    // they are in and once over everything if they are in none.
    let mut teams_of: HashMap<PersonId, Vec<TeamId>> = HashMap::new();
    for (team, members) in teams.iter().zip(&rosters) {
        for m in members {
            teams_of.entry(m.person.id).or_default().push(team.id);
        }
    }
    let mut jobs: Vec<(usize, Scope)> = Vec::with_capacity(people.len());
    for (i, person) in people.iter().enumerate() {
        let mixed = instants
            .binary_search_by_key(&person.id, |p| p.person_id)
            .is_ok_and(|j| !instants[j].teams.is_empty());
        match teams_of.get(&person.id) {
            Some(teams) if mixed => jobs.extend(teams.iter().map(|t| (i, Some(*t)))),
            _ => jobs.push((i, None)),
        }
    }
    let burdens = compute(people.clone(), instants, jobs, period).await?;
    let burden_of = |person: PersonId, team: TeamId| -> Burden {
        burdens
            .get(&(person, Some(team)))
            .or_else(|| burdens.get(&(person, None)))
            .cloned()
            .unwrap_or_default()
    };

    let mut in_a_team: HashSet<PersonId> = HashSet::new();
    let mut out = Vec::with_capacity(teams.len());
    for (team, members) in teams.iter().zip(&rosters) {
        let team_burdens: Vec<Burden> = members
            .iter()
            .map(|m| {
                in_a_team.insert(m.person.id);
                burden_of(m.person.id, team.id)
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
            burden: burdens.get(&(p.id, None)).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(OrgBurden {
        from: period.from(),
        to: period.to(),
        teams: out,
        without_team,
    })
}

/// Each job's burden, on both cores, off the async workers.
async fn compute(
    people: Vec<Person>,
    instants: Vec<PersonInstants>,
    jobs: Vec<(usize, Scope)>,
    period: Period,
) -> Result<HashMap<(PersonId, Scope), Burden>> {
    let work = move || {
        let one = |&(i, scope): &(usize, Scope)| {
            let person: &Person = &people[i];
            let mine = match instants.binary_search_by_key(&person.id, |p| p.person_id) {
                Ok(j) => match scope {
                    Some(team) => to_timestamps(&instants[j].for_team(team)),
                    None => to_timestamps(&instants[j].at),
                },
                Err(_) => Vec::new(),
            };
            (
                (person.id, scope),
                aftercare_burden::burden(&person.hours, &mine, period),
            )
        };
        let (left, right) = jobs.split_at(jobs.len() / 2);
        std::thread::scope(|s| {
            let other = s.spawn(|| right.iter().map(one).collect::<Vec<_>>());
            let mut all: HashMap<(PersonId, Scope), Burden> = left.iter().map(one).collect();
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
        .map_err(|e| AppError::Internal(format!("burden computation stopped: {e}")))
}
