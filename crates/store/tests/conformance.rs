//! One conformance suite for every storage behaviour, run on SQLite and on
//! PostgreSQL (from `AFTERCARE_TEST_POSTGRES_URL`). Each story gets a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;

use aftercare_store::testing::TestDatabase;
use aftercare_store::*;

async fn run<F, Fut>(backend: Backend, story: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = TestDatabase::new(backend)
        .await
        .expect("create test database");
    let store = db.store().await.expect("connect and migrate");
    story(store.clone()).await;
    store.close().await;
    db.cleanup().await.expect("drop test database");
}

macro_rules! conformance {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $story() { super::run(aftercare_store::Backend::Sqlite, super::$story).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $story() { super::run(aftercare_store::Backend::Postgres, super::$story).await } )*
        }
    };
}

/// Bulk import of page history, run the same way.
#[path = "conformance/bulk_import.rs"]
mod bulk_import;

/// Durable jobs, pauses and the inbox, run the same way.
#[path = "conformance/jobs.rs"]
mod jobs;

/// Cover requests and overrides, run the same way.
#[path = "conformance/cover.rs"]
mod cover;

/// Schedules and their layers, run the same way.
#[path = "conformance/schedules.rs"]
mod schedules;

/// Holiday calendars and the rotations that follow them, run the same way.
#[path = "conformance/holidays.rs"]
mod holidays;

conformance!(
    people_are_upserted_by_email,
    admins_are_created_whole,
    teams_memberships_and_roles,
    identities_belong_to_one_person,
    sessions_expire_and_are_shared,
    api_tokens_are_found_by_hash,
    integrations_have_unique_public_ids,
    deliveries_are_stored_once,
    acknowledgements_claim_unattributed_pages,
    imports_are_all_or_nothing,
    instants_are_ranged_and_grouped,
    migrations_are_idempotent,
    people_imports_are_atomic,
    shifts_say_who_is_on_call,
    repeated_pages_are_stored_once,
    first_run_setup_happens_once,
    deactivation_ends_access_at_once,
    password_links_work_once,
    only_own_credentials_yield_the_owner,
    lead_proposals_wait_for_acceptance,
    linking_an_identity_reattributes_earlier_pages,
    the_same_page_from_two_writers_is_stored_once,
    failed_sign_ins_are_counted_per_key,
    lifecycle_of_teams_and_integrations,
);

fn person(name: &str, email: &str, tz: &str) -> NewPerson {
    NewPerson {
        name: name.into(),
        email: email.into(),
        hours: aftercare_burden::PersonHours::with_defaults(
            jiff::tz::TimeZone::get(tz).expect("a known zone"),
        ),
    }
}

fn note(
    person_id: Option<PersonId>,
    team_id: Option<TeamId>,
    at: i64,
    key: &str,
) -> NewNotification {
    NewNotification::bare(person_id, team_id, at, key, "pagerduty", "assigned")
}

async fn people_are_upserted_by_email(store: Store) {
    let (alex, how) = store
        .upsert_person(&person("Alex Rivera", "Alex@Example.com", "Europe/London"))
        .await
        .unwrap();
    assert_eq!(how, Upserted::Created);
    assert_eq!(
        alex.email, "alex@example.com",
        "emails are kept lower-case so lookups match"
    );
    let mut changed = person("Alex R.", "alex@example.com", "Asia/Kolkata");
    changed.hours.sleep_window = aftercare_burden::DailyWindow::parse("23:00", "08:00").unwrap();
    let (again, how) = store.upsert_person(&changed).await.unwrap();
    assert_eq!(how, Upserted::Updated);
    assert_eq!(again.id, alex.id);
    assert_eq!(again.time_zone_name(), "Asia/Kolkata");
    assert_eq!(again.hours.sleep_window.start(), "23:00");
    assert_eq!(store.count_people().await.unwrap(), 1);
    assert_eq!(
        store
            .person_by_email("ALEX@example.com")
            .await
            .unwrap()
            .unwrap()
            .name,
        "Alex R."
    );
    assert!(
        store
            .person(PersonId(alex.id.0 + 1000))
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.has_admin().await.unwrap());
}

