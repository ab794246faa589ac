//! Rest after bad nights, on both backends: after two disrupted nights in a shift the
//! sweep records the rest earned (a late start, hours per night by team policy) and
//! offers the next night to the rotation, once however often it runs; a third night adds
//! hours and offers the night after; the person alone sees it and says whether they took
//! it; a team's policy can be changed or turned off; and the sweep job runs once per
//! quarter hour however many servers enqueue it.

use jiff::Timestamp;
use serde_json::{Value, json};

use aftercare_store::{
    Backend, JobKind, NewDelivery, NewNotification, PersonId, Store, TeamId, TeamRole,
};

use crate::common::{call, person_in, spawn_app, token_of};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn pages(store: &Store, team: TeamId, person: PersonId, instants: &[&str]) {
    let integration = store
        .create_integration(&aftercare_store::NewIntegration {
            public_id: format!("int_rest_{person}_{}", at(instants[0]).as_millisecond()),
            team_id: team,
            source: "pagerduty".into(),
            name: format!("rest {person} {}", instants[0]),
            secret: "s".into(),
        })
        .await
        .unwrap()
        .id;
    let notifications = instants
        .iter()
        .map(|t| {
            NewNotification::bare(
                Some(person),
                Some(team),
                at(t).as_millisecond(),
                &format!("rest-{person}-{t}"),
                "pagerduty",
                "notified",
            )
        })
        .collect();
    store
        .record_deliveries(&[NewDelivery {
            incident: None,
            integration_id: integration,
            delivery_id: format!("rest-{person}-{}", instants.join(",")),
            received_at: Timestamp::now().as_millisecond(),
            raw: b"{}".to_vec(),
            event_json: "{}".into(),
            notifications,
        }])
        .await
        .unwrap();
}

