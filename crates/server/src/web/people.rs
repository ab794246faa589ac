//! The people directory and a person's own page: their burden, hours, sleep
//! window and identities, and (for admins and their leads) invites and the
//! lifecycle.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use aftercare_app::people::{self, IdentityView, PersonPatch, PersonSettings};
use aftercare_app::validate::{self, DayBox, PersonInput};
use aftercare_app::{Actor, AppError, burden};
use aftercare_store::PersonId;

use super::calendar::{PersonPanel, PreviousFigures, days_label, heat_weeks, month_labels};
use super::forms::{FormState, act, act_inline, shown};
use super::period::{PeriodArgs, PeriodControl, previous, resolve};
use super::{MessagePage, PageError, login_redirect, nav, notice_text, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;
use crate::error::ApiError;

struct PersonRow {
    id: PersonId,
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
    /// The add-person form: what was typed when it was refused (else empty),
    /// and the error beside its field.
    typed: PersonForm,
    errors: FormState,
    zones: &'static [String],
}

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn people_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    people_view(&state, &v, q.notice.as_deref(), None).await
}

async fn people_view(
    state: &AppState,
    v: &Actor,
    notice: Option<&str>,
    refused_form: Option<(PersonForm, FormState)>,
) -> Result<Response, PageError> {
    let now = Timestamp::now();
    let mut rows = Vec::new();
    for p in people::directory(&state.store, v).await? {
        let local_now = now
            .to_zoned(p.hours.time_zone.clone())
            .strftime("%a %H:%M")
            .to_string();
        let linked = v.sees_work_of(&state.store, p.id).await?;
        rows.push(PersonRow {
            id: p.id,
            time_zone: p.time_zone_name().to_string(),
            name: p.name,
            email: p.email,
            local_now,
            linked,
        });
    }
    let (csrf, nav_name) = nav(v);
    let (typed, errors) =
        refused_form.unwrap_or_else(|| (PersonForm::default(), FormState::none()));
    let teams = if v.is_admin() {
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
        is_admin: v.is_admin(),
        teams,
        notice: notice_text(notice),
        typed,
        errors,
        zones: validate::time_zone_names(),
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
    /// An admin or one of their leads, and they cannot sign in yet: may invite.
    can_invite: bool,
    is_admin: bool,
    is_self: bool,
    settings: PersonSettings,
    identities: Vec<IdentityView>,
    identity_kinds: Vec<&'static str>,
    notice: Option<&'static str>,
    /// After saving: a sleep window under 4 or over 14 hours, in words.
    warning: Option<String>,
    period: PeriodControl,
    /// A refused settings form, shown beside its field.
    errors: FormState,
    day_boxes: Vec<DayBox>,
    zones: &'static [String],
    /// Their record in context over the period (seed 001's "batting average").
    record: aftercare_app::record::Record,
    /// On one's own page: the rotations one is new to, with one's buddy and next shadow shift.
    new_to: Vec<NewTo>,
}

struct NewTo {
    rotation_id: aftercare_store::RotationId,
    rotation: String,
    buddy: String,
    next_shadow: Option<String>,
    shadowed: usize,
}

pub(super) async fn person_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<PersonId>,
    Query(q): Query<NoticeQuery>,
    Query(period): Query<PeriodArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    person_view(&state, &v, id, &period, q.notice.as_deref(), None).await
}

/// The refusal of someone's figures (their page, their pages, their CSV), with
/// the navigation kept. The directory names everyone, so the refusal may too.
pub(super) async fn person_refusal(
    state: &AppState,
    v: &Actor,
    id: PersonId,
) -> Result<Response, PageError> {
    let name = match state.store.person(id).await? {
        Some(p) => format!("{}'s", p.name),
        None => "a person's".into(),
    };
    Ok(refused(
        v,
        &format!("{name} figures are visible to them, their team leads and admins"),
    ))
}

/// A refused settings form: what was typed, and why.
pub(super) struct SettingsRefused {
    typed: SettingsForm,
    errors: FormState,
}

