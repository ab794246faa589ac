//! Signing in by single sign-on against a real OpenID provider on loopback,
//! and invites and password resets by email through a real SMTP server on
//! loopback, end to end through a real `aftercare serve` on each backend.

use aftercare_store::Backend;
use reqwest::Url;
use serde_json::{Value, json};

use crate::common::{TestApp, new_person, post_login, spawn_app_with};
use crate::oidc_provider::{Provider, browse_to_redirect};
use crate::smtp_server::SmtpServer;

/// A browser of Aftercare: keeps cookies, does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A server with single sign-on against a fresh provider, which sends people
/// back to this server's own callback.
async fn app_with_sso(backend: Backend, create_people: bool) -> (TestApp, Provider) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        aftercare_oidc::CALLBACK_PATH
    );
    let provider = Provider::start_for(&callback, false);
    let mut config = provider.config();
    config.create_people = create_people;
    let client = aftercare_oidc::OidcClient::discover(config)
        .await
        .unwrap_or_else(|e| panic!("discovery: {e}\n{}", provider.stderr_text()));
    let app = spawn_app_with(backend, listener, |s| s.with_oidc(client)).await;
    (app, provider)
}

/// From "Sign in with single sign-on" to the provider and back: the URL the
/// provider sends `browser` back to, after signing in there as `account`.
async fn sso_round_trip(
    app: &TestApp,
    provider: &Provider,
    browser: &reqwest::Client,
    account: &str,
) -> Url {
    let res = browser
        .get(app.url("/login/oidc/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = Url::parse(&location(&res)).unwrap();
    assert!(to.as_str().starts_with(&provider.issuer), "{to}");
    browse_to_redirect(&to, account, &provider.redirect_uri).await
}

async fn a_person_signs_in_by_oidc_once_per_start_and_only_in_their_browser(backend: Backend) {
    let (app, provider) = app_with_sso(backend, false).await;
    let robin = app
        .store
        .create_person(&new_person(
            "Robin Verified",
            "ROBIN@example.test",
            "Europe/Dublin",
        ))
        .await
        .unwrap();
    // Someone has a password (first-run setup is over), so /login is the sign-in page.
    app.store
        .create_admin(
            &new_person("Ada Admin", "ada@example.test", "UTC"),
            "x",
            false,
        )
        .await
        .unwrap();
    let b = browser();
    let login = b.get(app.url("/login")).send().await.unwrap();
    assert!(
        login
            .text()
            .await
            .unwrap()
            .contains("Sign in with single sign-on")
    );

    // Verified address, matched without regard to case: signed in, on their own page.
    let back = sso_round_trip(&app, &provider, &b, "verified").await;
    let res = b.get(back.clone()).send().await.unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert_eq!(location(&res), "/");
    let me = b.get(app.url("/me")).send().await.unwrap();
    assert_eq!(location(&me), format!("/people/{}", robin.id));
    let page = b.get(app.url(&location(&me))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Robin Verified"));

    // The same callback again: the pending sign-in was used up.
    let replay = browser().get(back.clone()).send().await.unwrap();
    assert_eq!(replay.status(), 400);
    let b2 = browser();
    let replay = b2.get(back).send().await.unwrap();
    assert!(
        replay
            .text()
            .await
            .unwrap()
            .contains("not started in this browser")
    );

    // Begun in one browser, finished in another (login CSRF): refused.
    let attacker = browser();
    let planted = sso_round_trip(&app, &provider, &attacker, "verified").await;
    let victim = browser();
    let res = victim.get(planted).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").starts_with("aftercare_session="))
    );

    // An address the provider did not verify matches nobody, even if it exists.
    app.store
        .create_person(&new_person("Sam Unverified", "sam@example.test", "UTC"))
        .await
        .unwrap();
    let b3 = browser();
    let back = sso_round_trip(&app, &provider, &b3, "unverified").await;
    let res = b3.get(back).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("did not verify"));

    // The provider saying no (the person declined) is shown in words.
    let res = browser()
        .get(app.url("/login/oidc/callback?error=access_denied&error_description=%3Cb%3Ex"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let text = res.text().await.unwrap();
    assert!(!text.contains("<b>x"), "the description is not echoed");

    // A deactivated person cannot come back by single sign-on.
    aftercare_app::people::deactivate(
        &app.store,
        &aftercare_app::Actor::command_line(),
        &aftercare_app::Actor::command_line().admin().unwrap(),
        robin.id,
    )
    .await
    .unwrap();
    let b4 = browser();
    let back = sso_round_trip(&app, &provider, &b4, "verified").await;
    let res = b4.get(back).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("deactivated"));
    app.stop().await;
}

async fn an_unknown_address_is_refused_unless_people_are_created_at_first_sign_in(
    backend: Backend,
) {
    let (app, provider) = app_with_sso(backend, false).await;
    let b = browser();
    let back = sso_round_trip(&app, &provider, &b, "verified").await;
    let res = b.get(back).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("nobody in Aftercare has the address robin@example.test")
    );
    assert!(
        app.store
            .person_by_email("robin@example.test")
            .await
            .unwrap()
            .is_none()
    );
    app.stop().await;

    let (app, provider) = app_with_sso(backend, true).await;
    let b = browser();
    let back = sso_round_trip(&app, &provider, &b, "verified").await;
    let res = b.get(back).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let robin = app
        .store
        .person_by_email("robin@example.test")
        .await
        .unwrap()
        .expect("created at first sign-in");
    assert_eq!(robin.name, "Robin Verified");
    let me: Value = b
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["person"]["email"], "robin@example.test");
    // Recorded, with how they came.
    let log = app.store.audit_log(None, 10).await.unwrap();
    assert!(
        log.iter().any(|e| e.action == "person.create"
            && e.subject == "robin@example.test"
            && e.actor.starts_with("single sign-on")),
        "{log:?}"
    );
    app.stop().await;
}

