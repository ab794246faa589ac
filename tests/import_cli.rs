//! `aftercare import` of larger and odder files, on SQLite and PostgreSQL: the column
//! names of the forms and the older ones, a field over the 64 KiB cap refused with its
//! line and column and nothing stored, and re-imports that add only what is new.

use aftercare_store::Backend;

use crate::cli::{aftercare, csv_file, database, text};

crate::on_both!(
    people_columns_read_alike_in_the_new_and_the_old_names,
    a_field_over_the_cap_is_refused_and_nothing_is_stored,
    pages_imported_again_are_not_doubled,
);

async fn people_columns_read_alike_in_the_new_and_the_old_names(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let new = csv_file(
        &dir,
        "new.csv",
        "name,email,time_zone,team,working_days,working_start,working_end,sleep_start,sleep_end\n\
         Noa Levi,noa@example.com,Asia/Jerusalem,payments,sun-thu,09:00,17:00,23:00,07:00\n",
    );
    let old = csv_file(
        &dir,
        "old.csv",
        "Name,Email,TimeZone,Team,Business_Days,business_start,business_end,sleep_start,sleep_end\n\
         Sam Okafor,sam@example.com,Asia/Jerusalem,payments,sun-thu,09:00,17:00,23:00,07:00\n",
    );
    for file in [&new, &old] {
        let out = aftercare(&db.url, &["import", "people", file]);
        assert!(out.status.success(), "{file}: {:?}", text(&out));
    }
    let store = db.store().await.unwrap();
    let noa = store.person_by_email("noa@example.com").await.unwrap();
    let sam = store.person_by_email("sam@example.com").await.unwrap();
    let (noa, sam) = (noa.unwrap(), sam.unwrap());
    assert_eq!(noa.hours, sam.hours, "the same settings, whichever names");
    let noa = aftercare_app::people::PersonSettings::from(&noa);
    assert_eq!(
        (noa.working_days.as_str(), noa.working_end.as_str()),
        ("mon,tue,wed,thu,sun", "17:00")
    );
    // A bad value is named as the file spells its column.
    let bad = csv_file(
        &dir,
        "bad.csv",
        "name,email,timezone,team\nKim,kim@example.com,Mars/Olympus,search\n",
    );
    let (_, err) = text(&aftercare(&db.url, &["import", "people", &bad]));
    assert!(err.contains("line 2: timezone"), "{err}");
    // Both spellings of one column are refused: which would count is a guess.
    let both = csv_file(
        &dir,
        "both.csv",
        "name,email,time_zone,timezone,team\nKim,kim@example.com,UTC,UTC,search\n",
    );
    let (_, err) = text(&aftercare(&db.url, &["import", "people", &both]));
    assert!(err.contains("keep one"), "{err}");
    assert_eq!(store.count_people().await.unwrap(), 2);
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn a_field_over_the_cap_is_refused_and_nothing_is_stored(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = csv_file(
        &dir,
        "people.csv",
        "name,email,time_zone,team\nAlex,alex@example.com,UTC,payments\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    // 2 MiB of incident key on line 3, after a good row.
    let pages = csv_file(
        &dir,
        "pages.csv",
        &format!(
            "email,at,incident_key,source\n\
             alex@example.com,2026-03-04T23:30:00Z,inc-1,pagerduty\n\
             alex@example.com,2026-03-05T02:00:00Z,{},pagerduty\n\
             alex@example.com,2026-03-05T03:00:00Z,inc-3,pagerduty\n",
            "k".repeat(2 << 20)
        ),
    );
    let out = aftercare(&db.url, &["import", "pages", &pages]);
    let (_, err) = text(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("line 3, column 3 (incident_key): a field longer than 65536 bytes"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    let store = db.store().await.unwrap();
    assert_eq!(store.count_notifications().await.unwrap(), 0);
    // The same for a people file, in a name.
    let long = csv_file(
        &dir,
        "long.csv",
        &format!(
            "name,email,time_zone,team\n{},sam@example.com,UTC,payments\n",
            "n".repeat(70_000)
        ),
    );
    let (_, err) = text(&aftercare(&db.url, &["import", "people", &long]));
    assert!(err.contains("line 2, column 1 (name)"), "{err}");
    assert_eq!(store.count_people().await.unwrap(), 1);
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn pages_imported_again_are_not_doubled(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = csv_file(
        &dir,
        "people.csv",
        "name,email,time_zone,team\nAlex,alex@example.com,UTC,payments\nSam,sam@example.com,UTC,payments\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    let mut body = String::from("email,at,incident_key,source\n");
    for i in 0..2_500 {
        let who = if i % 2 == 0 { "alex" } else { "sam" };
        body.push_str(&format!(
            "{who}@example.com,2026-03-{:02}T{:02}:{:02}:00Z,inc-{i},pagerduty\n",
            1 + i / 100,
            (i / 60) % 24,
            i % 60
        ));
    }
    let first = csv_file(&dir, "first.csv", &body);
    let out = aftercare(&db.url, &["import", "pages", &first]);
    assert!(
        text(&out).1.contains("2500 notifications imported"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(&db.url, &["import", "pages", &first]);
    assert!(
        text(&out)
            .1
            .contains("0 notifications imported, 2500 already there"),
        "{:?}",
        text(&out)
    );
    // A later export overlapping the first: only its new row goes in.
    body.push_str("sam@example.com,2026-04-01T00:00:00Z,inc-new,pagerduty\n");
    let later = csv_file(&dir, "later.csv", &body);
    let out = aftercare(&db.url, &["import", "pages", &later]);
    assert!(
        text(&out)
            .1
            .contains("1 notifications imported, 2500 already there"),
        "{:?}",
        text(&out)
    );
    let store = db.store().await.unwrap();
    assert_eq!(store.count_notifications().await.unwrap(), 2_501);
    store.close().await;
    db.cleanup().await.unwrap();
}
