//! Schedules (issue 9, item 1): a team's rotations stacked in layers. A layer is one of
//! the team's rotations on the primary or the secondary tier, all day or inside a daily
//! window in a zone (follow the sun: London 08:00–20:00 on top of New York for the rest).
//! Within a tier the top layer whose window holds an instant and who has someone then
//! answers; cover and overrides stay with the rotation they were made on, so they hold in
//! every schedule that uses it. Leads of the team and admins create, change and delete
//! schedules; the team's people see them. Pages that name nobody are attributed to the
//! primary of the team's schedules first, then to its rotations.

use std::collections::HashMap;

use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_oncall::{Layer, Override, Schedule, Window};
use aftercare_store::{
    NewSchedule, OverrideId, PersonId, RotationId, RotationWithMembers, ScheduleId,
    ScheduleWithLayers, Store, StoredLayer, StoredOverride, TeamId,
};

use crate::error::{AppError, Result};
use crate::integrations::team_by_name_or_id;
use crate::people::audit;
use crate::policy::Actor;
use crate::rotations::{model, names};

/// The most layers a schedule may stack.
pub const MAX_LAYERS: usize = 20;
/// The longest span `spans` answers for at once (a year and a month).
pub const MAX_SPAN_DAYS: i64 = 400;

/// One layer as given.
#[derive(utoipa::ToSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerInput {
    /// One of the team's rotations, by id.
    pub rotation: RotationId,
    /// `primary` (default) or `secondary`.
    #[serde(default)]
    pub tier: Option<String>,
    /// A daily window the layer is active in, local `HH:MM`, `[start, end)`; an end before
    /// the start wraps past midnight. Leave both out for all day.
    #[serde(default)]
    pub window_start: Option<String>,
    #[serde(default)]
    pub window_end: Option<String>,
    /// The window's IANA zone; default: the rotation's zone.
    #[serde(default)]
    pub window_zone: Option<String>,
}

/// A schedule as created or replaced: layers bottom first (a later layer is on top).
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    /// The team's name or id.
    pub team: String,
    pub name: String,
    pub layers: Vec<LayerInput>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct LayerView {
    /// 0 is the bottom layer.
    pub position: usize,
    pub tier: String,
    pub rotation_id: RotationId,
    pub rotation_name: String,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub window_zone: Option<String>,
}

/// Who one tier has on call at an instant, and which layer put them there.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TierOnCall {
    pub person_id: PersonId,
    pub name: String,
    /// This stretch: the layer's shift or override, cut where the answer changes.
    pub shift_start: Timestamp,
    pub shift_end: Timestamp,
    /// The layer's position in the schedule.
    pub layer: usize,
    pub rotation_id: RotationId,
    pub rotation_name: String,
    /// The rotation's override (cover) that put them there, if one did.
    pub override_id: Option<OverrideId>,
}

/// A schedule's answer for `at`: each tier's person, or `null` where no layer has anyone.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ScheduleOnCall {
    pub schedule_id: ScheduleId,
    pub at: Timestamp,
    pub primary: Option<TierOnCall>,
    pub secondary: Option<TierOnCall>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ScheduleView {
    pub id: ScheduleId,
    pub team_id: TeamId,
    pub name: String,
    pub layers: Vec<LayerView>,
    pub on_call_now: ScheduleOnCall,
}

/// One stretch of a tier over a period.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ScheduleSpan {
    pub tier: String,
    pub person_id: PersonId,
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub layer: usize,
    pub rotation_name: String,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ScheduleSpans {
    pub schedule_id: ScheduleId,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Consecutive stretches, primary tier first, each in time order.
    pub spans: Vec<ScheduleSpan>,
}

const TIERS: [&str; 2] = ["primary", "secondary"];

