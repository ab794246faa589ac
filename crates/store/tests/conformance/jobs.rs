//! Durable jobs on SQLite and PostgreSQL: idempotent enqueue, leases that only
//! their holder can finish, effects written with the completion, retries with
//! backoff, expired leases taken back, pauses that stop a job at once and leave
//! no backlog, and concurrent claimers that never share a job.

use std::collections::HashSet;

use aftercare_store::*;

use super::run;

conformance!(
    enqueue_is_idempotent_by_dedupe_key,
    only_due_jobs_are_claimed_and_only_the_holder_finishes,
    completion_writes_the_inbox_message_and_follow_ups_once,
    failures_retry_with_backoff_then_give_up,
    expired_leases_are_taken_back,
    rescheduling_and_cancelling,
    a_pause_stops_jobs_at_once_and_resuming_sends_no_backlog,
    concurrent_claimers_never_share_a_job,
    channels_and_server_keys,
);

async fn someone(store: &Store, email: &str) -> PersonId {
    let (p, _) = store
        .upsert_person(&NewPerson {
            name: "Someone".into(),
            email: email.into(),
            hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
        })
        .await
        .unwrap();
    p.id
}

fn message(person: PersonId, run_at: i64, key: &str) -> NewJob {
    NewJob {
        kind: JobKind::Message,
        payload: serde_json::json!({"title": "t", "body": "b", "link": null}),
        person_id: Some(person),
        run_at,
        dedupe_key: key.into(),
    }
}

fn inbox_for(person: PersonId, title: &str) -> Completion {
    Completion {
        inbox: Some(NewInboxMessage {
            person_id: person,
            title: title.into(),
            body: "body".into(),
            link: None,
        }),
        then: vec![],
    }
}

async fn enqueue_is_idempotent_by_dedupe_key(store: Store) {
    let p = someone(&store, "a@example.com").await;
    let (first, made) = store.enqueue_job(&message(p, 10, "k1")).await.unwrap();
    assert!(made);
    let (again, made) = store.enqueue_job(&message(p, 99, "k1")).await.unwrap();
    assert!(!made, "the same key is enqueued once");
    assert_eq!(first, again);
    let job = store.job(first).await.unwrap().unwrap();
    assert_eq!(job.run_at, 10, "the first enqueue's moment is kept");
    assert_eq!(job.kind, JobKind::Message);
    assert_eq!(job.state, JobState::Scheduled);
    assert_eq!(job.payload["title"], "t");
}

async fn only_due_jobs_are_claimed_and_only_the_holder_finishes(store: Store) {
    let p = someone(&store, "a@example.com").await;
    let (due, _) = store.enqueue_job(&message(p, 100, "due")).await.unwrap();
    store
        .enqueue_job(&message(p, 1_000_000, "later"))
        .await
        .unwrap();
    let claimed = store.claim_jobs("w1", 500, 60_000, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].job.id, due);
    assert!(
        store
            .claim_jobs("w2", 500, 60_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "a running job is not claimed again while its lease holds"
    );
    // A second worker's lease on the same row cannot be forged: w1's lease is
    // taken back and claimed by w2, after which w1 cannot finish it.
    assert_eq!(store.reclaim_expired_leases(60_501).await.unwrap(), 1);
    let taken = store.claim_jobs("w2", 60_501, 60_000, 10).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(
        store
            .complete_job(&claimed[0], &inbox_for(p, "old"), 60_600)
            .await
            .unwrap(),
        Finished::LeaseLost
    );
    assert_eq!(store.inbox_messages_of_job(due).await.unwrap(), 0);
    assert_eq!(
        store
            .complete_job(&taken[0], &inbox_for(p, "new"), 60_700)
            .await
            .unwrap(),
        Finished::Done
    );
    assert_eq!(store.inbox_messages_of_job(due).await.unwrap(), 1);
    let job = store.job(due).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Done);
    assert_eq!(job.done_at, Some(60_700));
}

