//! Inputs built to exhaust a parser, sent to the running server and the CLI as an attacker
//! (or an unlucky export) would: each is a 400 in the documented JSON shape, or a CLI error,
//! naming the problem; the server keeps answering; nothing is stored. On SQLite and
//! PostgreSQL. The limits themselves are tested in their crates (see docs/security.md).

use std::process::Command;

use aftercare_store::Backend;
use aftercare_webhooks::{Source, signing};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

crate::on_both!(
    a_forty_thousand_deep_calendar_is_refused_by_server_and_cli,
    a_deeply_nested_webhook_body_is_refused,
    deeply_nested_markdown_is_checked,
);

/// The upload that used to overflow a server worker's stack and abort the whole server:
/// 40,000 nested blocks, about 560 KB.
fn deep_calendar() -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\n");
    text.push_str(&"BEGIN:VEVENT\r\n".repeat(39_999));
    text.push_str(&"END:VEVENT\r\n".repeat(39_999));
    text.push_str("END:VCALENDAR\r\n");
    text
}

const GOOD_CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:week-1\r\nDTSTART:20260105T090000Z\r\nDTEND:20260112T090000Z\r\nATTENDEE:alex.rivera@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

const TOO_DEEP: &str = "line 17: components nested deeper than 16";

async fn import(app: &TestApp, team: i64, body: String) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/teams/{team}/schedule")))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/calendar")
        .body(body)
        .send()
        .await
        .expect("POST schedule")
}

async fn shifts(app: &TestApp, team: i64) -> Vec<Value> {
    let res = app
        .get(&format!(
            "/api/v1/teams/{team}/shifts?from=2025-01-01&to=2027-01-01"
        ))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["shifts"].as_array().unwrap().clone()
}

async fn healthy(app: &TestApp) {
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

async fn a_forty_thousand_deep_calendar_is_refused_by_server_and_cli(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .post_json("/api/v1/teams", &json!({"name": "payments"}))
        .await;
    assert_eq!(res.status(), 201);
    let team = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Alex Rivera", "email": "alex.rivera@example.com", "time_zone": "Europe/London"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    // A schedule already in place, which the refused uploads must leave exactly as it is.
    assert_eq!(import(&app, team, GOOD_CALENDAR.into()).await.status(), 201);
    let before = shifts(&app, team).await;
    assert_eq!(before.len(), 1, "{before:?}");

    let deep = deep_calendar();
    assert!(deep.len() > 500_000, "{}", deep.len());
    let res = import(&app, team, deep.clone()).await;
    assert_eq!(res.status(), 400);
    let err: Value = res.json().await.unwrap();
    let message = err["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(TOO_DEEP), "{err}");
    healthy(&app).await;
    assert_eq!(shifts(&app, team).await, before);

    // `aftercare schedule import` on the same database: an error, not an abort.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deep.ics");
    std::fs::write(&file, &deep).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .args(["schedule", "import", "--team", "payments"])
        .arg(&file)
        .env("AFTERCARE_DATABASE_URL", app.database_url())
        .output()
        .expect("run aftercare");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit code 1 is a reported error; a stack overflow ends the process by a signal (no code).
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(TOO_DEEP), "{stderr}");
    healthy(&app).await;
    assert_eq!(shifts(&app, team).await, before);
    app.stop().await;
}

/// 100,000 nested arrays inside a well-signed Alertmanager delivery: a 400 naming the problem,
/// and no page stored.
async fn a_deeply_nested_webhook_body_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .post_json("/api/v1/teams", &json!({"name": "payments"}))
        .await;
    assert_eq!(res.status(), 201);
    let secret = "limits-test-secret-0123456789abcdef";
    let res = app
        .post_json(
            "/api/v1/integrations",
            &json!({"team": "payments", "source": "alertmanager", "secret": secret}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let path = res.json::<Value>().await.unwrap()["ingest_path"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = format!(
        r#"{{"receiver":"r","status":"firing","alerts":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    )
    .into_bytes();
    let now = jiff::Timestamp::now();
    let headers = signing::headers(Source::Alertmanager, secret, &body, now).unwrap();
    let mut req = app.client.post(app.url(&path));
    for (k, v) in &headers {
        req = req.header(k, v);
    }
    let res = req.body(body).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let err: Value = res.json().await.unwrap();
    let message = err["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("recursion limit exceeded"), "{err}");
    healthy(&app).await;
    let pages: i64 = app.store.count_notifications().await.unwrap();
    assert_eq!(pages, 0);
    app.stop().await;
}

/// 100,000 nested block quotes and 100,000 nested list items through the lens endpoint: checked
/// like any other text (the blame inside is still found), and the server keeps answering.
async fn deeply_nested_markdown_is_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    for text in [
        format!("{} It was human error.", ">".repeat(100_000)),
        format!("{} It was human error.", "- ".repeat(100_000)),
    ] {
        let res = app
            .post_json("/api/v1/lens", &json!({ "text": text }))
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let rules: Vec<&str> = body["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert!(rules.contains(&"human-error"), "{body}");
        healthy(&app).await;
    }
    app.stop().await;
}
