//! Incidents and the people in them, over HTTP on both backends: the senders' own
//! lifecycles (triggered, acknowledged, resolved) make one incident each with the people
//! their pages landed on as responders; incidents made by hand; participants added by a
//! lead or by themselves; edits, deletion, and who may do which.

use std::path::Path;

use aftercare_store::{Backend, TeamRole};
use serde_json::{Value, json};

use crate::cli::{aftercare, text};
use crate::common::{TestApp, fixture_path, new_person, spawn_app};
use crate::ingest::{people, post_every_fixture};

async fn all_incidents(app: &TestApp) -> Vec<Value> {
    let v: Value = app
        .get("/api/v1/incidents?from=2000-01-01")
        .await
        .json()
        .await
        .unwrap();
    let mut out = Vec::new();
    for i in v["incidents"].as_array().unwrap() {
        out.push(
            app.get(&format!("/api/v1/incidents/{}", i["id"]))
                .await
                .json()
                .await
                .unwrap(),
        );
    }
    out
}

fn responders(d: &Value) -> Vec<String> {
    let mut names: Vec<String> = d["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["role"] == "responder")
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn by_source<'a>(all: &'a [Value], source: &str, title_has: &str) -> &'a Value {
    all.iter()
        .find(|d| d["source"] == source && d["title"].as_str().unwrap().contains(title_has))
        .unwrap_or_else(|| panic!("no {source} incident titled …{title_has}…: {all:?}"))
}

