//! Teams: the list, a team's page (each member's nights side by side, the
//! unattributed pages), and the forms for teams and members.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use serde::Deserialize;

use aftercare_app::{Actor, AppError, burden, export, overview, pages, teams};
use aftercare_burden::Period;
use aftercare_store::{NotificationId, PersonId, TeamId, TeamRole};

use super::forms::{FormState, act, act_inline};
use super::period::{PeriodArgs, PeriodControl, resolve};
use super::{PageError, login_redirect, nav, notice_text, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

/// One team's line on `/teams`: its figures over the period, or why they are withheld.
pub(super) struct TeamLine {
    pub id: TeamId,
    pub name: String,
    pub members: usize,
    pub figures: Option<overview::TeamFigures>,
    pub withheld: Option<String>,
}

impl From<overview::TeamSummary> for TeamLine {
    fn from(t: overview::TeamSummary) -> Self {
        TeamLine {
            id: t.team.id,
            name: t.team.name,
            members: t.members,
            figures: t.figures,
            withheld: t.withheld,
        }
    }
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    csrf: String,
    nav_name: Option<String>,
    teams: Vec<TeamLine>,
    period: PeriodControl,
    period_label: String,
    query: String,
    is_admin: bool,
    notice: Option<&'static str>,
    /// A refused add-team form: the name typed and why.
    typed: String,
    errors: FormState,
}

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn teams_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
    Query(args): Query<PeriodArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    teams_view(
        &state,
        &v,
        &args,
        q.notice.as_deref(),
        String::new(),
        FormState::none(),
    )
    .await
}

/// The teams list with each team's summary over the period; `typed` and `errors` are a
/// refused add-team form's.
async fn teams_view(
    state: &AppState,
    v: &Actor,
    args: &PeriodArgs,
    notice: Option<&str>,
    typed: String,
    errors: FormState,
) -> Result<Response, PageError> {
    let (chosen, control) = resolve(args, &TimeZone::UTC, "/teams".into())?;
    let lines = overview::team_summaries(&state.store, v, chosen.period)
        .await?
        .into_iter()
        .map(TeamLine::from)
        .collect();
    let status = if control.errors.failed() || errors.failed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let mut page = render(&TeamsPage {
        csrf,
        nav_name,
        teams: lines,
        period: control,
        period_label: chosen.label(),
        query: chosen.query(),
        is_admin: v.is_admin(),
        notice: notice_text(notice),
        typed,
        errors,
    });
    *page.status_mut() = status;
    Ok(page)
}

/// The `/teams` summary as CSV: the same lines, withheld figures left empty.
pub(super) async fn teams_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(args): Query<PeriodArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let (chosen, control) = resolve(&args, &TimeZone::UTC, "/teams".into())?;
    if control.errors.failed() {
        let query = query.unwrap_or_default();
        return Ok(Redirect::to(&format!("/teams?{query}")).into_response());
    }
    let lines = overview::team_summaries(&state.store, &v, chosen.period).await?;
    let name = export::file_name(&[
        "teams",
        &chosen.first_day.to_string(),
        "to",
        &chosen.last_day.to_string(),
    ]);
    Ok(super::csv_response(
        &name,
        export::team_summaries_csv(&lines),
    ))
}

