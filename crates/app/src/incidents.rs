//! Incidents and the people in them: listing, one incident with its participants and their
//! time engaged, making one by hand, adding and removing participants, editing, deleting.
//!
//! Who sees what: an incident is work data of its team, so the team's people see it, and so
//! does everyone in it (an investigator from another team) and admins. Adding someone else,
//! editing and deleting are for the team's leads, admins and the incident's own lead; anyone
//! who sees an incident may add themselves.

use jiff::Timestamp;
use serde::Serialize;

use aftercare_burden::Period;
use aftercare_store::{
    Incident, IncidentChange, IncidentId, IncidentScope, NewIncident, Participant,
    ParticipantOrigin, ParticipantRole, PersonId, Store, TeamId,
};

use crate::error::{AppError, Result};
use crate::policy::Actor;
use crate::teams::TeamView;

/// A responder engaged this long in a row is told a handoff is due (seed 000: "the amount
/// of adrenaline I'd been running on for the past 36 hours"; Google SRE's "Being On-Call"
/// budgets about 6 hours of work per incident).
pub const HANDOFF_AFTER_MINUTES: i64 = 4 * 60;

/// Longest title we keep; a sender's longer title is cut, a person's refused.
const MAX_TITLE: usize = 300;

/// An incident as lists show it.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct IncidentView {
    pub id: IncidentId,
    pub title: String,
    pub team: Option<TeamView>,
    /// The sender (`pagerduty`, `alertmanager`, ...) or `manual`.
    pub source: String,
    pub incident_key: String,
    pub severity: Option<String>,
    pub started_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    /// `open`, `acknowledged` or `resolved`.
    pub status: &'static str,
}

/// Someone in an incident, as one role.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ParticipantView {
    pub person_id: PersonId,
    pub name: String,
    pub role: ParticipantRole,
    pub origin: ParticipantOrigin,
    pub engaged_from: Timestamp,
    /// From their first page (or joining) to the later of their last activity and the
    /// incident's resolution (now, while it is open).
    pub engaged_minutes: i64,
    /// Still open and engaged longer than 4 hours: a handoff is due.
    pub handoff_due: bool,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentView,
    pub participants: Vec<ParticipantView>,
    /// Pages sent for it (each to one person).
    pub pages: i64,
    /// Whether the caller may add others, edit and delete it.
    pub can_manage: bool,
    /// Whether the caller is in it.
    pub is_participant: bool,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct IncidentList {
    pub from: Timestamp,
    pub to: Timestamp,
    pub incidents: Vec<IncidentView>,
}

/// An incident made by hand, as typed.
#[derive(Debug, Clone, Default)]
pub struct IncidentInput {
    pub title: String,
    pub team: Option<TeamId>,
    pub severity: Option<String>,
    pub started_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
}

pub(crate) fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// One incident as lists show it, its team looked up once.
async fn view(store: &Store, i: &Incident) -> Result<IncidentView> {
    let team = match i.team_id {
        Some(t) => store.team(t).await?.as_ref().map(TeamView::from),
        None => None,
    };
    Ok(view_with(i, team))
}

fn view_with(i: &Incident, team: Option<TeamView>) -> IncidentView {
    IncidentView {
        id: i.id,
        title: i.title.clone(),
        team,
        source: i.source.clone(),
        incident_key: i.incident_key.clone(),
        severity: i.severity.clone(),
        started_at: ts(i.started_at),
        acknowledged_at: i.acknowledged_at.map(ts),
        resolved_at: i.resolved_at.map(ts),
        status: status(i),
    }
}

fn status(i: &Incident) -> &'static str {
    if i.resolved_at.is_some() {
        "resolved"
    } else if i.acknowledged_at.is_some() {
        "acknowledged"
    } else {
        "open"
    }
}

fn participant_view(i: &Incident, p: &Participant, now: i64) -> ParticipantView {
    let end = p.engaged_until.max(i.resolved_at.unwrap_or(now));
    let minutes = (end - p.engaged_from).max(0) / 60_000;
    ParticipantView {
        person_id: p.person_id,
        name: p.name.clone(),
        role: p.role,
        origin: p.origin,
        engaged_from: ts(p.engaged_from),
        engaged_minutes: minutes,
        handoff_due: i.resolved_at.is_none()
            && matches!(
                p.role,
                ParticipantRole::Responder | ParticipantRole::IncidentLead
            )
            && minutes > HANDOFF_AFTER_MINUTES,
    }
}

