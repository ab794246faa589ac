//! Time off (issue 9, item 3): people mark spans they cannot carry the pager (leave, a
//! family event, an appointment). Only the person adds, changes and removes their own,
//! and only they read its note; the team sees the span and its kind, so the rotation
//! can warn ahead of time when a shift collides with it, say who could cover, and the
//! generator can plan around it.

use std::collections::HashMap;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_store::{NewTimeOff, PersonId, RotationId, Store, StoredTimeOff, TeamId, TimeOffId};

use crate::error::{AppError, Result};
use crate::incidents::ts as at;
use crate::policy::Actor;
use crate::rotations::{RotationMember, names, schedule_over, visible};

pub const KINDS: [&str; 4] = ["leave", "family", "appointment", "other"];

/// How far ahead the rotation page warns of collisions: 12 weeks.
pub const COLLISION_WEEKS: i64 = 12;

/// The longest span one entry may cover: a year.
const MAX_DAYS: i64 = 366;

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeOffInput {
    /// From: a date (`2027-07-01`, from its start), a local date and time in your own
    /// zone (`2027-07-01T14:00`), or an RFC 3339 instant.
    pub start: String,
    /// Until: a date (`2027-07-14`, to its end: the day is included), or as `start`.
    pub end: String,
    /// `leave`, `family`, `appointment` or `other`.
    pub kind: String,
    /// For you alone: teammates see the span and its kind, never this.
    #[serde(default)]
    pub note: Option<String>,
}

/// One's own entry, note included.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct OwnTimeOff {
    pub id: TimeOffId,
    pub start: Timestamp,
    pub end: Timestamp,
    pub kind: String,
    pub note: String,
}

/// A teammate's entry as the team sees it: who, when, what kind; no note.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct Away {
    pub person: RotationMember,
    pub start: Timestamp,
    pub end: Timestamp,
    pub kind: String,
}

/// A shift ahead that collides with its person's time off, and who could cover it.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct Collision {
    pub person: RotationMember,
    pub shift_start: Timestamp,
    pub shift_end: Timestamp,
    pub away_start: Timestamp,
    pub away_end: Timestamp,
    pub kind: String,
    /// Members free then and not on call just before or after, least on call in the
    /// coming weeks first (at most three).
    pub could_cover: Vec<RotationMember>,
}

/// Reads `start` or `end` as a date, a local date-time in `zone`, or an instant; a date
/// as an end means the end of that day.
fn when(zone: &TimeZone, field: &str, text: &str, is_end: bool) -> Result<Timestamp> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    // A bare date would read as a date-time at midnight too: tell them apart first.
    let has_time = t.contains(['T', 't', ' ']);
    if has_time && let Ok(local) = t.parse::<DateTime>() {
        return aftercare_oncall::local_instant(zone, local)
            .ok_or_else(|| AppError::invalid(field, "is out of range"));
    }
    let day: Date = t.parse().map_err(|_| {
        AppError::invalid(
            field,
            format!(
                "{t:?} is not a date (2027-07-01), a local time (2027-07-01T14:00) or an instant"
            ),
        )
    })?;
    let day = if is_end {
        day.tomorrow()
            .map_err(|_| AppError::invalid(field, "is out of range"))?
    } else {
        day
    };
    aftercare_oncall::local_instant(zone, day.to_datetime(jiff::civil::Time::midnight()))
        .ok_or_else(|| AppError::invalid(field, "is out of range"))
}

fn checked(
    zone: &TimeZone,
    input: &TimeOffInput,
) -> Result<(Timestamp, Timestamp, String, String)> {
    let kind = input.kind.trim().to_lowercase();
    if !KINDS.contains(&kind.as_str()) {
        return Err(AppError::invalid(
            "kind",
            format!("{:?} is not one of {}", input.kind.trim(), KINDS.join(", ")),
        ));
    }
    let start = when(zone, "start", &input.start, false)?;
    let end = when(zone, "end", &input.end, true)?;
    if end <= start {
        return Err(AppError::invalid("end", "must be after the start"));
    }
    if end.duration_since(start) > SignedDuration::from_hours(24 * MAX_DAYS) {
        return Err(AppError::invalid("end", "the span is longer than a year"));
    }
    let note = input.note.as_deref().unwrap_or("").trim().to_string();
    if note.chars().count() > 500 {
        return Err(AppError::invalid("note", "must be at most 500 characters"));
    }
    Ok((start, end, kind, note))
}

fn own(t: &StoredTimeOff) -> OwnTimeOff {
    OwnTimeOff {
        id: t.id,
        start: at(t.starts_at),
        end: at(t.ends_at),
        kind: t.kind.clone(),
        note: t.note.clone(),
    }
}

async fn me(store: &Store, actor: &Actor) -> Result<(PersonId, TimeZone)> {
    let owner = actor.owner()?;
    let person = store
        .person(owner.person_id())
        .await?
        .ok_or_else(|| AppError::NotFound("your person".into()))?;
    Ok((person.id, person.hours.time_zone.clone()))
}

/// Adds the caller's own time off.
pub async fn add(store: &Store, actor: &Actor, input: &TimeOffInput) -> Result<OwnTimeOff> {
    let (person, zone) = me(store, actor).await?;
    let (start, end, kind, note) = checked(&zone, input)?;
    let made = store
        .add_time_off(&NewTimeOff {
            person_id: person,
            starts_at: start.as_millisecond(),
            ends_at: end.as_millisecond(),
            kind,
            note,
        })
        .await?;
    Ok(own(&made))
}

