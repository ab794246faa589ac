//! Summaries of teams: one line per team on `/teams` (for anyone, as far as they may see),
//! and the organisation overview for admins (every team side by side, and who carries the
//! nights across the company).
//!
//! Both read the organisation in one pass ([`org_burden`]) when the caller is an admin, and
//! team by team otherwise (a lead or member is in a handful of teams at most).

use serde::Serialize;

use aftercare_burden::{Burden, Period};
use aftercare_store::{PersonId, Store, TeamId};

use crate::burden::{PersonSummary, SpreadLeader, TeamBurden, team_burden};
use crate::error::Result;
use crate::org::{OrgBurden, org_burden};
use crate::policy::{Actor, AdminRight};
use crate::teams::TeamView;

/// A team figure shown to a member must be drawn from at least this many people besides
/// them: with fewer, a member who knows their own count could work out a colleague's.
pub const MIN_OTHERS_FOR_MEMBERS: usize = 3;

/// One team's line in a summary.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamSummary {
    pub team: TeamView,
    pub members: usize,
    /// The team's figures, or `None` when the caller is a member of a team too small for
    /// its figures not to give a colleague's away (see `withheld`).
    pub figures: Option<TeamFigures>,
    /// Why the figures are withheld, in plain words.
    pub withheld: Option<String>,
}

/// A team's totals over the period; pages count in the team they were paged for.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamFigures {
    pub business: u32,
    pub off: u32,
    pub sleep: u32,
    pub disrupted_nights: u32,
    /// Median of the members' sleep-hour interruptions.
    pub median_sleep: f64,
    /// Who carries the most sleep-hour interruptions: for the team's leads and admins only.
    pub most_sleep: Option<SpreadLeader>,
    /// Pages for the team nobody could be found for.
    pub unattributed: i64,
}

/// The team summaries a caller may see over `period`.
pub async fn team_summaries(
    store: &Store,
    actor: &Actor,
    period: Period,
) -> Result<Vec<TeamSummary>> {
    if let Ok(right) = actor.admin() {
        let org = org_burden(store, &right, period).await?;
        return Ok(org.teams.iter().map(|t| summarise(t, true)).collect());
    }
    let mut out = Vec::new();
    for team in crate::teams::list(store, actor).await? {
        let tb = team_burden(store, &team, period).await?;
        out.push(summarise(&tb, actor.leads(team.id)));
    }
    Ok(out)
}

fn summarise(tb: &TeamBurden, lead: bool) -> TeamSummary {
    let members = tb.members.len();
    let team = TeamView::from(&tb.team);
    if !lead && members < MIN_OTHERS_FOR_MEMBERS + 1 {
        return TeamSummary {
            team,
            members,
            figures: None,
            withheld: Some(format!(
                "The team's figures are shown to members once it has at least {} people, so \
                 that nobody's own nights can be worked out from them.",
                MIN_OTHERS_FOR_MEMBERS + 1
            )),
        };
    }
    let sum = |f: fn(&Burden) -> u32| tb.members.iter().map(|m| f(&m.burden)).sum::<u32>();
    TeamSummary {
        team,
        members,
        figures: Some(TeamFigures {
            business: sum(|b| b.interruptions.business),
            off: sum(|b| b.interruptions.off),
            sleep: sum(|b| b.interruptions.sleep),
            disrupted_nights: sum(|b| b.disrupted_nights),
            median_sleep: tb.spread.median_sleep,
            most_sleep: if lead {
                tb.spread.most_sleep.clone()
            } else {
                None
            },
            unattributed: tb.unattributed,
        }),
        withheld: None,
    }
}

/// Someone carrying nights for the company, with the teams they are in.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct Carrier {
    pub person: PersonSummary,
    pub teams: Vec<TeamView>,
    pub business: u32,
    pub off: u32,
    pub sleep: u32,
    pub disrupted_nights: u32,
    pub longest_disrupted_streak: u32,
}

