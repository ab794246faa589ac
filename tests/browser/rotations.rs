//! Rotations in Chromium: a lead adds one to their team (a refused shift length is shown
//! beside the form with what was typed kept), opens it, sees who is on call now, and reads
//! the health panel: a rotation of three is too small, with the source of that threshold.

use aftercare_store::{Backend, PersonId, Store, TeamRole};

use super::{
    Browser, ONE_BROWSER, Screen, check_accessible, count, fill, find, log_in, snap, text,
};
use crate::common::{new_person, spawn_app};

async fn someone(store: &Store, name: &str, email: &str, password: &str) -> PersonId {
    let p = store
        .upsert_person(&new_person(name, email, "Europe/London"))
        .await
        .unwrap()
        .0;
    let hash = aftercare_app::passwords::hash_password(password).unwrap();
    store.set_password_hash(p.id, &hash).await.unwrap();
    p.id
}

#[tokio::test]
async fn a_lead_adds_a_rotation_and_sees_a_health_finding_with_its_source_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    let s = app.store.clone();
    s.create_admin(
        &new_person("Ada Admin", "ada@example.org", "UTC"),
        "not-a-usable-hash",
        false,
    )
    .await
    .unwrap();
    let team = s.ensure_team("payments").await.unwrap().id;
    let lead = someone(&s, "Lena Lead", "lena@example.org", "lena's password").await;
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    for (name, email) in [
        ("Ana Ahn", "ana@example.org"),
        ("Ben Bauer", "ben@example.org"),
    ] {
        let id = someone(&s, name, email, "a password").await;
        s.set_membership(team, id, TeamRole::Member).await.unwrap();
    }
    let base = app.url("");
    let store = s.clone();
    Browser::launch(&Screen::Desktop)
        .await
        .run("rotations", move |c| async move {
            log_in(&c, &base, "lena@example.org", "lena's password").await;
            c.goto(&format!("{base}/teams/{team}")).await.expect("team page");
            find(&c, &format!("a[href='/teams/{team}/rotations']")).await.click().await.expect("rotations link");
            find(&c, "#no-rotations").await;
            fill(&c, "name", "primary").await;
            fill(&c, "time_zone", "Europe/London").await;
            // The start is a datetime-local field: set it as the browser's own value.
            c.execute(
                "document.querySelector('[name=start]').value = '2026-01-05T09:00'; return null;",
                vec![],
            )
            .await
            .expect("set the start");
            fill(&c, "shift_length", "3 fortnights").await;
            c.execute(
                "document.querySelectorAll('[name=members]').forEach(b => b.checked = true); return null;",
                vec![],
            )
            .await
            .expect("tick everyone");
            find(&c, "#new-rotation button[type=submit]").await.click().await.expect("create");
            let err = text(&c, "#rotation-error").await;
            assert!(err.contains("shift_length"), "{err}");
            // What was typed is kept.
            let kept: String = find(&c, "[name=name]").await.prop("value").await.expect("value").unwrap_or_default();
            assert_eq!(kept, "primary");
            assert!(store.team_rotations(team).await.unwrap().is_empty());
            snap(&c, "rotation-refused").await;
            fill(&c, "shift_length", "1w").await;
            find(&c, "#new-rotation button[type=submit]").await.click().await.expect("create");
            let now = text(&c, "#on-call-now").await;
            assert!(
                ["Lena Lead", "Ana Ahn", "Ben Bauer"].iter().any(|n| now.contains(n)),
                "{now}"
            );
            let finding = find(&c, "#health .finding[data-code='rotation.too_small']").await;
            let words = finding.text().await.expect("finding text");
            assert!(words.contains("Only 3 people"), "{words}");
            assert!(words.contains("Source: Google, Site Reliability Engineering"), "{words}");
            let shares = text(&c, "#shares").await;
            assert!(shares.contains("Ana Ahn"), "{shares}");
            check_accessible(&c).await;
            snap(&c, "rotation-health").await;
            // The month view: each day of four weeks with who is on call.
            let month = text(&c, "#month").await;
            assert!(
                ["Lena Lead", "Ana Ahn", "Ben Bauer"].iter().any(|n| month.contains(n)),
                "{month}"
            );
            assert_eq!(count(&c, "#month td.day").await, 28);
            assert_eq!(store.team_rotations(team).await.unwrap().len(), 1);
            // She brings in next month's schedule from the old paging tool: a calendar
            // naming someone unknown is refused beside the form, text kept; then a good one.
            let paste = |who: &str| {
                format!(
                    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20270104T090000Z\r\nDTEND:20270111T090000Z\r\nSUMMARY:On Call - {who} - Payments Primary\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
                )
            };
            find(&c, "#import-box summary").await.click().await.expect("open import");
            let set = |text: String| {
                format!("document.querySelector('#import-ical [name=calendar]').value = {}; return null;", serde_json::to_string(&text).unwrap())
            };
            c.execute(&set(paste("Nobody Known")), vec![]).await.expect("paste");
            find(&c, "#import-ical button[type=submit]").await.click().await.expect("import");
            let err = text(&c, "#import-error").await;
            assert!(err.contains("Nobody Known"), "{err}");
            c.execute(&set(paste("Ana Ahn")), vec![]).await.expect("paste");
            find(&c, "#import-ical button[type=submit]").await.click().await.expect("import");
            let overrides = text(&c, "#override-list").await;
            assert!(overrides.contains("Ana Ahn") && overrides.contains("imported from Payments Primary"), "{overrides}");
            // She changes the rotation: a bad length is refused beside the form, then 2w.
            find(&c, "#edit-box summary").await.click().await.expect("open edit");
            let edit = |v: &str| format!("document.querySelector('#edit-rotation [name=shift_length]').value = '{v}'; return null;");
            c.execute(&edit("fortnightly"), vec![]).await.expect("length");
            find(&c, "#edit-rotation button[type=submit]").await.click().await.expect("save");
            let err = text(&c, "#edit-error").await;
            assert!(err.starts_with("shift_length:"), "{err}");
            c.execute(&edit("2w"), vec![]).await.expect("length");
            // The refused page has #on-call-now too: take it away so the wait below is for
            // the page the save leads to, not a read of the one being left.
            c.execute("document.querySelector('#on-call-now').remove(); return null;", vec![]).await.expect("clear");
            find(&c, "#edit-rotation button[type=submit]").await.click().await.expect("save");
            find(&c, "#on-call-now").await;
            let r = &store.team_rotations(team).await.unwrap()[0];
            assert_eq!(r.rotation.shift_length, "2w");
            assert_eq!(r.members.len(), 3);
        })
        .await;
}

