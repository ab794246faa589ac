//! Rest after bad nights (issue 9, item 6). A sweep (a job, once per quarter hour across
//! every server) looks at whoever each rotation has on call: after two or more disrupted
//! nights in their current shift, it records the rest they earned (a late start on their
//! next working day, hours per night by team policy), offers the next night of their shift
//! to the rest of the rotation as a cover request, and tells them, inside their working
//! time. The person sees their rest earned and says whether they took it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use aftercare_oncall::rest::{self as rules, DEFAULT_HOURS_PER_NIGHT, NIGHTS_FOR_REST};
use aftercare_store::{
    CoverRequestId, NewCoverRequest, NewRest, RestId, RotationId, Store, StoredRest, TeamId,
};

use crate::error::{AppError, Result};
use crate::incidents::ts;
use crate::notify::{self, Message};
use crate::people::audit;
use crate::policy::Actor;

/// Where the default comes from, in words a reader can follow.
pub const DEFAULT_SOURCE: &str = "Aftercare's default team policy: 4 hours of late start per disrupted night. It is a starting point for the team to set, not a figure from research; Google's Site Reliability Engineering (ch. 11) asks only that on-call load leave people time to recover.";

/// How often the sweep runs: once per this many minutes, whichever server gets it.
pub const SWEEP_MINUTES: i64 = 15;

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct RestPolicyView {
    pub team_id: TeamId,
    pub hours_per_night: f64,
    pub enabled: bool,
    /// Whether the team set it (otherwise these are the defaults).
    pub set_by_team: bool,
    pub source: String,
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestPolicyInput {
    /// Hours of late start per disrupted night: 0 to 12, in quarter hours.
    pub hours_per_night: f64,
    /// Whether rest is offered at all.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

async fn policy_of(store: &Store, team: TeamId) -> Result<RestPolicyView> {
    Ok(match store.rest_policy(team).await? {
        Some(p) => RestPolicyView {
            team_id: team,
            hours_per_night: f64::from(p.minutes_per_night) / 60.0,
            enabled: p.enabled,
            set_by_team: true,
            source: "Set by the team.".into(),
        },
        None => RestPolicyView {
            team_id: team,
            hours_per_night: DEFAULT_HOURS_PER_NIGHT,
            enabled: true,
            set_by_team: false,
            source: DEFAULT_SOURCE.into(),
        },
    })
}

/// A team's rest policy (its people and admins).
pub async fn policy(store: &Store, actor: &Actor, team: TeamId) -> Result<RestPolicyView> {
    crate::teams::visible(store, actor, team).await?;
    policy_of(store, team).await
}

/// Sets a team's rest policy (its leads and admins).
pub async fn set_policy(
    store: &Store,
    actor: &Actor,
    team: TeamId,
    input: &RestPolicyInput,
) -> Result<RestPolicyView> {
    let t = crate::teams::visible(store, actor, team).await?;
    actor.lead(team, "set its rest policy")?;
    let h = input.hours_per_night;
    if !h.is_finite() || !(0.0..=12.0).contains(&h) {
        return Err(AppError::invalid(
            "hours_per_night",
            "must be 0 to 12 hours",
        ));
    }
    let minutes = (h * 60.0).round();
    if (minutes % 15.0).abs() > f64::EPSILON {
        return Err(AppError::invalid(
            "hours_per_night",
            "must be whole quarter hours (0.25, 0.5, ...)",
        ));
    }
    store
        .set_rest_policy(team, minutes as i32, input.enabled)
        .await?;
    audit(
        store,
        actor,
        "rest.policy",
        Some(team),
        &t.name,
        &format!(
            "{h} hours per disrupted night, {}",
            if input.enabled { "on" } else { "off" }
        ),
    )
    .await?;
    policy_of(store, team).await
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct RestView {
    pub id: RestId,
    pub rotation_id: RotationId,
    pub rotation_name: String,
    pub shift_start: Timestamp,
    pub shift_end: Timestamp,
    pub nights: i32,
    pub hours: f64,
    /// The working day of the late start, in the person's zone.
    pub late_start_day: String,
    pub usual_start: Timestamp,
    pub late_start: Timestamp,
    /// The night offered to the rotation, if the shift had one left.
    pub cover_request_id: Option<CoverRequestId>,
    /// `taken`, `not_taken`, or `null` until the person says.
    pub taken: Option<String>,
    pub earned_at: Timestamp,
}

async fn view(store: &Store, r: StoredRest) -> Result<RestView> {
    let rotation_name = store
        .rotation(r.rotation_id)
        .await?
        .map(|x| x.rotation.name)
        .unwrap_or_default();
    Ok(RestView {
        id: r.id,
        rotation_id: r.rotation_id,
        rotation_name,
        shift_start: ts(r.shift_start),
        shift_end: ts(r.shift_end),
        nights: r.nights,
        hours: f64::from(r.minutes) / 60.0,
        late_start_day: r.late_start_day,
        usual_start: ts(r.usual_start),
        late_start: ts(r.late_start),
        cover_request_id: r.cover_request_id,
        taken: r.taken,
        earned_at: ts(r.earned_at),
    })
}

/// One's own rest, the most recent first.
pub async fn list_own(store: &Store, actor: &Actor) -> Result<Vec<RestView>> {
    let owner = actor.owner()?;
    let mut out = Vec::new();
    for r in store.rest_of(owner.person_id()).await? {
        out.push(view(store, r).await?);
    }
    Ok(out)
}

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestTakenInput {
    /// `taken`, `not_taken`, or `null` to take back what was said.
    pub taken: Option<String>,
}

/// Says whether one took one's rest.
pub async fn set_taken(
    store: &Store,
    actor: &Actor,
    id: RestId,
    input: &RestTakenInput,
) -> Result<RestView> {
    let owner = actor.owner()?;
    let taken = match input.taken.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t @ ("taken" | "not_taken")) => Some(t),
        Some(other) => {
            return Err(AppError::invalid(
                "taken",
                format!("{other:?} is not taken, not_taken or null"),
            ));
        }
    };
    if !store.set_rest_taken(id, owner.person_id(), taken).await? {
        return Err(AppError::NotFound(format!("rest {id}")));
    }
    let r = store
        .rest(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("rest {id}")))?;
    view(store, r).await
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// Shifts whose rest was recorded for the first time.
    pub earned: usize,
    /// Nights offered to a rotation.
    pub offered: usize,
}

