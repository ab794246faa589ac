//! Durable jobs: work to do at a moment (a message to a person, a send over one of
//! their channels), kept in the database so it survives restarts and runs once
//! however many `aftercare serve` processes share the database.
//!
//! A worker *claims* due jobs with a lease: on PostgreSQL one statement picks them
//! with `FOR UPDATE SKIP LOCKED` and marks them running, so concurrent claimers
//! never take the same row; on SQLite the same statement runs inside
//! `BEGIN IMMEDIATE`, which serialises writers. Only the lease holder (worker and
//! lease generation) can finish a job, and finishing writes the job's effect (its
//! inbox message, its follow-up jobs) in the same transaction that marks it done:
//! a crash before the commit leaves the job to be claimed again once the lease runs
//! out, a crash after it leaves nothing to redo. So the database effect happens
//! exactly once.
//!
//! Pauses live here too, because the check that a person is paused belongs in that
//! same transaction: a pause committed before a job finishes stops it.

use crate::ids::{InboxMessageId, JobId, PersonId};
use crate::{BeginWrite, Owner, Result, Store, StoreError, with_pool};

/// What a job does. Parsed once when its row is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A message to a person: lands in their inbox and fans out to their channels.
    Message,
    /// One message sent by email to the person's address.
    Email,
    /// One message sent as a Slack direct message to the person's Slack user.
    Slack,
    /// One message posted, signed, to the person's own webhook.
    Webhook,
    /// An incident resolved: make its check-ins, pairings and leads' checklists.
    IncidentCare,
    /// A responder has been engaged for hours: tell them and their lead a handoff is due.
    Handoff,
    /// Look at whoever is on call for rest earned after bad nights (once per quarter hour).
    RestSweep,
}

impl JobKind {
    pub const ALL: [JobKind; 7] = [
        JobKind::Message,
        JobKind::Email,
        JobKind::Slack,
        JobKind::Webhook,
        JobKind::IncidentCare,
        JobKind::Handoff,
        JobKind::RestSweep,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Message => "message",
            JobKind::Email => "email",
            JobKind::Slack => "slack",
            JobKind::Webhook => "webhook",
            JobKind::IncidentCare => "incident_care",
            JobKind::Handoff => "handoff",
            JobKind::RestSweep => "rest_sweep",
        }
    }
}

impl std::str::FromStr for JobKind {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<JobKind> {
        JobKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("job kind {s:?} is not known")))
    }
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Scheduled,
    Running,
    Done,
    /// Not run, on purpose: its person was paused, or it was cancelled.
    Skipped,
    /// Gave up after too many attempts.
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Scheduled => "scheduled",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Skipped => "skipped",
            JobState::Failed => "failed",
        }
    }
}

impl std::str::FromStr for JobState {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<JobState> {
        use JobState::*;
        [Scheduled, Running, Done, Skipped, Failed]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("job state {s:?} is not known")))
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: JobKind,
    pub payload: serde_json::Value,
    /// The person it is for (their pause applies to it).
    pub person_id: Option<PersonId>,
    /// Not before this instant (milliseconds since the epoch).
    pub run_at: i64,
    /// Enqueueing the same key twice keeps the first job.
    pub dedupe_key: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub payload: serde_json::Value,
    pub person_id: Option<PersonId>,
    pub run_at: i64,
    pub state: JobState,
    /// Failed runs so far.
    pub attempts: i32,
    pub lease_until: Option<i64>,
    pub worker: Option<String>,
    pub dedupe_key: String,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: JobId,
    kind: String,
    payload: String,
    person_id: Option<PersonId>,
    run_at: i64,
    state: String,
    attempts: i32,
    lease_id: i64,
    lease_until: Option<i64>,
    worker: Option<String>,
    dedupe_key: String,
    last_error: Option<String>,
    created_at: i64,
    done_at: Option<i64>,
}

impl JobRow {
    fn parse(self) -> Result<(Job, i64)> {
        let payload = serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("job {}: payload: {e}", self.id)))?;
        Ok((
            Job {
                id: self.id,
                kind: self.kind.parse()?,
                payload,
                person_id: self.person_id,
                run_at: self.run_at,
                state: self.state.parse()?,
                attempts: self.attempts,
                lease_until: self.lease_until,
                worker: self.worker,
                dedupe_key: self.dedupe_key,
                last_error: self.last_error,
                created_at: self.created_at,
                done_at: self.done_at,
            },
            self.lease_id,
        ))
    }
}

