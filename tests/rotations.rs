//! Rotations end to end through the JSON API, on both backends: a lead creates one,
//! the team's people ask who is on call at instants across DST, bad input names its
//! field and stores nothing, and health says what is wrong with a source.

use serde_json::{Value, json};

use aftercare_store::{Backend, TeamRole};

use crate::common::{call, person_in, spawn_app, token_of};

async fn rotations_lead_create_and_members_ask_who_is_on_call(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let elsewhere = s.create_team("search").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/Berlin").await;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "Europe/Berlin").await;
    let ben = person_in(s, team, "Ben Bauer", TeamRole::Member, "Europe/Berlin").await;
    let outsider = person_in(s, elsewhere, "Otto Out", TeamRole::Lead, "Europe/Berlin").await;
    let (lead_t, ana_t, out_t) = (
        token_of(s, lead).await,
        token_of(s, ana).await,
        token_of(s, outsider).await,
    );
    let good = json!({
        "team": "payments", "name": "primary", "time_zone": "Europe/Berlin",
        "start": "2027-03-20T02:30", "shift_length": "1d", "members": [ana.0, ben.0, lead.0]
    });

    // A member cannot create one; another team's lead cannot either.
    let (status, _) = call(
        &app,
        "POST",
        &ana_t,
        "/api/v1/rotations",
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "POST",
        &out_t,
        "/api/v1/rotations",
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 403);

    // Bad input names its field, and stores nothing.
    for (field, value, named) in [
        ("time_zone", json!("Mars/Olympus"), "time_zone"),
        ("start", json!("next tuesday"), "start"),
        ("shift_length", json!("0d"), "shift_length"),
        ("shift_length", json!("3 fortnights"), "shift_length"),
        ("members", json!([]), "members"),
        ("members", json!([outsider.0]), "members"),
        ("name", json!("  "), "name"),
    ] {
        let mut body = good.clone();
        body[field] = value;
        let (status, err) = call(&app, "POST", &lead_t, "/api/v1/rotations", Some(body)).await;
        assert_eq!(status, 400, "{field}: {err}");
        assert_eq!(err["error"]["field"], named, "{err}");
    }
    assert!(s.team_rotations(team).await.unwrap().is_empty());

    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["members"][0]["name"], "Ana Ahn");
    // The same name again is a conflict, and stores nothing more.
    let (status, _) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(s.team_rotations(team).await.unwrap().len(), 1);

    // Who is on call: the handoff at 02:30 does not exist on 28 March 2027 in Berlin
    // (spring forward), so that day's shift begins at 03:30 CEST = 01:30Z.
    let ask = |at: &str| format!("/api/v1/rotations/{id}/oncall?at={at}");
    let (status, before) = call(&app, "GET", &ana_t, &ask("2027-03-28T01:00:00Z"), None).await;
    assert_eq!(status, 200, "{before}");
    let (_, after) = call(&app, "GET", &ana_t, &ask("2027-03-28T01:30:00Z"), None).await;
    assert_eq!(
        after["on_call"]["shift_start"], "2027-03-28T01:30:00Z",
        "{after}"
    );
    assert_ne!(
        before["on_call"]["person_id"],
        after["on_call"]["person_id"]
    );
    // 20 March is day 0 (Ana), so 28 March is day 8: 8 mod 3 = 2, the lead.
    assert_eq!(after["on_call"]["person_id"], lead.0);
    // Before the rotation starts, nobody.
    let (_, early) = call(&app, "GET", &ana_t, &ask("2027-01-01T00:00:00Z"), None).await;
    assert_eq!(early["on_call"], Value::Null);
    let (status, err) = call(&app, "GET", &ana_t, &ask("yesterday"), None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "at");
    // Other teams' people do not see it.
    let (status, _) = call(
        &app,
        "GET",
        &out_t,
        &format!("/api/v1/rotations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);

    // The team's people list it; health names the small rotation with its source.
    let (status, list) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/teams/{}/rotations", team.0),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["rotations"][0]["name"], "primary");
    let (status, health) = call(
        &app,
        "GET",
        &lead_t,
        &format!("/api/v1/rotations/{id}/health"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{health}");
    let small = health["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "rotation.too_small")
        .expect("a rotation of 3 is too small");
    assert!(
        small["source"]
            .as_str()
            .unwrap()
            .contains("Site Reliability Engineering")
    );
    assert_eq!(health["shares"].as_array().unwrap().len(), 3);

    // The lead changes it: 12-hour shifts; a bad change stores nothing.
    let mut bad = good.clone();
    bad["shift_length"] = json!("12x");
    let (status, _) = call(
        &app,
        "PUT",
        &lead_t,
        &format!("/api/v1/rotations/{id}"),
        Some(bad),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        s.rotation(aftercare_store::RotationId(id))
            .await
            .unwrap()
            .unwrap()
            .rotation
            .shift_length,
        "1d"
    );
    let mut twelve = good.clone();
    twelve["shift_length"] = json!("12h");
    let (status, changed) = call(
        &app,
        "PUT",
        &lead_t,
        &format!("/api/v1/rotations/{id}"),
        Some(twelve),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["shift_length"], "12h");
    let audit = s.audit_log(Some(team), 10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "rotation.update"));

    let (status, _) = call(
        &app,
        "DELETE",
        &ana_t,
        &format!("/api/v1/rotations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/rotations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app,
        "GET",
        &lead_t,
        &format!("/api/v1/rotations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

crate::on_both!(
    rotations_lead_create_and_members_ask_who_is_on_call,
    fire_drills_feed_rotation_health
);

/// Fire drills through the API on both backends: a lead schedules one (a member cannot;
/// refusals name their field), records who took part once held, and rotation health
/// goes from "nobody has had one" to naming only those who have not.
async fn fire_drills_feed_rotation_health(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/Berlin").await;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "Europe/Berlin").await;
    let ben = person_in(s, team, "Ben Bauer", TeamRole::Member, "Europe/Berlin").await;
    let (lead_t, ana_t) = (token_of(s, lead).await, token_of(s, ana).await);
    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(json!({
            "team": "payments", "name": "primary", "time_zone": "Europe/Berlin",
            "start": "2026-01-05T09:00", "shift_length": "1w", "members": [ana.0, ben.0, lead.0]
        })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let r = made["id"].as_i64().unwrap();
    let codes = |h: &Value| -> Vec<String> {
        h["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, h) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/rotations/{r}/health"),
        None,
    )
    .await;
    assert!(
        codes(&h).contains(&"drills.none_in_six_months".to_string()),
        "{h}"
    );
    let drills = format!("/api/v1/rotations/{r}/drills");
    let good = json!({"at": "2026-11-20T10:00", "scenario": "the payments database fails over"});
    let (status, _) = call(&app, "POST", &ana_t, &drills, Some(good.clone())).await;
    assert_eq!(status, 403);
    for (body, field) in [
        (json!({"at": "soon", "scenario": "x"}), "at"),
        (
            json!({"at": "2026-11-20T10:00", "scenario": " "}),
            "scenario",
        ),
    ] {
        let (status, err) = call(&app, "POST", &lead_t, &drills, Some(body)).await;
        assert_eq!(
            (status, err["error"]["field"].clone()),
            (400, json!(field)),
            "{err}"
        );
    }
    let (status, d) = call(&app, "POST", &lead_t, &drills, Some(good)).await;
    assert_eq!(status, 201, "{d}");
    assert!(d["held_at"].is_null());
    let held = format!("/api/v1/drills/{}/held", d["id"]);
    let (status, err) = call(
        &app,
        "POST",
        &lead_t,
        &held,
        Some(json!({"participants": [999_999]})),
    )
    .await;
    assert_eq!(
        (status, err["error"]["field"].clone()),
        (400, json!("participants")),
        "{err}"
    );
    let (status, done) = call(
        &app,
        "POST",
        &lead_t,
        &held,
        Some(json!({"participants": [ana.0, lead.0]})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["held_at"], "2026-11-20T09:00:00Z");
    assert_eq!(done["participants"].as_array().unwrap().len(), 2);
    // Now only Ben has had none.
    let (_, h) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/rotations/{r}/health"),
        None,
    )
    .await;
    let c = codes(&h);
    assert!(!c.contains(&"drills.none_in_six_months".to_string()), "{h}");
    let without = h["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "drills.some_without")
        .unwrap();
    let named: Vec<&str> = without["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["Ben Bauer"]);
    let (status, list) = call(&app, "GET", &ana_t, &drills, None).await;
    assert_eq!((status, list["drills"].as_array().unwrap().len()), (200, 1));
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/drills/{}", d["id"]),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, h) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/rotations/{r}/health"),
        None,
    )
    .await;
    assert!(
        codes(&h).contains(&"drills.none_in_six_months".to_string()),
        "{h}"
    );
    app.stop().await;
}
