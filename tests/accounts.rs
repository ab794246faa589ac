//! Sign-in for everyone and the holes closed around it, end to end on SQLite and
//! PostgreSQL: invites, choosing a password, a member's own figures and settings,
//! changing a password, deactivation, throttling, login CSRF, identity takeover,
//! lead proposals, integration secrets and team boundaries, security headers.

use aftercare_store::Backend;
use serde_json::{Value, json};

use crate::common::{TestApp, post_login, spawn_app};
use crate::on_both;

on_both!(
    an_invited_member_sets_a_password_and_sees_their_own_figures,
    deactivation_ends_sessions_and_tokens_at_once,
    sign_in_is_throttled_and_refuses_cross_site_posts,
    identities_cannot_be_taken_and_leads_only_propose,
    integrations_need_strong_secrets_and_credit_only_their_team,
    every_answer_carries_security_headers_and_api_errors_are_json,
);

async fn person(app: &TestApp, name: &str, email: &str) -> i64 {
    let res = app
        .post_json(
            "/api/v1/people",
            &json!({"name": name, "email": email, "time_zone": "Europe/Berlin"}),
        )
        .await;
    assert_eq!(res.status(), 201, "create {email}");
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

fn cookie_of(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("aftercare_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

async fn an_invited_member_sets_a_password_and_sees_their_own_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = person(&app, "Mina Park", "mina@example.com").await;
    let res = app
        .post_json(&format!("/api/v1/people/{id}/invite"), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let url = res.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let path = &url[url.find("/password/").unwrap()..];
    // The link shows whom it is for, refuses a common password without using itself
    // up, then sets a strong one and signs in.
    let page = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("mina@example.com"));
    let weak = app
        .client
        .post(app.url(path))
        .form(&[("password", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 400);
    assert!(weak.text().await.unwrap().contains("too common"));
    let res = app
        .client
        .post(app.url(path))
        .form(&[("password", "violet harbour kettle")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let cookie = cookie_of(&res);
    // Used once: the link is gone.
    let again = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(again.status(), 404);
    // A second invite for someone who can sign in is refused.
    let res = app
        .post_json(&format!("/api/v1/people/{id}/invite"), &json!({}))
        .await;
    assert_eq!(res.status(), 409);
    // Their own figures and settings, by session.
    let me: Value = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["person"]["email"], "mina@example.com");
    let page = app
        .client
        .get(app.url(&format!("/people/{id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    // And by signing in with the password.
    let res = post_login(&app, "mina@example.com", "violet harbour kettle").await;
    assert_eq!(res.status(), 303);
    // Changing the password needs the current one and keeps this session.
    let csrf = {
        let html = app
            .client
            .get(app.url("/account"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "X-CSRF-Token\": \"";
        let start = html.find(marker).unwrap() + marker.len();
        html[start..start + 32].to_string()
    };
    let change = |current: &'static str, new: &'static str| {
        app.client
            .post(app.url("/api/v1/me/password"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    let res = change("not it", "another strong phrase").await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["field"],
        "current_password"
    );
    let res = change("violet harbour kettle", "quartz meadow lantern")
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        post_login(&app, "mina@example.com", "violet harbour kettle")
            .await
            .status(),
        401
    );
    assert_eq!(
        post_login(&app, "mina@example.com", "quartz meadow lantern")
            .await
            .status(),
        303
    );
    // A member's token made by the command line works for the JSON API, but it
    // is not the person's own: it cannot list their tokens.
    let token = app.token_for("mina@example.com").await;
    let res = app
        .client
        .get(app.url(&format!("/api/v1/people/{id}/burden")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url("/api/v1/me/tokens"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // An admin is never the owner of someone else's account either.
    let res = app.get("/api/v1/me/tokens").await;
    assert_eq!(res.status(), 403);
    app.stop().await;
}

async fn deactivation_ends_sessions_and_tokens_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = person(&app, "Olu Ade", "olu@example.com").await;
    let token = app.token_for("olu@example.com").await;
    let me = |t: String| app.client.get(app.url("/api/v1/me")).bearer_auth(t).send();
    assert_eq!(me(token.clone()).await.unwrap().status(), 200);
    let res = app
        .post_json(&format!("/api/v1/people/{id}/deactivate"), &json!({}))
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(me(token.clone()).await.unwrap().status(), 401);
    let log = app.store.audit_log(None, 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "person.deactivate"));
    app.stop().await;
}

async fn sign_in_is_throttled_and_refuses_cross_site_posts(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = person(&app, "Pia Berg", "pia@example.com").await;
    let hash = aftercare_app::passwords::hash_password("fjord cinnamon atlas").unwrap();
    app.store
        .set_password_hash(aftercare_store::PersonId(id), &hash)
        .await
        .unwrap();
    // Without the sign-in page's cookie and field (a post from another site): refused.
    let forged = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "pia@example.com"),
            ("password", "fjord cinnamon atlas"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let cross = app
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "pia@example.com"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    for _ in 0..5 {
        assert_eq!(
            post_login(&app, "pia@example.com", "wrong guess")
                .await
                .status(),
            401
        );
    }
    // The sixth try waits, even with the right password.
    let res = post_login(&app, "pia@example.com", "fjord cinnamon atlas").await;
    assert_eq!(res.status(), 429);
    // Unknown accounts get the same answer as wrong passwords.
    let res = post_login(&app, "nobody@example.com", "wrong guess").await;
    assert_eq!(res.status(), 401);
    app.stop().await;
}

async fn identities_cannot_be_taken_and_leads_only_propose(backend: Backend) {
    let app = spawn_app(backend).await;
    let victim = person(&app, "Quinn Vale", "quinn@example.com").await;
    let attacker = person(&app, "Ray Stone", "ray@example.com").await;
    let res = app
        .post_json(
            &format!("/api/v1/people/{victim}/identities"),
            &json!({"kind": "pagerduty", "external_id": "PQUINN1"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let ray = app.token_for("ray@example.com").await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/people/{attacker}/identities")))
        .bearer_auth(&ray)
        .json(&json!({"kind": "pagerduty", "external_id": "PQUINN1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(
        app.store
            .person_by_identity("pagerduty", "PQUINN1")
            .await
            .unwrap(),
        Some(aftercare_store::PersonId(victim))
    );
    // A lead cannot pull someone into their team to read their figures: it is a
    // proposal the person sees and accepts.
    let team = app
        .post_json("/api/v1/teams", &json!({"name": "search"}))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = app
        .post_json(
            &format!("/api/v1/teams/{team}/members"),
            &json!({"email": "ray@example.com", "role": "lead"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .post(app.url(&format!("/api/v1/teams/{team}/members")))
        .bearer_auth(&ray)
        .json(&json!({"email": "quinn@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    assert_eq!(res.json::<Value>().await.unwrap()["outcome"], "proposed");
    let res = app
        .client
        .get(app.url(&format!("/api/v1/people/{victim}/burden")))
        .bearer_auth(&ray)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a proposal gives the lead nothing");
    let quinn = app.token_for("quinn@example.com").await;
    let me: Value = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&quinn)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["pending_teams"][0]["name"], "search");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/me/teams/{team}/accept")))
        .bearer_auth(&quinn)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/people/{victim}/burden")))
        .bearer_auth(&ray)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.stop().await;
}

async fn integrations_need_strong_secrets_and_credit_only_their_team(backend: Backend) {
    let app = spawn_app(backend).await;
    for name in ["payments", "search"] {
        app.post_json("/api/v1/teams", &json!({"name": name})).await;
    }
    let res = app
        .post_json(
            "/api/v1/integrations",
            &json!({"team": "payments", "source": "opsgenie", "secret": "x"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["field"],
        "secret"
    );
    let res = app
        .post_json(
            "/api/v1/integrations",
            &json!({"team": "payments", "source": "alertmanager"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    let id = made["id"].as_str().unwrap().to_string();
    assert!(made["secret"].as_str().unwrap().len() >= 32);
    // Rename, rotate, switch off: each recorded, and a switched-off integration
    // takes nothing.
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/integrations/{id}")))
        .bearer_auth(&app.admin_token)
        .json(&json!({"name": "payments alerts", "enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rotated: Value = app
        .post_json(&format!("/api/v1/integrations/{id}/secret"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(rotated["secret"], made["secret"]);
    let res = app
        .client
        .post(app.url(&format!("/api/v1/ingest/{id}")))
        .bearer_auth(rotated["secret"].as_str().unwrap())
        .json(&json!({"version": "4", "status": "firing", "alerts": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let shown: Value = app
        .get(&format!("/api/v1/integrations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        shown["last_error"]
            .as_str()
            .unwrap()
            .contains("switched off")
    );
    let log = app.store.audit_log(None, 20).await.unwrap();
    for action in [
        "integration.create",
        "integration.update",
        "integration.secret",
    ] {
        assert!(log.iter().any(|e| e.action == action), "{action} recorded");
    }
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/integrations/{id}")))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    app.stop().await;
}

async fn every_answer_carries_security_headers_and_api_errors_are_json(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/login", "/api/v1/people", "/healthz", "/no-such-page"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
    let res = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Not found"));
    // A bad path id, a bad query and a method that is not there: our JSON shape.
    for (path, status, field) in [
        ("/api/v1/people/abc", 400, Some("id")),
        ("/api/v1/people/1/burden?from=yesterday", 400, Some("from")),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), status, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["field"].as_str(), field, "{path}: {body}");
    }
    let res = app
        .client
        .put(app.url("/api/v1/people"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]["message"].is_string());
    app.stop().await;
}
