//! Schedules on the web: a team's schedules with who is on call now and a form for its
//! leads; one schedule's layers, its answer for any instant, a four-week calendar of
//! shifts and time off, a CSV of the stretches, and the lead's edit and delete.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use aftercare_app::schedules::{self, LayerInput, ScheduleInput, ScheduleOnCall, ScheduleView};
use aftercare_app::{Actor, AppError};
use aftercare_store::{RotationId, ScheduleId, TeamId};

use super::month::{self, Calendar, Stretch};
use super::rotations::when;
use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

/// How many layer rows the forms offer beyond those a schedule has.
const SPARE_ROWS: usize = 2;

/// One layer row of the form, as shown or as typed.
#[derive(Default, Clone)]
pub(super) struct LayerRow {
    rotation: String,
    tier: String,
    start: String,
    end: String,
    zone: String,
}

struct RotationChoice {
    id: RotationId,
    name: String,
}

/// The create or edit form: what it holds, kept when refused so nothing typed is lost.
#[derive(Default)]
struct Draft {
    name: String,
    rows: Vec<LayerRow>,
}

impl Draft {
    fn padded(mut self) -> Draft {
        let want = self.rows.len() + SPARE_ROWS;
        while self.rows.len() < want.max(3) {
            self.rows.push(LayerRow::default());
        }
        self
    }
}

#[derive(Template)]
#[template(path = "schedules.html")]
struct SchedulesPage {
    csrf: String,
    nav_name: Option<String>,
    team_id: TeamId,
    team: String,
    schedules: Vec<ScheduleView>,
    can_lead: bool,
    rotations: Vec<RotationChoice>,
    draft: Draft,
    error: Option<(String, String)>,
}

fn who(o: &Option<aftercare_app::schedules::TierOnCall>) -> String {
    match o {
        Some(t) => format!(
            "{} ({}{})",
            t.name,
            t.rotation_name,
            if t.override_id.is_some() {
                ", covering"
            } else {
                ""
            }
        ),
        None => "nobody".into(),
    }
}

async fn team_rotations(state: &AppState, team: TeamId) -> Result<Vec<RotationChoice>, PageError> {
    Ok(state
        .store
        .team_rotations(team)
        .await?
        .into_iter()
        .map(|r| RotationChoice {
            id: r.rotation.id,
            name: r.rotation.name,
        })
        .collect())
}

async fn schedules_view(
    state: &AppState,
    v: &Actor,
    team_id: TeamId,
    draft: Draft,
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let team = match aftercare_app::teams::visible(&state.store, v, team_id).await {
        Ok(t) => t,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let list = schedules::of_team(&state.store, v, team_id).await?;
    let (csrf, nav_name) = nav(v);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = SchedulesPage {
        csrf,
        nav_name,
        team_id,
        team: team.name,
        schedules: list,
        can_lead: v.leads(team_id),
        rotations: team_rotations(state, team_id).await?,
        draft: draft.padded(),
        error,
    };
    Ok((status, render(&page)).into_response())
}

impl SchedulesPage {
    fn primary(&self, s: &ScheduleView) -> String {
        who(&s.on_call_now.primary)
    }
    fn secondary(&self, s: &ScheduleView) -> String {
        who(&s.on_call_now.secondary)
    }
}

pub(super) async fn schedules_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(team): Path<TeamId>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    schedules_view(&state, &v, team, Draft::default(), None).await
}

/// The form's fields: `layer_*` repeat once per row, in the page's order.
#[derive(Default)]
pub(super) struct ScheduleForm {
    csrf: String,
    name: String,
    rows: Vec<LayerRow>,
}

