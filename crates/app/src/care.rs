//! What happens when an incident resolves, and a team's care settings.
//!
//! The store enqueues an `incident_care` job in the transaction that resolves an
//! incident (and one per person who joins a resolved incident). The runner hands it
//! to [`run_incident_care`], which makes, for each participant: their check-ins at the
//! team's offsets (moved into their own working time), their pairing with a peer
//! supporter (nudged within 2 hours, reminded at 24), and, for the lead of each team
//! involved, the private checklist. Everything it writes is keyed uniquely, so a job
//! that runs again after a crash changes nothing; the job itself runs once across
//! every `aftercare serve` process (leases in the database).

use std::collections::{BTreeMap, BTreeSet};

use aftercare_care::{CheckinOffsets, Instrument, builtin};
use aftercare_store::{
    Incident, IncidentId, Lease, NewCheckin, NewPairing, PairingOutcome, PersonId, Store,
    TeamCareRow, TeamId, TeamRole,
};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::jobs::{Context, Outcome};
use crate::notify::{self, Message};
use crate::policy::Actor;

/// A team's care settings, as shown and edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CareSettings {
    pub team_id: TeamId,
    /// Whether participants of the team's incidents get check-ins.
    pub checkins_on: bool,
    /// When check-ins fall after an incident resolves (`1d, 3d, 7d` by default).
    pub offsets: String,
    /// The measures each check-in asks, by id.
    pub measures: Vec<String>,
    /// Every measure the team may choose: the shipped ones and the team's own.
    pub available: Vec<MeasureSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MeasureSummary {
    pub id: String,
    pub name: String,
    /// Where it comes from, in words a person can follow up.
    pub source: String,
    /// Whether the team added it (else Aftercare ships it).
    pub own: bool,
}

/// A change to a team's care settings; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareSettingsChange {
    pub checkins_on: Option<bool>,
    /// Offsets such as `90m, 1d, 7d`.
    pub offsets: Option<String>,
    pub measures: Option<Vec<String>>,
}

/// The measures Aftercare asks by default: every shipped one.
pub fn default_measures() -> Vec<String> {
    builtin().iter().map(|i| i.id().to_owned()).collect()
}

fn parse_measure_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every measure a team may ask: the shipped ones, then its own.
pub async fn measures_of(store: &Store, team: Option<TeamId>) -> Result<Vec<Instrument>> {
    let mut out: Vec<Instrument> = builtin().to_vec();
    if let Some(team) = team {
        for m in store.team_measures(team).await? {
            match Instrument::parse_custom(&m.source) {
                Ok(i) => out.push(i),
                Err(e) => {
                    tracing::warn!(team = %team, measure = %m.measure_id, error = %e, "stored measure no longer parses")
                }
            }
        }
    }
    Ok(out)
}

/// The settings in force for a team (its own, or the defaults).
pub(crate) async fn settings_in_force(
    store: &Store,
    team: Option<TeamId>,
) -> Result<(bool, CheckinOffsets, Vec<String>)> {
    let row = match team {
        Some(t) => store.team_care(t).await?,
        None => None,
    };
    Ok(match row {
        None => (true, CheckinOffsets::default(), default_measures()),
        Some(r) => (
            r.checkins_on,
            r.offsets.parse().unwrap_or_default(),
            parse_measure_list(&r.measures),
        ),
    })
}

/// Refuses a team that is not there (an admin holds every team's lead right,
/// so the right alone does not say the team exists).
async fn existing(store: &Store, team: TeamId) -> Result<()> {
    match store.team(team).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound(format!("team {team}"))),
    }
}

/// A team's settings: its people see them (they are about them), leads change them.
pub async fn settings(store: &Store, actor: &Actor, team: TeamId) -> Result<CareSettings> {
    if !actor.sees_team(team) {
        return Err(AppError::NotFound(format!("team {team}")));
    }
    existing(store, team).await?;
    let (checkins_on, offsets, measures) = settings_in_force(store, Some(team)).await?;
    let own: BTreeSet<String> = store
        .team_measures(team)
        .await?
        .into_iter()
        .map(|m| m.measure_id)
        .collect();
    let available = measures_of(store, Some(team))
        .await?
        .iter()
        .map(|i| MeasureSummary {
            id: i.id().to_owned(),
            name: i.name().to_owned(),
            source: i.source().citation.clone(),
            own: own.contains(i.id()),
        })
        .collect();
    Ok(CareSettings {
        team_id: team,
        checkins_on,
        offsets: offsets.to_string(),
        measures,
        available,
    })
}