async fn admins_are_created_whole(store: Store) {
    let admin = store
        .create_admin(&person("Sam", "sam@example.com", "UTC"), "hash", false)
        .await
        .unwrap();
    assert!(admin.is_admin);
    assert_eq!(admin.password_hash.as_deref(), Some("hash"));
    assert!(store.has_admin().await.unwrap());
    let clash = store
        .create_admin(&person("Sam 2", "SAM@example.com", "UTC"), "h2", false)
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(
        store.count_people().await.unwrap(),
        1,
        "a rejected admin stores nothing"
    );
    store.set_password_hash(admin.id, "new").await.unwrap();
    assert_eq!(
        store
            .person(admin.id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("new")
    );
    assert!(matches!(
        store
            .set_password_hash(PersonId(admin.id.0 + 99), "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn teams_memberships_and_roles(store: Store) {
    let payments = store.ensure_team("payments").await.unwrap();
    assert_eq!(
        store.ensure_team(" payments ").await.unwrap().id,
        payments.id,
        "ensure_team is idempotent"
    );
    let search = store.ensure_team("search").await.unwrap();
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let (b, _) = store
        .upsert_person(&person("Blair", "b@example.com", "UTC"))
        .await
        .unwrap();
    store
        .set_membership(payments.id, a.id, TeamRole::Lead)
        .await
        .unwrap();
    store.join_team(payments.id, a.id).await.unwrap();
    store.join_team(payments.id, b.id).await.unwrap();
    store.join_team(search.id, b.id).await.unwrap();
    let members = store.team_members(payments.id).await.unwrap();
    let roles: Vec<_> = members
        .iter()
        .map(|m| (m.person.name.as_str(), m.role))
        .collect();
    assert_eq!(
        roles,
        vec![("Alex", TeamRole::Lead), ("Blair", TeamRole::Member)],
        "joining never demotes a lead"
    );
    let teams: Vec<_> = store
        .memberships(b.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.team.name)
        .collect();
    assert_eq!(teams, vec!["payments", "search"]);
    let names: Vec<_> = store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, vec!["payments", "search"]);
    assert_eq!(
        store.team_by_name("search").await.unwrap().unwrap().id,
        search.id
    );
}

async fn identities_belong_to_one_person(store: Store) {
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let (b, _) = store
        .upsert_person(&person("Blair", "b@example.com", "UTC"))
        .await
        .unwrap();
    store
        .link_identity(a.id, "pagerduty", "PXYZ123", false)
        .await
        .unwrap();
    assert_eq!(
        store
            .person_by_identity("pagerduty", "PXYZ123")
            .await
            .unwrap(),
        Some(a.id)
    );
    assert_eq!(
        store
            .person_by_identity("opsgenie", "PXYZ123")
            .await
            .unwrap(),
        None
    );
    // Someone else's identity is not taken silently: only an admin moves it.
    assert!(matches!(
        store
            .link_identity(b.id, "pagerduty", "PXYZ123", false)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .person_by_identity("pagerduty", "PXYZ123")
            .await
            .unwrap(),
        Some(a.id)
    );
    store
        .link_identity(b.id, "pagerduty", "PXYZ123", true)
        .await
        .unwrap();
    assert_eq!(
        store
            .person_by_identity("pagerduty", "PXYZ123")
            .await
            .unwrap(),
        Some(b.id)
    );
    assert!(store.identities(a.id).await.unwrap().is_empty());
    assert_eq!(store.identities(b.id).await.unwrap().len(), 1);
}

async fn sessions_expire_and_are_shared(store: Store) {
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let s = Session {
        id_hash: "h1".into(),
        person_id: a.id,
        csrf_token: "c".into(),
        created_at: 1_000,
        expires_at: 2_000,
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(store.session("h1", 1_500).await.unwrap(), Some(s.clone()));
    assert_eq!(
        store.session("h1", 2_000).await.unwrap(),
        None,
        "a session is dead at its expiry instant"
    );
    assert_eq!(store.delete_expired_sessions(2_500).await.unwrap(), 1);
    store.create_session(&s).await.unwrap();
    store.delete_session("h1").await.unwrap();
    assert_eq!(store.session("h1", 1_500).await.unwrap(), None);
}

async fn api_tokens_are_found_by_hash(store: Store) {
    let id = store
        .create_api_token("tokhash", None, true, "cli", false)
        .await
        .unwrap();
    let token = store.api_token("tokhash").await.unwrap().unwrap();
    assert_eq!(token.id, id);
    assert!(token.is_admin);
    assert_eq!(token.person_id, None);
    assert!(store.api_token("other").await.unwrap().is_none());
    assert!(matches!(
        store
            .create_api_token("tokhash", None, false, "x", false)
            .await,
        Err(StoreError::Conflict(_))
    ));
}

async fn integrations_have_unique_public_ids(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let new = NewIntegration {
        public_id: "int_abc".into(),
        team_id: team.id,
        source: "pagerduty".into(),
        name: "PD".into(),
        secret: "s".into(),
    };
    let made = store.create_integration(&new).await.unwrap();
    assert_eq!(made.public_id, "int_abc");
    assert_eq!(
        store.integration("int_abc").await.unwrap(),
        Some(made.clone())
    );
    assert!(matches!(
        store.create_integration(&new).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.list_integrations(Some(team.id)).await.unwrap(),
        vec![made.clone()]
    );
    assert_eq!(
        store
            .list_integrations(Some(TeamId(team.id.0 + 1)))
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(store.list_integrations(None).await.unwrap(), vec![made]);
}

async fn deliveries_are_stored_once(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let integration = store
        .create_integration(&NewIntegration {
            public_id: "i1".into(),
            team_id: team.id,
            source: "pagerduty".into(),
            name: "PD".into(),
            secret: "s".into(),
        })
        .await
        .unwrap();
    let delivery = |id: &str| NewDelivery {
        incident: None,
        integration_id: integration.id,
        delivery_id: id.into(),
        received_at: 5,
        raw: b"{\"raw\":true}".to_vec(),
        event_json: "{}".into(),
        notifications: vec![
            note(Some(a.id), Some(team.id), 1_000, "inc-1"),
            note(None, Some(team.id), 1_000, "inc-1"),
        ],
    };
    let first = store
        .record_deliveries(&[delivery("d1"), delivery("d1"), delivery("d2")])
        .await
        .unwrap();
    // d2 repeats d1's pages (same person, incident and instant): they are not counted twice.
    assert!(matches!(
        first[0],
        DeliveryOutcome::Stored {
            notifications: 2,
            ..
        }
    ));
    assert_eq!(
        first[1],
        DeliveryOutcome::Duplicate,
        "a replay inside one group is caught too"
    );
    assert!(matches!(first[2], DeliveryOutcome::Stored { .. }));
    let again = store.record_deliveries(&[delivery("d1")]).await.unwrap();
    assert_eq!(again, vec![DeliveryOutcome::Duplicate]);
    assert_eq!(store.count_deliveries().await.unwrap(), 2);
    assert_eq!(
        store.count_notifications().await.unwrap(),
        2,
        "a replay stores no notifications"
    );
    assert_eq!(
        store.unattributed(team.id, 0, 10_000).await.unwrap().len(),
        1
    );
    assert_eq!(
        store.count_unattributed(team.id, 0, 10_000).await.unwrap(),
        1
    );
}

async fn acknowledgements_claim_unattributed_pages(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let integration = store
        .create_integration(&NewIntegration {
            public_id: "og".into(),
            team_id: team.id,
            source: "opsgenie".into(),
            name: "OG".into(),
            secret: "s".into(),
        })
        .await
        .unwrap();
    let mut create = note(None, Some(team.id), 1_000, "alert-1");
    create.source = "opsgenie".into();
    create.basis = "unattributed".into();
    let mut ack = note(Some(a.id), Some(team.id), 1_000, "alert-1");
    ack.source = "opsgenie".into();
    ack.basis = "acknowledged".into();
    ack.claims_unattributed = true;
    let d = |id: &str, n: NewNotification| NewDelivery {
        incident: None,
        integration_id: integration.id,
        delivery_id: id.into(),
        received_at: 0,
        raw: vec![],
        event_json: "{}".into(),
        notifications: vec![n],
    };
    store
        .record_deliveries(&[d("create", create)])
        .await
        .unwrap();
    store
        .record_deliveries(&[d("ack", ack.clone())])
        .await
        .unwrap();
    assert_eq!(
        store.count_notifications().await.unwrap(),
        1,
        "the acknowledgement claimed the page instead of adding one"
    );
    assert_eq!(
        store.notification_instants(a.id, 0, 2_000).await.unwrap(),
        vec![1_000]
    );
    assert!(
        store
            .unattributed(team.id, 0, 2_000)
            .await
            .unwrap()
            .is_empty()
    );
    // A page the schedule attributed is claimed by its acknowledger too: who acked
    // is better evidence than who was rostered.
    let (b, _) = store
        .upsert_person(&person("Blair", "b@example.com", "UTC"))
        .await
        .unwrap();
    let mut rostered = note(Some(b.id), Some(team.id), 5_000, "alert-3");
    rostered.source = "opsgenie".into();
    rostered.basis = "on_call".into();
    let mut acked = note(Some(a.id), Some(team.id), 5_000, "alert-3");
    acked.source = "opsgenie".into();
    acked.basis = "acknowledged".into();
    acked.claims_unattributed = true;
    store
        .record_deliveries(&[d("rostered", rostered)])
        .await
        .unwrap();
    store.record_deliveries(&[d("acked", acked)]).await.unwrap();
    assert_eq!(
        store
            .notification_instants(a.id, 4_000, 6_000)
            .await
            .unwrap(),
        vec![5_000]
    );
    assert!(
        store
            .notification_instants(b.id, 4_000, 6_000)
            .await
            .unwrap()
            .is_empty()
    );
    // With nothing left to claim, an acknowledgement is a page of its own.
    let mut later = ack;
    later.incident_key = "alert-2".into();
    store.record_deliveries(&[d("ack2", later)]).await.unwrap();
    assert_eq!(
        store.count_notifications().await.unwrap(),
        3,
        "the rostered page was claimed, the later ack added one"
    );
}

async fn imports_are_all_or_nothing(store: Store) {
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let rows: Vec<_> = (0..2_500)
        .map(|i| note(Some(a.id), None, i * 1_000, "k"))
        .collect();
    let mut import = store.begin_import().await.unwrap();
    import.push(&rows).await.unwrap();
    assert_eq!(import.rows(), 2_500);
    drop(import);
    assert_eq!(
        store.count_notifications().await.unwrap(),
        0,
        "an import dropped before commit leaves nothing"
    );
    let mut import = store.begin_import().await.unwrap();
    import.push(&rows[..1_200]).await.unwrap();
    import.push(&rows[1_200..]).await.unwrap();
    assert_eq!(import.commit().await.unwrap().stored, 2_500);
    assert_eq!(store.count_notifications().await.unwrap(), 2_500);
}

async fn instants_are_ranged_and_grouped(store: Store) {
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let (b, _) = store
        .upsert_person(&person("Blair", "b@example.com", "UTC"))
        .await
        .unwrap();
    let mut import = store.begin_import().await.unwrap();
    import
        .push(&[
            note(Some(b.id), None, 30, "x"),
            note(Some(a.id), None, 20, "x"),
            note(Some(a.id), None, 10, "x"),
            note(Some(a.id), None, 40, "x"),
        ])
        .await
        .unwrap();
    import.commit().await.unwrap();
    assert_eq!(
        store.notification_instants(a.id, 10, 40).await.unwrap(),
        vec![10, 20],
        "[from, to) is half-open"
    );
    let grouped = store
        .notification_instants_for(&[b.id, a.id, PersonId(a.id.0 + b.id.0 + 1)], None, 0, 100)
        .await
        .unwrap();
    let mut expected = vec![
        (a.id, vec![10, 20, 40]),
        (b.id, vec![30]),
        (PersonId(a.id.0 + b.id.0 + 1), vec![]),
    ];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(grouped, expected);
}

async fn migrations_are_idempotent(store: Store) {
    // `run` connected (and migrated) once already; the suite's own reconnect test
    // below checks a second migration run keeps the data.
    store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    store.ping().await.unwrap();
    assert_eq!(store.count_people().await.unwrap(), 1);
}

async fn people_imports_are_atomic(store: Store) {
    let row = |p: NewPerson, team: Option<&str>, ids: &[(&str, &str)]| ImportPerson {
        person: p,
        team: team.map(str::to_string),
        identities: ids
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let rows = vec![
        row(
            person("Alex", "a@example.com", "UTC"),
            Some("payments"),
            &[("pagerduty", "PABC123")],
        ),
        row(
            person("Blair", "b@example.com", "Asia/Kolkata"),
            Some("search"),
            &[],
        ),
        row(
            person("Casey", "c@example.com", "UTC"),
            None,
            &[("opsgenie", "casey@example.com")],
        ),
    ];
    let done = store.import_people(&rows).await.unwrap();
    assert_eq!(
        done,
        ImportedPeople {
            created: 3,
            updated: 0
        }
    );
    let again = store.import_people(&rows[..2]).await.unwrap();
    assert_eq!(
        again,
        ImportedPeople {
            created: 0,
            updated: 2
        },
        "re-importing updates by email"
    );
    let payments = store.team_by_name("payments").await.unwrap().unwrap();
    assert_eq!(store.team_members(payments.id).await.unwrap().len(), 1);
    assert_eq!(store.person_ids_by_email().await.unwrap().len(), 3);
    let alex = store
        .person_by_email("a@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .person_by_identity("pagerduty", "PABC123")
            .await
            .unwrap(),
        Some(alex.id)
    );
    let casey = store
        .person_by_email("c@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .person_by_identity("opsgenie", "casey@example.com")
            .await
            .unwrap(),
        Some(casey.id)
    );
    let mut renamed = person("Alexandra", "a@example.com", "Pacific/Auckland");
    renamed.hours.sleep_window = aftercare_burden::DailyWindow::parse("22:00", "07:00").unwrap();
    let updated = store.update_person(alex.id, &renamed).await.unwrap();
    assert_eq!(
        (
            updated.name.as_str(),
            updated.time_zone_name(),
            updated.hours.sleep_window.end().as_str()
        ),
        ("Alexandra", "Pacific/Auckland", "07:00")
    );
    assert!(matches!(
        store
            .update_person(PersonId(alex.id.0 + 100), &renamed)
            .await,
        Err(StoreError::NotFound(_))
    ));
    // A later file adds people to an existing team without touching its members.
    let later = vec![row(
        person("Dana", "d@example.com", "UTC"),
        Some("payments"),
        &[],
    )];
    assert_eq!(
        store.import_people(&later).await.unwrap(),
        ImportedPeople {
            created: 1,
            updated: 0
        }
    );
    assert_eq!(store.team_members(payments.id).await.unwrap().len(), 2);
}
async fn repeated_pages_are_stored_once(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let integration = store
        .create_integration(&NewIntegration {
            public_id: "inc".into(),
            team_id: team.id,
            source: "incident-io".into(),
            name: "io".into(),
            secret: "s".into(),
        })
        .await
        .unwrap();
    let d = |id: &str, ats: &[i64]| NewDelivery {
        incident: None,
        integration_id: integration.id,
        delivery_id: id.into(),
        received_at: 0,
        raw: vec![],
        event_json: "{}".into(),
        notifications: ats
            .iter()
            .map(|&at| note(Some(a.id), Some(team.id), at, "esc-1"))
            .collect(),
    };
    store.record_deliveries(&[d("e1", &[1_000])]).await.unwrap();
    let second = store
        .record_deliveries(&[d("e2", &[1_000, 61_000])])
        .await
        .unwrap();
    assert!(
        matches!(
            second[0],
            DeliveryOutcome::Stored {
                notifications: 1,
                ..
            }
        ),
        "{second:?}"
    );
    assert_eq!(
        store.notification_instants(a.id, 0, 100_000).await.unwrap(),
        vec![1_000, 61_000],
        "the history repeated in the second delivery is not a new page"
    );
}

/// Reconnecting runs the migrator again: it must find nothing to do and keep the data.
async fn reconnect_keeps_data(backend: Backend) {
    let db = TestDatabase::new(backend).await.unwrap();
    let first = db.store().await.unwrap();
    first
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    first.close().await;
    let second = db.store().await.unwrap();
    assert_eq!(second.count_people().await.unwrap(), 1);
    assert_eq!(second.backend(), backend);
    second.close().await;
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn sqlite_reconnect_keeps_data() {
    reconnect_keeps_data(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_reconnect_keeps_data() {
    reconnect_keeps_data(Backend::Postgres).await;
}

#[tokio::test]
async fn unsupported_urls_are_named() {
    let err = Store::connect("mysql://root@localhost/x")
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("mysql://root@localhost/x"),
        "{err}"
    );
}

async fn shifts_say_who_is_on_call(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let other_team = store.ensure_team("search").await.unwrap();
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com", "UTC"))
        .await
        .unwrap();
    let (b, _) = store
        .upsert_person(&person("Blair", "b@example.com", "UTC"))
        .await
        .unwrap();
    let week = |p: PersonId, s: i64, e: i64| NewShift {
        person_id: p,
        starts_at: s,
        ends_at: e,
    };
    // Alex 0..100, Blair overrides 40..60 inside it, Blair 100..200.
    let n = store
        .replace_shifts(
            team.id,
            "ical:primary",
            &[week(a.id, 0, 100), week(b.id, 40, 60), week(b.id, 100, 200)],
        )
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert_eq!(store.on_call(team.id, 10).await.unwrap(), Some(a.id));
    assert_eq!(
        store.on_call(team.id, 50).await.unwrap(),
        Some(b.id),
        "an override wins inside its span"
    );
    assert_eq!(
        store.on_call(team.id, 100).await.unwrap(),
        Some(b.id),
        "shifts are [start, end)"
    );
    assert_eq!(store.on_call(team.id, 200).await.unwrap(), None);
    assert_eq!(store.on_call(other_team.id, 10).await.unwrap(), None);
    // Re-importing a window replaces the shifts it overlaps and keeps the rest.
    store
        .replace_shifts(team.id, "ical:primary", &[week(a.id, 100, 200)])
        .await
        .unwrap();
    assert_eq!(store.on_call(team.id, 150).await.unwrap(), Some(a.id));
    assert_eq!(
        store.on_call(team.id, 10).await.unwrap(),
        Some(a.id),
        "shifts outside the new window are kept"
    );
    let all = store.shifts(team.id, 0, 1_000).await.unwrap();
    assert_eq!(
        all.iter()
            .map(|s| (s.person_id, s.starts_at))
            .collect::<Vec<_>>(),
        vec![(a.id, 0), (b.id, 40), (a.id, 100)]
    );
    assert_eq!(
        store
            .replace_shifts(team.id, "ical:primary", &[])
            .await
            .unwrap(),
        0
    );
}

async fn first_run_setup_happens_once(store: Store) {
    // Ten setups at once on an empty database: exactly one admin.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_admin(
                    &person(
                        &format!("Admin {i}"),
                        &format!("admin{i}@example.com"),
                        "UTC",
                    ),
                    "hash",
                    true,
                )
                .await
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => made += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(made, 1);
    assert_eq!(store.count_people().await.unwrap(), 1);
}

async fn deactivation_ends_access_at_once(store: Store) {
    let (p, _) = store
        .upsert_person(&person("Dana", "dana@example.com", "UTC"))
        .await
        .unwrap();
    let s = Session {
        id_hash: "sess".into(),
        person_id: p.id,
        csrf_token: "c".into(),
        created_at: 0,
        expires_at: i64::MAX,
    };
    store.create_session(&s).await.unwrap();
    store
        .create_api_token("tok", Some(p.id), false, "t", true)
        .await
        .unwrap();
    assert!(
        store
            .authenticate_session("sess", 1)
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.authenticate_token("tok").await.unwrap().is_some());
    store.deactivate_person(p.id).await.unwrap();
    assert!(
        store
            .authenticate_session("sess", 1)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.authenticate_token("tok").await.unwrap().is_none());
    let after = store.person(p.id).await.unwrap().unwrap();
    assert!(!after.is_active());
    store.reactivate_person(p.id).await.unwrap();
    assert!(store.person(p.id).await.unwrap().unwrap().is_active());
    // The old credentials stay gone after reactivation.
    assert!(
        store
            .authenticate_session("sess", 1)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store.deactivate_person(PersonId(p.id.0 + 1000)).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn password_links_work_once(store: Store) {
    let (p, _) = store
        .upsert_person(&person("Eli", "eli@example.com", "UTC"))
        .await
        .unwrap();
    store
        .create_password_token("link1", p.id, PasswordPurpose::Invite, None, 10_000)
        .await
        .unwrap();
    let link = store.password_link("link1", 5_000).await.unwrap().unwrap();
    assert_eq!(link.person.id, p.id);
    assert_eq!(link.purpose, PasswordPurpose::Invite);
    // Expired links do nothing.
    assert!(
        store
            .password_link("link1", 10_000)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .use_password_token("link1", 20_000, "h")
            .await
            .unwrap(),
        None
    );
    // A newer link replaces the older one.
    store
        .create_password_token("link2", p.id, PasswordPurpose::Invite, None, 10_000)
        .await
        .unwrap();
    store
        .create_password_token("link3", p.id, PasswordPurpose::Invite, None, 10_000)
        .await
        .unwrap();
    assert!(store.password_link("link2", 1).await.unwrap().is_none());
    // Two uses at once: one wins.
    let (a, b) = tokio::join!(
        store.use_password_token("link3", 1, "hash-a"),
        store.use_password_token("link3", 1, "hash-b")
    );
    let winners = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|r| r.is_some())
        .count();
    assert_eq!(winners, 1);
    let hash = store.person(p.id).await.unwrap().unwrap().password_hash;
    assert!(matches!(hash.as_deref(), Some("hash-a") | Some("hash-b")));
    assert!(store.password_link("link3", 1).await.unwrap().is_none());
}

async fn only_own_credentials_yield_the_owner(store: Store) {
    let (p, _) = store
        .upsert_person(&person("Fern", "fern@example.com", "UTC"))
        .await
        .unwrap();
    store
        .create_session(&Session {
            id_hash: "s".into(),
            person_id: p.id,
            csrf_token: "c".into(),
            created_at: 0,
            expires_at: i64::MAX,
        })
        .await
        .unwrap();
    store
        .create_api_token("own", Some(p.id), false, "mine", true)
        .await
        .unwrap();
    store
        .create_api_token("minted", Some(p.id), true, "by operator", false)
        .await
        .unwrap();
    store
        .create_api_token("admin", None, true, "admin", false)
        .await
        .unwrap();
    let owner = |a: Option<Authenticated>| a.and_then(|a| a.owner()).map(|o| o.person_id());
    assert_eq!(
        owner(store.authenticate_session("s", 1).await.unwrap()),
        Some(p.id)
    );
    assert_eq!(
        owner(store.authenticate_token("own").await.unwrap()),
        Some(p.id)
    );
    assert_eq!(
        owner(store.authenticate_token("minted").await.unwrap()),
        None
    );
    assert_eq!(
        owner(store.authenticate_token("admin").await.unwrap()),
        None
    );
    let mine = store
        .authenticate_token("own")
        .await
        .unwrap()
        .unwrap()
        .owner()
        .unwrap();
    assert_eq!(store.tokens_of(mine).await.unwrap().len(), 2);
}

async fn lead_proposals_wait_for_acceptance(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let (p, _) = store
        .upsert_person(&person("Gus", "gus@example.com", "UTC"))
        .await
        .unwrap();
    assert!(
        store
            .propose_membership(team.id, p.id, TeamRole::Member, None)
            .await
            .unwrap()
    );
    assert!(store.team_members(team.id).await.unwrap().is_empty());
    assert!(store.memberships(p.id).await.unwrap().is_empty());
    assert_eq!(store.pending_memberships(p.id).await.unwrap().len(), 1);
    assert!(store.accept_membership(team.id, p.id).await.unwrap());
    assert_eq!(store.team_members(team.id).await.unwrap().len(), 1);
    assert!(store.pending_memberships(p.id).await.unwrap().is_empty());
    // A proposal does not touch an existing membership.
    assert!(
        !store
            .propose_membership(team.id, p.id, TeamRole::Lead, None)
            .await
            .unwrap()
    );
    assert!(store.remove_membership(team.id, p.id).await.unwrap());
    assert!(!store.remove_membership(team.id, p.id).await.unwrap());
}

fn named_page(team: TeamId, at: i64, id: &str) -> NewNotification {
    NewNotification {
        named: Some(Named {
            kind: "pagerduty".into(),
            external_id: Some(id.into()),
            email: None,
            name: Some("Somebody".into()),
        }),
        title: Some("Checkout latency".into()),
        ..NewNotification::bare(None, Some(team), at, "inc-1", "pagerduty", "unattributed")
    }
}

async fn linking_an_identity_reattributes_earlier_pages(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let (p, _) = store
        .upsert_person(&person("Hana", "hana@example.com", "UTC"))
        .await
        .unwrap();
    let integration = store
        .create_integration(&NewIntegration {
            public_id: "int_x".into(),
            team_id: team.id,
            source: "pagerduty".into(),
            name: "x".into(),
            secret: "s".repeat(16),
        })
        .await
        .unwrap();
    let delivery = NewDelivery {
        incident: None,
        integration_id: integration.id,
        delivery_id: "d".into(),
        received_at: 0,
        raw: b"{}".to_vec(),
        event_json: "{}".into(),
        notifications: vec![
            named_page(team.id, 1_000, "PHANA"),
            named_page(team.id, 2_000, "PHANA"),
            named_page(team.id, 2_000, "POTHER"),
        ],
    };
    store.record_deliveries(&[delivery]).await.unwrap();
    let listed = store.unattributed(team.id, 0, 10_000).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].title.as_deref(), Some("Checkout latency"));
    let linked = store
        .link_identity(p.id, "pagerduty", "PHANA", false)
        .await
        .unwrap();
    assert_eq!(linked.reattributed, 2);
    assert_eq!(
        store.notification_instants(p.id, 0, 10_000).await.unwrap(),
        vec![1_000, 2_000]
    );
    assert_eq!(
        store.count_unattributed(team.id, 0, 10_000).await.unwrap(),
        1
    );
    let last = store
        .integration("int_x")
        .await
        .unwrap()
        .unwrap()
        .last_delivery_at;
    assert!(last.is_some());
}

async fn the_same_page_from_two_writers_is_stored_once(store: Store) {
    let team = store.ensure_team("payments").await.unwrap();
    let (p, _) = store
        .upsert_person(&person("Ivo", "ivo@example.com", "UTC"))
        .await
        .unwrap();
    let integration = store
        .create_integration(&NewIntegration {
            public_id: "int_y".into(),
            team_id: team.id,
            source: "pagerduty".into(),
            name: "y".into(),
            secret: "s".repeat(16),
        })
        .await
        .unwrap();
    // Two processes get the same page in different deliveries at the same time:
    // each has its own connection, so only the unique key can keep it once.
    let other = Store::connect(&store_url(&store).await).await.unwrap();
    let d = |id: &str| NewDelivery {
        incident: None,
        integration_id: integration.id,
        delivery_id: id.into(),
        received_at: 0,
        raw: b"{}".to_vec(),
        event_json: "{}".into(),
        notifications: vec![note(Some(p.id), Some(team.id), 5_000, "inc-2")],
    };
    let (one, two) = ([d("one")], [d("two")]);
    let (a, b) = tokio::join!(store.record_deliveries(&one), other.record_deliveries(&two));
    a.unwrap();
    b.unwrap();
    assert_eq!(store.count_deliveries().await.unwrap(), 2);
    assert_eq!(store.count_notifications().await.unwrap(), 1);
    other.close().await;
}

/// The URL of the database behind a store, for opening a second pool on it.
async fn store_url(store: &Store) -> String {
    store.url().to_string()
}

async fn failed_sign_ins_are_counted_per_key(store: Store) {
    store
        .record_login_failure(&["account:a", "address:1"], 1_000)
        .await
        .unwrap();
    store
        .record_login_failure(&["account:a", "address:2"], 2_000)
        .await
        .unwrap();
    assert_eq!(store.login_failures("account:a", 0).await.unwrap(), 2);
    assert_eq!(store.login_failures("account:a", 1_500).await.unwrap(), 1);
    assert_eq!(store.login_failures("address:1", 0).await.unwrap(), 1);
    store.clear_login_failures("account:a").await.unwrap();
    assert_eq!(store.login_failures("account:a", 0).await.unwrap(), 0);
    assert_eq!(store.login_failures("address:2", 0).await.unwrap(), 1);
}

async fn lifecycle_of_teams_and_integrations(store: Store) {
    let team = store.create_team("payments").await.unwrap();
    assert!(matches!(
        store.create_team("payments").await,
        Err(StoreError::Conflict(_))
    ));
    let other = store.create_team("search").await.unwrap();
    assert!(matches!(
        store.rename_team(other.id, "payments").await,
        Err(StoreError::Conflict(_))
    ));
    let renamed = store.rename_team(team.id, "checkout").await.unwrap();
    assert_eq!(renamed.name, "checkout");
    let made = store
        .create_integration(&NewIntegration {
            public_id: "int_z".into(),
            team_id: team.id,
            source: "opsgenie".into(),
            name: "z".into(),
            secret: "s".repeat(16),
        })
        .await
        .unwrap();
    assert!(made.enabled);
    let changed = store
        .update_integration(
            "int_z",
            Some("renamed"),
            Some("t".repeat(20).as_str()),
            Some(false),
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "renamed");
    assert_eq!(changed.secret, "t".repeat(20));
    assert!(!changed.enabled);
    store
        .record_integration_error(made.id, "bad signature")
        .await
        .unwrap();
    let errored = store.integration("int_z").await.unwrap().unwrap();
    assert_eq!(errored.last_error.as_deref(), Some("bad signature"));
    store.delete_integration("int_z").await.unwrap();
    assert!(store.integration("int_z").await.unwrap().is_none());
    store.delete_team(team.id).await.unwrap();
    assert!(store.team(team.id).await.unwrap().is_none());
    let entry = NewAuditEntry {
        actor_id: None,
        actor: "command line".into(),
        action: "team.delete".into(),
        team_id: Some(other.id),
        subject: "checkout".into(),
        detail: String::new(),
    };
    store.audit(&entry).await.unwrap();
    let log = store.audit_log(Some(other.id), 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "team.delete");
}

/// Newcomers to a rotation's on call and their shadow shifts, run the same way.
#[path = "conformance/newcomers.rs"]
mod newcomers;
