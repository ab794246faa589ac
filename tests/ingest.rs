//! Webhook ingest end to end, on SQLite and PostgreSQL: every fixture (our own, in
//! `crates/webhooks/tests/fixtures`, and the real captures in `../shared` when present)
//! is accepted; a wrong signature, a stale timestamp, a truncated body and a replay each
//! get the right answer and leave the database unchanged.

use aftercare_store::{Backend, Store};
use aftercare_webhooks::{Source, signing};
use jiff::Timestamp;
use serde_json::{Value, json};

use std::path::{Path, PathBuf};

use crate::common::{TestApp, fixture_path, spawn_app};

crate::on_both!(
    every_fixture_is_accepted_and_attributed,
    signed_fixtures_verify_with_their_published_headers,
    refusals_store_nothing,
    replays_store_nothing,
    events_v2_samples_are_refused_with_a_clear_message,
    opsgenie_acknowledgement_claims_the_page,
    pages_naming_nobody_go_to_whoever_is_on_call,
    pages_naming_nobody_go_to_whoever_the_rotation_has_on_call,
    pages_naming_nobody_go_to_the_primary_of_the_teams_schedule,
    schedules_import_from_ical_whole_or_not_at_all,
    real_captures_are_accepted,
);

struct Counts {
    deliveries: i64,
    notifications: i64,
}

async fn counts(store: &Store) -> Counts {
    Counts {
        deliveries: store.count_deliveries().await.unwrap(),
        notifications: store.count_notifications().await.unwrap(),
    }
}

fn fixture_dir(source: Source) -> &'static str {
    match source {
        Source::PagerDuty => "pagerduty_v3",
        Source::Opsgenie => "opsgenie",
        Source::Alertmanager => "alertmanager",
        Source::GrafanaOnCall => "grafana_oncall",
        Source::IncidentIo => "incident_io",
        Source::FireHydrant => "firehydrant",
    }
}

/// Our own payloads for one sender.
fn fixtures(dir: &str) -> Vec<(String, Vec<u8>)> {
    fixtures_in(&fixture_path("webhooks"), dir)
}

fn own(path: &str) -> Vec<u8> {
    std::fs::read(fixture_path(path)).unwrap()
}

/// The payloads of one sender's folder under `root`, `_signatures.json` excluded.
fn fixtures_in(root: &Path, dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.file_name().unwrap().to_string_lossy().starts_with('_')
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {dir}");
    out
}

/// Our fixtures' secret for signed sources, so their `_signatures.json` headers verify.
fn fixture_secret(source: Source) -> String {
    let path = fixture_path(&format!(
        "webhooks/{}/_signatures.json",
        fixture_dir(source)
    ));
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes).unwrap()["secret"]
            .as_str()
            .unwrap()
            .to_string(),
        Err(_) => format!("{}-bearer-secret-0123456789", source.as_str()),
    }
}

/// The people the fixtures name, members of the team the integrations belong to
/// (an integration credits pages only to its own team's members).
pub(crate) async fn people(app: &TestApp) {
    let team = app.store.ensure_team("payments").await.unwrap();
    for (name, email) in [
        ("Noor Haddad", "noor.haddad@example.org"),
        ("Kai Tanaka", "kai.tanaka@example.org"),
        ("Ines Moreau", "ines.moreau@example.org"),
    ] {
        let (p, _) = app
            .store
            .upsert_person(&crate::common::new_person(name, email, "Europe/London"))
            .await
            .unwrap();
        app.store.join_team(team.id, p.id).await.unwrap();
    }
}

async fn integration(app: &TestApp, source: Source) -> String {
    let res = app
        .post_json("/api/v1/teams", &json!({"name": "payments"}))
        .await;
    assert!(
        res.status() == 201 || res.status() == 409,
        "{}",
        res.status()
    );
    let res = app.post_json("/api/v1/integrations", &json!({"team": "payments", "source": source.as_str(), "secret": fixture_secret(source)})).await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    body["ingest_path"].as_str().unwrap().to_string()
}