/// Item 2's story: Ana, on call this week, asks for cover for tomorrow night (a first
/// try with the end before the start is refused beside the form, what she typed kept);
/// Ben signs in, sees her request on the rotation page and takes it; the page then
/// shows him covering that night and the request settled with his name.
#[tokio::test]
async fn a_person_asks_for_cover_and_a_teammate_takes_it_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    let s = app.store.clone();
    // An admin exists, so the server is past its first-run setup.
    s.create_admin(
        &new_person("Ada Admin", "ada@example.org", "UTC"),
        "not-a-usable-hash",
        false,
    )
    .await
    .unwrap();
    let team = s.ensure_team("payments").await.unwrap().id;
    let ana = someone(&s, "Ana Ahn", "ana@example.org", "ana's password").await;
    let ben = someone(&s, "Ben Bauer", "ben@example.org", "ben's password").await;
    for p in [ana, ben] {
        s.set_membership(team, p, TeamRole::Member).await.unwrap();
    }
    // Weekly in UTC from yesterday 09:00: Ana's week now, whatever day the test runs.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let day = move |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap();
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "UTC".into(),
            starts_local: format!("{}T09:00", day(-1)),
            shift_length: "1w".into(),
            members: vec![ana, ben],
        })
        .await
        .unwrap()
        .rotation
        .id;
    let (from, until) = (format!("{}T18:00", day(1)), format!("{}T09:00", day(2)));
    let base = app.url("");
    let store = s.clone();
    Browser::launch(&Screen::Desktop)
        .await
        .run("cover", move |c| async move {
            log_in(&c, &base, "ana@example.org", "ana's password").await;
            c.goto(&format!("{base}/rotations/{rotation}")).await.expect("rotation page");
            find(&c, "#no-open-cover").await;
            find(&c, "#ask-cover-box summary").await.click().await.expect("open the form");
            let set = |name: &str, value: &str| {
                format!("document.querySelector('#ask-cover [name={name}]').value = '{value}'; return null;")
            };
            // The end before the start: refused beside the form, what was typed kept.
            c.execute(&set("start", &from), vec![]).await.expect("start");
            c.execute(&set("end", &format!("{}T09:00", day(1))), vec![]).await.expect("end");
            fill(&c, "note", "my sister's wedding").await;
            find(&c, "#ask-cover button[type=submit]").await.click().await.expect("ask");
            let err = text(&c, "#cover-error").await;
            assert!(err.starts_with("end:"), "{err}");
            let kept: String = find(&c, "#ask-cover [name=note]").await.prop("value").await.expect("value").unwrap_or_default();
            assert_eq!(kept, "my sister's wedding");
            assert!(store.cover_requests(rotation, false).await.unwrap().is_empty());
            check_accessible(&c).await;
            c.execute(&set("end", &until), vec![]).await.expect("end");
            find(&c, "#ask-cover button[type=submit]").await.click().await.expect("ask");
            let asked = text(&c, "#cover .cover-request").await;
            assert!(asked.contains("Ana Ahn asks for cover"), "{asked}");
            assert!(asked.contains("my sister's wedding"), "{asked}");
            // She may withdraw her own request but not take it.
            assert_eq!(count(&c, "#cover .cover-request button.take").await, 0);
            assert_eq!(count(&c, "#cover .cover-request button.withdraw").await, 1);
            snap(&c, "cover-asked").await;

            c.delete_all_cookies().await.expect("sign out");
            log_in(&c, &base, "ben@example.org", "ben's password").await;
            c.goto(&format!("{base}/rotations/{rotation}")).await.expect("rotation page");
            let seen = text(&c, "#cover .cover-request").await;
            assert!(seen.contains("Ana Ahn asks for cover"), "{seen}");
            find(&c, "#cover .cover-request button.take").await.click().await.expect("take it");
            find(&c, "#no-open-cover").await;
            let history = text(&c, "#cover-history").await;
            assert!(history.contains("taken by Ben Bauer"), "{history}");
            let next = text(&c, "#next-shifts").await;
            assert!(next.contains("Ben Bauer covering"), "{next}");
            let overrides = text(&c, "#override-list").await;
            assert!(overrides.contains("Ben Bauer") && overrides.contains("Ana Ahn"), "{overrides}");
            check_accessible(&c).await;
            snap(&c, "cover-taken").await;
            let put = store.rotation_overrides(rotation, 0, i64::MAX).await.unwrap();
            assert_eq!(put.len(), 1);
            assert_eq!((put[0].person_id, put[0].replaces_person_id), (ben, Some(ana)));
        })
        .await;
}

