//! Newcomers to on call (issue 9; seed 000: "a buddy system for engineers new to on
//! call"). A lead marks a member of a rotation as new and names a buddy, a teammate
//! they can call any time; then plans shadow shifts, spans in which the newcomer
//! follows whoever is on call without being the one paged. Rotation health names a
//! newcomer who has not shadowed yet, and the fair rotation generator keeps such a
//! newcomer off the pager until they have shadowed (and plans that shadow shift). Once
//! the lead says they are ready, they are no longer counted as new.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_store::{
    NewcomerId, PersonId, RotationId, RotationWithMembers, ShadowShiftId, Store, StoredNewcomer,
    StoredShadowShift,
};

use crate::cover::instant_in;
use crate::error::{AppError, Result};
use crate::incidents::ts as at;
use crate::people::audit;
use crate::policy::Actor;
use crate::rotations::{RotationMember, names, schedule_around, schedule_over, visible};

/// Shadow shifts a newcomer needs before the generator lets them carry the pager: one
/// whole shift alongside an experienced teammate (PagerDuty's guide asks for shadowing
/// before the first shift; Google's SRE book for shadowing as part of on-call training).
pub const SHADOW_BEFORE_PRIMARY: usize = 1;

/// The longest shadow shift: two weeks (the longest usual shift).
const MAX_SHADOW_DAYS: i64 = 14;

#[derive(utoipa::ToSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomerInput {
    /// The newcomer: a member of the rotation.
    pub person_id: PersonId,
    /// Their buddy: someone else in the rotation's team they can call.
    pub buddy_id: PersonId,
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomerChange {
    /// A new buddy.
    #[serde(default)]
    pub buddy_id: Option<PersonId>,
    /// `true`: ready to carry the pager alone (no longer counted as new); `false`: new again.
    #[serde(default)]
    pub ready: Option<bool>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShadowInput {
    /// From: an RFC 3339 instant or a local time in the rotation's zone.
    pub from: String,
    /// Until, written the same way; default: the end of the shift on call at `from`.
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ShadowShiftView {
    pub id: ShadowShiftId,
    pub newcomer_id: NewcomerId,
    /// Who shadows.
    pub person: RotationMember,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Whom they follow: who is on call when the shadow shift starts.
    pub shadowing: Option<RotationMember>,
    /// Whether it is over.
    pub done: bool,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct NewcomerView {
    pub id: NewcomerId,
    pub rotation_id: RotationId,
    pub person: RotationMember,
    pub buddy: RotationMember,
    /// When they were marked as new.
    pub since: Timestamp,
    /// When a lead said they are ready to carry the pager alone; `null` while new.
    pub ready_at: Option<Timestamp>,
    /// Shadow shifts over.
    pub shadowed: usize,
    pub shadow_shifts: Vec<ShadowShiftView>,
}

fn member(names: &HashMap<PersonId, String>, p: PersonId) -> RotationMember {
    RotationMember {
        person_id: p,
        name: names.get(&p).cloned().unwrap_or_default(),
    }
}

fn zone_of(r: &RotationWithMembers) -> Result<TimeZone> {
    TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone: {e}")))
}

async fn shadow_view(
    store: &Store,
    r: &RotationWithMembers,
    names: &HashMap<PersonId, String>,
    s: &StoredShadowShift,
    now: Timestamp,
) -> Result<ShadowShiftView> {
    let start = at(s.starts_at);
    let (schedule, _) = schedule_around(store, r, start).await?;
    Ok(ShadowShiftView {
        id: s.id,
        newcomer_id: s.newcomer_id,
        person: member(names, s.person_id),
        start,
        end: at(s.ends_at),
        shadowing: schedule
            .on_call(start)
            .map(|(m, _)| member(names, PersonId(m))),
        done: at(s.ends_at) <= now,
    })
}

async fn views(
    store: &Store,
    r: &RotationWithMembers,
    newcomers: &[StoredNewcomer],
) -> Result<Vec<NewcomerView>> {
    let names = names(store).await?;
    let now = Timestamp::now();
    let shadows = store.rotation_shadow_shifts(r.rotation.id).await?;
    let mut out = Vec::with_capacity(newcomers.len());
    for n in newcomers {
        let mut shifts = Vec::new();
        for s in shadows.iter().filter(|s| s.newcomer_id == n.id) {
            shifts.push(shadow_view(store, r, &names, s, now).await?);
        }
        out.push(NewcomerView {
            id: n.id,
            rotation_id: n.rotation_id,
            person: member(&names, n.person_id),
            buddy: member(&names, n.buddy_id),
            since: at(n.created_at),
            ready_at: n.ready_at.map(at),
            shadowed: shifts.iter().filter(|s| s.done).count(),
            shadow_shifts: shifts,
        });
    }
    Ok(out)
}

async fn one(store: &Store, r: &RotationWithMembers, id: NewcomerId) -> Result<NewcomerView> {
    let n = store
        .newcomer(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("newcomer {id}")))?;
    views(store, r, &[n])
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("newcomer {id}")))
}

