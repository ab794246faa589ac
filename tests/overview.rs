//! Team summaries on `/teams` and the organisation overview for admins, over the API, the
//! pages, the CSV files and the command line, on both backends; and "this is …" through
//! the JSON API and the command line.

use aftercare_store::{
    Backend, IntegrationId, NewDelivery, NewIntegration, NewNotification, PersonId, TeamId,
    TeamRole,
};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::cli::{aftercare, text};
use crate::common::{TestApp, new_person, spawn_app, unattributed_page};

/// Two teams: "small" (a lead and two members) and "large" (a lead and four members, one of
/// whom is also in "small"), one person in no team; and their integrations.
struct Org {
    small: TeamId,
    large: TeamId,
    small_lead: PersonId,
    small_member: PersonId,
    /// In both teams.
    both: PersonId,
    large_member: PersonId,
    loner: PersonId,
    small_integration: IntegrationId,
    large_integration: IntegrationId,
}

async fn person(app: &TestApp, name: &str) -> PersonId {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    app.store
        .create_person(&new_person(name, &email, "UTC"))
        .await
        .unwrap()
        .id
}

async fn integration(app: &TestApp, team: TeamId, name: &str) -> IntegrationId {
    app.store
        .create_integration(&NewIntegration {
            public_id: format!("overview-{name}"),
            team_id: team,
            source: "pagerduty".into(),
            name: name.into(),
            secret: "0123456789abcdef0123456789abcdef".into(),
        })
        .await
        .unwrap()
        .id
}

async fn org(app: &TestApp) -> Org {
    let s = &app.store;
    let small = s.create_team("small").await.unwrap().id;
    let large = s.create_team("large").await.unwrap().id;
    let small_lead = person(app, "Sam Lead").await;
    let small_member = person(app, "Sid Member").await;
    let both = person(app, "Bo Both").await;
    let large_lead = person(app, "Lu Lead").await;
    let large_member = person(app, "Li Member").await;
    let loner = person(app, "Lo Ner").await;
    s.set_membership(small, small_lead, TeamRole::Lead)
        .await
        .unwrap();
    s.set_membership(small, small_member, TeamRole::Member)
        .await
        .unwrap();
    s.set_membership(large, large_lead, TeamRole::Lead)
        .await
        .unwrap();
    for p in [large_member, both] {
        s.set_membership(large, p, TeamRole::Member).await.unwrap();
    }
    for name in ["Ka One", "Ka Two"] {
        let p = person(app, name).await;
        s.set_membership(large, p, TeamRole::Member).await.unwrap();
    }
    s.set_membership(small, both, TeamRole::Member)
        .await
        .unwrap();
    let small_integration = integration(app, small, "small-pd").await;
    let large_integration = integration(app, large, "large-pd").await;
    Org {
        small,
        large,
        small_lead,
        small_member,
        both,
        large_member,
        loner,
        small_integration,
        large_integration,
    }
}

/// Pages at 02:30 UTC (sleep hours by default) `days` days ago, one per entry.
async fn night_pages(
    app: &TestApp,
    integration: IntegrationId,
    team: Option<TeamId>,
    person: PersonId,
    days: &[i64],
) {
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let notifications = days
        .iter()
        .map(|d| {
            let day = today.checked_sub(jiff::Span::new().days(*d)).unwrap();
            let at: Timestamp = format!("{day}T02:30:00Z").parse().unwrap();
            NewNotification::bare(
                Some(person),
                team,
                at.as_millisecond(),
                &format!("inc-{person}-{d}-{}", team.map_or(0, |t| t.0)),
                "pagerduty",
                "notified",
            )
        })
        .collect();
    app.store
        .record_deliveries(&[NewDelivery {
            incident: None,
            integration_id: integration,
            delivery_id: format!("overview-{person}-{}-{days:?}", team.map_or(0, |t| t.0)),
            received_at: Timestamp::now().as_millisecond(),
            raw: b"{}".to_vec(),
            event_json: "{}".into(),
            notifications,
        }])
        .await
        .unwrap();
}

