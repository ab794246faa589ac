//! Proposing a rotation's next weeks with the fair rotation generator (issue 9, item 7):
//! the rotation's own shifts over the horizon, each weighted by how hard it is to carry
//! (night and weekend hours weigh more), everyone's load carried over from the last
//! quarter, and `aftercare-rotation`'s solver for the fairest assignment that keeps the
//! rules, nobody given a shift that meets their time off. A lead reviews the proposal
//! (each person's load before and after) and accepts it, which puts it on the rotation
//! as overrides; or discards it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_rotation::instance::{Instance, Person, Rules, Shift, Span, WEIGHT_SCALE};
use aftercare_rotation::{SolveOptions, Status, solve};
use aftercare_store::{
    NewOverride, NewPlan, NewShadowShift, PersonId, PlanId, RotationId, Store, StoredPlan,
};

use crate::error::{AppError, Result};
use crate::incidents::ts as at;
use crate::people::audit;
use crate::policy::Actor;
use crate::rotations::{RotationMember, model, names, schedule_over, visible};

/// The horizon asked for: 13 weeks (a quarter) unless said, at most 53 (a year).
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    #[serde(default)]
    pub weeks: Option<u32>,
}

pub const DEFAULT_WEEKS: u32 = 13;
pub const MAX_WEEKS: u32 = 53;

/// How long the generator may search. The answer comes within this plus the time to
/// store it, so a page asking for a proposal answers in well under ten seconds.
pub const SEARCH_SECONDS: u64 = 4;

