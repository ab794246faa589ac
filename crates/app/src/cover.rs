//! Cover, swaps and overrides (issue 9, item 2). A person on call asks for cover for a
//! span of their shift; a teammate takes it, which puts an override on the rotation. A
//! swap is the same request offered to one teammate, who takes a span of theirs in
//! return. A lead may ask, take or put an override on someone's behalf. Every change
//! names who made it, on the row and in the audit log.

use std::collections::HashMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use aftercare_store::{
    CoverRequestId, CoverStatus, NewCoverRequest, NewOverride, OverrideId, PersonId, RotationId,
    RotationWithMembers, Store, StoredCoverRequest, StoredOverride, SwapSpan, TakeRefused,
};

use crate::error::{AppError, Result};
use crate::incidents::ts as at;
use crate::people::audit;
use crate::policy::Actor;
use crate::rotations::{RotationMember, names, schedule_over, visible as rotation};

/// The longest span one request or override may cover: a season of leave is time off
/// (and a change of rotation), not an override.
pub const MAX_SPAN_DAYS: i64 = 62;

/// Asking for cover (or, with `swap_with`, offering a swap).
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverRequestInput {
    /// From when: an RFC 3339 instant, or a date and time local to the rotation's zone
    /// (`2027-03-28T20:00`).
    pub start: String,
    /// Until when, written the same way.
    pub end: String,
    #[serde(default)]
    pub note: Option<String>,
    /// Whose span it is; only a lead names someone else. Default: the caller.
    #[serde(default)]
    pub person: Option<PersonId>,
    /// A swap: the one teammate it is offered to ...
    #[serde(default)]
    pub swap_with: Option<PersonId>,
    /// ... and the span of theirs the person takes in return.
    #[serde(default)]
    pub swap_start: Option<String>,
    #[serde(default)]
    pub swap_end: Option<String>,
}

/// Taking a request.
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeInput {
    /// Who takes it; only a lead names someone else. Default: the caller.
    #[serde(default)]
    pub person: Option<PersonId>,
}

