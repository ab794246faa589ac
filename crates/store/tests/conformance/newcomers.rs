//! Newcomers and shadow shifts on SQLite and PostgreSQL: one entry per person and
//! rotation (a second is a conflict that stores nothing); a change sets the buddy and
//! readiness; shadow shifts read back through their newcomer, by rotation and by
//! person; a backwards span is refused; removing the newcomer or the rotation removes
//! their shadow shifts.

use aftercare_store::*;

use super::run;

conformance!(newcomers_and_their_shadow_shifts);

async fn person(store: &Store, name: &str) -> PersonId {
    store
        .upsert_person(&NewPerson {
            name: name.into(),
            email: format!("{}@example.org", name.to_lowercase()),
            hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
        })
        .await
        .unwrap()
        .0
        .id
}

async fn newcomers_and_their_shadow_shifts(store: Store) {
    let team = store.ensure_team("sun").await.unwrap().id;
    let (ana, ben, nia) = (
        person(&store, "Ana").await,
        person(&store, "Ben").await,
        person(&store, "Nia").await,
    );
    let rotation = store
        .create_rotation(&NewRotation {
            team_id: team,
            name: "emea".into(),
            time_zone: "Europe/London".into(),
            starts_local: "2027-01-04T08:00".into(),
            shift_length: "1w".into(),
            members: vec![ana, ben, nia],
        })
        .await
        .unwrap()
        .rotation
        .id;
    let n = store
        .add_newcomer(rotation, nia, ana, Some(ben))
        .await
        .unwrap();
    assert_eq!((n.person_id, n.buddy_id, n.ready_at), (nia, ana, None));
    let again = store.add_newcomer(rotation, nia, ben, None).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(
        store.rotation_newcomers(rotation).await.unwrap(),
        vec![n.clone()]
    );

    assert!(store.update_newcomer(n.id, ben, Some(42)).await.unwrap());
    let changed = store.newcomer(n.id).await.unwrap().unwrap();
    assert_eq!((changed.buddy_id, changed.ready_at), (ben, Some(42)));
    assert!(
        !store
            .update_newcomer(NewcomerId(n.id.0 + 99), ben, None)
            .await
            .unwrap()
    );

    let later = store
        .add_shadow_shift(n.id, 3_000, 4_000, None)
        .await
        .unwrap();
    let first = store
        .add_shadow_shift(n.id, 1_000, 2_000, Some(ben))
        .await
        .unwrap();
    // A span that ends before it starts is refused by the database itself.
    assert!(
        store
            .add_shadow_shift(n.id, 5_000, 5_000, None)
            .await
            .is_err()
    );
    let listed = store.rotation_shadow_shifts(rotation).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![first, later]
    );
    assert_eq!(
        (
            listed[0].rotation_id,
            listed[0].person_id,
            listed[0].created_by
        ),
        (rotation, nia, Some(ben))
    );
    let overlapping = store.person_shadow_shifts(nia, 1_500, 3_000).await.unwrap();
    assert_eq!(
        overlapping.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![first]
    );
    assert!(
        store
            .person_shadow_shifts(ana, 0, 10_000)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.delete_shadow_shift(first).await.unwrap());
    assert!(!store.delete_shadow_shift(first).await.unwrap());
    assert_eq!(
        store
            .shadow_shift(later)
            .await
            .unwrap()
            .map(|s| s.starts_at),
        Some(3_000)
    );

    // Removing the newcomer removes their shadow shifts; so does removing the rotation.
    assert!(store.delete_newcomer(n.id).await.unwrap());
    assert!(store.shadow_shift(later).await.unwrap().is_none());
    let n2 = store.add_newcomer(rotation, nia, ana, None).await.unwrap();
    let s2 = store
        .add_shadow_shift(n2.id, 1_000, 2_000, None)
        .await
        .unwrap();
    assert!(store.delete_rotation(rotation).await.unwrap());
    assert!(store.newcomer(n2.id).await.unwrap().is_none());
    assert!(store.shadow_shift(s2).await.unwrap().is_none());
}
