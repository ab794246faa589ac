//! Cover requests and overrides on SQLite and PostgreSQL: a request is taken once and
//! its overrides go on with it in one transaction; a withdrawn or taken request cannot
//! be taken; overrides are found by the span they overlap, oldest first; deleting a
//! rotation takes its requests and overrides with it.

use aftercare_store::*;

use super::run;

conformance!(
    a_request_is_taken_once_with_its_overrides,
    concurrent_takers_leave_one_winner,
    overrides_are_found_by_overlap_and_go_with_their_rotation,
);

async fn rotation_of_two(store: &Store) -> (RotationId, PersonId, PersonId) {
    let team = store.ensure_team("cover").await.unwrap().id;
    let mut ids = Vec::new();
    for email in ["asker@example.org", "taker@example.org"] {
        let (p, _) = store
            .upsert_person(&NewPerson {
                name: email.into(),
                email: email.into(),
                hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
            })
            .await
            .unwrap();
        store
            .set_membership(team, p.id, TeamRole::Member)
            .await
            .unwrap();
        ids.push(p.id);
    }
    let r = store
        .create_rotation(&NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "UTC".into(),
            starts_local: "2027-01-04T09:00".into(),
            shift_length: "1w".into(),
            members: ids.clone(),
        })
        .await
        .unwrap();
    (r.rotation.id, ids[0], ids[1])
}

fn request(rotation: RotationId, person: PersonId, swap: Option<SwapSpan>) -> NewCoverRequest {
    NewCoverRequest {
        rotation_id: rotation,
        person_id: person,
        starts_at: 1_000,
        ends_at: 2_000,
        note: "dentist".into(),
        swap,
        created_by: Some(person),
    }
}

fn cover_override(rotation: RotationId, person: PersonId, from: i64, to: i64) -> NewOverride {
    NewOverride {
        rotation_id: rotation,
        person_id: person,
        starts_at: from,
        ends_at: to,
        replaces: None,
        note: String::new(),
        created_by: None,
    }
}

async fn a_request_is_taken_once_with_its_overrides(store: Store) {
    let (rotation, asker, taker) = rotation_of_two(&store).await;
    let swap = SwapSpan {
        with: taker,
        starts_at: 5_000,
        ends_at: 6_000,
    };
    let made = store
        .create_cover_request(&request(rotation, asker, Some(swap)))
        .await
        .unwrap();
    assert_eq!(made.status, CoverStatus::Open);
    assert_eq!(made.swap, Some(swap));
    assert_eq!(made.note, "dentist");
    let both = [
        cover_override(rotation, taker, 1_000, 2_000),
        cover_override(rotation, asker, 5_000, 6_000),
    ];
    let put = store
        .take_cover_request(made.id, taker, Some(taker), &both)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(put.len(), 2);
    assert!(put.iter().all(|o| o.cover_request_id == Some(made.id)));
    let now = store.cover_request(made.id).await.unwrap().unwrap();
    assert_eq!(now.status, CoverStatus::Taken);
    assert_eq!(now.taken_by, Some(taker));
    assert_eq!(now.resolved_by, Some(taker));
    assert!(now.resolved_at.is_some());
    // A second take stores nothing and says why.
    let again = store
        .take_cover_request(made.id, asker, None, &both)
        .await
        .unwrap();
    assert_eq!(again, Err(TakeRefused::NotOpen(CoverStatus::Taken)));
    assert_eq!(
        store
            .rotation_overrides(rotation, 0, 10_000)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .cover_requests(rotation, true)
            .await
            .unwrap()
            .is_empty()
    );
    // Withdrawn requests cannot be taken; missing ones are told apart.
    let plain = store
        .create_cover_request(&request(rotation, asker, None))
        .await
        .unwrap();
    assert!(
        store
            .withdraw_cover_request(plain.id, Some(asker))
            .await
            .unwrap()
    );
    assert!(
        !store
            .withdraw_cover_request(plain.id, Some(asker))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .take_cover_request(plain.id, taker, None, &both[..1])
            .await
            .unwrap(),
        Err(TakeRefused::NotOpen(CoverStatus::Withdrawn))
    );
    assert_eq!(
        store
            .take_cover_request(CoverRequestId(9_999), taker, None, &both[..1])
            .await
            .unwrap(),
        Err(TakeRefused::Missing)
    );
    let all = store.cover_requests(rotation, false).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        store
            .rotation_overrides(rotation, 0, 10_000)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn concurrent_takers_leave_one_winner(store: Store) {
    let (rotation, asker, taker) = rotation_of_two(&store).await;
    let made = store
        .create_cover_request(&request(rotation, asker, None))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.take_cover_request(
                made.id,
                taker,
                None,
                &[cover_override(rotation, taker, 1_000, 2_000)],
            )
            .await
            .unwrap()
            .is_ok()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        if t.await.unwrap() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(
        store
            .rotation_overrides(rotation, 0, 10_000)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn overrides_are_found_by_overlap_and_go_with_their_rotation(store: Store) {
    let (rotation, asker, taker) = rotation_of_two(&store).await;
    let first = store
        .create_override(&cover_override(rotation, taker, 1_000, 2_000))
        .await
        .unwrap();
    let second = store
        .create_override(&cover_override(rotation, asker, 1_500, 3_000))
        .await
        .unwrap();
    let found = |from, to| {
        let s = store.clone();
        async move {
            s.rotation_overrides(rotation, from, to)
                .await
                .unwrap()
                .iter()
                .map(|o| o.id)
                .collect::<Vec<_>>()
        }
    };
    // Half-open spans: one ending at 2000 does not overlap [2000, 2500).
    assert_eq!(found(0, 1_000).await, Vec::<OverrideId>::new());
    assert_eq!(found(0, 10_000).await, vec![first.id, second.id]);
    assert_eq!(found(2_000, 2_500).await, vec![second.id]);
    assert!(store.delete_override(first.id).await.unwrap());
    assert!(!store.delete_override(first.id).await.unwrap());
    assert_eq!(found(0, 10_000).await, vec![second.id]);
    store
        .create_cover_request(&request(rotation, asker, None))
        .await
        .unwrap();
    assert!(store.delete_rotation(rotation).await.unwrap());
    assert!(store.rotation_override(second.id).await.unwrap().is_none());
    assert!(
        store
            .cover_requests(rotation, false)
            .await
            .unwrap()
            .is_empty()
    );
}