async fn completion_writes_the_inbox_message_and_follow_ups_once(store: Store) {
    let p = someone(&store, "a@example.com").await;
    let (id, _) = store.enqueue_job(&message(p, 0, "m")).await.unwrap();
    let lease = store.claim_jobs("w", 1, 60_000, 1).await.unwrap().remove(0);
    let mut effect = inbox_for(p, "Hello");
    effect.then.push(NewJob {
        kind: JobKind::Email,
        payload: serde_json::json!({"to": "a@example.com"}),
        person_id: Some(p),
        run_at: 1,
        dedupe_key: "m:email".into(),
    });
    assert_eq!(
        store.complete_job(&lease, &effect, 2).await.unwrap(),
        Finished::Done
    );
    assert_eq!(
        store.complete_job(&lease, &effect, 3).await.unwrap(),
        Finished::LeaseLost,
        "a finished job cannot be finished again"
    );
    assert_eq!(store.inbox_messages_of_job(id).await.unwrap(), 1);
    let jobs = store.jobs_of(p).await.unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[1].kind, JobKind::Email);
    assert_eq!(jobs[1].state, JobState::Scheduled);
}

async fn failures_retry_with_backoff_then_give_up(store: Store) {
    let p = someone(&store, "a@example.com").await;
    let (id, _) = store.enqueue_job(&message(p, 0, "f")).await.unwrap();
    let mut now = 1;
    for attempt in 1..=2 {
        let lease = store
            .claim_jobs("w", now, 60_000, 1)
            .await
            .unwrap()
            .remove(0);
        let next = store.fail_job(&lease, "smtp down", now, 3).await.unwrap();
        assert_eq!(next, Some(now + retry_delay_ms(attempt)));
        assert!(
            store
                .claim_jobs("w", now, 60_000, 1)
                .await
                .unwrap()
                .is_empty(),
            "not before its backoff"
        );
        now = next.unwrap();
    }
    let lease = store
        .claim_jobs("w", now, 60_000, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        store.fail_job(&lease, "still down", now, 3).await.unwrap(),
        None
    );
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Failed);
    assert_eq!(job.attempts, 3);
    assert_eq!(job.last_error.as_deref(), Some("still down"));
    assert_eq!(retry_delay_ms(1), 30_000);
    assert_eq!(retry_delay_ms(2), 60_000);
    assert_eq!(retry_delay_ms(50), 3_600_000);
}

async fn expired_leases_are_taken_back(store: Store) {
    let p = someone(&store, "a@example.com").await;
    let (id, _) = store.enqueue_job(&message(p, 0, "x")).await.unwrap();
    store.claim_jobs("dead", 1, 1_000, 1).await.unwrap();
    assert_eq!(store.reclaim_expired_leases(500).await.unwrap(), 0);
    assert_eq!(store.reclaim_expired_leases(1_002).await.unwrap(), 1);
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Scheduled);
    assert!(job.last_error.unwrap().contains("dead"));
}

async fn rescheduling_and_cancelling(store: Store) {
    let p = someone(&store, "a@example.com").await;
    let q = someone(&store, "b@example.com").await;
    let (id, _) = store.enqueue_job(&message(p, 0, "r")).await.unwrap();
    let lease = store.claim_jobs("w", 1, 60_000, 1).await.unwrap().remove(0);
    assert!(store.reschedule_job(&lease, 50_000).await.unwrap());
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(
        (job.state, job.run_at, job.attempts),
        (JobState::Scheduled, 50_000, 0)
    );
    assert!(
        store
            .claim_jobs("w", 49_999, 60_000, 1)
            .await
            .unwrap()
            .is_empty()
    );
    store.enqueue_job(&message(p, 70_000, "r2")).await.unwrap();
    store.enqueue_job(&message(q, 0, "other")).await.unwrap();
    assert_eq!(
        store
            .skip_pending_jobs_of(p, Some(60_000), "cancelled")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .skip_pending_jobs_of(p, None, "cancelled")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        JobState::Skipped
    );
    let others = store.jobs_of(q).await.unwrap();
    assert_eq!(
        others[0].state,
        JobState::Scheduled,
        "only that person's jobs"
    );
}