/// The incident, if the actor may see it.
async fn visible(
    store: &Store,
    actor: &Actor,
    id: IncidentId,
) -> Result<(Incident, Vec<Participant>)> {
    let incident = store
        .incident(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("incident {id}")))?;
    let participants = store.incident_participants(id).await?;
    let in_it = actor
        .person_id()
        .is_some_and(|me| participants.iter().any(|p| p.person_id == me));
    let team_sees = incident.team_id.is_some_and(|t| actor.sees_team(t));
    if !(actor.is_admin() || team_sees || in_it) {
        return Err(AppError::Forbidden(format!(
            "incident {id} is visible to its team, the people in it and admins"
        )));
    }
    Ok((incident, participants))
}

fn may_manage(actor: &Actor, incident: &Incident, participants: &[Participant]) -> bool {
    actor.is_admin()
        || incident.team_id.is_some_and(|t| actor.leads(t))
        || actor.person_id().is_some_and(|me| {
            participants
                .iter()
                .any(|p| p.person_id == me && p.role == ParticipantRole::IncidentLead)
        })
        || (incident.source == "manual"
            && incident.created_by.is_some()
            && incident.created_by == actor.person_id())
}

fn manage(actor: &Actor, incident: &Incident, participants: &[Participant]) -> Result<()> {
    if may_manage(actor, incident, participants) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the team's leads, the incident's lead and admins manage an incident (you can add yourself)".into(),
        ))
    }
}

/// Incidents started in the period that the actor may see, newest first; `team` narrows
/// them to one team (which the actor must see).
pub async fn list(
    store: &Store,
    actor: &Actor,
    team: Option<TeamId>,
    period: Period,
) -> Result<IncidentList> {
    if let Some(t) = team {
        crate::teams::visible(store, actor, t).await?;
    }
    let scope = if actor.is_admin() {
        IncidentScope::All
    } else {
        IncidentScope::Visible {
            teams: actor.team_ids(),
            person: actor.person_id(),
        }
    };
    let found = store
        .list_incidents(
            &scope,
            team,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    // The teams once, not once per incident.
    let teams: std::collections::HashMap<TeamId, TeamView> = store
        .list_teams()
        .await?
        .iter()
        .map(|t| (t.id, TeamView::from(t)))
        .collect();
    let incidents = found
        .iter()
        .map(|i| view_with(i, i.team_id.and_then(|t| teams.get(&t).cloned())))
        .collect();
    Ok(IncidentList {
        from: period.from(),
        to: period.to(),
        incidents,
    })
}

/// One incident with its participants.
pub async fn detail(store: &Store, actor: &Actor, id: IncidentId) -> Result<IncidentDetail> {
    let (incident, participants) = visible(store, actor, id).await?;
    detail_of(store, actor, incident, participants).await
}

async fn detail_of(
    store: &Store,
    actor: &Actor,
    incident: Incident,
    participants: Vec<Participant>,
) -> Result<IncidentDetail> {
    let now = Timestamp::now().as_millisecond();
    let pages = store.incident_page_count(&incident).await?;
    Ok(IncidentDetail {
        incident: view(store, &incident).await?,
        participants: participants
            .iter()
            .map(|p| participant_view(&incident, p, now))
            .collect(),
        pages,
        can_manage: may_manage(actor, &incident, &participants),
        is_participant: actor
            .person_id()
            .is_some_and(|me| participants.iter().any(|p| p.person_id == me)),
    })
}

fn title(s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::invalid("title", "give the incident a title"));
    }
    if t.chars().count() > MAX_TITLE {
        return Err(AppError::invalid(
            "title",
            format!("at most {MAX_TITLE} characters"),
        ));
    }
    Ok(t.to_string())
}

fn severity(s: Option<&str>) -> Result<Option<String>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > 40 => Err(AppError::invalid(
            "severity",
            "at most 40 characters (for example SEV1, P2, critical)",
        )),
        Some(s) => Ok(Some(s.to_string())),
    }
}