/// Changes a team's settings (its leads and admins). Every field is checked before
/// anything is stored.
pub async fn change_settings(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    change: &CareSettingsChange,
) -> Result<CareSettings> {
    actor.lead(team, "change the team's care settings")?;
    existing(store, team).await?;
    let (on, offsets, measures) = settings_in_force(store, Some(team)).await?;
    let offsets = match &change.offsets {
        Some(text) => text
            .parse::<CheckinOffsets>()
            .map_err(|e| AppError::invalid("offsets", e.to_string()))?,
        None => offsets,
    };
    let measures = match &change.measures {
        Some(list) => {
            let known = measures_of(store, Some(team)).await?;
            let mut seen = BTreeSet::new();
            for m in list {
                if !known.iter().any(|i| i.id() == m) {
                    return Err(AppError::invalid(
                        "measures",
                        format!("{m:?} is not a measure this team has"),
                    ));
                }
                if !seen.insert(m.clone()) {
                    return Err(AppError::invalid(
                        "measures",
                        format!("{m:?} is listed twice"),
                    ));
                }
            }
            if list.is_empty() {
                return Err(AppError::invalid(
                    "measures",
                    "choose at least one measure (or turn check-ins off)",
                ));
            }
            list.clone()
        }
        None => measures,
    };
    store
        .set_team_care(
            team,
            &TeamCareRow {
                checkins_on: change.checkins_on.unwrap_or(on),
                offsets: offsets.to_string(),
                measures: measures.join(","),
            },
        )
        .await?;
    settings(store, actor, team).await
}

/// Adds (or replaces) a team's own measure from its instrument file (TOML, in the
/// format of the shipped ones).
pub async fn add_measure(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    source: &str,
) -> Result<MeasureSummary> {
    actor.lead(team, "add a measure")?;
    existing(store, team).await?;
    if source.len() > 64 * 1024 {
        return Err(AppError::invalid("source", "must be at most 64 KiB"));
    }
    let instrument = Instrument::parse_custom(source).map_err(|e| match e {
        aftercare_care::InstrumentError::Invalid { field, reason } => {
            AppError::invalid(format!("source: {field}"), reason)
        }
        other => AppError::invalid("source", other.to_string()),
    })?;
    store
        .put_team_measure(team, instrument.id(), source)
        .await?;
    Ok(MeasureSummary {
        id: instrument.id().to_owned(),
        name: instrument.name().to_owned(),
        source: instrument.source().citation.clone(),
        own: true,
    })
}

