//! Bulk import of page history on SQLite and on PostgreSQL: row counts, indexes dropped
//! and built again around a load into an empty table (or kept, when it is abandoned),
//! re-imports that add only what is new, and the packed reads of many people's instants.

use aftercare_store::*;

use super::run;

conformance!(
    a_load_into_an_empty_table_counts_rows_and_keeps_its_indexes,
    an_abandoned_load_keeps_the_indexes,
    re_importing_adds_only_what_is_new,
    instants_come_packed_with_their_teams,
);

fn person(name: &str, email: &str) -> NewPerson {
    NewPerson {
        name: name.into(),
        email: email.into(),
        hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
    }
}

async fn two_people(store: &Store) -> (PersonId, PersonId) {
    let (a, _) = store
        .upsert_person(&person("Alex", "a@example.com"))
        .await
        .unwrap();
    let (b, _) = store
        .upsert_person(&person("Blair", "b@example.com"))
        .await
        .unwrap();
    (a.id, b.id)
}

/// The names of `notifications`' secondary indexes, sorted.
async fn indexes(store: &Store) -> Vec<String> {
    use sqlx::Connection;
    let mut names: Vec<String> = match store.backend() {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(store.url()).await.unwrap();
            let names = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notifications' AND sql IS NOT NULL")
                .fetch_all(&mut c).await.unwrap();
            c.close().await.unwrap();
            names
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(store.url()).await.unwrap();
            let names = sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE tablename = 'notifications' AND indexname <> 'notifications_pkey'")
                .fetch_all(&mut c).await.unwrap();
            c.close().await.unwrap();
            names
        }
    };
    names.sort();
    names
}

/// Rows `0..n` of one export, spread over two people (so in no index's order), newest
/// first; row `i` is the same page in every call.
fn batch(a: PersonId, b: PersonId, n: i64, key: &str) -> ImportBatch {
    let mut batch = ImportBatch::with_capacity(n as usize);
    for i in (0..n).rev() {
        let who = if i % 3 == 0 { b } else { a };
        batch.push(
            Some(who),
            None,
            (i + 2) * 60_000,
            &format!("{key}-{i}"),
            "pagerduty",
            "imported",
        );
    }
    batch
}

async fn a_load_into_an_empty_table_counts_rows_and_keeps_its_indexes(store: Store) {
    let (a, b) = two_people(&store).await;
    let before = indexes(&store).await;
    assert!(
        before.contains(&"notifications_person_at".to_string()),
        "{before:?}"
    );
    let mut import = store.begin_import().await.unwrap();
    // Several batches, and a last chunk shorter than one statement.
    let mut spare = import.push_batch(batch(a, b, 10_000, "x")).await.unwrap();
    assert!(spare.is_empty());
    spare.push(
        Some(a),
        None,
        1,
        "tail\tkey\\with\nescapes",
        "pd",
        "imported",
    );
    import.push_batch(spare).await.unwrap();
    import.push_batch(batch(a, b, 1_234, "y")).await.unwrap();
    assert_eq!(import.rows(), 11_235);
    let done = import.commit().await.unwrap();
    assert_eq!(
        done,
        ImportedPages {
            stored: 11_235,
            already_there: 0
        }
    );
    assert_eq!(store.count_notifications().await.unwrap(), 11_235);
    assert_eq!(indexes(&store).await, before, "every index built again");
    let instants = store.notification_instants(a, 0, 120_000).await.unwrap();
    assert_eq!(instants.first(), Some(&1), "the odd row is there");
    assert!(instants.is_sorted());
    let page = store.pages_of(a, None, 0, 2).await.unwrap();
    assert_eq!(page[0].incident_key, "tail\tkey\\with\nescapes");
}