fn parse_time(field: &str, text: &str) -> Result<Time> {
    text.trim().parse::<Time>().map_err(|_| {
        AppError::invalid(
            field,
            format!("{:?} is not a time of day like 08:00", text.trim()),
        )
    })
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

async fn validated(store: &Store, input: &ScheduleInput) -> Result<NewSchedule> {
    let team = team_by_name_or_id(store, &input.team).await?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "is required: what the team calls this schedule",
        ));
    }
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "must be at most 100 characters, with no control characters",
        ));
    }
    if input.layers.is_empty() {
        return Err(AppError::invalid(
            "layers",
            "needs at least one layer: a rotation of the team",
        ));
    }
    if input.layers.len() > MAX_LAYERS {
        return Err(AppError::invalid(
            "layers",
            format!("may hold at most {MAX_LAYERS} layers"),
        ));
    }
    let rotations: HashMap<RotationId, RotationWithMembers> = store
        .team_rotations(team.id)
        .await?
        .into_iter()
        .map(|r| (r.rotation.id, r))
        .collect();
    let mut layers = Vec::with_capacity(input.layers.len());
    for (i, l) in input.layers.iter().enumerate() {
        let field = |f: &str| format!("layers[{i}].{f}");
        let Some(r) = rotations.get(&l.rotation) else {
            return Err(AppError::invalid(
                field("rotation"),
                format!(
                    "rotation {} is not one of team {:?}'s rotations",
                    l.rotation, team.name
                ),
            ));
        };
        let tier = blank(&l.tier).unwrap_or("primary");
        if !TIERS.contains(&tier) {
            return Err(AppError::invalid(
                field("tier"),
                format!("{tier:?} is not a tier: primary or secondary"),
            ));
        }
        let (window_start, window_end, window_zone) =
            match (blank(&l.window_start), blank(&l.window_end)) {
                (None, None) => {
                    if blank(&l.window_zone).is_some() {
                        return Err(AppError::invalid(
                            field("window_zone"),
                            "is only for a window: give window_start and window_end too",
                        ));
                    }
                    (None, None, None)
                }
                (Some(_), None) => {
                    return Err(AppError::invalid(
                        field("window_end"),
                        "is required with window_start (or leave both out for all day)",
                    ));
                }
                (None, Some(_)) => {
                    return Err(AppError::invalid(
                        field("window_start"),
                        "is required with window_end (or leave both out for all day)",
                    ));
                }
                (Some(s), Some(e)) => {
                    let start = parse_time(&field("window_start"), s)?;
                    let end = parse_time(&field("window_end"), e)?;
                    if start == end {
                        return Err(AppError::invalid(
                            field("window_end"),
                            "must differ from window_start (leave both out for all day)",
                        ));
                    }
                    let zone = blank(&l.window_zone).unwrap_or(&r.rotation.time_zone);
                    let zone = crate::validate::time_zone(zone)
                        .map_err(|e| AppError::invalid(field("window_zone"), e.reason))?;
                    (
                        Some(start.strftime("%H:%M").to_string()),
                        Some(end.strftime("%H:%M").to_string()),
                        Some(zone),
                    )
                }
            };
        layers.push(StoredLayer {
            tier: tier.to_string(),
            rotation_id: l.rotation,
            window_start,
            window_end,
            window_zone,
        });
    }
    if !layers.iter().any(|l| l.tier == "primary") {
        return Err(AppError::invalid(
            "layers",
            "needs at least one primary layer",
        ));
    }
    Ok(NewSchedule {
        team_id: team.id,
        name: name.to_string(),
        layers,
    })
}

/// The schedule's layers as stored, each with its rotation (a layer whose rotation has
/// gone is already gone: the store cascades).
struct Loaded {
    layers: Vec<(StoredLayer, RotationWithMembers)>,
}

async fn load(store: &Store, s: &ScheduleWithLayers) -> Result<Loaded> {
    let mut layers = Vec::with_capacity(s.layers.len());
    for l in &s.layers {
        if let Some(r) = store.rotation(l.rotation_id).await? {
            layers.push((l.clone(), r));
        }
    }
    Ok(Loaded { layers })
}