/// Item 7's story: a lead asks for next quarter's schedule from the rotation's page,
/// reviews everyone's load before and after and each shift's person, and accepts it;
/// the rotation's next shifts are then the proposal's.
#[tokio::test]
async fn a_lead_proposes_reviews_and_accepts_next_quarter_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    let s = app.store.clone();
    s.create_admin(
        &new_person("Ada Admin", "ada@example.org", "UTC"),
        "not-a-usable-hash",
        false,
    )
    .await
    .unwrap();
    let team = s.ensure_team("payments").await.unwrap().id;
    let lead = someone(&s, "Lena Lead", "lena@example.org", "lena's password").await;
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    let mut members = Vec::new();
    for (i, name) in [
        "Ana Ahn",
        "Ben Bauer",
        "Cara Chen",
        "Dev Das",
        "Eli Eze",
        "Fay Fong",
    ]
    .iter()
    .enumerate()
    {
        let id = someone(&s, name, &format!("m{i}@example.org"), "a password").await;
        s.set_membership(team, id, TeamRole::Member).await.unwrap();
        members.push(id);
    }
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "UTC".into(),
            starts_local: format!(
                "{}T09:00",
                today.checked_sub(jiff::Span::new().days(30)).unwrap()
            ),
            shift_length: "1w".into(),
            members,
        })
        .await
        .unwrap()
        .rotation
        .id;
    let base = app.url("");
    let store = s.clone();
    Browser::launch(&Screen::Desktop)
        .await
        .run("propose", move |c| async move {
            log_in(&c, &base, "lena@example.org", "lena's password").await;
            c.goto(&format!("{base}/rotations/{rotation}"))
                .await
                .expect("rotation page");
            find(&c, "#propose button[type=submit]")
                .await
                .click()
                .await
                .expect("propose");
            let status = text(&c, "#proposal-status").await;
            assert!(status.contains("proposed"), "{status}");
            let loads = text(&c, "#loads").await;
            for name in ["Ana Ahn", "Fay Fong"] {
                assert!(loads.contains(name), "{loads}");
            }
            assert_eq!(count(&c, "#proposed-shifts tbody tr").await, 13);
            check_accessible(&c).await;
            snap(&c, "proposal").await;
            // What the first proposed shift says, to find it on the rotation afterwards.
            let first_who = text(&c, "#proposed-shifts tbody tr:first-child td:nth-child(3)").await;
            find(&c, "#accept").await.click().await.expect("accept");
            find(&c, "#next-shifts").await;
            let plans = text(&c, "#plans").await;
            assert!(plans.contains("accepted"), "{plans}");
            let second_row = text(&c, "#next-shifts tbody tr:nth-child(2)").await;
            assert!(
                second_row.contains(&first_who),
                "{second_row} vs {first_who}"
            );
            let plan = &store.rotation_plans(rotation).await.unwrap()[0];
            assert_eq!(plan.status, "accepted");
        })
        .await;
}

