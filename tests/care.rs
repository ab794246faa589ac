//! Care after incidents end to end, on both backends: real payloads resolve into
//! private check-ins for the people in them, answered and read only by their owner;
//! supporters are paired and nudged; leads get their checklist; the pulse shows
//! nothing until five people answered; the journal is ciphertext the server cannot
//! open; the care job runs once across two runners; a long engagement prompts a handoff.

use std::time::Duration;

use aftercare_app::accounts;
use aftercare_app::channels::Delivery;
use aftercare_app::jobs::{Runner, RunnerConfig};
use aftercare_store::testing::TestDatabase;
use aftercare_store::{
    Backend, JobState, NewIncident, ParticipantOrigin, ParticipantRole, PersonId, Store, TeamId,
    TeamRole,
};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::common::{TestApp, always, fixture_path, new_person, spawn_app};
use crate::ingest::{people, post_every_fixture};

async fn make_always(store: &Store, email: &str) -> PersonId {
    let p = store.person_by_email(email).await.unwrap().unwrap();
    let mut n = new_person(&p.name, &p.email, "UTC");
    n.hours = always();
    store.update_person(p.id, &n).await.unwrap().id
}

async fn person(
    store: &Store,
    name: &str,
    email: &str,
    team: Option<(TeamId, TeamRole)>,
) -> PersonId {
    let mut n = new_person(name, email, "UTC");
    n.hours = always();
    let p = store.upsert_person(&n).await.unwrap().0;
    if let Some((t, role)) = team {
        store.set_membership(t, p.id, role).await.unwrap();
    }
    p.id
}

fn runner(store: Store, worker: &str) -> Runner {
    let mut config = RunnerConfig::new(worker);
    config.poll = Duration::from_millis(20);
    config.batch = 50;
    Runner::new(store, Delivery::new("http://127.0.0.1:1"), config)
}

/// Runs every job that is due until none is left.
async fn run_jobs(store: &Store) {
    let r = runner(store.clone(), "test");
    for _ in 0..50 {
        let tick = r.tick(Timestamp::now()).await.unwrap();
        if tick.claimed == 0 {
            return;
        }
    }
    panic!("jobs kept coming");
}

/// A personal token the person makes for themselves (what their own app or
/// script would hold): it reads what is theirs alone.
async fn own_token(store: &Store, id: PersonId) -> String {
    let s = accounts::start_session(store, id).await.unwrap();
    let actor = accounts::by_session(store, &s.cookie)
        .await
        .unwrap()
        .unwrap();
    accounts::create_own_token(store, &actor, "mine")
        .await
        .unwrap()
        .token
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn send(app: &TestApp, method: &str, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let res = app
        .client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            app.url(path),
        )
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Full answers to every measure of a check-in, each item at `value`.
fn answers(checkin: &Value, value: i64) -> Value {
    let mut out = serde_json::Map::new();
    for m in checkin["measures"].as_array().unwrap() {
        let mut items = serde_json::Map::new();
        for i in m["items"].as_array().unwrap() {
            items.insert(i["id"].as_str().unwrap().to_string(), json!(value));
        }
        out.insert(m["id"].as_str().unwrap().to_string(), Value::Object(items));
    }
    json!({ "answers": out })
}

async fn inbox_titles(app: &TestApp, token: &str) -> Vec<String> {
    let (status, inbox) = get(app, token, "/api/v1/me/inbox").await;
    assert_eq!(status, 200, "{inbox}");
    inbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_string())
        .collect()
}

