//! Newcomers, buddies and shadow shifts, on both backends: a lead marks a member of a
//! rotation as new with a buddy; rotation health names them until a shadow shift is
//! over; bad input names its field and stores nothing; a proposal keeps an unshadowed
//! newcomer off the pager until they have shadowed, and accepting it plans that shadow
//! shift; the newcomer's calendar feed shows their shadow shifts; a lead says when they
//! are ready; the team sees it all and only leads change it; and the command line does
//! the same through the same use-cases.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use aftercare_store::{Backend, TeamRole};

use crate::cli::{aftercare, database, text};
use crate::common::{call, person_in, spawn_app, token_of};

fn finding<'a>(health: &'a Value, code: &str) -> Option<&'a Value> {
    health["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == code))
}

async fn a_newcomer_shadows_before_carrying_the_pager(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let mut members = Vec::new();
    for name in ["Ana Ahn", "Ben Bauer", "Cara Cole", "Dev Dutta", "Eve Eze"] {
        members.push(person_in(s, team, name, TeamRole::Member, "Europe/London").await);
    }
    let newbie = person_in(s, team, "Nia New", TeamRole::Member, "Europe/London").await;
    members.push(newbie);
    let (lead_t, ana_t, nia_t) = (
        token_of(s, lead).await,
        token_of(s, members[0]).await,
        token_of(s, newbie).await,
    );
    // Weekly shifts since January 2026: a full quarter behind every run of this test.
    let (status, r) = call(
        &app,
        "POST",
        &lead_t,
        "/api/v1/rotations",
        Some(json!({
            "team": "payments", "name": "primary", "time_zone": "Europe/London",
            "start": "2026-01-05T09:00", "shift_length": "1w", "members": members,
        })),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let rotation = r["id"].as_i64().unwrap();
    let newcomers = format!("/api/v1/rotations/{rotation}/newcomers");
    let health = format!("/api/v1/rotations/{rotation}/health");

    // Nobody is new yet: no finding.
    let (_, h) = call(&app, "GET", &lead_t, &health, None).await;
    assert!(finding(&h, "newcomer.no_shadow_shifts").is_none(), "{h}");

    // Refusals name their field and store nothing.
    for (body, field) in [
        (json!({"person_id": newbie, "buddy_id": newbie}), "buddy_id"),
        (
            json!({"person_id": lead, "buddy_id": members[0]}),
            "person_id",
        ),
        (
            json!({"person_id": newbie, "buddy_id": 999_999}),
            "buddy_id",
        ),
    ] {
        let (status, e) = call(&app, "POST", &lead_t, &newcomers, Some(body)).await;
        assert_eq!(status, 400, "{e}");
        assert_eq!(e["error"]["field"], field, "{e}");
    }
    // Members see the section but do not change it.
    let (status, _) = call(
        &app,
        "POST",
        &ana_t,
        &newcomers,
        Some(json!({"person_id": newbie, "buddy_id": members[0]})),
    )
    .await;
    assert_eq!(status, 403);
    let (_, list) = call(&app, "GET", &ana_t, &newcomers, None).await;
    assert_eq!(list["newcomers"], json!([]), "{list}");

    // The lead marks Nia as new with Ana as her buddy.
    let (status, n) = call(
        &app,
        "POST",
        &lead_t,
        &newcomers,
        Some(json!({"person_id": newbie, "buddy_id": members[0]})),
    )
    .await;
    assert_eq!(status, 201, "{n}");
    assert_eq!(n["buddy"]["name"], "Ana Ahn");
    assert_eq!(n["shadowed"], 0);
    let id = n["id"].as_i64().unwrap();
    // Twice is refused, naming the person.
    let (status, e) = call(
        &app,
        "POST",
        &lead_t,
        &newcomers,
        Some(json!({"person_id": newbie, "buddy_id": members[1]})),
    )
    .await;
    assert_eq!((status, &e["error"]["field"]), (400, &json!("person_id")));
    // Health names her, with the source of the rule.
    let (_, h) = call(&app, "GET", &lead_t, &health, None).await;
    let f = finding(&h, "newcomer.no_shadow_shifts").expect("the finding");
    assert_eq!(f["members"][0]["name"], "Nia New", "{f}");
    assert!(f["source"].as_str().unwrap().contains("PagerDuty"), "{f}");
    // Nia sees herself in the list, with her buddy.
    let (_, list) = call(&app, "GET", &nia_t, &newcomers, None).await;
    assert_eq!(list["newcomers"][0]["person"]["name"], "Nia New");

    // A proposal keeps her off the pager until she has shadowed, and plans that shadow.
    let (status, p) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/rotations/{rotation}/proposals"),
        Some(json!({"weeks": 8})),
    )
    .await;
    assert_eq!(status, 201, "{p}");
    let shifts = p["shifts"].as_array().unwrap();
    let shadowed = shifts
        .iter()
        .position(|s| s["shadow"]["person_id"] == json!(newbie))
        .expect("a shadow shift for the newcomer");
    let first_own = shifts
        .iter()
        .position(|s| s["person"]["person_id"] == json!(newbie));
    assert!(
        first_own.is_none_or(|i| i > shadowed),
        "she carries the pager at {first_own:?} before shadowing at {shadowed}"
    );
    let shadow_start = shifts[shadowed]["start"].clone();
    let (status, accepted) = call(
        &app,
        "POST",
        &lead_t,
        &format!("/api/v1/proposals/{}/accept", p["id"]),
        None,
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    let (_, list) = call(&app, "GET", &lead_t, &newcomers, None).await;
    let planned = &list["newcomers"][0]["shadow_shifts"];
    assert_eq!(planned.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(planned[0]["start"], shadow_start);
    assert_eq!(planned[0]["done"], false);
    // Planned is not done: the finding stays.
    let (_, h) = call(&app, "GET", &lead_t, &health, None).await;
    assert!(finding(&h, "newcomer.no_shadow_shifts").is_some(), "{h}");

    // A shadow shift in the past, following whoever was on call then.
    let now = Timestamp::now();
    let mut shadow = None;
    for days in [8, 15, 22] {
        let t = now - SignedDuration::from_hours(24 * days);
        let (_, o) = call(
            &app,
            "GET",
            &lead_t,
            &format!("/api/v1/rotations/{rotation}/oncall?at={t}"),
            None,
        )
        .await;
        if o["on_call"]["person_id"] != json!(newbie) {
            shadow = Some((
                o["on_call"]["shift_start"].clone(),
                o["on_call"]["name"].clone(),
            ));
            break;
        }
    }
    let (from, who) = shadow.expect("a past shift of someone else");
    let shadows = format!("/api/v1/newcomers/{id}/shadow-shifts");
    // Too long, backwards, or her own shift: refused, naming the field.
    let from_t: Timestamp = from.as_str().unwrap().parse().unwrap();
    for (body, field) in [
        (
            json!({"from": from, "until": (from_t + SignedDuration::from_hours(24 * 15)).to_string()}),
            "until",
        ),
        (
            json!({"from": from, "until": (from_t - SignedDuration::from_hours(1)).to_string()}),
            "until",
        ),
        (json!({"from": "next tuesday"}), "from"),
    ] {
        let (status, e) = call(&app, "POST", &lead_t, &shadows, Some(body)).await;
        assert_eq!(status, 400, "{e}");
        assert_eq!(e["error"]["field"], field, "{e}");
    }
    let (status, e) = call(&app, "POST", &ana_t, &shadows, Some(json!({"from": from}))).await;
    assert_eq!(status, 403, "{e}");
    let (status, made) = call(&app, "POST", &lead_t, &shadows, Some(json!({"from": from}))).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["shadowing"]["name"], who, "{made}");
    assert_eq!(made["done"], true);
    let (_, list) = call(&app, "GET", &lead_t, &newcomers, None).await;
    assert_eq!(list["newcomers"][0]["shadowed"], 1, "{list}");
    assert_eq!(
        list["newcomers"][0]["shadow_shifts"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // Her own calendar feed shows her shadow shifts beside her shifts.
    let (status, feed) = call(
        &app,
        "POST",
        &nia_t,
        "/api/v1/me/feeds",
        Some(json!({"kind": "person"})),
    )
    .await;
    assert_eq!(status, 201, "{feed}");
    let ics = app
        .client
        .get(app.url(feed["path"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        ics.matches("SUMMARY:Shadowing - Nia New").count(),
        2,
        "{ics}"
    );
    let stamp = from_t.strftime("DTSTART:%Y%m%dT%H%M%SZ").to_string();
    assert!(ics.contains(&stamp), "{ics}");
    // Shadowed: the finding is gone.
    let (_, h) = call(&app, "GET", &lead_t, &health, None).await;
    assert!(finding(&h, "newcomer.no_shadow_shifts").is_none(), "{h}");

    // Removing that shadow shift brings it back; saying she is ready clears it.
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/shadow-shifts/{}", made["id"]),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, h) = call(&app, "GET", &lead_t, &health, None).await;
    assert!(finding(&h, "newcomer.no_shadow_shifts").is_some(), "{h}");
    let (status, n) = call(
        &app,
        "PATCH",
        &lead_t,
        &format!("/api/v1/newcomers/{id}"),
        Some(json!({"ready": true, "buddy_id": members[1]})),
    )
    .await;
    assert_eq!(status, 200, "{n}");
    assert!(n["ready_at"].is_string(), "{n}");
    assert_eq!(n["buddy"]["name"], "Ben Bauer");
    let (_, h) = call(&app, "GET", &lead_t, &health, None).await;
    assert!(finding(&h, "newcomer.no_shadow_shifts").is_none(), "{h}");
    // A bad buddy in a change is refused and changes nothing.
    let (status, e) = call(
        &app,
        "PATCH",
        &lead_t,
        &format!("/api/v1/newcomers/{id}"),
        Some(json!({"ready": false, "buddy_id": newbie})),
    )
    .await;
    assert_eq!((status, &e["error"]["field"]), (400, &json!("buddy_id")));
    let (_, list) = call(&app, "GET", &lead_t, &newcomers, None).await;
    assert!(list["newcomers"][0]["ready_at"].is_string(), "{list}");

    // Removing the newcomer removes their shadow shifts too.
    let (status, _) = call(
        &app,
        "DELETE",
        &lead_t,
        &format!("/api/v1/newcomers/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, list) = call(&app, "GET", &lead_t, &newcomers, None).await;
    assert_eq!(list["newcomers"], json!([]));
    assert!(
        s.rotation_shadow_shifts(aftercare_store::RotationId(rotation))
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

async fn newcomers_and_drills_from_the_shell(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = crate::cli::csv_file(
        &dir,
        "people.csv",
        "name,email,timezone,team\nNoor Haddad,noor@example.org,Europe/Berlin,payments\nKai Tanaka,kai@example.org,Europe/Berlin,payments\nLia Berg,lia@example.org,Europe/Berlin,payments\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    let out = aftercare(
        &db.url,
        &[
            "rotation",
            "create",
            "--team",
            "payments",
            "--name",
            "primary",
            "--time-zone",
            "Europe/Berlin",
            "--start",
            "2027-03-01T09:00",
            "--shift-length",
            "1w",
            "--members",
            "noor@example.org,kai@example.org,lia@example.org",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let rotation = text(&out)
        .0
        .trim_start_matches('#')
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let add = |buddy: &str| {
        aftercare(
            &db.url,
            &[
                "newcomer",
                "add",
                "--rotation",
                &rotation,
                "--person",
                "lia@example.org",
                "--buddy",
                buddy,
            ],
        )
    };
    // The buddy cannot be the newcomer: the field is named, nothing is stored.
    let out = add("lia@example.org");
    assert!(!out.status.success());
    assert!(text(&out).1.contains("buddy_id"), "{:?}", text(&out));
    let out = aftercare(&db.url, &["newcomer", "list", "--rotation", &rotation]);
    assert!(
        text(&out).0.contains("Nobody is marked as new"),
        "{:?}",
        text(&out)
    );
    let out = add("noor@example.org");
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("Lia Berg: buddy Noor Haddad"),
        "{:?}",
        text(&out)
    );
    let id = text(&out)
        .0
        .trim_start_matches('#')
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    // Shadow Kai's shift of 8 March (Noor has the first week).
    let out = aftercare(
        &db.url,
        &["newcomer", "shadow", &id, "--from", "2027-03-08T09:00"],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains(
            "Lia Berg follows Kai Tanaka from 2027-03-08 08:00 UTC to 2027-03-15 08:00 UTC"
        ),
        "{:?}",
        text(&out)
    );
    let out = aftercare(&db.url, &["newcomer", "change", &id, "--ready"]);
    assert!(text(&out).0.contains("ready since"), "{:?}", text(&out));
    let out = aftercare(
        &db.url,
        &["newcomer", "list", "--rotation", &rotation, "--json"],
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        list[0]["shadow_shifts"][0]["shadowing"]["name"],
        "Kai Tanaka"
    );

    // Fire drills: schedule, refuse a record with nobody, list, delete.
    let out = aftercare(
        &db.url,
        &[
            "drill",
            "schedule",
            "--rotation",
            &rotation,
            "--at",
            "2026-11-02T10:00",
            "--scenario",
            "the payments database fails over",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let drill = text(&out)
        .0
        .trim_start_matches('#')
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let out = aftercare(
        &db.url,
        &["drill", "held", &drill, "--people", "nobody@example.org"],
    );
    assert!(text(&out).1.contains("--people"), "{:?}", text(&out));
    let out = aftercare(
        &db.url,
        &[
            "drill",
            "held",
            &drill,
            "--people",
            "kai@example.org,lia@example.org",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("held, with Kai Tanaka, Lia Berg"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(&db.url, &["drill", "delete", &drill]);
    assert!(out.status.success());
    let out = aftercare(&db.url, &["drill", "list", "--rotation", &rotation]);
    assert!(text(&out).0.contains("no fire drills"), "{:?}", text(&out));
    // Nobody is away: the collisions report says so.
    let out = aftercare(&db.url, &["away", "--rotation", &rotation]);
    assert!(
        text(&out).0.contains("meets anyone's time off"),
        "{:?}",
        text(&out)
    );
}

crate::on_both!(
    a_newcomer_shadows_before_carrying_the_pager,
    newcomers_and_drills_from_the_shell,
);
