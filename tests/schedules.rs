//! Schedules end to end through the JSON API, on both backends: a lead stacks rotations in
//! layers (follow the sun between New York and London, a secondary tier in Sydney), the
//! team's people ask who is on call at instants across both hemispheres' daylight-saving
//! changes, cover made on a rotation holds inside the schedule, bad input names its field
//! and stores nothing, and members, outsiders and deletes are refused or done as they should.

use serde_json::{Value, json};

use aftercare_store::{Backend, TeamRole};

use crate::common::{call, person_in, spawn_app, token_of};

async fn rotation(app: &crate::common::TestApp, token: &str, body: Value) -> i64 {
    let (status, made) = call(app, "POST", token, "/api/v1/rotations", Some(body)).await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_i64().unwrap()
}

async fn schedules_stack_layers_and_answer_across_dst_in_both_hemispheres(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let elsewhere = s.create_team("search").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let nia = person_in(s, team, "Nia Nwosu", TeamRole::Member, "America/New_York").await;
    let lou = person_in(s, team, "Lou Lamb", TeamRole::Member, "Europe/London").await;
    let leo = person_in(s, team, "Leo Lund", TeamRole::Member, "Europe/London").await;
    let sia = person_in(s, team, "Sia Soto", TeamRole::Member, "Australia/Sydney").await;
    let sam = person_in(s, team, "Sam Shaw", TeamRole::Member, "Australia/Sydney").await;
    let outsider = person_in(s, elsewhere, "Otto Out", TeamRole::Lead, "UTC").await;
    let (lead_t, nia_t, out_t) = (
        token_of(s, lead).await,
        token_of(s, nia).await,
        token_of(s, outsider).await,
    );
    let other_rotation = rotation(
        &app,
        &token_of(s, outsider).await,
        json!({"team": "search", "name": "theirs", "time_zone": "UTC",
               "start": "2027-01-01T09:00", "shift_length": "1w", "members": [outsider.0]}),
    )
    .await;
    let ny = rotation(
        &app,
        &lead_t,
        json!({"team": "payments", "name": "new york", "time_zone": "America/New_York",
               "start": "2027-01-04T09:00", "shift_length": "1w", "members": [nia.0]}),
    )
    .await;
    let london = rotation(
        &app,
        &lead_t,
        json!({"team": "payments", "name": "london", "time_zone": "Europe/London",
               "start": "2027-01-04T09:00", "shift_length": "1w", "members": [lou.0]}),
    )
    .await;
    let sydney = rotation(
        &app,
        &lead_t,
        json!({"team": "payments", "name": "sydney", "time_zone": "Australia/Sydney",
               "start": "2027-03-01T09:00", "shift_length": "1d", "members": [sia.0, sam.0]}),
    )
    .await;
    let good = json!({
        "team": "payments", "name": "follow the sun",
        "layers": [
            {"rotation": ny},
            {"rotation": london, "window_start": "08:00", "window_end": "20:00", "window_zone": "Europe/London"},
            {"rotation": sydney, "tier": "secondary"}
        ]
    });

    // A member cannot create one; another team's lead cannot either.
    for t in [&nia_t, &out_t] {
        let (status, _) = call(&app, "POST", t, "/api/v1/schedules", Some(good.clone())).await;
        assert_eq!(status, 403);
    }
    // Bad input names its field and stores nothing.
    let bad: [(&str, Value, &str); 8] = [
        ("name", json!(" "), "name"),
        ("layers", json!([]), "layers"),
        (
            "layers",
            json!([{"rotation": other_rotation}]),
            "layers[0].rotation",
        ),
        (
            "layers",
            json!([{"rotation": 999_999}]),
            "layers[0].rotation",
        ),
        (
            "layers",
            json!([{"rotation": ny, "tier": "tertiary"}]),
            "layers[0].tier",
        ),
        (
            "layers",
            json!([{"rotation": ny}, {"rotation": london, "window_start": "25:00", "window_end": "20:00"}]),
            "layers[1].window_start",
        ),
        (
            "layers",
            json!([{"rotation": ny}, {"rotation": london, "window_start": "08:00"}]),
            "layers[1].window_end",
        ),
        (
            "layers",
            json!([{"rotation": ny}, {"rotation": london, "window_start": "08:00", "window_end": "20:00", "window_zone": "Mars/Olympus"}]),
            "layers[1].window_zone",
        ),
    ];
    for (field, value, named) in bad {
        let mut body = good.clone();
        body[field] = value;
        let (status, err) = call(&app, "POST", &lead_t, "/api/v1/schedules", Some(body)).await;
        assert_eq!(status, 400, "{named}: {err}");
        assert_eq!(err["error"]["field"], named, "{err}");
    }
    assert!(s.team_schedules(team).await.unwrap().is_empty());

    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/schedules",
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["layers"].as_array().unwrap().len(), 3);
    assert_eq!(made["layers"][1]["rotation_name"], "london");
    // The same name again is a conflict and stores nothing more.
    let (status, _) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/schedules",
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(s.team_schedules(team).await.unwrap().len(), 1);

    let ask = |at: &str| format!("/api/v1/schedules/{id}/oncall?at={at}");
    let primary = async |at: &str| {
        let (status, answer) = call(&app, "GET", &nia_t, &ask(at), None).await;
        assert_eq!(status, 200, "{answer}");
        answer
    };
    // London's window by day, New York's the rest.
    assert_eq!(
        primary("2027-01-12T12:00:00Z").await["primary"]["person_id"],
        lou.0
    );
    assert_eq!(
        primary("2027-01-12T21:00:00Z").await["primary"]["person_id"],
        nia.0
    );
    // 20 March 2027: the US has sprung forward, the UK has not; London's 08:00 is 08:00Z.
    assert_eq!(
        primary("2027-03-20T07:30:00Z").await["primary"]["person_id"],
        nia.0
    );
    let at_eight = primary("2027-03-20T08:00:00Z").await;
    assert_eq!(at_eight["primary"]["person_id"], lou.0);
    assert_eq!(at_eight["primary"]["shift_start"], "2027-03-20T08:00:00Z");
    assert_eq!(at_eight["primary"]["shift_end"], "2027-03-20T20:00:00Z");
    // 29 March: British Summer Time; London's 08:00 is 07:00Z.
    assert_eq!(
        primary("2027-03-29T07:30:00Z").await["primary"]["person_id"],
        lou.0
    );
    assert_eq!(
        primary("2027-03-29T19:30:00Z").await["primary"]["person_id"],
        nia.0
    );

    // Sydney's daylight saving ends on 4 April 2027 (03:00 AEDT → 02:00 AEST): the shift
    // from 3 April 09:00 AEDT (22:00Z on the 2nd) runs 25 hours, to 09:00 AEST (23:00Z).
    // 3 April is day 33 from 1 March: Sam; 4 April is day 34: Sia.
    let late = primary("2027-04-03T22:30:00Z").await;
    assert_eq!(late["secondary"]["person_id"], sam.0, "{late}");
    assert_eq!(late["secondary"]["shift_start"], "2027-04-02T22:00:00Z");
    assert_eq!(late["secondary"]["shift_end"], "2027-04-03T23:00:00Z");
    assert_eq!(
        primary("2027-04-03T23:00:00Z").await["secondary"]["person_id"],
        sia.0
    );

    // Cover made on the London rotation holds in the schedule, inside the window only.
    let (status, o) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/rotations/{london}/overrides"),
        Some(json!({"person": leo.0, "start": "2027-01-13T00:00:00Z", "end": "2027-01-14T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{o}");
    let covered = primary("2027-01-13T12:00:00Z").await;
    assert_eq!(covered["primary"]["person_id"], leo.0, "{covered}");
    assert!(covered["primary"]["override_id"].is_i64(), "{covered}");
    assert_eq!(
        primary("2027-01-13T21:00:00Z").await["primary"]["person_id"],
        nia.0
    );

    // Bad instants name `at`; outsiders see nothing.
    let (status, err) = call(&app, "GET", &nia_t, &ask("tomorrow"), None).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "at");
    let (status, _) = call(&app, "GET", &out_t, &ask("2027-01-12T12:00:00Z"), None).await;
    assert_eq!(status, 403);

    // Spans over a week tile it: primary stretches meet end to start with no gaps.
    let (status, spans) = call(
        &app,
        "GET",
        &nia_t,
        &format!("/api/v1/schedules/{id}/spans?from=2027-03-22T00:00:00Z&to=2027-03-29T00:00:00Z"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{spans}");
    let prim: Vec<&Value> = spans["spans"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["tier"] == "primary")
        .collect();
    assert_eq!(prim.first().unwrap()["start"], "2027-03-22T00:00:00Z");
    assert_eq!(prim.last().unwrap()["end"], "2027-03-29T00:00:00Z");
    for w in prim.windows(2) {
        assert_eq!(w[0]["end"], w[1]["start"], "{spans}");
        assert_ne!(w[0]["person_id"], w[1]["person_id"], "{spans}");
    }
    // Seven days of London by day and New York by night: 7 × 2 stretches, plus the tail
    // of the night before.
    assert_eq!(prim.len(), 15, "{spans}");
    let (status, err) = call(
        &app,
        "GET",
        &nia_t,
        &format!("/api/v1/schedules/{id}/spans?from=2027-01-01T00:00:00Z&to=2029-01-01T00:00:00Z"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "to", "{err}");

    // The team's people list it; a replacement is checked like a creation.
    let (status, list) = call(
        &app,
        "GET",
        &nia_t,
        &format!("/api/v1/teams/{}/schedules", team.0),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["schedules"][0]["name"], "follow the sun", "{list}");
    let mut changed = good.clone();
    changed["layers"] = json!([{"rotation": ny, "tier": "bogus"}]);
    let (status, err) = call(
        &app,
        "PUT",
        &lead_t,
        &format!("/api/v1/schedules/{id}"),
        Some(changed),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "layers[0].tier");
    let (_, still) = call(
        &app,
        "GET",
        &nia_t,
        &format!("/api/v1/schedules/{id}"),
        None,
    )
    .await;
    assert_eq!(
        still["layers"].as_array().unwrap().len(),
        3,
        "nothing half-written: {still}"
    );
    let mut changed = good.clone();
    changed["name"] = json!("new york only");
    changed["layers"] = json!([{"rotation": ny}]);
    let (status, now) = call(
        &app,
        "PUT",
        &lead_t,
        &format!("/api/v1/schedules/{id}"),
        Some(changed.clone()),
    )
    .await;
    assert_eq!(status, 200, "{now}");
    assert_eq!(
        primary("2027-01-12T12:00:00Z").await["primary"]["person_id"],
        nia.0
    );
    assert_eq!(
        primary("2027-01-12T12:00:00Z").await["secondary"],
        Value::Null
    );
    let (status, _) = call(
        &app,
        "PUT",
        &nia_t,
        &format!("/api/v1/schedules/{id}"),
        Some(changed),
    )
    .await;
    assert_eq!(status, 403);

    // Deleting a rotation takes its layers with it; deleting the schedule leaves rotations.
    let (status, _) = call(
        &app,
        "DELETE",
        &nia_t,
        &format!("/api/v1/schedules/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/schedules/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app,
        "GET",
        &lead_t,
        &format!("/api/v1/schedules/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(s.team_rotations(team).await.unwrap().len(), 3);
    app.stop().await;
}

crate::on_both!(schedules_stack_layers_and_answer_across_dst_in_both_hemispheres);