async fn post(
    app: &TestApp,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = app.client.post(app.url(path));
    for (k, v) in headers {
        req = req.header(k, v);
    }
    req.body(body).send().await.unwrap()
}

/// Posts every payload under `root` to an integration for its sender, signed afresh; each must
/// be stored. Returns how many were.
pub(crate) async fn post_every_fixture(app: &TestApp, root: &Path) -> usize {
    let mut stored = 0;
    for source in Source::ALL {
        let path = integration(app, source).await;
        for (name, body) in fixtures_in(root, fixture_dir(source)) {
            let headers =
                signing::headers(source, &fixture_secret(source), &body, Timestamp::now()).unwrap();
            let res = post(app, &path, &headers, body).await;
            let status = res.status();
            let text = res.text().await.unwrap();
            assert_eq!(status, 202, "{source} {name}: {text}");
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["status"], "stored", "{source} {name}");
            stored += 1;
        }
    }
    stored
}

async fn every_fixture_is_accepted_and_attributed(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    assert_eq!(
        post_every_fixture(&app, &fixture_path("webhooks")).await,
        26
    );
    // Grafana OnCall and incident.io say who was notified: those pages land on people.
    let kai = app
        .store
        .person_by_email("kai.tanaka@example.org")
        .await
        .unwrap()
        .unwrap();
    let noor = app
        .store
        .person_by_email("noor.haddad@example.org")
        .await
        .unwrap()
        .unwrap();
    let from = Timestamp::from_second(1_781_000_000)
        .unwrap()
        .as_millisecond();
    let to = Timestamp::from_second(1_782_000_000)
        .unwrap()
        .as_millisecond();
    assert!(
        !app.store
            .notification_instants(kai.id, from, to)
            .await
            .unwrap()
            .is_empty(),
        "Kai was notified (Grafana OnCall, incident.io)"
    );
    assert!(
        !app.store
            .notification_instants(noor.id, from, to)
            .await
            .unwrap()
            .is_empty(),
        "Noor was notified (incident.io, Grafana OnCall)"
    );
    // Alertmanager says nobody: its page is kept as unattributed, not dropped.
    let team = app.store.team_by_name("payments").await.unwrap().unwrap();
    let unattributed = app.store.unattributed(team.id, 0, i64::MAX).await.unwrap();
    assert!(
        unattributed.iter().any(|n| n.source == "alertmanager"),
        "{unattributed:?}"
    );
    // ... and shown as such, by API and on the team page.
    let listed: Value = app
        .get(&format!(
            "/api/v1/teams/{}/unattributed?from=2000-01-01",
            team.id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        listed["pages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["source"] == "alertmanager"),
        "{listed}"
    );
    let page = app
        .get(&format!("/teams/{}", team.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Pages nobody could be found for"),
        "team page lists unattributed pages"
    );
    // The burden of the night of 17 June (Kai paged 02:01 UTC on the 18th, 03:01 in London)
    // shows it.
    let res = app
        .get(&format!(
            "/api/v1/people/{}/burden?from=2026-06-01&to=2026-06-30",
            kai.id
        ))
        .await;
    assert_eq!(res.status(), 200);
    let burden: Value = res.json().await.unwrap();
    assert!(
        burden["interruptions"]["sleep"].as_u64().unwrap() >= 1,
        "{burden}"
    );
    assert!(
        burden["nights"]
            .as_array()
            .unwrap()
            .contains(&json!("2026-06-17")),
        "{burden}"
    );
    app.stop().await;
}

async fn signed_fixtures_verify_with_their_published_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    for source in [Source::PagerDuty, Source::FireHydrant] {
        let path = integration(&app, source).await;
        let dir = fixture_dir(source);
        let sigs: Value =
            serde_json::from_slice(&own(&format!("webhooks/{dir}/_signatures.json"))).unwrap();
        for (file, headers) in sigs["headers_by_file"].as_object().unwrap() {
            let body = own(&format!("webhooks/{dir}/{file}"));
            let headers: Vec<(String, String)> = headers
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            let res = post(&app, &path, &headers, body).await;
            assert_eq!(
                res.status(),
                202,
                "{source} {file}: {}",
                res.text().await.unwrap()
            );
        }
    }
    // Our incident.io example is signed at 2026-06-18: correct, but stale now.
    let path = integration(&app, Source::IncidentIo).await;
    let sigs: Value =
        serde_json::from_slice(&own("webhooks/incident_io/_signatures.json")).unwrap();
    let before = counts(&app.store).await;
    for (file, headers) in sigs["headers_by_file"].as_object().unwrap() {
        let body = own(&format!("webhooks/incident_io/{file}"));
        let headers: Vec<(String, String)> = headers
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let res = post(&app, &path, &headers, body).await;
        assert_eq!(res.status(), 401);
        let err: Value = res.json().await.unwrap();
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("webhook-timestamp"),
            "{err}"
        );
    }
    let after = counts(&app.store).await;
    assert_eq!(
        (before.deliveries, before.notifications),
        (after.deliveries, after.notifications)
    );
    app.stop().await;
}

async fn refusals_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    let now = Timestamp::now();
    for source in Source::ALL {
        let path = integration(&app, source).await;
        let (_, body) = fixtures(fixture_dir(source)).into_iter().next().unwrap();
        let before = counts(&app.store).await;

        // Wrong secret.
        let wrong = match source {
            Source::IncidentIo => "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==".to_string(),
            _ => "wrong-secret-000000".to_string(),
        };
        let headers = signing::headers(source, &wrong, &body, now).unwrap();
        let res = post(&app, &path, &headers, body.clone()).await;
        assert_eq!(res.status(), 401, "{source}: wrong secret");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], "bad_signature", "{source}: {err}");

        // No credentials at all.
        let res = post(
            &app,
            &path,
            &[("Content-Type".into(), "application/json".into())],
            body.clone(),
        )
        .await;
        assert_eq!(res.status(), 401, "{source}: unsigned");

        // A truncated body, correctly signed: malformed, and the error says where.
        let cut = body[..body.len() / 2].to_vec();
        let headers = signing::headers(source, &fixture_secret(source), &cut, now).unwrap();
        let res = post(&app, &path, &headers, cut).await;
        assert_eq!(res.status(), 400, "{source}: truncated");
        let err: Value = res.json().await.unwrap();
        assert!(
            err["error"]["message"].as_str().unwrap().contains("JSON"),
            "{source}: {err}"
        );

        // A body altered after signing.
        let headers = signing::headers(source, &fixture_secret(source), &body, now).unwrap();
        let mut altered = body.clone();
        if let Some(b) = altered.iter_mut().find(|b| b.is_ascii_digit()) {
            *b = if *b == b'9' { b'8' } else { *b + 1 };
        }
        let res = post(&app, &path, &headers, altered).await;
        if source.signs_body() {
            assert_eq!(res.status(), 401, "{source}: altered body");
        }

        let after = counts(&app.store).await;
        if source.signs_body() {
            assert_eq!(
                (before.deliveries, before.notifications),
                (after.deliveries, after.notifications),
                "{source}: refusals stored something"
            );
        }
    }
    // A stale and a future incident.io timestamp, with valid signatures.
    let path = integration(&app, Source::IncidentIo).await;
    let (_, body) = fixtures("incident_io").into_iter().next().unwrap();
    let before = counts(&app.store).await;
    for skew in [-400i64, 400] {
        let at = Timestamp::from_second(now.as_second() + skew).unwrap();
        let headers = signing::headers(
            Source::IncidentIo,
            &fixture_secret(Source::IncidentIo),
            &body,
            at,
        )
        .unwrap();
        let res = post(&app, &path, &headers, body.clone()).await;
        assert_eq!(res.status(), 401, "skew {skew}");
    }
    let after = counts(&app.store).await;
    assert_eq!(
        (before.deliveries, before.notifications),
        (after.deliveries, after.notifications)
    );
    // Unknown integration.
    let res = post(&app, "/api/v1/ingest/int_nope", &[], b"{}".to_vec()).await;
    assert_eq!(res.status(), 404);
    app.stop().await;
}

