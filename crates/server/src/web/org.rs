//! The organisation overview for admins: every team side by side, and who carries the
//! nights across the company, with both tables as CSV.

use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;

use aftercare_app::burden::ChosenPeriod;
use aftercare_app::overview::{self, Carrier, OrgOverview};
use aftercare_app::{Actor, export};

use super::period::{PeriodArgs, PeriodControl, resolve};
use super::teams::TeamLine;
use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    csrf: String,
    nav_name: Option<String>,
    period: PeriodControl,
    period_label: String,
    query: String,
    people: usize,
    without_team: usize,
    teams: Vec<TeamLine>,
    carriers: Vec<Carrier>,
}

const WHY: &str = "the organisation overview shows everyone's work data, so it is for admins";

/// The overview asked for, or the answer instead (sign in, refused, or a period that does
/// not parse).
async fn overview_for(
    state: &AppState,
    actor: Option<Actor>,
    args: &PeriodArgs,
) -> Result<Result<Asked, Response>, PageError> {
    let Some(v) = actor else {
        return Ok(Err(login_redirect()));
    };
    let right = match v.admin() {
        Ok(r) => r,
        Err(_) => return Ok(Err(refused(&v, WHY))),
    };
    let (chosen, control) = resolve(args, &TimeZone::UTC, "/org".into())?;
    let org = overview::org_overview(&state.store, &right, chosen.period).await?;
    Ok(Ok(Asked {
        v,
        org,
        control,
        chosen,
    }))
}

struct Asked {
    v: Actor,
    org: OrgOverview,
    control: PeriodControl,
    chosen: ChosenPeriod,
}

pub(super) async fn org_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(args): Query<PeriodArgs>,
) -> Result<Response, PageError> {
    let Asked {
        v,
        org,
        control,
        chosen,
    } = match overview_for(&state, actor, &args).await? {
        Ok(asked) => asked,
        Err(answer) => return Ok(answer),
    };
    let failed = control.errors.failed();
    let (csrf, nav_name) = nav(&v);
    let mut page = render(&OrgPage {
        csrf,
        nav_name,
        period: control,
        period_label: chosen.label(),
        query: chosen.query(),
        people: org.people,
        without_team: org.without_team,
        teams: org.teams.into_iter().map(TeamLine::from).collect(),
        carriers: org.carriers,
    });
    if failed {
        *page.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(page)
}

/// Which of the overview's tables a CSV file holds.
async fn csv(
    state: AppState,
    actor: Option<Actor>,
    args: PeriodArgs,
    query: Option<String>,
    carriers: bool,
) -> Result<Response, PageError> {
    let Asked {
        org,
        control,
        chosen,
        ..
    } = match overview_for(&state, actor, &args).await? {
        Ok(asked) => asked,
        Err(answer) => return Ok(answer),
    };
    // A file cannot show an error beside its field: the page says the same instead.
    if control.errors.failed() {
        let query = query.unwrap_or_default();
        return Ok(Redirect::to(&format!("/org?{query}")).into_response());
    }
    let span = format!("{}-to-{}", chosen.first_day, chosen.last_day);
    let (name, body) = if carriers {
        (
            export::file_name(&["carrying-the-nights", &span]),
            export::carriers_csv(&org),
        )
    } else {
        (
            export::file_name(&["teams", &span]),
            export::team_summaries_csv(&org.teams),
        )
    };
    Ok(super::csv_response(&name, body))
}

pub(super) async fn teams_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(args): Query<PeriodArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    csv(state, actor, args, query, false).await
}

pub(super) async fn carriers_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(args): Query<PeriodArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    csv(state, actor, args, query, true).await
}