impl ScheduleForm {
    fn from_fields(fields: Vec<(String, String)>) -> ScheduleForm {
        let mut f = ScheduleForm::default();
        let mut seen = std::collections::HashMap::<String, usize>::new();
        for (k, value) in fields {
            let row = |f: &mut ScheduleForm,
                       seen: &mut std::collections::HashMap<String, usize>| {
                let n = seen.entry(k.clone()).or_insert(0);
                *n += 1;
                while f.rows.len() < *n {
                    f.rows.push(LayerRow::default());
                }
                *n - 1
            };
            match k.as_str() {
                "csrf" => f.csrf = value,
                "name" => f.name = value,
                "layer_rotation" => {
                    let i = row(&mut f, &mut seen);
                    f.rows[i].rotation = value;
                }
                "layer_tier" => {
                    let i = row(&mut f, &mut seen);
                    f.rows[i].tier = value;
                }
                "layer_start" => {
                    let i = row(&mut f, &mut seen);
                    f.rows[i].start = value;
                }
                "layer_end" => {
                    let i = row(&mut f, &mut seen);
                    f.rows[i].end = value;
                }
                "layer_zone" => {
                    let i = row(&mut f, &mut seen);
                    f.rows[i].zone = value;
                }
                _ => {}
            }
        }
        f
    }

    /// The rows that name a rotation, as layers; a row that names something else is
    /// refused with its row number.
    fn layers(&self) -> Result<Vec<LayerInput>, (String, String)> {
        let mut out = Vec::new();
        for r in self.rows.iter().filter(|r| !r.rotation.trim().is_empty()) {
            let i = out.len();
            let rotation = r.rotation.trim().parse::<RotationId>().map_err(|_| {
                (
                    format!("layers[{i}].rotation"),
                    format!("{:?} is not a rotation's id", r.rotation),
                )
            })?;
            let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            out.push(LayerInput {
                rotation,
                tier: opt(&r.tier),
                window_start: opt(&r.start),
                window_end: opt(&r.end),
                window_zone: opt(&r.zone),
            });
        }
        Ok(out)
    }