/// Looks at whoever every rotation has on call at `now`, and records the rest their
/// shift has earned so far. Safe to run again: a shift's rest is recorded once and
/// grows with its nights; a night is offered once.
pub async fn sweep(store: &Store, now: Timestamp) -> Result<Sweep> {
    let mut done = Sweep::default();
    for team in store.list_teams().await? {
        let policy = policy_of(store, team.id).await?;
        if !policy.enabled {
            continue;
        }
        for r in store.team_rotations(team.id).await? {
            let Ok(rotation) = crate::rotations::model(&r) else {
                continue;
            };
            let Some(turn) = rotation.turn_at(now) else {
                continue;
            };
            let who = aftercare_store::PersonId(turn.member);
            let Some(person) = store.person(who).await? else {
                continue;
            };
            let pages: Vec<Timestamp> = store
                .notification_instants(who, turn.start.as_millisecond(), now.as_millisecond() + 1)
                .await?
                .into_iter()
                .map(ts)
                .collect();
            if pages.len() < NIGHTS_FOR_REST as usize {
                continue;
            }
            let Some(earned) = rules::earned(
                &person.hours,
                turn.start,
                turn.end,
                &pages,
                now,
                policy.hours_per_night,
            ) else {
                continue;
            };
            let nights = i32::try_from(earned.nights.len()).unwrap_or(i32::MAX);
            let offer = earned.next_night.map(|(start, end)| NewCoverRequest {
                rotation_id: r.rotation.id,
                person_id: who,
                starts_at: start.as_millisecond(),
                ends_at: end.as_millisecond(),
                note: format!(
                    "Rest after {nights} disrupted nights: {} has earned a quiet night. Could someone take it?",
                    person.name
                ),
                swap: None,
                created_by: None,
            });
            let recorded = store
                .record_rest(
                    &NewRest {
                        person_id: who,
                        rotation_id: r.rotation.id,
                        shift_start: turn.start.as_millisecond(),
                        shift_end: turn.end.as_millisecond(),
                        nights,
                        minutes: (earned.hours * 60.0).round() as i32,
                        late_start_day: earned.late_start_day.to_string(),
                        usual_start: earned.usual_start.as_millisecond(),
                        late_start: earned.late_start.as_millisecond(),
                    },
                    offer.as_ref(),
                )
                .await?;
            if recorded.offered.is_some() {
                done.offered += 1;
            }
            if recorded.new {
                done.earned += 1;
                audit(
                    store,
                    &Actor::command_line(),
                    "rest.earned",
                    Some(team.id),
                    &person.name,
                    &format!(
                        "{nights} disrupted nights in a shift of {}",
                        r.rotation.name
                    ),
                )
                .await?;
            }
            if recorded.new || recorded.offered.is_some() {
                let local = earned
                    .late_start
                    .to_zoned(person.hours.time_zone.clone())
                    .strftime("%A %-d %B at %H:%M");
                notify::schedule(
                    store,
                    who,
                    &Message {
                        title: format!("You have earned {} hours of rest", earned.hours),
                        body: format!(
                            "{nights} nights of this shift were disrupted. Start late on {local}{}. Your team's rest policy gives {} hours per disrupted night.",
                            if recorded.offered.is_some() {
                                "; your next night on call is offered to the rest of the rotation"
                            } else {
                                ""
                            },
                            policy.hours_per_night
                        ),
                        link: Some("/rest".into()),
                    },
                    now,
                    &format!(
                        "rest:{}:{}:{}",
                        recorded.rest.id,
                        nights,
                        recorded.offered.map_or(0, |c| c.0)
                    ),
                )
                .await?;
            }
        }
    }
    Ok(done)
}

/// The sweep's job key for the quarter hour holding `now`: enqueued by every server's
/// runner, kept once.
pub fn sweep_key(now: Timestamp) -> String {
    format!("rest-sweep:{}", sweep_bucket(now))
}

/// The number of the quarter hour holding `now`.
pub fn sweep_bucket(now: Timestamp) -> i64 {
    now.as_millisecond().div_euclid(SWEEP_MINUTES * 60_000)
}
