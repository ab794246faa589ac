//! Newcomers in Chromium: a lead marks a member of a rotation as new with a buddy (a
//! buddy who is the newcomer is refused beside the form), sees rotation health name
//! them with its source, plans a shadow shift on a teammate's past shift and sees the
//! finding go; the newcomer signs in, sees on their own page first that they are new,
//! with their buddy, and on the rotation page their shadow shift.

use aftercare_store::{Backend, PersonId, Store, TeamRole};

use super::{Browser, ONE_BROWSER, Screen, check_accessible, count, find, log_in, snap, text};
use crate::common::{new_person, spawn_app};

async fn someone(store: &Store, name: &str, email: &str) -> PersonId {
    let p = store
        .upsert_person(&new_person(name, email, "Europe/London"))
        .await
        .unwrap()
        .0;
    let hash = aftercare_app::passwords::hash_password("a long password").unwrap();
    store.set_password_hash(p.id, &hash).await.unwrap();
    p.id
}

#[tokio::test]
async fn a_lead_gives_a_newcomer_a_buddy_and_a_shadow_shift_in_chromium() {
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
    let lead = someone(&s, "Lena Lead", "lena@example.org").await;
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    let mut members = Vec::new();
    for (name, email) in [
        ("Ana Ahn", "ana@example.org"),
        ("Ben Bauer", "ben@example.org"),
        ("Cara Cole", "cara@example.org"),
        ("Dev Dutta", "dev@example.org"),
        ("Eve Eze", "eve@example.org"),
        ("Nia New", "nia@example.org"),
    ] {
        let id = someone(&s, name, email).await;
        s.set_membership(team, id, TeamRole::Member).await.unwrap();
        members.push(id);
    }
    let nia = members[5];
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team,
            name: "primary".into(),
            time_zone: "Europe/London".into(),
            starts_local: "2026-01-05T09:00".into(),
            shift_length: "1w".into(),
            members: members.clone(),
        })
        .await
        .unwrap()
        .rotation
        .id;
    // A past week that is not Nia's: the shift she shadows.
    let admin = aftercare_app::Actor::command_line();
    let mut past = None;
    for days in [8, 15] {
        let t = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days);
        let o = aftercare_app::rotations::on_call(&s, &admin, rotation, t)
            .await
            .unwrap()
            .on_call
            .unwrap();
        if o.person_id != nia {
            past = Some(o);
            break;
        }
    }
    let past = past.expect("a teammate's past week");
    let from = past
        .shift_start
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let base = app.url("");
    let store = s.clone();
    Browser::launch(&Screen::Desktop)
        .await
        .run("newcomers", move |c| async move {
            log_in(&c, &base, "lena@example.org", "a long password").await;
            c.goto(&format!("{base}/rotations/{rotation}")).await.expect("rotation page");
            find(&c, "#no-newcomers").await;
            find(&c, "#newcomers details summary").await.click().await.expect("open the form");
            let choose = |field: &str, id: PersonId| {
                format!("document.querySelector('#mark-newcomer [name={field}]').value = '{id}'; return null;")
            };
            // Her own buddy: refused beside the form, nothing stored.
            c.execute(&choose("person_id", nia), vec![]).await.expect("newcomer");
            c.execute(&choose("buddy_id", nia), vec![]).await.expect("buddy");
            find(&c, "#mark-newcomer button[type=submit]").await.click().await.expect("mark");
            let err = text(&c, "#newcomer-error").await;
            assert!(err.starts_with("buddy_id:"), "{err}");
            assert!(store.rotation_newcomers(rotation).await.unwrap().is_empty());
            check_accessible(&c).await;
            c.execute(&choose("person_id", nia), vec![]).await.expect("newcomer");
            c.execute(&choose("buddy_id", members[0]), vec![]).await.expect("buddy");
            find(&c, "#mark-newcomer button[type=submit]").await.click().await.expect("mark");
            let card = text(&c, "#newcomers article.newcomer").await;
            assert!(card.contains("Nia New") && card.contains("Buddy: Ana Ahn"), "{card}");
            assert!(card.contains("No shadow shift planned yet"), "{card}");
            let finding = text(&c, "#health .finding[data-code='newcomer.no_shadow_shifts']").await;
            assert!(finding.contains("Nia New"), "{finding}");
            assert!(finding.contains("Source: PagerDuty"), "{finding}");
            snap(&c, "newcomer-marked").await;

            // She plans the shadow shift on a teammate's past week.
            c.execute(
                &format!("document.querySelector('.add-shadow [name=from]').value = '{from}'; return null;"),
                vec![],
            )
            .await
            .expect("from");
            find(&c, ".add-shadow button[type=submit]").await.click().await.expect("plan");
            let planned = text(&c, "#newcomers .shadow-shifts").await;
            assert!(planned.contains(&format!("following {}", past.name)), "{planned}");
            assert!(planned.contains("done"), "{planned}");
            assert_eq!(count(&c, "#health .finding[data-code='newcomer.no_shadow_shifts']").await, 0);
            check_accessible(&c).await;
            snap(&c, "newcomer-shadowed").await;

            // Nia sees herself, her buddy and her shadow shift; she changes nothing.
            c.delete_all_cookies().await.expect("sign out");
            log_in(&c, &base, "nia@example.org", "a long password").await;
            // Her own page, where she lands, says it first.
            c.goto(&format!("{base}/me")).await.expect("own page");
            let first = text(&c, ".new-to").await;
            assert!(first.contains("new to on call in primary"), "{first}");
            assert!(first.contains("your buddy is Ana Ahn"), "{first}");
            assert!(first.contains("You have shadowed 1 shift"), "{first}");
            check_accessible(&c).await;
            find(&c, ".new-to a").await.click().await.expect("to the rotation");
            let mine = text(&c, "#newcomers article.newcomer").await;
            assert!(mine.contains("Nia New (you)") && mine.contains("Buddy: Ana Ahn"), "{mine}");
            assert!(mine.contains("1 shadow shift done"), "{mine}");
            assert_eq!(count(&c, "#newcomers form").await, 0);
        })
        .await;
}