async fn real_payloads_resolve_into_private_checkins(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    people(&app).await;
    let kai = make_always(s, "kai.tanaka@example.org").await;
    let noor = make_always(s, "noor.haddad@example.org").await;
    let payments = s.ensure_team("payments").await.unwrap().id;
    let lead = person(
        s,
        "Lea Lead",
        "lea@example.org",
        Some((payments, TeamRole::Lead)),
    )
    .await;
    // A volunteer from another team: eligible to support the responders.
    let platform = s.ensure_team("platform").await.unwrap().id;
    let sasha = person(
        s,
        "Sasha Support",
        "sasha@example.org",
        Some((platform, TeamRole::Member)),
    )
    .await;
    let sasha_token = own_token(s, sasha).await;
    let (status, _) = send(
        &app,
        "PUT",
        &sasha_token,
        "/api/v1/me/support",
        &json!({"volunteering": true}),
    )
    .await;
    assert_eq!(status, 200);

    post_every_fixture(&app, &fixture_path("webhooks")).await;
    run_jobs(s).await;

    // Kai was a responder of resolved incidents: their check-ins are theirs.
    let kai_token = own_token(s, kai).await;
    let (status, list) = get(&app, &kai_token, "/api/v1/me/checkins").await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap().clone();
    assert!(
        !list.is_empty(),
        "Kai has check-ins after the resolved incidents"
    );
    // Resolved months ago: every offset falls due now, so one check-in per incident, open.
    let incidents: std::collections::BTreeSet<i64> = list
        .iter()
        .map(|c| c["incident_id"].as_i64().unwrap())
        .collect();
    assert_eq!(incidents.len(), list.len(), "{list:?}");
    assert!(list.iter().all(|c| c["status"] == "open"), "{list:?}");
    let first = &list[0];
    let id = first["id"].as_i64().unwrap();
    let measures: Vec<&str> = first["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(measures.contains(&"post-incident-stress"), "{measures:?}");
    assert!(
        measures.contains(&"state-self-compassion-sf"),
        "{measures:?}"
    );
    // Each check-in's message is in Kai's inbox, once.
    let titles = inbox_titles(&app, &kai_token).await;
    let asked = titles
        .iter()
        .filter(|t| t.starts_with("How are you doing after"))
        .count();
    assert_eq!(asked, list.len(), "{titles:?}");

    // A partial answer is refused, naming the measure; nothing is stored.
    let mut partial = answers(first, 2);
    partial["answers"]
        .as_object_mut()
        .unwrap()
        .remove("sleep-quality");
    let (status, err) = send(
        &app,
        "POST",
        &kai_token,
        &format!("/api/v1/me/checkins/{id}"),
        &partial,
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(err.to_string().contains("answers.sleep-quality"), "{err}");
    let (_, again) = get(&app, &kai_token, &format!("/api/v1/me/checkins/{id}")).await;
    assert_eq!(again["status"], "open");
    // An answer off the scale names its item.
    let mut off = answers(first, 2);
    off["answers"]["post-incident-stress"]["stress"] = json!(9);
    let (status, err) = send(
        &app,
        "POST",
        &kai_token,
        &format!("/api/v1/me/checkins/{id}"),
        &off,
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(err.to_string().contains("stress"), "{err}");
    // A full answer is stored and scored.
    let (status, done) = send(
        &app,
        "POST",
        &kai_token,
        &format!("/api/v1/me/checkins/{id}"),
        &answers(first, 4),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "answered");
    assert_eq!(done["scores"]["post-incident-stress"], 4.0);
    // Answering twice is a conflict.
    let (status, _) = send(
        &app,
        "POST",
        &kai_token,
        &format!("/api/v1/me/checkins/{id}"),
        &answers(first, 1),
    )
    .await;
    assert_eq!(status, 409);
    // Skipping another works, and it says so.
    if let Some(other) = list.get(1) {
        let oid = other["id"].as_i64().unwrap();
        let (status, skipped) = send(
            &app,
            "POST",
            &kai_token,
            &format!("/api/v1/me/checkins/{oid}"),
            &json!({"skip": true}),
        )
        .await;
        assert_eq!(status, 200, "{skipped}");
        assert_eq!(skipped["status"], "skipped");
    }
    // Kai's own trend, in plain words.
    let (status, trends) = get(&app, &kai_token, "/api/v1/me/trends").await;
    assert_eq!(status, 200);
    let stress = trends
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["measure"] == "post-incident-stress")
        .expect("a stress trend");
    assert_eq!(stress["direction"], "first");
    assert_eq!(stress["points"][0]["score"], 4.0);

    // Nobody else reads Kai's check-ins: not the lead, not an admin, not a token made for Kai.
    let lead_token = own_token(s, lead).await;
    let (status, _) = get(&app, &lead_token, &format!("/api/v1/me/checkins/{id}")).await;
    assert_eq!(status, 404);
    let (status, theirs) = get(&app, &lead_token, "/api/v1/me/checkins").await;
    assert_eq!(status, 200);
    assert!(
        theirs.as_array().unwrap().is_empty(),
        "the lead was in no incident"
    );
    let (status, _) = get(&app, &app.admin_token, "/api/v1/me/checkins").await;
    assert_eq!(status, 403);
    let cli = app.token_for("kai.tanaka@example.org").await;
    let (status, _) = get(&app, &cli, "/api/v1/me/checkins").await;
    assert_eq!(
        status, 403,
        "a token made for Kai on the command line is not Kai"
    );
    let (status, _) = send(
        &app,
        "POST",
        &lead_token,
        &format!("/api/v1/me/checkins/{id}"),
        &json!({"skip": true}),
    )
    .await;
    assert_eq!(status, 404);

    // The supporter was paired with the responders and nudged; they reach out.
    let (status, support) = get(&app, &sasha_token, "/api/v1/me/support").await;
    assert_eq!(status, 200);
    let supporting = support["supporting"].as_array().unwrap();
    assert!(
        supporting
            .iter()
            .any(|p| p["participant_name"] == "Kai Tanaka"),
        "{support}"
    );
    let sasha_inbox = inbox_titles(&app, &sasha_token).await;
    assert!(
        sasha_inbox
            .iter()
            .any(|t| t.starts_with("Reach out to Kai Tanaka")),
        "{sasha_inbox:?}"
    );
    let pairing = supporting
        .iter()
        .find(|p| p["participant_name"] == "Kai Tanaka")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // Only the supporter marks it.
    let (status, _) = send(
        &app,
        "POST",
        &kai_token,
        &format!("/api/v1/me/support/pairings/{pairing}/reached-out"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, marked) = send(
        &app,
        "POST",
        &sasha_token,
        &format!("/api/v1/me/support/pairings/{pairing}/reached-out"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{marked}");
    assert!(marked["reached_out_at"].is_string());
    // Kai sees who supports them.
    let (_, mine) = get(&app, &kai_token, "/api/v1/me/support").await;
    assert!(
        mine["supported_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["supporter_name"] == "Sasha Support"),
        "{mine}"
    );

    // The lead has a private checklist per resolved incident, and marks an item.
    let (status, lists) = get(&app, &lead_token, "/api/v1/me/checklists").await;
    assert_eq!(status, 200);
    let lists = lists.as_array().unwrap();
    assert!(!lists.is_empty());
    let inc = lists[0]["incident_id"].as_i64().unwrap();
    assert!(
        lists[0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "reach-out")
    );
    let (status, _) = send(
        &app,
        "POST",
        &lead_token,
        &format!("/api/v1/me/checklists/{inc}"),
        &json!({"item": "reach-out", "done": true}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, err) = send(
        &app,
        "POST",
        &lead_token,
        &format!("/api/v1/me/checklists/{inc}"),
        &json!({"item": "blame-them", "done": true}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    // Kai has no checklist to mark.
    let (status, _) = send(
        &app,
        "POST",
        &kai_token,
        &format!("/api/v1/me/checklists/{inc}"),
        &json!({"item": "reach-out", "done": true}),
    )
    .await;
    assert_eq!(status, 404);

    // The pulse: one person answered, so every figure is withheld, and says why.
    let (status, pulse) = get(
        &app,
        &lead_token,
        &format!("/api/v1/teams/{payments}/pulse?from=2026-01-01"),
    )
    .await;
    assert_eq!(status, 200, "{pulse}");
    assert_eq!(pulse["pulse"]["stressed"]["status"], "withheld", "{pulse}");
    let (status, _) = get(&app, &kai_token, &format!("/api/v1/teams/{payments}/pulse")).await;
    assert_eq!(status, 403, "members do not see the pulse");

    // The incident.io escalation is still only acknowledged, its first page months ago:
    // its responders are told a handoff is due, and so is their lead.
    let noor_token = own_token(s, noor).await;
    let titles = inbox_titles(&app, &noor_token).await;
    assert!(
        titles.iter().any(|t| t.starts_with("Time for a handoff")),
        "{titles:?}"
    );
    let lead_titles = inbox_titles(&app, &lead_token).await;
    assert!(
        lead_titles.iter().any(|t| t.contains("for over 4 hours")),
        "{lead_titles:?}"
    );
    assert!(
        lead_titles
            .iter()
            .any(|t| t.starts_with("Looking after your people")),
        "{lead_titles:?}"
    );

    // Replaying every delivery and running the jobs again makes nothing twice.
    let before = list.len();
    post_every_fixture(&app, &fixture_path("webhooks")).await;
    run_jobs(s).await;
    let (_, after) = get(&app, &kai_token, "/api/v1/me/checkins").await;
    assert_eq!(after.as_array().unwrap().len(), before);
    app.stop().await;
}

/// An incident of `team`, resolved a day ago, with these people as responders.
async fn resolved_incident(store: &Store, team: TeamId, key: &str, people: &[PersonId]) -> i64 {
    let day_ago = (Timestamp::now() - jiff::SignedDuration::from_hours(30)).as_millisecond();
    let incident = store
        .create_incident(&NewIncident {
            team_id: Some(team),
            incident_key: key.into(),
            title: format!("Incident {key}"),
            severity: None,
            started_at: day_ago - 3_600_000,
            resolved_at: None,
            created_by: None,
        })
        .await
        .unwrap();
    for p in people {
        store
            .add_participant(
                incident.id,
                *p,
                ParticipantRole::Responder,
                ParticipantOrigin::Payload,
                day_ago - 3_600_000,
            )
            .await
            .unwrap();
    }
    store
        .update_incident(
            incident.id,
            &aftercare_store::IncidentChange {
                resolved_at: Some(Some(day_ago)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    incident.id.0
}

async fn pulse_shows_only_from_five_people(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.ensure_team("search").await.unwrap().id;
    let lead = person(
        s,
        "Lee Lead",
        "lee@example.org",
        Some((team, TeamRole::Lead)),
    )
    .await;
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(
            person(
                s,
                &format!("Member {i}"),
                &format!("m{i}@example.org"),
                Some((team, TeamRole::Member)),
            )
            .await,
        );
    }
    resolved_incident(s, team, "pulse-1", &members).await;
    run_jobs(s).await;
    let lead_token = own_token(s, lead).await;
    let pulse_path = format!("/api/v1/teams/{team}/pulse?from=30d");
    for (i, m) in members.iter().enumerate() {
        let token = own_token(s, *m).await;
        let (_, list) = get(&app, &token, "/api/v1/me/checkins").await;
        let open: Vec<&Value> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "open")
            .collect();
        assert_eq!(open.len(), 1, "{list}");
        // Two of five stressed (4), three not (2).
        let value = if i < 2 { 4 } else { 2 };
        let (status, _) = send(
            &app,
            "POST",
            &token,
            &format!("/api/v1/me/checkins/{}", open[0]["id"]),
            &answers(open[0], value),
        )
        .await;
        assert_eq!(status, 200);
        let (_, pulse) = get(&app, &lead_token, &pulse_path).await;
        if i < 4 {
            assert_eq!(
                pulse["pulse"]["stressed"]["status"],
                "withheld",
                "after {} answers: {pulse}",
                i + 1
            );
            assert_eq!(pulse["pulse"]["stressed"]["people"], i + 1);
        } else {
            assert_eq!(pulse["pulse"]["stressed"]["status"], "shown", "{pulse}");
            assert_eq!(pulse["pulse"]["stressed"]["value"], 0.4, "{pulse}");
        }
    }
    // An admin sees the same aggregate, and nothing per person.
    let (status, pulse) = get(&app, &app.admin_token, &pulse_path).await;
    assert_eq!(status, 200);
    let text = pulse.to_string();
    for m in &members {
        assert!(!text.contains(&format!("\"person\":{m}")), "{text}");
    }
    app.stop().await;
}

async fn journal_is_sealed_and_only_the_owner_opens_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let ada = person(s, "Ada", "ada@example.org", None).await;
    let token = own_token(s, ada).await;
    let secret = "I keep replaying the failover in my head.";
    // Too short a passphrase for a new journal is refused, and nothing is stored.
    let (status, err) = send(
        &app,
        "POST",
        &token,
        "/api/v1/me/journal",
        &json!({"passphrase": "short", "text": secret}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(err.to_string().contains("passphrase"), "{err}");
    let (_, guide) = get(&app, &token, "/api/v1/me/journal/guide").await;
    assert_eq!(guide["started"], false);
    assert!(guide["warning"].as_str().unwrap().contains("gone for good"));
    let pass = "correct horse battery staple";
    let (status, entry) = send(
        &app,
        "POST",
        &token,
        "/api/v1/me/journal",
        &json!({"passphrase": pass, "text": secret}),
    )
    .await;
    assert_eq!(status, 201, "{entry}");
    // In the database: ciphertext, not the words.
    let rows = s
        .raw_texts("SELECT sealed FROM journal_entries")
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let sealed = &rows[0];
    assert!(!sealed.contains("replaying") && !sealed.contains(secret));
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .unwrap_or_default();
    assert!(!String::from_utf8_lossy(&raw).contains("replaying"));
    // No key the server holds opens the wrapped key: only the passphrase does.
    let keys = s.raw_texts("SELECT secret FROM server_keys").await.unwrap();
    let wrapped = aftercare_journal::WrappedKey::from_base64(
        &s.journal_key(owner_of(s, ada).await)
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    for k in keys.iter().chain([app.admin_token.clone()].iter()) {
        assert!(wrapped.unlock(k).is_err());
    }
    assert!(wrapped.unlock(pass).is_ok());

    // Read back with the passphrase; a wrong one names the field.
    let (status, entries) = get_with(&app, &token, "/api/v1/me/journal", Some(pass)).await;
    assert_eq!(status, 200, "{entries}");
    assert_eq!(entries[0]["text"], secret);
    let (status, err) = get_with(&app, &token, "/api/v1/me/journal", Some("not it at all")).await;
    assert_eq!(status, 400);
    assert!(err.to_string().contains("passphrase"));
    let (status, _) = get_with(&app, &token, "/api/v1/me/journal", None).await;
    assert_eq!(status, 400);
    // Nobody else reaches it: an admin token, a command-line token for Ada.
    let (status, _) = get_with(&app, &app.admin_token, "/api/v1/me/journal", Some(pass)).await;
    assert_eq!(status, 403);
    let cli = app.token_for("ada@example.org").await;
    let (status, _) = get_with(&app, &cli, "/api/v1/me/journal", Some(pass)).await;
    assert_eq!(status, 403);
    // Another person with their own journal sees only theirs.
    let bo = person(s, "Bo", "bo@example.org", None).await;
    let bo_token = own_token(s, bo).await;
    let (status, _) = get_with(&app, &bo_token, "/api/v1/me/journal", Some(pass)).await;
    assert_eq!(status, 404, "Bo has no journal");
    let id = entry["id"].as_i64().unwrap();
    let (status, _) = send(
        &app,
        "DELETE",
        &bo_token,
        &format!("/api/v1/me/journal/{id}"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 404);

    // Export, a new passphrase, delete.
    let res = app
        .client
        .post(app.url("/api/v1/me/journal/export"))
        .bearer_auth(&token)
        .json(&json!({"passphrase": pass}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains(secret));
    let (status, _) = send(
        &app,
        "POST",
        &token,
        "/api/v1/me/journal/passphrase",
        &json!({"passphrase": pass, "new_passphrase": "a much longer new one"}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, entries) = get_with(
        &app,
        &token,
        "/api/v1/me/journal",
        Some("a much longer new one"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(entries[0]["text"], secret);
    let (status, _) = send(
        &app,
        "DELETE",
        &token,
        &format!("/api/v1/me/journal/{id}"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(&app, "DELETE", &token, "/api/v1/me/journal", &json!({})).await;
    assert_eq!(status, 204);
    let (_, guide) = get(&app, &token, "/api/v1/me/journal/guide").await;
    assert_eq!(guide["started"], false);
    app.stop().await;
}

async fn owner_of(store: &Store, id: PersonId) -> aftercare_store::Owner {
    let s = accounts::start_session(store, id).await.unwrap();
    accounts::by_session(store, &s.cookie)
        .await
        .unwrap()
        .unwrap()
        .owner()
        .unwrap()
}

async fn get_with(app: &TestApp, token: &str, path: &str, pass: Option<&str>) -> (u16, Value) {
    let mut req = app.client.get(app.url(path)).bearer_auth(token);
    if let Some(p) = pass {
        req = req.header("x-journal-passphrase", p);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn care_runs_once_across_two_runners(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store().await.unwrap();
    let team = store.ensure_team("checkout").await.unwrap().id;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(
            person(
                &store,
                &format!("R{i}"),
                &format!("r{i}@example.org"),
                Some((team, TeamRole::Member)),
            )
            .await,
        );
    }
    let volunteer = person(&store, "Vee", "vee@example.org", None).await;
    store.set_supporter(volunteer, true).await.unwrap();
    let mut incidents = Vec::new();
    for k in 0..4 {
        incidents.push(resolved_incident(&store, team, &format!("once-{k}"), &people).await);
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    for w in ["one", "two"] {
        let own = Store::connect(&db.url).await.unwrap();
        let mut rx = stopped.clone();
        tasks.push(tokio::spawn(runner(own, w).run(async move {
            let _ = rx.wait_for(|s| *s).await;
        })));
    }
    // Done when every check-in exists and no job addressed to anyone is due any more (the
    // 3d and 7d check-ins and the supporter's reminders are scheduled days ahead).
    let start = std::time::Instant::now();
    let expected = 3 * people.len() as i64;
    loop {
        let now = Timestamp::now().as_millisecond();
        let mut due = 0;
        for p in people.iter().chain([volunteer].iter()) {
            due += store
                .jobs_of(*p)
                .await
                .unwrap()
                .iter()
                .filter(|j| {
                    matches!(j.state, JobState::Scheduled | JobState::Running) && j.run_at <= now
                })
                .count();
        }
        let mut made = true;
        for inc in &incidents {
            made &= store
                .count_checkins_of_incident(aftercare_store::IncidentId(*inc))
                .await
                .unwrap()
                == expected;
        }
        if made && due == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{due} jobs still due; check-ins all made: {made}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(true);
    for t in tasks {
        t.await.unwrap();
    }
    for inc in &incidents {
        // Resolved 30 hours ago: the 1d check-in is due now, 3d and 7d later.
        assert_eq!(
            store
                .count_checkins_of_incident(aftercare_store::IncidentId(*inc))
                .await
                .unwrap(),
            3 * people.len() as i64
        );
    }
    // Each person's messages: one per check-in that is due, delivered once; the
    // supporter's nudges once each.
    for p in people.iter().chain([volunteer].iter()) {
        for job in store.jobs_of(*p).await.unwrap() {
            if job.state == JobState::Done {
                assert_eq!(
                    store.inbox_messages_of_job(job.id).await.unwrap(),
                    1,
                    "{job:?}"
                );
            }
        }
    }
    let nudges = store
        .jobs_of(volunteer)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.dedupe_key.starts_with("message:supporter-nudge:"))
        .count();
    assert_eq!(
        nudges,
        incidents.len() * people.len(),
        "one nudge per pairing"
    );
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn team_settings_change_the_checkins(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.ensure_team("infra").await.unwrap().id;
    let lead = person(s, "Lin", "lin@example.org", Some((team, TeamRole::Lead))).await;
    let member = person(s, "Mo", "mo@example.org", Some((team, TeamRole::Member))).await;
    let lead_token = own_token(s, lead).await;
    let member_token = own_token(s, member).await;
    let path = format!("/api/v1/teams/{team}/care");
    let (status, settings) = get(&app, &member_token, &path).await;
    assert_eq!(status, 200);
    assert_eq!(settings["offsets"], "1d, 3d, 1w");
    // A member may not change them; a lead may; bad values name the field and store nothing.
    let (status, _) = send(
        &app,
        "PATCH",
        &member_token,
        &path,
        &json!({"offsets": "2h"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, err) = send(
        &app,
        "PATCH",
        &lead_token,
        &path,
        &json!({"offsets": "2h, soon", "measures": ["post-incident-stress"]}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(err.to_string().contains("offsets"), "{err}");
    let (status, err) = send(
        &app,
        "PATCH",
        &lead_token,
        &path,
        &json!({"measures": ["no-such-measure"]}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    let (_, unchanged) = get(&app, &lead_token, &path).await;
    assert_eq!(unchanged["offsets"], "1d, 3d, 1w");
    let (status, changed) = send(
        &app,
        "PATCH",
        &lead_token,
        &path,
        &json!({"offsets": "90m, 2d", "measures": ["post-incident-stress"]}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    // The team's own measure, as a file.
    let own = r#"
id = "team-energy"
name = "Energy"
scoring = "mean"
higher_is = "better"
[scale]
min = 1
max = 3
labels = [ { value = 1, label = "Low" }, { value = 2, label = "Middling" }, { value = 3, label = "High" } ]
[[items]]
id = "energy"
text = "How is your energy today?"
[source]
citation = "The infra team's own question"
[terms]
summary = "Ours."
commercial_use = "allowed"
[reading]
first = "Your first answer."
lower = "Lower than last time."
similar = "About the same as last time."
higher = "Higher than last time."
"#;
    let (status, m) = send(
        &app,
        "POST",
        &lead_token,
        &format!("/api/v1/teams/{team}/measures"),
        &json!({"source": own}),
    )
    .await;
    assert_eq!(status, 201, "{m}");
    let (status, err) = send(
        &app,
        "POST",
        &lead_token,
        &format!("/api/v1/teams/{team}/measures"),
        &json!({"source": "id = \"x\""}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    let (status, _) = send(
        &app,
        "PATCH",
        &lead_token,
        &path,
        &json!({"measures": ["post-incident-stress", "team-energy"]}),
    )
    .await;
    assert_eq!(status, 200);
    resolved_incident(s, team, "settings-1", &[member]).await;
    run_jobs(s).await;
    let (_, list) = get(&app, &member_token, "/api/v1/me/checkins").await;
    let list = list.as_array().unwrap();
    // 90m and 2d after a resolution 30 hours ago: one due now, one tomorrow.
    assert_eq!(list.len(), 2, "{list:?}");
    let open = list.iter().find(|c| c["status"] == "open").unwrap();
    let later = list.iter().find(|c| c["status"] == "scheduled").unwrap();
    assert_eq!(later["after"], "2d");
    let ids: Vec<&str> = open["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["post-incident-stress", "team-energy"]);
    let (status, done) = send(
        &app,
        "POST",
        &member_token,
        &format!("/api/v1/me/checkins/{}", open["id"]),
        &answers(open, 3),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["scores"]["team-energy"], 3.0);
    // A scheduled check-in cannot be answered yet, but can be skipped.
    let (status, _) = send(
        &app,
        "POST",
        &member_token,
        &format!("/api/v1/me/checkins/{}", later["id"]),
        &answers(later, 2),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = send(
        &app,
        "POST",
        &member_token,
        &format!("/api/v1/me/checkins/{}", later["id"]),
        &json!({"skip": true}),
    )
    .await;
    assert_eq!(status, 200);
    app.stop().await;
}

/// The same settings, measures, pulse and support resources from the command line;
/// resolving an incident there starts its care like any other resolution.
async fn care_from_the_command_line(backend: Backend) {
    use crate::cli::{aftercare, text};
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.ensure_team("infra").await.unwrap().id;
    let mo = person(s, "Mo", "mo@example.org", Some((team, TeamRole::Member))).await;
    let db = app.database_url();
    let out = aftercare(&db, &["care", "settings", "--team", "infra"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("offsets:   1d, 3d, 1w"), "{stdout}");
    let out = aftercare(
        &db,
        &[
            "care",
            "settings",
            "--team",
            "infra",
            "--offsets",
            "2h, soon",
        ],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("--offsets:"), "{stderr}");
    let out = aftercare(
        &db,
        &[
            "care",
            "settings",
            "--team",
            "infra",
            "--offsets",
            "1m, 1d",
            "--measures",
            "post-incident-stress",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("offsets:   1m, 1d"), "{stdout}");
    let out = aftercare(
        &db,
        &["care", "resources", "--add", "EAP", "--contact", "0800 000"],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("EAP: 0800 000"), "{stdout}");
    // An incident made and resolved on the command line: Mo's check-ins follow.
    let out = aftercare(
        &db,
        &[
            "incident",
            "create",
            "--team",
            "infra",
            "--title",
            "Disk full",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let id = stdout
        .trim_start_matches('#')
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let out = aftercare(
        &db,
        &[
            "incident",
            "add-participant",
            &id,
            "--person",
            "mo@example.org",
            "--role",
            "responder",
        ],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let out = aftercare(&db, &["incident", "resolve", &id]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("[resolved]"), "{stdout}");
    run_jobs(s).await;
    let mine = own_token(s, mo).await;
    let (_, list) = get(&app, &mine, "/api/v1/me/checkins").await;
    let afters: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["after"].as_str().unwrap())
        .collect();
    assert_eq!(afters, ["1d", "1m"], "{list}");
    let out = aftercare(&db, &["care", "pulse", "--team", "infra"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("stressed or very stressed:     withheld"),
        "{stdout}"
    );
    app.stop().await;
}

crate::on_both!(
    care_from_the_command_line,
    real_payloads_resolve_into_private_checkins,
    pulse_shows_only_from_five_people,
    journal_is_sealed_and_only_the_owner_opens_it,
    care_runs_once_across_two_runners,
    team_settings_change_the_checkins,
);
