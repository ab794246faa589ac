//! `spawn_app`: a real server on port 0 over a fresh database (SQLite file or a new
//! PostgreSQL database), with an admin token, for end-to-end tests.

use std::net::SocketAddr;

use aftercare_app::accounts;
use aftercare_server::{AppState, ServerConfig};
use aftercare_store::testing::TestDatabase;
use aftercare_store::{Backend, Store};
use tokio::sync::oneshot;

pub struct TestApp {
    pub address: SocketAddr,
    pub store: Store,
    pub client: reqwest::Client,
    pub admin_token: String,
    pub db: Option<TestDatabase>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn database_url(&self) -> String {
        self.db.as_ref().map(|d| d.url.clone()).unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&self.admin_token)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// A token acting as the person with this email, as the command line makes
    /// one (their work data, not what belongs to them alone).
    pub async fn token_for(&self, email: &str) -> String {
        let person = self
            .store
            .person_by_email(email)
            .await
            .unwrap()
            .expect("person exists");
        accounts::create_token_for(&self.store, Some(&person), false, "test")
            .await
            .unwrap()
            .token
    }

    /// Stops the server gracefully and drops the test database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.store.close().await;
        if let Some(db) = self.db.take() {
            db.cleanup().await.expect("drop test database");
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    spawn_app_with(backend, listener, |state| state).await
}

/// A server on a listener bound beforehand (so its address can be given to an
/// OpenID provider first), with its state extended (single sign-on, email).
pub async fn spawn_app_with(
    backend: Backend,
    listener: tokio::net::TcpListener,
    extend: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    let db = TestDatabase::new(backend).await.expect("test database");
    let store = db.store().await.expect("connect");
    let address = listener.local_addr().expect("address");
    let config = ServerConfig {
        public_url: format!("http://{address}"),
        ..ServerConfig::default()
    };
    let state = extend(AppState::new(store.clone(), config));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        aftercare_server::serve(listener, state, async {
            let _ = stopped.await;
        })
        .await
        .expect("serve");
    });
    let admin_token = accounts::create_token_for(&store, None, true, "test admin")
        .await
        .unwrap()
        .token;
    TestApp {
        address,
        store,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        admin_token,
        db: Some(db),
        stop: Some(stop),
        server: Some(server),
    }
}

/// Runs one story against SQLite and PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $story() { super::$story(aftercare_store::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $story() { super::$story(aftercare_store::Backend::Postgres).await } )*
        }
    };
}

/// The project's own fixtures, which the crates' tests use too: `webhooks/<sender>/<file>` (in
/// `crates/webhooks/tests/fixtures`) or `ical/<file>` (in `crates/schedule/tests/fixtures`).
pub fn fixture_path(path: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (folder, rest) = path.split_once('/').unwrap_or((path, ""));
    let dir = match folder {
        "webhooks" => "crates/webhooks/tests/fixtures",
        "ical" => "crates/schedule/tests/fixtures",
        _ => panic!("{path}: fixtures are under webhooks/ or ical/"),
    };
    root.join(dir).join(rest)
}

/// Another server process's worth of state on an existing database: what a second
/// `aftercare serve` behind a load balancer would be.
pub async fn spawn_on(database_url: String) -> TestApp {
    let store = Store::connect(&database_url).await.expect("connect");
    let state = AppState::new(store.clone(), ServerConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        aftercare_server::serve(listener, state, async {
            let _ = stopped.await;
        })
        .await
        .expect("serve");
    });
    TestApp {
        address,
        store,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        admin_token: String::new(),
        db: None,
        stop: Some(stop),
        server: Some(server),
    }
}

/// A person with PagerDuty's default hours in the given zone.
pub fn new_person(name: &str, email: &str, time_zone: &str) -> aftercare_store::NewPerson {
    aftercare_app::validate::person(&aftercare_app::validate::PersonInput {
        name: name.into(),
        email: email.into(),
        time_zone: time_zone.into(),
        ..Default::default()
    })
    .expect("a valid person")
}

