//! Care pages: one's check-ins and trend (`/checkins`), the journal (`/journal`),
//! peer support (`/support`), the lead's checklist after an incident
//! (`/incidents/{id}/care`) and a team's pulse and care settings
//! (`/teams/{id}/pulse`). Every form calls the same use-case as the JSON API.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use aftercare_app::care::{self, CareSettings, CareSettingsChange};
use aftercare_app::checkins::{
    self, CheckinReply, CheckinView, MeasureTrend, TalkAnswer, TalkRequest,
};
use aftercare_app::journal::{self, Entry, JournalGuide, NewEntry};
use aftercare_app::pulse::{self, PulseView};
use aftercare_app::support::{self, Checklist, SupportOverview};
use aftercare_app::{Actor, AppError};
use aftercare_store::{
    CheckinId, IncidentId, JournalEntryId, PairingId, SupportResourceId, TeamId,
};

use super::forms::{FormState, act, act_inline};
use super::period::{PeriodArgs, PeriodControl, resolve};
use super::{PageError, login_redirect, nav, notice_text, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CsrfForm {
    csrf: String,
}

fn when(v: &Actor, t: jiff::Timestamp) -> String {
    match v.person() {
        Some(p) => t
            .to_zoned(p.hours.time_zone.clone())
            .strftime("%a %-d %b %Y, %H:%M")
            .to_string(),
        None => t.strftime("%a %-d %b %Y, %H:%M UTC").to_string(),
    }
}

const OWN_ONLY: &str = "this belongs to the person alone: sign in as yourself to see it";

// ---- /checkins

#[derive(Template)]
#[template(path = "checkins.html")]
struct CheckinsPage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    open: Vec<(CheckinView, String)>,
    later: Vec<(CheckinView, String)>,
    done: Vec<(CheckinView, String)>,
    trends: Vec<MeasureTrend>,
    paused: bool,
}

pub(super) async fn checkins_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    if v.owner().is_err() {
        return Ok(refused(&v, OWN_ONLY));
    }
    let all = checkins::list(&state.store, &v).await?;
    let trends = checkins::trends(&state.store, &v).await?;
    let paused = aftercare_app::notify::current_pause(&state.store, &v)
        .await?
        .is_some();
    let (mut open, mut later, mut done) = (vec![], vec![], vec![]);
    for c in all {
        let w = when(&v, c.due_at);
        match c.status {
            "open" => open.push((c, w)),
            "scheduled" => later.push((c, w)),
            _ => done.push((c, w)),
        }
    }
    later.reverse();
    let (csrf, nav_name) = nav(&v);
    Ok(render(&CheckinsPage {
        csrf,
        nav_name,
        notice: notice_text(q.notice.as_deref()),
        open,
        later,
        done,
        trends,
        paused,
    }))
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinPage {
    csrf: String,
    nav_name: Option<String>,
    c: CheckinView,
    due: String,
    errors: FormState,
    /// What was chosen, to keep it when the form is shown again.
    chosen: Vec<(String, String)>,
    talk: Option<TalkAnswer>,
}

impl CheckinPage {
    fn checked(&self, measure: &str, item: &str, value: &i64) -> bool {
        let key = format!("{measure}.{item}");
        let value = value.to_string();
        self.chosen.iter().any(|(k, v)| *k == key && *v == value)
            || self
                .c
                .answers
                .get(measure)
                .and_then(|a| a.get(item))
                .is_some_and(|x| x.to_string() == value)
    }

    fn score(&self, measure: &str) -> String {
        self.c
            .scores
            .get(measure)
            .map(|s| format!("{s:.1}"))
            .unwrap_or_default()
    }
}

async fn checkin_view(
    state: &AppState,
    v: &Actor,
    id: CheckinId,
    errors: FormState,
    chosen: Vec<(String, String)>,
    talk: Option<TalkAnswer>,
) -> Result<Response, PageError> {
    if v.owner().is_err() {
        return Ok(refused(v, OWN_ONLY));
    }
    let c = checkins::get(&state.store, v, id).await?;
    let due = when(v, c.due_at);
    let (csrf, nav_name) = nav(v);
    let failed = errors.failed();
    let mut page = render(&CheckinPage {
        csrf,
        nav_name,
        c,
        due,
        errors,
        chosen,
        talk,
    });
    if failed {
        *page.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(page)
}

pub(super) async fn checkin_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let Ok(id) = id.parse::<CheckinId>() else {
        return Err(AppError::NotFound(format!("check-in {id:?}")).into());
    };
    checkin_view(&state, &v, id, FormState::none(), vec![], None).await
}

