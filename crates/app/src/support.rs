//! Peer support after incidents (Scott's first tier: a colleague who reaches out),
//! the organisation's professional resources, and the lead's private checklist.
//!
//! A supporter learns whom to reach out to and after which incident, nothing of
//! their check-ins. A participant sees who their supporter is and may decline
//! pairing for the future. Nothing here reaches a manager: the checklist is the
//! lead's own list of things to do, and the pulse counts only how often they did them.

use aftercare_care::SUPPORTER_REMINDER;
use aftercare_care::guidance::{GuidanceItem, LEAD_CHECKLIST, SUPPORTER_GUIDANCE};
use aftercare_store::{
    Incident, IncidentId, Pairing, PairingId, PersonId, Store, SupportResource, SupportResourceId,
};
use jiff::Timestamp;
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::notify::{self, Message};
use crate::policy::Actor;

/// One pairing as either person in it sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PairingView {
    pub id: PairingId,
    pub incident_id: IncidentId,
    pub incident_title: String,
    pub participant_id: PersonId,
    pub participant_name: String,
    pub supporter_id: Option<PersonId>,
    pub supporter_name: Option<String>,
    /// `paired`, `declined` or `no_supporter`.
    pub outcome: &'static str,
    pub paired_at: Option<Timestamp>,
    pub reached_out_at: Option<Timestamp>,
}

impl From<Pairing> for PairingView {
    fn from(p: Pairing) -> PairingView {
        PairingView {
            id: p.id,
            incident_id: p.incident_id,
            incident_title: p.incident_title,
            participant_id: p.participant_id,
            participant_name: p.participant_name,
            supporter_id: p.supporter_id,
            supporter_name: p.supporter_name,
            outcome: p.outcome.as_str(),
            paired_at: Timestamp::from_millisecond(p.created_at).ok(),
            reached_out_at: p
                .reached_out_at
                .and_then(|t| Timestamp::from_millisecond(t).ok()),
        }
    }
}

/// A piece of guidance with its source.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Guidance {
    pub id: &'static str,
    pub text: &'static str,
    pub source: &'static str,
}

impl From<&GuidanceItem> for Guidance {
    fn from(g: &GuidanceItem) -> Guidance {
        Guidance {
            id: g.id,
            text: g.text,
            source: g.source,
        }
    }
}

/// One's own side of peer support.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupportOverview {
    /// Whether one volunteers as a peer supporter.
    pub volunteering: bool,
    /// Whether one declined being paired after incidents.
    pub declines_pairing: bool,
    /// People one supports.
    pub supporting: Vec<PairingView>,
    /// Who supports one.
    pub supported_by: Vec<PairingView>,
    /// How to reach out.
    pub guidance: Vec<Guidance>,
    /// The organisation's professional support.
    pub resources: Vec<SupportResource>,
}

pub async fn overview(store: &Store, actor: &Actor) -> Result<SupportOverview> {
    let owner = actor.owner()?;
    let me = owner.person_id();
    let (supporting, supported_by): (Vec<Pairing>, Vec<Pairing>) = store
        .pairings_of(owner)
        .await?
        .into_iter()
        .partition(|p| p.supporter_id == Some(me));
    Ok(SupportOverview {
        volunteering: store.is_supporter(me).await?,
        declines_pairing: store.declines_pairing(me).await?,
        supporting: supporting.into_iter().map(PairingView::from).collect(),
        supported_by: supported_by.into_iter().map(PairingView::from).collect(),
        guidance: SUPPORTER_GUIDANCE.iter().map(Guidance::from).collect(),
        resources: store.support_resources().await?,
    })
}

/// Volunteer as a peer supporter, or stop (one's own choice only).
pub async fn volunteer(store: &Store, actor: &Actor, on: bool) -> Result<()> {
    let owner = actor.owner()?;
    store.set_supporter(owner.person_id(), on).await?;
    Ok(())
}

/// Decline (or accept again) being paired with a supporter after incidents.
pub async fn decline_pairing(store: &Store, actor: &Actor, decline: bool) -> Result<()> {
    let owner = actor.owner()?;
    store.set_decline_pairing(owner, decline).await?;
    Ok(())
}

fn reminder_key(pairing: PairingId) -> String {
    format!("supporter-reminder:{pairing}")
}