/// The person's page; with `refused`, their settings form shows the typed
/// values and the error beside its field.
async fn person_view(
    state: &AppState,
    v: &Actor,
    id: PersonId,
    args: &PeriodArgs,
    notice: Option<&str>,
    refused_form: Option<SettingsRefused>,
) -> Result<Response, PageError> {
    let person = match people::visible(&state.store, v, id).await {
        Ok(p) => p,
        Err(AppError::Forbidden(_)) => return person_refusal(state, v, id).await,
        Err(e) => return Err(e.into()),
    };
    let tz: TimeZone = person.hours.time_zone.clone();
    let (chosen, control) = resolve(args, &tz, format!("/people/{id}"))?;
    let (period, days) = (chosen.period, chosen.days);
    let b = burden::person_burden(&state.store, &person, period).await?;
    let before = burden::person_burden(&state.store, &person, chosen.previous).await?;
    let last = period.to().to_zoned(tz.clone()).date();
    // A sleep interruption in the period's first hours belongs to the night that
    // began the evening before: start the calendar there so every night has its square.
    let first = period
        .from()
        .to_zoned(tz)
        .date()
        .min(b.nights.first().copied().unwrap_or(last));
    let i = &b.interruptions;
    let p = &before.interruptions;
    let mut settings = PersonSettings::from(&person);
    let panel = PersonPanel {
        person_id: person.id,
        name: person.name.clone(),
        time_zone: settings.time_zone.clone(),
        working: format!(
            "{} {}–{}",
            days_label(&settings.working_days),
            settings.working_start,
            settings.working_end
        ),
        sleep: format!("{}–{}", settings.sleep_start, settings.sleep_end),
        period_label: chosen.label(),
        query: chosen.query(),
        previous: PreviousFigures {
            sleep: previous(&chosen, p.sleep),
            off: previous(&chosen, p.off),
            business: previous(&chosen, p.business),
            nights: previous(&chosen, before.disrupted_nights),
            streak: previous(&chosen, before.longest_disrupted_streak),
        },
        from_date: first.to_string(),
        to_date: last.to_string(),
        sleep_count: i.sleep,
        off_count: i.off,
        business_count: i.business,
        disrupted_nights: b.disrupted_nights,
        longest_streak: b.longest_disrupted_streak,
        nights: b.nights.iter().map(|d| d.to_string()).collect(),
        weeks: heat_weeks(&b, first, last, &format!("/people/{id}/pages?day=")),
        months: month_labels(first, last),
        heat_summary: format!(
            "Calendar of interruptions: {} sleep-hour, {} off-hour and {} business-hour over {} days, {} disrupted nights",
            i.sleep, i.off, i.business, days, b.disrupted_nights
        ),
    };
    // Only after a save: the warning is about what was just stored.
    let warning = if notice == Some("saved") {
        validate::sleep_warning(&person.hours)
    } else {
        None
    };
    let errors = match refused_form {
        Some(r) => {
            settings.time_zone = r.typed.time_zone;
            settings.working_days = r.typed.working_days;
            settings.working_start = r.typed.working_start;
            settings.working_end = r.typed.working_end;
            settings.sleep_start = r.typed.sleep_start;
            settings.sleep_end = r.typed.sleep_end;
            r.errors
        }
        None => FormState::none(),
    };
    let status = if control.errors.failed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let can_edit = v.may_edit(id).is_ok();
    let identities = if can_edit {
        state
            .store
            .identities(id)
            .await?
            .iter()
            .map(IdentityView::from)
            .collect()
    } else {
        Vec::new()
    };
    let can_invite = !settings.can_sign_in && settings.active && !v.is(id);
    let day_boxes = validate::working_day_boxes(&settings.working_days);
    let record = aftercare_app::record::record(&state.store, v, id, period).await?;
    let zone = person.time_zone_name().to_string();
    let new_to = if v.is(id) {
        aftercare_app::newcomers::own(&state.store, v)
            .await?
            .into_iter()
            .map(|o| NewTo {
                rotation_id: o.rotation_id,
                rotation: o.rotation_name,
                buddy: o.newcomer.buddy.name,
                shadowed: o.newcomer.shadowed,
                next_shadow: o.next_shadow.map(|s| {
                    format!(
                        "{} to {}, following {}",
                        super::rotations::when(s.start, &zone),
                        super::rotations::when(s.end, &zone),
                        s.shadowing
                            .map_or_else(|| "whoever is on call".to_string(), |m| m.name)
                    )
                }),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut page = render(&PersonPage {
        csrf,
        nav_name,
        panel,
        can_edit,
        can_invite,
        is_admin: v.is_admin(),
        is_self: v.is(id),
        settings,
        identities,
        identity_kinds: validate::identity_kinds(),
        notice: notice_text(notice),
        warning,
        period: control,
        errors,
        day_boxes,
        zones: validate::time_zone_names(),
        record,
        new_to,
    });
    *page.status_mut() = status;
    Ok(page)
}

/// Every field defaults, so a missing one is our plain refusal, not the form
/// reader's.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct PersonForm {
    csrf: String,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) time_zone: String,
    pub(super) team: String,
}

pub(super) async fn add_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PersonForm>,
) -> Result<Response, PageError> {
    act_inline(
        &state,
        &headers,
        &form.csrf,
        "/people",
        async |v| {
            let right = v.admin()?;
            let input = PersonInput {
                name: form.name.clone(),
                email: form.email.clone(),
                time_zone: form.time_zone.clone(),
                ..Default::default()
            };
            people::create(&state.store, v, &right, &input, Some(&form.team)).await?;
            Ok("/people?notice=person-added".into())
        },
        async |v, e| {
            const FIELDS: [(&str, &str); 4] = [
                ("name", "Name"),
                ("email", "Email"),
                ("time_zone", "Time zone"),
                ("team", "Team"),
            ];
            let errors = FormState::from_error("person", &e, &FIELDS);
            people_view(&state, v, None, Some((form.clone(), errors))).await
        },
    )
    .await
}

