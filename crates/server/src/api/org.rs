//! `/api/v1/overview` (each team the caller may see, summarised) and `/api/v1/org` (the
//! organisation overview for admins).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use aftercare_app::overview::{self, OrgOverview, TeamSummary};

use super::{PeriodQuery, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals};

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamSummaries {
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    pub teams: Vec<TeamSummary>,
}

#[utoipa::path(get, path = "/overview", tag = "teams", security(("bearer" = [])),
    params(PeriodQuery),
    responses((status = 200, body = TeamSummaries), Refusals))]
/// Each team the caller may see, summarised over the period: what `/teams` shows. A
/// member of a team with fewer than 4 people gets no figures for it, and the reason.
pub async fn overview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<TeamSummaries>, ApiError> {
    let period = q.period()?;
    let teams = overview::team_summaries(&state.store, &actor, period).await?;
    Ok(Json(TeamSummaries {
        from: period.from(),
        to: period.to(),
        teams,
    }))
}

#[utoipa::path(get, path = "/org", tag = "teams", security(("bearer" = [])),
    params(PeriodQuery),
    responses((status = 200, body = OrgOverview), Refusals))]
/// Every team side by side, and who carries the nights across the company (admins).
pub async fn org(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<OrgOverview>, ApiError> {
    let right = actor.admin()?;
    let period = q.period()?;
    Ok(Json(
        overview::org_overview(&state.store, &right, period).await?,
    ))
}
