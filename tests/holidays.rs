//! Holiday calendars end to end through the JSON API, on both backends: a lead imports a
//! region's feed (a member cannot; a bad feed names its line and stores nothing), anyone
//! reads its days, a rotation follows it, and its holidays then count in rotation health's
//! holiday shares and weigh more in the fair rotation generator's proposals.

use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};

use aftercare_store::{Backend, TeamRole};

use crate::common::{call, fixture_path, person_in, spawn_app, token_of};

fn feed(dates: &[(jiff::civil::Date, &str)]) -> String {
    let mut out =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Testland holidays\r\n");
    for (i, (d, name)) in dates.iter().enumerate() {
        out.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:h{i}\r\nDTSTART;VALUE=DATE:{}\r\nSUMMARY:{name}\r\nEND:VEVENT\r\n",
            d.strftime("%Y%m%d")
        ));
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

async fn holiday_calendars_are_imported_whole_and_rotations_weigh_their_days(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "UTC").await;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "UTC").await;
    let (lead_t, ana_t) = (token_of(s, lead).await, token_of(s, ana).await);
    let uk = std::fs::read_to_string(fixture_path("ical/holidays/england_wales_2027.ics")).unwrap();

    // A member cannot import one; a bad feed names its line and field; nothing is stored.
    let body = json!({"region": "England and Wales", "ical": uk});
    let (status, _) = call(
        &app,
        "POST",
        &ana_t,
        "/api/v1/holiday-calendars",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let timed = uk.replacen("DTSTART;VALUE=DATE:20270326", "DTSTART:20270326T000000Z", 1);
    let (status, err) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/holiday-calendars",
        Some(json!({"region": "England and Wales", "ical": timed})),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["field"], "ical");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("line 18: DTSTART"), "{err}");
    for (field, value) in [("region", json!(" ")), ("ical", json!("not a calendar"))] {
        let mut bad = body.clone();
        bad[field] = value;
        let (status, err) = call(
            &app,
            "POST",
            &lead_t,
            "/api/v1/holiday-calendars",
            Some(bad),
        )
        .await;
        assert_eq!(status, 400, "{err}");
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    assert!(s.holiday_calendars().await.unwrap().is_empty());

    // The feed names itself; its eight days come back for 2027.
    let (status, made) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/holiday-calendars",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["name"], "England and Wales bank holidays (fixture)");
    assert_eq!(made["days"], 8);
    let id = made["id"].as_i64().unwrap();
    let (status, again) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/holiday-calendars",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 409, "{again}");
    let (status, days) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/holiday-calendars/{id}?from=2027-12-01&to=2027-12-31"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{days}");
    let dates: Vec<&str> = days["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2027-12-27", "2027-12-28"]);
    let (status, err) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/holiday-calendars/{id}?from=2027-12-01&to=2027-01-01"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "to");
    let (status, list) = call(&app, "GET", &ana_t, "/api/v1/holiday-calendars", None).await;
    assert_eq!(status, 200);
    assert_eq!(list["calendars"].as_array().unwrap().len(), 1);

    // A rotation of two, daily 09:00 UTC handoffs, started 20 weeks ago.
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let started = today.checked_sub(140.days()).unwrap();
    let (status, r) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(
            json!({"team": "payments", "name": "primary", "time_zone": "UTC",
                    "start": format!("{started}T09:00"), "shift_length": "1d",
                    "members": [ana.0, lead.0]}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let rotation = r["id"].as_i64().unwrap();
    // Without a calendar nobody carries a holiday.
    let (_, health) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/rotations/{rotation}/health"),
        None,
    )
    .await;
    let holiday_hours = |h: &Value| -> f64 {
        h["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["holiday_hours"].as_f64().unwrap())
            .sum()
    };
    assert_eq!(holiday_hours(&health), 0.0, "{health}");

    // A calendar with a holiday ten days ago and one in five days.
    let past = today.checked_sub(10.days()).unwrap();
    let ahead = today.checked_add(5.days()).unwrap();
    let (status, local) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/holiday-calendars",
        Some(json!({"name": "testland", "region": "Testland", "ical": feed(&[(past, "Founders' Day"), (ahead, "Harvest Day")])})),
    )
    .await;
    assert_eq!(status, 201, "{local}");
    let local_id = local["id"].as_i64().unwrap();

    // Weights before following it.
    let propose = async || {
        let (status, p) = call(
            &app,
            "POST",
            &lead_t,
            &format!("/api/v1/rotations/{rotation}/proposals"),
            Some(json!({"weeks": 2})),
        )
        .await;
        assert_eq!(status, 201, "{p}");
        let on = |d: jiff::civil::Date| {
            p["shifts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["start"].as_str().unwrap().starts_with(&d.to_string()))
                .map(|s| s["weight"].as_f64().unwrap())
                .unwrap()
        };
        (on(ahead), on(ahead.checked_add(7.days()).unwrap_or(ahead)))
    };
    let (before_holiday, _) = propose().await;

    // Members cannot choose; an unknown calendar is refused by field; the lead can.
    let set = |calendar: Value| Some(json!({ "calendar": calendar }));
    let path = format!("/api/v1/rotations/{rotation}/holidays");
    let (status, _) = call(&app, "PUT", &ana_t, &path, set(json!(local_id))).await;
    assert_eq!(status, 403);
    let (status, err) = call(&app, "PUT", &lead_t, &path, set(json!(999_999))).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "calendar");
    let (status, chosen) = call(&app, "PUT", &lead_t, &path, set(json!(local_id))).await;
    assert_eq!(status, 200, "{chosen}");
    assert_eq!(chosen["calendar"]["name"], "testland");
    let (_, seen) = call(&app, "GET", &ana_t, &path, None).await;
    assert_eq!(seen["calendar"]["id"], local_id);

    // Health: the 24 hours of the past holiday fall to whoever had that day.
    let (_, health) = call(
        &app,
        "GET",
        &ana_t,
        &format!("/api/v1/rotations/{rotation}/health"),
        None,
    )
    .await;
    assert!((holiday_hours(&health) - 24.0).abs() < 1e-6, "{health}");
    let shares: Vec<f64> = health["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["holiday_share"].as_f64().unwrap())
        .collect();
    assert!(
        (shares.iter().sum::<f64>() - 1.0).abs() < 1e-6,
        "{shares:?}"
    );

    // Proposals: the shift starting on the holiday weighs more than it did, and more than
    // the same weekday's shift a week later.
    let (after_holiday, week_later) = propose().await;
    assert!(
        after_holiday > before_holiday,
        "{after_holiday} vs {before_holiday}"
    );
    assert!(
        after_holiday > week_later,
        "{after_holiday} vs {week_later}"
    );

    // Deleting the calendar frees the rotation.
    let (status, _) = call(
        &app,
        "DELETE",
        &ana_t,
        &format!("/api/v1/holiday-calendars/{local_id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/holiday-calendars/{local_id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, seen) = call(&app, "GET", &ana_t, &path, None).await;
    assert_eq!(seen["calendar"], Value::Null);
    // Replacing keeps the id and swaps every day.
    let (status, replaced) = call(
        &app,
        "PUT",
        &lead_t,
        &format!("/api/v1/holiday-calendars/{id}"),
        Some(json!({"name": "uk", "region": "England and Wales", "ical": feed(&[(ahead, "Extra day")])})),
    )
    .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(
        (replaced["name"].as_str(), replaced["days"].as_i64()),
        (Some("uk"), Some(1))
    );
    app.stop().await;
}

crate::on_both!(holiday_calendars_are_imported_whole_and_rotations_weigh_their_days);
