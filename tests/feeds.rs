//! Calendar feeds end to end on both backends: a member makes a feed of her own shifts
//! and one of the rotation; each secret URL answers `text/calendar` without signing in,
//! reads back (with the project's own iCalendar parser, as a calendar app reads it) as
//! the rotation's spans, no gaps and no overlaps, at least 12 months ahead, cover
//! included; her feed holds only her time; a revoked secret and a guessed one answer
//! 404 alike, and so does a feed whose maker left.

use serde_json::{Value, json};

use aftercare_store::{Backend, PersonId, TeamRole};

use crate::common::{TestApp, person_in, spawn_app, token_of};

async fn make_feed(app: &TestApp, token: &str, body: Value) -> (String, i64) {
    let res = app
        .client
        .post(app.url("/api/v1/me/feeds"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    (
        made["path"].as_str().unwrap().to_string(),
        made["feed"]["id"].as_i64().unwrap(),
    )
}

async fn fetch(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    if status == 200 {
        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.starts_with("text/calendar"), "{kind}");
    }
    (status, res.text().await.unwrap())
}

async fn feeds_show_the_schedule_to_calendar_apps(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "Europe/London").await;
    let ben = person_in(s, team, "Ben Bauer", TeamRole::Member, "Europe/London").await;
    let cara = person_in(s, team, "Cara Chen", TeamRole::Member, "Europe/London").await;
    let ana_t = token_of(s, ana).await;
    // Daily handoffs at 09:00 London from a week ago: across the spring and autumn
    // changes within the year ahead.
    let start = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .date()
        .checked_sub(jiff::Span::new().days(7))
        .unwrap();
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "Europe/London".into(),
            starts_local: format!("{start}T09:00"),
            shift_length: "1d".into(),
            members: vec![ana, ben, cara],
        })
        .await
        .unwrap()
        .rotation
        .id;
    // Cara covers an afternoon of someone's: the feed shows it.
    // (Whole seconds, as iCalendar writes them; on a day that is not already hers.)
    let actor = aftercare_app::Actor::command_line();
    let mut noon =
        jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 48 * 3600).unwrap();
    while aftercare_app::rotations::on_call(s, &actor, rotation, noon)
        .await
        .unwrap()
        .on_call
        .unwrap()
        .person_id
        == cara
    {
        noon += jiff::SignedDuration::from_hours(24);
    }
    s.create_override(&aftercare_store::NewOverride {
        rotation_id: rotation,
        person_id: cara,
        starts_at: noon.as_millisecond(),
        ends_at: noon.as_millisecond() + 3 * 3_600_000,
        replaces: None,
        note: String::new(),
        created_by: None,
    })
    .await
    .unwrap();
    let (bad, _) = {
        let res = app
            .client
            .post(app.url("/api/v1/me/feeds"))
            .bearer_auth(&ana_t)
            .json(&json!({"kind": "rotation"}))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), ())
    };
    assert_eq!(bad, 400, "a rotation feed needs its id");
    let (rotation_path, _) =
        make_feed(&app, &ana_t, json!({"kind": "rotation", "id": rotation.0})).await;
    let (mine_path, mine_id) = make_feed(&app, &ana_t, json!({"kind": "person"})).await;

    // The rotation's feed, read as a calendar app reads it.
    let (status, text) = fetch(&app, &rotation_path).await;
    assert_eq!(status, 200, "{text}");
    let shifts = aftercare_schedule::parse_ical(&text).unwrap();
    assert!(shifts.len() > 365, "{} events", shifts.len());
    let mut sorted = shifts.clone();
    sorted.sort_by_key(|x| x.start);
    for pair in sorted.windows(2) {
        assert_eq!(
            pair[0].end, pair[1].start,
            "no gap and no overlap: {pair:?}"
        );
    }
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 365);
    assert!(sorted.last().unwrap().end >= ahead, "12 months ahead");
    // Each event is the rotation's answer for its middle, cover included.
    let names: std::collections::HashMap<PersonId, String> = s
        .list_people()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    for shift in sorted.iter().step_by(7).chain(
        sorted
            .iter()
            .filter(|x| x.start.as_millisecond() == noon.as_millisecond()),
    ) {
        let mid = shift.start
            + jiff::SignedDuration::from_secs(shift.end.duration_since(shift.start).as_secs() / 2);
        let answer = aftercare_app::rotations::on_call(s, &actor, rotation, mid)
            .await
            .unwrap();
        let who = answer.on_call.unwrap();
        assert_eq!(
            shift.person.name.as_deref(),
            Some(names[&who.person_id].as_str()),
            "{mid}"
        );
    }
    assert!(
        sorted
            .iter()
            .any(|x| x.start.as_millisecond() == noon.as_millisecond()
                && x.person.name.as_deref() == Some("Cara Chen"))
    );
    // Her own feed: her time only.
    let (status, text) = fetch(&app, &mine_path).await;
    assert_eq!(status, 200);
    let hers = aftercare_schedule::parse_ical(&text).unwrap();
    assert!(!hers.is_empty());
    assert!(
        hers.iter()
            .all(|x| x.person.name.as_deref() == Some("Ana Ahn"))
    );
    // Revoked, guessed, or made by someone who left: all 404.
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/me/feeds/{mine_id}")))
        .bearer_auth(&ana_t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(fetch(&app, &mine_path).await.0, 404);
    assert_eq!(
        fetch(&app, &format!("/ical/{}.ics", "0".repeat(48)))
            .await
            .0,
        404
    );
    s.deactivate_person(ana).await.unwrap();
    assert_eq!(fetch(&app, &rotation_path).await.0, 404);
    app.stop().await;
}

crate::on_both!(feeds_show_the_schedule_to_calendar_apps);