/// Our own payloads (each sender's documented format, the same night of 17 June 2026).
async fn senders_lifecycles_make_incidents_with_their_responders(backend: Backend) {
    let app = spawn_app(backend).await;
    people(&app).await;
    post_every_fixture(&app, &fixture_path("webhooks")).await;
    let all = check_lifecycles(&app, "IndexerQueueLagHigh", "Search indexer backlog").await;
    // Who responded, by name: both people Grafana OnCall notified, the one who
    // acknowledged in Opsgenie, both people incident.io's escalation notified.
    assert_eq!(
        responders(by_source(&all, "grafana-oncall", "IndexerQueueLagHigh")),
        ["Kai Tanaka", "Noor Haddad"]
    );
    assert_eq!(
        responders(by_source(&all, "opsgenie", "IndexerQueueLagHigh")),
        ["Kai Tanaka"]
    );
    let escalation = all
        .iter()
        .find(|d| d["source"] == "incident-io" && d["pages"].as_i64().unwrap() > 0)
        .unwrap();
    assert_eq!(responders(escalation), ["Kai Tanaka", "Noor Haddad"]);
    // Resolved after 65 minutes: nobody is due a handoff.
    for p in by_source(&all, "grafana-oncall", "IndexerQueueLagHigh")["participants"]
        .as_array()
        .unwrap()
    {
        assert_eq!(p["engaged_minutes"], 65, "{p}");
        assert_eq!(p["handoff_due"], false, "{p}");
    }
    // Linking Noor's PagerDuty id afterwards makes her pages hers, and her a responder of
    // the PagerDuty incident.
    let noor = app
        .store
        .person_by_email("noor.haddad@example.org")
        .await
        .unwrap()
        .unwrap();
    let res = app
        .post_json(
            &format!("/api/v1/people/{}/identities", noor.id),
            &json!({"kind": "pagerduty", "external_id": "PN5Y2HC"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let all = all_incidents(&app).await;
    assert_eq!(
        responders(by_source(&all, "pagerduty", "IndexerQueueLagHigh")),
        ["Noor Haddad"]
    );
    // Deliveries again (new delivery ids, same incidents): still one incident per key.
    let before = all_incidents(&app).await.len();
    post_every_fixture(&app, &fixture_path("webhooks")).await;
    assert_eq!(all_incidents(&app).await.len(), before);
    app.stop().await;
}

/// Each sender's lifecycle made one incident of the team, in the state its last event
/// left it, with responders where the sender names people we know. `alert` is in the
/// alert's title, `incident` in FireHydrant's incident's.
async fn check_lifecycles(app: &TestApp, alert: &str, incident: &str) -> Vec<Value> {
    let all = all_incidents(app).await;
    // Grafana OnCall: created, acknowledged, resolved, with the people it notified.
    let grafana = by_source(&all, "grafana-oncall", alert);
    assert_eq!(grafana["status"], "resolved", "{grafana}");
    assert!(grafana["acknowledged_at"].is_string(), "{grafana}");
    assert!(!responders(grafana).is_empty(), "{grafana}");
    // Opsgenie: created, acknowledged, closed.
    let opsgenie = by_source(&all, "opsgenie", alert);
    assert_eq!(opsgenie["status"], "resolved", "{opsgenie}");
    assert!(opsgenie["acknowledged_at"].is_string(), "{opsgenie}");
    // PagerDuty: triggered, acknowledged, resolved make one incident with all its pages
    // (its assignees are PagerDuty ids nobody has linked yet, so not people here).
    let pagerduty = by_source(&all, "pagerduty", alert);
    assert_eq!(pagerduty["status"], "resolved", "{pagerduty}");
    assert_eq!(pagerduty["pages"], 4, "{pagerduty}");
    assert!(
        pagerduty["severity"].is_string(),
        "the sender's priority: {pagerduty}"
    );
    // incident.io's escalation: the people it notified, acknowledged.
    let escalation = all
        .iter()
        .find(|d| d["source"] == "incident-io" && d["pages"].as_i64().unwrap() > 0)
        .unwrap();
    assert_eq!(escalation["status"], "acknowledged", "{escalation}");
    assert!(!responders(escalation).is_empty(), "{escalation}");
    // Alertmanager: firing then resolved, one group.
    let alertmanager = by_source(&all, "alertmanager", alert);
    assert_eq!(alertmanager["status"], "resolved", "{alertmanager}");
    // FireHydrant's incident lifecycle.
    let firehydrant = by_source(&all, "firehydrant", incident);
    assert_eq!(firehydrant["status"], "resolved", "{firehydrant}");
    // Every incident is the team's.
    assert!(
        all.iter().all(|d| d["team"]["name"] == "payments"),
        "{all:?}"
    );
    all
}

/// The people the real captures name, in the team their integrations belong to.
async fn real_people(app: &TestApp) {
    let team = app.store.ensure_team("payments").await.unwrap();
    for (name, email) in [
        ("Sam Okafor", "sam.okafor@example.com"),
        ("Alex Rivera", "alex.rivera@example.com"),
        ("Jordan Lee", "jordan.lee@example.com"),
    ] {
        let (p, _) = app
            .store
            .upsert_person(&new_person(name, email, "Europe/Berlin"))
            .await
            .unwrap();
        app.store.join_team(team.id, p.id).await.unwrap();
    }
}

/// The real captures in `../shared/data/webhooks` (when present; always in CI).
async fn real_captures_make_incidents_with_their_responders(backend: Backend) {
    let Some(root): Option<std::path::PathBuf> =
        crate::real_data::real_data("data/webhooks", "real webhook captures")
    else {
        return;
    };
    let app = spawn_app(backend).await;
    real_people(&app).await;
    post_every_fixture(&app, Path::new(&root)).await;
    check_lifecycles(&app, "CheckoutHighErrorRate", "Checkout API 5xx").await;
    app.stop().await;
}

async fn incidents_by_hand_and_who_may_change_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("search").await.unwrap().id;
    let other_team = s.create_team("billing").await.unwrap().id;
    let mut ids = Vec::new();
    for (name, email) in [
        ("Lee Lead", "lee@example.com"),
        ("Mo Member", "mo@example.com"),
        ("Ines Investigator", "ines@example.com"),
        ("Out Sider", "out@example.com"),
    ] {
        ids.push(
            s.create_person(&new_person(name, email, "UTC"))
                .await
                .unwrap()
                .id,
        );
    }
    let (lead, member, investigator, outsider) = (ids[0], ids[1], ids[2], ids[3]);
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    s.set_membership(team, member, TeamRole::Member)
        .await
        .unwrap();
    s.set_membership(other_team, investigator, TeamRole::Member)
        .await
        .unwrap();
    let token = |email: &'static str| app.token_for(email);
    let (lead_t, member_t, inv_t, out_t) = (
        token("lee@example.com").await,
        token("mo@example.com").await,
        token("ines@example.com").await,
        token("out@example.com").await,
    );
    let call = |method: reqwest::Method, path: String, tok: &String, body: Option<Value>| {
        let mut req = app.client.request(method, app.url(&path)).bearer_auth(tok);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send()
    };

    // Bad input names its field, and stores nothing.
    for (body, field) in [
        (json!({"title": "  ", "team": team}), "title"),
        (
            json!({"title": "x", "team": team, "started_at": "yesterday"}),
            "started_at",
        ),
        (
            json!({"title": "x", "team": team, "started_at": "2026-01-02T00:00:00Z", "resolved_at": "2026-01-01T00:00:00Z"}),
            "resolved_at",
        ),
        (json!({"title": "x"}), "team"),
        (json!({"title": "x", "team": 99999}), "team"),
        (
            json!({"title": "x", "team": team, "colour": "red"}),
            "colour",
        ),
    ] {
        let res = call(
            reqwest::Method::POST,
            "/api/v1/incidents".into(),
            &member_t,
            Some(body.clone()),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 400, "{body}");
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["error"]["field"], field, "{body}: {v}");
    }
    assert!(all_incidents(&app).await.is_empty());
    // Not a team of theirs.
    let res = call(
        reqwest::Method::POST,
        "/api/v1/incidents".into(),
        &out_t,
        Some(json!({"title": "x", "team": team})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 403);

    // A member makes one for their team and leads it.
    let res = call(
        reqwest::Method::POST,
        "/api/v1/incidents".into(),
        &member_t,
        Some(json!({"title": "Checkout errors", "team": team, "severity": "SEV2", "started_at": "2026-06-01T10:00:00Z"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["source"], "manual");
    assert_eq!(made["severity"], "SEV2");
    assert_eq!(made["status"], "open");
    assert_eq!(made["participants"][0]["role"], "incident_lead", "{made}");
    assert_eq!(made["participants"][0]["person_id"], member.0);
    let path = format!("/api/v1/incidents/{id}");
    let people = format!("{path}/participants");

    // Someone outside the team does not see it, and cannot add themselves.
    let res = call(reqwest::Method::GET, path.clone(), &out_t, None)
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = call(
        reqwest::Method::POST,
        people.clone(),
        &out_t,
        Some(json!({"role": "responder"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 403);
    // The team's lead adds an investigator from another team, who then sees it.
    let res = call(
        reqwest::Method::POST,
        people.clone(),
        &lead_t,
        Some(json!({"person_id": investigator.0, "role": "investigator"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    let roles: Vec<&str> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["incident_lead", "investigator"], "{v}");
    let res = call(reqwest::Method::GET, path.clone(), &inv_t, None)
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let listed: Value = call(
        reqwest::Method::GET,
        "/api/v1/incidents?from=2026-01-01".into(),
        &inv_t,
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(listed["incidents"][0]["id"], id, "{listed}");
    // Twice in the same role: 409; an unknown role names the field.
    let res = call(
        reqwest::Method::POST,
        people.clone(),
        &lead_t,
        Some(json!({"person_id": investigator.0, "role": "investigator"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 409);
    let res = call(
        reqwest::Method::POST,
        people.clone(),
        &lead_t,
        Some(json!({"person_id": investigator.0, "role": "hero"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["field"], "role");
    // The investigator may add themselves in another role, not someone else.
    let res = call(
        reqwest::Method::POST,
        people.clone(),
        &inv_t,
        Some(json!({"role": "review_facilitator"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let res = call(
        reqwest::Method::POST,
        people.clone(),
        &inv_t,
        Some(json!({"person_id": outsider.0, "role": "responder"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 403);
    // ... nor edit it; the incident's lead may.
    let res = call(
        reqwest::Method::PATCH,
        path.clone(),
        &inv_t,
        Some(json!({"title": "Renamed"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 403);
    let res = call(
        reqwest::Method::PATCH,
        path.clone(),
        &member_t,
        Some(json!({"resolved_at": "2026-06-01T12:30:00Z", "severity": ""})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["severity"], Value::Null);
    let lead_row = &v["participants"][0];
    assert_eq!(lead_row["engaged_minutes"], 150, "{v}");
    // Reopened by null; a resolution before the start names its field.
    let res = call(
        reqwest::Method::PATCH,
        path.clone(),
        &member_t,
        Some(json!({"resolved_at": "2026-05-01T00:00:00Z"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    let res = call(
        reqwest::Method::PATCH,
        path.clone(),
        &member_t,
        Some(json!({"resolved_at": null})),
    )
    .await
    .unwrap();
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["status"], "open", "{v}");
    // Removing oneself; deleting is for those who manage it.
    let res = call(
        reqwest::Method::DELETE,
        people.clone(),
        &inv_t,
        Some(json!({"person_id": investigator.0, "role": "review_facilitator"})),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let res = call(reqwest::Method::DELETE, path.clone(), &inv_t, None)
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = call(reqwest::Method::DELETE, path.clone(), &lead_t, None)
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = call(reqwest::Method::GET, path.clone(), &lead_t, None)
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    app.stop().await;
}

/// The pages: a member makes an incident (an empty title is refused beside its field),
/// adds themselves as investigator, the lead adds someone, resolves it and deletes it.
async fn incidents_through_the_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("search").await.unwrap().id;
    let lead = s
        .create_person(&new_person("Lee Lead", "lee@example.com", "UTC"))
        .await
        .unwrap()
        .id;
    let member = s
        .create_person(&new_person("Mo Member", "mo@example.com", "UTC"))
        .await
        .unwrap()
        .id;
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    s.set_membership(team, member, TeamRole::Member)
        .await
        .unwrap();
    let session = |p| aftercare_app::accounts::start_session(&app.store, p);
    let (m, l) = (session(member).await.unwrap(), session(lead).await.unwrap());
    let get = |cookie: String, path: String| {
        app.client
            .get(app.url(&path))
            .header("cookie", format!("aftercare_session={cookie}"))
            .send()
    };
    let post = |cookie: String, csrf: String, path: String, body: String| {
        app.client
            .post(app.url(&path))
            .header("cookie", format!("aftercare_session={cookie}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}&{body}"))
            .send()
    };
    let page = get(m.cookie.clone(), "/incidents".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("No incident started over"), "{page}");
    assert!(page.contains("id=\"new-incident\""), "{page}");
    let res = post(
        m.cookie.clone(),
        m.session.csrf_token.clone(),
        "/incidents".into(),
        format!("title=+&team={team}&severity=SEV3"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("Give the incident a title"), "{page}");
    assert!(
        page.contains("value=\"SEV3\""),
        "what was typed stays: {page}"
    );
    let res = post(
        m.cookie.clone(),
        m.session.csrf_token.clone(),
        "/incidents".into(),
        format!("title=Search+is+slow&team={team}&severity=SEV3"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("?notice=incident-added"), "{to}");
    let path = to.split('?').next().unwrap().to_string();
    let page = get(m.cookie.clone(), to.clone())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<h1>Search is slow</h1>") && page.contains("incident lead"),
        "{page}"
    );
    // The member adds themselves as investigator too.
    let res = post(
        m.cookie.clone(),
        m.session.csrf_token.clone(),
        format!("{path}/participants"),
        "person_id=me&role=investigator".into(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    // ... a second time is refused beside the form, not on another page.
    let res = post(
        m.cookie.clone(),
        m.session.csrf_token.clone(),
        format!("{path}/participants"),
        "person_id=me&role=investigator".into(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("lready in this incident")
    );
    // The lead adds themselves as responder for someone, resolves it, then deletes it.
    let res = post(
        l.cookie.clone(),
        l.session.csrf_token.clone(),
        format!("{path}/participants"),
        format!("person_id={}&role=communications", lead.0),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    let res = post(
        l.cookie.clone(),
        l.session.csrf_token.clone(),
        format!("{path}/edit"),
        "title=Search+is+slow&severity=SEV2&state=resolve".into(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    let page = get(l.cookie.clone(), path.clone())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("status-resolved")
            && page.contains("SEV2")
            && page.contains("communications"),
        "{page}"
    );
    let list = get(m.cookie.clone(), "/incidents".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Search is slow"), "{list}");
    let res = post(
        l.cookie.clone(),
        l.session.csrf_token.clone(),
        format!("{path}/delete"),
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/incidents?notice=incident-deleted"
    );
    let res = get(l.cookie.clone(), path.clone()).await.unwrap();
    assert_eq!(res.status(), 404);
    app.stop().await;
}

/// The command line: make one, add someone, list and show it; bad input names the flag.
async fn incidents_from_the_command_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let team = app.store.create_team("search").await.unwrap().id;
    let mo = app
        .store
        .create_person(&new_person("Mo Member", "mo@example.com", "UTC"))
        .await
        .unwrap()
        .id;
    app.store
        .set_membership(team, mo, TeamRole::Member)
        .await
        .unwrap();
    let db = app.database_url();
    let out = aftercare(
        &db,
        &[
            "incident",
            "create",
            "--team",
            "search",
            "--title",
            "Reindex stuck",
            "--severity",
            "SEV3",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Reindex stuck [open]"), "{stdout}");
    let id = stdout
        .trim_start_matches('#')
        .split(' ')
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
            "mo@example.com",
            "--role",
            "investigator",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("Mo Member") && stdout.contains("investigator"),
        "{stdout}"
    );
    let out = aftercare(
        &db,
        &[
            "incident",
            "add-participant",
            &id,
            "--person",
            "mo@example.com",
            "--role",
            "hero",
        ],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("--role"), "{stderr}");
    let out = aftercare(
        &db,
        &["incident", "create", "--team", "search", "--title", " "],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("--title"), "{stderr}");
    let out = aftercare(&db, &["incident", "list", "--team", "search", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["incidents"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["incidents"][0]["severity"], "SEV3");
    let out = aftercare(&db, &["incident", "show", &id, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["participants"][0]["person_id"], mo.0, "{v}");
    app.stop().await;
}

crate::on_both!(
    incidents_from_the_command_line,
    incidents_through_the_pages,
    senders_lifecycles_make_incidents_with_their_responders,
    real_captures_make_incidents_with_their_responders,
    incidents_by_hand_and_who_may_change_them,
);
