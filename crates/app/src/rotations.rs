//! Rotations: a team's people taking turns with its pager (issue 9). Leads of the team
//! and admins create, change and delete them; the team's people see them, who is on
//! call at any instant, and the rotation's health. Every change is audited.

use std::collections::HashMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_oncall::health::{self, Finding, HealthInput, MemberFacts, Share};
use aftercare_oncall::{Layer, Rotation, Schedule, ShiftLength};
use aftercare_store::{
    IncidentScope, NewRotation, PersonId, RotationId, RotationWithMembers, Store, TeamId,
};

use crate::error::{AppError, Result};
use crate::integrations::team_by_name_or_id;
use crate::people::audit;
use crate::policy::Actor;
use crate::validate;

/// A rotation as created or replaced: every field, checked together.
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationInput {
    /// The team's name or id.
    pub team: String,
    pub name: String,
    /// The IANA zone the handoff time is in (`Europe/London`).
    pub time_zone: String,
    /// The first handoff, local to `time_zone`: `2027-01-04T09:00`.
    pub start: String,
    /// How long each shift lasts: `12h`, `1d`, `1w` (any number of hours, days or weeks).
    pub shift_length: String,
    /// People in turn order, by id; each must be in the team.
    pub members: Vec<PersonId>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct RotationMember {
    pub person_id: PersonId,
    pub name: String,
}

/// Who carries the pager at an instant, and for how long.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct OnCall {
    pub at: Timestamp,
    pub person_id: PersonId,
    pub name: String,
    pub shift_start: Timestamp,
    pub shift_end: Timestamp,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct RotationView {
    pub id: RotationId,
    pub team_id: TeamId,
    pub name: String,
    pub time_zone: String,
    /// The first handoff, local to `time_zone`.
    pub start: String,
    pub shift_length: String,
    pub members: Vec<RotationMember>,
    /// Who is on call now (`null` before the rotation starts).
    pub on_call_now: Option<OnCall>,
}

/// A rotation's answer for `at`: nobody before it starts.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct OnCallAnswer {
    pub rotation_id: RotationId,
    pub at: Timestamp,
    pub on_call: Option<OnCall>,
}

/// The checked pieces of a rotation.
struct Checked {
    zone: TimeZone,
    start: DateTime,
    length: ShiftLength,
}

fn check_definition(time_zone: &str, start: &str, length: &str) -> Result<Checked> {
    let zone_name = validate::time_zone(time_zone)?;
    let zone = TimeZone::get(&zone_name)
        .map_err(|_| AppError::invalid("time_zone", format!("{zone_name:?} is not known")))?;
    let start: DateTime = start.trim().parse().map_err(|_| {
        AppError::invalid(
            "start",
            format!(
                "{:?} is not a local date and time: write it like 2027-01-04T09:00",
                start.trim()
            ),
        )
    })?;
    let length = ShiftLength::parse(length).ok_or_else(|| {
        AppError::invalid(
            "shift_length",
            format!(
                "{:?} is not a shift length: write a number and h, d or w (12h, 1d, 1w)",
                length.trim()
            ),
        )
    })?;
    Ok(Checked {
        zone,
        start,
        length,
    })
}

fn field_of(e: &aftercare_oncall::RotationError) -> &'static str {
    use aftercare_oncall::RotationError::*;
    match e {
        NoMembers => "members",
        ZeroLength(_) | TooLong { .. } => "shift_length",
        EmptyWindow => "window",
    }
}

/// The rotation as `aftercare-oncall` computes with it.
fn model(r: &RotationWithMembers) -> Result<Rotation> {
    let c = check_definition(
        &r.rotation.time_zone,
        &r.rotation.starts_local,
        &r.rotation.shift_length,
    )?;
    Rotation::new(
        c.zone,
        c.start,
        c.length,
        r.members.iter().map(|p| p.0).collect(),
    )
    .map_err(|e| AppError::Internal(format!("stored rotation {}: {e}", r.rotation.id)))
}

async fn validated(store: &Store, input: &RotationInput) -> Result<NewRotation> {
    let team = team_by_name_or_id(store, &input.team).await?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "is required: what the team calls this rotation",
        ));
    }
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "must be at most 100 characters, with no control characters",
        ));
    }
    let c = check_definition(&input.time_zone, &input.start, &input.shift_length)?;
    let members: Vec<i64> = input.members.iter().map(|p| p.0).collect();
    Rotation::new(c.zone.clone(), c.start, c.length, members)
        .map_err(|e| AppError::invalid(field_of(&e), e.to_string()))?;
    if aftercare_oncall::local_instant(&c.zone, c.start).is_none() {
        return Err(AppError::invalid("start", "is out of range"));
    }
    let in_team: std::collections::HashSet<PersonId> = store
        .team_members(team.id)
        .await?
        .iter()
        .map(|m| m.person.id)
        .collect();
    if let Some(p) = input.members.iter().find(|p| !in_team.contains(p)) {
        return Err(AppError::invalid(
            "members",
            format!(
                "person {p} is not a member of team {:?}: add them to the team first",
                team.name
            ),
        ));
    }
    Ok(NewRotation {
        team_id: team.id,
        name: name.to_string(),
        time_zone: c
            .zone
            .iana_name()
            .unwrap_or(input.time_zone.trim())
            .to_string(),
        starts_local: c.start.strftime("%Y-%m-%dT%H:%M").to_string(),
        shift_length: c.length.to_string(),
        members: input.members.clone(),
    })
}

