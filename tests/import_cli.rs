//! `aftercare import` of larger and odder files, on SQLite and PostgreSQL: the column
//! names of the forms and the older ones, a field over the 64 KiB cap refused with its
//! line and column and nothing stored, and re-imports that add only what is new.

use aftercare_store::Backend;

use crate::cli::{aftercare, csv_file, database, text};

crate::on_both!(
    people_columns_read_alike_in_the_new_and_the_old_names,
    a_field_over_the_cap_is_refused_and_nothing_is_stored,
    pages_imported_again_are_not_doubled,
    ical_exports_come_into_a_rotation_at_the_right_instants,
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

/// `aftercare import ical FILE --rotation NAME` on the DST calendars: the project's own
/// (Berlin in PagerDuty's UTC layout, Chicago and Sydney with `TZID` and a `VTIMEZONE`,
/// both hemispheres) and, beside the repository, `../shared/data/ical`'s (London in
/// PagerDuty's layout, New York with `TZID`). Each file's shifts, schedule by schedule,
/// become the rotation's overrides at exactly the instants its `*_expected.json` gives,
/// and the rotation then answers who is on call inside each; a re-import replaces
/// rather than doubles; an unknown person or an ambiguous file stores nothing.
async fn ical_exports_come_into_a_rotation_at_the_right_instants(backend: Backend) {
    let mut sets = vec![(
        crate::common::fixture_path("ical/dst_expected.json"),
        crate::common::fixture_path("ical"),
    )];
    if let Some(shared) = crate::real_data::real_data("data/ical", "the shared DST calendars") {
        sets.push((shared.join("CONSTRUCTED_dst_expected.json"), shared));
    }
    let (mut checked, mut listed) = (0, 0);
    for (expected, folder) in sets {
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
        for (file, facts) in expected["files"].as_object().unwrap() {
            listed += facts["events"].as_array().unwrap().len();
            checked += check_one_calendar(backend, &folder.join(file), facts).await;
        }
    }
    // Every listed shift: Berlin, Chicago and Sydney's, and London's and New York's
    // where ../shared is.
    assert!(listed >= 10, "{listed} shifts listed");
    assert_eq!(checked, listed);
}

/// `On Call - <person> - <schedule>`.
fn person_and_schedule(summary: &str) -> (String, String) {
    let mut parts = summary.trim_start_matches("On Call - ").splitn(2, " - ");
    let person = parts.next().unwrap().trim().to_string();
    let schedule = parts.next().unwrap_or("").trim().to_string();
    (person, schedule)
}

async fn check_one_calendar(
    backend: Backend,
    file: &std::path::Path,
    facts: &serde_json::Value,
) -> usize {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let zone = facts["tz"].as_str().unwrap();
    let events = facts["events"].as_array().unwrap();
    let mut people = std::collections::BTreeSet::new();
    let mut schedules = std::collections::BTreeSet::new();
    for e in events {
        let (p, s) = person_and_schedule(e["summary"].as_str().unwrap());
        people.insert(p);
        schedules.insert(s);
    }
    // The people, by name (the calendars' emails are not theirs here: names still match).
    let mut csv = String::from("name,email,timezone,team\n");
    for (i, p) in people.iter().enumerate() {
        csv.push_str(&format!("{p},person{i}@example.net,{zone},payments\n"));
    }
    let csv = csv_file(&dir, "people.csv", &csv);
    assert!(
        aftercare(&db.url, &["import", "people", &csv])
            .status
            .success()
    );
    let emails: Vec<String> = (0..people.len())
        .map(|i| format!("person{i}@example.net"))
        .collect();
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
            zone,
            "--start",
            "2026-01-05T09:00",
            "--shift-length",
            "1w",
            "--members",
            &emails.join(","),
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let path = file.to_str().unwrap();
    let store = db.store().await.unwrap();
    let rotation = store.list_teams().await.unwrap()[0].id;
    let rotation = store.team_rotations(rotation).await.unwrap()[0].rotation.id;
    if schedules.len() > 1 {
        // Two schedules in one file: which one this rotation is must be said.
        let (_, err) = text(&aftercare(
            &db.url,
            &["import", "ical", path, "--rotation", "primary"],
        ));
        assert!(err.contains("schedule"), "{err}");
        assert!(
            store
                .rotation_overrides(rotation, i64::MIN, i64::MAX)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let mut checked = 0;
    for schedule in &schedules {
        let mut args = vec!["import", "ical", path, "--rotation", "primary"];
        if schedules.len() > 1 {
            args.extend(["--schedule", schedule.as_str()]);
        }
        // Twice: the second replaces what the first brought in.
        for _ in 0..2 {
            let out = aftercare(&db.url, &args);
            assert!(out.status.success(), "{}: {:?}", file.display(), text(&out));
        }
        let stored = store
            .rotation_overrides(rotation, i64::MIN, i64::MAX)
            .await
            .unwrap();
        let ours: Vec<_> = stored
            .iter()
            .filter(|o| o.note.ends_with(schedule.as_str()))
            .collect();
        let wanted: Vec<&serde_json::Value> = events
            .iter()
            .filter(|e| person_and_schedule(e["summary"].as_str().unwrap()).1 == *schedule)
            .collect();
        assert_eq!(
            ours.len(),
            wanted.len(),
            "{}: {schedule}: {stored:?}",
            file.display()
        );
        let names: std::collections::HashMap<_, _> = store
            .list_people()
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        for e in wanted {
            let at = |k: &str| {
                e[k].as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    .as_millisecond()
            };
            let (person, _) = person_and_schedule(e["summary"].as_str().unwrap());
            let hit = ours
                .iter()
                .find(|o| o.starts_at == at("dtstart_utc"))
                .unwrap_or_else(|| {
                    panic!(
                        "{}: no override starting {}",
                        file.display(),
                        e["dtstart_utc"]
                    )
                });
            assert_eq!(
                hit.ends_at,
                at("dtend_utc"),
                "{}: {}",
                file.display(),
                e["summary"]
            );
            assert_eq!(names[&hit.person_id], person);
            let hours = (hit.ends_at - hit.starts_at) as f64 / 3_600_000.0;
            assert_eq!(
                hours,
                e["duration_hours"].as_f64().unwrap(),
                "{}",
                e["summary"]
            );
            checked += 1;
        }
        if schedules.len() > 1 {
            // One schedule per rotation: clear it before the next, by hand.
            for o in ours {
                store.delete_override(o.id).await.unwrap();
            }
        }
    }
    // The rotation answers through the imported spans: the last event's middle instant.
    let last = events.last().unwrap();
    let (person, _) = person_and_schedule(last["summary"].as_str().unwrap());
    if schedules.len() == 1 {
        let mid = (last["dtstart_utc"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond()
            + last["dtend_utc"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_millisecond())
            / 2;
        let at = jiff::Timestamp::from_millisecond(mid).unwrap().to_string();
        let out = aftercare(
            &db.url,
            &[
                "rotation",
                "oncall",
                &rotation.to_string(),
                "--at",
                &at,
                "--json",
            ],
        );
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            answer["on_call"]["name"],
            person.as_str(),
            "{}",
            file.display()
        );
    }
    // Someone the calendar names but Aftercare does not know: nothing is stored.
    let before = store
        .rotation_overrides(rotation, i64::MIN, i64::MAX)
        .await
        .unwrap()
        .len();
    let stranger = dir.path().join("stranger.ics");
    std::fs::write(
        &stranger,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270104T090000Z\r\nDTEND:20270111T090000Z\r\nSUMMARY:On Call - Nobody Known - Other\r\nATTENDEE:nobody@example.net\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let (_, err) = text(&aftercare(
        &db.url,
        &[
            "import",
            "ical",
            stranger.to_str().unwrap(),
            "--rotation",
            "primary",
        ],
    ));
    assert!(err.contains("not in Aftercare"), "{err}");
    assert_eq!(
        store
            .rotation_overrides(rotation, i64::MIN, i64::MAX)
            .await
            .unwrap()
            .len(),
        before
    );
    store.close().await;
    db.cleanup().await.unwrap();
    checked
}