/// Makes an incident by hand: for a team the actor is in (any team, for admins). The
/// maker becomes its incident lead.
pub async fn create(store: &Store, actor: &Actor, input: &IncidentInput) -> Result<IncidentDetail> {
    let title = title(&input.title)?;
    let severity = severity(input.severity.as_deref())?;
    match input.team {
        Some(t) => {
            crate::teams::team_or_404(store, t)
                .await
                .map_err(|_| AppError::invalid("team", format!("there is no team {t}")))?;
            if !(actor.is_admin() || actor.member_of(t)) {
                return Err(AppError::Forbidden(
                    "an incident is made for a team you are in".into(),
                ));
            }
        }
        None if !actor.is_admin() => {
            return Err(AppError::invalid(
                "team",
                "choose the team the incident is for",
            ));
        }
        None => {}
    }
    let now = Timestamp::now();
    let started = input.started_at.unwrap_or(now);
    if started > now {
        return Err(AppError::invalid(
            "started_at",
            "an incident cannot start in the future",
        ));
    }
    if let Some(r) = input.resolved_at
        && r < started
    {
        return Err(AppError::invalid(
            "resolved_at",
            "cannot be before it started",
        ));
    }
    let incident = store
        .create_incident(&NewIncident {
            team_id: input.team,
            incident_key: format!("manual-{}", crate::passwords::random_hex(8)),
            title,
            severity,
            started_at: started.as_millisecond(),
            resolved_at: input.resolved_at.map(|r| r.as_millisecond()),
            created_by: actor.person_id(),
        })
        .await?;
    let participants = store.incident_participants(incident.id).await?;
    detail_of(store, actor, incident, participants).await
}

/// Adds a participant: oneself, if one sees the incident; anyone else, for those who
/// manage it. `person` `None` means oneself.
pub async fn add_participant(
    store: &Store,
    actor: &Actor,
    id: IncidentId,
    person: Option<PersonId>,
    role: ParticipantRole,
) -> Result<IncidentDetail> {
    let (incident, participants) = visible(store, actor, id).await?;
    let me = actor.person_id();
    let who = match person.or(me) {
        Some(p) => p,
        None => {
            return Err(AppError::invalid(
                "person_id",
                "an admin token is nobody: name the person to add",
            ));
        }
    };
    let origin = if Some(who) == me {
        ParticipantOrigin::Themselves
    } else {
        manage(actor, &incident, &participants)?;
        if store.person(who).await?.is_none() {
            return Err(AppError::invalid(
                "person_id",
                format!("there is no person {who}"),
            ));
        }
        ParticipantOrigin::Added
    };
    let added = store
        .add_participant(id, who, role, origin, Timestamp::now().as_millisecond())
        .await?;
    if !added {
        return Err(AppError::Conflict(format!(
            "person {who} is already in this incident as {}",
            role.label()
        )));
    }
    detail(store, actor, id).await
}

/// Removes one role of someone in an incident: oneself, or anyone for those who manage it.
pub async fn remove_participant(
    store: &Store,
    actor: &Actor,
    id: IncidentId,
    person: PersonId,
    role: ParticipantRole,
) -> Result<IncidentDetail> {
    let (incident, participants) = visible(store, actor, id).await?;
    if !actor.is(person) {
        manage(actor, &incident, &participants)?;
    }
    if !store.remove_participant(id, person, role).await? {
        return Err(AppError::NotFound(format!(
            "person {person} as {} in incident {id}",
            role.label()
        )));
    }
    detail(store, actor, id).await
}

/// A change to an incident, as typed: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct IncidentEdit {
    pub title: Option<String>,
    /// `Some("")` clears it.
    pub severity: Option<String>,
    pub resolved_at: Option<Option<Timestamp>>,
}

pub async fn update(
    store: &Store,
    actor: &Actor,
    id: IncidentId,
    edit: &IncidentEdit,
) -> Result<IncidentDetail> {
    let (incident, participants) = visible(store, actor, id).await?;
    manage(actor, &incident, &participants)?;
    let change = IncidentChange {
        title: edit.title.as_deref().map(title).transpose()?,
        severity: match &edit.severity {
            Some(s) => Some(severity(Some(s))?),
            None => None,
        },
        team_id: None,
        started_at: None,
        resolved_at: match edit.resolved_at {
            Some(Some(r)) if r.as_millisecond() < incident.started_at => {
                return Err(AppError::invalid(
                    "resolved_at",
                    "cannot be before it started",
                ));
            }
            Some(r) => Some(r.map(|r| r.as_millisecond())),
            None => None,
        },
    };
    store
        .update_incident(id, &change)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("incident {id}")))?;
    detail(store, actor, id).await
}

/// Deletes an incident (its pages stay: they are the people's burden).
pub async fn delete(store: &Store, actor: &Actor, id: IncidentId) -> Result<()> {
    let (incident, participants) = visible(store, actor, id).await?;
    manage(actor, &incident, &participants)?;
    store.delete_incident(id).await?;
    Ok(())
}

/// A role as typed (API, forms, CLI).
pub fn role(s: &str) -> Result<ParticipantRole> {
    s.parse()
        .map_err(|e: aftercare_store::UnknownParticipantRole| {
            AppError::invalid("role", e.to_string())
        })
}