/// The settings form as posted. Working days arrive as one `working_days` per
/// ticked box, which serde's form reader cannot gather, so the body is read as
/// pairs.
pub(super) struct SettingsForm {
    csrf: String,
    time_zone: String,
    working_days: String,
    working_start: String,
    working_end: String,
    sleep_start: String,
    sleep_end: String,
}

impl SettingsForm {
    fn parse(body: &[u8]) -> Result<SettingsForm, PageError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|_| ApiError::Malformed("the form could not be read; send it again".into()))?;
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let ticked: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "working_days")
            .map(|(_, v)| v.as_str())
            .collect();
        Ok(SettingsForm {
            csrf: one("csrf"),
            time_zone: one("time_zone"),
            working_days: validate::working_days_from_boxes(&ticked),
            working_start: one("working_start"),
            working_end: one("working_end"),
            sleep_start: one("sleep_start"),
            sleep_end: one("sleep_end"),
        })
    }
}

const SETTINGS_FIELDS: [(&str, &str); 6] = [
    ("time_zone", "Time zone"),
    ("working_days", "Working days"),
    ("working_start", "Working hours start"),
    ("working_end", "Working hours end"),
    ("sleep_start", "Sleep window start"),
    ("sleep_end", "Sleep window end"),
];

pub(super) async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PersonId>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = SettingsForm::parse(&body)?;
    let page = format!("/people/{id}");
    act_inline(
        &state,
        &headers,
        &form.csrf,
        &page,
        async |v| {
            let patch = PersonPatch {
                name: None,
                time_zone: Some(form.time_zone.clone()),
                working_days: Some(form.working_days.clone()),
                working_start: Some(form.working_start.clone()),
                working_end: Some(form.working_end.clone()),
                sleep_start: Some(form.sleep_start.clone()),
                sleep_end: Some(form.sleep_end.clone()),
            };
            people::update(&state.store, v, id, patch).await?;
            Ok(format!("{page}?notice=saved"))
        },
        async |v, e| {
            let errors = FormState::from_error("settings", &e, &SETTINGS_FIELDS);
            let typed = SettingsForm::parse(&body)?;
            let refused_form = SettingsRefused { typed, errors };
            person_view(
                &state,
                v,
                id,
                &PeriodArgs::default(),
                None,
                Some(refused_form),
            )
            .await
        },
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct IdentityForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    external_id: String,
}

pub(super) async fn add_identity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PersonId>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, PageError> {
    let page = format!("/people/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        people::link_identity(&state.store, v, id, &form.kind, &form.external_id).await?;
        Ok(format!("{page}?notice=identity-saved"))
    })
    .await
}

pub(super) async fn remove_identity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PersonId>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, PageError> {
    let page = format!("/people/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        people::remove_identity(&state.store, v, id, &form.kind, &form.external_id).await?;
        Ok(format!("{page}?notice=identity-removed"))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// Shows the invite link to copy (and to send however the team talks).
pub(super) async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PersonId>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let Some(v) = crate::auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let back = format!("/people/{id}");
    let result = async {
        let person = people::visible(&state.store, &v, id).await?;
        aftercare_app::mail::invite(
            &state.store,
            state.mailer.as_ref(),
            &state.config.public_url,
            &v,
            &person,
        )
        .await
    }
    .await;
    match result {
        Ok((link, emailed)) => {
            let (csrf, nav_name) = nav(&v);
            let how = if emailed {
                format!("We emailed {} this link", link.email)
            } else {
                format!("Send this link to {} yourself", link.email)
            };
            Ok(shown(&MessagePage {
                csrf,
                nav_name,
                heading: format!("Invite link for {}", link.email),
                message: format!(
                    "{how}; it lets them choose a password once and expires on {}: {}{}",
                    link.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                    state.config.public_url,
                    link.path
                ),
                back,
            }))
        }
        Err(e @ AppError::Internal(_)) => Err(e.into()),
        Err(e) => Ok(super::forms::refusal(&v, &e.into(), &back)),
    }
}

pub(super) async fn deactivate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PersonId>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let page = format!("/people/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        let right = v.admin()?;
        people::deactivate(&state.store, v, &right, id).await?;
        Ok(format!("{page}?notice=deactivated"))
    })
    .await
}

pub(super) async fn reactivate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<PersonId>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let page = format!("/people/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        let right = v.admin()?;
        people::reactivate(&state.store, v, &right, id).await?;
        Ok(format!("{page}?notice=reactivated"))
    })
    .await
}