    fn draft(&self) -> Draft {
        Draft {
            name: self.name.clone(),
            rows: self.rows.clone(),
        }
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(team): Path<TeamId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = ScheduleForm::from_fields(fields);
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let layers = match form.layers() {
        Ok(l) => l,
        Err(e) => return schedules_view(&state, &v, team, form.draft(), Some(e)).await,
    };
    let input = ScheduleInput {
        team: team.to_string(),
        name: form.name.clone(),
        layers,
    };
    match schedules::create(&state.store, &v, &input).await {
        Ok(made) => Ok(Redirect::to(&format!("/schedules/{}", made.id)).into_response()),
        Err(AppError::Invalid { field, reason }) => {
            schedules_view(&state, &v, team, form.draft(), Some((field, reason))).await
        }
        Err(AppError::Conflict(why)) => {
            schedules_view(&state, &v, team, form.draft(), Some(("name".into(), why))).await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "schedule.html")]
struct SchedulePage {
    csrf: String,
    nav_name: Option<String>,
    schedule: ScheduleView,
    team: String,
    primary_now: String,
    secondary_now: String,
    /// The "who is on call at" form: as typed, and its answer or refusal.
    ask_at: String,
    ask_zone: String,
    asked: Option<ScheduleOnCall>,
    ask_error: Option<(String, String)>,
    calendar: Calendar,
    calendar_error: Option<(String, String)>,
    can_lead: bool,
    rotations: Vec<RotationChoice>,
    edit: Draft,
    edit_error: Option<(String, String)>,
}

impl SchedulePage {
    fn asked_when(&self, at: &Timestamp) -> String {
        when(*at, &self.ask_zone)
    }
    fn answer(&self, o: &Option<aftercare_app::schedules::TierOnCall>) -> String {
        match o {
            Some(t) => format!(
                "{}, {} to {} ({}{})",
                t.name,
                when(t.shift_start, &self.ask_zone),
                when(t.shift_end, &self.ask_zone),
                t.rotation_name,
                if t.override_id.is_some() {
                    ", covering"
                } else {
                    ""
                }
            ),
            None => "nobody".into(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ScheduleArgs {
    /// A local date-time (`2027-03-28T02:30`) in `zone`, or an RFC 3339 instant.
    at: Option<String>,
    zone: Option<String>,
    /// The calendar's first week: a date.
    from: Option<String>,
}

async fn schedule_view(
    state: &AppState,
    v: &Actor,
    id: ScheduleId,
    args: &ScheduleArgs,
    edit_refused: Option<(Draft, (String, String))>,
) -> Result<Response, PageError> {
    let schedule = match schedules::get(&state.store, v, id).await {
        Ok(s) => s,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let team = aftercare_app::teams::visible(&state.store, v, schedule.team_id).await?;
    // The page reads in the viewer's own zone; the form may ask in another.
    let zone_name = v
        .person()
        .and_then(|p| p.hours.time_zone.iana_name().map(str::to_string))
        .unwrap_or_else(|| "UTC".into());
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let mut bad = false;
    let ask_zone = args
        .zone
        .as_deref()
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .unwrap_or(&zone_name)
        .to_string();
    let (asked, ask_error) = match args.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => (None, None),
        Some(text) => match TimeZone::get(&ask_zone) {
            Err(_) => {
                bad = true;
                (
                    None,
                    Some((
                        "zone".to_string(),
                        format!("{ask_zone:?} is not an IANA time zone (like Europe/London)"),
                    )),
                )
            }
            Ok(z) => match aftercare_app::cover::instant_in(&z, "at", text) {
                Ok(at) => (
                    Some(schedules::on_call(&state.store, v, id, at).await?),
                    None,
                ),
                Err(AppError::Invalid { field, reason }) => {
                    bad = true;
                    (None, Some((field, reason)))
                }
                Err(e) => return Err(e.into()),
            },
        },
    };
    let (first, calendar_error) = match month::first_day(&zone, args.from.as_deref()) {
        Ok(d) => (d, None),
        Err(why) => {
            bad = true;
            (
                month::first_day(&zone, None).unwrap_or_default(),
                Some(("from".to_string(), why)),
            )
        }
    };
    let (from, to) = month::span(&zone, first);
    let stretches: Vec<Stretch> = schedules::spans(&state.store, v, id, from, to)
        .await?
        .spans
        .into_iter()
        .map(|s| Stretch {
            who: s.name,
            start: s.start,
            end: s.end,
            secondary: s.tier == "secondary",
        })
        .collect();
    let away =
        aftercare_app::time_off::team_away(&state.store, v, schedule.team_id, from, to).await?;
    // The public holidays of the calendars the schedule's rotations follow.
    let last = first
        .checked_add(jiff::ToSpan::days(7 * month::WEEKS))
        .unwrap_or(first);
    let rotations: Vec<RotationId> = schedule.layers.iter().map(|l| l.rotation_id).collect();
    let holidays: Vec<month::HolidayMark> =
        aftercare_app::holidays::of_rotations(&state.store, &rotations, first, last)
            .await?
            .into_iter()
            .map(|(h, calendar)| month::HolidayMark {
                date: h.date,
                text: format!("{} ({calendar})", h.name),
            })
            .collect();
    let calendar = month::build(&zone, first, &stretches, &away, &holidays);
    let (edit, edit_error) = match edit_refused {
        Some((d, e)) => (d, Some(e)),
        None => (
            Draft {
                name: schedule.name.clone(),
                rows: schedule
                    .layers
                    .iter()
                    .map(|l| LayerRow {
                        rotation: l.rotation_id.to_string(),
                        tier: l.tier.clone(),
                        start: l.window_start.clone().unwrap_or_default(),
                        end: l.window_end.clone().unwrap_or_default(),
                        zone: l.window_zone.clone().unwrap_or_default(),
                    })
                    .collect(),
            },
            None,
        ),
    };
    let status = if bad || edit_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let page = SchedulePage {
        csrf,
        nav_name,
        primary_now: who(&schedule.on_call_now.primary),
        secondary_now: who(&schedule.on_call_now.secondary),
        team: team.name,
        ask_at: args.at.clone().unwrap_or_default(),
        ask_zone,
        asked,
        ask_error,
        calendar,
        calendar_error,
        can_lead: v.leads(schedule.team_id),
        rotations: team_rotations(state, schedule.team_id).await?,
        edit: edit.padded(),
        edit_error,
        schedule,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn schedule_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<ScheduleId>,
    Query(args): Query<ScheduleArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    schedule_view(&state, &v, id, &args, None).await
}

/// The stretches behind the calendar, as CSV: the four weeks shown, or `from`..`to`.
pub(super) async fn spans_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<ScheduleId>,
    Query(args): Query<ScheduleArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let zone = v
        .person()
        .map(|p| p.hours.time_zone.clone())
        .unwrap_or(TimeZone::UTC);
    let Ok(first) = month::first_day(&zone, args.from.as_deref()) else {
        // A file cannot show an error beside its field; the page, asked the same, does.
        let from = args.from.clone().unwrap_or_default();
        let q = serde_urlencoded::to_string([("from", from)]).unwrap_or_default();
        return Ok(Redirect::to(&format!("/schedules/{id}?{q}")).into_response());
    };
    let (from, to) = month::span(&zone, first);
    let spans = match schedules::spans(&state.store, &v, id, from, to).await {
        Ok(s) => s,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let schedule = schedules::get(&state.store, &v, id).await?;
    let name = aftercare_app::export::file_name(&[&schedule.name, "schedule", &first.to_string()]);
    Ok(super::csv_response(
        &name,
        aftercare_app::export::schedule_spans_csv(&spans),
    ))
}

pub(super) async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ScheduleId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = ScheduleForm::from_fields(fields);
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let args = ScheduleArgs::default();
    let layers = match form.layers() {
        Ok(l) => l,
        Err(e) => return schedule_view(&state, &v, id, &args, Some((form.draft(), e))).await,
    };
    let team = match schedules::get(&state.store, &v, id).await {
        Ok(s) => s.team_id,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let input = ScheduleInput {
        team: team.to_string(),
        name: form.name.clone(),
        layers,
    };
    match schedules::update(&state.store, &v, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/schedules/{id}")).into_response()),
        Err(AppError::Invalid { field, reason }) => {
            schedule_view(&state, &v, id, &args, Some((form.draft(), (field, reason)))).await
        }
        Err(AppError::Conflict(why)) => {
            schedule_view(
                &state,
                &v,
                id,
                &args,
                Some((form.draft(), ("name".into(), why))),
            )
            .await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<ScheduleId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = format!("/schedules/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let team = schedules::get(&state.store, v, id).await?.team_id;
        schedules::delete(&state.store, v, id).await?;
        Ok(format!("/teams/{team}/schedules"))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_layer_fields_make_rows_in_order_and_blank_rows_are_left_out() {
        let fields = [
            ("csrf", "c"),
            ("name", "sun"),
            ("layer_rotation", "3"),
            ("layer_tier", "primary"),
            ("layer_start", ""),
            ("layer_end", ""),
            ("layer_zone", ""),
            ("layer_rotation", ""),
            ("layer_tier", "primary"),
            ("layer_start", ""),
            ("layer_end", ""),
            ("layer_zone", ""),
            ("layer_rotation", "4"),
            ("layer_tier", "secondary"),
            ("layer_start", "08:00"),
            ("layer_end", "20:00"),
            ("layer_zone", "Europe/London"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec();
        let form = ScheduleForm::from_fields(fields);
        assert_eq!(form.rows.len(), 3);
        let layers = form.layers().unwrap_or_default();
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[1].rotation, RotationId(4));
        assert_eq!(layers[1].tier.as_deref(), Some("secondary"));
        assert_eq!(layers[1].window_zone.as_deref(), Some("Europe/London"));
        assert_eq!(layers[0].window_start, None);
        let bad = ScheduleForm::from_fields(vec![("layer_rotation".into(), "x".into())]);
        assert_eq!(
            bad.layers().err().map(|e| e.0),
            Some("layers[0].rotation".to_string())
        );
    }
}
