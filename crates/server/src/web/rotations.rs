//! Rotations on the web: a team's rotations with who is on call now and a form for its
//! leads; one rotation's next shifts and its health panel (findings with their sources,
//! everyone's share).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use aftercare_app::cover::{self, CoverRequestView, OverrideView};
use aftercare_app::rotations::{self, RotationHealth, RotationInput, RotationView};
use aftercare_app::{Actor, AppError};
use aftercare_store::{PersonId, RotationId, TeamId};

use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

struct MemberChoice {
    id: PersonId,
    name: String,
    checked: bool,
}

/// What the create form held, kept when it is refused so nothing typed is lost.
#[derive(Default)]
pub(super) struct Draft {
    name: String,
    time_zone: String,
    start: String,
    shift_length: String,
}

#[derive(Template)]
#[template(path = "rotations.html")]
struct RotationsPage {
    csrf: String,
    nav_name: Option<String>,
    team_id: TeamId,
    team: String,
    rotations: Vec<RotationView>,
    can_lead: bool,
    people: Vec<MemberChoice>,
    draft: Draft,
    /// The refused field and why.
    error: Option<(String, String)>,
    rest: aftercare_app::rest::RestPolicyView,
}

pub(super) fn when(t: Timestamp, zone: &str) -> String {
    match jiff::tz::TimeZone::get(zone) {
        Ok(z) => t.to_zoned(z).strftime("%a %Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

async fn rotations_view(
    state: &AppState,
    v: &Actor,
    team_id: TeamId,
    draft: Draft,
    chosen: &[PersonId],
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let team = match aftercare_app::teams::visible(&state.store, v, team_id).await {
        Ok(t) => t,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let list = rotations::of_team(&state.store, v, team_id).await?;
    let people = state
        .store
        .team_members(team_id)
        .await?
        .into_iter()
        .map(|m| MemberChoice {
            checked: chosen.contains(&m.person.id),
            id: m.person.id,
            name: m.person.name,
        })
        .collect();
    let (csrf, nav_name) = nav(v);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = RotationsPage {
        csrf,
        nav_name,
        team_id,
        team: team.name,
        rotations: list,
        can_lead: v.leads(team_id),
        people,
        draft,
        error,
        rest: aftercare_app::rest::policy(&state.store, v, team_id).await?,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn rotations_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(team): Path<TeamId>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let draft = Draft {
        time_zone: "UTC".into(),
        shift_length: "1w".into(),
        ..Draft::default()
    };
    rotations_view(&state, &v, team, draft, &[], None).await
}

/// The create form's fields; `members` repeats, once per ticked box, in the page's order.
#[derive(Default)]
pub(super) struct RotationForm {
    csrf: String,
    name: String,
    time_zone: String,
    start: String,
    shift_length: String,
    members: Vec<String>,
}

impl RotationForm {
    fn from_fields(fields: Vec<(String, String)>) -> RotationForm {
        let mut f = RotationForm::default();
        for (k, value) in fields {
            match k.as_str() {
                "csrf" => f.csrf = value,
                "name" => f.name = value,
                "time_zone" => f.time_zone = value,
                "start" => f.start = value,
                "shift_length" => f.shift_length = value,
                "members" => f.members.push(value),
                _ => {}
            }
        }
        f
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(team): Path<TeamId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = RotationForm::from_fields(fields);
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let mut members = Vec::new();
    for m in &form.members {
        match m.parse::<PersonId>() {
            Ok(id) => members.push(id),
            Err(_) => {
                let error = Some(("members".into(), format!("{m:?} is not a person's id")));
                return rotations_view(&state, &v, team, draft(&form), &members, error).await;
            }
        }
    }
    let input = RotationInput {
        team: team.to_string(),
        name: form.name.clone(),
        time_zone: form.time_zone.clone(),
        start: form.start.clone(),
        shift_length: form.shift_length.clone(),
        members: members.clone(),
    };
    match rotations::create(&state.store, &v, &input).await {
        Ok(made) => {
            Ok(axum::response::Redirect::to(&format!("/rotations/{}", made.id)).into_response())
        }
        Err(AppError::Invalid { field, reason }) => {
            rotations_view(
                &state,
                &v,
                team,
                draft(&form),
                &members,
                Some((field, reason)),
            )
            .await
        }
        Err(AppError::Conflict(why)) => {
            rotations_view(
                &state,
                &v,
                team,
                draft(&form),
                &members,
                Some(("name".into(), why)),
            )
            .await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

fn draft(form: &RotationForm) -> Draft {
    Draft {
        name: form.name.clone(),
        time_zone: form.time_zone.clone(),
        start: form.start.clone(),
        shift_length: form.shift_length.clone(),
    }
}

struct ShiftRow {
    name: String,
    start: String,
    end: String,
    /// Set when an override put them there.
    by_override: bool,
}

/// A cover request as the page shows it, with what this viewer may do with it.
struct CoverRow {
    view: CoverRequestView,
    span: String,
    swap_span: String,
    may_take: bool,
    may_withdraw: bool,
}

struct OverrideRow {
    view: OverrideView,
    span: String,
}

/// The two forms on the page that can be refused: asking for cover and adding an
/// override. What was typed is kept, and the refusal shown beside the form.
#[derive(Default)]
pub(super) struct CoverDraft {
    pub(super) start: String,
    pub(super) end: String,
    pub(super) note: String,
    pub(super) swap_with: String,
    pub(super) swap_start: String,
    pub(super) swap_end: String,
    pub(super) person: String,
}

#[derive(Template)]
#[template(path = "rotation.html")]
struct RotationPage {
    csrf: String,
    nav_name: Option<String>,
    rotation: RotationView,
    on_call_now: String,
    next: Vec<ShiftRow>,
    health: RotationHealth,
    can_lead: bool,
    /// Whether the viewer takes turns here (and so may ask for cover).
    in_rotation: bool,
    open: Vec<CoverRow>,
    closed: Vec<CoverRow>,
    overrides: Vec<OverrideRow>,
    /// Everyone in the team but the viewer (swaps), and everyone (overrides).
    teammates: Vec<MemberChoice>,
    everyone: Vec<MemberChoice>,
    ask: CoverDraft,
    ask_error: Option<(String, String)>,
    add: CoverDraft,
    add_error: Option<(String, String)>,
    import_text: String,
    import_schedule: String,
    import_error: Option<(String, String)>,
    /// The rotation's proposals from the generator, newest first.
    plans: Vec<PlanLine>,
    /// Shifts ahead that meet their person's time off.
    collisions: Vec<CollisionRow>,
    /// The viewer's person id (0 for a caller who is nobody).
    me_id: i64,
    drills: Vec<DrillRow>,
    newcomers: super::newcomers::Section,
    /// The edit form (leads): the rotation as it is, or as typed when refused; the
    /// team's people in the rotation's order first.
    edit: Draft,
    edit_members: Vec<MemberChoice>,
    edit_error: Option<(String, String)>,
    /// The month view: four weeks of shifts, time off and holidays.
    calendar: super::month::Calendar,
    calendar_error: Option<(String, String)>,
    /// The holiday calendar the rotation follows, and the ones to choose from.
    holidays: aftercare_app::holidays::RotationHolidays,
    calendars: Vec<aftercare_app::holidays::HolidayCalendarView>,
}

struct DrillRow {
    view: aftercare_app::drills::DrillView,
    when: String,
    /// Held time as the form's local field, or the scheduled one.
    when_field: String,
    /// Past and not yet recorded: the lead's form to record who took part shows.
    to_record: bool,
}

struct CollisionRow {
    view: aftercare_app::time_off::Collision,
    shift: String,
    away: String,
    /// The overlap, as the ask form's local fields.
    ask_start: String,
    ask_end: String,
}

struct PlanLine {
    id: aftercare_store::PlanId,
    status: String,
    span: String,
}

impl RotationPage {
    fn follows(&self, c: &aftercare_app::holidays::HolidayCalendarView) -> bool {
        self.holidays
            .calendar
            .as_ref()
            .is_some_and(|f| f.id == c.id)
    }
    fn pct(&self, x: &f64) -> String {
        format!("{:.0}%", x * 100.0)
    }
}

fn span_text(start: Timestamp, end: Timestamp, zone: &str) -> String {
    format!("{} to {}", when(start, zone), when(end, zone))
}

/// A `datetime-local` value in the rotation's zone.
fn local_field(t: Timestamp, zone: &str) -> String {
    match jiff::tz::TimeZone::get(zone) {
        Ok(z) => t.to_zoned(z).strftime("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => t.strftime("%Y-%m-%dT%H:%M").to_string(),
    }
}

/// Which form a refusal belongs to.
pub(super) enum Refused {
    None,
    Ask(CoverDraft, (String, String)),
    Add(CoverDraft, (String, String)),
    /// The calendar text and schedule name.
    Import(String, String, (String, String)),
    /// The edit form: what was typed, the members ticked.
    Edit(Draft, Vec<PersonId>, (String, String)),
    /// One of the newcomers section's forms.
    Newcomers(super::newcomers::Refusal),
}

pub(super) async fn rotation_view(
    state: &AppState,
    v: &Actor,
    id: RotationId,
    refused_form: Refused,
) -> Result<Response, PageError> {
    rotation_view_from(state, v, id, refused_form, None).await
}

/// The rotation's page, its month view starting at the week of `from` (a date).
async fn rotation_view_from(
    state: &AppState,
    v: &Actor,
    id: RotationId,
    refused_form: Refused,
    from: Option<&str>,
) -> Result<Response, PageError> {
    let rotation = match rotations::get(&state.store, v, id).await {
        Ok(r) => r,
        Err(AppError::Forbidden(why)) => return Ok(refused(v, &why)),
        Err(e) => return Err(e.into()),
    };
    let health = rotations::health(&state.store, v, id).await?;
    let zone = rotation.time_zone.clone();
    let on_call_now = match &rotation.on_call_now {
        Some(o) => format!(
            "{}, until {}{}",
            o.name,
            when(o.shift_end, &zone),
            if o.override_id.is_some() {
                " (covering)"
            } else {
                ""
            }
        ),
        None => format!(
            "Nobody yet: the first shift starts {} {}",
            rotation.start, zone
        ),
    };
    let upcoming = rotations::upcoming(&state.store, v, id, Timestamp::now(), 8).await?;
    let me = v.person_id();
    let in_rotation = me.is_some_and(|p| rotation.members.iter().any(|m| m.person_id == p));
    // The ask form starts at the viewer's next stretch on call, the usual thing to ask about.
    let mine = upcoming.iter().find(|o| Some(o.person_id) == me);
    let next = upcoming
        .iter()
        .map(|o| ShiftRow {
            name: o.name.clone(),
            start: when(o.shift_start, &zone),
            end: when(o.shift_end, &zone),
            by_override: o.override_id.is_some(),
        })
        .collect();
    let can_lead = v.leads(rotation.team_id);
    let team_people = state.store.team_members(rotation.team_id).await?;
    let in_team = me.is_some_and(|p| team_people.iter().any(|m| m.person.id == p));
    let row = |c: CoverRequestView| {
        let own = me.is_some_and(|p| p == c.person.person_id)
            || c.asked_by.as_ref().is_some_and(|a| Some(a.person_id) == me);
        let is_open = matches!(c.status, aftercare_store::CoverStatus::Open);
        let may_take = is_open
            && in_team
            && me != Some(c.person.person_id)
            && c.swap.as_ref().is_none_or(|s| Some(s.with.person_id) == me);
        CoverRow {
            span: span_text(c.start, c.end, &zone),
            swap_span: c
                .swap
                .as_ref()
                .map(|s| span_text(s.start, s.end, &zone))
                .unwrap_or_default(),
            may_take,
            may_withdraw: is_open && (own || can_lead),
            view: c,
        }
    };
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for c in cover::requests(&state.store, v, id, true).await? {
        if matches!(c.status, aftercare_store::CoverStatus::Open) {
            if c.end > Timestamp::now() {
                open.push(row(c));
            }
        } else {
            closed.push(row(c));
        }
    }
    // Most recently closed first, the last ten: the page's record of who did what.
    closed.sort_by_key(|c| std::cmp::Reverse(c.view.closed_at));
    closed.truncate(10);
    let now = Timestamp::now();
    let year = now + jiff::SignedDuration::from_hours(24 * 366);
    let overrides = cover::overrides(&state.store, v, id, now, year)
        .await?
        .into_iter()
        .map(|o| OverrideRow {
            span: span_text(o.start, o.end, &zone),
            view: o,
        })
        .collect();
    let everyone: Vec<MemberChoice> = team_people
        .into_iter()
        .map(|m| MemberChoice {
            checked: false,
            id: m.person.id,
            name: m.person.name,
        })
        .collect();
    let edit_members: Vec<MemberChoice> = {
        let mut order: Vec<PersonId> = rotation.members.iter().map(|m| m.person_id).collect();
        for m in &everyone {
            if !order.contains(&m.id) {
                order.push(m.id);
            }
        }
        order
            .into_iter()
            .filter_map(|id| everyone.iter().find(|m| m.id == id))
            .map(|m| MemberChoice {
                checked: false,
                id: m.id,
                name: m.name.clone(),
            })
            .collect()
    };
    let teammates = everyone
        .iter()
        .filter(|m| Some(m.id) != me)
        .map(|m| MemberChoice {
            checked: false,
            id: m.id,
            name: m.name.clone(),
        })
        .collect();
    let default_ask = || CoverDraft {
        start: mine
            .map(|o| local_field(o.shift_start, &zone))
            .unwrap_or_default(),
        end: mine
            .map(|o| local_field(o.shift_end, &zone))
            .unwrap_or_default(),
        ..CoverDraft::default()
    };
    let mut import = (String::new(), String::new(), None);
    let mut edit = (
        Draft {
            name: rotation.name.clone(),
            time_zone: rotation.time_zone.clone(),
            start: rotation.start.clone(),
            shift_length: rotation.shift_length.clone(),
        },
        rotation
            .members
            .iter()
            .map(|m| m.person_id)
            .collect::<Vec<_>>(),
        None,
    );
    let mut newcomers_refusal = None;
    let (ask, ask_error, add, add_error) = match refused_form {
        Refused::None => (default_ask(), None, CoverDraft::default(), None),
        Refused::Newcomers(r) => {
            newcomers_refusal = Some(r);
            (default_ask(), None, CoverDraft::default(), None)
        }
        Refused::Ask(d, e) => (d, Some(e), CoverDraft::default(), None),
        Refused::Add(d, e) => (default_ask(), None, d, Some(e)),
        Refused::Import(text, schedule, e) => {
            import = (text, schedule, Some(e));
            (default_ask(), None, CoverDraft::default(), None)
        }
        Refused::Edit(draft, chosen, e) => {
            edit = (draft, chosen, Some(e));
            (default_ask(), None, CoverDraft::default(), None)
        }
    };
    let status = if ask_error.is_some()
        || newcomers_refusal.is_some()
        || add_error.is_some()
        || import.2.is_some()
        || edit.2.is_some()
        || from.is_some_and(|f| super::month::first_day(&jiff::tz::TimeZone::UTC, Some(f)).is_err())
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let plans = if can_lead {
        state
            .store
            .rotation_plans(id)
            .await?
            .into_iter()
            .take(5)
            .map(|p| PlanLine {
                id: p.id,
                status: p.status,
                span: span_text(
                    Timestamp::from_millisecond(p.starts_at).unwrap_or(Timestamp::UNIX_EPOCH),
                    Timestamp::from_millisecond(p.ends_at).unwrap_or(Timestamp::UNIX_EPOCH),
                    &zone,
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    let collisions = aftercare_app::time_off::collisions(&state.store, v, id)
        .await?
        .into_iter()
        .map(|c| CollisionRow {
            shift: span_text(c.shift_start, c.shift_end, &zone),
            away: span_text(c.away_start, c.away_end, &zone),
            ask_start: local_field(c.shift_start.max(c.away_start).max(now), &zone),
            ask_end: local_field(c.shift_end.min(c.away_end), &zone),
            view: c,
        })
        .collect();
    let drills = aftercare_app::drills::of_rotation(&state.store, v, id)
        .await?
        .into_iter()
        .map(|d| DrillRow {
            when: when(d.held_at.unwrap_or(d.scheduled_at), &zone),
            when_field: local_field(d.held_at.unwrap_or(d.scheduled_at), &zone),
            to_record: d.held_at.is_none() && d.scheduled_at <= now,
            view: d,
        })
        .collect();
    let edit_members = edit_members
        .into_iter()
        .map(|m| MemberChoice {
            checked: edit.1.contains(&m.id),
            ..m
        })
        .collect();
    let holidays = aftercare_app::holidays::rotation_calendar(&state.store, v, id).await?;
    // The month view, in the viewer's zone: shifts, the team's time off and holidays.
    let viewer_zone = v
        .person()
        .map(|p| p.hours.time_zone.clone())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let (first, calendar_error) = match super::month::first_day(&viewer_zone, from) {
        Ok(d) => (d, None),
        Err(why) => (
            super::month::first_day(&viewer_zone, None).unwrap_or_default(),
            Some(("from".to_string(), why)),
        ),
    };
    let (cal_from, cal_to) = super::month::span(&viewer_zone, first);
    let stretches: Vec<super::month::Stretch> =
        rotations::stretches(&state.store, v, id, cal_from, cal_to)
            .await?
            .into_iter()
            .map(|o| super::month::Stretch {
                who: o.name,
                start: o.shift_start,
                end: o.shift_end,
                secondary: false,
            })
            .collect();
    let away =
        aftercare_app::time_off::team_away(&state.store, v, rotation.team_id, cal_from, cal_to)
            .await?;
    let last = first
        .checked_add(jiff::ToSpan::days(7 * super::month::WEEKS))
        .unwrap_or(first);
    let marks: Vec<super::month::HolidayMark> =
        aftercare_app::holidays::of_rotations(&state.store, &[id], first, last)
            .await?
            .into_iter()
            .map(|(h, calendar)| super::month::HolidayMark {
                date: h.date,
                text: format!("{} ({calendar})", h.name),
            })
            .collect();
    let calendar = super::month::build(&viewer_zone, first, &stretches, &away, &marks);
    let calendars = aftercare_app::holidays::list(&state.store, v).await?;
    let newcomers = super::newcomers::section(state, v, &rotation, newcomers_refusal).await?;
    let (csrf, nav_name) = nav(v);
    let page = RotationPage {
        csrf,
        nav_name,
        calendar,
        calendar_error,
        holidays,
        calendars,
        can_lead,
        in_rotation,
        rotation,
        on_call_now,
        next,
        health,
        open,
        closed,
        overrides,
        teammates,
        everyone,
        ask,
        ask_error,
        add,
        add_error,
        plans,
        collisions,
        me_id: me.map_or(0, |p| p.0),
        drills,
        newcomers,
        edit: edit.0,
        edit_members,
        edit_error: edit.2,
        import_text: import.0,
        import_schedule: import.1,
        import_error: import.2,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RotationArgs {
    /// The month view's first week: a date.
    from: Option<String>,
}

pub(super) async fn rotation_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<RotationId>,
    axum::extract::Query(args): axum::extract::Query<RotationArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    rotation_view_from(&state, &v, id, Refused::None, args.from.as_deref()).await
}

pub(super) async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = RotationForm::from_fields(fields);
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let mut members = Vec::new();
    for m in &form.members {
        match m.parse::<PersonId>() {
            Ok(p) => members.push(p),
            Err(_) => {
                let why = ("members".to_string(), format!("{m:?} is not a person's id"));
                return rotation_view(&state, &v, id, Refused::Edit(draft(&form), members, why))
                    .await;
            }
        }
    }
    let team = match rotations::get(&state.store, &v, id).await {
        Ok(r) => r.team_id,
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(e) => return Err(e.into()),
    };
    let input = RotationInput {
        team: team.to_string(),
        name: form.name.clone(),
        time_zone: form.time_zone.clone(),
        start: form.start.clone(),
        shift_length: form.shift_length.clone(),
        members: members.clone(),
    };
    let why = match rotations::update(&state.store, &v, id, &input).await {
        Ok(_) => return Ok(Redirect::to(&format!("/rotations/{id}")).into_response()),
        Err(AppError::Forbidden(why)) => return Ok(refused(&v, &why)),
        Err(AppError::Invalid { field, reason }) => (field, reason),
        Err(AppError::Conflict(why)) => ("name".to_string(), why),
        Err(e) => return Err(e.into()),
    };
    rotation_view(&state, &v, id, Refused::Edit(draft(&form), members, why)).await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = format!("/rotations/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let team = rotations::get(&state.store, v, id).await?.team_id;
        rotations::delete(&state.store, v, id).await?;
        Ok(format!("/teams/{team}/rotations"))
    })
    .await
}
