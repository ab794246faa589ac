//! Time off through the JSON API on both backends: a person marks leave by dates in
//! their own zone; refusals name their field and store nothing; only they read, change
//! or remove it and only they see its note; the team sees the span and kind; the
//! rotation warns of the shift it meets and says who could cover; a proposal plans
//! around it.

use serde_json::json;

use aftercare_store::{Backend, TeamRole};

use crate::common::{call, person_in, spawn_app, token_of};

async fn time_off_is_planned_around(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let names = [
        "Ana Ahn",
        "Ben Bauer",
        "Cara Chen",
        "Dev Das",
        "Eli Eze",
        "Fay Fong",
    ];
    let mut people = Vec::new();
    for name in names {
        people.push(person_in(s, team, name, TeamRole::Member, "Europe/London").await);
    }
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let (ana_t, ben_t, lead_t) = (
        token_of(s, people[0]).await,
        token_of(s, people[1]).await,
        token_of(s, lead).await,
    );
    // Refusals name their field and store nothing.
    for (body, field) in [
        (
            json!({"start": "2027-01-06", "end": "2027-01-07", "kind": "holiday"}),
            "kind",
        ),
        (
            json!({"start": "6 January", "end": "2027-01-07", "kind": "leave"}),
            "start",
        ),
        (
            json!({"start": "2027-01-06", "end": "2027-01-05", "kind": "leave"}),
            "end",
        ),
        (
            json!({"start": "2027-01-06", "end": "2028-03-01", "kind": "leave"}),
            "end",
        ),
    ] {
        let (status, err) = call(
            &app,
            "POST",
            &ana_t,
            "/api/v1/me/time-off",
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, err["error"]["field"].clone()),
            (400, json!(field)),
            "{body} → {err}"
        );
    }
    let (_, none) = call(&app, "GET", &ana_t, "/api/v1/me/time-off", None).await;
    assert!(none["time_off"].as_array().unwrap().is_empty());
    // Ana's leave, by dates in her zone: both days whole (London is on UTC in January).
    let (status, leave) = call(
        &app,
        "POST",
        &ana_t,
        "/api/v1/me/time-off",
        Some(json!({"start": "2027-01-06", "end": "2027-01-07", "kind": "leave", "note": "my sister's wedding"})),
    )
    .await;
    assert_eq!(status, 201, "{leave}");
    assert_eq!(leave["start"], "2027-01-06T00:00:00Z");
    assert_eq!(leave["end"], "2027-01-08T00:00:00Z");
    let id = leave["id"].as_i64().unwrap();
    // Only Ana reads, changes or removes it.
    let (_, bens) = call(&app, "GET", &ben_t, "/api/v1/me/time-off", None).await;
    assert!(bens["time_off"].as_array().unwrap().is_empty());
    for method in ["PUT", "DELETE"] {
        let body = (method == "PUT")
            .then(|| json!({"start": "2027-01-06", "end": "2027-01-07", "kind": "other"}));
        let (status, _) = call(
            &app,
            method,
            &ben_t,
            &format!("/api/v1/me/time-off/{id}"),
            body,
        )
        .await;
        assert_eq!(status, 404, "{method}");
    }
    // The team sees the span and the kind, not the note.
    let (status, away) = call(
        &app,
        "GET",
        &ben_t,
        &format!("/api/v1/teams/{team}/time-off?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{away}");
    let away = away["away"].as_array().unwrap();
    assert_eq!(away.len(), 1);
    assert_eq!(
        (away[0]["person"]["name"].clone(), away[0]["kind"].clone()),
        (json!("Ana Ahn"), json!("leave"))
    );
    assert!(!away[0].to_string().contains("wedding"), "{away:?}");

    // A weekly rotation from Monday 4 January, Ana first: her week meets her leave.
    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(json!({
            "team": "payments", "name": "primary", "time_zone": "Europe/London",
            "start": "2027-01-04T09:00", "shift_length": "1w",
            "members": people.iter().map(|p| p.0).collect::<Vec<_>>()
        })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let r = made["id"].as_i64().unwrap();
    let (status, found) = call(
        &app,
        "GET",
        &ben_t,
        &format!("/api/v1/rotations/{r}/collisions"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{found}");
    let found = found["collisions"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["person"]["name"], "Ana Ahn");
    assert_eq!(found[0]["shift_start"], "2027-01-04T09:00:00Z");
    let could: Vec<&str> = found[0]["could_cover"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    // Not Ana, and not Ben, on call the week after.
    assert!(
        !could.is_empty() && !could.contains(&"Ana Ahn") && !could.contains(&"Ben Bauer"),
        "{could:?}"
    );

    // A proposal plans around it: the week holding her leave is not hers.
    let (status, p) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/rotations/{r}/proposals"),
        Some(json!({"weeks": 4})),
    )
    .await;
    assert_eq!(status, 201, "{p}");
    let first = &p["shifts"][0];
    assert_eq!(first["start"], "2027-01-04T09:00:00Z");
    assert_ne!(first["person"]["name"], "Ana Ahn", "{p}");

    // She changes it, then removes it: the warning goes with it.
    let (status, changed) = call(
        &app,
        "PUT",
        &ana_t,
        &format!("/api/v1/me/time-off/{id}"),
        Some(
            json!({"start": "2027-01-06T14:00", "end": "2027-01-06T18:00", "kind": "appointment"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["start"].clone(), changed["note"].clone()),
        (json!("2027-01-06T14:00:00Z"), json!(""))
    );
    let (status, _) = call(
        &app,
        "DELETE",
        &ana_t,
        &format!("/api/v1/me/time-off/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, found) = call(
        &app,
        "GET",
        &ben_t,
        &format!("/api/v1/rotations/{r}/collisions"),
        None,
    )
    .await;
    assert!(found["collisions"].as_array().unwrap().is_empty());
    app.stop().await;
}

crate::on_both!(time_off_is_planned_around);