pub async fn remove_measure(store: &Store, actor: &Actor, team: TeamId, id: &str) -> Result<()> {
    actor.lead(team, "remove a measure")?;
    if !store.delete_team_measure(team, id).await? {
        return Err(AppError::NotFound(format!("measure {id:?} of this team")));
    }
    // A measure no longer there is no longer asked.
    let (on, offsets, measures) = settings_in_force(store, Some(team)).await?;
    let kept: Vec<String> = measures.into_iter().filter(|m| m != id).collect();
    let kept = if kept.is_empty() {
        default_measures()
    } else {
        kept
    };
    store
        .set_team_care(
            team,
            &TeamCareRow {
                checkins_on: on,
                offsets: offsets.to_string(),
                measures: kept.join(","),
            },
        )
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
struct CarePayload {
    incident_id: IncidentId,
    person_id: Option<PersonId>,
}

/// Teams involved in an incident: its own team, and the teams its participants were
/// paged for.
async fn teams_involved(store: &Store, incident: &Incident) -> Result<BTreeSet<TeamId>> {
    let mut teams: BTreeSet<TeamId> = incident.team_id.into_iter().collect();
    teams.extend(store.incident_page_teams(incident).await?);
    Ok(teams)
}

async fn leads_of(store: &Store, team: TeamId) -> Result<Vec<PersonId>> {
    Ok(store
        .team_members(team)
        .await?
        .into_iter()
        .filter(|m| m.role == TeamRole::Lead)
        .map(|m| m.person.id)
        .collect())
}

/// The `incident_care` job: check-ins, pairings and the leads' checklists.
pub async fn run_incident_care(cx: &Context, lease: &Lease) -> Outcome {
    match incident_care(&cx.store, lease).await {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

async fn incident_care(store: &Store, lease: &Lease) -> Result<Outcome> {
    let payload: CarePayload = match serde_json::from_value(lease.job.payload.clone()) {
        Ok(p) => p,
        Err(e) => return Ok(Outcome::Skip(format!("payload: {e}"))),
    };
    let Some(incident) = store.incident(payload.incident_id).await? else {
        return Ok(Outcome::Skip("incident gone".into()));
    };
    let Some(resolved_ms) = incident.resolved_at else {
        return Ok(Outcome::Skip("the incident reopened".into()));
    };
    let resolved = Timestamp::from_millisecond(resolved_ms)
        .map_err(|e| AppError::Internal(format!("incident {}: {e}", incident.id)))?;
    let all = store.incident_participants(incident.id).await?;
    let everyone: BTreeSet<PersonId> = all.iter().map(|p| p.person_id).collect();
    let people: Vec<PersonId> = match payload.person_id {
        Some(p) => everyone.iter().copied().filter(|x| *x == p).collect(),
        None => everyone.iter().copied().collect(),
    };
    let (checkins_on, offsets, measure_ids) = settings_in_force(store, incident.team_id).await?;
    let measures = measures_of(store, incident.team_id).await?;
    let measure_ids: Vec<String> = measure_ids
        .into_iter()
        .filter(|m| measures.iter().any(|i| i.id() == m))
        .collect();
    // A job that came long after the resolution (the server was down for a week)
    // still makes every check-in, but none in the past: those fall due now.
    let now = Timestamp::now();

    let mut hours = BTreeMap::new();
    for id in &everyone {
        if let Some(p) = store.person(*id).await?
            && p.is_active()
        {
            hours.insert(*id, p.hours.clone());
        }
    }

    // ---- check-ins
    if checkins_on && !measure_ids.is_empty() {
        let mut new = Vec::new();
        for person in &people {
            let Some(h) = hours.get(person) else { continue };
            let mut last: Option<Timestamp> = None;
            for offset in offsets.as_slice() {
                let due = resolved.checked_add(*offset).unwrap_or(resolved).max(now);
                let Ok(at) = aftercare_care::next_allowed(h, due) else {
                    break;
                };
                // Two offsets that land on one moment (a night-time resolution) make one check-in.
                if last == Some(at) {
                    continue;
                }
                last = Some(at);
                new.push(NewCheckin {
                    person_id: *person,
                    incident_id: incident.id,
                    team_id: incident.team_id,
                    offset_label: offset_label(*offset),
                    due_at: at.as_millisecond(),
                    measures: measure_ids.clone(),
                });
            }
        }
        for (id, person, due) in store.create_checkins(&new).await? {
            let at = Timestamp::from_millisecond(due).unwrap_or(now);
            notify::schedule(
                store,
                person,
                &Message {
                    title: format!("How are you doing after \"{}\"?", short(&incident.title)),
                    body: "A short private check-in about how you are after the incident. Only you see your answers; you can skip it, or pause every check-in, with one click.".into(),
                    link: Some(format!("/checkins/{id}")),
                },
                at,
                &format!("checkin:{id}"),
            )
            .await?;
        }
    }

    // ---- pairing with a peer supporter
    let mut participants = Vec::new();
    for person in &people {
        let Some(h) = hours.get(person) else { continue };
        participants.push(aftercare_care::Participant {
            id: aftercare_care::PersonId(person.0),
            hours: h.clone(),
            team_leads: crate::support::leads_of_person(store, *person).await?,
            declined: store.declines_pairing(*person).await?,
        });
    }
    let volunteers = crate::support::volunteers(store, resolved).await?;
    let in_incident: BTreeSet<aftercare_care::PersonId> = everyone
        .iter()
        .map(|p| aftercare_care::PersonId(p.0))
        .collect();
    let pairings = aftercare_care::pair(&participants, &volunteers, &in_incident, resolved);
    let new: Vec<NewPairing> = pairings
        .iter()
        .map(|p| {
            let (outcome, supporter, overlap) = match p.outcome {
                aftercare_care::Outcome::Paired {
                    supporter,
                    overlap_minutes,
                } => (
                    PairingOutcome::Paired,
                    Some(PersonId(supporter.0)),
                    i32::try_from(overlap_minutes).unwrap_or(i32::MAX),
                ),
                aftercare_care::Outcome::Declined => (PairingOutcome::Declined, None, 0),
                aftercare_care::Outcome::NoEligibleSupporter => {
                    (PairingOutcome::NoSupporter, None, 0)
                }
            };
            NewPairing {
                incident_id: incident.id,
                team_id: incident.team_id,
                participant_id: PersonId(p.participant.0),
                supporter_id: supporter,
                outcome,
                overlap_minutes: overlap,
            }
        })
        .collect();
    let stored = store.create_pairings(&new).await?;
    for (pairing, (id, _)) in new.iter().zip(stored) {
        let Some(supporter) = pairing.supporter_id else {
            continue;
        };
        crate::support::schedule_supporter_nudges(
            store,
            id,
            supporter,
            pairing.participant_id,
            &incident,
            resolved,
        )
        .await?;
    }

    // ---- the leads' checklists (once per incident, not per late joiner)
    if payload.person_id.is_none() {
        let items: Vec<&str> = aftercare_care::guidance::LEAD_CHECKLIST
            .iter()
            .map(|i| i.id)
            .collect();
        for team in teams_involved(store, &incident).await? {
            for lead in leads_of(store, team).await? {
                if store
                    .give_checklist(incident.id, Some(team), lead, &items)
                    .await?
                    > 0
                {
                    notify::schedule(
                        store,
                        lead,
                        &Message {
                            title: format!("Looking after your people after \"{}\"", short(&incident.title)),
                            body: "The incident is resolved. A short private checklist: reach out to each person about how they are, not what went wrong; protect their rest; make sure the investigators are supported too.".into(),
                            link: Some(format!("/incidents/{}/care", incident.id)),
                        },
                        resolved.max(now),
                        &format!("checklist:{}:{lead}", incident.id),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(Outcome::Complete(aftercare_store::Completion::default()))
}

/// An offset as a label: whole days as `1d`, hours as `3h`, else minutes.
pub fn offset_label(d: SignedDuration) -> String {
    let mins = d.as_mins();
    if mins % (24 * 60) == 0 {
        format!("{}d", mins / (24 * 60))
    } else if mins % 60 == 0 {
        format!("{}h", mins / 60)
    } else {
        format!("{mins}m")
    }
}

fn short(title: &str) -> String {
    let t: String = title.chars().take(80).collect();
    if t.len() < title.len() {
        format!("{t}…")
    } else {
        t
    }
}

#[derive(Debug, Deserialize)]
struct HandoffPayload {
    incident_id: IncidentId,
    person_id: PersonId,
}

/// The `handoff` job: a responder still in an open incident 4 hours after their first
/// page is told a handoff is due, and so are their team's leads.
pub async fn run_handoff(cx: &Context, lease: &Lease) -> Outcome {
    match handoff(&cx.store, lease).await {
        Ok(o) => o,
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

async fn handoff(store: &Store, lease: &Lease) -> Result<Outcome> {
    let payload: HandoffPayload = match serde_json::from_value(lease.job.payload.clone()) {
        Ok(p) => p,
        Err(e) => return Ok(Outcome::Skip(format!("payload: {e}"))),
    };
    let Some(incident) = store.incident(payload.incident_id).await? else {
        return Ok(Outcome::Skip("incident gone".into()));
    };
    if incident.resolved_at.is_some() {
        return Ok(Outcome::Skip("resolved before a handoff was due".into()));
    }
    if !store
        .incident_participants(incident.id)
        .await?
        .iter()
        .any(|p| p.person_id == payload.person_id)
    {
        return Ok(Outcome::Skip("no longer in the incident".into()));
    }
    let Some(person) = store.person(payload.person_id).await? else {
        return Ok(Outcome::Skip("person gone".into()));
    };
    let now = Timestamp::now();
    if let Some(team) = incident.team_id {
        for lead in leads_of(store, team).await? {
            if lead == person.id {
                continue;
            }
            notify::schedule(
                store,
                lead,
                &Message {
                    title: format!("{} has been on \"{}\" for over 4 hours", person.name, short(&incident.title)),
                    body: "A handoff is due: find someone to take over so they can rest. Hours on adrenaline make mistakes likelier and recovery longer.".into(),
                    link: Some(format!("/incidents/{}", incident.id)),
                },
                now,
                &format!("handoff-lead:{}:{}:{lead}", incident.id, person.id),
            )
            .await?;
        }
    }
    notify::schedule(
        store,
        person.id,
        &Message {
            title: format!("Time for a handoff on \"{}\"", short(&incident.title)),
            body: "You have been on this incident for over 4 hours. Hand it to someone rested, and step away: the incident will be fine with someone else for a while.".into(),
            link: Some(format!("/incidents/{}", incident.id)),
        },
        now,
        &format!("handoff-person:{}:{}", incident.id, person.id),
    )
    .await?;
    Ok(Outcome::Complete(aftercare_store::Completion::default()))
}