/// An override a lead puts on directly.
#[derive(utoipa::ToSchema, Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// Who is on call over the span; a member of the rotation's team.
    pub person: PersonId,
    /// Written as for a cover request.
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct SwapView {
    pub with: RotationMember,
    pub start: Timestamp,
    pub end: Timestamp,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct CoverRequestView {
    pub id: CoverRequestId,
    pub rotation_id: RotationId,
    /// Whose span it is.
    pub person: RotationMember,
    pub start: Timestamp,
    pub end: Timestamp,
    pub note: String,
    pub swap: Option<SwapView>,
    /// `open`, `taken` or `withdrawn`.
    #[schema(value_type = String)]
    pub status: CoverStatus,
    pub taken_by: Option<RotationMember>,
    /// Who asked: the person, or a lead on their behalf.
    pub asked_by: Option<RotationMember>,
    pub asked_at: Timestamp,
    /// Who took or withdrew it, when.
    pub closed_by: Option<RotationMember>,
    pub closed_at: Option<Timestamp>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct OverrideView {
    pub id: OverrideId,
    pub rotation_id: RotationId,
    pub person: RotationMember,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Whom the schedule had there when it was made.
    pub replaces: Option<RotationMember>,
    /// The request it answers, if one.
    pub cover_request_id: Option<CoverRequestId>,
    pub note: String,
    pub arranged_by: Option<RotationMember>,
    pub arranged_at: Timestamp,
}

/// Reads a time written as an RFC 3339 instant or as a local date and time in the
/// rotation's zone (what a browser's `datetime-local` field sends). A local time in a
/// spring-forward gap means the instant after it, as a handoff there does.
pub fn instant_in(zone: &TimeZone, field: &str, text: &str) -> Result<Timestamp> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    let local: DateTime = t.parse().map_err(|_| {
        AppError::invalid(
            field,
            format!(
                "{t:?} is not a time: write 2027-03-28T20:00 (local to the rotation's zone, {}) or an instant like 2027-03-28T19:00:00Z",
                zone.iana_name().unwrap_or("UTC")
            ),
        )
    })?;
    aftercare_oncall::local_instant(zone, local)
        .ok_or_else(|| AppError::invalid(field, "is out of range"))
}

fn millis(t: Timestamp) -> i64 {
    t.as_millisecond()
}

struct Span {
    start: Timestamp,
    end: Timestamp,
}

/// A span from two fields: in order, not wholly past, at most [`MAX_SPAN_DAYS`] long.
fn span(zone: &TimeZone, fields: (&str, &str), texts: (&str, &str)) -> Result<Span> {
    let start = instant_in(zone, fields.0, texts.0)?;
    let end = instant_in(zone, fields.1, texts.1)?;
    if end <= start {
        return Err(AppError::invalid(fields.1, "must be after the start"));
    }
    if end <= Timestamp::now() {
        return Err(AppError::invalid(
            fields.1,
            "is in the past: cover and overrides are for time still to come",
        ));
    }
    if end.duration_since(start) > SignedDuration::from_hours(24 * MAX_SPAN_DAYS) {
        return Err(AppError::invalid(
            fields.1,
            format!(
                "the span is longer than {MAX_SPAN_DAYS} days: mark a long absence as time off, or change the rotation"
            ),
        ));
    }
    Ok(Span { start, end })
}

fn zone_of(r: &RotationWithMembers) -> Result<TimeZone> {
    TimeZone::get(&r.rotation.time_zone)
        .map_err(|e| AppError::Internal(format!("stored zone of rotation {}: {e}", r.rotation.id)))
}

fn member(names: &HashMap<PersonId, String>, p: PersonId) -> RotationMember {
    RotationMember {
        person_id: p,
        name: names.get(&p).cloned().unwrap_or_default(),
    }
}

fn note_of(note: Option<&str>) -> Result<String> {
    let n = note.unwrap_or("").trim();
    if n.chars().count() > 500 {
        return Err(AppError::invalid("note", "must be at most 500 characters"));
    }
    Ok(n.to_string())
}

/// The caller, or someone a lead of the team names.
fn acting_for(
    actor: &Actor,
    r: &RotationWithMembers,
    named: Option<PersonId>,
    field: &str,
    what: &str,
) -> Result<PersonId> {
    match named {
        Some(p) if !actor.is(p) => {
            actor.lead(r.rotation.team_id, what)?;
            Ok(p)
        }
        Some(p) => Ok(p),
        None => actor.person_id().ok_or_else(|| {
            AppError::invalid(
                field,
                "is required: this caller is not a person, so say whom it is for",
            )
        }),
    }
}

async fn in_team(store: &Store, r: &RotationWithMembers, p: PersonId, field: &str) -> Result<()> {
    let members = store.team_members(r.rotation.team_id).await?;
    if members.iter().any(|m| m.person.id == p) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!("person {p} is not in this rotation's team"),
        ))
    }
}

/// Whether `person` carries the pager for all of `[start, end)`, overrides included.
async fn carries(
    store: &Store,
    r: &RotationWithMembers,
    person: PersonId,
    s: &Span,
) -> Result<bool> {
    let (schedule, _) = schedule_over(store, r, s.start, s.end).await?;
    let spans = schedule.spans(s.start, s.end);
    let mut t = s.start;
    for piece in &spans {
        if piece.start != t || piece.member != person.0 {
            return Ok(false);
        }
        t = piece.end;
    }
    Ok(t == s.end)
}

fn request_view(names: &HashMap<PersonId, String>, c: &StoredCoverRequest) -> CoverRequestView {
    CoverRequestView {
        id: c.id,
        rotation_id: c.rotation_id,
        person: member(names, c.person_id),
        start: at(c.starts_at),
        end: at(c.ends_at),
        note: c.note.clone(),
        swap: c.swap.map(|s| SwapView {
            with: member(names, s.with),
            start: at(s.starts_at),
            end: at(s.ends_at),
        }),
        status: c.status,
        taken_by: c.taken_by.map(|p| member(names, p)),
        asked_by: c.created_by.map(|p| member(names, p)),
        asked_at: at(c.created_at),
        closed_by: c.resolved_by.map(|p| member(names, p)),
        closed_at: c.resolved_at.map(at),
    }
}

