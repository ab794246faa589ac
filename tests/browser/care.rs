//! Care after an incident, in Chromium: a responder's incident resolves, a check-in
//! arrives in their inbox, they answer it and see their trend, and write a journal
//! entry; their peer supporter gets the nudge and marks that they reached out; the
//! lead ticks their checklist, and sees the pulse only once five people answered.

use aftercare_app::channels::Delivery;
use aftercare_app::jobs::{Runner, RunnerConfig};
use aftercare_store::{
    Backend, IncidentChange, NewIncident, ParticipantOrigin, ParticipantRole, PersonId, Store,
    TeamRole,
};
use jiff::Timestamp;
use serde_json::Value;

use super::{
    Browser, ONE_BROWSER, Screen, check_accessible, count, fill, find, log_in, snap, text,
    wait_for_location,
};
use crate::common::{always, new_person, spawn_app};

async fn someone(store: &Store, name: &str, email: &str, password: &str) -> PersonId {
    let mut n = new_person(name, email, "UTC");
    n.hours = always();
    let p = store.upsert_person(&n).await.unwrap().0;
    let hash = aftercare_app::passwords::hash_password(password).unwrap();
    store.set_password_hash(p.id, &hash).await.unwrap();
    p.id
}

async fn run_jobs(store: &Store) {
    let r = Runner::new(
        store.clone(),
        Delivery::new("http://127.0.0.1:1"),
        RunnerConfig::new("browser-test"),
    );
    for _ in 0..50 {
        if r.tick(Timestamp::now()).await.unwrap().claimed == 0 {
            return;
        }
    }
}