async fn a_pause_stops_jobs_at_once_and_resuming_sends_no_backlog(store: Store) {
    let p = someone(&store, "a@example.com").await;
    // Claimed before the pause, finished after it: the pause wins.
    let (early, _) = store.enqueue_job(&message(p, 100, "early")).await.unwrap();
    let lease = store
        .claim_jobs("w", 150, 60_000, 1)
        .await
        .unwrap()
        .remove(0);
    store.pause_person(p, 200, None).await.unwrap();
    assert_eq!(
        store.current_pause(p, 250).await.unwrap(),
        Some(Pause {
            paused_at: 200,
            until: None
        })
    );
    assert_eq!(
        store
            .complete_job(&lease, &inbox_for(p, "x"), 300)
            .await
            .unwrap(),
        Finished::SkippedPaused
    );
    assert_eq!(store.inbox_messages_of_job(early).await.unwrap(), 0);
    // Due while paused and never looked at by a runner; and one due after.
    let (during, _) = store.enqueue_job(&message(p, 400, "during")).await.unwrap();
    let (after, _) = store
        .enqueue_job(&message(p, 9_000, "after"))
        .await
        .unwrap();
    assert!(store.resume_person(p, 1_000).await.unwrap());
    assert!(
        !store.resume_person(p, 1_001).await.unwrap(),
        "already resumed"
    );
    assert_eq!(store.current_pause(p, 1_002).await.unwrap(), None);
    assert_eq!(
        store.job(during).await.unwrap().unwrap().state,
        JobState::Skipped
    );
    let lease = store.claim_jobs("w", 9_000, 60_000, 5).await.unwrap();
    assert_eq!(lease.len(), 1);
    assert_eq!(lease[0].job.id, after);
    assert_eq!(
        store
            .complete_job(&lease[0], &inbox_for(p, "y"), 9_001)
            .await
            .unwrap(),
        Finished::Done
    );
    // A pause for a span that ended while no runner ran: what came due inside it
    // is still skipped when it is finally claimed.
    store.pause_person(p, 10_000, Some(20_000)).await.unwrap();
    store.pause_person(p, 11_000, Some(21_000)).await.unwrap();
    assert_eq!(
        store.current_pause(p, 11_500).await.unwrap(),
        Some(Pause {
            paused_at: 10_000,
            until: Some(21_000)
        }),
        "pausing while paused moves the end"
    );
    let (inside, _) = store
        .enqueue_job(&message(p, 15_000, "inside"))
        .await
        .unwrap();
    assert!(
        store.paused_for(p, 30_000, 15_000).await.unwrap(),
        "came due while paused"
    );
    assert!(!store.paused_for(p, 30_000, 25_000).await.unwrap());
    let lease = store.claim_jobs("w", 30_000, 60_000, 5).await.unwrap();
    assert_eq!(
        store
            .complete_job(&lease[0], &inbox_for(p, "z"), 30_000)
            .await
            .unwrap(),
        Finished::SkippedPaused
    );
    assert_eq!(store.inbox_messages_of_job(inside).await.unwrap(), 0);
}

async fn concurrent_claimers_never_share_a_job(store: Store) {
    let p = someone(&store, "a@example.com").await;
    const N: usize = 60;
    for i in 0..N {
        store
            .enqueue_job(&message(p, 0, &format!("c{i}")))
            .await
            .unwrap();
    }
    // Four claimers, each with its own pool as separate processes would have.
    let mut tasks = Vec::new();
    for w in 0..4 {
        let other = Store::connect(store.url()).await.unwrap();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = other
                    .claim_jobs(&format!("w{w}"), 1, 60_000, 3)
                    .await
                    .unwrap();
                if got.is_empty() {
                    break;
                }
                for lease in got {
                    let done = other
                        .complete_job(&lease, &Completion::default(), 2)
                        .await
                        .unwrap();
                    assert_eq!(done, Finished::Done);
                    mine.push(lease.job.id);
                }
                tokio::task::yield_now().await;
            }
            other.close().await;
            mine
        }));
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for t in tasks {
        for id in t.await.unwrap() {
            total += 1;
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(total, N);
    assert_eq!(store.count_jobs(JobState::Done).await.unwrap(), N as i64);
}

async fn channels_and_server_keys(store: Store) {
    let p = someone(&store, "a@example.com").await;
    assert_eq!(store.channels(p).await.unwrap(), Channels::default());
    assert_eq!(store.server_key("k", "first").await.unwrap(), "first");
    assert_eq!(
        store.server_key("k", "second").await.unwrap(),
        "first",
        "the first stored key is every process's key"
    );
}