macro_rules! job_columns {
    () => {
        "id, kind, payload, person_id, run_at, state, attempts, lease_id, lease_until, worker, dedupe_key, last_error, created_at, done_at"
    };
}

/// A claimed job and the proof of holding it: the worker and the lease
/// generation (bumped on every claim, so a worker whose lease ran out and was
/// taken over cannot finish the job, even under the same worker id).
#[derive(Debug, Clone)]
pub struct Lease {
    pub job: Job,
    worker: String,
    lease_id: i64,
}

impl Lease {
    pub fn worker(&self) -> &str {
        &self.worker
    }
}

/// A message for a person's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInboxMessage {
    pub person_id: PersonId,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InboxMessage {
    pub id: InboxMessageId,
    pub person_id: PersonId,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// What finishing a job writes, in the transaction that marks it done.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    pub inbox: Option<NewInboxMessage>,
    /// Jobs that follow from this one (the sends over each channel).
    pub then: Vec<NewJob>,
}

/// How finishing a job went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Done,
    /// Its person is paused, or the job came due while they were: nothing was written.
    SkippedPaused,
    /// The lease was no longer ours (it ran out and another worker took the job):
    /// nothing was written.
    LeaseLost,
}

/// A pause of everything Aftercare sends a person: `[paused_at, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Pause {
    pub paused_at: i64,
    /// `None`: until they resume.
    pub until: Option<i64>,
}

/// The channels a person chose; the inbox is always on. Every destination is the
/// person's own: there is no way to name a shared channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Channels {
    pub email: bool,
    /// Their Slack member id (`U…`): a direct message, never a channel.
    pub slack_user_id: Option<String>,
    /// Their own endpoint for other chat tools.
    pub webhook_url: Option<String>,
}

const SQL_ENQUEUE: &str = "INSERT INTO jobs (kind, payload, person_id, run_at, state, dedupe_key, created_at) VALUES ($1, $2, $3, $4, 'scheduled', $5, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id";
const SQL_BY_KEY: &str = "SELECT id FROM jobs WHERE dedupe_key = $1";
const SQL_CLAIM_PG: &str = concat!(
    "UPDATE jobs SET state = 'running', worker = $1, lease_until = $2, lease_id = lease_id + 1 ",
    "WHERE id IN (SELECT id FROM jobs WHERE state = 'scheduled' AND run_at <= $3 ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) ",
    "RETURNING ",
    job_columns!()
);
// SQLite has no row locks: the statement runs inside BEGIN IMMEDIATE, which
// holds the database's write lock, so two claimers run one after the other.
const SQL_CLAIM_SQLITE: &str = concat!(
    "UPDATE jobs SET state = 'running', worker = $1, lease_until = $2, lease_id = lease_id + 1 ",
    "WHERE id IN (SELECT id FROM jobs WHERE state = 'scheduled' AND run_at <= $3 ORDER BY run_at, id LIMIT $4) ",
    "RETURNING ",
    job_columns!()
);
const SQL_FINISH: &str = "UPDATE jobs SET state = $1, done_at = $2, lease_until = NULL, last_error = $3 WHERE id = $4 AND state = 'running' AND worker = $5 AND lease_id = $6";
const SQL_PAUSED: &str = "SELECT COUNT(*) FROM pauses WHERE person_id = $1 AND ((paused_at <= $2 AND (until IS NULL OR until > $2)) OR (paused_at <= $3 AND (until IS NULL OR until > $3)))";
const SQL_INBOX_INSERT: &str = "INSERT INTO inbox_messages (person_id, job_id, title, body, link, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

/// Enqueues inside a transaction (shared by [`Store::enqueue_job`] and the
/// follow-ups of a completion).
macro_rules! enqueue_in_tx {
    ($tx:expr, $job:expr, $now:expr) => {{
        let job: &NewJob = $job;
        let inserted: Option<JobId> = sqlx::query_scalar(SQL_ENQUEUE)
            .bind(job.kind.as_str())
            .bind(job.payload.to_string())
            .bind(job.person_id)
            .bind(job.run_at)
            .bind(&job.dedupe_key)
            .bind($now)
            .fetch_optional(&mut *$tx)
            .await?;
        match inserted {
            Some(id) => (id, true),
            None => {
                let id: JobId = sqlx::query_scalar(SQL_BY_KEY)
                    .bind(&job.dedupe_key)
                    .fetch_one(&mut *$tx)
                    .await?;
                (id, false)
            }
        }
    }};
}

