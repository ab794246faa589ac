//! Cover, swaps and overrides end to end through the JSON API, on both backends: a
//! member asks for cover for part of her shift, a teammate takes it and becomes the
//! one on call (pages naming nobody go to him too); a second taker is told who won; a
//! swap is accepted by the one teammate it is offered to; a lead arranges cover on
//! others' behalf and puts overrides on and off; refusals name their field and store
//! nothing; every change names who made it.

use serde_json::{Value, json};

use aftercare_store::{Backend, TeamRole};

use crate::common::{TestApp, call, person_in, spawn_app, token_of};

async fn who_at(app: &TestApp, token: &str, rotation: i64, at: &str) -> Value {
    let (status, body) = call(
        app,
        "GET",
        token,
        &format!("/api/v1/rotations/{rotation}/oncall?at={at}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["on_call"].clone()
}

async fn open_count(app: &TestApp, token: &str, rotation: i64) -> usize {
    let (status, body) = call(
        app,
        "GET",
        token,
        &format!("/api/v1/rotations/{rotation}/cover-requests"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["cover_requests"].as_array().unwrap().len()
}

async fn cover_swaps_and_overrides_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let elsewhere = s.create_team("search").await.unwrap().id;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "Europe/London").await;
    let ben = person_in(s, team, "Ben Bauer", TeamRole::Member, "Europe/London").await;
    let cara = person_in(s, team, "Cara Chen", TeamRole::Member, "Europe/London").await;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let outsider = person_in(s, elsewhere, "Otto Out", TeamRole::Lead, "Europe/London").await;
    let (ana_t, ben_t, cara_t, lead_t, out_t) = (
        token_of(s, ana).await,
        token_of(s, ben).await,
        token_of(s, cara).await,
        token_of(s, lead).await,
        token_of(s, outsider).await,
    );
    // Weekly from Monday 4 January 2027, 09:00 London (UTC in winter): Ana, Ben, Cara, Lena.
    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(json!({
            "team": "payments", "name": "primary", "time_zone": "Europe/London",
            "start": "2027-01-04T09:00", "shift_length": "1w",
            "members": [ana.0, ben.0, cara.0, lead.0]
        })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let r = made["id"].as_i64().unwrap();
    let ask = format!("/api/v1/rotations/{r}/cover-requests");

    // Ana asks for cover for Wednesday night, in her rotation's local time.
    let (status, asked) = call(
        &app,
        "POST",
        &ana_t,
        &ask,
        Some(json!({"start": "2027-01-06T18:00", "end": "2027-01-07T09:00", "note": "my sister's wedding"})),
    )
    .await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["status"], "open");
    assert_eq!(asked["person"]["name"], "Ana Ahn");
    assert_eq!(asked["asked_by"]["name"], "Ana Ahn");
    assert_eq!(asked["start"], "2027-01-06T18:00:00Z");
    let first = asked["id"].as_i64().unwrap();

    // Refusals name their field and store nothing.
    for (body, code, field) in [
        // Ben's week, not hers.
        (
            json!({"start": "2027-01-12T10:00", "end": "2027-01-12T12:00"}),
            400,
            "start",
        ),
        (
            json!({"start": "2027-01-08T10:00", "end": "tomorrow"}),
            400,
            "end",
        ),
        (
            json!({"start": "2027-01-08T10:00", "end": "2027-01-08T09:00"}),
            400,
            "end",
        ),
        (
            json!({"start": "2020-01-08T10:00", "end": "2020-01-08T12:00"}),
            400,
            "end",
        ),
        (
            json!({"start": "2027-01-08T10:00", "end": "2027-01-08T12:00", "swap_start": "2027-01-12T10:00", "swap_end": "2027-01-12T11:00"}),
            400,
            "swap_with",
        ),
        (
            json!({"start": "2027-01-08T10:00", "end": "2027-01-08T12:00", "swap_with": ben.0, "swap_start": "2027-01-19T10:00", "swap_end": "2027-01-19T11:00"}),
            400,
            "swap_start",
        ),
        (
            json!({"start": "2027-01-08T10:00", "end": "2027-01-08T12:00", "person": ben.0}),
            403,
            "",
        ),
        (
            json!({"start": "2027-01-08T10:00", "end": "2027-01-08T12:00", "colour": "red"}),
            400,
            "",
        ),
    ] {
        let (status, err) = call(&app, "POST", &ana_t, &ask, Some(body.clone())).await;
        assert_eq!(status, code, "{body} → {err}");
        if !field.is_empty() {
            assert_eq!(err["error"]["field"], field, "{body} → {err}");
        }
    }
    // Overlapping her own open request is a conflict.
    let (status, err) = call(
        &app,
        "POST",
        &ana_t,
        &ask,
        Some(json!({"start": "2027-01-07T08:00", "end": "2027-01-07T10:00"})),
    )
    .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(open_count(&app, &ben_t, r).await, 1);
    let (status, _) = call(&app, "GET", &out_t, &ask, None).await;
    assert_eq!(status, 403);

    // She cannot take her own; another team's lead cannot take it; Ben can.
    let take = format!("/api/v1/cover-requests/{first}/take");
    let (status, err) = call(&app, "POST", &ana_t, &take, None).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["field"], "person");
    let (status, _) = call(&app, "POST", &out_t, &take, None).await;
    assert_eq!(status, 403);
    assert_eq!(
        who_at(&app, &ben_t, r, "2027-01-06T20:00:00Z").await["name"],
        "Ana Ahn"
    );
    let (status, taken) = call(&app, "POST", &ben_t, &take, None).await;
    assert_eq!(status, 200, "{taken}");
    assert_eq!(taken["status"], "taken");
    assert_eq!(taken["taken_by"]["name"], "Ben Bauer");
    assert_eq!(taken["closed_by"]["name"], "Ben Bauer");
    // Ben now carries the pager that night; Ana's stretch before ends where his starts.
    let night = who_at(&app, &ana_t, r, "2027-01-06T20:00:00Z").await;
    assert_eq!(night["name"], "Ben Bauer");
    assert!(night["override_id"].is_i64(), "{night}");
    assert_eq!(night["shift_start"], "2027-01-06T18:00:00Z");
    assert_eq!(night["shift_end"], "2027-01-07T09:00:00Z");
    let before = who_at(&app, &ana_t, r, "2027-01-06T17:00:00Z").await;
    assert_eq!(before["name"], "Ana Ahn");
    assert_eq!(before["shift_start"], "2027-01-04T09:00:00Z");
    assert_eq!(before["shift_end"], "2027-01-06T18:00:00Z");
    let after = who_at(&app, &ana_t, r, "2027-01-07T10:00:00Z").await;
    assert_eq!(after["shift_start"], "2027-01-07T09:00:00Z");
    assert_eq!(after["shift_end"], "2027-01-11T09:00:00Z");
    // A page naming nobody that night goes to Ben.
    let at = "2027-01-06T23:00:00Z".parse::<jiff::Timestamp>().unwrap();
    assert_eq!(
        aftercare_app::rotations::on_call_for_team(s, team, at)
            .await
            .unwrap(),
        Some(ben)
    );
    // A second taker is told who was first, and nothing more is stored.
    let (status, err) = call(&app, "POST", &cara_t, &take, None).await;
    assert_eq!(status, 409, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Ben Bauer"),
        "{err}"
    );
    assert_eq!(open_count(&app, &ana_t, r).await, 0);

    // Cara offers Lena a swap: Cara's Tuesday for Lena's Tuesday. Only Lena may accept.
    let (status, offer) = call(
        &app,
        "POST",
        &cara_t,
        &ask,
        Some(json!({
            "start": "2027-01-19T09:00", "end": "2027-01-20T09:00",
            "swap_with": lead.0, "swap_start": "2027-01-26T09:00", "swap_end": "2027-01-27T09:00"
        })),
    )
    .await;
    assert_eq!(status, 201, "{offer}");
    assert_eq!(offer["swap"]["with"]["name"], "Lena Lead");
    let accept = format!("/api/v1/cover-requests/{}/take", offer["id"]);
    let (status, _) = call(&app, "POST", &ben_t, &accept, None).await;
    assert_eq!(status, 403);
    let (status, swapped) = call(&app, "POST", &lead_t, &accept, Some(json!({}))).await;
    assert_eq!(status, 200, "{swapped}");
    assert_eq!(
        who_at(&app, &ana_t, r, "2027-01-19T12:00:00Z").await["name"],
        "Lena Lead"
    );
    assert_eq!(
        who_at(&app, &ana_t, r, "2027-01-26T12:00:00Z").await["name"],
        "Cara Chen"
    );
    assert_eq!(
        who_at(&app, &ana_t, r, "2027-01-20T12:00:00Z").await["name"],
        "Cara Chen"
    );

    // A lead arranges cover on others' behalf: for Ben's morning, taken by Ana.
    let (status, arranged) = call(
        &app,
        "POST",
        &lead_t,
        &ask,
        Some(json!({"start": "2027-01-15T09:00", "end": "2027-01-15T12:00", "person": ben.0})),
    )
    .await;
    assert_eq!(status, 201, "{arranged}");
    assert_eq!(arranged["person"]["name"], "Ben Bauer");
    assert_eq!(arranged["asked_by"]["name"], "Lena Lead");
    let (status, err) = call(
        &app,
        "POST",
        &cara_t,
        &format!("/api/v1/cover-requests/{}/take", arranged["id"]),
        Some(json!({"person": ana.0})),
    )
    .await;
    assert_eq!(status, 403, "{err}");
    let (status, done) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/cover-requests/{}/take", arranged["id"]),
        Some(json!({"person": ana.0})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["taken_by"]["name"], "Ana Ahn");
    assert_eq!(done["closed_by"]["name"], "Lena Lead");
    assert_eq!(
        who_at(&app, &cara_t, r, "2027-01-15T10:00:00Z").await["name"],
        "Ana Ahn"
    );

    // Overrides straight on: leads only; they name whom they replace and who arranged.
    let ov = format!("/api/v1/rotations/{r}/overrides");
    let body = json!({"person": cara.0, "start": "2027-01-08T09:00", "end": "2027-01-08T12:00", "note": "Ana at the dentist"});
    let (status, _) = call(&app, "POST", &ana_t, &ov, Some(body.clone())).await;
    assert_eq!(status, 403);
    let (status, err) = call(
        &app,
        "POST",
        &lead_t,
        &ov,
        Some(json!({"person": outsider.0, "start": "2027-01-08T09:00", "end": "2027-01-08T12:00"})),
    )
    .await;
    assert_eq!(
        (status, err["error"]["field"].clone()),
        (400, json!("person")),
        "{err}"
    );
    let (status, put) = call(&app, "POST", &lead_t, &ov, Some(body)).await;
    assert_eq!(status, 201, "{put}");
    assert_eq!(put["replaces"]["name"], "Ana Ahn");
    assert_eq!(put["arranged_by"]["name"], "Lena Lead");
    assert_eq!(
        who_at(&app, &ana_t, r, "2027-01-08T10:00:00Z").await["name"],
        "Cara Chen"
    );
    let (status, list) = call(
        &app,
        "GET",
        &ben_t,
        &format!("{ov}?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    // Ben's night, the swap's two halves, Ana's morning for Ben, and Cara's override.
    assert_eq!(list["overrides"].as_array().unwrap().len(), 5, "{list}");
    let (status, _) = call(
        &app,
        "DELETE",
        &ana_t,
        &format!("/api/v1/overrides/{}", put["id"]),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/overrides/{}", put["id"]),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        who_at(&app, &ana_t, r, "2027-01-08T10:00:00Z").await["name"],
        "Ana Ahn"
    );

    // Withdrawing: the asker (or a lead), not a teammate; a withdrawn request is closed.
    let (status, mine) = call(
        &app,
        "POST",
        &ana_t,
        &ask,
        Some(json!({"start": "2027-01-09T09:00", "end": "2027-01-09T10:00"})),
    )
    .await;
    assert_eq!(status, 201, "{mine}");
    let withdraw = format!("/api/v1/cover-requests/{}/withdraw", mine["id"]);
    let (status, _) = call(&app, "POST", &ben_t, &withdraw, None).await;
    assert_eq!(status, 403);
    let (status, closed) = call(&app, "POST", &ana_t, &withdraw, None).await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], "withdrawn");
    let (status, _) = call(
        &app,
        "POST",
        &ben_t,
        &format!("/api/v1/cover-requests/{}/take", mine["id"]),
        None,
    )
    .await;
    assert_eq!(status, 409);
    let (_, all) = call(&app, "GET", &ben_t, &format!("{ask}?all=true"), None).await;
    assert_eq!(all["cover_requests"].as_array().unwrap().len(), 4, "{all}");

    // The audit log says who did each.
    let log = s.audit_log(Some(team), 100).await.unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    for wanted in [
        "cover.request",
        "cover.take",
        "cover.swap_offer",
        "override.create",
        "override.delete",
        "cover.withdraw",
    ] {
        assert!(
            actions.iter().any(|(a, _)| *a == wanted),
            "{wanted} missing from {actions:?}"
        );
    }
    assert!(
        log.iter()
            .any(|e| e.action == "cover.take" && e.detail.contains("Ana Ahn covers Ben Bauer")),
        "{actions:?}"
    );
    app.stop().await;
}

crate::on_both!(cover_swaps_and_overrides_through_the_api);