/// Extra weight of an hour on call at night (22:00 to 08:00 in the rotation's zone) and
/// at the weekend, on top of 1 for any hour: Aftercare's default team policy, matching
/// the night window of rotation health.
const NIGHT_EXTRA: f64 = 0.5;
const WEEKEND_EXTRA: f64 = 0.5;
/// Extra weight of an hour on a public holiday of the calendar the rotation follows.
const HOLIDAY_EXTRA: f64 = 0.5;

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ProposedShift {
    pub start: Timestamp,
    pub end: Timestamp,
    /// The shift's weight: 1 is an average shift of this rotation.
    pub weight: f64,
    pub person: RotationMember,
    /// Whom the schedule has there now.
    pub now: Option<RotationMember>,
    /// A newcomer who shadows this shift before carrying the pager themself.
    pub shadow: Option<RotationMember>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct LoadView {
    pub person: RotationMember,
    /// Load carried over from the last quarter, in average shifts.
    pub before: f64,
    /// That plus the proposal's shifts.
    pub after: f64,
    pub shifts: usize,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ProposalView {
    pub id: PlanId,
    pub rotation_id: RotationId,
    /// `proposed`, `accepted` or `discarded`.
    pub status: String,
    pub from: Timestamp,
    pub to: Timestamp,
    /// The generator's verdict: `optimal`, `feasible`, `infeasible` or `unknown`.
    pub solver: String,
    /// Highest load minus lowest, after the proposal.
    pub spread: Option<f64>,
    /// A proven lower bound on the spread, when the generator found one.
    pub bound: Option<f64>,
    /// Why there is no schedule, naming the shift or person.
    pub reason: Option<String>,
    pub loads: Vec<LoadView>,
    pub shifts: Vec<ProposedShift>,
    pub proposed_by: Option<RotationMember>,
    pub proposed_at: Timestamp,
    pub decided_by: Option<RotationMember>,
    pub decided_at: Option<Timestamp>,
}

/// What is kept of a proposal: people as ids, instants as milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Body {
    solver: String,
    spread: Option<f64>,
    bound: Option<f64>,
    reason: Option<String>,
    /// (start, end, weight, person)
    shifts: Vec<(i64, i64, f64, i64)>,
    /// (person, before, after, shifts)
    loads: Vec<(i64, f64, f64, usize)>,
    /// (start, end, newcomer) of each shadow shift planned; absent in older proposals.
    #[serde(default)]
    shadows: Vec<(i64, i64, i64)>,
}

/// The weight of `[start, end)`: its hours, night, weekend and public-holiday hours
/// counting extra, in half-hour steps (shifts hand off on the hour or half hour).
fn hours_weight(
    zone: &TimeZone,
    holidays: &HashSet<jiff::civil::Date>,
    start: Timestamp,
    end: Timestamp,
) -> f64 {
    let step = SignedDuration::from_mins(30);
    let mut t = start;
    let mut w = 0.0;
    while t < end {
        let next = (t + step).min(end);
        let part = next.duration_since(t).as_secs_f64() / 3600.0;
        let local = t.to_zoned(zone.clone());
        let hour = local.hour();
        let night = !(8..22).contains(&hour);
        let weekend = matches!(
            local.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        );
        let holiday = holidays.contains(&local.date());
        w += part
            * (1.0
                + if night { NIGHT_EXTRA } else { 0.0 }
                + if weekend { WEEKEND_EXTRA } else { 0.0 }
                + if holiday { HOLIDAY_EXTRA } else { 0.0 });
        t = next;
    }
    w
}

fn member(names: &HashMap<PersonId, String>, p: PersonId) -> RotationMember {
    RotationMember {
        person_id: p,
        name: names.get(&p).cloned().unwrap_or_default(),
    }
}

/// Asks the generator for the rotation's next `weeks` (its leads and admins) and keeps
/// the answer as a proposal. An answer with no schedule (the rules cannot all be met)
/// is kept too, with its reason, so the lead sees why.
pub async fn propose(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    input: &ProposeInput,
) -> Result<ProposalView> {
    let r = visible(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "propose a rotation's schedule")?;
    let weeks = input.weeks.unwrap_or(DEFAULT_WEEKS);
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(AppError::invalid(
            "weeks",
            format!("must be 1 to {MAX_WEEKS} (a year)"),
        ));
    }
    let rotation = model(&r)?;
    let zone = TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone: {e}")))?;
    let now = Timestamp::now();
    // From the next handoff (or the first, before the rotation starts).
    let from = match rotation.turn_at(now) {
        Some(t) => t.end,
        None => rotation.starts_at().unwrap_or(now),
    };
    let to = from + SignedDuration::from_hours(24 * 7 * i64::from(weeks));
    let turns: Vec<_> = rotation
        .turns(from, to)
        .into_iter()
        .filter(|t| t.start >= from)
        .collect();
    if turns.is_empty() {
        return Err(AppError::invalid("weeks", "the horizon holds no shift"));
    }
    // The carry-over looks back 13 weeks: the holidays of that span and the horizon.
    let back = from - SignedDuration::from_hours(24 * 7 * 13);
    let holidays: HashSet<jiff::civil::Date> = crate::holidays::of_rotation(
        store,
        id,
        back.to_zoned(zone.clone()).date(),
        to.to_zoned(zone.clone()).date(),
    )
    .await?
    .into_iter()
    .map(|h| h.date)
    .collect();
    let raw: Vec<f64> = turns
        .iter()
        .map(|t| hours_weight(&zone, &holidays, t.start, t.end))
        .collect();
    // One unit is this horizon's average shift, so loads read as "shifts".
    let unit = raw.iter().sum::<f64>() / raw.len() as f64;
    let unit = if unit > 0.0 { unit } else { 1.0 };
    // Carry-over: what each member carried over the 13 weeks before the horizon,
    // overrides included (the rest of the current shift counts as carried).
    let (past, _) = schedule_over(store, &r, back, from).await?;
    let mut prior: HashMap<i64, f64> = HashMap::new();
    let spans = past.spans(back, from);
    for span in &spans {
        *prior.entry(span.member).or_default() +=
            hours_weight(&zone, &holidays, span.start, span.end) / unit;
    }
    // Whoever hands over at the start of the horizon does not take its first shift too.
    let handing_over = spans
        .last()
        .filter(|s| s.end == from && r.members.len() > 1)
        .map(|s| s.member);
    let first_end = turns[0].end;
    // Newcomers who have not shadowed yet shadow first; the generator plans when.
    let newcomers = crate::newcomers::facts(store, id, Timestamp::now()).await?;
    let unshadowed = |p: &PersonId| {
        newcomers
            .get(p)
            .is_some_and(|&(_, done)| done < crate::newcomers::SHADOW_BEFORE_PRIMARY)
    };
    let any_unshadowed = r.members.iter().any(unshadowed);
    let away = crate::time_off::unavailable(store, &r.members, from, to).await?;
    let milli = |x: f64| ((x * WEIGHT_SCALE as f64).round() as i64).clamp(0, 10 * WEIGHT_SCALE);
    let local = |t: Timestamp| {
        t.to_zoned(zone.clone())
            .strftime("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let instance = Instance {
        timezone: r.rotation.time_zone.clone(),
        name: Some(r.rotation.name.clone()),
        shifts: turns
            .iter()
            .zip(&raw)
            .enumerate()
            .map(|(i, (t, w))| Shift {
                id: format!("s{i}"),
                start_local: local(t.start),
                end_local: local(t.end),
                start: t.start,
                end: t.end,
                weight_milli: milli(w / unit),
            })
            .collect(),
        people: r
            .members
            .iter()
            .map(|p| Person {
                id: p.0.to_string(),
                unavailable: away
                    .get(p)
                    .into_iter()
                    .flatten()
                    .map(|&(start, end)| Span { start, end })
                    .chain((handing_over == Some(p.0)).then_some(Span {
                        start: from,
                        end: first_end,
                    }))
                    .collect(),
                prior_milli: (prior.get(&p.0).copied().unwrap_or(0.0) * WEIGHT_SCALE as f64).round()
                    as i64,
                capacity_pct: 100,
                newcomer: unshadowed(p),
            })
            .collect(),
        rules: Rules {
            // Nobody carries two shifts in a row when anyone else can.
            min_rest_shifts: usize::from(r.members.len() > 1),
            newcomer_shadow_shifts: if any_unshadowed {
                crate::newcomers::SHADOW_BEFORE_PRIMARY
            } else {
                0
            },
        },
    };
    let solution = tokio::task::spawn_blocking(move || {
        solve(
            &instance,
            &SolveOptions {
                time_limit: Duration::from_secs(SEARCH_SECONDS),
                seed: 1,
            },
        )
    })
    .await
    .map_err(|e| AppError::Internal(format!("the generator stopped: {e}")))?;
    let by_shift: HashMap<&str, i64> = solution
        .assignments
        .iter()
        .filter_map(|a| Some((a.shift.as_str(), a.primary.parse::<i64>().ok()?)))
        .collect();
    let shadow_of: HashMap<&str, i64> = solution
        .assignments
        .iter()
        .filter_map(|a| Some((a.shift.as_str(), a.shadow.as_deref()?.parse::<i64>().ok()?)))
        .collect();
    let shadows: Vec<(i64, i64, i64)> = turns
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let who = shadow_of.get(format!("s{i}").as_str())?;
            Some((t.start.as_millisecond(), t.end.as_millisecond(), *who))
        })
        .collect();
    let shifts: Vec<(i64, i64, f64, i64)> = turns
        .iter()
        .zip(&raw)
        .enumerate()
        .filter_map(|(i, (t, w))| {
            let who = by_shift.get(format!("s{i}").as_str())?;
            Some((
                t.start.as_millisecond(),
                t.end.as_millisecond(),
                (w / unit * 1000.0).round() / 1000.0,
                *who,
            ))
        })
        .collect();
    let loads = solution
        .loads
        .iter()
        .filter_map(|l| {
            Some((
                l.person.parse::<i64>().ok()?,
                l.before,
                l.after,
                l.primary_shifts,
            ))
        })
        .collect();
    let verdict = match solution.status {
        Status::Optimal => "optimal",
        Status::Feasible => "feasible",
        Status::Infeasible => "infeasible",
        Status::Unknown => "unknown",
    };
    let body = Body {
        solver: verdict.to_string(),
        spread: solution.spread,
        bound: solution.bound,
        reason: solution.reason.clone(),
        shifts,
        loads,
        shadows,
    };
    let text = serde_json::to_string(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    let stored = store
        .create_plan(&NewPlan {
            rotation_id: id,
            starts_at: from.as_millisecond(),
            ends_at: to.as_millisecond(),
            body: text,
            created_by: actor.person_id(),
        })
        .await?;
    audit(
        store,
        actor,
        "rotation.propose",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!("{weeks} weeks from {from}: {verdict}"),
    )
    .await?;
    view(store, &stored).await
}