/// One tier as an `aftercare-oncall` schedule, exact for instants in `[from, to)`, with
/// the schedule position of each of its layers and the overrides loaded for each.
struct Tier {
    schedule: Schedule,
    positions: Vec<usize>,
    stored: Vec<Vec<StoredOverride>>,
}

fn window_of(l: &StoredLayer) -> Result<Option<Window>> {
    let (Some(s), Some(e), Some(z)) = (&l.window_start, &l.window_end, &l.window_zone) else {
        return Ok(None);
    };
    let bad = |what: &str| AppError::Internal(format!("stored layer window: {what}"));
    let zone = TimeZone::get(z).map_err(|_| bad(z))?;
    let start = s.parse::<Time>().map_err(|_| bad(s))?;
    let end = e.parse::<Time>().map_err(|_| bad(e))?;
    Window::new(zone, start, end)
        .map(Some)
        .map_err(|e| AppError::Internal(format!("stored layer window: {e}")))
}

async fn tier_over(
    store: &Store,
    loaded: &Loaded,
    tier: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Tier> {
    let mut out = Tier {
        schedule: Schedule::default(),
        positions: Vec::new(),
        stored: Vec::new(),
    };
    for (position, (l, r)) in loaded.layers.iter().enumerate() {
        if l.tier != tier {
            continue;
        }
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
        out.schedule.layers.push(Layer {
            name: r.rotation.name.clone(),
            rotation: model(r)?,
            window: window_of(l)?,
            overrides,
        });
        out.positions.push(position);
        out.stored.push(stored);
    }
    Ok(out)
}

/// The span around `at` that the stretch holding it can reach: every layer's shift at
/// `at`, widened by any override holding `at` (so its whole stretch is known).
async fn reach_around(
    store: &Store,
    loaded: &Loaded,
    at: Timestamp,
) -> Result<(Timestamp, Timestamp)> {
    let mut lo = at;
    let mut hi = at + SignedDuration::from_millis(1);
    for (_, r) in &loaded.layers {
        if let Some(turn) = model(r)?.turn_at(at) {
            lo = lo.min(turn.start);
            hi = hi.max(turn.end);
        }
        let ms = at.as_millisecond();
        for o in store.rotation_overrides(r.rotation.id, ms, ms + 1).await? {
            lo = lo.min(Timestamp::from_millisecond(o.starts_at).unwrap_or(lo));
            hi = hi.max(Timestamp::from_millisecond(o.ends_at).unwrap_or(hi));
        }
    }
    Ok((lo, hi))
}

fn answer(
    tier: &Tier,
    loaded: &Loaded,
    names: &HashMap<PersonId, String>,
    at: Timestamp,
) -> Option<TierOnCall> {
    let piece = tier.schedule.piece_at(at)?;
    let i = piece.layer?;
    let position = tier.positions[i];
    let (_, r) = &loaded.layers[position];
    let ms = at.as_millisecond();
    let override_id = tier.stored[i]
        .iter()
        .rev()
        .find(|o| o.starts_at <= ms && ms < o.ends_at)
        .map(|o| o.id);
    Some(TierOnCall {
        person_id: PersonId(piece.member),
        name: names
            .get(&PersonId(piece.member))
            .cloned()
            .unwrap_or_default(),
        shift_start: piece.start,
        shift_end: piece.end,
        layer: position,
        rotation_id: r.rotation.id,
        rotation_name: r.rotation.name.clone(),
        override_id,
    })
}

async fn on_call_in(
    store: &Store,
    s: &ScheduleWithLayers,
    names: &HashMap<PersonId, String>,
    at: Timestamp,
) -> Result<ScheduleOnCall> {
    let loaded = load(store, s).await?;
    let (lo, hi) = reach_around(store, &loaded, at).await?;
    let primary = tier_over(store, &loaded, "primary", lo, hi).await?;
    let secondary = tier_over(store, &loaded, "secondary", lo, hi).await?;
    Ok(ScheduleOnCall {
        schedule_id: s.schedule.id,
        at,
        primary: answer(&primary, &loaded, names, at),
        secondary: answer(&secondary, &loaded, names, at),
    })
}

async fn view(
    store: &Store,
    s: &ScheduleWithLayers,
    names: &HashMap<PersonId, String>,
) -> Result<ScheduleView> {
    let loaded = load(store, s).await?;
    let layers = loaded
        .layers
        .iter()
        .enumerate()
        .map(|(position, (l, r))| LayerView {
            position,
            tier: l.tier.clone(),
            rotation_id: r.rotation.id,
            rotation_name: r.rotation.name.clone(),
            window_start: l.window_start.clone(),
            window_end: l.window_end.clone(),
            window_zone: l.window_zone.clone(),
        })
        .collect();
    Ok(ScheduleView {
        id: s.schedule.id,
        team_id: s.schedule.team_id,
        name: s.schedule.name.clone(),
        layers,
        on_call_now: on_call_in(store, s, names, Timestamp::now()).await?,
    })
}

/// A schedule the actor may see (the team's people and admins).
async fn visible(store: &Store, actor: &Actor, id: ScheduleId) -> Result<ScheduleWithLayers> {
    let s = store
        .schedule(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("schedule {id}")))?;
    if !actor.sees_team(s.schedule.team_id) {
        return Err(AppError::Forbidden(format!(
            "schedule {id} is visible to its team's people and admins"
        )));
    }
    Ok(s)
}