fn override_view(names: &HashMap<PersonId, String>, o: &StoredOverride) -> OverrideView {
    OverrideView {
        id: o.id,
        rotation_id: o.rotation_id,
        person: member(names, o.person_id),
        start: at(o.starts_at),
        end: at(o.ends_at),
        replaces: o.replaces_person_id.map(|p| member(names, p)),
        cover_request_id: o.cover_request_id,
        note: o.note.clone(),
        arranged_by: o.created_by.map(|p| member(names, p)),
        arranged_at: at(o.created_at),
    }
}

fn describe(names: &HashMap<PersonId, String>, p: PersonId, start: i64, end: i64) -> String {
    format!(
        "{} from {} to {}",
        names.get(&p).map_or("someone", String::as_str),
        at(start).strftime("%Y-%m-%dT%H:%MZ"),
        at(end).strftime("%Y-%m-%dT%H:%MZ"),
    )
}

/// Asks the rotation's team to cover a span of the person's own time on call (or,
/// with `swap_with`, offers one teammate a swap). The person must carry the pager for
/// the whole span; their other open requests may not overlap it.
pub async fn request(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    input: &CoverRequestInput,
) -> Result<CoverRequestView> {
    let r = rotation(store, actor, id).await?;
    let zone = zone_of(&r)?;
    let person = acting_for(
        actor,
        &r,
        input.person,
        "person",
        "ask for cover on someone's behalf",
    )?;
    in_team(store, &r, person, "person").await?;
    let s = span(&zone, ("start", "end"), (&input.start, &input.end))?;
    let note = note_of(input.note.as_deref())?;
    let names = names(store).await?;
    let who = names.get(&person).map_or("this person", String::as_str);
    if !carries(store, &r, person, &s).await? {
        return Err(AppError::invalid(
            "start",
            format!(
                "{who} is not on call for all of that span: ask for cover only within their own shifts"
            ),
        ));
    }
    let swap = match (
        input.swap_with,
        input.swap_start.as_deref(),
        input.swap_end.as_deref(),
    ) {
        (None, None, None) => None,
        (Some(with), Some(a), Some(b)) => {
            if with == person {
                return Err(AppError::invalid(
                    "swap_with",
                    "must be someone else: a swap trades with a teammate",
                ));
            }
            in_team(store, &r, with, "swap_with").await?;
            let theirs = span(&zone, ("swap_start", "swap_end"), (a, b))?;
            if theirs.start < s.end && s.start < theirs.end {
                return Err(AppError::invalid(
                    "swap_start",
                    "overlaps the span given away: a swap trades two separate spans",
                ));
            }
            if !carries(store, &r, with, &theirs).await? {
                return Err(AppError::invalid(
                    "swap_start",
                    format!(
                        "{} is not on call for all of that span",
                        names.get(&with).map_or("that teammate", String::as_str)
                    ),
                ));
            }
            Some(SwapSpan {
                with,
                starts_at: millis(theirs.start),
                ends_at: millis(theirs.end),
            })
        }
        (None, _, _) => {
            return Err(AppError::invalid(
                "swap_with",
                "is required with swap_start and swap_end: whom the swap is offered to",
            ));
        }
        (Some(_), None, _) => {
            return Err(AppError::invalid(
                "swap_start",
                "is required for a swap: the start of the span taken in return",
            ));
        }
        (Some(_), Some(_), None) => {
            return Err(AppError::invalid(
                "swap_end",
                "is required for a swap: the end of the span taken in return",
            ));
        }
    };
    let open = store.cover_requests(id, true).await?;
    if let Some(clash) = open.iter().find(|c| {
        c.person_id == person && c.starts_at < millis(s.end) && millis(s.start) < c.ends_at
    }) {
        return Err(AppError::Conflict(format!(
            "{who} already has open request {} for part of that span: withdraw it first",
            clash.id
        )));
    }
    let made = store
        .create_cover_request(&NewCoverRequest {
            rotation_id: id,
            person_id: person,
            starts_at: millis(s.start),
            ends_at: millis(s.end),
            note,
            swap,
            created_by: actor.person_id(),
        })
        .await?;
    let detail = describe(&names, person, made.starts_at, made.ends_at);
    audit(
        store,
        actor,
        if swap.is_some() {
            "cover.swap_offer"
        } else {
            "cover.request"
        },
        Some(r.rotation.team_id),
        &r.rotation.name,
        &detail,
    )
    .await?;
    Ok(request_view(&names, &made))
}