async fn replays_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    let path = integration(&app, Source::PagerDuty).await;
    let body = own("webhooks/pagerduty_v3/incident.triggered.json");
    let headers = signing::headers_with_id(
        Source::PagerDuty,
        &fixture_secret(Source::PagerDuty),
        "delivery-1",
        &body,
        Timestamp::now(),
    )
    .unwrap();
    let first = post(&app, &path, &headers, body.clone()).await;
    assert_eq!(first.status(), 202);
    let before = counts(&app.store).await;
    for _ in 0..3 {
        let again = post(&app, &path, &headers, body.clone()).await;
        assert_eq!(again.status(), 200);
        let v: Value = again.json().await.unwrap();
        assert_eq!(v["status"], "duplicate");
    }
    let after = counts(&app.store).await;
    assert_eq!(
        (before.deliveries, before.notifications),
        (after.deliveries, after.notifications)
    );
    // Alertmanager sends no delivery id: the same bytes again are a retry.
    let path = integration(&app, Source::Alertmanager).await;
    let body = own("webhooks/alertmanager/firing.json");
    let headers = signing::headers(
        Source::Alertmanager,
        &fixture_secret(Source::Alertmanager),
        &body,
        Timestamp::now(),
    )
    .unwrap();
    assert_eq!(
        post(&app, &path, &headers, body.clone()).await.status(),
        202
    );
    assert_eq!(post(&app, &path, &headers, body).await.status(), 200);
    app.stop().await;
}

