//! Proposed schedules on the web: a lead asks the fair rotation generator for the next
//! weeks from the rotation's page, reviews the proposal (everyone's load before and
//! after, each shift's person against today's), and accepts or discards it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use aftercare_app::AppError;
use aftercare_app::proposals::{self, ProposalView, ProposeInput};
use aftercare_store::{PlanId, RotationId};

use super::rotations::when;
use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

struct ShiftLine {
    start: String,
    end: String,
    who: String,
    /// A newcomer shadowing the shift, or empty.
    shadow: String,
    now: String,
    weight: f64,
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    csrf: String,
    nav_name: Option<String>,
    rotation: String,
    from: String,
    to: String,
    p: ProposalView,
    shifts: Vec<ShiftLine>,
    can_decide: bool,
}

pub(super) async fn proposal_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<PlanId>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let p = match proposals::get(&state.store, &v, id).await {
        Ok(p) => p,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let r = aftercare_app::rotations::get(&state.store, &v, p.rotation_id).await?;
    let zone = r.time_zone.clone();
    let shifts = p
        .shifts
        .iter()
        .map(|s| ShiftLine {
            start: when(s.start, &zone),
            end: when(s.end, &zone),
            who: s.person.name.clone(),
            shadow: s
                .shadow
                .as_ref()
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            now: s.now.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
            weight: s.weight,
        })
        .collect();
    let (csrf, nav_name) = nav(&v);
    let page = ProposalPage {
        csrf,
        nav_name,
        rotation: r.name,
        from: when(p.from, &zone),
        to: when(p.to, &zone),
        can_decide: v.leads(r.team_id) && p.status == "proposed",
        shifts,
        p,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct ProposeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    weeks: String,
}

pub(super) async fn propose(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<ProposeForm>,
) -> Result<Response, PageError> {
    let back = format!("/rotations/{id}#plan");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let weeks = match form.weeks.trim() {
            "" => None,
            w => Some(w.parse::<u32>().map_err(|_| {
                AppError::invalid("weeks", format!("{w:?} is not a number of weeks"))
            })?),
        };
        let made = proposals::propose(&state.store, v, id, &ProposeInput { weeks }).await?;
        Ok(format!("/proposals/{}", made.id))
    })
    .await
}

pub(super) async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PlanId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = format!("/proposals/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let done = proposals::accept(&state.store, v, id).await?;
        Ok(format!("/rotations/{}#next-shifts", done.rotation_id))
    })
    .await
}

pub(super) async fn discard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PlanId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = format!("/proposals/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let done = proposals::discard(&state.store, v, id).await?;
        Ok(format!("/rotations/{}#plan", done.rotation_id))
    })
    .await
}
