//! The `aftercare` command end to end, against SQLite and PostgreSQL: imports that
//! land whole or not at all (with line numbers), tokens, admins, integrations and
//! burden as JSON.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use aftercare_store::Backend;
use aftercare_store::testing::TestDatabase;
use serde_json::Value;

crate::on_both!(
    people_import_is_whole_or_nothing,
    pages_import_reports_bad_lines_and_imports_nothing,
    burden_json_matches_the_api_shape,
    tokens_admins_and_integrations,
    schedules_import_from_the_shell,
    rotations_from_the_shell,
);

pub(crate) fn aftercare(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .args(args)
        .env("AFTERCARE_DATABASE_URL", db)
        .output()
        .expect("run aftercare")
}

pub(crate) fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

pub(crate) fn csv_file(dir: &tempfile::TempDir, name: &str, body: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    path.to_string_lossy().into_owned()
}

pub(crate) async fn database(backend: Backend) -> TestDatabase {
    let db = TestDatabase::new(backend).await.unwrap();
    // Create the schema once, so the commands below all find it migrated.
    db.store().await.unwrap().close().await;
    db
}

async fn people_import_is_whole_or_nothing(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let bad = csv_file(
        &dir,
        "bad.csv",
        "name,email,timezone,team,business_days,sleep_start\n\
         Alex Rivera,alex@example.com,Europe/London,payments,,\n\
         Priya,priya@example.com,Asia/Calcutta-ish,payments,,\n\
         Noa,noa@example.com,Asia/Jerusalem,payments,sun-thy,\n\
         Kim,kim@example.com,UTC,search,,7pm\n",
    );
    let out = aftercare(&db.url, &["import", "people", &bad]);
    let (_, err) = text(&out);
    assert!(!out.status.success());
    assert!(err.contains("line 3: timezone"), "{err}");
    // Named as the file spells the column.
    assert!(err.contains("line 4: business_days"), "{err}");
    assert!(err.contains("line 5: sleep_start"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let store = db.store().await.unwrap();
    assert_eq!(store.count_people().await.unwrap(), 0);

    let good = csv_file(
        &dir,
        "good.csv",
        "name,email,timezone,team,business_days,business_start,business_end,sleep_start,sleep_end,pagerduty_id\n\
         Alex Rivera,alex@example.com,Europe/London,payments,,,,,,PALEX01\n\
         Noa Levi,noa@example.com,Asia/Jerusalem,payments,sun-thu,09:00,17:00,23:00,07:00,\n",
    );
    let out = aftercare(&db.url, &["import", "people", &good]);
    assert!(out.status.success(), "{:?}", text(&out));
    let noa = store
        .person_by_email("noa@example.com")
        .await
        .unwrap()
        .unwrap();
    let noa = aftercare_app::people::PersonSettings::from(&noa);
    assert_eq!(
        (
            noa.working_days.as_str(),
            noa.working_start.as_str(),
            noa.sleep_start.as_str()
        ),
        ("mon,tue,wed,thu,sun", "09:00", "23:00")
    );
    let alex_id = store
        .person_by_identity("pagerduty", "PALEX01")
        .await
        .unwrap();
    assert_eq!(
        alex_id,
        store
            .person_by_email("alex@example.com")
            .await
            .unwrap()
            .map(|p| p.id),
        "identity columns link paging-tool ids"
    );
    // Re-importing updates by email.
    let again = csv_file(
        &dir,
        "again.csv",
        "name,email,timezone,team\nAlex R.,ALEX@example.com,America/New_York,payments\n",
    );
    let out = aftercare(&db.url, &["import", "people", &again]);
    assert!(
        text(&out).1.contains("0 people created, 1 updated"),
        "{:?}",
        text(&out)
    );
    let alex = store
        .person_by_email("alex@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (alex.name.as_str(), alex.time_zone_name()),
        ("Alex R.", "America/New_York")
    );
    assert_eq!(store.count_people().await.unwrap(), 2);
    let payments = store.team_by_name("payments").await.unwrap().unwrap();
    assert_eq!(store.team_members(payments.id).await.unwrap().len(), 2);
    // A missing column is named.
    let headless = csv_file(&dir, "headless.csv", "name,email\nA,a@example.com\n");
    let (_, err) = text(&aftercare(&db.url, &["import", "people", &headless]));
    assert!(err.contains("timezone") && err.contains("team"), "{err}");
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn pages_import_reports_bad_lines_and_imports_nothing(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = csv_file(
        &dir,
        "people.csv",
        "name,email,timezone,team\nAlex,alex@example.com,Europe/London,payments\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    let bad = csv_file(
        &dir,
        "pages.csv",
        "email,at,incident_key,source\n\
         alex@example.com,2026-03-04T23:30:00Z,inc-1,pagerduty\n\
         alex@example.com,2026-03-05 02:00,inc-2,pagerduty\n\
         ghost@example.com,2026-03-05T02:00:00Z,inc-3,pagerduty\n\
         alex@example.com,2026-03-05T02:00:00+00:00,,pagerduty\n",
    );
    let out = aftercare(&db.url, &["import", "pages", &bad]);
    let (_, err) = text(&out);
    assert!(!out.status.success());
    assert!(err.contains("line 3: at"), "{err}");
    assert!(err.contains("line 4: email"), "{err}");
    assert!(err.contains("line 5: incident_key"), "{err}");
    let store = db.store().await.unwrap();
    assert_eq!(
        store.count_notifications().await.unwrap(),
        0,
        "a bad row anywhere imports nothing"
    );
    let good = csv_file(
        &dir,
        "good.csv",
        "email,at,incident_key\nalex@example.com,2026-03-04T23:30:00Z,inc-1\nALEX@example.com,2026-03-05T02:00:00+01:00,inc-2\n",
    );
    let out = aftercare(&db.url, &["import", "pages", &good]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&out).1.contains("2 notifications imported"));
    assert_eq!(store.count_notifications().await.unwrap(), 2);
    let missing = dir.path().join("nope.csv");
    let (_, err) = text(&aftercare(
        &db.url,
        &["import", "pages", &missing.to_string_lossy()],
    ));
    assert!(err.contains("nope.csv"), "{err}");
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn burden_json_matches_the_api_shape(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = csv_file(
        &dir,
        "people.csv",
        "name,email,timezone,team,sleep_start,sleep_end\nAlex,alex@example.com,Europe/London,payments,23:00,07:00\nSam,sam@example.com,UTC,payments,,\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    // London is on GMT in early March: 23:30Z is 23:30 local (sleep, night of 4th);
    // 02:00Z on the 6th is the night of the 5th; 12:00Z on Friday 6th is business.
    let pages = csv_file(
        &dir,
        "pages.csv",
        "email,at,incident_key\nalex@example.com,2026-03-04T23:30:00Z,a\nalex@example.com,2026-03-06T02:00:00Z,b\nalex@example.com,2026-03-06T12:00:00Z,c\n",
    );
    assert!(
        aftercare(&db.url, &["import", "pages", &pages])
            .status
            .success()
    );
    let out = aftercare(
        &db.url,
        &[
            "burden",
            "--person",
            "alex@example.com",
            "--from",
            "2026-03-01T00:00:00Z",
            "--to",
            "2026-04-01T00:00:00Z",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["interruptions"],
        serde_json::json!({"business": 1, "off": 0, "sleep": 2, "total": 3})
    );
    assert_eq!(v["disrupted_nights"], 2);
    assert_eq!(v["longest_disrupted_streak"], 2);
    assert_eq!(v["nights"], serde_json::json!(["2026-03-04", "2026-03-05"]));
    let out = aftercare(
        &db.url,
        &[
            "burden",
            "--person",
            "sam@example.com",
            "--from",
            "2026-03-01",
            "--to",
            "2026-04-01",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["interruptions"]["total"], 0,
        "no pages is zeros, not an error"
    );
    let out = aftercare(
        &db.url,
        &[
            "burden",
            "--team",
            "payments",
            "--from",
            "2026-03-01",
            "--to",
            "2026-04-01",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    let out = aftercare(
        &db.url,
        &["burden", "--person", "alex@example.com", "--from", "March"],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--from"), "{:?}", text(&out));
    let out = aftercare(&db.url, &["burden", "--person", "nobody@example.com"]);
    assert!(text(&out).1.contains("--person"), "{:?}", text(&out));
    db.cleanup().await.unwrap();
}

async fn tokens_admins_and_integrations(backend: Backend) {
    let db = database(backend).await;
    let out = aftercare(&db.url, &["token", "create", "--admin"]);
    assert!(out.status.success());
    let (stdout, _) = text(&out);
    assert_eq!(
        stdout.lines().count(),
        1,
        "only the token on stdout: {stdout:?}"
    );
    assert!(stdout.starts_with("aftercare_"));
    let store = db.store().await.unwrap();
    let hash = aftercare_app::passwords::sha256_hex(stdout.trim());
    assert!(store.api_token(&hash).await.unwrap().unwrap().is_admin);

    let mut child = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .args([
            "admin",
            "create",
            "--email",
            "root@example.com",
            "--password-stdin",
        ])
        .env("AFTERCARE_DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    let root = store
        .person_by_email("root@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(root.is_admin);
    assert!(aftercare_app::passwords::verify_password(
        "a long enough password",
        root.password_hash.as_deref().unwrap()
    ));

    let mut child = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .args([
            "admin",
            "create",
            "--email",
            "short@example.com",
            "--password-stdin",
        ])
        .env("AFTERCARE_DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out).1.contains("password"), "{:?}", text(&out));
    assert!(
        store
            .person_by_email("short@example.com")
            .await
            .unwrap()
            .is_none()
    );

    store.ensure_team("payments").await.unwrap();
    let out = aftercare(
        &db.url,
        &[
            "integration",
            "create",
            "--team",
            "payments",
            "--source",
            "alertmanager",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let (stdout, stderr) = text(&out);
    assert!(stdout.trim().starts_with("/api/v1/ingest/int_"), "{stdout}");
    assert!(stderr.contains("secret:"));
    let out = aftercare(
        &db.url,
        &[
            "integration",
            "create",
            "--team",
            "nope",
            "--source",
            "alertmanager",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("team"), "{:?}", text(&out));
    let out = aftercare(
        &db.url,
        &[
            "integration",
            "create",
            "--team",
            "payments",
            "--source",
            "incident-io",
            "--secret",
            "not-whsec",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("secret"), "{:?}", text(&out));
    assert_eq!(store.list_integrations(None).await.unwrap().len(), 1);
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn schedules_import_from_the_shell(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = csv_file(
        &dir,
        "people.csv",
        "name,email,timezone,team\nNoor Haddad,noor.haddad@example.org,Europe/Berlin,payments\nKai Tanaka,kai.tanaka@example.org,Europe/Berlin,payments\nInes Moreau,ines.moreau@example.org,Australia/Sydney,payments\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    let ics = crate::common::fixture_path("ical/pagerduty_style_dst_europe_berlin.ics");
    let out = aftercare(
        &db.url,
        &[
            "schedule",
            "import",
            "--team",
            "payments",
            &ics.to_string_lossy(),
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("shifts imported for payments"),
        "{:?}",
        text(&out)
    );
    let store = db.store().await.unwrap();
    let team = store.team_by_name("payments").await.unwrap().unwrap();
    // Kai's week across the spring transition is 167 hours, not 168.
    let kai = store
        .person_by_email("kai.tanaka@example.org")
        .await
        .unwrap()
        .unwrap();
    let shifts = store.shifts(team.id, 0, i64::MAX).await.unwrap();
    let week = shifts
        .iter()
        .find(|s| s.person_id == kai.id && s.ends_at - s.starts_at > 100 * 3_600_000)
        .unwrap();
    assert_eq!((week.ends_at - week.starts_at) / 3_600_000, 167);
    let out = aftercare(
        &db.url,
        &[
            "schedule",
            "import",
            "--team",
            "nope",
            &ics.to_string_lossy(),
        ],
    );
    assert!(text(&out).1.contains("--team"), "{:?}", text(&out));
    store.close().await;
    db.cleanup().await.unwrap();
}

async fn rotations_from_the_shell(backend: Backend) {
    let db = database(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let people = csv_file(
        &dir,
        "people.csv",
        "name,email,timezone,team\nNoor Haddad,noor.haddad@example.org,Europe/Berlin,payments\nKai Tanaka,kai.tanaka@example.org,Europe/Berlin,payments\n",
    );
    assert!(
        aftercare(&db.url, &["import", "people", &people])
            .status
            .success()
    );
    let create = |length: &str, members: &str| {
        aftercare(
            &db.url,
            &[
                "rotation",
                "create",
                "--team",
                "payments",
                "--name",
                "primary",
                "--time-zone",
                "Europe/Berlin",
                "--start",
                "2027-03-20T02:30",
                "--shift-length",
                length,
                "--members",
                members,
            ],
        )
    };
    // A bad shift length names the flag's field and stores nothing.
    let out = create(
        "3 fortnights",
        "noor.haddad@example.org,kai.tanaka@example.org",
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("shift_length"), "{:?}", text(&out));
    let out = create("1d", "noor.haddad@example.org,nobody@example.org");
    assert!(text(&out).1.contains("--members"), "{:?}", text(&out));
    let out = create("1d", "noor.haddad@example.org,kai.tanaka@example.org");
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("Noor Haddad, Kai Tanaka"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(
        &db.url,
        &["rotation", "list", "--team", "payments", "--json"],
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = list[0]["id"].as_i64().unwrap().to_string();
    // Day 8 of two people is Noor's, starting at 03:30 CEST (02:30 does not exist).
    let out = aftercare(
        &db.url,
        &[
            "rotation",
            "oncall",
            &id,
            "--at",
            "2027-03-28T02:00:00Z",
            "--json",
        ],
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["on_call"]["name"], "Noor Haddad");
    assert_eq!(answer["on_call"]["shift_start"], "2027-03-28T01:30:00Z");
    let out = aftercare(&db.url, &["rotation", "oncall", &id, "--at", "soon"]);
    assert!(text(&out).1.contains("--at"), "{:?}", text(&out));
    let out = aftercare(&db.url, &["rotation", "health", &id]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("rotation.too_small"),
        "{:?}",
        text(&out)
    );
    assert!(text(&out).0.contains("Source: Google"), "{:?}", text(&out));
    // Overrides from the shell: Kai covers Noor's day 8 evening, local to the rotation.
    let out = aftercare(
        &db.url,
        &[
            "rotation",
            "override",
            &id,
            "--person",
            "kai.tanaka@example.org",
            "--from",
            "2027-03-28T18:00",
            "--until",
            "2027-03-28T17:00",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("end: must be after the start"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(
        &db.url,
        &[
            "rotation",
            "override",
            &id,
            "--person",
            "kai.tanaka@example.org",
            "--from",
            "2027-03-28T18:00",
            "--until",
            "2027-03-28T23:00",
            "--note",
            "Noor's concert",
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("instead of Noor Haddad"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(
        &db.url,
        &[
            "rotation",
            "oncall",
            &id,
            "--at",
            "2027-03-28T17:00:00Z",
            "--json",
        ],
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["on_call"]["name"], "Kai Tanaka");
    let out = aftercare(&db.url, &["rotation", "overrides", &id, "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let override_id = list[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(list[0]["note"], "Noor's concert");
    let out = aftercare(&db.url, &["rotation", "remove-override", &override_id]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = aftercare(&db.url, &["rotation", "overrides", &id]);
    assert!(
        text(&out).0.contains("No overrides ahead"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(&db.url, &["rotation", "cover-requests", &id]);
    assert!(
        text(&out).0.contains("No cover requests"),
        "{:?}",
        text(&out)
    );
    let out = aftercare(&db.url, &["rotation", "delete", &id]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = aftercare(&db.url, &["rotation", "list", "--team", "payments"]);
    assert!(text(&out).0.contains("no rotation yet"), "{:?}", text(&out));
    db.cleanup().await.unwrap();
}

/// Benchmarks live in their own binary (bench/harness): the product lists none.
#[test]
fn the_product_lists_no_benchmarks() {
    let out = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .arg("--help")
        .output()
        .expect("run aftercare --help");
    let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(out.status.success());
    assert!(help.contains("import"), "{help}");
    assert!(!help.contains("bench"), "{help}");
}

/// `aftercare rotation solve` on the instances committed with the generator: each answer keeps
/// every hard rule (checked by the crate's own re-implementation of check.py), and an instance
/// where one shift has nobody is answered `infeasible` with that shift named.
#[test]
fn rotation_solve_answers_instances_and_names_what_cannot_be_met() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/rotation/tests/fixtures");
    let mut solved = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_aftercare"))
            .args([
                "rotation",
                "solve",
                path.to_str().unwrap(),
                "--time-limit",
                "5",
            ])
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{}: {stderr}", path.display());
        let instance =
            aftercare_rotation::Instance::from_json(&std::fs::read_to_string(&path).unwrap())
                .unwrap();
        let solution: aftercare_rotation::Solution = serde_json::from_str(&stdout).unwrap();
        let spread = aftercare_rotation::check(&instance, &solution)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(solution.spread, Some(spread));
        solved += 1;
    }
    assert!(solved >= 5, "{solved} instances");
    // One week nobody can take.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("nobody.json");
    std::fs::write(
        &file,
        r#"{"format":"aftercare-rotation/1","timezone":"Europe/London",
            "shifts":[{"id":"w1","start":"2027-01-04T09:00","end":"2027-01-11T09:00","weight":1.0},
                      {"id":"w2","start":"2027-01-11T09:00","end":"2027-01-18T09:00","weight":1.0}],
            "people":[{"id":"ana","unavailable":[{"start":"2027-01-10T00:00","end":"2027-01-12T00:00"}]},
                      {"id":"ben","unavailable":[{"start":"2027-01-12T00:00","end":"2027-01-13T00:00"}]}],
            "rules":{"min_rest_shifts":1,"newcomer_shadow_shifts":2}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .args(["rotation", "solve", file.to_str().unwrap()])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], "infeasible", "{v}");
    assert!(v["reason"].as_str().unwrap().contains("w2"), "{v}");
    // A bad file names the field.
    std::fs::write(
        &file,
        r#"{"format":"aftercare-rotation/1","timezone":"Nowhere/Else","shifts":[],"people":[]}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aftercare"))
        .args(["rotation", "solve", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).1.contains("timezone"), "{}", text(&out).1);
}

/// The demo organisation's rotations show what a rotation's page is for: a collision of
/// someone's leave with their shift (and who could cover), an open cover request, and a
/// fire drill that not everyone has had.
#[tokio::test]
async fn the_demo_rotations_show_time_off_cover_and_drills() {
    let db = database(Backend::Sqlite).await;
    let out = aftercare(&db.url, &["demo"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let store = db.store().await.unwrap();
    let actor = aftercare_app::Actor::command_line();
    let teams = store.list_teams().await.unwrap();
    assert!(!teams.is_empty());
    for t in teams {
        for r in store.team_rotations(t.id).await.unwrap() {
            let id = r.rotation.id;
            let collisions = aftercare_app::time_off::collisions(&store, &actor, id)
                .await
                .unwrap();
            assert_eq!(collisions.len(), 1, "{}: {collisions:?}", t.name);
            assert!(!collisions[0].could_cover.is_empty(), "{}", t.name);
            // The asked-for night, and perhaps a night offered for rest after bad nights.
            let open = store.cover_requests(id, true).await.unwrap();
            assert!(
                open.iter().any(|c| c.note == "a school concert"),
                "{}: {open:?}",
                t.name
            );
            assert!(
                open.iter()
                    .all(|c| c.note == "a school concert" || c.note.starts_with("Rest after")),
                "{}: {open:?}",
                t.name
            );
            let health = aftercare_app::rotations::health(&store, &actor, id)
                .await
                .unwrap();
            let codes: Vec<&str> = health.findings.iter().map(|f| f.code.as_str()).collect();
            assert!(
                !codes.contains(&"drills.none_in_six_months"),
                "{}: {codes:?}",
                t.name
            );
            if r.members.len() > 2 {
                assert!(
                    codes.contains(&"drills.some_without"),
                    "{}: {codes:?}",
                    t.name
                );
            }
        }
    }
    store.close().await;
    db.cleanup().await.unwrap();
}