fn summary(s: &NewSchedule) -> String {
    let layers: Vec<String> = s
        .layers
        .iter()
        .map(|l| match (&l.window_start, &l.window_end, &l.window_zone) {
            (Some(a), Some(b), Some(z)) => {
                format!("{} rotation {} {a}-{b} {z}", l.tier, l.rotation_id)
            }
            _ => format!("{} rotation {}", l.tier, l.rotation_id),
        })
        .collect();
    layers.join("; ")
}

pub async fn create(store: &Store, actor: &Actor, input: &ScheduleInput) -> Result<ScheduleView> {
    let team = team_by_name_or_id(store, &input.team).await?;
    actor.lead(team.id, "create its schedules")?;
    let new = validated(store, input).await?;
    let made = store.create_schedule(&new).await?;
    audit(
        store,
        actor,
        "schedule.create",
        Some(team.id),
        &new.name,
        &summary(&new),
    )
    .await?;
    view(store, &made, &names(store).await?).await
}

/// Replaces a schedule's name and layers (it stays with its team).
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: ScheduleId,
    input: &ScheduleInput,
) -> Result<ScheduleView> {
    let s = visible(store, actor, id).await?;
    actor.lead(s.schedule.team_id, "change its schedules")?;
    let new = validated(store, input).await?;
    if new.team_id != s.schedule.team_id {
        return Err(AppError::invalid(
            "team",
            "a schedule stays with its team: create a new one for another team",
        ));
    }
    let changed = store
        .update_schedule(id, &new)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("schedule {id}")))?;
    audit(
        store,
        actor,
        "schedule.update",
        Some(new.team_id),
        &new.name,
        &summary(&new),
    )
    .await?;
    view(store, &changed, &names(store).await?).await
}

pub async fn delete(store: &Store, actor: &Actor, id: ScheduleId) -> Result<()> {
    let s = visible(store, actor, id).await?;
    actor.lead(s.schedule.team_id, "delete its schedules")?;
    if !store.delete_schedule(id).await? {
        return Err(AppError::NotFound(format!("schedule {id}")));
    }
    audit(
        store,
        actor,
        "schedule.delete",
        Some(s.schedule.team_id),
        &s.schedule.name,
        "",
    )
    .await?;
    Ok(())
}

