//! The organisation's burden in one pass agrees with the views it replaces, team by team
//! and person by person, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aftercare_app::Actor;
use aftercare_app::burden::{parse_period, person_burden, team_burden};
use aftercare_app::org::org_burden;
use aftercare_store::testing::TestDatabase;
use aftercare_store::{Backend, NewNotification, NewPerson, Store, TeamRole};

async fn seeded(backend: Backend) -> (TestDatabase, Store) {
    let db = TestDatabase::new(backend).await.unwrap();
    let store = db.store().await.unwrap();
    let zones = ["Europe/London", "Asia/Tokyo", "America/New_York", "UTC"];
    let payments = store.ensure_team("payments").await.unwrap();
    let search = store.ensure_team("search").await.unwrap();
    store.ensure_team("empty").await.unwrap();
    let mut ids = Vec::new();
    for i in 0..12 {
        let (p, _) = store
            .upsert_person(&NewPerson {
                name: format!("Person {i:02}"),
                email: format!("p{i:02}@example.com"),
                hours: aftercare_burden::PersonHours::with_defaults(
                    jiff::tz::TimeZone::get(zones[i % zones.len()]).unwrap(),
                ),
            })
            .await
            .unwrap();
        ids.push(p.id);
    }
    // 0..6 in payments, 4..9 in search (4 and 5 in both), 9..12 in no team.
    for &id in &ids[..6] {
        store.join_team(payments.id, id).await.unwrap();
    }
    for &id in &ids[4..9] {
        store.join_team(search.id, id).await.unwrap();
    }
    store
        .set_membership(search.id, ids[4], TeamRole::Lead)
        .await
        .unwrap();
    // Imported history (no team) for everyone, and webhook pages with a team for the two
    // people in both teams, so their two team views differ.
    let mut rows = Vec::new();
    let start = 1_767_225_600_000i64; // 2026-01-01T00:00:00Z
    for (n, &id) in ids.iter().enumerate() {
        for k in 0..(40 + n as i64 * 7) {
            let at = start + (k * 7_919 + n as i64 * 104_729) % (200 * 86_400) * 1_000;
            rows.push(NewNotification::bare(
                Some(id),
                None,
                at,
                &format!("i{n}-{k}"),
                "pd",
                "imported",
            ));
        }
    }
    for (team, id, pages) in [
        (payments.id, ids[4], 30),
        (search.id, ids[4], 12),
        (search.id, ids[5], 20),
    ] {
        for k in 0..pages {
            let at = start + k * 3 * 3_600_000 + team.0 * 60_000;
            rows.push(NewNotification::bare(
                Some(id),
                Some(team),
                at,
                &format!("w{k}"),
                "pd",
                "assigned",
            ));
        }
    }
    let mut import = store.begin_import().await.unwrap();
    import.push(&rows).await.unwrap();
    import.commit().await.unwrap();
    (db, store)
}

async fn agrees_with_the_views_it_replaces(backend: Backend) {
    let (db, store) = seeded(backend).await;
    let period = parse_period(Some("2026-01-01"), Some("2026-06-01")).unwrap();
    let right = Actor::command_line().admin().unwrap();
    let org = org_burden(&store, &right, period).await.unwrap();
    let teams = store.list_teams().await.unwrap();
    assert_eq!(org.teams.len(), teams.len());
    for (got, team) in org.teams.iter().zip(&teams) {
        let want = team_burden(&store, team, period).await.unwrap();
        assert_eq!(
            serde_json::to_value(got).unwrap(),
            serde_json::to_value(&want).unwrap(),
            "team {}",
            team.name
        );
    }
    assert_eq!(org.without_team.len(), 3);
    for p in &org.without_team {
        let person = store.person(p.person.id).await.unwrap().unwrap();
        let want = person_burden(&store, &person, period).await.unwrap();
        assert_eq!(p.burden, want, "{}", person.email);
        assert!(p.burden.interruptions.total > 0);
    }
    // The people in two teams really are seen differently by each.
    let both = |team: &str| {
        org.teams
            .iter()
            .find(|t| t.team.name == team)
            .and_then(|t| {
                t.members
                    .iter()
                    .find(|m| m.person.email == "p04@example.com")
            })
            .map(|m| m.burden.interruptions.total)
            .unwrap()
    };
    assert_ne!(both("payments"), both("search"));
    store.close().await;
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn sqlite_org_burden_agrees_with_the_views_it_replaces() {
    agrees_with_the_views_it_replaces(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_org_burden_agrees_with_the_views_it_replaces() {
    agrees_with_the_views_it_replaces(Backend::Postgres).await;
}