async fn mine(store: &Store, actor: &Actor, id: TimeOffId) -> Result<(PersonId, TimeZone)> {
    let (person, zone) = me(store, actor).await?;
    match store.time_off_entry(id).await? {
        Some(t) if t.person_id == person => Ok((person, zone)),
        // Someone else's entry is as good as absent to the caller.
        _ => Err(AppError::NotFound(format!("time off {id}"))),
    }
}

pub async fn update(
    store: &Store,
    actor: &Actor,
    id: TimeOffId,
    input: &TimeOffInput,
) -> Result<OwnTimeOff> {
    let (person, zone) = mine(store, actor, id).await?;
    let (start, end, kind, note) = checked(&zone, input)?;
    let changed = store
        .update_time_off(
            id,
            &NewTimeOff {
                person_id: person,
                starts_at: start.as_millisecond(),
                ends_at: end.as_millisecond(),
                kind,
                note,
            },
        )
        .await?
        .ok_or_else(|| AppError::NotFound(format!("time off {id}")))?;
    Ok(own(&changed))
}

pub async fn remove(store: &Store, actor: &Actor, id: TimeOffId) -> Result<()> {
    mine(store, actor, id).await?;
    if !store.delete_time_off(id).await? {
        return Err(AppError::NotFound(format!("time off {id}")));
    }
    Ok(())
}

/// The caller's own entries that end after 30 days ago, soonest first.
pub async fn list_own(store: &Store, actor: &Actor) -> Result<Vec<OwnTimeOff>> {
    let (person, _) = me(store, actor).await?;
    let from = Timestamp::now() - SignedDuration::from_hours(24 * 30);
    Ok(store
        .time_off_of(&[person], from.as_millisecond(), i64::MAX)
        .await?
        .iter()
        .map(own)
        .collect())
}

/// Who in a team is away over `[from, to)`: spans and kinds, no notes (its people and
/// admins).
pub async fn team_away(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Away>> {
    crate::teams::visible(store, actor, team).await?;
    let people: Vec<PersonId> = store
        .team_members(team)
        .await?
        .iter()
        .map(|m| m.person.id)
        .collect();
    let names = names(store).await?;
    Ok(store
        .time_off_of(&people, from.as_millisecond(), to.as_millisecond())
        .await?
        .iter()
        .map(|t| Away {
            person: RotationMember {
                person_id: t.person_id,
                name: names.get(&t.person_id).cloned().unwrap_or_default(),
            },
            start: at(t.starts_at),
            end: at(t.ends_at),
            kind: t.kind.clone(),
        })
        .collect())
}

/// The members' time off overlapping `[from, to)`, as spans per person: what the
/// generator must plan around.
pub(crate) async fn unavailable(
    store: &Store,
    members: &[PersonId],
    from: Timestamp,
    to: Timestamp,
) -> Result<HashMap<PersonId, Vec<(Timestamp, Timestamp)>>> {
    let mut out: HashMap<PersonId, Vec<(Timestamp, Timestamp)>> = HashMap::new();
    for t in store
        .time_off_of(members, from.as_millisecond(), to.as_millisecond())
        .await?
    {
        out.entry(t.person_id)
            .or_default()
            .push((at(t.starts_at), at(t.ends_at)));
    }
    Ok(out)
}

/// The rotation's shifts in the next 12 weeks that collide with their person's time
/// off, overrides included, each with who could cover it.
pub async fn collisions(store: &Store, actor: &Actor, id: RotationId) -> Result<Vec<Collision>> {
    let r = visible(store, actor, id).await?;
    let now = Timestamp::now();
    let to = now + SignedDuration::from_hours(24 * 7 * COLLISION_WEEKS);
    let (schedule, _) = schedule_over(store, &r, now, to).await?;
    let spans = schedule.spans(now, to);
    let away = store
        .time_off_of(&r.members, now.as_millisecond(), to.as_millisecond())
        .await?;
    let names = names(store).await?;
    let member = |p: PersonId| RotationMember {
        person_id: p,
        name: names.get(&p).cloned().unwrap_or_default(),
    };
    let mut hours: HashMap<i64, f64> = HashMap::new();
    for s in &spans {
        *hours.entry(s.member).or_default() += s.end.duration_since(s.start).as_secs_f64() / 3600.0;
    }
    let free = |p: PersonId, a: Timestamp, b: Timestamp| {
        !away
            .iter()
            .any(|t| t.person_id == p && at(t.starts_at) < b && a < at(t.ends_at))
    };
    let mut out = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        for t in away.iter().filter(|t| {
            t.person_id.0 == s.member && at(t.starts_at) < s.end && s.start < at(t.ends_at)
        }) {
            let neighbours: Vec<i64> = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| spans.get(j).map(|n| n.member))
                .collect();
            let mut could: Vec<PersonId> = r
                .members
                .iter()
                .copied()
                .filter(|p| p.0 != s.member && !neighbours.contains(&p.0))
                .filter(|p| free(*p, s.start, s.end))
                .collect();
            could.sort_by(|a, b| {
                let ha = hours.get(&a.0).copied().unwrap_or(0.0);
                let hb = hours.get(&b.0).copied().unwrap_or(0.0);
                ha.total_cmp(&hb).then(a.cmp(b))
            });
            could.dedup();
            out.push(Collision {
                person: member(PersonId(s.member)),
                shift_start: s.start,
                shift_end: s.end,
                away_start: at(t.starts_at),
                away_end: at(t.ends_at),
                kind: t.kind.clone(),
                could_cover: could.into_iter().take(3).map(member).collect(),
            });
        }
    }
    Ok(out)
}