/// Posts the sign-in form as a browser would: first the page (which sets the
/// login-CSRF cookie and hidden field), then the form with both.
pub async fn post_login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let page = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .expect("GET /login");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("aftercare_login="))
        .and_then(|v| v.split(';').next())
        .expect("login cookie")
        .to_string();
    let html = page.text().await.expect("login page");
    let marker = "name=\"login_csrf\" value=\"";
    let start = html.find(marker).expect("login_csrf field") + marker.len();
    let end = start + html[start..].find('"').expect("end of value");
    let token = html[start..end].to_string();
    app.client
        .post(app.url("/login"))
        .header("cookie", cookie)
        .form(&[
            ("email", email),
            ("password", password),
            ("login_csrf", &token),
        ])
        .send()
        .await
        .expect("POST /login")
}

/// Delivers one page for `team` through `integration` that matched nobody,
/// its sender naming the PagerDuty user `external_id`, an hour ago; returns its id.
pub async fn unattributed_page(
    store: &Store,
    integration: aftercare_store::IntegrationId,
    team: aftercare_store::TeamId,
    external_id: &str,
) -> aftercare_store::NotificationId {
    let at = jiff::Timestamp::now().as_millisecond() - 3_600_000;
    let mut page = aftercare_store::NewNotification::bare(
        None,
        Some(team),
        at,
        &format!("incident-{external_id}"),
        "pagerduty",
        "unattributed",
    );
    page.title = Some("Checkout latency".into());
    page.named = Some(aftercare_store::Named {
        kind: "pagerduty".into(),
        external_id: Some(external_id.into()),
        email: None,
        name: Some("Named Sender".into()),
    });
    store
        .record_deliveries(&[aftercare_store::NewDelivery {
            incident: None,
            integration_id: integration,
            delivery_id: format!("delivery-{external_id}-{at}"),
            received_at: at,
            raw: b"{}".to_vec(),
            event_json: "{}".into(),
            notifications: vec![page],
        }])
        .await
        .expect("record the page");
    store
        .unattributed(team, at - 1, at + 1)
        .await
        .expect("unattributed pages")
        .into_iter()
        .find(|n| n.named_external_id.as_deref() == Some(external_id))
        .expect("the page is unattributed")
        .id
}

/// Hours that allow a message now, whatever the time of day a test runs at: every day, all
/// day, no sleep window, in a zone where it is about noon (the hours rule has its own tests).
pub fn always() -> aftercare_burden::PersonHours {
    use aftercare_burden::{DailyWindow, PersonHours, WorkingDays};
    let hour = i32::from(
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .hour(),
    );
    let offset = 12 - hour;
    let zone = match offset {
        0 => "UTC".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    };
    PersonHours {
        time_zone: jiff::tz::TimeZone::get(&zone).unwrap(),
        working_days: WorkingDays::ALL,
        working_hours: DailyWindow::parse("00:00", "23:59").unwrap(),
        sleep_window: DailyWindow::parse("00:00", "00:00").unwrap(),
    }
}

/// Someone in `team` with `role`, their email made from their name, living in `zone`.
pub async fn person_in(
    store: &Store,
    team: aftercare_store::TeamId,
    name: &str,
    role: aftercare_store::TeamRole,
    zone: &str,
) -> aftercare_store::PersonId {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    let p = store
        .create_person(&new_person(name, &email, zone))
        .await
        .unwrap();
    store.set_membership(team, p.id, role).await.unwrap();
    p.id
}

/// A personal token the person made for themselves: it acts as them, own data included.
pub async fn token_of(store: &Store, id: aftercare_store::PersonId) -> String {
    let s = accounts::start_session(store, id).await.unwrap();
    let actor = accounts::by_session(store, &s.cookie)
        .await
        .unwrap()
        .unwrap();
    accounts::create_own_token(store, &actor, "mine")
        .await
        .unwrap()
        .token
}

/// An API call with a bearer token: the status, and the body as JSON (or, when it is
/// not JSON, as one string).
pub async fn call(
    app: &TestApp,
    method: &str,
    token: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = app
        .client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            app.url(path),
        )
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}