/// Every team side by side and who carries the nights across the company.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct OrgOverview {
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    pub people: usize,
    pub teams: Vec<TeamSummary>,
    /// Everyone with at least one sleep-hour interruption, most first (ties by name), all
    /// their pages counted once whatever team they were paged for.
    pub carriers: Vec<Carrier>,
    /// People in no team (their pages count here, not in any team's figures).
    pub without_team: usize,
}

/// The organisation overview (admins): it shows everyone's work data.
pub async fn org_overview(
    store: &Store,
    right: &AdminRight,
    period: Period,
) -> Result<OrgOverview> {
    let org: OrgBurden = org_burden(store, right, period).await?;
    let teams = org.teams.iter().map(|t| summarise(t, true)).collect();

    // A person's company-wide figures: their pages across every team they are in, counted
    // once. The per-team burdens split a person's pages by team, so add them up; a person in
    // no team has one burden over everything.
    struct Acc {
        person: PersonSummary,
        teams: Vec<TeamView>,
        counts: [u32; 3],
        nights: std::collections::BTreeSet<jiff::civil::Date>,
    }
    let mut by_person: std::collections::BTreeMap<PersonId, Acc> = Default::default();
    let mut seen_team_of: std::collections::HashSet<(PersonId, TeamId)> = Default::default();
    for t in &org.teams {
        for m in &t.members {
            if !seen_team_of.insert((m.person.id, t.team.id)) {
                continue;
            }
            let acc = by_person.entry(m.person.id).or_insert_with(|| Acc {
                person: m.person.clone(),
                teams: Vec::new(),
                counts: [0; 3],
                nights: Default::default(),
            });
            acc.teams.push(TeamView::from(&t.team));
            add(&mut acc.counts, &mut acc.nights, &m.burden);
        }
    }
    for p in &org.without_team {
        let acc = by_person.entry(p.person.id).or_insert_with(|| Acc {
            person: p.person.clone(),
            teams: Vec::new(),
            counts: [0; 3],
            nights: Default::default(),
        });
        add(&mut acc.counts, &mut acc.nights, &p.burden);
    }
    let people = by_person.len();
    let mut carriers: Vec<Carrier> = by_person
        .into_values()
        .filter(|a| a.counts[2] > 0)
        .map(|a| Carrier {
            person: a.person,
            teams: a.teams,
            business: a.counts[0],
            off: a.counts[1],
            sleep: a.counts[2],
            disrupted_nights: u32::try_from(a.nights.len()).unwrap_or(u32::MAX),
            longest_disrupted_streak: longest_streak(&a.nights),
        })
        .collect();
    carriers.sort_by(|a, b| {
        b.sleep
            .cmp(&a.sleep)
            .then_with(|| a.person.name.cmp(&b.person.name))
    });
    Ok(OrgOverview {
        from: org.from,
        to: org.to,
        people,
        teams,
        carriers,
        without_team: org.without_team.len(),
    })
}

/// Adds one burden into a person's running counts. Interruptions are counted per team they
/// were paged for; nights are a set, so a night disrupted for two teams counts once.
fn add(
    counts: &mut [u32; 3],
    nights: &mut std::collections::BTreeSet<jiff::civil::Date>,
    b: &Burden,
) {
    counts[0] += b.interruptions.business;
    counts[1] += b.interruptions.off;
    counts[2] += b.interruptions.sleep;
    nights.extend(b.nights.iter().copied());
}

/// The longest run of calendar-consecutive dates in `nights`.
fn longest_streak(nights: &std::collections::BTreeSet<jiff::civil::Date>) -> u32 {
    let mut best = 0;
    let mut run = 0;
    let mut last: Option<jiff::civil::Date> = None;
    for &d in nights {
        run = match last.and_then(|l| l.tomorrow().ok()) {
            Some(next) if next == d => run + 1,
            _ => 1,
        };
        best = best.max(run);
        last = Some(d);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn streaks_count_consecutive_dates_across_month_ends() {
        let nights: std::collections::BTreeSet<_> = [
            date(2026, 1, 30),
            date(2026, 1, 31),
            date(2026, 2, 1),
            date(2026, 2, 3),
        ]
        .into_iter()
        .collect();
        assert_eq!(longest_streak(&nights), 3);
        assert_eq!(longest_streak(&Default::default()), 0);
    }
}