/// The `number`th message, waiting without blocking the runtime (the server
/// under test sends resets from a task on this same runtime).
async fn nth_message(smtp: &SmtpServer, number: usize) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while smtp.count() < number && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    smtp.received(number).0
}

/// The link in a message's text (the one line that starts with http).
fn link_in(message: &Value) -> String {
    message["text"]
        .as_str()
        .unwrap()
        .lines()
        .find(|l| l.starts_with("http"))
        .expect("a link in the message")
        .trim()
        .to_string()
}

async fn invites_and_password_resets_arrive_by_email(backend: Backend) {
    let smtp = SmtpServer::start();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mailer = smtp.mailer();
    let app = spawn_app_with(backend, listener, |s| s.with_mailer(mailer)).await;
    let res = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Mina Park", "email": "mina@example.com", "time_zone": "Asia/Seoul"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // The invite goes by email, and says so.
    let res = app
        .post_json(&format!("/api/v1/people/{id}/invite"), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    let invite: Value = res.json().await.unwrap();
    assert_eq!(invite["emailed"], true);
    let message = nth_message(&smtp, 1).await;
    assert_eq!(message["rcpt_tos"], json!(["mina@example.com"]));
    assert_eq!(message["subject"], "Your Aftercare invite");
    let link = link_in(&message);
    assert_eq!(link, invite["url"].as_str().unwrap());
    let res = app
        .client
        .post(&link)
        .form(&[("password", "violet harbour kettle")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // Forgot it: the reset link arrives through the SMTP server.
    let login = app.client.get(app.url("/login")).send().await.unwrap();
    assert!(
        login
            .text()
            .await
            .unwrap()
            .contains("Forgot your password?")
    );
    let res = app
        .client
        .post(app.url("/password/forgot"))
        .form(&[("email", "Mina@Example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let sent_page = res.text().await.unwrap();
    let message = nth_message(&smtp, 2).await;
    assert_eq!(message["subject"], "Reset your Aftercare password");
    assert_eq!(message["rcpt_tos"], json!(["mina@example.com"]));
    let link = link_in(&message);
    let page = app.client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let res = app
        .client
        .post(&link)
        .form(&[("password", "copper lantern meadow")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        post_login(&app, "mina@example.com", "violet harbour kettle")
            .await
            .status(),
        401
    );
    assert_eq!(
        post_login(&app, "mina@example.com", "copper lantern meadow")
            .await
            .status(),
        303
    );
    // Used once.
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 404);

    // An address nobody has gets the same page and no message.
    let res = app
        .client
        .post(app.url("/password/forgot"))
        .form(&[("email", "nobody@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert_eq!(
        text.replace("nobody@example.com", "X"),
        sent_page.replace("Mina@Example.com", "X")
    );
    // And a blank address is a field error, in words.
    let res = app
        .client
        .post(app.url("/password/forgot"))
        .form(&[("email", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Email must be an email address")
    );
    // Past three requests in a quarter hour, nothing more is sent to the address.
    for _ in 0..4 {
        app.client
            .post(app.url("/password/forgot"))
            .form(&[("email", "mina@example.com")])
            .send()
            .await
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.count(), 4, "two resets more, then silence");
    app.stop().await;
}

crate::on_both!(
    a_person_signs_in_by_oidc_once_per_start_and_only_in_their_browser,
    an_unknown_address_is_refused_unless_people_are_created_at_first_sign_in,
    invites_and_password_resets_arrive_by_email,
);