/// A buddy must be someone else, active, in the rotation's team.
async fn check_buddy(
    store: &Store,
    r: &RotationWithMembers,
    person: PersonId,
    buddy: PersonId,
) -> Result<()> {
    if buddy == person {
        return Err(AppError::invalid(
            "buddy_id",
            "must be someone other than the newcomer",
        ));
    }
    let team = store.team_members(r.rotation.team_id).await?;
    match team.iter().find(|m| m.person.id == buddy) {
        Some(m) if m.person.deactivated_at.is_none() => Ok(()),
        Some(_) => Err(AppError::invalid(
            "buddy_id",
            format!("person {buddy} is deactivated"),
        )),
        None => Err(AppError::invalid(
            "buddy_id",
            format!("person {buddy} is not in this rotation's team"),
        )),
    }
}

/// One's own place as a newcomer in a rotation: shown to them first.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct OwnNewcomer {
    pub rotation_id: RotationId,
    pub rotation_name: String,
    pub newcomer: NewcomerView,
    /// The next shadow shift not over yet.
    pub next_shadow: Option<ShadowShiftView>,
}

/// The rotations the actor is still new to (not yet ready), with their buddy and next
/// shadow shift. Empty for a caller who is nobody.
pub async fn own(store: &Store, actor: &Actor) -> Result<Vec<OwnNewcomer>> {
    let Some(me) = actor.person_id() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for n in store.person_newcomers(me).await? {
        if n.ready_at.is_some() {
            continue;
        }
        let Ok(r) = visible(store, actor, n.rotation_id).await else {
            continue;
        };
        let Some(view) = views(store, &r, &[n]).await?.pop() else {
            continue;
        };
        let next_shadow = view.shadow_shifts.iter().find(|s| !s.done).cloned();
        out.push(OwnNewcomer {
            rotation_id: r.rotation.id,
            rotation_name: r.rotation.name.clone(),
            newcomer: view,
            next_shadow,
        });
    }
    Ok(out)
}

/// A rotation's newcomers, with their buddies and shadow shifts (its team and admins).
pub async fn of_rotation(
    store: &Store,
    actor: &Actor,
    id: RotationId,
) -> Result<Vec<NewcomerView>> {
    let r = visible(store, actor, id).await?;
    let list = store.rotation_newcomers(id).await?;
    views(store, &r, &list).await
}

/// Marks a member of the rotation as new to its on call, with a buddy (its leads and admins).
pub async fn add(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    input: &NewcomerInput,
) -> Result<NewcomerView> {
    let r = visible(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "mark newcomers")?;
    if !r.members.contains(&input.person_id) {
        return Err(AppError::invalid(
            "person_id",
            format!("person {} is not in this rotation", input.person_id),
        ));
    }
    check_buddy(store, &r, input.person_id, input.buddy_id).await?;
    let made = store
        .add_newcomer(id, input.person_id, input.buddy_id, actor.person_id())
        .await
        .map_err(|e| match e {
            aftercare_store::StoreError::Conflict(_) => AppError::invalid(
                "person_id",
                format!(
                    "person {} is already marked as a newcomer to this rotation",
                    input.person_id
                ),
            ),
            other => other.into(),
        })?;
    let names = names(store).await?;
    audit(
        store,
        actor,
        "newcomer.add",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!(
            "{} with {} as buddy",
            member(&names, input.person_id).name,
            member(&names, input.buddy_id).name
        ),
    )
    .await?;
    one(store, &r, made.id).await
}

async fn newcomer_of(
    store: &Store,
    actor: &Actor,
    id: NewcomerId,
) -> Result<(StoredNewcomer, RotationWithMembers)> {
    let n = store
        .newcomer(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("newcomer {id}")))?;
    let r = visible(store, actor, n.rotation_id).await?;
    Ok((n, r))
}