async fn events_v2_samples_are_refused_with_a_clear_message(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = integration(&app, Source::PagerDuty).await;
    let before = counts(&app.store).await;
    for (name, body) in fixtures("pagerduty_events_v2_outbound_reference") {
        let headers = signing::headers(
            Source::PagerDuty,
            &fixture_secret(Source::PagerDuty),
            &body,
            Timestamp::now(),
        )
        .unwrap();
        for h in [headers, vec![]] {
            let res = post(&app, &path, &h, body.clone()).await;
            assert_eq!(res.status(), 400, "{name}");
            let err: Value = res.json().await.unwrap();
            assert!(
                err["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("Events API v2"),
                "{name}: {err}"
            );
        }
    }
    let after = counts(&app.store).await;
    assert_eq!(
        (before.deliveries, before.notifications),
        (after.deliveries, after.notifications)
    );
    app.stop().await;
}

async fn opsgenie_acknowledgement_claims_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    let path = integration(&app, Source::Opsgenie).await;
    let secret = fixture_secret(Source::Opsgenie);
    for file in ["create.json", "acknowledge.json"] {
        let body = own(&format!("webhooks/opsgenie/{file}"));
        let headers = signing::headers(Source::Opsgenie, &secret, &body, Timestamp::now()).unwrap();
        assert_eq!(
            post(&app, &path, &headers, body).await.status(),
            202,
            "{file}"
        );
    }
    let team = app.store.team_by_name("payments").await.unwrap().unwrap();
    let left = app.store.unattributed(team.id, 0, i64::MAX).await.unwrap();
    // The fixture's acknowledger is kai.tanaka@example.org, who is known here.
    assert!(
        left.is_empty(),
        "the acknowledger's page is attributed: {left:?}"
    );
    let kai = app
        .store
        .person_by_email("kai.tanaka@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.store
            .notification_instants(kai.id, 0, i64::MAX)
            .await
            .unwrap()
            .len(),
        1
    );
    app.stop().await;
}