pub async fn get(store: &Store, actor: &Actor, id: ScheduleId) -> Result<ScheduleView> {
    let s = visible(store, actor, id).await?;
    view(store, &s, &names(store).await?).await
}

pub async fn of_team(store: &Store, actor: &Actor, team: TeamId) -> Result<Vec<ScheduleView>> {
    let team = crate::teams::visible(store, actor, team).await?;
    let names = names(store).await?;
    let mut out = Vec::new();
    for s in store.team_schedules(team.id).await? {
        out.push(view(store, &s, &names).await?);
    }
    Ok(out)
}

/// Who the schedule has on call at `at`, on each tier.
pub async fn on_call(
    store: &Store,
    actor: &Actor,
    id: ScheduleId,
    at: Timestamp,
) -> Result<ScheduleOnCall> {
    let s = visible(store, actor, id).await?;
    on_call_in(store, &s, &names(store).await?, at).await
}

/// Every stretch of the schedule over `[from, to)`, each tier's in time order.
pub async fn spans(
    store: &Store,
    actor: &Actor,
    id: ScheduleId,
    from: Timestamp,
    to: Timestamp,
) -> Result<ScheduleSpans> {
    let s = visible(store, actor, id).await?;
    if to <= from {
        return Err(AppError::invalid("to", "must be after from"));
    }
    if to.duration_since(from) > SignedDuration::from_hours(24 * MAX_SPAN_DAYS) {
        return Err(AppError::invalid(
            "to",
            format!("must be at most {MAX_SPAN_DAYS} days after from"),
        ));
    }
    let loaded = load(store, &s).await?;
    let names = names(store).await?;
    let mut spans = Vec::new();
    for tier_name in TIERS {
        let tier = tier_over(store, &loaded, tier_name, from, to).await?;
        for piece in tier.schedule.spans(from, to) {
            let Some(i) = piece.layer else { continue };
            let position = tier.positions[i];
            spans.push(ScheduleSpan {
                tier: tier_name.to_string(),
                person_id: PersonId(piece.member),
                name: names
                    .get(&PersonId(piece.member))
                    .cloned()
                    .unwrap_or_default(),
                start: piece.start,
                end: piece.end,
                layer: position,
                rotation_name: loaded.layers[position].1.rotation.name.clone(),
            });
        }
    }
    Ok(ScheduleSpans {
        schedule_id: id,
        from,
        to,
        spans,
    })
}

/// A schedule by its team's name for it, or by id (for the command line).
pub async fn named(store: &Store, team: TeamId, name_or_id: &str) -> Result<ScheduleId> {
    let all = store.team_schedules(team).await?;
    all.iter()
        .find(|s| s.schedule.name == name_or_id)
        .or_else(|| {
            name_or_id
                .parse::<i64>()
                .ok()
                .and_then(|n| all.iter().find(|s| s.schedule.id.0 == n))
        })
        .map(|s| s.schedule.id)
        .ok_or_else(|| AppError::NotFound(format!("schedule {name_or_id:?} in this team")))
}

/// Whom a team has on call at `at`, for a page that names nobody: the primary of the
/// first of its schedules (by name) that has someone then, else its rotations'. A
/// schedule whose stored definition no longer reads is passed over.
pub async fn on_call_for_team(
    store: &Store,
    team: TeamId,
    at: Timestamp,
) -> Result<Option<PersonId>> {
    let just_after = at + SignedDuration::from_millis(1);
    for s in store.team_schedules(team).await? {
        let Ok(loaded) = load(store, &s).await else {
            continue;
        };
        let Ok(primary) = tier_over(store, &loaded, "primary", at, just_after).await else {
            continue;
        };
        if let Some((member, _)) = primary.schedule.on_call(at) {
            return Ok(Some(PersonId(member)));
        }
    }
    crate::rotations::on_call_for_team(store, team, at).await
}
