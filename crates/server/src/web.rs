//! Server-rendered pages: askama templates, htmx vendored into the binary, no build
//! step. Each page checks the same access rules as the JSON API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use aftercare_burden::{Burden, Period};
use aftercare_store::TeamRole;
use aftercare_webhooks::Source;

use crate::AppState;
use crate::api::{CreateIntegration, create_integration_for};
use crate::auth::{self, MaybeViewer, Viewer};
use crate::error::ApiError;
use crate::service;
use crate::validate::{self, PersonInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/setup", get(setup_page).post(setup_submit))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout))
        .route("/me", get(me_page))
        .route("/people", get(people_page).post(crate::manage::add_person))
        .route("/people/{id}", get(person_page))
        .route("/teams", get(teams_page).post(crate::manage::add_team))
        .route(
            "/teams/{id}/members",
            axum::routing::post(crate::manage::add_member),
        )
        .route(
            "/people/{id}/settings",
            axum::routing::post(crate::manage::save_settings),
        )
        .route(
            "/people/{id}/identities",
            axum::routing::post(crate::manage::add_identity),
        )
        .route("/teams/{id}", get(team_page))
        .route(
            "/integrations",
            get(integrations_page).post(integrations_submit),
        )
        .route("/static/htmx.min.js", get(htmx_js))
        .route("/static/app.css", get(app_css))
}

static HTMX: &str = include_str!("../static/htmx.min.js");
static APP_CSS: &str = include_str!("../static/app.css");

async fn htmx_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        HTMX,
    )
        .into_response()
}

async fn app_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
        .into_response()
}

/// A page-level failure, rendered as a page rather than JSON.
pub struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<aftercare_store::StoreError> for PageError {
    fn from(e: aftercare_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let ApiError::Internal(detail) = &self.0 {
            tracing::error!(error = %detail, "page failed");
        }
        let message = match &self.0 {
            ApiError::Internal(_) => {
                "Something went wrong on our side. It has been logged.".to_string()
            }
            // The page's heading already says what kind of refusal this is.
            ApiError::Forbidden(reason) => sentence(reason),
            other => sentence(&other.to_string()),
        };
        let heading = match status {
            StatusCode::FORBIDDEN => "Not yours to see",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::BAD_REQUEST => "That did not work",
            _ => "Sorry",
        };
        let page = MessagePage {
            csrf: String::new(),
            nav_name: None,
            heading: heading.into(),
            message,
            back: "/".into(),
        };
        (status, render(&page)).into_response()
    }
}

/// A message as a sentence: capital first letter, full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A refusal for a logged-in viewer: the same 403, but with the navigation, so
/// they can go on from here or log out.
fn refused(v: &Viewer, reason: &str) -> Response {
    let (csrf, nav_name) = nav(v);
    let page = MessagePage {
        csrf,
        nav_name,
        heading: "Not yours to see".into(),
        message: sentence(reason),
        back: "/".into(),
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    csrf: String,
    nav_name: Option<String>,
    heading: String,
    message: String,
    back: String,
}

fn nav(v: &Viewer) -> (String, Option<String>) {
    let name = v
        .person
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "admin token".into());
    (v.csrf_token().to_string(), Some(name))
}

fn login_redirect() -> Response {
    Redirect::to("/login").into_response()
}

async fn home(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, PageError> {
    if !state.store.has_admin().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    Ok(match viewer {
        None => login_redirect(),
        Some(v) if !v.leads.is_empty() && v.leads.len() == 1 => {
            Redirect::to(&format!("/teams/{}", v.leads[0])).into_response()
        }
        Some(_) => Redirect::to("/me").into_response(),
    })
}

// ---- setup and login ---------------------------------------------------------

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    csrf: String,
    nav_name: Option<String>,
    error: Option<String>,
    name: String,
    email: String,
    time_zone: String,
}

async fn setup_page(State(state): State<AppState>) -> Result<Response, PageError> {
    if state.store.has_admin().await? {
        return Ok(login_redirect());
    }
    Ok(render(&SetupPage {
        csrf: String::new(),
        nav_name: None,
        error: None,
        name: String::new(),
        email: String::new(),
        time_zone: "UTC".into(),
    }))
}

#[derive(Deserialize)]
struct SetupForm {
    name: String,
    email: String,
    time_zone: String,
    password: String,
}