async fn view(store: &Store, p: &StoredPlan) -> Result<ProposalView> {
    let body: Body = serde_json::from_str(&p.body)
        .map_err(|e| AppError::Internal(format!("stored proposal {}: {e}", p.id)))?;
    let names = names(store).await?;
    let r = store
        .rotation(p.rotation_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rotation {}", p.rotation_id)))?;
    let (now_schedule, _) = schedule_over(store, &r, at(p.starts_at), at(p.ends_at)).await?;
    Ok(ProposalView {
        id: p.id,
        rotation_id: p.rotation_id,
        status: p.status.clone(),
        from: at(p.starts_at),
        to: at(p.ends_at),
        solver: body.solver,
        spread: body.spread,
        bound: body.bound,
        reason: body.reason,
        loads: body
            .loads
            .iter()
            .map(|&(person, before, after, shifts)| LoadView {
                person: member(&names, PersonId(person)),
                before,
                after,
                shifts,
            })
            .collect(),
        shifts: body
            .shifts
            .iter()
            .map(|&(start, end, weight, person)| ProposedShift {
                start: at(start),
                end: at(end),
                weight,
                person: member(&names, PersonId(person)),
                now: now_schedule
                    .on_call(at(start))
                    .map(|(m, _)| member(&names, PersonId(m))),
                shadow: body
                    .shadows
                    .iter()
                    .find(|&&(s, e, _)| s == start && e == end)
                    .map(|&(_, _, who)| member(&names, PersonId(who))),
            })
            .collect(),
        proposed_by: p.created_by.map(|x| member(&names, x)),
        proposed_at: at(p.created_at),
        decided_by: p.decided_by.map(|x| member(&names, x)),
        decided_at: p.decided_at.map(at),
    })
}

async fn plan_of(
    store: &Store,
    actor: &Actor,
    id: PlanId,
) -> Result<(StoredPlan, aftercare_store::RotationWithMembers)> {
    let p = store
        .plan(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("proposal {id}")))?;
    let r = visible(store, actor, p.rotation_id).await?;
    Ok((p, r))
}