async fn names(store: &Store) -> Result<HashMap<PersonId, String>> {
    Ok(store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn on_call_at(
    rotation: &Rotation,
    names: &HashMap<PersonId, String>,
    at: Timestamp,
) -> Option<OnCall> {
    rotation.turn_at(at).map(|turn| OnCall {
        at,
        person_id: PersonId(turn.member),
        name: names
            .get(&PersonId(turn.member))
            .cloned()
            .unwrap_or_default(),
        shift_start: turn.start,
        shift_end: turn.end,
    })
}

/// How a rotation is described in the audit log.
fn summary(r: &RotationWithMembers) -> String {
    format!(
        "{} people, {} shifts from {} {}",
        r.members.len(),
        r.rotation.shift_length,
        r.rotation.starts_local,
        r.rotation.time_zone
    )
}

fn view(r: &RotationWithMembers, names: &HashMap<PersonId, String>) -> Result<RotationView> {
    let rotation = model(r)?;
    Ok(RotationView {
        id: r.rotation.id,
        team_id: r.rotation.team_id,
        name: r.rotation.name.clone(),
        time_zone: r.rotation.time_zone.clone(),
        start: r.rotation.starts_local.clone(),
        shift_length: r.rotation.shift_length.clone(),
        members: r
            .members
            .iter()
            .map(|p| RotationMember {
                person_id: *p,
                name: names.get(p).cloned().unwrap_or_default(),
            })
            .collect(),
        on_call_now: on_call_at(&rotation, names, Timestamp::now()),
    })
}

/// A rotation the actor may see (the team's people and admins).
async fn visible(store: &Store, actor: &Actor, id: RotationId) -> Result<RotationWithMembers> {
    let r = store
        .rotation(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rotation {id}")))?;
    if !actor.sees_team(r.rotation.team_id) {
        return Err(AppError::Forbidden(format!(
            "rotation {id} is visible to its team's people and admins"
        )));
    }
    Ok(r)
}

pub async fn create(store: &Store, actor: &Actor, input: &RotationInput) -> Result<RotationView> {
    let team = team_by_name_or_id(store, &input.team).await?;
    actor.lead(team.id, "create rotations")?;
    let new = validated(store, input).await?;
    let made = store.create_rotation(&new).await?;
    audit(
        store,
        actor,
        "rotation.create",
        Some(team.id),
        &made.rotation.name,
        &summary(&made),
    )
    .await?;
    view(&made, &names(store).await?)
}

/// Replaces a rotation's definition; it may not move to another team.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    input: &RotationInput,
) -> Result<RotationView> {
    let old = visible(store, actor, id).await?;
    actor.lead(old.rotation.team_id, "change rotations")?;
    let new = validated(store, input).await?;
    if new.team_id != old.rotation.team_id {
        return Err(AppError::invalid(
            "team",
            "a rotation stays with its team: create one in the other team instead",
        ));
    }
    let changed = store
        .update_rotation(id, &new)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rotation {id}")))?;
    audit(
        store,
        actor,
        "rotation.update",
        Some(new.team_id),
        &changed.rotation.name,
        &summary(&changed),
    )
    .await?;
    view(&changed, &names(store).await?)
}

pub async fn delete(store: &Store, actor: &Actor, id: RotationId) -> Result<()> {
    let old = visible(store, actor, id).await?;
    actor.lead(old.rotation.team_id, "delete rotations")?;
    if !store.delete_rotation(id).await? {
        return Err(AppError::NotFound(format!("rotation {id}")));
    }
    audit(
        store,
        actor,
        "rotation.delete",
        Some(old.rotation.team_id),
        &old.rotation.name,
        "",
    )
    .await
}

pub async fn get(store: &Store, actor: &Actor, id: RotationId) -> Result<RotationView> {
    let r = visible(store, actor, id).await?;
    view(&r, &names(store).await?)
}

/// A team's rotations (its people and admins).
pub async fn of_team(store: &Store, actor: &Actor, team: TeamId) -> Result<Vec<RotationView>> {
    crate::teams::visible(store, actor, team).await?;
    let names = names(store).await?;
    store
        .team_rotations(team)
        .await?
        .iter()
        .map(|r| view(r, &names))
        .collect()
}

/// Who the rotation has on call at `at`.
pub async fn on_call(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    at: Timestamp,
) -> Result<OnCallAnswer> {
    let r = visible(store, actor, id).await?;
    let rotation = model(&r)?;
    Ok(OnCallAnswer {
        rotation_id: id,
        at,
        on_call: on_call_at(&rotation, &names(store).await?, at),
    })
}

/// The next `count` shifts from the one covering `from` (or the first, before the
/// rotation starts), worked out from one read of the rotation.
pub async fn upcoming(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    from: Timestamp,
    count: usize,
) -> Result<Vec<OnCall>> {
    let r = visible(store, actor, id).await?;
    let rotation = model(&r)?;
    let names = names(store).await?;
    let mut at = rotation.starts_at().map_or(from, |s| s.max(from));
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let Some(o) = on_call_at(&rotation, &names, at) else {
            break;
        };
        at = o.shift_end;
        out.push(o);
    }
    Ok(out)
}

/// Whom a team's rotations have on call at `at`, for a page that names nobody: the
/// first of its rotations (by name) that has someone then. Imported shifts are asked
/// first by the caller; a rotation whose stored definition no longer reads is passed over.
pub async fn on_call_for_team(
    store: &Store,
    team: TeamId,
    at: Timestamp,
) -> Result<Option<PersonId>> {
    for r in store.team_rotations(team).await? {
        let Ok(rotation) = model(&r) else { continue };
        if let Some(turn) = rotation.turn_at(at) {
            return Ok(Some(PersonId(turn.member)));
        }
    }
    Ok(None)
}

/// One member's share, named.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ShareView {
    pub person_id: PersonId,
    pub name: String,
    pub on_call_hours: f64,
    pub fraction_on_call: f64,
    pub night_hours: f64,
    pub weekend_hours: f64,
    pub holiday_hours: f64,
    pub night_share: f64,
    pub weekend_share: f64,
    pub holiday_share: f64,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct FindingView {
    /// Stable: match on it, not on the wording.
    pub code: String,
    /// `warning` breaks a published limit; `notice` is worth a look.
    pub severity: String,
    pub title: String,
    pub explanation: String,
    /// Where the threshold comes from.
    pub source: String,
    pub members: Vec<RotationMember>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct RotationHealth {
    pub rotation_id: RotationId,
    /// The period examined: the last 13 weeks.
    pub from: Timestamp,
    pub to: Timestamp,
    pub findings: Vec<FindingView>,
    pub shares: Vec<ShareView>,
}

/// The period rotation health looks back over: a quarter, 13 weeks.
pub const HEALTH_WEEKS: i64 = 13;

/// The rotation's health over the last quarter: its findings, each with its source, and
/// each member's share of the on-call, night, weekend and holiday hours.
pub async fn health(store: &Store, actor: &Actor, id: RotationId) -> Result<RotationHealth> {
    let r = visible(store, actor, id).await?;
    let rotation = model(&r)?;
    let zone = TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone: {e}")))?;
    let to = Timestamp::now();
    let from = to
        .checked_sub(SignedDuration::from_hours(24 * 7 * HEALTH_WEEKS))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let schedule = Schedule {
        layers: vec![Layer {
            name: r.rotation.name.clone(),
            rotation,
            window: None,
        }],
        overrides: vec![],
    };
    let spans = schedule.spans(from, to);
    let incidents: Vec<Timestamp> = store
        .list_incidents(
            &IncidentScope::All,
            Some(r.rotation.team_id),
            from.as_millisecond(),
            to.as_millisecond(),
        )
        .await?
        .iter()
        .filter_map(|i| Timestamp::from_millisecond(i.started_at).ok())
        .collect();
    // Shadow shifts and fire drills are not recorded yet: nobody counts as a newcomer
    // and nobody has had a drill, which is what the health check then says.
    let members: Vec<MemberFacts> = r
        .members
        .iter()
        .map(|p| MemberFacts {
            member: p.0,
            newcomer: false,
            shadow_shifts: 0,
            last_fire_drill: None,
        })
        .collect();
    let checked = health::check(&HealthInput {
        zone,
        from,
        to,
        spans: &spans,
        members: &members,
        incidents: &incidents,
        holidays: &[],
        now: to,
    });
    let names = names(store).await?;
    let member = |m: i64| RotationMember {
        person_id: PersonId(m),
        name: names.get(&PersonId(m)).cloned().unwrap_or_default(),
    };
    let finding = |f: &Finding| FindingView {
        code: f.code.to_string(),
        severity: match f.severity {
            health::Severity::Warning => "warning".into(),
            health::Severity::Notice => "notice".into(),
        },
        title: f.title.clone(),
        explanation: f.explanation.clone(),
        source: f.source.to_string(),
        members: f.members.iter().map(|&m| member(m)).collect(),
    };
    let share = |s: &Share| ShareView {
        person_id: PersonId(s.member),
        name: names.get(&PersonId(s.member)).cloned().unwrap_or_default(),
        on_call_hours: s.on_call_hours,
        fraction_on_call: s.fraction_on_call,
        night_hours: s.night_hours,
        weekend_hours: s.weekend_hours,
        holiday_hours: s.holiday_hours,
        night_share: s.night_share,
        weekend_share: s.weekend_share,
        holiday_share: s.holiday_share,
    };
    Ok(RotationHealth {
        rotation_id: id,
        from,
        to,
        findings: checked.findings.iter().map(finding).collect(),
        shares: checked.shares.iter().map(share).collect(),
    })
}
