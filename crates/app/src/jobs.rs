//! The job runner: each `aftercare serve` process runs one, with its own worker id.
//! It takes back expired leases, claims due jobs, and hands each to the handler
//! its kind is registered with. Before any job addressed to a person runs, the
//! runner checks them again (hours and pauses change after a job is enqueued):
//! paused, it is skipped; inside their sleep window or outside their working
//! time, it moves to [`aftercare_care::next_allowed`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use aftercare_store::{Completion, Finished, JobKind, Lease, Store};
use jiff::Timestamp;

use crate::channels::{self, Delivery};
use crate::error::{AppError, Result};

/// What a handler decided.
#[derive(Debug)]
pub enum Outcome {
    /// Done: write this effect with the completion.
    Complete(Completion),
    /// Not now: run again at this instant (ms).
    Reschedule(i64),
    /// Not at all, for this reason.
    Skip(String),
    /// It failed; try again after a backoff (or give up after the last attempt).
    Retry(String),
}

type HandlerFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;
type Handler = Arc<dyn Fn(Arc<Context>, Lease) -> HandlerFuture + Send + Sync>;

/// What handlers share.
pub struct Context {
    pub store: Store,
    pub delivery: Delivery,
}

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// This process's name in leases (host and process id by default).
    pub worker: String,
    pub poll: Duration,
    /// How long a claim holds; a worker that dies loses its jobs to others after it.
    pub lease: Duration,
    pub batch: i64,
    pub max_attempts: i32,
    /// Whether each pass enqueues the quarter hour's rest sweep (kept once across
    /// servers by its key). On in `aftercare serve`; off by default so that a runner
    /// made for one purpose runs only what it is given.
    pub rest_sweep: bool,
}

impl RunnerConfig {
    pub fn new(worker: impl Into<String>) -> RunnerConfig {
        RunnerConfig {
            worker: worker.into(),
            poll: Duration::from_secs(5),
            lease: Duration::from_secs(120),
            batch: 20,
            max_attempts: 8,
            rest_sweep: false,
        }
    }

    /// A worker id unique to this process: the host name, the process id and
    /// a random part (two processes in one container share a pid namespace).
    pub fn default_worker() -> String {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "aftercare".into());
        format!(
            "{host}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        )
    }
}

/// How one pass went, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub claimed: usize,
    pub done: usize,
    pub rescheduled: usize,
    pub skipped: usize,
    pub retried: usize,
    pub lost: usize,
}

pub struct Runner {
    config: RunnerConfig,
    context: Arc<Context>,
    handlers: HashMap<JobKind, Handler>,
    /// The quarter hour whose rest sweep this runner last enqueued: one write per
    /// quarter hour, not one per poll.
    swept: std::sync::atomic::AtomicI64,
}

impl Runner {
    /// A runner with the built-in kinds registered: messages and the sends over
    /// each channel.
    pub fn new(store: Store, delivery: Delivery, config: RunnerConfig) -> Runner {
        let mut runner = Runner {
            config,
            context: Arc::new(Context { store, delivery }),
            handlers: HashMap::new(),
            swept: std::sync::atomic::AtomicI64::new(i64::MIN),
        };
        runner.register(JobKind::Message, |cx, lease| {
            Box::pin(async move { channels::deliver_message(&cx, &lease).await })
        });
        runner.register(JobKind::IncidentCare, |cx, lease| {
            Box::pin(async move { crate::care::run_incident_care(&cx, &lease).await })
        });
        runner.register(JobKind::Handoff, |cx, lease| {
            Box::pin(async move { crate::care::run_handoff(&cx, &lease).await })
        });
        runner.register(JobKind::RestSweep, |cx, _lease| {
            Box::pin(async move {
                match crate::rest::sweep(&cx.store, Timestamp::now()).await {
                    Ok(_) => Outcome::Complete(aftercare_store::Completion::default()),
                    Err(e) => Outcome::Retry(e.to_string()),
                }
            })
        });
        for kind in [JobKind::Email, JobKind::Slack, JobKind::Webhook] {
            runner.register(kind, |cx, lease| {
                Box::pin(async move { channels::send(&cx, &lease).await })
            });
        }
        runner
    }

    /// Registers (or replaces) the handler of a kind.
    pub fn register<F>(&mut self, kind: JobKind, handler: F)
    where
        F: Fn(Arc<Context>, Lease) -> HandlerFuture + Send + Sync + 'static,
    {
        self.handlers.insert(kind, Arc::new(handler));
    }

    pub fn worker(&self) -> &str {
        &self.config.worker
    }

