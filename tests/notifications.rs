//! Messages to people end to end: several runners on one database deliver each
//! message once; a `kill -9` of `aftercare serve` and a restart lose none and
//! repeat none; no message reaches anyone in their sleep window or outside their
//! working time; pausing stops everything at once and resuming sends no backlog;
//! the one-click pause link pauses only on its POST.

use std::time::Duration;

use aftercare_app::accounts;
use aftercare_app::channels::Delivery;
use aftercare_app::jobs::{Outcome, Runner, RunnerConfig, recheck_hours};
use aftercare_app::notify::{self, Message};
use aftercare_burden::{DailyWindow, PersonHours, WorkingDays};
use aftercare_store::testing::TestDatabase;
use aftercare_store::{Backend, JobId, JobState, PersonId, Store};
use jiff::Timestamp;

use crate::common::{always, new_person, spawn_app};

async fn person_always(store: &Store, email: &str) -> PersonId {
    let mut p = new_person("Robin", email, "UTC");
    p.hours = always();
    store.upsert_person(&p).await.unwrap().0.id
}

fn msg(i: usize) -> Message {
    Message {
        title: format!("Check-in {i}"),
        body: "How are you doing after the incident?".into(),
        link: Some("/inbox".into()),
    }
}

fn runner(store: Store, worker: &str) -> Runner {
    let mut config = RunnerConfig::new(worker);
    config.poll = Duration::from_millis(20);
    config.lease = Duration::from_secs(30);
    config.batch = 4;
    Runner::new(store, Delivery::new("http://127.0.0.1:1"), config)
}