/// How long to wait before the next attempt after `attempts` failed runs: 30 s,
/// doubling, at most an hour (a mail server that is down for a while is not
/// hammered, and a message is not held back for long once it is up).
pub fn retry_delay_ms(attempts: i32) -> i64 {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    (30_000i64 << exp.min(7)).min(3_600_000)
}

impl Store {
    /// Adds a job unless one with its dedupe key exists; either way returns the id
    /// of the job that holds the key, and whether this call made it.
    pub async fn enqueue_job(&self, job: &NewJob) -> Result<(JobId, bool)> {
        let now = crate::now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let out = enqueue_in_tx!(tx, job, now);
            tx.commit().await?;
            Ok(out)
        })
    }

    /// Claims up to `limit` jobs due at `now` for `worker`, leased for `lease_ms`.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Lease>> {
        let until = now.saturating_add(lease_ms);
        let rows: Vec<JobRow> = match &self.pool {
            crate::Pool::Postgres(p) => {
                sqlx::query_as(SQL_CLAIM_PG)
                    .bind(worker)
                    .bind(until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(p)
                    .await?
            }
            crate::Pool::Sqlite(p) => {
                let mut tx = p.begin_write().await?;
                let rows = sqlx::query_as(SQL_CLAIM_SQLITE)
                    .bind(worker)
                    .bind(until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                rows
            }
        };
        rows.into_iter()
            .map(|r| {
                let (job, lease_id) = r.parse()?;
                Ok(Lease {
                    job,
                    worker: worker.to_string(),
                    lease_id,
                })
            })
            .collect()
    }

    /// Marks a claimed job done and writes its effect, in one transaction, unless
    /// its person is paused (or was when it came due) or the lease is gone.
    pub async fn complete_job(
        &self,
        lease: &Lease,
        effect: &Completion,
        now: i64,
    ) -> Result<Finished> {
        let job = &lease.job;
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let paused = match job.person_id {
                Some(person) => {
                    let n: i64 = sqlx::query_scalar(SQL_PAUSED)
                        .bind(person).bind(now).bind(job.run_at)
                        .fetch_one(&mut *tx).await?;
                    n > 0
                }
                None => false,
            };
            let (state, why) = if paused {
                (JobState::Skipped, Some("paused"))
            } else {
                (JobState::Done, None)
            };
            let held = sqlx::query(SQL_FINISH)
                .bind(state.as_str()).bind(now).bind(why).bind(job.id)
                .bind(&lease.worker).bind(lease.lease_id)
                .execute(&mut *tx).await?.rows_affected();
            if held == 0 {
                tx.rollback().await?;
                return Ok(Finished::LeaseLost);
            }
            if paused {
                tx.commit().await?;
                return Ok(Finished::SkippedPaused);
            }
            if let Some(m) = &effect.inbox {
                sqlx::query(SQL_INBOX_INSERT)
                    .bind(m.person_id).bind(job.id).bind(&m.title).bind(&m.body)
                    .bind(&m.link).bind(now)
                    .execute(&mut *tx).await?;
            }
            for next in &effect.then {
                enqueue_in_tx!(tx, next, now);
            }
            tx.commit().await?;
            Ok(Finished::Done)
        })
    }

    /// Ends a claimed job without running it (its person is paused, say).
    /// Returns false when the lease was no longer held.
    pub async fn skip_job(&self, lease: &Lease, why: &str, now: i64) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query(SQL_FINISH)
            .bind(JobState::Skipped.as_str()).bind(now).bind(why).bind(lease.job.id)
            .bind(&lease.worker).bind(lease.lease_id)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Puts a claimed job back for a later moment (its person's hours moved it).
    /// Not a failure: the attempts stay as they are.
    pub async fn reschedule_job(&self, lease: &Lease, run_at: i64) -> Result<bool> {
        let sql = "UPDATE jobs SET state = 'scheduled', run_at = $1, lease_until = NULL, worker = NULL WHERE id = $2 AND state = 'running' AND worker = $3 AND lease_id = $4";
        let n = with_pool!(self, p => sqlx::query(sql)
            .bind(run_at).bind(lease.job.id).bind(&lease.worker).bind(lease.lease_id)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Records a failed run: tried again after [`retry_delay_ms`], or given up
    /// (`failed`) after `max_attempts`. Returns when it will run again, if it will.
    pub async fn fail_job(
        &self,
        lease: &Lease,
        error: &str,
        now: i64,
        max_attempts: i32,
    ) -> Result<Option<i64>> {
        let attempts = lease.job.attempts.saturating_add(1);
        let (state, run_at, done_at) = if attempts >= max_attempts {
            (JobState::Failed, lease.job.run_at, Some(now))
        } else {
            (
                JobState::Scheduled,
                now.saturating_add(retry_delay_ms(attempts)),
                None,
            )
        };
        let sql = "UPDATE jobs SET state = $1, run_at = $2, attempts = $3, last_error = $4, done_at = $5, lease_until = NULL, worker = NULL WHERE id = $6 AND state = 'running' AND worker = $7 AND lease_id = $8";
        let n = with_pool!(self, p => sqlx::query(sql)
            .bind(state.as_str()).bind(run_at).bind(attempts).bind(error).bind(done_at)
            .bind(lease.job.id).bind(&lease.worker).bind(lease.lease_id)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok((n > 0 && state == JobState::Scheduled).then_some(run_at))
    }

    /// Takes back jobs whose lease ran out (their worker stopped or hung), so
    /// another claim runs them. Returns how many.
    pub async fn reclaim_expired_leases(&self, now: i64) -> Result<u64> {
        let sql = "UPDATE jobs SET state = 'scheduled', last_error = 'lease expired (worker ' || worker || ')', worker = NULL, lease_until = NULL WHERE state = 'running' AND lease_until < $1";
        Ok(
            with_pool!(self, p => sqlx::query(sql).bind(now).execute(p).await.map(|r| r.rows_affected()))?,
        )
    }

    /// Skips a person's scheduled jobs (all of them, or those due before
    /// `due_before`). Returns how many.
    pub async fn skip_pending_jobs_of(
        &self,
        person: PersonId,
        due_before: Option<i64>,
        why: &str,
    ) -> Result<u64> {
        let sql = "UPDATE jobs SET state = 'skipped', last_error = $1, done_at = $2 WHERE person_id = $3 AND state = 'scheduled' AND run_at < $4";
        Ok(with_pool!(self, p => sqlx::query(sql)
            .bind(why).bind(crate::now_ms()).bind(person).bind(due_before.unwrap_or(i64::MAX))
            .execute(p).await.map(|r| r.rows_affected()))?)
    }

    /// Skips the job with this dedupe key if it has not run yet (a reminder whose
    /// reason is gone); false if there is none waiting.
    pub async fn skip_scheduled_job(&self, dedupe_key: &str, why: &str, now: i64) -> Result<bool> {
        let sql = "UPDATE jobs SET state = 'skipped', last_error = $1, done_at = $2 WHERE dedupe_key = $3 AND state = 'scheduled'";
        let n = with_pool!(self, p => sqlx::query(sql).bind(why).bind(now).bind(dedupe_key)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn job(&self, id: JobId) -> Result<Option<Job>> {
        let sql = concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = $1");
        let row: Option<JobRow> =
            with_pool!(self, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?;
        row.map(|r| r.parse().map(|(j, _)| j)).transpose()
    }

    /// A person's jobs, soonest first (what is scheduled for them and what became
    /// of it; only titles and times, for operators and tests).
    pub async fn jobs_of(&self, person: PersonId) -> Result<Vec<Job>> {
        let sql = concat!(
            "SELECT ",
            job_columns!(),
            " FROM jobs WHERE person_id = $1 ORDER BY run_at, id"
        );
        let rows: Vec<JobRow> =
            with_pool!(self, p => sqlx::query_as(sql).bind(person).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| r.parse().map(|(j, _)| j))
            .collect()
    }

    /// How many jobs are in each state, for metrics and tests.
    pub async fn count_jobs(&self, state: JobState) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM jobs WHERE state = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(state.as_str()).fetch_one(p).await)?)
    }
}

// Pauses, the inbox and channels.
impl Store {
    /// Whether a job for `person` due at `run_at` must not be delivered at `now`:
    /// they are paused now, or were when it came due (no backlog after a pause).
    pub async fn paused_for(&self, person: PersonId, now: i64, run_at: i64) -> Result<bool> {
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(SQL_PAUSED)
            .bind(person).bind(now).bind(run_at).fetch_one(p).await)?;
        Ok(n > 0)
    }

    /// The pause in force at `now`, if any.
    pub async fn current_pause(&self, person: PersonId, now: i64) -> Result<Option<Pause>> {
        let sql = "SELECT paused_at, until FROM pauses WHERE person_id = $1 AND paused_at <= $2 AND (until IS NULL OR until > $2) ORDER BY paused_at DESC LIMIT 1";
        Ok(
            with_pool!(self, p => sqlx::query_as(sql).bind(person).bind(now).fetch_optional(p).await)?,
        )
    }

    /// Pauses everything sent to a person from `now` until `until` (`None`: until
    /// they resume). Pausing while paused changes the end of the pause in force.
    pub async fn pause_person(&self, person: PersonId, now: i64, until: Option<i64>) -> Result<()> {
        let update = "UPDATE pauses SET until = $1 WHERE person_id = $2 AND paused_at <= $3 AND (until IS NULL OR until > $3)";
        let insert = "INSERT INTO pauses (person_id, paused_at, until) VALUES ($1, $2, $3)";
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(update).bind(until).bind(person).bind(now)
                .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                sqlx::query(insert).bind(person).bind(now).bind(until).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Ends the pause in force. Jobs that came due during the pause are skipped in
    /// the same transaction, so nothing held back arrives as a backlog. Returns
    /// whether a pause was in force.
    pub async fn resume_person(&self, person: PersonId, now: i64) -> Result<bool> {
        let end = "UPDATE pauses SET until = $1 WHERE person_id = $2 AND paused_at <= $1 AND (until IS NULL OR until > $1) RETURNING paused_at";
        let skip = "UPDATE jobs SET state = 'skipped', last_error = 'came due while paused', done_at = $1 WHERE person_id = $2 AND state = 'scheduled' AND run_at >= $3 AND run_at <= $1";
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let started: Option<i64> = sqlx::query_scalar(end).bind(now).bind(person)
                .fetch_optional(&mut *tx).await?;
            if let Some(started) = started {
                sqlx::query(skip).bind(now).bind(person).bind(started).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(started.is_some())
        })
    }

    /// The person's inbox, newest first.
    pub async fn inbox(&self, owner: Owner, limit: i64) -> Result<Vec<InboxMessage>> {
        let sql = "SELECT id, person_id, title, body, link, created_at, read_at FROM inbox_messages WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";
        Ok(with_pool!(self, p => sqlx::query_as(sql)
            .bind(owner.person_id()).bind(limit).fetch_all(p).await)?)
    }

    /// Marks one of the owner's messages read; false when it is not theirs.
    pub async fn mark_inbox_read(
        &self,
        owner: Owner,
        id: InboxMessageId,
        now: i64,
    ) -> Result<bool> {
        let sql = "UPDATE inbox_messages SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND person_id = $3";
        let n = with_pool!(self, p => sqlx::query(sql)
            .bind(now).bind(id).bind(owner.person_id())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// How many inbox messages a job wrote (0 or 1): what the tests of
    /// exactly-once delivery count, without reading anyone's messages.
    pub async fn inbox_messages_of_job(&self, job: JobId) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM inbox_messages WHERE job_id = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(job).fetch_one(p).await)?)
    }

    /// The channels a person chose (the runner's view, to deliver; nobody
    /// else's).
    pub async fn channels(&self, person: PersonId) -> Result<Channels> {
        let sql = "SELECT email, slack_user_id, webhook_url FROM notification_channels WHERE person_id = $1";
        let row: Option<Channels> =
            with_pool!(self, p => sqlx::query_as(sql).bind(person).fetch_optional(p).await)?;
        Ok(row.unwrap_or_default())
    }

    /// Sets the owner's channels.
    pub async fn set_channels(&self, owner: Owner, channels: &Channels) -> Result<()> {
        let sql = "INSERT INTO notification_channels (person_id, email, slack_user_id, webhook_url, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id) DO UPDATE SET email = excluded.email, slack_user_id = excluded.slack_user_id, webhook_url = excluded.webhook_url, updated_at = excluded.updated_at";
        with_pool!(self, p => sqlx::query(sql)
            .bind(owner.person_id()).bind(channels.email).bind(&channels.slack_user_id)
            .bind(&channels.webhook_url).bind(crate::now_ms())
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// A secret the server keeps in the database so every process shares it:
    /// the stored one, or `fresh` if none was stored yet (the first writer wins).
    pub async fn server_key(&self, name: &str, fresh: &str) -> Result<String> {
        let insert = "INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
        let select = "SELECT secret FROM server_keys WHERE name = $1";
        with_pool!(self, p => {
            sqlx::query(insert).bind(name).bind(fresh).bind(crate::now_ms()).execute(p).await?;
            Ok(sqlx::query_scalar(select).bind(name).fetch_one(p).await?)
        })
    }
}