/// The answer form: `csrf`, `action` (`answer` or `skip`) and one `measure.item=value` per item.
pub(super) async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id: CheckinId = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("check-in {id:?}")))?;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let csrf = get("csrf");
    let skip = get("action") == "skip";
    let back = format!("/checkins/{id}");
    let chosen: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k.contains('.'))
        .cloned()
        .collect();
    act_inline(
        &state,
        &headers,
        &csrf,
        &back,
        async |v| {
            let mut reply = CheckinReply {
                skip,
                ..CheckinReply::default()
            };
            if !skip {
                let c = checkins::get(&state.store, v, id).await?;
                // Every item of every measure: a missing one is named, not guessed.
                for m in &c.measures {
                    let mut answers = std::collections::BTreeMap::new();
                    for item in &m.items {
                        let key = format!("{}.{}", m.id, item.id);
                        let raw = fields
                            .iter()
                            .find(|(k, _)| *k == key)
                            .map(|(_, v)| v.trim());
                        match raw {
                            None | Some("") => {
                                return Err(AppError::invalid(
                                    format!("answers.{}", m.id),
                                    format!("\"{}\" is not answered yet", item.text),
                                ));
                            }
                            Some(text) => {
                                let value: i64 = text.parse().map_err(|_| {
                                    AppError::invalid(
                                        format!("answers.{}", m.id),
                                        format!("{text:?} is not a point of the scale"),
                                    )
                                })?;
                                answers.insert(item.id.clone(), value);
                            }
                        }
                    }
                    reply.answers.insert(m.id.clone(), answers);
                }
            }
            checkins::reply(&state.store, v, id, &reply).await?;
            Ok(if skip {
                "/checkins?notice=checkin-skipped".into()
            } else {
                format!("/checkins/{id}?notice=checkin-answered")
            })
        },
        async |v, e| {
            let fields: Vec<(String, String)> = checkins::get(&state.store, v, id)
                .await?
                .measures
                .iter()
                .map(|m| (format!("answers.{}", m.id), m.name.clone()))
                .collect();
            let names: Vec<(&str, &str)> = fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let errors = FormState::from_error("checkin", &e, &names);
            checkin_view(&state, v, id, errors, chosen, None).await
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TalkForm {
    csrf: String,
    with: String,
}

pub(super) async fn talk(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<TalkForm>,
) -> Result<Response, PageError> {
    let id: CheckinId = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("check-in {id:?}")))?;
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let answer =
        checkins::ask_to_talk(&state.store, &v, id, &TalkRequest { with: form.with }).await;
    match answer {
        Ok(a) => checkin_view(&state, &v, id, FormState::none(), vec![], Some(a)).await,
        Err(e @ AppError::Invalid { .. }) => {
            checkin_view(
                &state,
                &v,
                id,
                FormState::from_error("talk", &e, &[]),
                vec![],
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- /journal

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    guide: JournalGuide,
    entries: Option<Vec<(Entry, String)>>,
    incidents: Vec<(IncidentId, String)>,
    errors: FormState,
    draft: String,
}

async fn journal_view(
    state: &AppState,
    v: &Actor,
    notice: Option<&'static str>,
    entries: Option<Vec<Entry>>,
    errors: FormState,
    draft: String,
) -> Result<Response, PageError> {
    if v.owner().is_err() {
        return Ok(refused(v, OWN_ONLY));
    }
    let guide = journal::guide(&state.store, v).await?;
    let mut incidents = Vec::new();
    if let Some(p) = v.person() {
        for id in state.store.incidents_of(p.id).await? {
            if let Some(i) = state.store.incident(id).await? {
                incidents.push((i.id, i.title));
            }
        }
    }
    let entries = entries.map(|es| {
        es.into_iter()
            .map(|e| {
                let w = when(v, e.written_at);
                (e, w)
            })
            .collect()
    });
    let (csrf, nav_name) = nav(v);
    let failed = errors.failed();
    let mut page = render(&JournalPage {
        csrf,
        nav_name,
        notice,
        guide,
        entries,
        incidents,
        errors,
        draft,
    });
    if failed {
        *page.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(page)
}

pub(super) async fn journal_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    journal_view(
        &state,
        &v,
        notice_text(q.notice.as_deref()),
        None,
        FormState::none(),
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct WriteForm {
    csrf: String,
    passphrase: String,
    text: String,
    incident_id: String,
}

pub(super) async fn journal_write(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<WriteForm>,
) -> Result<Response, PageError> {
    let draft = form.text.clone();
    act_inline(
        &state,
        &headers,
        &form.csrf,
        "/journal",
        async |v| {
            let incident_id = match form.incident_id.trim() {
                "" => None,
                s => Some(s.parse::<IncidentId>().map_err(|_| {
                    AppError::invalid("incident_id", "choose an incident from the list")
                })?),
            };
            journal::write(
                &state.store,
                v,
                &NewEntry {
                    passphrase: form.passphrase.clone(),
                    text: form.text.clone(),
                    incident_id,
                },
            )
            .await?;
            Ok("/journal?notice=journal-saved".into())
        },
        async |v, e| {
            let errors = FormState::from_error(
                "write",
                &e,
                &[
                    ("passphrase", "Passphrase"),
                    ("text", "Entry"),
                    ("incident_id", "Incident"),
                ],
            );
            journal_view(&state, v, None, None, errors, draft).await
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OpenForm {
    csrf: String,
    passphrase: String,
    export: String,
}

pub(super) async fn journal_open(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<OpenForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    if form.export == "1" {
        return match journal::export_markdown(&state.store, &v, &form.passphrase).await {
            Ok(md) => Ok((
                [
                    (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"aftercare-journal.md\"",
                    ),
                ],
                md,
            )
                .into_response()),
            Err(e @ (AppError::Invalid { .. } | AppError::NotFound(_))) => {
                let errors = FormState::from_error("open", &e, &[("passphrase", "Passphrase")]);
                journal_view(&state, &v, None, None, errors, String::new()).await
            }
            Err(e) => Err(e.into()),
        };
    }
    match journal::read(&state.store, &v, &form.passphrase).await {
        Ok(entries) => {
            journal_view(
                &state,
                &v,
                None,
                Some(entries),
                FormState::none(),
                String::new(),
            )
            .await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound(_))) => {
            let errors = FormState::from_error("open", &e, &[("passphrase", "Passphrase")]);
            journal_view(&state, &v, None, None, errors, String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn journal_delete_entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/journal", async |v| {
        let id: JournalEntryId = id
            .parse()
            .map_err(|_| AppError::NotFound(format!("journal entry {id:?}")))?;
        journal::delete_entry(&state.store, v, id).await?;
        Ok("/journal?notice=journal-entry-deleted".into())
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConfirmForm {
    csrf: String,
    confirm: String,
}

pub(super) async fn journal_delete_all(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/journal", async |v| {
        if form.confirm != "delete" {
            return Err(AppError::invalid("confirm", "type delete to confirm"));
        }
        journal::delete_all(&state.store, v).await?;
        Ok("/journal?notice=journal-deleted".into())
    })
    .await
}

// ---- /support

#[derive(Template)]
#[template(path = "support.html")]
struct SupportPage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    s: SupportOverview,
    is_admin: bool,
    errors: FormState,
}

async fn support_view(
    state: &AppState,
    v: &Actor,
    notice: Option<&'static str>,
    errors: FormState,
) -> Result<Response, PageError> {
    if v.owner().is_err() {
        return Ok(refused(v, OWN_ONLY));
    }
    let s = support::overview(&state.store, v).await?;
    let (csrf, nav_name) = nav(v);
    Ok(render(&SupportPage {
        csrf,
        nav_name,
        notice,
        s,
        is_admin: v.is_admin(),
        errors,
    }))
}

pub(super) async fn support_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    support_view(
        &state,
        &v,
        notice_text(q.notice.as_deref()),
        FormState::none(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ChoiceForm {
    csrf: String,
    on: String,
}

pub(super) async fn support_volunteer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/support", async |v| {
        support::volunteer(&state.store, v, form.on == "yes").await?;
        Ok("/support?notice=support-saved".into())
    })
    .await
}

pub(super) async fn support_decline(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ChoiceForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/support", async |v| {
        support::decline_pairing(&state.store, v, form.on == "yes").await?;
        Ok("/support?notice=support-saved".into())
    })
    .await
}

pub(super) async fn support_reached_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/support", async |v| {
        let id: PairingId = id
            .parse()
            .map_err(|_| AppError::NotFound(format!("pairing {id:?}")))?;
        support::reached_out(&state.store, v, id).await?;
        Ok("/support?notice=reached-out".into())
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ResourceForm {
    csrf: String,
    name: String,
    contact: String,
    description: String,
}

pub(super) async fn add_resource(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ResourceForm>,
) -> Result<Response, PageError> {
    act_inline(
        &state,
        &headers,
        &form.csrf,
        "/support",
        async |v| {
            support::add_resource(
                &state.store,
                v,
                &form.name,
                &form.contact,
                &form.description,
            )
            .await?;
            Ok("/support?notice=resource-added".into())
        },
        async |v, e| {
            let errors = FormState::from_error(
                "resource",
                &e,
                &[
                    ("name", "Name"),
                    ("contact", "Contact"),
                    ("description", "Description"),
                ],
            );
            support_view(&state, v, None, errors).await
        },
    )
    .await
}

pub(super) async fn delete_resource(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/support", async |v| {
        let id: SupportResourceId = id
            .parse()
            .map_err(|_| AppError::NotFound(format!("support resource {id:?}")))?;
        support::delete_resource(&state.store, v, id).await?;
        Ok("/support?notice=resource-deleted".into())
    })
    .await
}

// ---- /incidents/{id}/care: the lead's checklist

#[derive(Template)]
#[template(path = "incident_care.html")]
struct IncidentCarePage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    incident_id: IncidentId,
    title: String,
    checklist: Option<Checklist>,
    checkins: i64,
}

pub(super) async fn incident_care_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let id: IncidentId = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("incident {id:?}")))?;
    // Seeing the incident at all is the incident's own rule.
    let detail = aftercare_app::incidents::detail(&state.store, &v, id).await?;
    // The checklist is the lead's own: a credential that is not theirs sees none.
    let checklist = match v.owner() {
        Ok(_) => support::checklists(&state.store, &v, Some(id))
            .await?
            .into_iter()
            .next(),
        Err(_) => None,
    };
    let checkins = state.store.count_checkins_of_incident(id).await?;
    let (csrf, nav_name) = nav(&v);
    Ok(render(&IncidentCarePage {
        csrf,
        nav_name,
        notice: notice_text(q.notice.as_deref()),
        incident_id: id,
        title: detail.incident.title,
        checklist,
        checkins,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MarkForm {
    csrf: String,
    item: String,
    done: String,
}

pub(super) async fn mark_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<MarkForm>,
) -> Result<Response, PageError> {
    let back = format!("/incidents/{id}/care");
    act(&state, &headers, &form.csrf, &back, async |v| {
        let id: IncidentId = id
            .parse()
            .map_err(|_| AppError::NotFound(format!("incident {id:?}")))?;
        support::mark_item(&state.store, v, id, &form.item, form.done == "yes").await?;
        Ok(format!("/incidents/{id}/care?notice=checklist-saved"))
    })
    .await
}

// ---- /teams/{id}/pulse: the pulse and the care settings

#[derive(Template)]
#[template(path = "pulse.html")]
struct PulsePage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    p: PulseView,
    settings: CareSettings,
    period: PeriodControl,
    errors: FormState,
}

impl PulsePage {
    fn share(&self, f: aftercare_care::Figure<aftercare_care::pulse::Share>) -> String {
        match f.value() {
            Some(s) => format!("{:.0}%", s.0 * 100.0),
            None => "withheld".into(),
        }
    }

    fn why(&self, reason: Option<String>) -> String {
        reason.unwrap_or_default()
    }

    fn measure_on(&self, id: &str) -> bool {
        self.settings.measures.iter().any(|m| m == id)
    }
}

async fn pulse_view(
    state: &AppState,
    v: &Actor,
    team: TeamId,
    args: &PeriodArgs,
    notice: Option<&'static str>,
    errors: FormState,
) -> Result<Response, PageError> {
    let tz = v
        .person()
        .map(|p| p.hours.time_zone.clone())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let (chosen, period) = resolve(args, &tz, format!("/teams/{team}/pulse"))?;
    let p = pulse::team_pulse(&state.store, v, team, chosen.period).await?;
    let settings = care::settings(&state.store, v, team).await?;
    let (csrf, nav_name) = nav(v);
    let failed = errors.failed() || period.errors.failed();
    let mut page = render(&PulsePage {
        csrf,
        nav_name,
        notice,
        p,
        settings,
        period,
        errors,
    });
    if failed {
        *page.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PulseArgs {
    days: Option<String>,
    from: Option<String>,
    to: Option<String>,
    notice: Option<String>,
}

pub(super) async fn pulse_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<String>,
    Query(q): Query<PulseArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let team: TeamId = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("team {id:?}")))?;
    let args = PeriodArgs {
        days: q.days,
        from: q.from,
        to: q.to,
    };
    pulse_view(
        &state,
        &v,
        team,
        &args,
        notice_text(q.notice.as_deref()),
        FormState::none(),
    )
    .await
}

pub(super) async fn save_care(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let back = format!("/teams/{id}/pulse");
    let team: TeamId = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("team {id:?}")))?;
    act_inline(
        &state,
        &headers,
        &get("csrf"),
        &back,
        async |v| {
            let change = CareSettingsChange {
                checkins_on: Some(get("checkins_on") == "yes"),
                offsets: Some(get("offsets")),
                measures: Some(
                    fields
                        .iter()
                        .filter(|(k, _)| k == "measure")
                        .map(|(_, v)| v.clone())
                        .collect(),
                ),
            };
            care::change_settings(&state.store, v, team, &change).await?;
            Ok(format!("/teams/{team}/pulse?notice=care-saved"))
        },
        async |v, e| {
            let errors = FormState::from_error(
                "care",
                &e,
                &[("offsets", "Offsets"), ("measures", "Measures")],
            );
            pulse_view(&state, v, team, &PeriodArgs::default(), None, errors).await
        },
    )
    .await
}
