//! Proposing a rotation's next quarter with the fair rotation generator, through the JSON
//! API on both backends: the proposal carries last quarter's load over (the person who
//! covered most gets least), members may read it but only a lead decides, accepting puts
//! it on the rotation exactly as proposed, and a decided proposal stays decided.

use serde_json::json;

use aftercare_store::{Backend, NewOverride, TeamRole};

use crate::common::{call, person_in, spawn_app, token_of};

async fn a_lead_proposes_next_quarter_and_accepts_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let mut people = Vec::new();
    for name in [
        "Ana Ahn",
        "Ben Bauer",
        "Cara Chen",
        "Dev Das",
        "Eli Ekwueme",
        "Fay Fong",
    ] {
        people.push(person_in(s, team, name, TeamRole::Member, "Europe/London").await);
    }
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let (lead_t, ana_t) = (token_of(s, lead).await, token_of(s, people[0]).await);
    // Weekly, UTC, started 13 weeks ago on a Monday.
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    let monday = now
        .date()
        .checked_sub(
            jiff::Span::new().days(i64::from(now.weekday().to_monday_zero_offset()) + 7 * 13),
        )
        .unwrap();
    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(json!({
            "team": "payments", "name": "primary", "time_zone": "UTC",
            "start": format!("{monday}T09:00"), "shift_length": "1w",
            "members": people.iter().map(|p| p.0).collect::<Vec<_>>()
        })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let r = made["id"].as_i64().unwrap();
    // Ana covered three of her teammates' weeks last quarter.
    let week = 7 * 24 * 3_600_000_i64;
    let start = monday
        .at(9, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_millisecond();
    for w in [1, 2, 3] {
        s.create_override(&NewOverride {
            rotation_id: aftercare_store::RotationId(r),
            person_id: people[0],
            starts_at: start + w * week,
            ends_at: start + (w + 1) * week,
            replaces: None,
            note: "cover".into(),
            created_by: None,
        })
        .await
        .unwrap();
    }
    let proposals = format!("/api/v1/rotations/{r}/proposals");
    for (body, field) in [
        (json!({"weeks": 0}), "weeks"),
        (json!({"weeks": 54}), "weeks"),
    ] {
        let (status, err) = call(&app, "POST", &lead_t, &proposals, Some(body)).await;
        assert_eq!(
            (status, err["error"]["field"].clone()),
            (400, json!(field)),
            "{err}"
        );
    }
    let (status, _) = call(&app, "POST", &ana_t, &proposals, Some(json!({}))).await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, "GET", &lead_t, &proposals, None).await;
    assert_eq!(status, 200);
    let (status, p) = call(&app, "POST", &lead_t, &proposals, Some(json!({}))).await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["status"], "proposed");
    assert!(
        ["optimal", "feasible"].contains(&p["solver"].as_str().unwrap()),
        "{p}"
    );
    let shifts = p["shifts"].as_array().unwrap();
    assert_eq!(shifts.len(), 13, "a quarter of weekly shifts");
    let loads = p["loads"].as_array().unwrap();
    assert_eq!(loads.len(), 6);
    let load_of = |name: &str| {
        loads
            .iter()
            .find(|l| l["person"]["name"] == name)
            .unwrap()
            .clone()
    };
    let ana = load_of("Ana Ahn");
    // Ana carried most, so she gets the fewest of the coming shifts, and the spread
    // after is smaller than before.
    let fewest = loads
        .iter()
        .map(|l| l["shifts"].as_u64().unwrap())
        .min()
        .unwrap();
    assert_eq!(ana["shifts"].as_u64().unwrap(), fewest, "{loads:?}");
    let spread = |k: &str| {
        let xs: Vec<f64> = loads.iter().map(|l| l[k].as_f64().unwrap()).collect();
        xs.iter().cloned().fold(f64::MIN, f64::max) - xs.iter().cloned().fold(f64::MAX, f64::min)
    };
    assert!(spread("after") < spread("before"), "{loads:?}");
    // Nobody on two shifts in a row, counting the one on call as the horizon starts.
    let (_, now_on) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/rotations/{r}/oncall"),
        None,
    )
    .await;
    assert_ne!(
        now_on["on_call"]["person_id"],
        shifts[0]["person"]["person_id"]
    );
    for pair in shifts.windows(2) {
        assert_ne!(
            pair[0]["person"]["person_id"],
            pair[1]["person"]["person_id"]
        );
    }
    let id = p["id"].as_i64().unwrap();
    // A member reads it; only a lead decides.
    let (status, seen) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/proposals/{id}"),
        None,
    )
    .await;
    assert_eq!((status, seen["id"].as_i64()), (200, Some(id)));
    let (status, _) = call(
        &app,
        "POST",
        &ana_t,
        &format!("/api/v1/proposals/{id}/accept"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, done) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/proposals/{id}/accept"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "accepted");
    assert_eq!(done["decided_by"]["name"], "Lena Lead");
    // The rotation now has on call exactly whom the proposal said, shift by shift.
    for shift in shifts {
        let from = shift["start"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap();
        let mid = from + jiff::SignedDuration::from_hours(60);
        let (status, answer) = call(
            &app,
            "GET",
            &ana_t,
            &format!("/api/v1/rotations/{r}/oncall?at={mid}"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            answer["on_call"]["person_id"], shift["person"]["person_id"],
            "{mid}"
        );
    }
    // Decided stays decided.
    let (status, _) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/proposals/{id}/accept"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/proposals/{id}/discard"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    // A second proposal, discarded, changes nothing.
    let (_, second) = call(&app, "POST", &lead_t, &proposals, Some(json!({"weeks": 4}))).await;
    let (status, gone) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/proposals/{}/discard", second["id"]),
        None,
    )
    .await;
    assert_eq!((status, gone["status"].clone()), (200, json!("discarded")));
    let (_, list) = call(&app, "GET", &ana_t, &proposals, None).await;
    assert_eq!(list["proposals"].as_array().unwrap().len(), 2);
    app.stop().await;
}

crate::on_both!(a_lead_proposes_next_quarter_and_accepts_it);