struct MemberRow {
    id: PersonId,
    name: String,
    time_zone: String,
    lead: bool,
    sleep: u32,
    off: u32,
    business: u32,
    nights: u32,
    streak: u32,
    /// The same figures over the previous period of the same length.
    before: [u32; 5],
    vs_median: String,
    /// The ratio as a number for sorting (-1 when there is none).
    vs_median_sort: String,
    heavy: bool,
    night_x: Vec<i64>,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    csrf: String,
    nav_name: Option<String>,
    name: String,
    period_label: String,
    previous_label: String,
    query: String,
    period: PeriodControl,
    from_date: String,
    to_date: String,
    /// The dates the night strips span (local nights can fall a day either side).
    strip_from: String,
    strip_to: String,
    median_sleep: Option<String>,
    /// The team's sleep-hour interruptions, now and in the previous period (leads and admins).
    total_sleep: u32,
    total_sleep_before: u32,
    unattributed: i64,
    unattributed_before: i64,
    /// The unattributed pages themselves (leads and admins), newest first.
    unattributed_pages: Vec<UnattributedRow>,
    carrying: Option<String>,
    show_members: bool,
    members: Vec<MemberRow>,
    strip_width: i64,
    team_id: TeamId,
    notice: Option<&'static str>,
    /// Admins and the team's leads may rename it; admins may delete it.
    can_manage: bool,
    is_admin: bool,
    /// The add-member form: what was typed when it was refused, and why.
    member_email: String,
    member_role: String,
    errors: FormState,
}

use aftercare_app::overview::MIN_OTHERS_FOR_MEMBERS;

/// A member carrying at least twice the team median of sleep interruptions is
/// highlighted: the point where a lead should look at how the nights are shared.
const HEAVY_RATIO: f64 = 2.0;

pub(super) async fn team_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<TeamId>,
    Query(q): Query<NoticeQuery>,
    Query(args): Query<PeriodArgs>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    team_view(&state, &v, id, &args, q.notice.as_deref(), None).await
}