/// The supporter's nudge (now, within the 2 hours of [`aftercare_care::SUPPORTER_NUDGE`], moved into
/// their working time) and the reminder at [`SUPPORTER_REMINDER`] after the
/// resolution, which is dropped if they mark that they reached out first.
pub(crate) async fn schedule_supporter_nudges(
    store: &Store,
    pairing: PairingId,
    supporter: PersonId,
    participant: PersonId,
    incident: &Incident,
    resolved: Timestamp,
) -> Result<()> {
    let name = store
        .person(participant)
        .await?
        .map(|p| p.name)
        .unwrap_or_else(|| "a colleague".into());
    let now = Timestamp::now();
    let guidance = "Listen, and ask how they are, not what went wrong. You are not there to review the incident.";
    // Within the 2 hours of SUPPORTER_NUDGE: at once, moved only into their working time
    // (a care job that ran late sends it now, never in the past).
    let nudge_at = resolved.max(now);
    notify::schedule(
        store,
        supporter,
        &Message {
            title: format!("Reach out to {name} after \"{}\"", incident.title.chars().take(80).collect::<String>()),
            body: format!("{name} was in an incident that has just resolved, and you are their peer supporter for it. A short message or a coffee is enough. {guidance} Mark \"reached out\" on your support page when you have."),
            link: Some("/support".into()),
        },
        nudge_at,
        &format!("supporter-nudge:{pairing}"),
    )
    .await?;
    notify::schedule(
        store,
        supporter,
        &Message {
            title: format!("A reminder: reach out to {name}"),
            body: format!("A day has passed since the incident. If you have not yet, reach out to {name}. {guidance}"),
            link: Some("/support".into()),
        },
        (resolved + SUPPORTER_REMINDER).max(now),
        &reminder_key(pairing),
    )
    .await?;
    Ok(())
}

/// The supporter marks that they reached out; their reminder is then not sent.
pub async fn reached_out(store: &Store, actor: &Actor, pairing: PairingId) -> Result<PairingView> {
    let owner = actor.owner()?;
    let now = Timestamp::now().as_millisecond();
    if !store.mark_reached_out(owner, pairing, now).await? {
        return Err(AppError::NotFound(format!(
            "pairing {pairing} where you are the supporter"
        )));
    }
    store
        .skip_scheduled_job(
            &format!("message:{}", reminder_key(pairing)),
            "reached out",
            now,
        )
        .await?;
    store
        .pairing(pairing)
        .await?
        .map(PairingView::from)
        .ok_or_else(|| AppError::NotFound(format!("pairing {pairing}")))
}

/// A participant asks, from a check-in, to talk to a peer: their supporter for the
/// incident is told; without one, a supporter is found now (asking overrides an
/// earlier "no pairing").
pub(crate) async fn ask_for_peer(
    store: &Store,
    person: PersonId,
    incident: IncidentId,
    dedupe: &str,
) -> Result<bool> {
    let Some(incident) = store.incident(incident).await? else {
        return Ok(false);
    };
    let existing = store.pairing_of_participant(incident.id, person).await?;
    let supporter = match existing.as_ref().and_then(|p| p.supporter_id) {
        Some(s) => Some(s),
        None => find_supporter(store, person, &incident).await?,
    };
    let Some(supporter) = supporter else {
        return Ok(false);
    };
    let pairing = match existing {
        Some(p) if p.supporter_id == Some(supporter) => p.id,
        _ => {
            store
                .repair(incident.id, incident.team_id, person, supporter)
                .await?
        }
    };
    let name = store
        .person(person)
        .await?
        .map(|p| p.name)
        .unwrap_or_else(|| "A colleague".into());
    notify::schedule(
        store,
        supporter,
        &Message {
            title: format!("{name} would like to talk"),
            body: format!("{name} asked, after the incident \"{}\", to talk to a peer, and you are their supporter. Reach out when you can: listen, and ask how they are, not what went wrong.", incident.title.chars().take(80).collect::<String>()),
            link: Some("/support".into()),
        },
        Timestamp::now(),
        &format!("talk:{dedupe}:{pairing}"),
    )
    .await?;
    Ok(true)
}

async fn find_supporter(
    store: &Store,
    person: PersonId,
    incident: &Incident,
) -> Result<Option<PersonId>> {
    let Some(me) = store.person(person).await? else {
        return Ok(None);
    };
    let leads = leads_of_person(store, person).await?;
    let in_incident: std::collections::BTreeSet<aftercare_care::PersonId> = store
        .incident_participants(incident.id)
        .await?
        .iter()
        .map(|p| aftercare_care::PersonId(p.person_id.0))
        .collect();
    let volunteers = volunteers(store, Timestamp::now()).await?;
    let pairing = aftercare_care::pair(
        &[aftercare_care::Participant {
            id: aftercare_care::PersonId(person.0),
            hours: me.hours,
            team_leads: leads,
            declined: false,
        }],
        &volunteers,
        &in_incident,
        Timestamp::now(),
    );
    Ok(pairing.first().and_then(|p| match p.outcome {
        aftercare_care::Outcome::Paired { supporter, .. } => Some(PersonId(supporter.0)),
        _ => None,
    }))
}

