//! Rotations: a team's people taking turns with its pager (issue 9). Leads of the team
//! and admins create, change and delete them; the team's people see them, who is on
//! call at any instant, and the rotation's health. Every change is audited.

use std::collections::HashMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_oncall::health::{self, Finding, HealthInput, MemberFacts, Share};
use aftercare_oncall::{Layer, Override, Rotation, Schedule, ShiftLength};
use aftercare_store::{
    IncidentScope, NewRotation, OverrideId, PersonId, RotationId, RotationWithMembers, Store,
    StoredOverride, TeamId,
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
    /// When this stretch began and ends: the shift, or the override, cut where an
    /// override starts or ends.
    pub shift_start: Timestamp,
    pub shift_end: Timestamp,
    /// The override that put them there, if one did.
    pub override_id: Option<OverrideId>,
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
pub(crate) fn model(r: &RotationWithMembers) -> Result<Rotation> {
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

pub(crate) async fn names(store: &Store) -> Result<HashMap<PersonId, String>> {
    Ok(store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn on_call_in(
    schedule: &Schedule,
    names: &HashMap<PersonId, String>,
    at: Timestamp,
) -> Option<OnCall> {
    schedule.piece_at(at).map(|piece| OnCall {
        at,
        person_id: PersonId(piece.member),
        name: names
            .get(&PersonId(piece.member))
            .cloned()
            .unwrap_or_default(),
        shift_start: piece.start,
        shift_end: piece.end,
        override_id: None,
    })
}

/// The rotation as one layer with its overrides that overlap `[from, to)` on top:
/// exact for every question about instants inside that span.
pub(crate) async fn schedule_over(
    store: &Store,
    r: &RotationWithMembers,
    from: Timestamp,
    to: Timestamp,
) -> Result<(Schedule, Vec<StoredOverride>)> {
    let rotation = model(r)?;
    let stored = store
        .rotation_overrides(r.rotation.id, from.as_millisecond(), to.as_millisecond())
        .await?;
    let overrides = stored
        .iter()
        .filter_map(|o| {
            Some(Override {
                member: o.person_id.0,
                start: Timestamp::from_millisecond(o.starts_at).ok()?,
                end: Timestamp::from_millisecond(o.ends_at).ok()?,
            })
        })
        .collect();
    Ok((
        Schedule {
            layers: vec![Layer::whole(r.rotation.name.clone(), rotation)],
            overrides,
        },
        stored,
    ))
}

/// The schedule loaded with every override that can bear on the piece around `at`:
/// those overlapping its shift, and, when an override holds `at`, those overlapping it.
pub(crate) async fn schedule_around(
    store: &Store,
    r: &RotationWithMembers,
    at: Timestamp,
) -> Result<(Schedule, Vec<StoredOverride>)> {
    let rotation = model(r)?;
    let just_after = at + SignedDuration::from_millis(1);
    let (mut lo, mut hi) = rotation
        .turn_at(at)
        .map_or((at, just_after), |t| (t.start, t.end));
    let (schedule, stored) = schedule_over(store, r, lo, hi).await?;
    if let Some((_, None)) = schedule.on_call(at)
        && let Some(o) = schedule
            .overrides
            .iter()
            .rev()
            .find(|o| o.start <= at && at < o.end)
        && (o.start < lo || o.end > hi)
    {
        lo = lo.min(o.start);
        hi = hi.max(o.end);
        return schedule_over(store, r, lo, hi).await;
    }
    Ok((schedule, stored))
}

/// Who is on call at `at`, naming the override that put them there if one did.
fn answer_at(
    schedule: &Schedule,
    stored: &[StoredOverride],
    names: &HashMap<PersonId, String>,
    at: Timestamp,
) -> Option<OnCall> {
    let mut o = on_call_in(schedule, names, at)?;
    if let Some((_, None)) = schedule.on_call(at) {
        o.override_id = stored
            .iter()
            .rev()
            .find(|s| s.starts_at <= at.as_millisecond() && at.as_millisecond() < s.ends_at)
            .map(|s| s.id);
    }
    Some(o)
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

async fn view(
    store: &Store,
    r: &RotationWithMembers,
    names: &HashMap<PersonId, String>,
) -> Result<RotationView> {
    let now = Timestamp::now();
    let (schedule, stored) = schedule_around(store, r, now).await?;
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
        on_call_now: answer_at(&schedule, &stored, names, now),
    })
}

/// A rotation the actor may see (the team's people and admins).
pub(crate) async fn visible(
    store: &Store,
    actor: &Actor,
    id: RotationId,
) -> Result<RotationWithMembers> {
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
    view(store, &made, &names(store).await?).await
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
    view(store, &changed, &names(store).await?).await
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
    view(store, &r, &names(store).await?).await
}

/// A team's rotations (its people and admins).
pub async fn of_team(store: &Store, actor: &Actor, team: TeamId) -> Result<Vec<RotationView>> {
    crate::teams::visible(store, actor, team).await?;
    let names = names(store).await?;
    let mut out = Vec::new();
    for r in store.team_rotations(team).await? {
        out.push(view(store, &r, &names).await?);
    }
    Ok(out)
}

/// Who the rotation has on call at `at`.
pub async fn on_call(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    at: Timestamp,
) -> Result<OnCallAnswer> {
    let r = visible(store, actor, id).await?;
    let (schedule, stored) = schedule_around(store, &r, at).await?;
    Ok(OnCallAnswer {
        rotation_id: id,
        at,
        on_call: answer_at(&schedule, &stored, &names(store).await?, at),
    })
}

/// The next `count` stretches of the schedule, overrides included, from the one
/// covering `from` (or the first, before the rotation starts).
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
    let from = rotation.starts_at().map_or(from, |s| s.max(from));
    // The first stretch keeps its real start; later ones come from the spans of a
    // horizon that widens until it holds `count` of them (or reaches two years).
    let (around, around_stored) = schedule_around(store, &r, from).await?;
    let first = answer_at(&around, &around_stored, &names, from);
    let mut out: Vec<OnCall> = first.into_iter().collect();
    let limit = from + SignedDuration::from_hours(24 * 2 * 366);
    let mut start = out.last().map_or(from, |o| o.shift_end);
    let mut days = 28;
    while out.len() < count && start < limit {
        let to = (start + SignedDuration::from_hours(24 * days)).min(limit);
        let (schedule, stored) = schedule_over(store, &r, start, to).await?;
        let spans = schedule.spans(start, to);
        if spans.is_empty() {
            start = to;
            continue;
        }
        let mut progressed = false;
        for span in spans {
            // A stretch reaching the horizon may run on past it: ask again, wider.
            if out.len() >= count || (span.end >= to && to < limit) {
                break;
            }
            if let Some(mut o) = answer_at(&schedule, &stored, &names, span.start) {
                o.shift_start = span.start;
                o.shift_end = span.end;
                out.push(o);
            }
            start = span.end;
            progressed = true;
        }
        if !progressed {
            days *= 2;
        }
    }
    Ok(out)
}

/// Every stretch of the rotation in `[from, to)` (at most 400 days), overrides included:
/// what its month view shows.
pub async fn stretches(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<OnCall>> {
    let r = visible(store, actor, id).await?;
    if to <= from || to.duration_since(from) > SignedDuration::from_hours(24 * 400) {
        return Err(AppError::invalid(
            "to",
            "must be after from, and at most 400 days after it",
        ));
    }
    let names = names(store).await?;
    let (schedule, stored) = schedule_over(store, &r, from, to).await?;
    let mut out = Vec::new();
    for span in schedule.spans(from, to) {
        if let Some(mut o) = answer_at(&schedule, &stored, &names, span.start) {
            o.shift_start = span.start;
            o.shift_end = span.end;
            out.push(o);
        }
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
    let just_after = at + SignedDuration::from_millis(1);
    for r in store.team_rotations(team).await? {
        let Ok((schedule, _)) = schedule_over(store, &r, at, just_after).await else {
            continue;
        };
        if let Some((member, _)) = schedule.on_call(at) {
            return Ok(Some(PersonId(member)));
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
    let zone = TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone: {e}")))?;
    let to = Timestamp::now();
    let from = to
        .checked_sub(SignedDuration::from_hours(24 * 7 * HEALTH_WEEKS))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (schedule, _) = schedule_over(store, &r, from, to).await?;
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
    // Each member's last fire drill of this rotation, and who is still new to it.
    let drilled: HashMap<PersonId, i64> = store.last_drills(id).await?.into_iter().collect();
    let newcomers = crate::newcomers::facts(store, id, to).await?;
    let members: Vec<MemberFacts> = r
        .members
        .iter()
        .map(|p| MemberFacts {
            member: p.0,
            newcomer: newcomers.contains_key(p),
            shadow_shifts: newcomers
                .get(p)
                .map_or(0, |&(_, done)| u32::try_from(done).unwrap_or(u32::MAX)),
            last_fire_drill: drilled
                .get(p)
                .and_then(|&ms| Timestamp::from_millisecond(ms).ok()),
        })
        .collect();
    let holidays: Vec<jiff::civil::Date> = crate::holidays::of_rotation(
        store,
        id,
        from.to_zoned(zone.clone()).date(),
        to.to_zoned(zone.clone()).date(),
    )
    .await?
    .into_iter()
    .map(|h| h.date)
    .collect();
    let checked = health::check(&HealthInput {
        zone,
        from,
        to,
        spans: &spans,
        members: &members,
        incidents: &incidents,
        holidays: &holidays,
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
