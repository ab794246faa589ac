//! Calendar feeds (issue 9, item 4): a secret URL a calendar app (Google Calendar,
//! Outlook, Apple Calendar) polls, showing one person's on-call time, one rotation's or
//! a whole team's, from 30 days back to 13 months ahead, overrides and cover included.
//! Events are UTC instants, busy only while on call (`aftercare_oncall::ical`). The
//! secret is shown once; only its hash is kept. A feed answers only while the person
//! who made it is active and could still see what it shows.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_oncall::OnCallSpan;
use aftercare_oncall::ical::{Attendee, Shadowing, feed_with};
use aftercare_store::{
    FeedId, PersonId, RotationId, RotationWithMembers, Store, StoredFeed, TeamId,
};

use crate::error::{AppError, Result};
use crate::passwords::{random_hex, sha256_hex};
use crate::policy::Actor;
use crate::rotations::schedule_over;

/// How far back and ahead a feed reaches: a month back, 13 months ahead (calendar apps
/// and people plan a year out; PagerDuty's feeds stop at six months).
const BACK_DAYS: i64 = 30;
const AHEAD_DAYS: i64 = 396;

#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedInput {
    /// `person` (your own shifts in every rotation), `rotation` or `team`.
    pub kind: String,
    /// The rotation's or team's id (not for `person`).
    #[serde(default)]
    pub id: Option<i64>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct FeedView {
    pub id: FeedId,
    pub kind: String,
    /// What it shows, by name.
    pub subject: String,
    pub created_at: Timestamp,
}

/// A new feed, with its secret path: shown this once.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct NewFeed {
    pub feed: FeedView,
    /// `/ical/<secret>.ics`, to put after the server's address.
    pub path: String,
}

async fn subject_name(store: &Store, f: &StoredFeed) -> Result<String> {
    Ok(match f.kind.as_str() {
        "person" => store
            .person(PersonId(f.subject_id))
            .await?
            .map_or_else(String::new, |p| format!("{}'s shifts", p.name)),
        "rotation" => store
            .rotation(RotationId(f.subject_id))
            .await?
            .map_or_else(String::new, |r| format!("rotation {}", r.rotation.name)),
        _ => store
            .team(TeamId(f.subject_id))
            .await?
            .map_or_else(String::new, |t| format!("team {}", t.name)),
    })
}

async fn view(store: &Store, f: &StoredFeed) -> Result<FeedView> {
    Ok(FeedView {
        id: f.id,
        kind: f.kind.clone(),
        subject: subject_name(store, f).await?,
        created_at: crate::incidents::ts(f.created_at),
    })
}

/// Makes a feed for the caller: of their own shifts, or of a rotation or team they see.
pub async fn create(store: &Store, actor: &Actor, input: &FeedInput) -> Result<NewFeed> {
    let me = actor.owner()?.person_id();
    let (kind, subject) = match (input.kind.trim(), input.id) {
        ("person", None) => ("person", me.0),
        ("person", Some(_)) => {
            return Err(AppError::invalid(
                "id",
                "a person feed shows your own shifts: leave id out",
            ));
        }
        ("rotation", Some(id)) => {
            crate::rotations::visible(store, actor, RotationId(id)).await?;
            ("rotation", id)
        }
        ("team", Some(id)) => {
            crate::teams::visible(store, actor, TeamId(id)).await?;
            ("team", id)
        }
        ("rotation" | "team", None) => {
            return Err(AppError::invalid("id", "is required: which one to show"));
        }
        (other, _) => {
            return Err(AppError::invalid(
                "kind",
                format!("{other:?} is not person, rotation or team"),
            ));
        }
    };
    let secret = random_hex(24);
    let made = store
        .create_feed(&sha256_hex(&secret), kind, subject, me)
        .await?;
    Ok(NewFeed {
        feed: view(store, &made).await?,
        path: format!("/ical/{secret}.ics"),
    })
}

/// The caller's feeds (never their secrets).
pub async fn list_own(store: &Store, actor: &Actor) -> Result<Vec<FeedView>> {
    let me = actor.owner()?.person_id();
    let mut out = Vec::new();
    for f in store.feeds_of(me).await? {
        out.push(view(store, &f).await?);
    }
    Ok(out)
}