async fn two_disrupted_nights_earn_rest_and_offer_the_next_night(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "Europe/London").await;
    let ben = person_in(s, team, "Ben Bauer", TeamRole::Member, "Europe/London").await;
    let (lead_t, ana_t, ben_t) = (
        token_of(s, lead).await,
        token_of(s, ana).await,
        token_of(s, ben).await,
    );
    // Weekly shifts from Monday 4 January 2027 09:00 London: Ana, then Ben.
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "Europe/London".into(),
            starts_local: "2027-01-04T09:00".into(),
            shift_length: "1w".into(),
            members: vec![ana, ben],
        })
        .await
        .unwrap()
        .rotation
        .id;
    let sweep = async |now: &str| aftercare_app::rest::sweep(s, at(now)).await.unwrap();

    // One disrupted night (and a page in the day) earns nothing.
    pages(
        s,
        team,
        ana,
        &["2027-01-05T03:00:00Z", "2027-01-05T14:00:00Z"],
    )
    .await;
    assert_eq!(sweep("2027-01-05T15:00:00Z").await.earned, 0);
    // A second night does: 8 hours, and Wednesday night offered to the rotation.
    pages(s, team, ana, &["2027-01-06T02:00:00Z"]).await;
    let first = sweep("2027-01-06T02:30:00Z").await;
    assert_eq!((first.earned, first.offered), (1, 1));
    // Again: nothing new.
    assert_eq!(
        sweep("2027-01-06T02:45:00Z").await,
        aftercare_app::rest::Sweep::default()
    );
    let open = s.cover_requests(rotation, true).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].starts_at, open[0].ends_at),
        (
            at("2027-01-06T22:00:00Z").as_millisecond(),
            at("2027-01-07T08:00:00Z").as_millisecond()
        )
    );
    assert!(
        open[0].note.starts_with("Rest after 2 disrupted nights"),
        "{}",
        open[0].note
    );

    // A third night: 12 hours, and Thursday night offered too.
    pages(s, team, ana, &["2027-01-07T01:00:00Z"]).await;
    let third = sweep("2027-01-07T01:30:00Z").await;
    assert_eq!((third.earned, third.offered), (0, 1));
    assert_eq!(s.cover_requests(rotation, true).await.unwrap().len(), 2);

    // Ana sees her rest; Ben and the lead see none of it.
    let (status, mine) = call(&app, "GET", &ana_t, "/api/v1/me/rest", None).await;
    assert_eq!(status, 200, "{mine}");
    let rest = &mine["rest"][0];
    assert_eq!(rest["nights"], 3, "{mine}");
    assert_eq!(rest["hours"], 12.0);
    assert_eq!(rest["late_start_day"], "2027-01-07");
    assert_eq!(rest["usual_start"], "2027-01-07T08:00:00Z");
    assert_eq!(rest["late_start"], "2027-01-07T20:00:00Z");
    assert_eq!(rest["rotation_name"], "primary");
    for t in [&ben_t, &lead_t] {
        let (_, theirs) = call(&app, "GET", t, "/api/v1/me/rest", None).await;
        assert_eq!(theirs["rest"], json!([]));
    }
    // She says she took it; nobody else can; a made-up answer names its field.
    let id = rest["id"].as_i64().unwrap();
    let path = format!("/api/v1/me/rest/{id}");
    let (status, _) = call(&app, "PUT", &ben_t, &path, Some(json!({"taken": "taken"}))).await;
    assert_eq!(status, 404);
    let (status, err) = call(&app, "PUT", &ana_t, &path, Some(json!({"taken": "maybe"}))).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "taken");
    let (status, done) = call(&app, "PUT", &ana_t, &path, Some(json!({"taken": "taken"}))).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["taken"], "taken");
    let (_, back) = call(&app, "PUT", &ana_t, &path, Some(json!({"taken": null}))).await;
    assert_eq!(back["taken"], Value::Null);
    // She was told, at a time her hours allow (the message job is hers).
    let told = s.jobs_of(ana).await.unwrap();
    assert!(told.iter().any(|j| j.kind == JobKind::Message), "{told:?}");

    // The team's policy: the default says where it comes from; members cannot change it.
    let policy = format!("/api/v1/teams/{}/rest-policy", team.0);
    let (status, p) = call(&app, "GET", &ben_t, &policy, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (p["hours_per_night"].as_f64(), p["set_by_team"].as_bool()),
        (Some(4.0), Some(false))
    );
    assert!(p["source"].as_str().unwrap().contains("team policy"), "{p}");
    let (status, _) = call(
        &app,
        "PUT",
        &ben_t,
        &policy,
        Some(json!({"hours_per_night": 2})),
    )
    .await;
    assert_eq!(status, 403);
    for bad in [
        json!({"hours_per_night": 13}),
        json!({"hours_per_night": 1.1}),
    ] {
        let (status, err) = call(&app, "PUT", &lead_t, &policy, Some(bad)).await;
        assert_eq!(status, 400, "{err}");
        assert_eq!(err["error"]["field"], "hours_per_night");
    }
    assert!(
        s.rest_policy(team).await.unwrap().is_none(),
        "nothing stored"
    );

    // Off: Ben's two bad nights next week earn nothing; back on at 2 hours, 4 hours.
    let (status, _) = call(
        &app,
        "PUT",
        &lead_t,
        &policy,
        Some(json!({"hours_per_night": 2, "enabled": false})),
    )
    .await;
    assert_eq!(status, 200);
    pages(
        s,
        team,
        ben,
        &["2027-01-12T03:00:00Z", "2027-01-13T03:00:00Z"],
    )
    .await;
    assert_eq!(sweep("2027-01-13T04:00:00Z").await.earned, 0);
    let (status, on) = call(
        &app,
        "PUT",
        &lead_t,
        &policy,
        Some(json!({"hours_per_night": 2})),
    )
    .await;
    assert_eq!(status, 200, "{on}");
    assert_eq!(on["enabled"], true);
    assert_eq!(sweep("2027-01-13T04:00:00Z").await.earned, 1);
    let (_, bens) = call(&app, "GET", &ben_t, "/api/v1/me/rest", None).await;
    assert_eq!(bens["rest"][0]["hours"], 4.0, "{bens}");
    app.stop().await;
}

async fn the_sweep_job_runs_once_per_quarter_hour_across_servers(backend: Backend) {
    use aftercare_app::channels::Delivery;
    use aftercare_app::jobs::{Runner, RunnerConfig};
    let app = spawn_app(backend).await;
    let runner = |worker: &str| {
        let mut config = RunnerConfig::new(worker);
        config.rest_sweep = true;
        Runner::new(
            app.store.clone(),
            Delivery::new("http://127.0.0.1:1"),
            config,
        )
    };
    let (one, two) = (runner("server-one"), runner("server-two"));
    let now = Timestamp::now();
    one.tick(now).await.unwrap();
    two.tick(now).await.unwrap();
    one.tick(now).await.unwrap();
    let done = app
        .store
        .count_jobs(aftercare_store::JobState::Done)
        .await
        .unwrap();
    assert_eq!(done, 1, "one sweep for the quarter hour");
    // The next quarter hour gets its own.
    let later = now + jiff::SignedDuration::from_mins(aftercare_app::rest::SWEEP_MINUTES);
    two.tick(later).await.unwrap();
    assert_eq!(
        app.store
            .count_jobs(aftercare_store::JobState::Done)
            .await
            .unwrap(),
        2
    );
    app.stop().await;
}

crate::on_both!(
    two_disrupted_nights_earn_rest_and_offer_the_next_night,
    the_sweep_job_runs_once_per_quarter_hour_across_servers,
);