    /// One pass: take back expired leases, claim what is due, run it.
    pub async fn tick(&self, now: Timestamp) -> Result<Tick> {
        let store = &self.context.store;
        let now_ms = now.as_millisecond();
        let reclaimed = store.reclaim_expired_leases(now_ms).await?;
        if reclaimed > 0 {
            tracing::warn!(reclaimed, "took back jobs whose lease ran out");
        }
        let bucket = crate::rest::sweep_bucket(now);
        if self.config.rest_sweep && self.swept.load(std::sync::atomic::Ordering::Relaxed) != bucket
        {
            store
                .enqueue_job(&aftercare_store::NewJob {
                    kind: JobKind::RestSweep,
                    payload: serde_json::Value::Null,
                    person_id: None,
                    run_at: now_ms,
                    dedupe_key: crate::rest::sweep_key(now),
                })
                .await?;
            self.swept
                .store(bucket, std::sync::atomic::Ordering::Relaxed);
        }
        let lease_ms = i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX);
        let leases = store
            .claim_jobs(&self.config.worker, now_ms, lease_ms, self.config.batch)
            .await?;
        let mut tick = Tick {
            claimed: leases.len(),
            ..Tick::default()
        };
        for lease in leases {
            let outcome = self.outcome(&lease, now).await;
            self.record(&lease, outcome, &mut tick).await?;
        }
        Ok(tick)
    }

    async fn outcome(&self, lease: &Lease, now: Timestamp) -> Outcome {
        match self.gate(lease, now).await {
            Ok(Some(outcome)) => return outcome,
            Ok(None) => {}
            Err(e) => return Outcome::Retry(e.to_string()),
        }
        match self.handlers.get(&lease.job.kind) {
            Some(h) => h(self.context.clone(), lease.clone()).await,
            None => Outcome::Skip(format!("no handler for {}", lease.job.kind.as_str())),
        }
    }

    /// The checks every job addressed to a person passes first, whatever its kind.
    async fn gate(&self, lease: &Lease, now: Timestamp) -> Result<Option<Outcome>> {
        let Some(person_id) = lease.job.person_id else {
            return Ok(None);
        };
        let store = &self.context.store;
        let Some(person) = store.person(person_id).await? else {
            return Ok(Some(Outcome::Skip("person gone".into())));
        };
        if !person.is_active() {
            return Ok(Some(Outcome::Skip("person deactivated".into())));
        }
        // Before the hours check: a job that came due during a pause must be
        // skipped, not moved past the pause's end and delivered as a backlog.
        if store
            .paused_for(person_id, now.as_millisecond(), lease.job.run_at)
            .await?
        {
            return Ok(Some(Outcome::Skip("paused".into())));
        }
        Ok(recheck_hours(&person.hours, now))
    }

    async fn record(&self, lease: &Lease, outcome: Outcome, tick: &mut Tick) -> Result<()> {
        let store = &self.context.store;
        let now = Timestamp::now().as_millisecond();
        let id = lease.job.id;
        match outcome {
            Outcome::Complete(effect) => match store.complete_job(lease, &effect, now).await? {
                Finished::Done => tick.done += 1,
                Finished::SkippedPaused => tick.skipped += 1,
                Finished::LeaseLost => {
                    tracing::warn!(job = %id, "lease lost before completion; another worker has it");
                    tick.lost += 1;
                }
            },
            Outcome::Reschedule(at) => {
                store.reschedule_job(lease, at).await?;
                tick.rescheduled += 1;
            }
            Outcome::Skip(why) => {
                store.skip_job(lease, &why, now).await?;
                tick.skipped += 1;
            }
            Outcome::Retry(error) => {
                tracing::warn!(job = %id, kind = lease.job.kind.as_str(), %error, "job failed");
                store
                    .fail_job(lease, &error, now, self.config.max_attempts)
                    .await?;
                tick.retried += 1;
            }
        }
        Ok(())
    }

    /// Runs until `shutdown` resolves, one pass every poll interval. A failed
    /// pass (the database away for a moment) is logged and the next one tries
    /// again: the jobs wait in the database.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tracing::info!(worker = %self.config.worker, poll_ms = self.config.poll.as_millis() as u64, "job runner started");
        tokio::pin!(shutdown);
        let mut interval = tokio::time::interval(self.config.poll);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = interval.tick() => {
                    if let Err(e) = self.tick(Timestamp::now()).await {
                        tracing::error!(error = %e, "job runner pass failed");
                    }
                }
            }
        }
        tracing::info!(worker = %self.config.worker, "job runner stopped");
    }
}

/// The runner's re-check of a person's hours at the moment of delivery: `None`
/// when a message may go now, else when to try instead (or why never).
pub fn recheck_hours(hours: &aftercare_care::PersonHours, now: Timestamp) -> Option<Outcome> {
    if aftercare_care::is_allowed(hours, now) {
        return None;
    }
    Some(match aftercare_care::next_allowed(hours, now) {
        Ok(at) => Outcome::Reschedule(at.as_millisecond()),
        Err(e) => Outcome::Skip(e.to_string()),
    })
}

impl From<AppError> for Outcome {
    fn from(e: AppError) -> Outcome {
        Outcome::Retry(e.to_string())
    }
}