async fn setup_submit(
    State(state): State<AppState>,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    // Setup is open only while no admin exists; afterwards admins are made by admins
    // or by `aftercare admin create` on the server.
    if state.store.has_admin().await? {
        return Err(ApiError::Forbidden("setup is done; log in instead".into()).into());
    }
    let input = PersonInput {
        name: form.name.clone(),
        email: form.email.clone(),
        time_zone: form.time_zone.clone(),
        ..Default::default()
    };
    let result = async {
        let new = validate::person(&input)?;
        auth::check_password(&form.password)?;
        let hash = auth::hash_password(&form.password)?;
        Ok::<_, ApiError>(state.store.create_admin(&new, &hash).await?)
    }
    .await;
    match result {
        Ok(person) => {
            let (cookie, _) = auth::start_session(&state.store, person.id).await?;
            Ok((
                [(
                    header::SET_COOKIE,
                    auth::session_cookie(&cookie, state.config.secure_cookies),
                )],
                Redirect::to("/teams"),
            )
                .into_response())
        }
        Err(e) => {
            let page = SetupPage {
                csrf: String::new(),
                nav_name: None,
                error: Some(e.to_string()),
                name: form.name,
                email: form.email,
                time_zone: form.time_zone,
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    nav_name: Option<String>,
    error: Option<String>,
    email: String,
}

async fn login_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, PageError> {
    if !state.store.has_admin().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    if viewer.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(render(&LoginPage {
        csrf: String::new(),
        nav_name: None,
        error: None,
        email: String::new(),
    }))
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let person = state.store.person_by_email(&form.email).await?;
    // One message for an unknown email and a wrong password, so the form does not
    // tell who has an account.
    let ok = person
        .as_ref()
        .and_then(|p| p.password_hash.as_deref())
        .is_some_and(|h| auth::verify_password(&form.password, h));
    match (ok, person) {
        (true, Some(p)) => {
            let (cookie, _) = auth::start_session(&state.store, p.id).await?;
            Ok((
                [(
                    header::SET_COOKIE,
                    auth::session_cookie(&cookie, state.config.secure_cookies),
                )],
                Redirect::to("/"),
            )
                .into_response())
        }
        _ => {
            let page = LoginPage {
                csrf: String::new(),
                nav_name: None,
                error: Some("That email and password do not match an account.".into()),
                email: form.email,
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    if let Some(v) = auth::form_viewer(&state, headers, &form.csrf).await?
        && let auth::Credential::Session(s) = &v.credential
    {
        state.store.delete_session(&s.id_hash).await?;
    }
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

// ---- people and burden -------------------------------------------------------

struct PersonRow {
    id: i64,
    name: String,
    email: String,
    time_zone: String,
    local_now: String,
    linked: bool,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    csrf: String,
    nav_name: Option<String>,
    people: Vec<PersonRow>,
    is_admin: bool,
    teams: Vec<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn people_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = viewer else {
        return Ok(login_redirect());
    };
    let now = Timestamp::now();
    let mut rows = Vec::new();
    for p in state.store.list_people().await? {
        let local_now = TimeZone::get(&p.time_zone)
            .map(|tz| now.to_zoned(tz).strftime("%a %H:%M").to_string())
            .unwrap_or_default();
        let linked = v.may_see_work_of(&state.store, p.id).await?;
        rows.push(PersonRow {
            id: p.id,
            name: p.name,
            email: p.email,
            time_zone: p.time_zone,
            local_now,
            linked,
        });
    }
    let (csrf, nav_name) = nav(&v);
    let teams = if v.is_admin {
        state
            .store
            .list_teams()
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&PeoplePage {
        csrf,
        nav_name,
        people: rows,
        is_admin: v.is_admin,
        teams,
        notice: crate::manage::notice_text(q.notice.as_deref()),
    }))
}

async fn me_page(MaybeViewer(viewer): MaybeViewer) -> Response {
    match viewer.and_then(|v| v.person_id()) {
        Some(id) => Redirect::to(&format!("/people/{id}")).into_response(),
        None => Redirect::to("/teams").into_response(),
    }
}

#[derive(Deserialize)]
struct DaysQuery {
    days: Option<i64>,
    notice: Option<String>,
}

const DAY_CHOICES: [i64; 4] = [30, 90, 180, 365];

fn days_period(days: Option<i64>) -> Result<(i64, Period), ApiError> {
    let days = days.unwrap_or(service::DEFAULT_PERIOD_DAYS);
    if !(1..=731).contains(&days) {
        return Err(ApiError::invalid("days", "must be between 1 and 731"));
    }
    let to = Timestamp::now();
    let from = to
        .checked_sub(SignedDuration::from_hours(24 * days))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let period = Period::new(from, to).map_err(|e| ApiError::invalid("days", e.to_string()))?;
    Ok((days, period))
}

/// One square of the calendar heatmap.
pub struct HeatCell {
    pub date: String,
    pub class: String,
    pub label: String,
}

pub struct PersonPanel {
    pub person_id: i64,
    pub name: String,
    pub time_zone: String,
    pub working: String,
    pub sleep: String,
    pub days: i64,
    pub day_choices: Vec<i64>,
    pub from_date: String,
    pub to_date: String,
    pub sleep_count: u32,
    pub off_count: u32,
    pub business_count: u32,
    pub disrupted_nights: u32,
    pub longest_streak: u32,
    pub nights: Vec<String>,
    pub weeks: Vec<Vec<HeatCell>>,
    pub months: Vec<MonthLabel>,
    pub heat_summary: String,
}

/// A month's name above the calendar column of the week its first day falls in.
pub struct MonthLabel {
    /// 1-based grid column.
    pub column: usize,
    pub name: String,
}

/// Labels the calendar's columns like a contribution calendar: each month where
/// its first day falls, and the period's first month only if there is room for it.
pub fn month_labels(first: Date, last: Date) -> Vec<MonthLabel> {
    let lead = i64::from(first.weekday().to_monday_zero_offset());
    let column = |d: Date| {
        first
            .until(d)
            .map(|s| (lead + i64::from(s.get_days())) / 7)
            .unwrap_or(0)
    };
    let name = |d: Date| d.strftime("%b").to_string();
    let mut labels: Vec<MonthLabel> = Vec::new();
    let mut month = first.first_of_month();
    while let Ok(next) = month.checked_add(jiff::Span::new().months(1)) {
        if next > last {
            break;
        }
        labels.push(MonthLabel {
            column: usize::try_from(column(next)).unwrap_or(0) + 1,
            name: name(next),
        });
        month = next;
    }
    // Three columns (about 48px) fit a month's short name.
    if labels.first().is_none_or(|l| l.column > 3) {
        labels.insert(
            0,
            MonthLabel {
                column: 1,
                name: name(first),
            },
        );
    }
    labels
}

fn level(n: u32) -> u8 {
    match n {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=4 => 3,
        _ => 4,
    }
}

/// Lays the period's local days out as a contribution calendar: one column per
/// week (Monday first), each day coloured by its most disruptive category.
pub fn heat_weeks(burden: &Burden, first: Date, last: Date) -> Vec<Vec<HeatCell>> {
    let mut weeks = Vec::new();
    let lead = first.weekday().to_monday_zero_offset();
    let mut week: Vec<HeatCell> = (0..lead)
        .map(|_| HeatCell {
            date: String::new(),
            class: "pad".into(),
            label: String::new(),
        })
        .collect();
    let mut day = first;
    let mut counts = burden.days.iter().peekable();
    while day <= last {
        while counts.peek().is_some_and(|c| c.date < day) {
            counts.next();
        }
        let (b, o, s) = match counts.peek() {
            Some(c) if c.date == day => (c.business, c.off, c.sleep),
            _ => (0, 0, 0),
        };
        let total = b + o + s;
        let (cat, n) = if s > 0 {
            ("sleep", s)
        } else if o > 0 {
            ("off", o)
        } else if b > 0 {
            ("business", b)
        } else {
            ("", 0)
        };
        let label = if total == 0 {
            format!("{day}: no interruptions")
        } else {
            format!("{day}: {s} sleep, {o} off-hour, {b} business-hour")
        };
        week.push(HeatCell {
            date: day.to_string(),
            class: format!("{cat} l{}", level(n)).trim().to_string(),
            label,
        });
        if day.weekday() == Weekday::Sunday {
            weeks.push(std::mem::take(&mut week));
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    if !week.is_empty() {
        weeks.push(week);
    }
    weeks
}

async fn person_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
    Query(q): Query<DaysQuery>,
) -> Result<Response, PageError> {
    let Some(v) = viewer else {
        return Ok(login_redirect());
    };
    let person = state
        .store
        .person(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("person {id}")))?;
    if !v.may_see_work_of(&state.store, id).await? {
        return Ok(refused(
            &v,
            &format!(
                "{}'s figures are visible to them, their team leads and admins",
                person.name
            ),
        ));
    }
    let (days, period) = days_period(q.days)?;
    let burden = service::person_burden(&state.store, &person, period)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let tz = TimeZone::get(&person.time_zone).unwrap_or(TimeZone::UTC);
    let last = period.to().to_zoned(tz.clone()).date();
    // A sleep interruption in the period's first hours belongs to the night that
    // began the evening before: start the calendar there so every night has its square.
    let first = period
        .from()
        .to_zoned(tz)
        .date()
        .min(burden.nights.first().copied().unwrap_or(last));
    let i = &burden.interruptions;
    let panel = PersonPanel {
        person_id: person.id,
        name: person.name.clone(),
        time_zone: person.time_zone.clone(),
        working: format!(
            "{} {}–{}",
            days_label(&person.working_days),
            person.working_start,
            person.working_end
        ),
        sleep: format!("{}–{}", person.sleep_start, person.sleep_end),
        days,
        day_choices: DAY_CHOICES.to_vec(),
        from_date: first.to_string(),
        to_date: last.to_string(),
        sleep_count: i.sleep,
        off_count: i.off,
        business_count: i.business,
        disrupted_nights: burden.disrupted_nights,
        longest_streak: burden.longest_disrupted_streak,
        nights: burden.nights.iter().map(|d| d.to_string()).collect(),
        weeks: heat_weeks(&burden, first, last),
        months: month_labels(first, last),
        heat_summary: format!(
            "Calendar of interruptions: {} sleep-hour, {} off-hour and {} business-hour over {} days, {} disrupted nights",
            i.sleep, i.off, i.business, days, burden.disrupted_nights
        ),
    };
    let (csrf, nav_name) = nav(&v);
    let can_edit = v.is_admin || v.person_id() == Some(id);
    let identities = if can_edit {
        state.store.identities(id).await?
    } else {
        Vec::new()
    };
    Ok(render(&PersonPage {
        csrf,
        nav_name,
        panel,
        can_edit,
        settings: person,
        identities,
        identity_kinds: crate::validate::identity_kinds(),
        notice: crate::manage::notice_text(q.notice.as_deref()),
    }))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    csrf: String,
    nav_name: Option<String>,
    panel: PersonPanel,
    /// The person themselves or an admin: may change hours and identities.
    can_edit: bool,
    settings: aftercare_store::Person,
    identities: Vec<aftercare_store::Identity>,
    identity_kinds: Vec<&'static str>,
    notice: Option<&'static str>,
}

// ---- teams ---------------------------------------------------------------------

struct TeamTile {
    id: i64,
    name: String,
    members: usize,
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    csrf: String,
    nav_name: Option<String>,
    teams: Vec<TeamTile>,
    is_admin: bool,
    notice: Option<&'static str>,
}

async fn teams_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = viewer else {
        return Ok(login_redirect());
    };
    let mut tiles = Vec::new();
    for t in state.store.list_teams().await? {
        if v.may_see_team(t.id) {
            let members = state.store.team_members(t.id).await?.len();
            tiles.push(TeamTile {
                id: t.id,
                name: t.name,
                members,
            });
        }
    }
    let (csrf, nav_name) = nav(&v);
    Ok(render(&TeamsPage {
        csrf,
        nav_name,
        teams: tiles,
        is_admin: v.is_admin,
        notice: crate::manage::notice_text(q.notice.as_deref()),
    }))
}

struct MemberRow {
    id: i64,
    name: String,
    time_zone: String,
    lead: bool,
    sleep: u32,
    off: u32,
    business: u32,
    nights: u32,
    streak: u32,
    vs_median: String,
    heavy: bool,
    night_x: Vec<i64>,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    csrf: String,
    nav_name: Option<String>,
    name: String,
    days: i64,
    from_date: String,
    to_date: String,
    /// The dates the night strips span (local nights can fall a day either side).
    strip_from: String,
    strip_to: String,
    median_sleep: String,
    unattributed: i64,
    /// The unattributed pages themselves (leads and admins), newest first.
    unattributed_pages: Vec<UnattributedRow>,
    carrying: Option<String>,
    show_members: bool,
    members: Vec<MemberRow>,
    strip_width: i64,
    team_id: i64,
    notice: Option<&'static str>,
}

/// A member carrying at least twice the team median of sleep interruptions is
/// highlighted: the point where a lead should look at how the nights are shared.
const HEAVY_RATIO: f64 = 2.0;

async fn team_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
    Query(q): Query<DaysQuery>,
) -> Result<Response, PageError> {
    let Some(v) = viewer else {
        return Ok(login_redirect());
    };
    let team = state
        .store
        .team(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("team {id}")))?;
    if !v.may_see_team(id) {
        return Ok(refused(
            &v,
            &format!("{} is visible to its members and admins", team.name),
        ));
    }
    let (days, period) = days_period(q.days)?;
    let tb = service::team_burden(&state.store, &team, period)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let first = period.from().to_zoned(TimeZone::UTC).date();
    let last = period.to().to_zoned(TimeZone::UTC).date();
    // Nights carry each member's local date: the strips span from the earliest to
    // the latest of them, so no night falls off either end in a far time zone.
    let all_nights = || {
        tb.members
            .iter()
            .flat_map(|m| m.burden.nights.iter().copied())
    };
    let strip_first = all_nights().min().map_or(first, |n| n.min(first));
    let strip_last = all_nights().max().map_or(last, |n| n.max(last));
    let mut members: Vec<MemberRow> = tb
        .members
        .iter()
        .map(|m| MemberRow {
            id: m.person.id,
            name: m.person.name.clone(),
            time_zone: m.person.time_zone.clone(),
            lead: m.role == TeamRole::Lead,
            sleep: m.burden.interruptions.sleep,
            off: m.burden.interruptions.off,
            business: m.burden.interruptions.business,
            nights: m.burden.disrupted_nights,
            streak: m.burden.longest_disrupted_streak,
            vs_median: m
                .sleep_vs_median
                .map(|r| format!("{r:.1}×"))
                .unwrap_or_else(|| "–".into()),
            heavy: m.sleep_vs_median.is_some_and(|r| r >= HEAVY_RATIO),
            night_x: m
                .burden
                .nights
                .iter()
                .filter_map(|n| {
                    strip_first
                        .until(*n)
                        .ok()
                        .map(|span| i64::from(span.get_days()) * 4)
                })
                .filter(|x| *x >= 0)
                .collect(),
        })
        .collect();
    members.sort_by(|a, b| {
        b.sleep
            .cmp(&a.sleep)
            .then(b.nights.cmp(&a.nights))
            .then(a.name.cmp(&b.name))
    });
    let carrying = tb.spread.most_sleep.as_ref().map(|l| match l.sleep_vs_median {
        Some(r) => format!("{} is carrying the most nights: {} sleep-hour interruptions, {r:.1}× the team median.", l.name, l.sleep),
        None => format!("{} is carrying the most nights: {} sleep-hour interruptions, while most of the team had none.", l.name, l.sleep),
    });
    let span_days = strip_first
        .until(strip_last)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(days)
        + 1;
    let (csrf, nav_name) = nav(&v);
    Ok(render(&TeamPage {
        csrf,
        nav_name,
        name: team.name,
        days,
        from_date: first.to_string(),
        to_date: last.to_string(),
        strip_from: strip_first.to_string(),
        strip_to: strip_last.to_string(),
        median_sleep: format!("{:.1}", tb.spread.median_sleep),
        unattributed: tb.unattributed,
        unattributed_pages: if v.leads_team(id) {
            unattributed_rows(&state, id, period).await?
        } else {
            Vec::new()
        },
        carrying: if v.leads_team(id) { carrying } else { None },
        show_members: v.leads_team(id),
        members,
        strip_width: span_days * 4,
        team_id: id,
        notice: crate::manage::notice_text(q.notice.as_deref()),
    }))
}

// ---- integrations --------------------------------------------------------------

struct IntegrationRow {
    name: String,
    team: String,
    source: String,
    path: String,
}

struct Created {
    name: String,
    path: String,
    secret: String,
    how: String,
}

#[derive(Template)]
#[template(path = "integrations.html")]
struct IntegrationsPage {
    csrf: String,
    nav_name: Option<String>,
    integrations: Vec<IntegrationRow>,
    teams: Vec<String>,
    sources: Vec<&'static str>,
    created: Option<Created>,
    error: Option<String>,
}

async fn integrations_view(
    state: &AppState,
    v: &Viewer,
    created: Option<Created>,
    error: Option<String>,
) -> Result<IntegrationsPage, PageError> {
    let teams = state.store.list_teams().await?;
    let team_name = |id: i64| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let integrations = state
        .store
        .list_integrations(None)
        .await?
        .into_iter()
        .filter(|i| v.leads_team(i.team_id))
        .map(|i| IntegrationRow {
            name: i.name,
            team: team_name(i.team_id),
            source: i.source,
            path: format!("/api/v1/ingest/{}", i.public_id),
        })
        .collect();
    let (csrf, nav_name) = nav(v);
    Ok(IntegrationsPage {
        csrf,
        nav_name,
        integrations,
        teams: teams
            .iter()
            .filter(|t| v.leads_team(t.id))
            .map(|t| t.name.clone())
            .collect(),
        sources: Source::ALL.iter().map(|s| s.as_str()).collect(),
        created,
        error,
    })
}

async fn integrations_page(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, PageError> {
    let Some(v) = viewer else {
        return Ok(login_redirect());
    };
    Ok(render(&integrations_view(&state, &v, None, None).await?))
}

#[derive(Deserialize)]
struct IntegrationForm {
    #[serde(default)]
    csrf: String,
    team: String,
    source: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    secret: String,
}

async fn integrations_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<IntegrationForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_viewer(&state, headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let input = CreateIntegration {
        team: form.team,
        source: form.source,
        name: Some(form.name),
        secret: Some(form.secret),
    };
    match create_integration_for(&state, Some(&v), &input).await {
        Ok(made) => {
            let s = |k: &str| made[k].as_str().unwrap_or_default().to_string();
            let created = Created {
                name: s("name"),
                path: s("ingest_path"),
                secret: s("secret"),
                how: s("how_to_authenticate"),
            };
            Ok((
                StatusCode::CREATED,
                render(&integrations_view(&state, &v, Some(created), None).await?),
            )
                .into_response())
        }
        Err(e @ (ApiError::Invalid { .. } | ApiError::Conflict(_))) => Ok((
            StatusCode::BAD_REQUEST,
            render(&integrations_view(&state, &v, None, Some(e.to_string())).await?),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// Working days as a person would write them: runs of consecutive days ("Mon–Fri",
/// "Sun–Thu", "Mon, Wed, Fri"), wrapping over the weekend.
pub fn days_label(days: &str) -> String {
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let set: Vec<bool> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| days.split(',').any(|x| x.trim() == *d))
        .collect();
    let count = set.iter().filter(|d| **d).count();
    if count == 7 {
        return "every day".into();
    }
    if count == 0 {
        return "no working days".into();
    }
    let mut runs = Vec::new();
    // A run starts at a working day whose day before is not one; begin the scan on
    // Monday so runs come out in week order, except one that wraps from Sunday.
    for start in 0..7 {
        if set[start] && !set[(start + 6) % 7] {
            let mut len = 1;
            while len < 7 && set[(start + len) % 7] {
                len += 1;
            }
            runs.push(match len {
                1 => NAMES[start].to_string(),
                2 => format!("{}, {}", NAMES[start], NAMES[(start + 1) % 7]),
                _ => format!("{}–{}", NAMES[start], NAMES[(start + len - 1) % 7]),
            });
        }
    }
    runs.join(", ")
}

/// A page nobody could be found for, as the team page lists it.
pub struct UnattributedRow {
    pub at: String,
    pub source: String,
    pub incident_key: String,
}

/// At most this many unattributed pages are listed; the count says how many in all.
const UNATTRIBUTED_LISTED: usize = 50;

async fn unattributed_rows(
    state: &AppState,
    team_id: i64,
    period: Period,
) -> Result<Vec<UnattributedRow>, PageError> {
    let pages = state
        .store
        .unattributed(
            team_id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    Ok(pages
        .into_iter()
        .take(UNATTRIBUTED_LISTED)
        .map(|n| UnattributedRow {
            at: Timestamp::from_millisecond(n.at)
                .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
            source: n.source,
            incident_key: n.incident_key,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::days_label;

    #[test]
    fn working_days_read_as_runs() {
        assert_eq!(days_label("mon,tue,wed,thu,fri"), "Mon–Fri");
        assert_eq!(days_label("mon,tue,wed,thu,sun"), "Sun–Thu");
        assert_eq!(days_label("mon,wed,fri"), "Mon, Wed, Fri");
        assert_eq!(days_label("sat,sun"), "Sat, Sun");
        assert_eq!(days_label("mon,tue,wed,thu,fri,sat,sun"), "every day");
        assert_eq!(days_label("none"), "no working days");
    }
}