/// One proposal (the rotation's team and admins).
pub async fn get(store: &Store, actor: &Actor, id: PlanId) -> Result<ProposalView> {
    let (p, _) = plan_of(store, actor, id).await?;
    view(store, &p).await
}

/// A rotation's proposals, newest first.
pub async fn of_rotation(
    store: &Store,
    actor: &Actor,
    id: RotationId,
) -> Result<Vec<ProposalView>> {
    visible(store, actor, id).await?;
    let mut out = Vec::new();
    for p in store.rotation_plans(id).await? {
        out.push(view(store, &p).await?);
    }
    Ok(out)
}

/// Accepts a proposal: its shifts go on the rotation as overrides (consecutive shifts of
/// one person as one), replacing an earlier accepted plan's over the same span. Cover
/// and overrides people arranged by hand still win over it where they overlap.
pub async fn accept(store: &Store, actor: &Actor, id: PlanId) -> Result<ProposalView> {
    let (p, r) = plan_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "accept a proposed schedule")?;
    if p.status != "proposed" {
        return Err(AppError::Conflict(format!(
            "proposal {id} was already {}",
            p.status
        )));
    }
    let body: Body = serde_json::from_str(&p.body)
        .map_err(|e| AppError::Internal(format!("stored proposal {id}: {e}")))?;
    if body.shifts.is_empty() {
        return Err(AppError::Conflict(format!(
            "proposal {id} has no schedule to apply: {}",
            body.reason.as_deref().unwrap_or("the generator found none")
        )));
    }
    let rotation = model(&r)?;
    let mut overrides: Vec<NewOverride> = Vec::new();
    for &(start, end, _, person) in &body.shifts {
        match overrides.last_mut() {
            Some(last) if last.person_id.0 == person && last.ends_at == start => last.ends_at = end,
            _ => overrides.push(NewOverride {
                rotation_id: r.rotation.id,
                person_id: PersonId(person),
                starts_at: start,
                ends_at: end,
                replaces: rotation.turn_at(at(start)).map(|t| PersonId(t.member)),
                note: format!("fair schedule, proposal {id}"),
                created_by: actor.person_id(),
            }),
        }
    }
    // The shadow shifts it plans, for whoever is still new now.
    let newcomers = crate::newcomers::facts(store, r.rotation.id, Timestamp::now()).await?;
    let shadows: Vec<NewShadowShift> = body
        .shadows
        .iter()
        .filter_map(|&(start, end, who)| {
            Some(NewShadowShift {
                newcomer_id: newcomers.get(&PersonId(who))?.0,
                starts_at: start,
                ends_at: end,
            })
        })
        .collect();
    if !store
        .accept_plan(id, actor.person_id(), &overrides, &shadows)
        .await?
    {
        return Err(AppError::Conflict(format!(
            "proposal {id} was already decided"
        )));
    }
    audit(
        store,
        actor,
        "rotation.accept_proposal",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!(
            "proposal {id}: {} overrides, {} shadow shifts",
            overrides.len(),
            shadows.len()
        ),
    )
    .await?;
    get(store, actor, id).await
}

/// Discards a proposal (the rotation's leads and admins).
pub async fn discard(store: &Store, actor: &Actor, id: PlanId) -> Result<ProposalView> {
    let (p, r) = plan_of(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "discard a proposed schedule")?;
    if !store.discard_plan(id, actor.person_id()).await? {
        return Err(AppError::Conflict(format!(
            "proposal {id} was already {}",
            p.status
        )));
    }
    audit(
        store,
        actor,
        "rotation.discard_proposal",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!("proposal {id}"),
    )
    .await?;
    get(store, actor, id).await
}