/// Item 3's story: Ana marks an appointment on the time-off page (a first try with the
/// end before the start is refused beside the form, what she typed kept); her
/// rotation's page then warns that her shift meets it, names who could cover, and one
/// click asks the team to cover that span.
#[tokio::test]
async fn time_off_warns_on_the_rotation_and_asks_for_cover_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    let s = app.store.clone();
    s.create_admin(
        &new_person("Ada Admin", "ada@example.org", "UTC"),
        "not-a-usable-hash",
        false,
    )
    .await
    .unwrap();
    let team = s.ensure_team("payments").await.unwrap().id;
    let ana = someone(&s, "Ana Ahn", "ana@example.org", "ana's password").await;
    let ben = someone(&s, "Ben Bauer", "ben@example.org", "a password").await;
    let cara = someone(&s, "Cara Chen", "cara@example.org", "a password").await;
    for p in [ana, ben, cara] {
        s.set_membership(team, p, TeamRole::Member).await.unwrap();
    }
    // Weekly from yesterday 09:00 London: Ana's week now, Ben's next.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .date();
    let day = move |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap();
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "Europe/London".into(),
            starts_local: format!("{}T09:00", day(-1)),
            shift_length: "1w".into(),
            members: vec![ana, ben, cara],
        })
        .await
        .unwrap()
        .rotation
        .id;
    let base = app.url("");
    let store = s.clone();
    Browser::launch(&Screen::Desktop)
        .await
        .run("time-off", move |c| async move {
            log_in(&c, &base, "ana@example.org", "ana's password").await;
            find(&c, "nav a[href='/time-off']").await.click().await.expect("time off link");
            find(&c, "#no-time-off").await;
            let set = |name: &str, value: &str| {
                format!("document.querySelector('#add-time-off [name={name}]').value = '{value}'; return null;")
            };
            c.execute(&set("start", &day(2).to_string()), vec![]).await.expect("start");
            c.execute(&set("start_time", "14:00"), vec![]).await.expect("start time");
            c.execute(&set("end", &day(1).to_string()), vec![]).await.expect("end");
            c.execute(&set("kind", "appointment"), vec![]).await.expect("kind");
            fill(&c, "note", "the dentist").await;
            find(&c, "#add-time-off button[type=submit]").await.click().await.expect("mark");
            let err = text(&c, "#time-off-error").await;
            assert!(err.starts_with("end:"), "{err}");
            let kept: String = find(&c, "#add-time-off [name=note]").await.prop("value").await.expect("value").unwrap_or_default();
            assert_eq!(kept, "the dentist");
            check_accessible(&c).await;
            c.execute(&set("end", &day(2).to_string()), vec![]).await.expect("end");
            c.execute(&set("end_time", "17:00"), vec![]).await.expect("end time");
            find(&c, "#add-time-off button[type=submit]").await.click().await.expect("mark");
            let listed = text(&c, "#time-off").await;
            assert!(listed.contains("appointment") && listed.contains("the dentist"), "{listed}");
            c.goto(&format!("{base}/rotations/{rotation}")).await.expect("rotation page");
            let warning = text(&c, "#collisions .collision").await;
            assert!(warning.contains("Ana Ahn is on call"), "{warning}");
            assert!(warning.contains("Could cover: Cara Chen"), "{warning}");
            check_accessible(&c).await;
            snap(&c, "collision").await;
            find(&c, "#collisions button.ask-for-collision").await.click().await.expect("ask");
            let asked = text(&c, "#cover .cover-request").await;
            assert!(asked.contains("Ana Ahn asks for cover"), "{asked}");
            let open = store.cover_requests(rotation, true).await.unwrap();
            assert_eq!(open.len(), 1);
            assert_eq!(open[0].ends_at - open[0].starts_at, 3 * 3_600_000);
        })
        .await;
}
