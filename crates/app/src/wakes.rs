//! What wakes people (issue 9, item 8): per team and period, the alert sources ranked by
//! the sleep and off-hours interruptions they caused, and how often each needed no action
//! ("these three alerts caused 60% of your sleep interruptions last quarter"). Seed 000's
//! sleep quotes; Etsy's opsweekly had engineers classify alerts by hand; PagerDuty's noise
//! analytics do not weigh by sleep. The team's leads and admins see it, as they see each
//! member's burden; it names alerts, never people.

use std::collections::HashMap;

use aftercare_burden::{AlertPage, AlertRanking, AlertSource, NO_ACTION_MINUTES, Period};
use aftercare_store::{PersonId, Store, TeamId};
use serde::Serialize;

use crate::error::Result;
use crate::incidents::ts;
use crate::policy::Actor;

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct WakesReport {
    pub team_id: TeamId,
    pub team: String,
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    /// Interruptions of the team's people, by category, over the period.
    pub sleep: u32,
    pub off: u32,
    pub business: u32,
    /// Most sleep interruptions first.
    pub sources: Vec<AlertSource>,
    /// The headline, in words: how many top sources caused what share of sleep interruptions.
    pub headline: String,
    /// How "needed no action" is decided.
    pub no_action_rule: String,
}

/// The report for `team` over `period` (its leads and admins).
pub async fn what_wakes(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    period: Period,
) -> Result<WakesReport> {
    let t = crate::teams::visible(store, actor, team).await?;
    actor.lead(team, "see what wakes its people")?;
    let members = store.team_members(team).await?;
    let index: HashMap<PersonId, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.person.id, i))
        .collect();
    let hours: Vec<aftercare_burden::PersonHours> =
        members.iter().map(|m| m.person.hours.clone()).collect();
    // A minute before the period, so an interruption that began before it is not counted.
    let from = period.from().as_millisecond() - 60_000;
    let rows = store
        .team_alert_pages(team, from, period.to().as_millisecond())
        .await?;
    let pages: Vec<AlertPage> = rows
        .into_iter()
        .filter_map(|r| {
            let person = *index.get(&r.person_id)?;
            Some(AlertPage {
                person,
                at: ts(r.at),
                integration: r.integration.unwrap_or_else(|| r.source.clone()),
                alert: r
                    .title
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "(untitled alert)".into()),
                incident_started: r.started_at.map(ts),
                acknowledged: r.acknowledged_at.map(ts),
                resolved: r.resolved_at.map(ts),
            })
        })
        .collect();
    let ranking: AlertRanking = aftercare_burden::rank(&hours, &pages, period);
    let (n, share) = ranking.top_sleep_share(3);
    let headline = if ranking.sleep == 0 {
        "No sleep-hour interruptions in this period.".to_string()
    } else if n == 1 {
        format!(
            "One alert caused {:.0}% of the team's {} sleep-hour interruptions.",
            share * 100.0,
            ranking.sleep
        )
    } else {
        format!(
            "These {n} alerts caused {:.0}% of the team's {} sleep-hour interruptions.",
            share * 100.0,
            ranking.sleep
        )
    };
    Ok(WakesReport {
        team_id: team,
        team: t.name,
        from: period.from(),
        to: period.to(),
        sleep: ranking.sleep,
        off: ranking.off,
        business: ranking.business,
        sources: ranking.sources,
        headline,
        no_action_rule: format!(
            "An interruption needed no action when its incident resolved without anyone acknowledging it, or was resolved within {NO_ACTION_MINUTES} minutes of starting."
        ),
    })
}
