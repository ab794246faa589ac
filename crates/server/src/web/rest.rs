//! Rest on the web: one's own rest earned after bad nights, with "I took it" and "I could
//! not" (one click each, and undone the same way), and a team's rest policy form.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use aftercare_app::rest::{self, RestPolicyInput, RestTakenInput, RestView};
use aftercare_app::{Actor, AppError};
use aftercare_store::{RestId, TeamId};

use super::rotations::when;
use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

struct RestRow {
    view: RestView,
    shift: String,
    late_start: String,
    usual_start: String,
}

#[derive(Template)]
#[template(path = "rest.html")]
struct RestPage {
    csrf: String,
    nav_name: Option<String>,
    rows: Vec<RestRow>,
    earned_hours: f64,
    taken_hours: f64,
}

pub(super) async fn rest_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let list = match rest::list_own(&state.store, &v).await {
        Ok(l) => l,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let zone = zone_of(&v);
    let earned_hours = list.iter().map(|r| r.hours).sum();
    let taken_hours = list
        .iter()
        .filter(|r| r.taken.as_deref() == Some("taken"))
        .map(|r| r.hours)
        .sum();
    let rows = list
        .into_iter()
        .map(|r| RestRow {
            shift: format!(
                "{} to {}",
                when(r.shift_start, &zone),
                when(r.shift_end, &zone)
            ),
            late_start: when(r.late_start, &zone),
            usual_start: when(r.usual_start, &zone),
            view: r,
        })
        .collect();
    let (csrf, nav_name) = nav(&v);
    Ok(render(&RestPage {
        csrf,
        nav_name,
        rows,
        earned_hours,
        taken_hours,
    }))
}

fn zone_of(v: &Actor) -> String {
    v.person()
        .and_then(|p| p.hours.time_zone.iana_name().map(str::to_string))
        .unwrap_or_else(|| "UTC".into())
}

#[derive(Deserialize)]
pub(super) struct TakenForm {
    #[serde(default)]
    csrf: String,
    /// `taken`, `not_taken`, or empty to take back what was said.
    #[serde(default)]
    taken: String,
}

pub(super) async fn set_taken(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RestId>,
    Form(form): Form<TakenForm>,
) -> Result<Response, PageError> {
    super::forms::act(&state, &headers, &form.csrf, "/rest", async |v| {
        let taken = Some(form.taken.clone()).filter(|t| !t.trim().is_empty());
        rest::set_taken(&state.store, v, id, &RestTakenInput { taken }).await?;
        Ok(format!("/rest#rest-{id}"))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hours_per_night: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    enabled: Option<String>,
}

pub(super) async fn set_policy(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(team): Path<TeamId>,
    Form(form): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let back = format!("/teams/{team}/rotations");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let text = form.hours_per_night.trim();
        let hours = text.parse::<f64>().map_err(|_| {
            AppError::invalid(
                "hours_per_night",
                format!("{text:?} is not a number of hours"),
            )
        })?;
        rest::set_policy(
            &state.store,
            v,
            team,
            &RestPolicyInput {
                hours_per_night: hours,
                enabled: form.enabled.is_some(),
            },
        )
        .await?;
        Ok(format!("/teams/{team}/rotations#rest-policy"))
    })
    .await
}
