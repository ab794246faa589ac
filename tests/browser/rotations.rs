//! Rotations in Chromium: a lead adds one to their team (a refused shift length is shown
//! beside the form with what was typed kept), opens it, sees who is on call now, and reads
//! the health panel: a rotation of three is too small, with the source of that threshold.

use aftercare_store::{Backend, PersonId, Store, TeamRole};

use super::{Browser, ONE_BROWSER, Screen, check_accessible, fill, find, log_in, snap, text};
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
            assert_eq!(store.team_rotations(team).await.unwrap().len(), 1);
        })
        .await;
}