/// Changes a newcomer's buddy, or says they are ready (its leads and admins).
pub async fn change(
    store: &Store,
    actor: &Actor,
    id: NewcomerId,
    input: &NewcomerChange,
) -> Result<NewcomerView> {
    let (n, r) = newcomer_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "change newcomers")?;
    let buddy = input.buddy_id.unwrap_or(n.buddy_id);
    if input.buddy_id.is_some() {
        check_buddy(store, &r, n.person_id, buddy).await?;
    }
    let ready_at = match input.ready {
        Some(true) => n.ready_at.or(Some(Timestamp::now().as_millisecond())),
        Some(false) => None,
        None => n.ready_at,
    };
    if !store.update_newcomer(id, buddy, ready_at).await? {
        return Err(AppError::NotFound(format!("newcomer {id}")));
    }
    let names = names(store).await?;
    let detail = match (input.ready, input.buddy_id) {
        (Some(true), _) => format!(
            "{} ready to carry the pager",
            member(&names, n.person_id).name
        ),
        (Some(false), _) => format!("{} new again", member(&names, n.person_id).name),
        (None, _) => format!(
            "{}'s buddy: {}",
            member(&names, n.person_id).name,
            member(&names, buddy).name
        ),
    };
    audit(
        store,
        actor,
        "newcomer.change",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &detail,
    )
    .await?;
    one(store, &r, id).await
}

/// Removes a newcomer and their shadow shifts (its leads and admins).
pub async fn remove(store: &Store, actor: &Actor, id: NewcomerId) -> Result<()> {
    let (n, r) = newcomer_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "remove newcomers")?;
    if !store.delete_newcomer(id).await? {
        return Err(AppError::NotFound(format!("newcomer {id}")));
    }
    let names = names(store).await?;
    audit(
        store,
        actor,
        "newcomer.remove",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &member(&names, n.person_id).name,
    )
    .await
}

/// Plans a shadow shift for a newcomer (the rotation's leads and admins): by default
/// the whole shift on call at `from`.
pub async fn add_shadow(
    store: &Store,
    actor: &Actor,
    id: NewcomerId,
    input: &ShadowInput,
) -> Result<ShadowShiftView> {
    let (n, r) = newcomer_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "plan shadow shifts")?;
    let zone = zone_of(&r)?;
    let from = instant_in(&zone, "from", &input.from)?;
    let (schedule, _) = schedule_around(store, &r, from).await?;
    let piece = schedule.piece_at(from);
    let until = match input
        .until
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => instant_in(&zone, "until", t)?,
        None => piece.as_ref().map(|p| p.end).ok_or_else(|| {
            AppError::invalid(
                "from",
                "the rotation has not started then: give an end (until) too",
            )
        })?,
    };
    if until <= from {
        return Err(AppError::invalid("until", "must be after from"));
    }
    if until.duration_since(from) > SignedDuration::from_hours(24 * MAX_SHADOW_DAYS) {
        return Err(AppError::invalid(
            "until",
            format!("a shadow shift spans at most {MAX_SHADOW_DAYS} days"),
        ));
    }
    // Shadowing means following someone else: not a span the newcomer carries themself.
    let (span_schedule, _) = schedule_over(store, &r, from, until).await?;
    if span_schedule
        .spans(from, until)
        .iter()
        .any(|s| s.member == n.person_id.0)
    {
        return Err(AppError::invalid(
            "from",
            "the newcomer is on call themself in that span: a shadow shift follows someone else's",
        ));
    }
    let made = store
        .add_shadow_shift(
            id,
            from.as_millisecond(),
            until.as_millisecond(),
            actor.person_id(),
        )
        .await?;
    let names = names(store).await?;
    audit(
        store,
        actor,
        "shadow.add",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!(
            "{} shadows {from} to {until}",
            member(&names, n.person_id).name
        ),
    )
    .await?;
    let stored = store
        .shadow_shift(made)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("shadow shift {made}")))?;
    shadow_view(store, &r, &names, &stored, Timestamp::now()).await
}

/// Removes a planned shadow shift (the rotation's leads and admins).
pub async fn remove_shadow(store: &Store, actor: &Actor, id: ShadowShiftId) -> Result<()> {
    let s = store
        .shadow_shift(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("shadow shift {id}")))?;
    let r = visible(store, actor, s.rotation_id).await?;
    actor.lead(r.rotation.team_id, "remove shadow shifts")?;
    if !store.delete_shadow_shift(id).await? {
        return Err(AppError::NotFound(format!("shadow shift {id}")));
    }
    audit(
        store,
        actor,
        "shadow.remove",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!("shadow shift {id}"),
    )
    .await
}

/// What rotation health and the generator need of each member: whether they are still
/// new, and how many shadow shifts they have done.
pub(crate) async fn facts(
    store: &Store,
    rotation: RotationId,
    now: Timestamp,
) -> Result<HashMap<PersonId, (NewcomerId, usize)>> {
    let shadows = store.rotation_shadow_shifts(rotation).await?;
    Ok(store
        .rotation_newcomers(rotation)
        .await?
        .into_iter()
        .filter(|n| n.ready_at.is_none())
        .map(|n| {
            let done = shadows
                .iter()
                .filter(|s| s.newcomer_id == n.id && s.ends_at <= now.as_millisecond())
                .count();
            (n.person_id, (n.id, done))
        })
        .collect())
}
