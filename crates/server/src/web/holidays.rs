//! Holiday calendars on the web: the list with an import form for leads and admins (a
//! pasted or uploaded feed), one calendar's holidays by year with a replace form and a
//! delete, and the form on a rotation's page that chooses the calendar it follows.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::holidays::{
    self, HolidayCalendarDays, HolidayCalendarInput, HolidayCalendarView, RotationHolidaysInput,
};
use aftercare_app::{Actor, AppError};
use aftercare_store::{HolidayCalendarId, RotationId};

use super::{PageError, login_redirect, nav, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

/// The import or replace form, as typed: kept when refused.
#[derive(Default, Deserialize)]
pub(super) struct CalendarForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    ical: String,
}

impl CalendarForm {
    fn input(&self) -> HolidayCalendarInput {
        HolidayCalendarInput {
            name: Some(self.name.clone()),
            region: self.region.clone(),
            ical: self.ical.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "holidays.html")]
struct HolidaysPage {
    csrf: String,
    nav_name: Option<String>,
    calendars: Vec<HolidayCalendarView>,
    may_manage: bool,
    draft: CalendarForm,
    error: Option<(String, String)>,
}

fn may_manage(v: &Actor) -> bool {
    v.is_admin() || !v.led_teams().is_empty()
}

async fn list_view(
    state: &AppState,
    v: &Actor,
    draft: CalendarForm,
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let calendars = holidays::list(&state.store, v).await?;
    let (csrf, nav_name) = nav(v);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = HolidaysPage {
        csrf,
        nav_name,
        calendars,
        may_manage: may_manage(v),
        draft,
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn holidays_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    list_view(&state, &v, CalendarForm::default(), None).await
}

pub(super) async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CalendarForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    match holidays::import(&state.store, &v, &form.input()).await {
        Ok(made) => Ok(Redirect::to(&format!("/holidays/{}", made.id)).into_response()),
        Err(AppError::Invalid { field, reason }) => {
            list_view(&state, &v, form, Some((field, reason))).await
        }
        Err(AppError::Conflict(why)) => {
            list_view(&state, &v, form, Some(("name".into(), why))).await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "holiday_calendar.html")]
struct CalendarPage {
    csrf: String,
    nav_name: Option<String>,
    days: HolidayCalendarDays,
    period_error: Option<(String, String)>,
    prev: String,
    next: String,
    may_manage: bool,
    draft: CalendarForm,
    error: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DaysArgs {
    from: Option<String>,
    to: Option<String>,
}

async fn calendar_view(
    state: &AppState,
    v: &Actor,
    id: HolidayCalendarId,
    args: &DaysArgs,
    refused_form: Option<(CalendarForm, (String, String))>,
) -> Result<Response, PageError> {
    let (period, period_error) = match holidays::period(args.from.as_deref(), args.to.as_deref()) {
        Ok(p) => (p, None),
        Err(AppError::Invalid { field, reason }) => {
            (holidays::period(None, None)?, Some((field, reason)))
        }
        Err(e) => return Err(e.into()),
    };
    let days = holidays::get(&state.store, v, id, period.0, period.1).await?;
    let year = |d: jiff::civil::Date, by: i16| {
        d.year()
            .checked_add(by)
            .and_then(|y| jiff::civil::Date::new(y, 1, 1).ok())
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let (draft, error) = match refused_form {
        Some((f, e)) => (f, Some(e)),
        None => (
            CalendarForm {
                name: days.calendar.name.clone(),
                region: days.calendar.region.clone(),
                ..CalendarForm::default()
            },
            None,
        ),
    };
    let status = if error.is_some() || period_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let page = CalendarPage {
        csrf,
        nav_name,
        prev: year(period.0, -1),
        next: year(period.0, 1),
        days,
        period_error,
        may_manage: may_manage(v),
        draft,
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn calendar_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<HolidayCalendarId>,
    Query(args): Query<DaysArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    calendar_view(&state, &v, id, &args, None).await
}

pub(super) async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<HolidayCalendarId>,
    Form(form): Form<CalendarForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let args = DaysArgs::default();
    match holidays::replace(&state.store, &v, id, &form.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/holidays/{id}")).into_response()),
        Err(AppError::Invalid { field, reason }) => {
            calendar_view(&state, &v, id, &args, Some((form, (field, reason)))).await
        }
        Err(AppError::Conflict(why)) => {
            calendar_view(&state, &v, id, &args, Some((form, ("name".into(), why)))).await
        }
        Err(AppError::Forbidden(why)) => Ok(refused(&v, &why)),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<HolidayCalendarId>,
    Form(form): Form<super::forms::CsrfOnly>,
) -> Result<Response, PageError> {
    let back = format!("/holidays/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        holidays::delete(&state.store, v, id).await?;
        Ok("/holidays".to_string())
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct ChooseForm {
    #[serde(default)]
    csrf: String,
    /// A calendar's id, or empty for none.
    #[serde(default)]
    calendar: String,
}

/// The rotation page's "Public holidays" form.
pub(super) async fn choose_for_rotation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<RotationId>,
    Form(form): Form<ChooseForm>,
) -> Result<Response, PageError> {
    let back = format!("/rotations/{id}");
    super::forms::act(&state, &headers, &form.csrf, &back, async |v| {
        let calendar = match form.calendar.trim() {
            "" => None,
            text => Some(text.parse::<HolidayCalendarId>().map_err(|_| {
                AppError::invalid("calendar", format!("{text:?} is not a calendar's id"))
            })?),
        };
        holidays::set_rotation_calendar(&state.store, v, id, &RotationHolidaysInput { calendar })
            .await?;
        Ok(format!("/rotations/{id}#holidays"))
    })
    .await
}