async fn as_bearer(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn summaries_withhold_small_teams_and_the_overview_ranks_who_carries_the_nights(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let o = org(&app).await;
    // Bo: two nights for "large", one for "small" on one of the same nights.
    night_pages(&app, o.large_integration, Some(o.large), o.both, &[2, 3]).await;
    night_pages(&app, o.small_integration, Some(o.small), o.both, &[3]).await;
    night_pages(
        &app,
        o.large_integration,
        Some(o.large),
        o.large_member,
        &[4],
    )
    .await;
    night_pages(
        &app,
        o.small_integration,
        Some(o.small),
        o.small_member,
        &[5, 6],
    )
    .await;
    night_pages(&app, o.large_integration, None, o.loner, &[1, 2, 3, 4]).await;

    // A member of the 3-person team sees no figures for it (drawn from 2 others), and why;
    // the 6-person team's totals, but not who carries the most.
    let member = app.token_for("sid.member@example.com").await;
    let bo = app.token_for("bo.both@example.com").await;
    let v: Value = as_bearer(&app, &bo, "/api/v1/overview?from=30d")
        .await
        .json()
        .await
        .unwrap();
    let teams = v["teams"].as_array().unwrap_or_else(|| panic!("{v}"));
    assert_eq!(teams.len(), 2, "{v}");
    let large = teams.iter().find(|t| t["team"]["name"] == "large").unwrap();
    let small = teams.iter().find(|t| t["team"]["name"] == "small").unwrap();
    assert_eq!(small["figures"], Value::Null, "{v}");
    assert!(
        small["withheld"]
            .as_str()
            .unwrap()
            .contains("at least 4 people"),
        "{v}"
    );
    assert_eq!(large["figures"]["sleep"], 3, "{v}");
    assert_eq!(large["figures"]["most_sleep"], Value::Null, "{v}");
    let v: Value = as_bearer(&app, &member, "/api/v1/overview?from=30d")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["teams"].as_array().unwrap().len(), 1, "{v}");

    // The small team's lead sees its figures, and who carries the most.
    let lead = app.token_for("sam.lead@example.com").await;
    let v: Value = as_bearer(&app, &lead, "/api/v1/overview?from=30d")
        .await
        .json()
        .await
        .unwrap();
    let small = &v["teams"][0];
    assert_eq!(small["figures"]["sleep"], 3, "{v}");
    assert_eq!(small["figures"]["most_sleep"]["name"], "Sid Member", "{v}");

    // Only admins get the organisation overview.
    let res = as_bearer(&app, &lead, "/api/v1/org?from=30d").await;
    assert_eq!(res.status(), 403);
    let v: Value = app.get("/api/v1/org?from=30d").await.json().await.unwrap();
    assert_eq!(v["people"], 8, "{v}");
    assert_eq!(v["without_team"], 1, "{v}");
    let carriers: Vec<(&str, u64, u64)> = v["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["person"]["name"].as_str().unwrap(),
                c["sleep"].as_u64().unwrap(),
                c["disrupted_nights"].as_u64().unwrap(),
            )
        })
        .collect();
    // Most first; Bo's night paged for both teams is one night, three interruptions.
    assert_eq!(
        carriers,
        vec![
            ("Lo Ner", 4, 4),
            ("Bo Both", 3, 2),
            ("Sid Member", 2, 2),
            ("Li Member", 1, 1)
        ],
        "{v}"
    );
    let bo_teams: Vec<&str> = v["carriers"][1]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(bo_teams, ["large", "small"]);

    // The pages and their files say the same.
    let page = app.get("/teams?days=30").await.text().await.unwrap();
    assert!(page.contains("id=\"team-summaries\""), "{page}");
    assert!(page.contains("href=\"/org?days=30\""), "{page}");
    let csv = app.get("/teams.csv?days=30").await.text().await.unwrap();
    assert!(
        csv.starts_with("Team,People,Sleep,Off,Business,Disrupted nights,Median sleep,Carrying the most nights,Unattributed\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\r\nlarge,5,3,0,0,3,0.0,Bo Both,0\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\r\nsmall,3,3,0,0,3,1.0,Sid Member,0\r\n"),
        "{csv}"
    );
    let page = app.get("/org?days=30").await.text().await.unwrap();
    assert!(page.contains("id=\"org-carriers\""), "{page}");
    assert!(page.contains("Lo Ner"), "{page}");
    assert!(page.contains("no team"), "{page}");
    let csv = app
        .get("/org/carriers.csv?days=30")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\r\nBo Both,bo.both@example.com,UTC,large; small,3,0,0,2,2\r\n"),
        "{csv}"
    );
    // A period that cannot be read is an error beside its field, not a raw message.
    let res = app.get("/org?from=yesterday-ish").await;
    assert_eq!(res.status(), 400);
    let res = app.get("/api/v1/org?from=yesterday-ish").await;
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["field"], "from", "{v}");

    // The member's /teams page says why the small team's figures are not there.
    let session = aftercare_app::accounts::start_session(&app.store, o.small_member)
        .await
        .unwrap();
    let page = app
        .client
        .get(app.url("/teams"))
        .header("cookie", format!("aftercare_session={}", session.cookie))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("at least 4 people"), "{page}");
    let res = app
        .client
        .get(app.url("/org"))
        .header("cookie", format!("aftercare_session={}", session.cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // The command line's overview: the same figures.
    let out = aftercare(
        &app.database_url(),
        &["burden", "--org", "--from", "30d", "--format", "json"],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["carriers"], v_carriers(&app).await);
    let out = aftercare(&app.database_url(), &["burden", "--org", "--from", "30d"]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("who carries the nights"), "{stdout}");
    assert!(
        stdout.contains("large; small") || stdout.contains("large, small"),
        "{stdout}"
    );
    let _ = o.small_lead;
    app.stop().await;
}

async fn v_carriers(app: &TestApp) -> Value {
    let v: Value = app.get("/api/v1/org?from=30d").await.json().await.unwrap();
    v["carriers"].clone()
}

async fn this_is_them_through_the_api_and_the_command_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let o = org(&app).await;
    let first = unattributed_page(&app.store, o.small_integration, o.small, "PSID").await;
    let lead = app.token_for("sam.lead@example.com").await;
    let claim = |page: String, body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/pages/{page}/claim")))
            .bearer_auth(&lead)
            .json(&body)
            .send()
    };
    // Someone outside the team, a body without the field, a page that is not one.
    let res = claim(first.to_string(), json!({"person_id": o.loner.0}))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["field"], "person_id", "{v}");
    let res = claim(first.to_string(), json!({})).await.unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("person_id"),
        "{v}"
    );
    let res = claim("999999".into(), json!({"person_id": o.small_member.0}))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Nothing changed.
    let v: Value = app
        .get(&format!("/api/v1/teams/{}/unattributed", o.small))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 1, "{v}");

    let res = claim(first.to_string(), json!({"person_id": o.small_member.0}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["reattributed"], 1, "{v}");
    let res = claim(first.to_string(), json!({"person_id": o.small_member.0}))
        .await
        .unwrap();
    assert_eq!(res.status(), 409);

    // The command line lists what is left and claims it for the person in both teams.
    let second = unattributed_page(&app.store, o.small_integration, o.small, "PBO").await;
    let out = aftercare(
        &app.database_url(),
        &["pages", "unattributed", "--team", "small"],
    );
    let (stdout, _) = text(&out);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&second.to_string()) && stdout.contains("pagerduty:PBO"),
        "{stdout}"
    );
    let out = aftercare(
        &app.database_url(),
        &[
            "pages",
            "claim",
            "--page",
            &second.to_string(),
            "--person",
            "bo.both@example.com",
        ],
    );
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 page(s) re-attributed"), "{stderr}");
    let out = aftercare(
        &app.database_url(),
        &["pages", "unattributed", "--team", "small"],
    );
    let (stdout, _) = text(&out);
    assert!(stdout.contains("landed on someone"), "{stdout}");
    let out = aftercare(
        &app.database_url(),
        &[
            "pages",
            "claim",
            "--page",
            "999999",
            "--person",
            "bo.both@example.com",
        ],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("--page: no page 999999"), "{stderr}");
    let v: Value = app
        .get(&format!("/api/v1/people/{}/pages", o.both))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["pages"].as_array().unwrap().len(), 1, "{v}");
    let _ = (o.large, o.large_member, o.small_lead);
    app.stop().await;
}

crate::on_both!(
    summaries_withhold_small_teams_and_the_overview_ranks_who_carries_the_nights,
    this_is_them_through_the_api_and_the_command_line,
);
