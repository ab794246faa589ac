//! Schedules on SQLite and PostgreSQL: layers come back in the order stored and are
//! replaced whole; a name the team already uses stores nothing; a rotation's deletion
//! takes its layers with it; deleting a schedule leaves its rotations.

use aftercare_store::*;

use super::run;

conformance!(
    layers_keep_their_order_and_are_replaced_whole,
    a_taken_name_stores_nothing_and_rotations_outlive_schedules,
);

async fn two_rotations(store: &Store) -> (TeamId, RotationId, RotationId) {
    let team = store.ensure_team("sun").await.unwrap().id;
    let (p, _) = store
        .upsert_person(&NewPerson {
            name: "Ana".into(),
            email: "ana@example.org".into(),
            hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (name, zone) in [("americas", "America/New_York"), ("emea", "Europe/London")] {
        let r = store
            .create_rotation(&NewRotation {
                team_id: team,
                name: name.into(),
                time_zone: zone.into(),
                starts_local: "2027-01-04T08:00".into(),
                shift_length: "1w".into(),
                members: vec![p.id],
            })
            .await
            .unwrap();
        ids.push(r.rotation.id);
    }
    (team, ids[0], ids[1])
}

fn whole(tier: &str, rotation: RotationId) -> StoredLayer {
    StoredLayer {
        tier: tier.into(),
        rotation_id: rotation,
        window_start: None,
        window_end: None,
        window_zone: None,
    }
}

async fn layers_keep_their_order_and_are_replaced_whole(store: Store) {
    let (team, americas, emea) = two_rotations(&store).await;
    let day = StoredLayer {
        tier: "primary".into(),
        rotation_id: emea,
        window_start: Some("08:00".into()),
        window_end: Some("20:00".into()),
        window_zone: Some("Europe/London".into()),
    };
    let made = store
        .create_schedule(&NewSchedule {
            team_id: team,
            name: "follow the sun".into(),
            layers: vec![
                whole("primary", americas),
                day.clone(),
                whole("secondary", emea),
            ],
        })
        .await
        .unwrap();
    assert_eq!(made.schedule.name, "follow the sun");
    assert_eq!(
        made.layers,
        vec![
            whole("primary", americas),
            day.clone(),
            whole("secondary", emea)
        ]
    );
    let updated = store
        .update_schedule(
            made.schedule.id,
            &NewSchedule {
                team_id: team,
                name: "sun".into(),
                layers: vec![day.clone()],
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.schedule.name, "sun");
    assert_eq!(updated.layers, vec![day]);
    assert_eq!(store.team_schedules(team).await.unwrap(), vec![updated]);
    let missing = store
        .update_schedule(
            ScheduleId(made.schedule.id.0 + 1000),
            &NewSchedule {
                team_id: team,
                name: "x".into(),
                layers: vec![],
            },
        )
        .await
        .unwrap();
    assert!(missing.is_none());
}

async fn a_taken_name_stores_nothing_and_rotations_outlive_schedules(store: Store) {
    let (team, americas, emea) = two_rotations(&store).await;
    let first = store
        .create_schedule(&NewSchedule {
            team_id: team,
            name: "main".into(),
            layers: vec![whole("primary", americas), whole("primary", emea)],
        })
        .await
        .unwrap();
    let again = store
        .create_schedule(&NewSchedule {
            team_id: team,
            name: "main".into(),
            layers: vec![whole("primary", emea)],
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(store.team_schedules(team).await.unwrap().len(), 1);
    // Deleting a rotation takes its layers; the schedule keeps the rest.
    assert!(store.delete_rotation(emea).await.unwrap());
    let left = store.schedule(first.schedule.id).await.unwrap().unwrap();
    assert_eq!(left.layers, vec![whole("primary", americas)]);
    assert!(store.delete_schedule(first.schedule.id).await.unwrap());
    assert!(!store.delete_schedule(first.schedule.id).await.unwrap());
    assert!(store.rotation(americas).await.unwrap().is_some());
}
