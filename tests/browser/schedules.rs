//! Schedules in Chromium: a lead stacks the team's two rotations into a follow-the-sun
//! schedule (a refused window zone is shown beside the form with what was typed kept),
//! reads the four-week calendar with each person's shifts and a teammate's time off, and
//! asks who is on call at an instant on the day the clocks change.

use aftercare_store::{Backend, TeamRole};

use super::{Browser, ONE_BROWSER, Screen, check_accessible, find, log_in, snap, text};
use crate::common::{new_person, spawn_app};

#[tokio::test]
async fn a_lead_stacks_rotations_into_a_schedule_and_reads_its_calendar_in_chromium() {
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
    let mut ids = Vec::new();
    for (name, email, zone, role) in [
        (
            "Lena Lead",
            "lena@example.org",
            "Europe/London",
            TeamRole::Lead,
        ),
        (
            "Nia Nwosu",
            "nia@example.org",
            "America/New_York",
            TeamRole::Member,
        ),
        (
            "Lou Lamb",
            "lou@example.org",
            "Europe/London",
            TeamRole::Member,
        ),
    ] {
        let p = s
            .upsert_person(&new_person(name, email, zone))
            .await
            .unwrap()
            .0;
        let hash = aftercare_app::passwords::hash_password("a password").unwrap();
        s.set_password_hash(p.id, &hash).await.unwrap();
        s.set_membership(team, p.id, role).await.unwrap();
        ids.push(p.id);
    }
    let (nia, lou) = (ids[1], ids[2]);
    for (name, zone, who) in [
        ("new york", "America/New_York", nia),
        ("london", "Europe/London", lou),
    ] {
        s.create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: name.into(),
            time_zone: zone.into(),
            starts_local: "2027-03-01T09:00".into(),
            shift_length: "1w".into(),
            members: vec![who],
        })
        .await
        .unwrap();
    }
    // Nia is away on Wednesday 24 March 2027 (a family event).
    let ms = |t: &str| t.parse::<jiff::Timestamp>().unwrap().as_millisecond();
    s.add_time_off(&aftercare_store::NewTimeOff {
        person_id: nia,
        starts_at: ms("2027-03-24T00:00:00Z"),
        ends_at: ms("2027-03-25T00:00:00Z"),
        kind: "family".into(),
        note: String::new(),
    })
    .await
    .unwrap();
    let base = app.url("");
    let store = s.clone();
    Browser::launch(&Screen::Desktop)
        .await
        .run("schedules", move |c| async move {
            log_in(&c, &base, "lena@example.org", "a password").await;
            c.goto(&format!("{base}/teams/{team}")).await.expect("team page");
            find(&c, &format!("a[href='/teams/{team}/schedules']")).await.click().await.expect("schedules link");
            find(&c, "#no-schedules").await;
            let set = |name: &str, row: usize, value: &str| {
                format!(
                    "document.querySelectorAll('#new-schedule [name={name}]')[{row}].value = {}; return null;",
                    serde_json::to_string(value).unwrap()
                )
            };
            // New York at the bottom, London by day on top.
            let all = store.team_rotations(team).await.unwrap();
            let id_of = |name: &str| {
                all.iter()
                    .find(|r| r.rotation.name == name)
                    .map(|r| r.rotation.id.to_string())
                    .unwrap()
            };
            let rotation_ids = [id_of("new york"), id_of("london")];
            for js in [
                set("name", 0, "follow the sun"),
                set("layer_rotation", 0, &rotation_ids[0]),
                set("layer_rotation", 1, &rotation_ids[1]),
                set("layer_start", 1, "08:00"),
                set("layer_end", 1, "20:00"),
                set("layer_zone", 1, "Europe/Londres"),
            ] {
                c.execute(&js, vec![]).await.expect("fill the form");
            }
            find(&c, "#new-schedule button[type=submit]").await.click().await.expect("create");
            let err = text(&c, "#schedule-error").await;
            assert!(err.starts_with("layers[1].window_zone:"), "{err}");
            let kept: String = find(&c, "#new-schedule [name=name]").await.prop("value").await.expect("value").unwrap_or_default();
            assert_eq!(kept, "follow the sun");
            assert!(store.team_schedules(team).await.unwrap().is_empty());
            snap(&c, "schedule-refused").await;
            c.execute(&set("layer_zone", 1, "Europe/London"), vec![]).await.expect("zone");
            find(&c, "#new-schedule button[type=submit]").await.click().await.expect("create");
            let layers = text(&c, "#layers").await;
            assert!(layers.contains("london from 08:00 to 20:00 Europe/London"), "{layers}");
            assert_eq!(store.team_schedules(team).await.unwrap().len(), 1);

            // The calendar from Monday 22 March 2027: London by day, New York by night,
            // and Nia's family event on the Wednesday.
            let here = c.current_url().await.expect("url");
            c.goto(&format!("{}?from=2027-03-22", here.as_str().split('?').next().unwrap_or_default())).await.expect("calendar");
            let monday = text(&c, "#month td[data-date='2027-03-22']").await;
            assert!(monday.contains("08:00–20:00 Lou Lamb"), "{monday}");
            assert!(monday.contains("20:00–24:00 Nia Nwosu"), "{monday}");
            let wednesday = text(&c, "#month td[data-date='2027-03-24']").await;
            assert!(wednesday.contains("Nia Nwosu away (family)"), "{wednesday}");
            // Sunday 28 March: British Summer Time starts, London's day is 08:00–20:00 BST.
            let sunday = text(&c, "#month td[data-date='2027-03-28']").await;
            assert!(sunday.contains("08:00–20:00 Lou Lamb"), "{sunday}");
            check_accessible(&c).await;
            snap(&c, "schedule-calendar").await;

            // Who is on call at 07:30 London time on 29 March (06:30Z): New York's Nia.
            c.execute(
                "document.querySelector('#ask-at [name=at]').value = '2027-03-29T07:30'; document.querySelector('#ask-at [name=zone]').value = 'Europe/London'; return null;",
                vec![],
            )
            .await
            .expect("ask");
            find(&c, "#ask-at button[type=submit]").await.click().await.expect("ask");
            let answer = text(&c, "#answer").await;
            assert!(answer.contains("Nia Nwosu"), "{answer}");
            // The old answer goes, so the next read waits for the new page's.
            c.execute(
                "document.querySelector('#answer').remove(); document.querySelector('#ask-at [name=at]').value = '2027-03-29T08:30'; return null;",
                vec![],
            )
            .await
            .expect("ask");
            find(&c, "#ask-at button[type=submit]").await.click().await.expect("ask");
            let answer = text(&c, "#answer").await;
            assert!(answer.contains("Lou Lamb"), "{answer}");
        })
        .await;
    app.stop().await;
}
