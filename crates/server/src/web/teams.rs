//! Teams: the list, a team's page (each member's nights side by side, the
//! unattributed pages), and the forms for teams and members.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiff::tz::TimeZone;
use serde::Deserialize;

use aftercare_app::{Actor, AppError, burden, pages, teams};
use aftercare_burden::Period;
use aftercare_store::{PersonId, TeamId, TeamRole};

use super::forms::act;
use super::people::days_period;
use super::{PageError, login_redirect, nav, notice_text, refused, render};
use crate::AppState;
use crate::auth::MaybeActor;

struct TeamTile {
    id: TeamId,
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

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct DaysQuery {
    days: Option<i64>,
    notice: Option<String>,
}

pub(super) async fn teams_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let mut tiles = Vec::new();
    for t in teams::list(&state.store, &v).await? {
        let members = state.store.team_members(t.id).await?.len();
        tiles.push(TeamTile {
            id: t.id,
            name: t.name,
            members,
        });
    }
    let (csrf, nav_name) = nav(&v);
    Ok(render(&TeamsPage {
        csrf,
        nav_name,
        teams: tiles,
        is_admin: v.is_admin(),
        notice: notice_text(q.notice.as_deref()),
    }))
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
    median_sleep: Option<String>,
    unattributed: i64,
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
}

/// Figures about a team shown to a member must be drawn from at least this many
/// people besides them.
pub const MIN_OTHERS_FOR_MEMBERS: usize = 3;

/// A member carrying at least twice the team median of sleep interruptions is
/// highlighted: the point where a lead should look at how the nights are shared.
const HEAVY_RATIO: f64 = 2.0;

pub(super) async fn team_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Path(id): Path<TeamId>,
    Query(q): Query<DaysQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let team = match teams::visible(&state.store, &v, id).await {
        Ok(t) => t,
        Err(AppError::Forbidden(_)) => {
            return Ok(refused(&v, "a team is visible to its members and admins"));
        }
        Err(e) => return Err(e.into()),
    };
    let (days, period) = days_period(q.days)?;
    let tb = burden::team_burden(&state.store, &team, period).await?;
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
        // A member sees the team median only when it is drawn from at least 3
        // others: with fewer, it would give away a colleague's own count.
        median_sleep: if v.leads(id) || tb.members.len() > MIN_OTHERS_FOR_MEMBERS {
            Some(format!("{:.1}", tb.spread.median_sleep))
        } else {
            None
        },
        unattributed: tb.unattributed,
        unattributed_pages: if v.leads(id) {
            unattributed_rows(&state, &v, id, period).await?
        } else {
            Vec::new()
        },
        carrying: if v.leads(id) { carrying } else { None },
        show_members: v.leads(id),
        members,
        strip_width: span_days * 4,
        team_id: id,
        notice: notice_text(q.notice.as_deref()),
        can_manage: v.leads(id),
        is_admin: v.is_admin(),
    }))
}

/// A page nobody could be found for, as the team page lists it.
pub struct UnattributedRow {
    pub at: String,
    pub source: String,
    pub incident_key: String,
    pub title: String,
    /// Whom the sender named, in words ("PXYZ123", "sam@example.com").
    pub named: String,
}

/// At most this many unattributed pages are listed; the count says how many in all.
const UNATTRIBUTED_LISTED: usize = 50;

async fn unattributed_rows(
    state: &AppState,
    actor: &Actor,
    team_id: TeamId,
    period: Period,
) -> Result<Vec<UnattributedRow>, PageError> {
    let listed = pages::unattributed(&state.store, actor, team_id, period).await?;
    Ok(listed
        .pages
        .into_iter()
        .take(UNATTRIBUTED_LISTED)
        .map(|p| UnattributedRow {
            at: p.at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            source: p.source,
            incident_key: p.incident_key,
            title: p.title.unwrap_or_default(),
            named: [p.named_external_id, p.named_email, p.named_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
        })
        .collect())
}

#[derive(Deserialize)]
pub(super) struct TeamForm {
    #[serde(default)]
    csrf: String,
    name: String,
}

pub(super) async fn add_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/teams", async |v| {
        let right = v.admin()?;
        teams::create(&state.store, v, &right, &form.name).await?;
        Ok("/teams?notice=team-added".into())
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct MemberForm {
    #[serde(default)]
    csrf: String,
    email: String,
    #[serde(default)]
    role: String,
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<TeamId>,
    Form(form): Form<MemberForm>,
) -> Result<Response, PageError> {
    let page = format!("/teams/{id}");
    act(&state, &headers, &form.csrf, &page, async |v| {
        let change = teams::set_member(&state.store, v, id, &form.email, &form.role).await?;
        Ok(match change.outcome {
            teams::MemberOutcome::Added => format!("{page}?notice=member-saved"),
            teams::MemberOutcome::Proposed => format!("{page}?notice=member-proposed"),
        })
    })
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
