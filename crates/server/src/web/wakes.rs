//! What wakes people on the web: a team's alert sources ranked by the sleep and off-hours
//! interruptions they caused, with the period control every burden view has and a CSV.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;

use aftercare_app::wakes::{self, WakesReport};
use aftercare_app::{AppError, export};
use aftercare_store::TeamId;

use super::period::{PeriodArgs, PeriodControl, resolve};
use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

#[derive(Template)]
#[template(path = "wakes.html")]
struct WakesPage {
    csrf: String,
    nav_name: Option<String>,
    report: WakesReport,
    period: PeriodControl,
    period_label: String,
    csv_query: String,
}

impl WakesPage {
    fn pct(&self, x: &f64) -> String {
        format!("{:.0}%", x * 100.0)
    }
}

pub(super) async fn wakes_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<TeamId>,
    Query(args): Query<PeriodArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let (chosen, control) = resolve(&args, &TimeZone::UTC, format!("/teams/{id}/what-wakes"))?;
    let report = match wakes::what_wakes(&state.store, &v, id, chosen.period).await {
        Ok(r) => r,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let status = if control.errors.failed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(&v);
    let page = WakesPage {
        csrf,
        nav_name,
        report,
        period: control,
        period_label: chosen.label(),
        csv_query: chosen.query(),
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn wakes_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<TeamId>,
    Query(args): Query<PeriodArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let (chosen, control) = resolve(&args, &TimeZone::UTC, format!("/teams/{id}/what-wakes"))?;
    if control.errors.failed() {
        // A file cannot show an error beside its field; the page, asked the same, does.
        let query = query.unwrap_or_default();
        return Ok(Redirect::to(&format!("/teams/{id}/what-wakes?{query}")).into_response());
    }
    let report = match wakes::what_wakes(&state.store, &v, id, chosen.period).await {
        Ok(r) => r,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let name = export::file_name(&[
        &report.team,
        "what-wakes",
        &chosen.first_day.to_string(),
        "to",
        &chosen.last_day.to_string(),
    ]);
    Ok(super::csv_response(&name, export::what_wakes_csv(&report)))
}