/// A rotation's cover requests, soonest first: the open ones, or with `all` every one.
pub async fn requests(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    all: bool,
) -> Result<Vec<CoverRequestView>> {
    rotation(store, actor, id).await?;
    let names = names(store).await?;
    Ok(store
        .cover_requests(id, !all)
        .await?
        .iter()
        .map(|c| request_view(&names, c))
        .collect())
}

async fn request_of(
    store: &Store,
    actor: &Actor,
    id: CoverRequestId,
) -> Result<(StoredCoverRequest, RotationWithMembers)> {
    let c = store
        .cover_request(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("cover request {id}")))?;
    let r = rotation(store, actor, c.rotation_id).await?;
    Ok((c, r))
}

fn not_open(names: &HashMap<PersonId, String>, c: &StoredCoverRequest) -> AppError {
    match (c.status, c.taken_by) {
        (CoverStatus::Taken, Some(p)) => AppError::Conflict(format!(
            "cover request {} was already taken by {}",
            c.id,
            names.get(&p).map_or("someone", String::as_str)
        )),
        (CoverStatus::Withdrawn, _) => {
            AppError::Conflict(format!("cover request {} was withdrawn", c.id))
        }
        _ => AppError::Conflict(format!("cover request {} is no longer open", c.id)),
    }
}

/// Takes a request: the taker covers the span (and, for a swap, the asker covers the
/// taker's span in return). Only one taker wins; the rest are told who did.
pub async fn take(
    store: &Store,
    actor: &Actor,
    id: CoverRequestId,
    input: &TakeInput,
) -> Result<CoverRequestView> {
    let (c, r) = request_of(store, actor, id).await?;
    let names = names(store).await?;
    if c.status != CoverStatus::Open {
        return Err(not_open(&names, &c));
    }
    let taker = acting_for(
        actor,
        &r,
        input.person,
        "person",
        "arrange cover on someone's behalf",
    )?;
    if taker == c.person_id {
        return Err(AppError::invalid(
            "person",
            "is the one who asked: cover is taken by a teammate",
        ));
    }
    in_team(store, &r, taker, "person").await?;
    if let Some(s) = c.swap
        && s.with != taker
    {
        return Err(AppError::Forbidden(format!(
            "this swap is offered to {} only",
            names.get(&s.with).map_or("one teammate", String::as_str)
        )));
    }
    if c.ends_at <= millis(Timestamp::now()) {
        return Err(AppError::Conflict(format!(
            "cover request {} is for a span that has ended",
            c.id
        )));
    }
    let note = if c.note.is_empty() {
        "cover".to_string()
    } else {
        c.note.clone()
    };
    let mut overrides = vec![NewOverride {
        rotation_id: r.rotation.id,
        person_id: taker,
        starts_at: c.starts_at,
        ends_at: c.ends_at,
        replaces: Some(c.person_id),
        note: note.clone(),
        created_by: actor.person_id(),
    }];
    if let Some(s) = c.swap {
        overrides.push(NewOverride {
            rotation_id: r.rotation.id,
            person_id: c.person_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            replaces: Some(s.with),
            note,
            created_by: actor.person_id(),
        });
    }
    match store
        .take_cover_request(id, taker, actor.person_id(), &overrides)
        .await?
    {
        Ok(_) => {}
        Err(TakeRefused::Missing) => {
            return Err(AppError::NotFound(format!("cover request {id}")));
        }
        Err(TakeRefused::NotOpen(_)) => {
            let now = store.cover_request(id).await?.unwrap_or(c);
            return Err(not_open(&names, &now));
        }
    }
    audit(
        store,
        actor,
        "cover.take",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!(
            "{} covers {}",
            names.get(&taker).map_or("someone", String::as_str),
            describe(&names, c.person_id, c.starts_at, c.ends_at)
        ),
    )
    .await?;
    let taken = store
        .cover_request(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("cover request {id}")))?;
    Ok(request_view(&names, &taken))
}

