//! A team's pulse after incidents, in aggregate only: the store computes it and
//! hands back figures, each withheld when drawn from fewer than 5 people. Leads and
//! admins see it; nobody sees one person's answers through it.

use aftercare_burden::Period;
use aftercare_care::pulse::{MIN_PEOPLE, TeamPulse};
use aftercare_store::{Store, TeamId};
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::policy::Actor;
use crate::teams::TeamView;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PulseView {
    pub team: TeamView,
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    /// Each figure is `{status: "shown", value}` or `{status: "withheld", people}`.
    #[schema(value_type = Object)]
    pub pulse: TeamPulse,
    /// Figures drawn from fewer people than this are withheld.
    pub min_people: usize,
    pub why_withheld: String,
}

pub async fn team_pulse(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    period: Period,
) -> Result<PulseView> {
    actor.lead(team, "see the team's pulse")?;
    let t = store
        .team(team)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("team {team}")))?;
    let pulse = store
        .team_pulse(
            team,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    Ok(PulseView {
        team: TeamView::from(&t),
        from: period.from(),
        to: period.to(),
        pulse,
        min_people: MIN_PEOPLE,
        why_withheld: format!(
            "A figure drawn from fewer than {MIN_PEOPLE} people is not shown: with so few, anyone who knows who was in the incidents could work out one person's answers."
        ),
    })
}