async fn an_abandoned_load_keeps_the_indexes(store: Store) {
    let (a, b) = two_people(&store).await;
    let before = indexes(&store).await;
    let mut import = store.begin_import().await.unwrap();
    import.push_batch(batch(a, b, 5_000, "x")).await.unwrap();
    drop(import);
    // The writer rolls back on its own task; give it a moment to finish.
    for _ in 0..50 {
        if indexes(&store).await == before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(indexes(&store).await, before, "the drop was rolled back");
    assert_eq!(store.count_notifications().await.unwrap(), 0);
}

async fn re_importing_adds_only_what_is_new(store: Store) {
    let (a, b) = two_people(&store).await;
    let mut import = store.begin_import().await.unwrap();
    import.push_batch(batch(a, b, 3_000, "x")).await.unwrap();
    // The file's own repeated row is the file's word: kept, into an empty table.
    let mut twice = ImportBatch::default();
    twice.push(Some(a), None, 7, "twice", "pagerduty", "imported");
    twice.push(Some(a), None, 7, "twice", "pagerduty", "imported");
    import.push_batch(twice).await.unwrap();
    assert_eq!(import.commit().await.unwrap().stored, 3_002);

    // The same file again: nothing new.
    let mut import = store.begin_import().await.unwrap();
    import.push_batch(batch(a, b, 3_000, "x")).await.unwrap();
    assert_eq!(
        import.commit().await.unwrap(),
        ImportedPages {
            stored: 0,
            already_there: 3_000
        }
    );
    assert_eq!(store.count_notifications().await.unwrap(), 3_002);

    // An overlapping export: its 500 new rows go in, and so do pages that differ from a
    // stored one (row 1: Alex, 3 minutes, x-1) only in their source, person, instant or key.
    let mut import = store.begin_import().await.unwrap();
    let mut more = batch(a, b, 3_500, "x");
    more.push(Some(a), None, 3 * 60_000, "x-1", "opsgenie", "imported");
    more.push(Some(b), None, 3 * 60_000, "x-1", "pagerduty", "imported");
    more.push(
        Some(a),
        None,
        3 * 60_000 + 1,
        "x-1",
        "pagerduty",
        "imported",
    );
    more.push(Some(a), None, 3 * 60_000, "x-1b", "pagerduty", "imported");
    // And the stored row itself, once more: already there.
    more.push(Some(a), None, 3 * 60_000, "x-1", "pagerduty", "imported");
    import.push_batch(more).await.unwrap();
    assert_eq!(
        import.commit().await.unwrap(),
        ImportedPages {
            stored: 504,
            already_there: 3_001
        }
    );
    assert_eq!(store.count_notifications().await.unwrap(), 3_002 + 504);
    // Importing that same overlap once more adds nothing at all.
    let mut import = store.begin_import().await.unwrap();
    import.push_batch(batch(a, b, 3_500, "x")).await.unwrap();
    let again = import.commit().await.unwrap();
    assert_eq!((again.stored, again.already_there), (0, 3_500));
}

async fn instants_come_packed_with_their_teams(store: Store) {
    let (a, b) = two_people(&store).await;
    let payments = store.ensure_team("payments").await.unwrap();
    let search = store.ensure_team("search").await.unwrap();
    let mut import = store.begin_import().await.unwrap();
    import
        .push(&[
            NewNotification::bare(Some(a), None, 40, "k", "pd", "imported"),
            NewNotification::bare(Some(a), Some(payments.id), 20, "k", "pd", "assigned"),
            NewNotification::bare(Some(a), Some(search.id), 30, "k", "pd", "assigned"),
            NewNotification::bare(Some(a), None, 10, "k", "pd", "imported"),
            NewNotification::bare(Some(b), None, 50, "k", "pd", "imported"),
            NewNotification::bare(Some(b), None, 500, "k", "pd", "imported"),
        ])
        .await
        .unwrap();
    import.commit().await.unwrap();
    let nobody = PersonId(a.0 + b.0 + 10);
    let got = store
        .instants_by_person(&[b, nobody, a, b], 0, 100)
        .await
        .unwrap();
    let mut want = vec![
        PersonInstants {
            person_id: a,
            at: vec![10, 20, 30, 40],
            teams: vec![None, Some(payments.id), Some(search.id), None],
        },
        PersonInstants {
            person_id: b,
            at: vec![50],
            teams: vec![],
        },
        PersonInstants::empty(nobody),
    ];
    want.sort_by_key(|p| p.person_id);
    assert_eq!(got, want, "one entry per person, in id order, [from, to)");
    assert_eq!(&*got[0].for_team(payments.id), &[10, 20, 40]);
    // The team read agrees with filtering the packed one.
    let for_payments = store
        .notification_instants_for(&[a], Some(payments.id), 0, 100)
        .await
        .unwrap();
    assert_eq!(for_payments, vec![(a, vec![10, 20, 40])]);
}
