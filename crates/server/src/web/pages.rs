//! The pages behind a number: a person's pages in a period, or those of one
//! heatmap square, as a list and as CSV. The same use-case as the API's
//! `/api/v1/people/{id}/pages`, with the same access (the person, their leads
//! and admins).

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::pages::{self, PageFilter, PersonPages};
use aftercare_app::{Actor, AppError, export, people};
use aftercare_burden::Category;
use aftercare_store::PersonId;

use super::people::person_refusal;
use super::period::{PeriodArgs, PeriodControl, resolve};
use super::{PageError, login_redirect, nav, render};
use crate::AppState;
use crate::auth::MaybeActor;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct FilterArgs {
    category: Option<String>,
    /// A heatmap square's date: its pages, whatever the period.
    day: Option<String>,
}

struct PageRow {
    local: String,
    category: &'static str,
    category_label: &'static str,
    title: String,
    incident_key: String,
    source: String,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "pages.html")]
struct PagesPage {
    csrf: String,
    nav_name: Option<String>,
    person_id: PersonId,
    name: String,
    time_zone: String,
    /// What is listed, in words: "sleep-hour pages in the last 30 days".
    heading: String,
    /// The query that asks for these pages again (for the CSV link).
    query: String,
    /// `None` for a heatmap square, which has no period to change.
    period: Option<PeriodControl>,
    rows: Vec<PageRow>,
}

fn category_words(c: Category) -> &'static str {
    match c {
        Category::Sleep => "sleep hours",
        Category::Off => "off hours",
        Category::Business => "business hours",
    }
}

/// What the view lists, read from the query: the pages, the words for them,
/// the query to ask again, and the period control (or the refusal of a filter).
struct Listing {
    pages: PersonPages,
    heading: String,
    query: String,
    period: Option<PeriodControl>,
}

async fn listing(
    state: &AppState,
    v: &Actor,
    id: PersonId,
    args: &PeriodArgs,
    filter_args: &FilterArgs,
) -> Result<Listing, AppError> {
    let person = people::visible(&state.store, v, id).await?;
    let filter = PageFilter::parse_with_day(
        filter_args.category.as_deref(),
        None,
        filter_args.day.as_deref(),
    )?;
    let what = match filter.category {
        Some(Category::Sleep) => "Sleep-hour pages",
        Some(Category::Off) => "Off-hour pages",
        Some(Category::Business) => "Business-hour pages",
        None => "Pages",
    };
    let category_query = filter
        .category
        .map(|c| format!("&category={c}"))
        .unwrap_or_default();
    if let Some(period) = filter.day_period() {
        let day = filter.day.map(|d| d.to_string()).unwrap_or_default();
        let pages = pages::person_pages(&state.store, v, id, period, &filter).await?;
        return Ok(Listing {
            pages,
            heading: format!(
                "{what} of {day} (sleep-hour ones: the night that began that evening)"
            ),
            query: format!("day={day}{category_query}"),
            period: None,
        });
    }
    let tz = person.hours.time_zone.clone();
    let (chosen, mut control) = resolve(args, &tz, format!("/people/{id}/pages"))?;
    if let Some(c) = filter.category {
        control.hidden.push(("category".into(), c.to_string()));
    }
    let pages = pages::person_pages(&state.store, v, id, chosen.period, &filter).await?;
    Ok(Listing {
        pages,
        heading: format!("{what} in {}", chosen.label()),
        query: format!("{}{category_query}", chosen.query()),
        period: Some(control),
    })
}

/// Refuses as the person page does; other errors pass on.
async fn refusal_or(
    v: &Actor,
    e: AppError,
    state: &AppState,
    id: PersonId,
) -> Result<Response, PageError> {
    match e {
        AppError::Forbidden(_) => person_refusal(state, v, id).await,
        other => Err(other.into()),
    }
}

pub(super) async fn pages_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<PersonId>,
    Query(args): Query<PeriodArgs>,
    Query(filter): Query<FilterArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let listed = match listing(&state, &v, id, &args, &filter).await {
        Ok(l) => l,
        Err(e) => return refusal_or(&v, e, &state, id).await,
    };
    let failed = listed.period.as_ref().is_some_and(|p| p.errors.failed());
    let rows = listed
        .pages
        .pages
        .into_iter()
        .map(|p| PageRow {
            local: p.local,
            category: p.category.as_str(),
            category_label: category_words(p.category),
            title: p.title.unwrap_or_default(),
            incident_key: p.incident_key,
            source: p.source,
            link: p.link,
        })
        .collect();
    let (csrf, nav_name) = nav(&v);
    let mut page = render(&PagesPage {
        csrf,
        nav_name,
        person_id: id,
        name: listed.pages.person.name,
        time_zone: listed.pages.person.time_zone,
        heading: listed.heading,
        query: listed.query,
        period: listed.period,
        rows,
    });
    if failed {
        *page.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(page)
}

/// The same list as CSV: one row per page, in the list's own words.
pub(super) async fn pages_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<PersonId>,
    Query(args): Query<PeriodArgs>,
    Query(filter): Query<FilterArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let listed = match listing(&state, &v, id, &args, &filter).await {
        Ok(l) => l,
        Err(e) => return refusal_or(&v, e, &state, id).await,
    };
    if listed.period.as_ref().is_some_and(|p| p.errors.failed()) {
        // A file cannot show an error beside its field; the list, asked the
        // same, does.
        let query = query.unwrap_or_default();
        return Ok(Redirect::to(&format!("/people/{id}/pages?{query}")).into_response());
    }
    let name = export::file_name(&[
        &listed.pages.person.name,
        "pages",
        &listed.pages.from.strftime("%Y-%m-%d").to_string(),
    ]);
    Ok(super::csv_response(&name, export::pages_csv(&listed.pages)))
}
