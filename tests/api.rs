//! The JSON API end to end, on SQLite and PostgreSQL: access rules from
//! docs/privacy.md, validation that names the field and stores nothing, burden
//! figures, sessions shared between server processes, operations endpoints.

use aftercare_app::people::PersonSettings;
use aftercare_store::{Backend, NewNotification, PersonId, TeamRole};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

crate::on_both!(
    concurrent_writes_that_read_first_all_succeed,
    requests_without_credentials_are_refused,
    bad_people_are_refused_naming_the_field_and_store_nothing,
    burden_follows_the_rules_and_is_zero_without_pages,
    work_data_is_visible_to_self_leads_and_admins_only,
    sessions_live_in_the_database_and_need_csrf_for_writes,
    operations_endpoints_answer,
    lens_endpoint_finds_blame,
    people_change_their_own_hours_and_identities,
    web_forms_manage_people_teams_and_hours,
);

fn new_person(name: &str, email: &str, tz: &str) -> Value {
    json!({"name": name, "email": email, "time_zone": tz})
}

async fn create(app: &TestApp, name: &str, email: &str, tz: &str) -> PersonId {
    let res = app
        .post_json("/api/v1/people", &new_person(name, email, tz))
        .await;
    assert_eq!(res.status(), 201);
    PersonId(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
}

async fn pages(app: &TestApp, person: PersonId, instants: &[&str]) {
    let rows: Vec<NewNotification> = instants
        .iter()
        .map(|at| {
            NewNotification::bare(
                Some(person),
                None,
                at.parse::<Timestamp>().unwrap().as_millisecond(),
                "k",
                "test",
                "imported",
            )
        })
        .collect();
    let mut import = app.store.begin_import().await.unwrap();
    import.push(&rows).await.unwrap();
    import.commit().await.unwrap();
}

async fn requests_without_credentials_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .client
        .get(app.url("/api/v1/people"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "unauthenticated");
    let res = app
        .client
        .get(app.url("/api/v1/people"))
        .bearer_auth("aftercare_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = app.get("/api/v1/no/such/thing").await;
    assert_eq!(res.status(), 404);
    app.stop().await;
}

async fn bad_people_are_refused_naming_the_field_and_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        (
            json!({"name": "A", "email": "a@example.com", "time_zone": "Mars/Olympus"}),
            "time_zone",
        ),
        (
            json!({"name": "A", "email": "nope", "time_zone": "UTC"}),
            "email",
        ),
        (
            json!({"name": "", "email": "a@example.com", "time_zone": "UTC"}),
            "name",
        ),
        (
            json!({"name": "A", "email": "a@example.com", "time_zone": "UTC", "working_days": "mon-fry"}),
            "working_days",
        ),
        (
            json!({"name": "A", "email": "a@example.com", "time_zone": "UTC", "sleep_end": "25:00"}),
            "sleep_end",
        ),
        (json!({"name": "A", "email": "a@example.com"}), "time_zone"),
        (
            json!({"name": "A", "email": "a@example.com", "time_zone": "UTC", "shoe_size": 9}),
            "shoe_size",
        ),
    ];
    for (body, field) in cases {
        let res = app.post_json("/api/v1/people", &body).await;
        assert_eq!(res.status(), 400, "{body}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    let res = app
        .client
        .post(app.url("/api/v1/people"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "malformed"
    );
    assert_eq!(
        app.store.count_people().await.unwrap(),
        0,
        "rejected requests store nothing"
    );
    create(&app, "Alex", "alex@example.com", "UTC").await;
    let dup = app
        .post_json(
            "/api/v1/people",
            &new_person("Alex 2", "ALEX@example.com", "UTC"),
        )
        .await;
    assert_eq!(dup.status(), 409);
    assert_eq!(app.store.count_people().await.unwrap(), 1);
    let res = app.post_json("/api/v1/teams", &json!({"name": "  "})).await;
    assert_eq!(res.status(), 400);
    assert!(app.store.list_teams().await.unwrap().is_empty());
    // A body that is not a JSON object is refused, even where every field is optional
    // (serde would read `[null, null]` as a struct with its first two fields unset).
    for body in ["[null, null]", "\"x\"", "3"] {
        let res = app
            .client
            .post(app.url("/api/v1/teams"))
            .bearer_auth(&app.admin_token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{body}");
        let v: Value = res.json().await.unwrap();
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("JSON object"),
            "{v}"
        );
    }
    app.stop().await;
}

async fn burden_follows_the_rules_and_is_zero_without_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let quiet = create(&app, "Quiet", "quiet@example.com", "UTC").await;
    let res = app
        .get(&format!(
            "/api/v1/people/{quiet}/burden?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z"
        ))
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["interruptions"],
        json!({"business": 0, "off": 0, "sleep": 0, "total": 0})
    );
    assert_eq!(
        (
            v["disrupted_nights"].as_u64(),
            v["longest_disrupted_streak"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert_eq!(v["nights"], json!([]));

    let id = create(&app, "Priya", "priya@example.com", "Asia/Kolkata").await;
    // Kolkata is UTC+5:30. 23:30 on 4 March and 02:00 on 5 March local are both the
    // night of 4 March; the 02:00 one has a follow-up 30 s later (one interruption).
    pages(
        &app,
        id,
        &[
            "2026-03-04T18:00:00Z", // 23:30 local: sleep, night of 4 March
            "2026-03-04T20:30:00Z", // 02:00 local on 5 March: sleep, night of 4 March
            "2026-03-04T20:30:30Z", // merged into the previous interruption
            "2026-03-05T19:00:00Z", // 00:30 local on 6 March: night of 5 March
            "2026-03-06T05:00:00Z", // 10:30 local Friday: business
            "2026-03-07T05:00:00Z", // 10:30 local Saturday: off
        ],
    )
    .await;
    let res = app
        .get(&format!(
            "/api/v1/people/{id}/burden?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z"
        ))
        .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["interruptions"],
        json!({"business": 1, "off": 1, "sleep": 3, "total": 5}),
        "{v}"
    );
    assert_eq!(v["disrupted_nights"], 2);
    assert_eq!(v["longest_disrupted_streak"], 2);
    assert_eq!(v["nights"], json!(["2026-03-04", "2026-03-05"]));
    // A period starting 20 s after a notification: the follow-up inside it is not a new interruption.
    let res = app
        .get(&format!(
            "/api/v1/people/{id}/burden?from=2026-03-04T20:30:20Z&to=2026-03-04T21:00:00Z"
        ))
        .await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["interruptions"]["total"], 0, "{v}");
    // Bad periods name the field.
    for (q, field) in [
        ("from=yesterday", "from"),
        ("from=2026-03-05&to=2026-03-04", "from"),
        ("to=soon", "to"),
    ] {
        let res = app.get(&format!("/api/v1/people/{id}/burden?{q}")).await;
        assert_eq!(res.status(), 400, "{q}");
        assert_eq!(
            res.json::<Value>().await.unwrap()["error"]["field"],
            field,
            "{q}"
        );
    }
    // Team burden: each member and the spread.
    let res = app
        .post_json("/api/v1/teams", &json!({"name": "payments"}))
        .await;
    let team = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for email in ["priya@example.com", "quiet@example.com"] {
        assert_eq!(
            app.post_json(
                &format!("/api/v1/teams/{team}/members"),
                &json!({"email": email})
            )
            .await
            .status(),
            200
        );
    }
    let v: Value = app
        .get(&format!(
            "/api/v1/teams/{team}/burden?from=2026-03-01&to=2026-03-31"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["spread"]["most_sleep"]["name"], "Priya", "{v}");
    assert_eq!(v["spread"]["median_sleep"], 1.5);
    app.stop().await;
}

async fn work_data_is_visible_to_self_leads_and_admins_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = create(&app, "Lead", "lead@example.com", "UTC").await;
    let member = create(&app, "Member", "member@example.com", "UTC").await;
    let other = create(&app, "Other", "other@example.com", "UTC").await;
    let team = app.store.ensure_team("payments").await.unwrap();
    let elsewhere = app.store.ensure_team("search").await.unwrap();
    app.store
        .set_membership(team.id, lead, TeamRole::Lead)
        .await
        .unwrap();
    app.store
        .set_membership(team.id, member, TeamRole::Member)
        .await
        .unwrap();
    app.store
        .set_membership(elsewhere.id, other, TeamRole::Member)
        .await
        .unwrap();
    let lead_token = app.token_for("lead@example.com").await;
    let member_token = app.token_for("member@example.com").await;
    let get = |token: &str, path: &str| {
        app.client
            .get(app.url(path))
            .bearer_auth(token.to_string())
            .send()
    };
    let burden = |id: PersonId| format!("/api/v1/people/{id}/burden");
    assert_eq!(
        get(&member_token, &burden(member)).await.unwrap().status(),
        200,
        "own figures"
    );
    assert_eq!(
        get(&member_token, &burden(lead)).await.unwrap().status(),
        403,
        "a member does not see a teammate's figures"
    );
    assert_eq!(
        get(&lead_token, &burden(member)).await.unwrap().status(),
        200,
        "a lead sees their team's"
    );
    assert_eq!(
        get(&lead_token, &burden(other)).await.unwrap().status(),
        403,
        "not another team's"
    );
    assert_eq!(
        get(&member_token, &format!("/api/v1/teams/{}/burden", team.id))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        get(&lead_token, &format!("/api/v1/teams/{}/burden", team.id))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        get(
            &lead_token,
            &format!("/api/v1/teams/{}/burden", elsewhere.id)
        )
        .await
        .unwrap()
        .status(),
        403
    );
    assert_eq!(
        get(&member_token, &format!("/api/v1/teams/{}", elsewhere.id))
            .await
            .unwrap()
            .status(),
        403
    );
    let teams: Value = get(&member_token, "/api/v1/teams")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(teams["teams"].as_array().unwrap().len(), 1, "{teams}");
    // Only admins create people; a failed attempt stores nothing.
    let res = app
        .client
        .post(app.url("/api/v1/people"))
        .bearer_auth(&lead_token)
        .json(&new_person("X", "x@example.com", "UTC"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(
        app.store
            .person_by_email("x@example.com")
            .await
            .unwrap()
            .is_none()
    );
    // A lead may add integrations for their own team only.
    let res = app
        .client
        .post(app.url("/api/v1/integrations"))
        .bearer_auth(&lead_token)
        .json(&json!({"team": "search", "source": "alertmanager"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(app.url("/api/v1/integrations"))
        .bearer_auth(&lead_token)
        .json(&json!({"team": "payments", "source": "alertmanager"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = app
        .client
        .post(app.url("/api/v1/integrations"))
        .bearer_auth(&lead_token)
        .json(&json!({"team": "payments", "source": "nagios"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["field"],
        "source"
    );
    assert_eq!(app.store.list_integrations(None).await.unwrap().len(), 1);
    app.stop().await;
}

async fn sessions_live_in_the_database_and_need_csrf_for_writes(backend: Backend) {
    let app = spawn_app(backend).await;
    let hash = aftercare_app::passwords::hash_password("a long password").unwrap();
    let new = crate::common::new_person("Admin", "admin@example.com", "UTC");
    app.store.create_admin(&new, &hash, false).await.unwrap();
    let bad = crate::common::post_login(&app, "admin@example.com", "wrong password").await;
    assert_eq!(bad.status(), 401);
    let res = crate::common::post_login(&app, "admin@example.com", "a long password").await;
    assert_eq!(res.status(), 303);
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    // A second server process on the same database knows the session.
    let second = crate::common::spawn_on(app.database_url()).await;
    for server in [&app.address, &second.address] {
        let me: Value = app
            .client
            .get(format!("http://{server}/api/v1/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["person"]["email"], "admin@example.com");
    }
    // Writes with a cookie need the CSRF token.
    let res = app
        .client
        .post(app.url("/api/v1/teams"))
        .header("cookie", &cookie)
        .json(&json!({"name": "t"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(app.store.list_teams().await.unwrap().is_empty());
    let sessions_csrf = {
        let page = app
            .client
            .get(app.url("/teams"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = page.find("X-CSRF-Token\": \"").unwrap() + "X-CSRF-Token\": \"".len();
        page[start..start + 32].to_string()
    };
    let res = app
        .client
        .post(app.url("/api/v1/teams"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &sessions_csrf)
        .json(&json!({"name": "t"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = app
        .client
        .post(format!("http://{}/api/v1/teams", second.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &sessions_csrf)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"name": "u"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "cross-site writes are refused");
    // Logging out on one server ends the session on both.
    let res = app
        .client
        .post(format!("http://{}/logout", second.address))
        .header("cookie", &cookie)
        .form(&[("csrf", sessions_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    second.stop().await;
    app.stop().await;
}

async fn operations_endpoints_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    app.get("/api/v1/people").await;
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("aftercare_http_requests_total"),
        "{metrics}"
    );
    let spec: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    for path in [
        "/me",
        "/people",
        "/people/{id}",
        "/people/{id}/burden",
        "/teams",
        "/teams/{id}",
        "/teams/{id}/members",
        "/teams/{id}/burden",
        "/teams/{id}/schedule",
        "/teams/{id}/shifts",
        "/teams/{id}/unattributed",
        "/integrations",
        "/ingest/{integration}",
        "/lens",
        "/openapi.json",
    ] {
        assert!(
            spec["paths"][path].is_object(),
            "{path} is not in the OpenAPI document"
        );
    }
    // Every operation declares its path parameters, a success answer and the
    // documented error shape; the document is generated from the handlers'
    // annotations and types, and these are what a client generator needs.
    let ops = spec["paths"].as_object().unwrap();
    let api_paths: std::collections::BTreeSet<String> = aftercare_server::route_paths()
        .into_iter()
        .filter_map(|p| p.strip_prefix("/api/v1").map(str::to_string))
        .collect();
    let documented: std::collections::BTreeSet<String> = ops.keys().cloned().collect();
    assert_eq!(api_paths, documented, "routes and OpenAPI paths differ");
    for (path, item) in ops {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path}: no success answer"
            );
            if path != "/openapi.json" {
                for code in ["400", "401", "404"] {
                    let error = &responses[code]["content"]["application/json"]["schema"];
                    assert!(
                        error.is_object(),
                        "{method} {path}: {code} has no JSON error schema"
                    );
                }
            }
            for name in path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            {
                let declared = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"));
                assert!(declared, "{method} {path}: parameter {name} not declared");
            }
        }
    }
    for (method, path) in [
        ("post", "/people"),
        ("patch", "/people/{id}"),
        ("post", "/teams/{id}/members"),
        ("post", "/integrations"),
        ("post", "/teams/{id}/schedule"),
    ] {
        assert!(
            spec["paths"][path][method]["requestBody"].is_object(),
            "{method} {path}: no request body"
        );
    }
    // The web UI's first run: no admin yet, so / leads to setup.
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/setup");
    app.stop().await;
}

async fn lens_endpoint_finds_blame(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app
        .post_json(
            "/api/v1/lens",
            &json!({"text": "The outage was caused by human error.\n\nThe disk filled up."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "human-error" && f["start"]["line"] == 1),
        "{v}"
    );
    assert!(
        findings.iter().all(|f| f["start"]["line"] == 1),
        "the system sentence passes: {v}"
    );
    let res = app.post_json("/api/v1/lens", &json!({"txt": "x"})).await;
    assert_eq!(res.status(), 400);
    app.stop().await;
}

async fn people_change_their_own_hours_and_identities(backend: Backend) {
    let app = spawn_app(backend).await;
    let me = create(&app, "Me", "me@example.com", "UTC").await;
    let other = create(&app, "Other", "other@example.com", "UTC").await;
    let token = app.token_for("me@example.com").await;
    let patch = |id: PersonId, body: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/people/{id}")))
            .bearer_auth(token.clone())
            .json(&body)
            .send()
    };
    let res = patch(
        me,
        json!({"sleep_start": "23:30", "sleep_end": "07:00", "time_zone": "Asia/Kathmandu"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (
            v["sleep_start"].as_str(),
            v["time_zone"].as_str(),
            v["working_start"].as_str()
        ),
        (Some("23:30"), Some("Asia/Kathmandu"), Some("08:00"))
    );
    let res = patch(
        me,
        json!({"working_days": "sun-thu", "working_end": "28:00"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["field"],
        "working_end"
    );
    assert_eq!(
        PersonSettings::from(&app.store.person(me).await.unwrap().unwrap()).working_days,
        "mon,tue,wed,thu,fri",
        "a refused change changes nothing"
    );
    assert_eq!(
        patch(other, json!({"name": "Hijacked"}))
            .await
            .unwrap()
            .status(),
        403
    );
    let post = |id: PersonId, body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/people/{id}/identities")))
            .bearer_auth(token.clone())
            .json(&body)
            .send()
    };
    let res = post(me, json!({"kind": "pagerduty", "external_id": "PME0001"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.store
            .person_by_identity("pagerduty", "PME0001")
            .await
            .unwrap(),
        Some(me)
    );
    let res = post(me, json!({"kind": "victorops", "external_id": "x"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["field"], "kind");
    assert_eq!(
        post(other, json!({"kind": "pagerduty", "external_id": "P2"}))
            .await
            .unwrap()
            .status(),
        403
    );
    app.stop().await;
}

/// Logs in through the form and returns the session cookie and its CSRF token.
async fn browser_login(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let res = crate::common::post_login(app, email, password).await;
    assert_eq!(res.status(), 303, "login as {email}");
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = app
        .client
        .get(app.url("/teams"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "X-CSRF-Token\": \"";
    let start = page.find(marker).unwrap() + marker.len();
    (cookie, page[start..start + 32].to_string())
}

async fn web_forms_manage_people_teams_and_hours(backend: Backend) {
    let app = spawn_app(backend).await;
    let hash = aftercare_app::passwords::hash_password("a long password").unwrap();
    let admin = crate::common::new_person("Admin", "admin@example.com", "UTC");
    app.store.create_admin(&admin, &hash, false).await.unwrap();
    let (cookie, csrf) = browser_login(&app, "admin@example.com", "a long password").await;
    let form = |path: &str, fields: Vec<(&str, &str)>| {
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fields.push(("csrf".into(), csrf.clone()));
        app.client
            .post(app.url(path))
            .header("cookie", &cookie)
            .form(&fields)
            .send()
    };
    let res = form("/teams", vec![("name", "payments")]).await.unwrap();
    assert_eq!(
        (
            res.status().as_u16(),
            res.headers()["location"].to_str().unwrap()
        ),
        (303, "/teams?notice=team-added")
    );
    let res = form(
        "/people",
        vec![
            ("name", "Noa"),
            ("email", "noa@example.com"),
            ("time_zone", "Asia/Jerusalem"),
            ("team", "payments"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    let noa = app
        .store
        .person_by_email("noa@example.com")
        .await
        .unwrap()
        .unwrap();
    let payments = app.store.team_by_name("payments").await.unwrap().unwrap();
    assert_eq!(app.store.team_members(payments.id).await.unwrap().len(), 1);
    // A refused form says which field and stores nothing.
    let res = form(
        "/people",
        vec![
            ("name", "Bad"),
            ("email", "bad@example.com"),
            ("time_zone", "Nowhere/Land"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("time_zone"));
    assert!(
        app.store
            .person_by_email("bad@example.com")
            .await
            .unwrap()
            .is_none()
    );
    // Without the CSRF token nothing happens.
    let res = app
        .client
        .post(app.url("/teams"))
        .header("cookie", &cookie)
        .form(&[("name", "sneaky")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(app.store.team_by_name("sneaky").await.unwrap().is_none());
    // Hours: Sun–Thu with a late sleep window.
    let path = format!("/people/{}/settings", noa.id);
    let res = form(
        &path,
        vec![
            ("time_zone", "Asia/Jerusalem"),
            ("working_days", "sun-thu"),
            ("working_start", "09:00"),
            ("working_end", "17:00"),
            ("sleep_start", "23:30"),
            ("sleep_end", "07:00"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    let noa = app.store.person(noa.id).await.unwrap().unwrap();
    assert_eq!(
        (
            PersonSettings::from(&noa).working_days.as_str(),
            PersonSettings::from(&noa).sleep_start.as_str()
        ),
        ("mon,tue,wed,thu,sun", "23:30")
    );
    let res = form(
        &path,
        vec![
            ("time_zone", "Asia/Jerusalem"),
            ("working_days", "sun-thu"),
            ("working_start", "9am"),
            ("working_end", "17:00"),
            ("sleep_start", "23:30"),
            ("sleep_end", "07:00"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        PersonSettings::from(&app.store.person(noa.id).await.unwrap().unwrap()).working_start,
        "09:00",
        "a refused change changes nothing"
    );
    let res = form(
        &format!("/people/{}/identities", noa.id),
        vec![("kind", "opsgenie"), ("external_id", "noa@example.com")],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.store
            .person_by_identity("opsgenie", "noa@example.com")
            .await
            .unwrap(),
        Some(noa.id)
    );
    let res = form(
        &format!("/teams/{}/members", payments.id),
        vec![("email", "noa@example.com"), ("role", "lead")],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.store.memberships(noa.id).await.unwrap()[0].role,
        TeamRole::Lead
    );
    // The person page shows the saved notice, the hours form and the identity.
    let page = app
        .client
        .get(app.url(&format!("/people/{}?notice=identity-saved", noa.id)))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Identity linked"), "notice shown");
    assert!(
        page.contains("name=\"sleep_start\"") && page.contains("value=\"23:30\""),
        "hours form prefilled"
    );
    let page = app
        .client
        .get(app.url("/people?notice=<script>"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("<script>alert") && !page.contains("notice=<script>"),
        "notices are fixed texts, not echoed input"
    );
    // An admin's pages carry their forms in the body, never in the title.
    assert!(
        page.contains("<title>People · Aftercare</title>"),
        "people page title"
    );
    let teams_page = app
        .client
        .get(app.url("/teams"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        teams_page.contains("<title>Teams · Aftercare</title>"),
        "teams page title"
    );
    assert_eq!(
        teams_page
            .matches("method=\"post\" action=\"/teams\"")
            .count(),
        1,
        "one create-team form"
    );
    app.stop().await;
}

/// Writes that read before they write (linking an identity checks who holds
/// it) arriving together: on SQLite a deferred transaction could not wait for
/// the other writer and failed with "database is locked" (a 500); each now
/// takes the write lock when it begins, and all of them succeed.
async fn concurrent_writes_that_read_first_all_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let res = app
            .post_json(
                "/api/v1/people",
                &json!({"name": format!("P {i}"), "email": format!("p{i}@example.com"), "time_zone": "UTC"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        ids.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/people/{id}/identities"));
        let token = app.admin_token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"kind": "pagerduty", "external_id": format!("PCONC{i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    for (i, id) in ids.iter().enumerate() {
        let holder = app
            .store
            .person_by_identity("pagerduty", &format!("PCONC{i}"))
            .await
            .unwrap()
            .map(|p| p.0);
        assert_eq!(holder, Some(*id));
    }
    app.stop().await;
}