/// Revokes one of the caller's feeds: its URL stops answering at once.
pub async fn revoke(store: &Store, actor: &Actor, id: FeedId) -> Result<()> {
    let me = actor.owner()?.person_id();
    if !store.delete_feed(id, me).await? {
        return Err(AppError::NotFound(format!("feed {id}")));
    }
    Ok(())
}

fn sees_rotation(rotations: &[RotationWithMembers], id: RotationId) -> bool {
    rotations.iter().any(|r| r.rotation.id == id)
}

/// The calendar behind a secret, or `None` (an unknown or revoked secret, or one whose
/// maker no longer sees what it shows: all look alike from outside).
pub async fn calendar(store: &Store, secret: &str) -> Result<Option<String>> {
    let secret = secret.trim_end_matches(".ics");
    if secret.len() != 48 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(f) = store.feed_by_hash(&sha256_hex(secret)).await? else {
        return Ok(None);
    };
    let Some(maker) = store.person(f.person_id).await? else {
        return Ok(None);
    };
    if maker.deactivated_at.is_some() {
        return Ok(None);
    }
    let teams: Vec<TeamId> = store
        .memberships(maker.id)
        .await?
        .iter()
        .map(|m| m.team.id)
        .collect();
    let sees = |t: TeamId| maker.is_admin || teams.contains(&t);
    let rotations: Vec<RotationWithMembers> = match f.kind.as_str() {
        "person" => {
            let mut all = Vec::new();
            for t in &teams {
                for r in store.team_rotations(*t).await? {
                    if r.members.contains(&maker.id) {
                        all.push(r);
                    }
                }
            }
            all
        }
        "rotation" => match store.rotation(RotationId(f.subject_id)).await? {
            Some(r) if sees(r.rotation.team_id) => vec![r],
            _ => return Ok(None),
        },
        _ if sees(TeamId(f.subject_id)) => store.team_rotations(TeamId(f.subject_id)).await?,
        _ => return Ok(None),
    };
    let now = Timestamp::now();
    let from = now - SignedDuration::from_hours(24 * BACK_DAYS);
    let to = now + SignedDuration::from_hours(24 * AHEAD_DAYS);
    let mut spans: Vec<OnCallSpan> = Vec::new();
    for r in &rotations {
        let Ok((schedule, _)) = schedule_over(store, r, from, to).await else {
            continue;
        };
        spans.extend(
            schedule
                .spans(from, to)
                .into_iter()
                .filter(|s| f.kind != "person" || s.member == maker.id.0)
                // Which layer put someone there does not matter to a calendar.
                .map(|s| OnCallSpan {
                    layer: Some(0),
                    ..s
                }),
        );
    }
    spans.sort_by_key(|s| (s.start, s.member));
    // An override cuts a shift into pieces; a calendar shows one event per stretch.
    let mut merged: Vec<OnCallSpan> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if last.member == s.member && last.end == s.start => last.end = s.end,
            _ => merged.push(s),
        }
    }
    let spans = merged;
    // Newcomers' shadow shifts: one's own in a person's feed, the rotations' in the others.
    let mut shadows: Vec<Shadowing> = Vec::new();
    let stored = if f.kind == "person" {
        store
            .person_shadow_shifts(maker.id, from.as_millisecond(), to.as_millisecond())
            .await?
            .into_iter()
            .filter(|s| sees_rotation(&rotations, s.rotation_id))
            .collect()
    } else {
        let mut all = Vec::new();
        for r in &rotations {
            all.extend(
                store
                    .rotation_shadow_shifts(r.rotation.id)
                    .await?
                    .into_iter()
                    .filter(|s| {
                        s.ends_at > from.as_millisecond() && s.starts_at < to.as_millisecond()
                    }),
            );
        }
        all
    };
    for s in stored {
        if let (Ok(start), Ok(end)) = (
            Timestamp::from_millisecond(s.starts_at),
            Timestamp::from_millisecond(s.ends_at),
        ) {
            shadows.push(Shadowing {
                member: s.person_id.0,
                start,
                end,
            });
        }
    }
    shadows.sort_by_key(|s| (s.start, s.member));
    let people: HashMap<i64, (String, String)> = store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.id.0, (p.name, p.email)))
        .collect();
    let name = subject_name(store, &f).await?;
    Ok(Some(feed_with(
        &format!("Aftercare: {name}"),
        &spans,
        &shadows,
        |m| {
            people.get(&m).map(|(n, e)| Attendee {
                name: n.as_str(),
                email: e.as_str(),
            })
        },
        now,
    )))
}