async fn pages_naming_nobody_go_to_whoever_is_on_call(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    let path = integration(&app, Source::Alertmanager).await;
    let team = app.store.team_by_name("payments").await.unwrap().unwrap();
    let ines = app
        .store
        .person_by_email("ines.moreau@example.org")
        .await
        .unwrap()
        .unwrap();
    let now = Timestamp::now().as_millisecond();
    app.store
        .replace_shifts(
            team.id,
            "test",
            &[aftercare_store::NewShift {
                person_id: ines.id,
                starts_at: now - 3_600_000,
                ends_at: now + 3_600_000,
            }],
        )
        .await
        .unwrap();
    // Alertmanager says nobody; the schedule says Ines.
    let body = own("webhooks/alertmanager/firing.json");
    let headers = signing::headers(
        Source::Alertmanager,
        &fixture_secret(Source::Alertmanager),
        &body,
        Timestamp::now(),
    )
    .unwrap();
    assert_eq!(post(&app, &path, &headers, body).await.status(), 202);
    assert_eq!(
        app.store
            .notification_instants(ines.id, now - 3_600_000, now + 3_600_000)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        app.store
            .unattributed(team.id, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

async fn pages_naming_nobody_go_to_whoever_the_rotation_has_on_call(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    let path = integration(&app, Source::Alertmanager).await;
    let team = app.store.team_by_name("payments").await.unwrap().unwrap();
    let ines = app
        .store
        .person_by_email("ines.moreau@example.org")
        .await
        .unwrap()
        .unwrap();
    // No imported shifts: a rotation of one, Ines, started years ago.
    app.store
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team.id,
            name: "primary".into(),
            time_zone: "Europe/Berlin".into(),
            starts_local: "2020-01-06T09:00".into(),
            shift_length: "1w".into(),
            members: vec![ines.id],
        })
        .await
        .unwrap();
    let now = Timestamp::now().as_millisecond();
    let body = own("webhooks/alertmanager/firing.json");
    let headers = signing::headers(
        Source::Alertmanager,
        &fixture_secret(Source::Alertmanager),
        &body,
        Timestamp::now(),
    )
    .unwrap();
    assert_eq!(post(&app, &path, &headers, body).await.status(), 202);
    assert_eq!(
        app.store
            .notification_instants(ines.id, now - 86_400_000, now + 86_400_000)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        app.store
            .unattributed(team.id, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

async fn pages_naming_nobody_go_to_the_primary_of_the_teams_schedule(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    let path = integration(&app, Source::Alertmanager).await;
    let team = app.store.team_by_name("payments").await.unwrap().unwrap();
    let person = async |email: &str| app.store.person_by_email(email).await.unwrap().unwrap().id;
    let (ines, noor) = (
        person("ines.moreau@example.org").await,
        person("noor.haddad@example.org").await,
    );
    // Two rotations: without a schedule the first (Ines's) would answer.
    let mut ids = Vec::new();
    for (name, who) in [("first", ines), ("second", noor)] {
        let r = app
            .store
            .create_rotation(&aftercare_store::NewRotation {
                team_id: team.id,
                name: name.into(),
                time_zone: "Europe/Berlin".into(),
                starts_local: "2020-01-06T09:00".into(),
                shift_length: "1w".into(),
                members: vec![who],
            })
            .await
            .unwrap();
        ids.push(r.rotation.id);
    }
    // The schedule stacks only the second.
    app.store
        .create_schedule(&aftercare_store::NewSchedule {
            team_id: team.id,
            name: "primary".into(),
            layers: vec![aftercare_store::StoredLayer {
                tier: "primary".into(),
                rotation_id: ids[1],
                window_start: None,
                window_end: None,
                window_zone: None,
            }],
        })
        .await
        .unwrap();
    let now = Timestamp::now().as_millisecond();
    let body = own("webhooks/alertmanager/firing.json");
    let headers = signing::headers(
        Source::Alertmanager,
        &fixture_secret(Source::Alertmanager),
        &body,
        Timestamp::now(),
    )
    .unwrap();
    assert_eq!(post(&app, &path, &headers, body).await.status(), 202);
    let pages_of = async |who| {
        app.store
            .notification_instants(who, now - 86_400_000, now + 86_400_000)
            .await
            .unwrap()
            .len()
    };
    assert_eq!(pages_of(noor).await, 1);
    assert_eq!(pages_of(ines).await, 0);
    app.stop().await;
}

async fn schedules_import_from_ical_whole_or_not_at_all(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .post_json("/api/v1/teams", &json!({"name": "payments"}))
        .await;
    let team = aftercare_store::TeamId(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    let ics = std::fs::read_to_string(fixture_path("ical/pagerduty_export.ics")).unwrap();
    let import = |body: String| {
        app.client
            .post(app.url(&format!("/api/v1/teams/{team}/schedule")))
            .bearer_auth(&app.admin_token)
            .header("content-type", "text/calendar")
            .body(body)
            .send()
    };
    // Nobody it names is known yet: refused, naming them, nothing stored.
    let res = import(ics.clone()).await.unwrap();
    assert_eq!(res.status(), 400);
    let err: Value = res.json().await.unwrap();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("noor.haddad@example.org"),
        "{err}"
    );
    assert!(
        app.store
            .shifts(team, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    people(&app).await;
    let res = import(ics.clone()).await.unwrap();
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap();
    assert!(done["shifts"].as_u64().unwrap() >= 5, "{done}");
    assert_eq!(done["source"], "ical:Search Primary");
    // 2026-01-14 21:00 UTC falls in Ines's 19:00–01:00 override of Noor's week.
    let ines = app
        .store
        .person_by_email("ines.moreau@example.org")
        .await
        .unwrap()
        .unwrap();
    let noor = app
        .store
        .person_by_email("noor.haddad@example.org")
        .await
        .unwrap()
        .unwrap();
    let at = |s: &str| s.parse::<Timestamp>().unwrap().as_millisecond();
    assert_eq!(
        app.store
            .on_call(team, at("2026-01-14T21:00:00Z"))
            .await
            .unwrap(),
        Some(ines.id)
    );
    assert_eq!(
        app.store
            .on_call(team, at("2026-01-13T03:00:00Z"))
            .await
            .unwrap(),
        Some(noor.id)
    );
    // Importing the same export again replaces rather than duplicates.
    let before = app.store.shifts(team, 0, i64::MAX).await.unwrap().len();
    assert_eq!(import(ics).await.unwrap().status(), 201);
    assert_eq!(
        app.store.shifts(team, 0, i64::MAX).await.unwrap().len(),
        before
    );
    let shifts: Value = app
        .get(&format!(
            "/api/v1/teams/{team}/shifts?from=2026-01-01&to=2026-03-01"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shifts["shifts"].as_array().unwrap().len(), before);
    assert_eq!(shifts["shifts"][0]["name"], "Noor Haddad");
    // Not a calendar: the error says where.
    let res = import("<html>login</html>".into()).await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.json::<Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1")
    );
    app.stop().await;
}

/// The real captures in `../shared/data/webhooks` (when present; always in CI) are stored too,
/// each signed afresh with this integration's secret.
async fn real_captures_are_accepted(backend: Backend) {
    let Some(root): Option<PathBuf> =
        crate::real_data::real_data("data/webhooks", "real webhook captures")
    else {
        return;
    };
    let app = spawn_app(backend).await;
    let stored = post_every_fixture(&app, &root).await;
    assert_eq!(stored, 26, "every real capture but the Events v2 samples");
    assert_eq!(app.store.count_deliveries().await.unwrap(), 26);
    app.stop().await;
}
