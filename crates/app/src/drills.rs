//! Fire drills (issue 9, item 9): a lead schedules a practice incident for a rotation
//! (when, a scenario), records who took part once it is held, and rotation health then
//! names who has had none in six months. Seed 000 asks for "regular fire drills"; Google's
//! SRE book runs them as the "Wheel of Misfortune".

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use aftercare_store::{DrillId, DrillWithPeople, PersonId, RotationId, Store};

use crate::cover::instant_in;
use crate::error::{AppError, Result};
use crate::incidents::ts as at;
use crate::people::audit;
use crate::policy::Actor;
use crate::rotations::{RotationMember, names, visible};

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillInput {
    /// When: an RFC 3339 instant or a local time in the rotation's zone.
    pub at: String,
    /// What is practised ("the payments database fails over").
    pub scenario: String,
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldInput {
    /// Who took part, by id; each must be in the rotation.
    pub participants: Vec<PersonId>,
    /// When it was held; default: when it was scheduled.
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct DrillView {
    pub id: DrillId,
    pub rotation_id: RotationId,
    pub scheduled_at: Timestamp,
    pub scenario: String,
    /// When it was held; `null` while it is still to come (or was not recorded).
    pub held_at: Option<Timestamp>,
    pub participants: Vec<RotationMember>,
}

async fn view(store: &Store, d: &DrillWithPeople) -> Result<DrillView> {
    let names = names(store).await?;
    Ok(DrillView {
        id: d.drill.id,
        rotation_id: d.drill.rotation_id,
        scheduled_at: at(d.drill.scheduled_at),
        scenario: d.drill.scenario.clone(),
        held_at: d.drill.held_at.map(at),
        participants: d
            .participants
            .iter()
            .map(|p| RotationMember {
                person_id: *p,
                name: names.get(p).cloned().unwrap_or_default(),
            })
            .collect(),
    })
}

/// Schedules a drill (the rotation's leads and admins).
pub async fn schedule(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    input: &DrillInput,
) -> Result<DrillView> {
    let r = visible(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "schedule fire drills")?;
    let zone = TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone: {e}")))?;
    let when = instant_in(&zone, "at", &input.at)?;
    let scenario = input.scenario.trim();
    if scenario.is_empty() {
        return Err(AppError::invalid(
            "scenario",
            "is required: what the drill practises",
        ));
    }
    if scenario.chars().count() > 500 {
        return Err(AppError::invalid(
            "scenario",
            "must be at most 500 characters",
        ));
    }
    let made = store
        .schedule_drill(id, when.as_millisecond(), scenario, actor.person_id())
        .await?;
    audit(
        store,
        actor,
        "drill.schedule",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!("{when}: {scenario}"),
    )
    .await?;
    view(
        store,
        &DrillWithPeople {
            drill: made,
            participants: Vec::new(),
        },
    )
    .await
}

/// A rotation's drills, soonest first (its team and admins).
pub async fn of_rotation(store: &Store, actor: &Actor, id: RotationId) -> Result<Vec<DrillView>> {
    visible(store, actor, id).await?;
    let mut out = Vec::new();
    for d in store.rotation_drills(id).await? {
        out.push(view(store, &d).await?);
    }
    Ok(out)
}

async fn drill_of(
    store: &Store,
    actor: &Actor,
    id: DrillId,
) -> Result<(DrillWithPeople, aftercare_store::RotationWithMembers)> {
    let d = store
        .drill(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("fire drill {id}")))?;
    let r = visible(store, actor, d.drill.rotation_id).await?;
    Ok((d, r))
}

/// Records a drill as held, with who took part (the rotation's leads and admins).
pub async fn record(
    store: &Store,
    actor: &Actor,
    id: DrillId,
    input: &HeldInput,
) -> Result<DrillView> {
    let (d, r) = drill_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "record fire drills")?;
    let members: HashSet<PersonId> = r.members.iter().copied().collect();
    if let Some(p) = input.participants.iter().find(|p| !members.contains(p)) {
        return Err(AppError::invalid(
            "participants",
            format!("person {p} is not in this rotation"),
        ));
    }
    if input.participants.is_empty() {
        return Err(AppError::invalid(
            "participants",
            "name at least one person who took part",
        ));
    }
    let zone = TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone: {e}")))?;
    let held = match input.at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => instant_in(&zone, "at", t)?,
        None => at(d.drill.scheduled_at),
    };
    if held > Timestamp::now() {
        return Err(AppError::invalid(
            "at",
            "is in the future: record a drill once it has been held",
        ));
    }
    let mut people = input.participants.clone();
    people.sort();
    people.dedup();
    if !store
        .record_drill(id, held.as_millisecond(), &people)
        .await?
    {
        return Err(AppError::NotFound(format!("fire drill {id}")));
    }
    audit(
        store,
        actor,
        "drill.record",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!("drill {id}: {} took part", people.len()),
    )
    .await?;
    let now = store
        .drill(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("fire drill {id}")))?;
    view(store, &now).await
}

/// Deletes a drill (the rotation's leads and admins).
pub async fn delete(store: &Store, actor: &Actor, id: DrillId) -> Result<()> {
    let (_, r) = drill_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "delete fire drills")?;
    if !store.delete_drill(id).await? {
        return Err(AppError::NotFound(format!("fire drill {id}")));
    }
    audit(
        store,
        actor,
        "drill.delete",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!("drill {id}"),
    )
    .await
}