#[tokio::test]
async fn a_responder_is_checked_in_on_supported_and_counted_only_in_aggregate_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    let s = app.store.clone();
    // An organisation that has been set up (without an admin the pages ask for first-run setup).
    s.create_admin(
        &new_person("Ada Admin", "ada@example.org", "UTC"),
        "not-a-usable-hash",
        false,
    )
    .await
    .unwrap();
    let team = s.ensure_team("search").await.unwrap().id;
    let lead = someone(&s, "Lena Lead", "lena@example.org", "lena's password").await;
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    let mut responders = Vec::new();
    for i in 0..5 {
        let id = someone(
            &s,
            &format!("Responder {i}"),
            &format!("r{i}@example.org"),
            "responder password",
        )
        .await;
        s.set_membership(team, id, TeamRole::Member).await.unwrap();
        responders.push(id);
    }
    let other = s.ensure_team("platform").await.unwrap().id;
    let supporter = someone(&s, "Sol Supporter", "sol@example.org", "sol's password").await;
    s.set_membership(other, supporter, TeamRole::Member)
        .await
        .unwrap();
    s.set_supporter(supporter, true).await.unwrap();
    // The incident: five responders, resolved 30 hours ago, so the first check-in is due.
    let day_ago = (Timestamp::now() - jiff::SignedDuration::from_hours(30)).as_millisecond();
    let incident = s
        .create_incident(&NewIncident {
            team_id: Some(team),
            incident_key: "browser-care".into(),
            title: "Search results empty".into(),
            severity: None,
            started_at: day_ago - 7_200_000,
            resolved_at: None,
            created_by: None,
        })
        .await
        .unwrap()
        .id;
    for r in &responders {
        s.add_participant(
            incident,
            *r,
            ParticipantRole::Responder,
            ParticipantOrigin::Payload,
            day_ago - 7_200_000,
        )
        .await
        .unwrap();
    }
    s.update_incident(
        incident,
        &IncidentChange {
            resolved_at: Some(Some(day_ago)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    run_jobs(&s).await;

    let base = app.url("");
    let store = s.clone();
    let others = responders[1..].to_vec();
    Browser::launch(&Screen::Desktop)
        .await
        .run("care", move |c| async move {
            // ---- the responder: inbox, check-in, trend, journal
            log_in(&c, &base, "r0@example.org", "responder password").await;
            c.goto(&format!("{base}/inbox")).await.expect("inbox");
            let first = text(&c, ".inbox li h2").await;
            assert!(first.contains("Search results empty"), "{first}");
            find(&c, ".inbox li a[href^='/checkins/']").await.click().await.expect("open the check-in");
            wait_for_location(&c, "the check-in", |p| p.starts_with("/checkins/")).await;
            check_accessible(&c).await;
            // Saving with nothing chosen names what is missing, beside the measure.
            find(&c, "button[name=action][value=answer]").await.click().await.expect("save");
            let err = text(&c, ".field-error").await;
            assert!(err.contains("not answered"), "{err}");
            // "Stressed" on the stress item, by a click; the middle of every other scale.
            find(&c, "input[name='post-incident-stress.stress'][value='4']").await.click().await.expect("choose");
            let _: Value = super::js(
                &c,
                "document.querySelectorAll('#checkin-form fieldset.item').forEach(f => { if (!f.querySelector('input:checked')) f.querySelector('input[value=\"3\"]').click(); }); return null;",
            )
            .await;
            find(&c, "button[name=action][value=answer]").await.click().await.expect("save");
            find(&c, "#answered").await;
            snap(&c, "checkin-answered").await;
            c.goto(&format!("{base}/checkins")).await.expect("check-ins");
            let reading = text(&c, ".trend[data-measure='post-incident-stress'] .reading").await;
            assert!(reading.contains("first answer"), "{reading}");
            check_accessible(&c).await;
            // The journal: said plainly first, sealed, opened again with the passphrase.
            c.goto(&format!("{base}/journal")).await.expect("journal");
            assert!(text(&c, "#passphrase-warning").await.contains("gone for good"));
            fill(&c, "text", "Tired, and proud of how the team pulled together.").await;
            fill(&c, "passphrase", "my own long passphrase").await;
            find(&c, "#journal-write button[type=submit]").await.click().await.expect("save entry");
            wait_for_location(&c, "the saved entry", |p| p.contains("journal-saved")).await;
            find(&c, "#journal-open input[name=passphrase]")
                .await
                .send_keys("my own long passphrase")
                .await
                .expect("type the passphrase");
            find(&c, "#journal-open button[type=submit]:not([name])").await.click().await.expect("open entries");
            assert!(text(&c, ".entry-text").await.contains("proud of how the team"));
            check_accessible(&c).await;
            find(&c, "form[action='/logout'] button").await.click().await.expect("log out");
            wait_for_location(&c, "/login", |p| p == "/login").await;

            // ---- the supporter: the nudge, and "I reached out"
            log_in(&c, &base, "sol@example.org", "sol's password").await;
            c.goto(&format!("{base}/inbox")).await.expect("inbox");
            let titles = text(&c, ".inbox").await;
            assert!(titles.contains("Reach out to Responder 0"), "{titles}");
            c.goto(&format!("{base}/support")).await.expect("support");
            check_accessible(&c).await;
            let before = count(&c, "#supporting form[action*='reached-out']").await;
            assert_eq!(before, 5, "one pairing per responder");
            find(&c, "#supporting form[action*='reached-out'] button").await.click().await.expect("reached out");
            wait_for_location(&c, "marked", |p| p.contains("reached-out")).await;
            assert_eq!(count(&c, "#supporting form[action*='reached-out']").await, before - 1);
            find(&c, "form[action='/logout'] button").await.click().await.expect("log out");
            wait_for_location(&c, "/login", |p| p == "/login").await;

            // ---- the lead: the checklist, and the pulse withheld until five answered
            log_in(&c, &base, "lena@example.org", "lena's password").await;
            c.goto(&format!("{base}/incidents/{incident}/care")).await.expect("care");
            check_accessible(&c).await;
            find(&c, "#checklist li[data-item='reach-out'] button[value=yes]").await.click().await.expect("done");
            wait_for_location(&c, "saved", |p| p.contains("checklist-saved")).await;
            find(&c, "#checklist li[data-item='reach-out'] .badge").await;
            c.goto(&format!("{base}/teams/{team}/pulse")).await.expect("pulse");
            check_accessible(&c).await;
            let row = text(&c, "#pulse tr:first-child").await;
            assert!(row.contains("withheld"), "one answer: {row}");
            // The four others answer (through the same use-case the API calls).
            for id in others {
                let session = aftercare_app::accounts::start_session(&store, id).await.unwrap();
                let actor = aftercare_app::accounts::by_session(&store, &session.cookie).await.unwrap().unwrap();
                let open = aftercare_app::checkins::list(&store, &actor).await.unwrap();
                let c0 = open.iter().find(|x| x.status == "open").expect("an open check-in");
                let mut reply = aftercare_app::checkins::CheckinReply::default();
                for m in &c0.measures {
                    reply.answers.insert(
                        m.id.clone(),
                        m.items.iter().map(|i| (i.id.clone(), 2)).collect(),
                    );
                }
                aftercare_app::checkins::reply(&store, &actor, c0.id, &reply).await.unwrap();
            }
            c.refresh().await.expect("reload");
            let row = text(&c, "#pulse tr:first-child").await;
            assert!(row.contains("20%"), "one of five stressed: {row}");
            snap(&c, "pulse").await;
        })
        .await;
    app.stop().await;
}

/// The lens page: a lead types a review, the blameful words are underlined as they type,
/// with the reason and a rewrite on keyboard focus; a colleague's name counts as a culprit.
#[tokio::test]
async fn the_lens_underlines_blame_as_you_type_in_chromium() {
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
    someone(&s, "Lena Lead", "lena@example.org", "lena's password").await;
    someone(
        &s,
        "Priya Natarajan",
        "priya@example.org",
        "another password",
    )
    .await;
    let base = app.url("");
    Browser::launch(&Screen::Desktop)
        .await
        .run("lens", move |c| async move {
            log_in(&c, &base, "lena@example.org", "lena's password").await;
            c.goto(&format!("{base}/lens")).await.expect("lens");
            check_accessible(&c).await;
            find(&c, "#review")
                .await
                .send_keys("The disk filled up overnight.\nThe outage was caused by human error.\nPriya Natarajan broke production by pushing the wrong config.")
                .await
                .expect("type");
            // No button pressed: htmx posts after the pause in typing.
            let mark = find(&c, "#lens-result mark.finding").await;
            let tip = mark.attr("data-tip").await.expect("attr").unwrap_or_default();
            assert!(tip.contains("Try:"), "{tip}");
            let listed = text(&c, "#lens-result ol.findings").await;
            assert!(listed.contains("human-error"), "{listed}");
            assert!(listed.contains("blame-naming"), "a name from the directory: {listed}");
            // Keyboard: the underlined passage takes focus, and says what it is about.
            let focused: bool = super::js(
                &c,
                "const m = document.querySelector('mark.finding'); m.focus(); return document.activeElement === m && !!document.getElementById(m.getAttribute('aria-describedby'));",
            )
            .await;
            assert!(focused);
            check_accessible(&c).await;
            snap(&c, "lens").await;
        })
        .await;
    app.stop().await;
}