async fn wait_until_none_scheduled(store: &Store, within: Duration) {
    let start = std::time::Instant::now();
    // The two counts are two queries: a job whose lease expired can move from running
    // back to scheduled between them and be missed by both, so "none pending" must be
    // seen on two polls in a row.
    let mut quiet = 0;
    loop {
        let pending = store.count_jobs(JobState::Scheduled).await.unwrap()
            + store.count_jobs(JobState::Running).await.unwrap();
        quiet = if pending == 0 { quiet + 1 } else { 0 };
        if quiet >= 2 {
            return;
        }
        assert!(start.elapsed() < within, "{pending} jobs still pending");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn two_runners_deliver_each_message_exactly_once(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store().await.unwrap();
    let person = person_always(&store, "robin@example.com").await;
    const N: usize = 40;
    let mut ids = Vec::new();
    let past = Timestamp::now() - jiff::SignedDuration::from_secs(60);
    for i in 0..N {
        ids.push(
            notify::schedule(&store, person, &msg(i), past, &format!("t:{i}"))
                .await
                .unwrap(),
        );
    }
    // Scheduling again with the same keys changes nothing.
    for i in 0..N {
        notify::schedule(&store, person, &msg(i), past, &format!("t:{i}"))
            .await
            .unwrap();
    }
    // Two processes' worth: each its own pool and worker id.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    for w in ["one", "two"] {
        let own = Store::connect(&db.url).await.unwrap();
        let mut rx = stopped.clone();
        tasks.push(tokio::spawn(runner(own.clone(), w).run(async move {
            let _ = rx.wait_for(|s| *s).await;
        })));
    }
    wait_until_none_scheduled(&store, Duration::from_secs(60)).await;
    let _ = stop.send(true);
    for t in tasks {
        t.await.unwrap();
    }
    assert_exactly_once(&store, &ids).await;
    let workers: std::collections::HashSet<_> = store
        .jobs_of(person)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|j| j.worker)
        .collect();
    assert!(!workers.is_empty());
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn assert_exactly_once(store: &Store, ids: &[JobId]) {
    for id in ids {
        let job = store.job(*id).await.unwrap().unwrap();
        assert_eq!(job.state, JobState::Done, "job {id}: {:?}", job.last_error);
        assert_eq!(
            store.inbox_messages_of_job(*id).await.unwrap(),
            1,
            "message of job {id} delivered once"
        );
    }
}

crate::on_both!(
    two_runners_deliver_each_message_exactly_once,
    pause_stops_everything_and_resume_sends_no_backlog,
);

/// `kill -9` of a real `aftercare serve` mid-run, then a restart: every message is
/// delivered, none twice.
#[tokio::test]
async fn a_killed_server_loses_and_repeats_nothing() {
    let db = TestDatabase::new(Backend::Postgres).await.unwrap();
    let store = db.store().await.unwrap();
    let person = person_always(&store, "kim@example.com").await;
    const N: usize = 300;
    let past = Timestamp::now() - jiff::SignedDuration::from_secs(60);
    let mut ids = Vec::new();
    for i in 0..N {
        ids.push(
            notify::schedule(&store, person, &msg(i), past, &format!("k:{i}"))
                .await
                .unwrap(),
        );
    }
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_aftercare"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("AFTERCARE_DATABASE_URL", &db.url)
            .env("AFTERCARE_JOBS_POLL_MS", "10")
            .env("AFTERCARE_JOBS_LEASE_MS", "1500")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("aftercare serve starts")
    };
    let mut first = spawn();
    // Kill it once it is part-way through.
    let start = std::time::Instant::now();
    loop {
        let done = store.count_jobs(JobState::Done).await.unwrap();
        if done >= 5 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no job ran");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let done_at_kill = store.count_jobs(JobState::Done).await.unwrap();
    let mut second = spawn();
    wait_until_none_scheduled(&store, Duration::from_secs(90)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(
        (done_at_kill as usize) < N,
        "the first server finished everything before it was killed; raise N"
    );
    assert_exactly_once(&store, &ids).await;
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn pause_stops_everything_and_resume_sends_no_backlog(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let person = person_always(s, "sam@example.com").await;
    let session = accounts::start_session(s, person).await.unwrap();
    let actor = accounts::by_session(s, &session.cookie)
        .await
        .unwrap()
        .unwrap();
    let token = accounts::create_own_token(s, &actor, "test")
        .await
        .unwrap()
        .token;
    let empty = app
        .client
        .get(app.url("/inbox"))
        .header("cookie", format!("aftercare_session={}", session.cookie))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        empty.contains("Nothing here yet"),
        "the inbox's empty state"
    );
    assert!(
        empty.contains("Pause every check-in"),
        "and its pause control"
    );
    let past = Timestamp::now() - jiff::SignedDuration::from_secs(60);
    let first = notify::schedule(s, person, &msg(0), past, "p:0")
        .await
        .unwrap();
    let res = app
        .client
        .post(app.url("/api/v1/me/pause"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"until": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let bad = app
        .client
        .post(app.url("/api/v1/me/pause"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"until": "tomorrow"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("until"));
    let second = notify::schedule(s, person, &msg(1), past, "p:1")
        .await
        .unwrap();
    let r = runner(s.clone(), "w");
    let tick = r.tick(Timestamp::now()).await.unwrap();
    assert_eq!(tick.skipped, 2, "{tick:?}");
    assert_eq!(s.inbox_messages_of_job(first).await.unwrap(), 0);
    // Due while paused, not yet looked at when the person resumes.
    let third = notify::schedule(s, person, &msg(2), Timestamp::now(), "p:2")
        .await
        .unwrap();
    let res = app
        .client
        .delete(app.url("/api/v1/me/pause"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    r.tick(Timestamp::now()).await.unwrap();
    for id in [first, second, third] {
        assert_eq!(s.job(id).await.unwrap().unwrap().state, JobState::Skipped);
        assert_eq!(s.inbox_messages_of_job(id).await.unwrap(), 0);
    }
    // What is scheduled after resuming arrives.
    let later = Timestamp::now() + jiff::SignedDuration::from_millis(5);
    notify::schedule(s, person, &msg(3), later, "p:3")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(r.tick(Timestamp::now()).await.unwrap().done, 1);
    let inbox: serde_json::Value = app
        .client
        .get(app.url("/api/v1/me/inbox"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["messages"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["messages"][0]["title"], "Check-in 3");
    assert_eq!(inbox["unread"], 1);
    // The admin sees nobody's inbox.
    let admin = app.get("/api/v1/me/inbox").await;
    assert_eq!(admin.status(), 403);

    // The pause link: GET shows a button and pauses nothing; POST pauses.
    let link = notify::pause_token(s, person).await.unwrap();
    let page = app
        .client
        .get(app.url(&format!("/pause/{link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Pause my messages"));
    assert!(
        s.current_pause(person, Timestamp::now().as_millisecond())
            .await
            .unwrap()
            .is_none(),
        "opening the link pauses nothing"
    );
    let done = app
        .client
        .post(app.url(&format!("/pause/{link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(
        s.current_pause(person, Timestamp::now().as_millisecond())
            .await
            .unwrap()
            .is_some()
    );
    let forged = app
        .client
        .post(app.url(&format!("/pause/{}.00", person)))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
    app.stop().await;
}

/// Whatever the zone (DST ones included), hours and moment, a message the runner
/// lets through is inside working time and outside the sleep window: the
/// runner's re-check either lets it go now (only when allowed) or moves it to
/// `next_allowed`, and following those moves ends at an allowed moment.
#[test]
fn no_message_is_delivered_in_sleep_or_outside_working_time() {
    use proptest::prelude::*;
    const ZONES: [&str; 8] = [
        "UTC",
        "Europe/London",
        "America/New_York",
        "America/Sao_Paulo",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "Pacific/Apia",
        "America/St_Johns",
    ];
    let hhmm = (0u32..24, prop::sample::select(vec![0u32, 15, 30, 45]))
        .prop_map(|(h, m)| format!("{h:02}:{m:02}"));
    let strategy = (
        prop::sample::select(ZONES.to_vec()),
        1u8..128,
        hhmm.clone(),
        hhmm.clone(),
        hhmm.clone(),
        hhmm,
        // 2020-01-01 to 2030-01-01, by the minute.
        1_577_836_800i64..1_893_456_000i64,
    );
    proptest!(ProptestConfig::with_cases(2_000), |(case in strategy)| {
        let (zone, days, ws, we, ss, se, at) = case;
        let (Ok(working_hours), Ok(sleep_window)) = (DailyWindow::parse(&ws, &we), DailyWindow::parse(&ss, &se)) else {
            return Ok(());
        };
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let list: Vec<&str> = (0..7).filter(|b| days & (1 << b) != 0).map(|b| names[b]).collect();
        let working_days: WorkingDays = list.join(",").parse().unwrap();
        let hours = PersonHours {
            time_zone: jiff::tz::TimeZone::get(zone).unwrap(),
            working_days,
            working_hours,
            sleep_window,
        };
        let mut t = Timestamp::from_second(at).unwrap();
        let start = t;
        // The runner moves a message at most a few times before it goes.
        for _ in 0..4 {
            match recheck_hours(&hours, t) {
                None => {
                    prop_assert!(aftercare_care::is_allowed(&hours, t));
                    let c = hours.classify(t).category;
                    prop_assert_eq!(c, aftercare_burden::Category::Business);
                    prop_assert!(t >= start);
                    return Ok(());
                }
                Some(Outcome::Reschedule(next)) => {
                    let next = Timestamp::from_millisecond(next).unwrap();
                    prop_assert!(next > t);
                    t = next;
                }
                Some(Outcome::Skip(_)) => return Ok(()),
                Some(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }
        prop_assert!(false, "still not delivered after four moves");
    });
}

/// A request the HTTP stand-in received.
#[derive(Debug)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A stand-in for Slack's Web API and a person's webhook: answers every request
/// with Slack's `{"ok":true}` and hands it to the test.
async fn http_stand_in() -> (u16, tokio::sync::mpsc::UnboundedReceiver<Received>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head_end, length) = loop {
                    let n = socket.read(&mut chunk).await.unwrap();
                    assert!(n > 0, "request ended early");
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap())
                            .unwrap_or(0);
                        break (i + 4, length);
                    }
                };
                while buf.len() < head_end + length {
                    let n = socket.read(&mut chunk).await.unwrap();
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let mut lines = head.lines();
                let path = lines
                    .next()
                    .and_then(|l| l.split(' ').nth(1))
                    .unwrap_or("")
                    .to_string();
                let headers = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .collect();
                let body = buf[head_end..head_end + length].to_vec();
                let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}";
                socket.write_all(answer.as_bytes()).await.unwrap();
                let _ = tx.send(Received {
                    path,
                    headers,
                    body,
                });
            });
        }
    });
    (port, rx)
}

/// Email over a real SMTP server, a Slack direct message and a signed webhook:
/// each to the person alone, each with the pause link; a Slack channel id is
/// refused and the refusal stores nothing.
#[tokio::test]
async fn channels_reach_the_person_alone_with_the_pause_link() {
    use aftercare_app::channels::{self, ChannelSettings, SlackConfig, webhook_signature};
    let smtp = crate::smtp_server::SmtpServer::start();
    let (port, mut requests) = http_stand_in().await;
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let store = db.store().await.unwrap();
    let person = person_always(&store, "ada@example.com").await;
    let session = accounts::start_session(&store, person).await.unwrap();
    let actor = accounts::by_session(&store, &session.cookie)
        .await
        .unwrap()
        .unwrap();
    let owner = actor.owner().unwrap();
    let chosen = ChannelSettings {
        email: true,
        slack_user_id: Some("U012ABCDEF".into()),
        webhook_url: Some(format!("http://127.0.0.1:{port}/hook")),
    };
    channels::set_channels(&store, owner, &chosen)
        .await
        .unwrap();
    let shared = ChannelSettings {
        slack_user_id: Some("C024BE91L".into()),
        ..chosen.clone()
    };
    let refused = channels::set_channels(&store, owner, &shared)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("slack_user_id"), "{refused}");
    assert_eq!(
        channels::channels_of(&store, owner)
            .await
            .unwrap()
            .slack_user_id
            .as_deref(),
        Some("U012ABCDEF"),
        "a refused change stores nothing"
    );

    let mut delivery = Delivery::new("https://aftercare.example/");
    delivery.mailer = Some(smtp.mailer());
    delivery.slack = Some(SlackConfig {
        token: "xoxb-test".into(),
        base_url: format!("http://127.0.0.1:{port}/api"),
    });
    delivery.webhook_secret = Some("whsec-test".into());
    let r = Runner::new(store.clone(), delivery, RunnerConfig::new("w"));
    let past = Timestamp::now() - jiff::SignedDuration::from_secs(60);
    notify::schedule(&store, person, &msg(7), past, "c:7")
        .await
        .unwrap();
    let first = r.tick(Timestamp::now()).await.unwrap();
    assert_eq!(first.done, 1, "{first:?}");
    let second = r.tick(Timestamp::now()).await.unwrap();
    assert_eq!(second.done, 3, "email, Slack and webhook: {second:?}");
    let pause = notify::pause_token(&store, person).await.unwrap();
    let pause_url = format!("https://aftercare.example/pause/{pause}");

    let (_, raw) = smtp.received(1);
    let unfolded = raw.replace("=\r\n", "").replace("=\n", "");
    assert!(unfolded.contains("Check-in 7"));
    assert!(unfolded.contains("ada@example.com"));
    assert!(
        unfolded.contains(&pause),
        "the email carries the pause link"
    );

    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(
            tokio::time::timeout(Duration::from_secs(10), requests.recv())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    got.sort_by(|a, b| a.path.cmp(&b.path));
    let (slack, hook) = (&got[0], &got[1]);
    assert_eq!(slack.path, "/api/chat.postMessage");
    assert_eq!(slack.header("authorization"), "Bearer xoxb-test");
    let body: serde_json::Value = serde_json::from_slice(&slack.body).unwrap();
    assert_eq!(
        body["channel"], "U012ABCDEF",
        "a direct message to the person"
    );
    assert!(body["text"].as_str().unwrap().contains(&pause_url));

    assert_eq!(hook.path, "/hook");
    let ts: i64 = hook.header("x-aftercare-timestamp").parse().unwrap();
    assert_eq!(
        hook.header("x-aftercare-signature"),
        webhook_signature("whsec-test", ts, &hook.body)
    );
    assert_ne!(
        hook.header("x-aftercare-signature"),
        webhook_signature("another key", ts, &hook.body)
    );
    assert!(!hook.header("x-aftercare-delivery").is_empty());
    let posted: serde_json::Value = serde_json::from_slice(&hook.body).unwrap();
    assert_eq!(posted["title"], "Check-in 7");
    assert_eq!(posted["pause_url"], pause_url.as_str());
    assert_eq!(posted["link"], "https://aftercare.example/inbox");
    store.close().await;
    db.cleanup().await.unwrap();
}