/// The leads of every team a person is in: none of them may be the person's supporter.
pub(crate) async fn leads_of_person(
    store: &Store,
    person: PersonId,
) -> Result<std::collections::BTreeSet<aftercare_care::PersonId>> {
    let mut leads = std::collections::BTreeSet::new();
    for m in store.memberships(person).await? {
        for tm in store.team_members(m.team.id).await? {
            if tm.role == aftercare_store::TeamRole::Lead {
                leads.insert(aftercare_care::PersonId(tm.person.id.0));
            }
        }
    }
    Ok(leads)
}

/// Everyone who volunteers, with their load: the people they were paired with in the 30
/// days before `at`.
pub(crate) async fn volunteers(
    store: &Store,
    at: Timestamp,
) -> Result<Vec<aftercare_care::Volunteer>> {
    let since = (at - jiff::SignedDuration::from_hours(24 * 30)).as_millisecond();
    let mut out = Vec::new();
    for (id, load) in store.supporters_with_load(since).await? {
        if let Some(p) = store.person(id).await? {
            out.push(aftercare_care::Volunteer {
                id: aftercare_care::PersonId(id.0),
                hours: p.hours,
                load: u32::try_from(load).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(out)
}

// ---- professional resources

pub async fn resources(store: &Store, actor: &Actor) -> Result<Vec<SupportResource>> {
    // Anyone signed in: these are for whoever needs them.
    let _ = actor;
    Ok(store.support_resources().await?)
}

fn check_text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

pub async fn add_resource(
    store: &Store,
    actor: &Actor,
    name: &str,
    contact: &str,
    description: &str,
) -> Result<SupportResource> {
    actor.admin()?;
    let name = check_text("name", name, 200)?;
    let contact = check_text("contact", contact, 500)?;
    if description.chars().count() > 2000 {
        return Err(AppError::invalid(
            "description",
            "must be at most 2000 characters",
        ));
    }
    Ok(store
        .add_support_resource(&name, &contact, description.trim())
        .await?)
}

pub async fn delete_resource(store: &Store, actor: &Actor, id: SupportResourceId) -> Result<()> {
    actor.admin()?;
    if !store.delete_support_resource(id).await? {
        return Err(AppError::NotFound(format!("support resource {id}")));
    }
    Ok(())
}

// ---- the lead's checklist

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChecklistItemView {
    pub id: &'static str,
    pub text: &'static str,
    pub source: &'static str,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Checklist {
    pub incident_id: IncidentId,
    pub incident_title: String,
    pub given_at: Option<Timestamp>,
    pub items: Vec<ChecklistItemView>,
}

/// The actor's own checklists as a lead, newest first (for one incident if given).
pub async fn checklists(
    store: &Store,
    actor: &Actor,
    incident: Option<IncidentId>,
) -> Result<Vec<Checklist>> {
    let owner = actor.owner()?;
    let rows = store.checklist_of(owner, incident).await?;
    let mut out: Vec<Checklist> = Vec::new();
    for row in rows {
        let Some(item) = LEAD_CHECKLIST.iter().find(|i| i.id == row.item) else {
            continue;
        };
        if out.last().map(|c| c.incident_id) != Some(row.incident_id) {
            let title = store
                .incident(row.incident_id)
                .await?
                .map(|i| i.title)
                .unwrap_or_default();
            out.push(Checklist {
                incident_id: row.incident_id,
                incident_title: title,
                given_at: Timestamp::from_millisecond(row.given_at).ok(),
                items: vec![],
            });
        }
        if let Some(c) = out.last_mut() {
            c.items.push(ChecklistItemView {
                id: item.id,
                text: item.text,
                source: item.source,
                done: row.done_at.is_some(),
            });
        }
    }
    // The checklist's own order, not the store's.
    for c in &mut out {
        c.items
            .sort_by_key(|v| LEAD_CHECKLIST.iter().position(|i| i.id == v.id));
    }
    Ok(out)
}

/// Marks one item of the actor's checklist for an incident done, or not done.
pub async fn mark_item(
    store: &Store,
    actor: &Actor,
    incident: IncidentId,
    item: &str,
    done: bool,
) -> Result<()> {
    let owner = actor.owner()?;
    if aftercare_care::guidance::lead_item(item).is_none() {
        return Err(AppError::invalid(
            "item",
            format!("{item:?} is not a checklist item"),
        ));
    }
    if !store
        .mark_checklist_item(owner, incident, item, done)
        .await?
    {
        return Err(AppError::NotFound(format!(
            "your checklist for incident {incident}"
        )));
    }
    Ok(())
}
