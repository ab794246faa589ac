//! Messages to a person, and their pause. Other features (check-ins, peer nudges,
//! handoff prompts) call [`schedule`]; the runner ([`crate::jobs`]) delivers.
//!
//! The rules every message obeys whoever scheduled it: it goes to one person (their
//! inbox, and the channels they chose: their email, their Slack direct messages,
//! their own webhook; never a shared channel); it never arrives inside their sleep
//! window or outside their working time (moved to the next allowed moment, checked
//! again just before delivery because hours change); it carries a one-click pause
//! link; and nothing arrives while they are paused, nor as a backlog afterwards.

use aftercare_store::{JobId, JobKind, NewJob, Pause, PersonId, Store};
use hmac::{KeyInit, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::policy::Actor;

/// A message as the feature that sends it writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    /// One line, at most [`TITLE_MAX`] characters.
    pub title: String,
    /// Plain text, at most [`BODY_MAX`] characters.
    pub body: String,
    /// Where in Aftercare it leads: a path such as `/checkins/12`.
    pub link: Option<String>,
}

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 4_000;

impl Message {
    fn validate(&self) -> Result<()> {
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX || title.contains('\n') {
            return Err(AppError::invalid(
                "title",
                format!("must be one line of 1 to {TITLE_MAX} characters"),
            ));
        }
        if self.body.trim().is_empty() || self.body.chars().count() > BODY_MAX {
            return Err(AppError::invalid(
                "body",
                format!("must be 1 to {BODY_MAX} characters"),
            ));
        }
        if let Some(link) = &self.link
            && (!link.starts_with('/')
                || link.starts_with("//")
                || link.contains(char::is_whitespace))
        {
            // Only our own pages: a message must not send people elsewhere.
            return Err(AppError::invalid(
                "link",
                "must be a path in Aftercare, such as /inbox",
            ));
        }
        Ok(())
    }
}

/// Schedules `message` for `person`, not before `not_before` and never inside
/// their sleep window or outside their working time (it moves to the next
/// allowed moment in their own zone). Idempotent: the same `dedupe_key` schedules
/// once (name it after what it is for, such as `checkin:41:1d`). Returns the job.
pub async fn schedule(
    store: &Store,
    person: PersonId,
    message: &Message,
    not_before: Timestamp,
    dedupe_key: &str,
) -> Result<JobId> {
    message.validate()?;
    if dedupe_key.trim().is_empty() || dedupe_key.len() > 200 {
        return Err(AppError::invalid(
            "dedupe_key",
            "must be 1 to 200 characters",
        ));
    }
    let who = store
        .person(person)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("person {person}")))?;
    // Hours with no working time at all: kept at `not_before`, and the runner
    // skips it with the reason (a message nobody may receive is not an error of
    // the feature that scheduled it).
    let run_at = aftercare_care::next_allowed(&who.hours, not_before).unwrap_or(not_before);
    let (id, _) = store
        .enqueue_job(&NewJob {
            kind: JobKind::Message,
            payload: serde_json::to_value(message)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            person_id: Some(person),
            run_at: run_at.as_millisecond(),
            dedupe_key: format!("message:{dedupe_key}"),
        })
        .await?;
    Ok(id)
}

/// Pauses everything sent to the actor, until `until` or (with `None`) until
/// they resume. Owner only: nobody pauses or resumes someone else's care.
pub async fn pause(store: &Store, actor: &Actor, until: Option<Timestamp>) -> Result<()> {
    let owner = actor.owner()?;
    let now = Timestamp::now();
    if let Some(until) = until
        && until <= now
    {
        return Err(AppError::invalid("until", "must be in the future"));
    }
    store
        .pause_person(
            owner.person_id(),
            now.as_millisecond(),
            until.map(|t| t.as_millisecond()),
        )
        .await?;
    Ok(())
}

/// Ends the actor's pause; what came due while paused is skipped, not sent.
pub async fn resume(store: &Store, actor: &Actor) -> Result<bool> {
    let owner = actor.owner()?;
    Ok(store
        .resume_person(owner.person_id(), Timestamp::now().as_millisecond())
        .await?)
}

/// The actor's pause in force, if any.
pub async fn current_pause(store: &Store, actor: &Actor) -> Result<Option<Pause>> {
    let owner = actor.owner()?;
    Ok(store
        .current_pause(owner.person_id(), Timestamp::now().as_millisecond())
        .await?)
}

const PAUSE_KEY: &str = "pause_links";

async fn pause_key(store: &Store) -> Result<Vec<u8>> {
    use rand::RngCore;
    let mut fresh = [0u8; 32];
    rand::rng().fill_bytes(&mut fresh);
    let key = store.server_key(PAUSE_KEY, &hex::encode(fresh)).await?;
    hex::decode(key).map_err(|e| AppError::Internal(format!("pause link key: {e}")))
}

fn sign(key: &[u8], person: PersonId) -> Result<String> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The purpose is part of what is signed: this token pauses, and nothing else
    // can be made to accept it.
    mac.update(format!("aftercare-pause:{person}").as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// The token of a person's one-click pause link (`/pause/{token}`). It only
/// pauses: it signs nobody in and reads nothing.
pub async fn pause_token(store: &Store, person: PersonId) -> Result<String> {
    let key = pause_key(store).await?;
    Ok(format!("{person}.{}", sign(&key, person)?))
}

/// The person a pause token names, if its signature holds.
pub async fn pause_token_person(store: &Store, token: &str) -> Result<Option<PersonId>> {
    let Some((id, sig)) = token.split_once('.') else {
        return Ok(None);
    };
    let Ok(person) = id.parse::<PersonId>() else {
        return Ok(None);
    };
    let key = pause_key(store).await?;
    let expected = sign(&key, person)?;
    use subtle::ConstantTimeEq;
    if expected.as_bytes().ct_eq(sig.as_bytes()).into() {
        Ok(store.person(person).await?.map(|p| p.id))
    } else {
        Ok(None)
    }
}

/// Pauses, for good (until they resume), the person a pause link names.
pub async fn pause_by_token(store: &Store, token: &str) -> Result<PersonId> {
    let person = pause_token_person(store, token)
        .await?
        .ok_or_else(|| AppError::NotFound("pause link".into()))?;
    store
        .pause_person(person, Timestamp::now().as_millisecond(), None)
        .await?;
    Ok(person)
}