/// Withdraws an open request: the person whose span it is, whoever asked, or a lead.
pub async fn withdraw(
    store: &Store,
    actor: &Actor,
    id: CoverRequestId,
) -> Result<CoverRequestView> {
    let (c, r) = request_of(store, actor, id).await?;
    let names = names(store).await?;
    let own = actor.is(c.person_id) || c.created_by.is_some_and(|p| actor.is(p));
    if !own {
        actor.lead(r.rotation.team_id, "withdraw someone else's cover request")?;
    }
    if c.status != CoverStatus::Open {
        return Err(not_open(&names, &c));
    }
    if !store.withdraw_cover_request(id, actor.person_id()).await? {
        let now = store.cover_request(id).await?.unwrap_or(c);
        return Err(not_open(&names, &now));
    }
    audit(
        store,
        actor,
        "cover.withdraw",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &describe(&names, c.person_id, c.starts_at, c.ends_at),
    )
    .await?;
    let closed = store
        .cover_request(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("cover request {id}")))?;
    Ok(request_view(&names, &closed))
}

/// Puts an override on directly: the team's leads and admins.
pub async fn add_override(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    input: &OverrideInput,
) -> Result<OverrideView> {
    let r = rotation(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "put overrides on a rotation")?;
    in_team(store, &r, input.person, "person").await?;
    let zone = zone_of(&r)?;
    let s = span(&zone, ("start", "end"), (&input.start, &input.end))?;
    let note = note_of(input.note.as_deref())?;
    let (schedule, _) = schedule_over(store, &r, s.start, s.end).await?;
    let replaces = schedule.on_call(s.start).map(|(m, _)| PersonId(m));
    let made = store
        .create_override(&NewOverride {
            rotation_id: id,
            person_id: input.person,
            starts_at: millis(s.start),
            ends_at: millis(s.end),
            replaces,
            note,
            created_by: actor.person_id(),
        })
        .await?;
    let names = names(store).await?;
    audit(
        store,
        actor,
        "override.create",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &describe(&names, made.person_id, made.starts_at, made.ends_at),
    )
    .await?;
    Ok(override_view(&names, &made))
}

/// A rotation's overrides that end after `from` and start before `to`, oldest first.
pub async fn overrides(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<OverrideView>> {
    rotation(store, actor, id).await?;
    let names = names(store).await?;
    Ok(store
        .rotation_overrides(id, millis(from), millis(to))
        .await?
        .iter()
        .map(|o| override_view(&names, o))
        .collect())
}

/// Removes an override: the team's leads and admins. The schedule goes back to what
/// the rotation says for that span.
pub async fn remove_override(store: &Store, actor: &Actor, id: OverrideId) -> Result<()> {
    let o = store
        .rotation_override(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("override {id}")))?;
    let r = rotation(store, actor, o.rotation_id).await?;
    actor.lead(r.rotation.team_id, "remove overrides")?;
    if !store.delete_override(id).await? {
        return Err(AppError::NotFound(format!("override {id}")));
    }
    let names = names(store).await?;
    audit(
        store,
        actor,
        "override.delete",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &describe(&names, o.person_id, o.starts_at, o.ends_at),
    )
    .await
}
