//! What wakes people, end to end on both backends: pages with alert names come in through
//! an integration, their incidents resolve by themselves or after work, and the team's
//! lead sees the alert sources ranked by the sleep interruptions they caused, with the
//! share and how often each needed no action; a member is refused; the CSV matches.

use jiff::Timestamp;

use aftercare_store::{
    Backend, IncidentPhase, IncidentUpdate, NewDelivery, NewNotification, PersonId, Store, TeamId,
    TeamRole,
};

use crate::common::{call, person_in, spawn_app, token_of};

fn ms(s: &str) -> i64 {
    s.parse::<Timestamp>().unwrap().as_millisecond()
}

/// One delivery: a page to `person` at `at` for `alert`, and what it says of its incident.
async fn page(
    (store, integration, team): (&Store, aftercare_store::IntegrationId, TeamId),
    person: PersonId,
    at: &str,
    alert: &str,
    phase: IncidentPhase,
    key: &str,
) {
    let mut n = NewNotification::bare(
        Some(person),
        Some(team),
        ms(at),
        key,
        "pagerduty",
        "notified",
    );
    n.title = Some(alert.into());
    store
        .record_deliveries(&[NewDelivery {
            incident: Some(IncidentUpdate {
                team_id: Some(team),
                source: "pagerduty".into(),
                incident_key: key.into(),
                title: Some(alert.into()),
                severity: None,
                at: ms(at),
                phase,
            }),
            integration_id: integration,
            delivery_id: format!("{key}-{at}"),
            received_at: ms(at),
            raw: b"{}".to_vec(),
            event_json: "{}".into(),
            notifications: if matches!(phase, IncidentPhase::Open) {
                vec![n]
            } else {
                vec![]
            },
        }])
        .await
        .unwrap();
}

async fn leads_see_which_alerts_wake_their_people(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let lead = person_in(s, team, "Lena Lead", TeamRole::Lead, "Europe/London").await;
    let ana = person_in(s, team, "Ana Ahn", TeamRole::Member, "Europe/London").await;
    let integration = s
        .create_integration(&aftercare_store::NewIntegration {
            public_id: "int_wakes".into(),
            team_id: team,
            source: "pagerduty".into(),
            name: "Payments PagerDuty".into(),
            secret: "s".into(),
        })
        .await
        .unwrap()
        .id;
    use IncidentPhase::{Acknowledged, Open, Resolved};
    let via = (s, integration, team);
    // "disk full" wakes Ana twice; both resolve on their own, unacknowledged.
    page(via, ana, "2027-01-05T03:00:00Z", "disk full", Open, "d1").await;
    page(
        via,
        ana,
        "2027-01-05T03:20:00Z",
        "disk full",
        Resolved,
        "d1",
    )
    .await;
    page(via, ana, "2027-01-07T02:00:00Z", "disk full", Open, "d2").await;
    page(
        via,
        ana,
        "2027-01-07T02:10:00Z",
        "disk full",
        Resolved,
        "d2",
    )
    .await;
    // "checkout latency" wakes the lead once and takes an hour's work; and once at 19:00.
    page(
        via,
        lead,
        "2027-01-06T01:00:00Z",
        "checkout latency",
        Open,
        "l1",
    )
    .await;
    page(
        via,
        lead,
        "2027-01-06T01:02:00Z",
        "checkout latency",
        Acknowledged,
        "l1",
    )
    .await;
    page(
        via,
        lead,
        "2027-01-06T02:00:00Z",
        "checkout latency",
        Resolved,
        "l1",
    )
    .await;
    page(
        via,
        lead,
        "2027-01-06T19:00:00Z",
        "checkout latency",
        Open,
        "l2",
    )
    .await;
    // In working hours: counted, not as sleep.
    page(via, ana, "2027-01-06T11:00:00Z", "cert expiry", Open, "c1").await;

    let (lead_t, ana_t) = (token_of(s, lead).await, token_of(s, ana).await);
    let path = format!(
        "/api/v1/teams/{}/what-wakes?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z",
        team.0
    );
    let (status, _) = call(&app, "GET", &ana_t, &path, None).await;
    assert_eq!(status, 403);
    let (status, r) = call(&app, "GET", &lead_t, &path, None).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        (
            r["sleep"].as_u64(),
            r["off"].as_u64(),
            r["business"].as_u64()
        ),
        (Some(3), Some(1), Some(1)),
        "{r}"
    );
    let top = &r["sources"][0];
    assert_eq!(top["alert"], "disk full", "{r}");
    assert_eq!(top["integration"], "Payments PagerDuty");
    assert_eq!(
        (top["sleep"].as_u64(), top["no_action"].as_u64()),
        (Some(2), Some(2)),
        "{r}"
    );
    let second = &r["sources"][1];
    assert_eq!(second["alert"], "checkout latency");
    assert_eq!(
        (
            second["sleep"].as_u64(),
            second["off"].as_u64(),
            second["no_action"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{r}"
    );
    assert_eq!(
        r["headline"], "These 2 alerts caused 100% of the team's 3 sleep-hour interruptions.",
        "{r}"
    );
    assert!((top["sleep_share"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // A bad period names its field.
    let (status, err) = call(
        &app,
        "GET",
        &lead_t,
        &format!("/api/v1/teams/{}/what-wakes?from=soon", team.0),
        None,
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["field"], "from");
    // The CSV behind the page holds the same rows.
    let cookie = aftercare_app::accounts::start_session(s, lead)
        .await
        .unwrap()
        .cookie;
    let csv = app
        .client
        .get(app.url(&format!(
            "/teams/{}/what-wakes.csv?from=2027-01-01&to=2027-01-31",
            team.0
        )))
        .header("cookie", format!("aftercare_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].starts_with("Payments PagerDuty,disk full,2,0,0,2,"),
        "{csv}"
    );
    app.stop().await;
}

crate::on_both!(leads_see_which_alerts_wake_their_people);