async fn team_view(
    state: &AppState,
    v: &Actor,
    id: TeamId,
    args: &PeriodArgs,
    notice: Option<&str>,
    refused_form: Option<(MemberForm, FormState)>,
) -> Result<Response, PageError> {
    let team = match teams::visible(&state.store, v, id).await {
        Ok(t) => t,
        Err(AppError::Forbidden(_)) => {
            return Ok(refused(v, "a team is visible to its members and admins"));
        }
        Err(e) => return Err(e.into()),
    };
    // A team spans time zones: its dates are UTC days.
    let (chosen, control) = resolve(args, &TimeZone::UTC, format!("/teams/{id}"))?;
    let (days, period) = (chosen.days, chosen.period);
    let tb = burden::team_burden(&state.store, &team, period).await?;
    let before = burden::team_burden(&state.store, &team, chosen.previous).await?;
    let first = chosen.first_day;
    let last = chosen.last_day;
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
        .map(|m| {
            let was = before
                .members
                .iter()
                .find(|b| b.person.id == m.person.id)
                .map(|b| {
                    let i = &b.burden.interruptions;
                    [
                        i.sleep,
                        i.off,
                        i.business,
                        b.burden.disrupted_nights,
                        b.burden.longest_disrupted_streak,
                    ]
                })
                .unwrap_or_default();
            MemberRow {
                id: m.person.id,
                name: m.person.name.clone(),
                time_zone: m.person.time_zone.clone(),
                lead: m.role == TeamRole::Lead,
                sleep: m.burden.interruptions.sleep,
                off: m.burden.interruptions.off,
                business: m.burden.interruptions.business,
                nights: m.burden.disrupted_nights,
                streak: m.burden.longest_disrupted_streak,
                before: was,
                vs_median: m
                    .sleep_vs_median
                    .map(|r| format!("{r:.1}×"))
                    .unwrap_or_else(|| "–".into()),
                vs_median_sort: m
                    .sleep_vs_median
                    .map(|r| format!("{r:.3}"))
                    .unwrap_or_else(|| "-1".into()),
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
            }
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
    let leads = v.leads(id);
    let (member_email, member_role, errors) = match refused_form {
        Some((form, errors)) => (form.email, form.role, errors),
        None => (String::new(), String::new(), FormState::none()),
    };
    let status = if control.errors.failed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (csrf, nav_name) = nav(v);
    let mut page = render(&TeamPage {
        csrf,
        nav_name,
        name: team.name,
        period_label: chosen.label(),
        previous_label: chosen.previous_label(),
        query: chosen.query(),
        period: control,
        from_date: first.to_string(),
        to_date: last.to_string(),
        strip_from: strip_first.to_string(),
        strip_to: strip_last.to_string(),
        // A member sees the team median only when it is drawn from at least 3
        // others: with fewer, it would give away a colleague's own count.
        median_sleep: if leads || tb.members.len() > MIN_OTHERS_FOR_MEMBERS {
            Some(format!("{:.1}", tb.spread.median_sleep))
        } else {
            None
        },
        total_sleep: tb.spread.total_sleep,
        total_sleep_before: before.spread.total_sleep,
        unattributed: tb.unattributed,
        unattributed_before: before.unattributed,
        unattributed_pages: if leads {
            unattributed_rows(state, v, id, period, &tb).await?
        } else {
            Vec::new()
        },
        carrying: if leads { carrying } else { None },
        show_members: leads,
        members,
        strip_width: span_days * 4,
        team_id: id,
        notice: notice_text(notice),
        can_manage: leads,
        is_admin: v.is_admin(),
        member_email,
        member_role,
        errors,
    });
    *page.status_mut() = status;
    Ok(page)
}

/// A page nobody could be found for, as the team page lists it.
pub struct UnattributedRow {
    pub id: NotificationId,
    pub at: String,
    pub source: String,
    pub incident_key: String,
    pub title: String,
    /// Whom the sender named, in words ("PXYZ123", "sam@example.com").
    pub named: String,
    /// The sender named an identity: "this is …" can link it to a member.
    pub claimable: bool,
    /// The member the sender's email points to, chosen first in "this is …".
    pub suggested: Option<PersonId>,
}

impl UnattributedRow {
    pub fn suggests(&self, id: &PersonId) -> bool {
        self.suggested.as_ref() == Some(id)
    }
}

/// At most this many unattributed pages are listed; the count says how many in all.
const UNATTRIBUTED_LISTED: usize = 50;

async fn unattributed_rows(
    state: &AppState,
    actor: &Actor,
    team_id: TeamId,
    period: Period,
    tb: &burden::TeamBurden,
) -> Result<Vec<UnattributedRow>, PageError> {
    let listed = pages::unattributed(&state.store, actor, team_id, period).await?;
    Ok(listed
        .pages
        .into_iter()
        .take(UNATTRIBUTED_LISTED)
        .map(|p| UnattributedRow {
            id: p.id,
            at: p.at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            source: p.source,
            incident_key: p.incident_key,
            title: p.title.unwrap_or_default(),
            claimable: p.named_kind.is_some() && p.named_external_id.is_some(),
            suggested: p
                .suggested
                .map(|s| s.id)
                .filter(|id| tb.members.iter().any(|m| m.person.id == *id)),
            named: [p.named_external_id, p.named_email, p.named_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ClaimForm {
    csrf: String,
    page_id: String,
    person_id: String,
}

/// "This is …": links the identity an unattributed page named to the member
/// chosen, and so re-attributes every earlier page from it.
pub(super) async fn claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<ClaimForm>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        let notification = form
            .page_id
            .trim()
            .parse::<i64>()
            .map(NotificationId)
            .map_err(|_| AppError::invalid("page_id", "choose a page from the list"))?;
        let person = form
            .person_id
            .trim()
            .parse::<i64>()
            .map(PersonId)
            .map_err(|_| AppError::invalid("person_id", "choose a member of the team"))?;
        pages::claim(&state.store, v, notification, person).await?;
        Ok(format!("{page}?notice=claimed#unattributed"))
    })
    .await
}

/// Who asks for a team's CSV file and for which period; or the answer instead:
/// sign in, or (for a period that does not parse) the team page asked the same,
/// since a file cannot show an error beside its field.
#[allow(clippy::type_complexity)]
fn csv_request(
    actor: Option<Actor>,
    id: TeamId,
    args: &PeriodArgs,
    query: Option<String>,
) -> Result<Result<(Actor, burden::ChosenPeriod), Response>, PageError> {
    let Some(v) = actor else {
        return Ok(Err(login_redirect()));
    };
    let (chosen, control) = resolve(args, &TimeZone::UTC, format!("/teams/{id}"))?;
    if control.errors.failed() {
        let query = query.unwrap_or_default();
        return Ok(Err(
            Redirect::to(&format!("/teams/{id}?{query}")).into_response()
        ));
    }
    Ok(Ok((v, chosen)))
}

/// The unattributed pages as CSV: all of them in the period, not only the
/// first the page lists (leads and admins, as the list).
pub(super) async fn unattributed_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<TeamId>,
    Query(args): Query<PeriodArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let (v, chosen) = match csv_request(actor, id, &args, query)? {
        Ok(asked) => asked,
        Err(answer) => return Ok(answer),
    };
    let listed = pages::unattributed(&state.store, &v, id, chosen.period).await?;
    let name = export::file_name(&[
        &listed.team.name,
        "unattributed",
        &chosen.first_day.to_string(),
        "to",
        &chosen.last_day.to_string(),
    ]);
    Ok(super::csv_response(
        &name,
        export::unattributed_csv(&listed),
    ))
}

/// The team table as CSV, for the team's leads and admins: the same access as
/// the table itself.
pub(super) async fn burden_csv(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<TeamId>,
    Query(args): Query<PeriodArgs>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let (v, chosen) = match csv_request(actor, id, &args, query)? {
        Ok(asked) => asked,
        Err(answer) => return Ok(answer),
    };
    let tb = burden::team_burden_for(&state.store, &v, id, chosen.period).await?;
    let name = export::file_name(&[
        &tb.team.name,
        "burden",
        &chosen.first_day.to_string(),
        "to",
        &chosen.last_day.to_string(),
    ]);
    Ok(super::csv_response(&name, export::team_burden_csv(&tb)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TeamForm {
    csrf: String,
    name: String,
}

pub(super) async fn add_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    act_inline(
        &state,
        &headers,
        &form.csrf,
        "/teams",
        async |v| {
            let right = v.admin()?;
            teams::create(&state.store, v, &right, &form.name).await?;
            Ok("/teams?notice=team-added".into())
        },
        async |v, e| {
            let errors = FormState::from_error("team", &e, &[("name", "Name")]);
            teams_view(
                &state,
                v,
                &PeriodArgs::default(),
                None,
                form.name.clone(),
                errors,
            )
            .await
        },
    )
    .await
}

/// Every field defaults, so a missing one is our plain refusal, not the form
/// reader's.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct MemberForm {
    csrf: String,
    email: String,
    role: String,
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act_inline(
        &state,
        &headers,
        &form.csrf,
        &page,
        async |v| {
            let change = teams::set_member(&state.store, v, id, &form.email, &form.role).await?;
            Ok(match change.outcome {
                teams::MemberOutcome::Added => format!("{page}?notice=member-saved"),
                teams::MemberOutcome::Proposed => format!("{page}?notice=member-proposed"),
            })
        },
        async |v, e| {
            let errors =
                FormState::from_error("member", &e, &[("email", "Email"), ("role", "Role")]);
            let refused_form = Some((form.clone(), errors));
            team_view(&state, v, id, &PeriodArgs::default(), None, refused_form).await
        },
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    csrf: String,
    person_id: PersonId,
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        teams::remove_member(&state.store, v, id, form.person_id).await?;
        Ok(format!("{page}?notice=member-removed"))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    accept: String,
}

/// The person accepts or declines a lead's invitation to join.
pub(super) async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/account", async |v| {
        let accept = form.accept == "yes";
        teams::answer_proposal(&state.store, v, id, accept).await?;
        Ok(if accept {
            format!("/teams/{id}?notice=joined")
        } else {
            "/account?notice=declined".into()
        })
    })
    .await
}

pub(super) async fn rename(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        teams::rename(&state.store, v, id, &form.name).await?;
        Ok(format!("{page}?notice=team-renamed"))
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        let right = v.admin()?;
        teams::delete(&state.store, v, &right, id).await?;
        Ok("/teams?notice=team-deleted".into())
    })
    .await
}
