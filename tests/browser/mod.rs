//! The web UI in real headless Chromium, driven over WebDriver by fantoccini:
//! first-run setup, a lead's team page and a person's heatmap (with the htmx
//! period switch), a member's limits and logging out, and a phone-sized screen.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`apt-get install chromium
//! chromium-driver`); other paths can be given with `AFTERCARE_CHROMIUM` and
//! `AFTERCARE_CHROMEDRIVER`. Without them these tests fail, they never skip.
//! Set `AFTERCARE_SCREENSHOTS=DIR` to keep a screenshot of every step; a failing
//! story always leaves one in the temporary folder.

use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aftercare_store::Backend;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

mod care;
mod newcomers;
mod numbers;
mod rotations;
mod schedules;

const WAIT: Duration = Duration::from_secs(20);
const DEMO_PASSWORD: &str = "aftercare-demo";
const LEAD: &str = "alex.rivera@example.com";
const BROWSER_TIME_ZONE: &str = "America/Sao_Paulo";

/// One browser at a time: each story starts its own Chromium, and two of them
/// at once on a small CI machine make every wait slower for nothing.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn tool(var: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found: the browser tests need real Chromium. Install it with `apt-get install chromium chromium-driver` \
         (Debian package {package}) or point {var} at it.",
        path.display()
    );
    path
}

/// A chromedriver child process, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Driver {
        let chromedriver = tool(
            "AFTERCARE_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromium-driver",
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            // The browser's own time zone, the same on every machine (setup offers it).
            .env("TZ", BROWSER_TIME_ZONE)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
        let mut driver = Driver { child, port };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = driver.child.try_wait().expect("chromedriver status") {
                panic!("chromedriver exited at start ({status})");
            }
            if let Ok(r) = http
                .get(format!("http://127.0.0.1:{port}/status"))
                .send()
                .await
                && r.status().is_success()
            {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {port} within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

enum Screen {
    Desktop,
    /// A 390×844 phone: mobile emulation, so the viewport meta tag counts.
    Phone,
}

struct Browser {
    client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn launch(screen: &Screen) -> Browser {
        let chromium = tool("AFTERCARE_CHROMIUM", "/usr/bin/chromium", "chromium");
        let driver = Driver::start().await;
        let profile = tempfile::tempdir().expect("profile dir");
        let window = match screen {
            Screen::Desktop => "--window-size=1280,900",
            Screen::Phone => "--window-size=390,844",
        };
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.path().display()), window,
            ],
        });
        if let Screen::Phone = screen {
            options["mobileEmulation"] = json!({ "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0, "touch": true } });
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "timeouts": { "pageLoad": 30_000, "script": 10_000, "implicit": 0 },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("starting a Chromium session through chromedriver: {e}"));
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    /// Runs a story, keeps a screenshot if it fails, and always ends the session
    /// so no Chromium outlives the test.
    async fn run<F, Fut>(self, name: &str, story: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let started = Instant::now();
        let outcome = tokio::spawn(story(self.client.clone())).await;
        if outcome.is_err() {
            let url = self
                .client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let file = std::env::temp_dir().join(format!("aftercare-failed-{name}.png"));
            if let Ok(png) = self.client.screenshot().await
                && std::fs::write(&file, png).is_ok()
            {
                eprintln!(
                    "story {name} failed at {url}; screenshot: {}",
                    file.display()
                );
            }
        }
        let _ = self.client.close().await;
        match outcome {
            Ok(()) => eprintln!(
                "story {name}: {:.1} s in Chromium",
                started.elapsed().as_secs_f64()
            ),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("story {name}: {e}"),
        }
    }
}

// ---- helpers ------------------------------------------------------------------

async fn find(c: &Client, css: &str) -> Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => {
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            panic!("no `{css}` on {url} within {WAIT:?}: {e}")
        }
    }
}

async fn text(c: &Client, css: &str) -> String {
    find(c, css)
        .await
        .text()
        .await
        .expect("text")
        .trim()
        .to_string()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.expect("find_all").len()
}

/// The path and query of the current page.
async fn location(c: &Client) -> String {
    let url = c.current_url().await.expect("current url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Polls until the current path and query satisfies `ok`.
async fn wait_for_location(c: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let here = location(c).await;
        if ok(&here) {
            return here;
        }
        assert!(
            Instant::now() < deadline,
            "still on {here} after {WAIT:?}, waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn js<T: serde::de::DeserializeOwned>(c: &Client, script: &str) -> T {
    let value = c
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"));
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("script returned {value}: {e}"))
}

async fn fill(c: &Client, name: &str, value: &str) {
    let input = find(c, &format!("[name='{name}']")).await;
    input.clear().await.expect("clear");
    input.send_keys(value).await.expect("type");
}

/// Saves a screenshot of the current page when `AFTERCARE_SCREENSHOTS` names a folder.
async fn snap(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("AFTERCARE_SCREENSHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(
            PathBuf::from(dir).join(format!("aftercare-{name}.png")),
            png,
        )
        .expect("write screenshot");
    }
}

/// Checks every page for what a screen-reader or keyboard user needs: a language,
/// a title, one h1, a main landmark, labelled controls and images, unique ids.
async fn check_accessible(c: &Client) {
    let problems: Vec<String> = js(
        c,
        r#"
        const problems = [];
        if (!document.documentElement.lang) problems.push('html has no lang');
        if (!document.title.trim()) problems.push('no title');
        const h1 = document.querySelectorAll('h1').length;
        if (h1 !== 1) problems.push(h1 + ' h1 elements');
        if (!document.querySelector('main')) problems.push('no main landmark');
        for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
          if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push('unlabelled ' + el.outerHTML.slice(0, 80));
        }
        for (const el of document.querySelectorAll('[role=img], img')) {
          if (!el.getAttribute('aria-label') && !el.getAttribute('alt')) problems.push('image without a text alternative');
        }
        for (const el of document.querySelectorAll('a[href], button')) {
          if (!el.textContent.trim() && !el.getAttribute('aria-label')) problems.push('control without a name: ' + el.outerHTML.slice(0, 80));
        }
        const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
        const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
        if (dup.length) problems.push('duplicate ids: ' + dup.join(', '));
        return problems;
        "#,
    )
    .await;
    let here = location(c).await;
    assert!(
        problems.is_empty(),
        "accessibility problems on {here}: {problems:?}"
    );
}

async fn log_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.expect("open /login");
    find(c, "form[action='/login']").await;
    check_accessible(c).await;
    fill(c, "email", email).await;
    fill(c, "password", password).await;
    find(c, "form[action='/login'] button[type=submit]")
        .await
        .click()
        .await
        .expect("submit login");
    wait_for_location(c, "the first page after logging in", |p| p != "/login").await;
    find(c, "form[action='/logout']").await;
}

async fn demo(app: &TestApp) {
    let url = app.database_url();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_aftercare"))
            .args(["demo", "--database-url", &url])
            .output()
            .expect("run aftercare demo")
    })
    .await
    .expect("demo task");
    assert!(
        out.status.success(),
        "aftercare demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn person_id(app: &TestApp, email: &str) -> aftercare_store::PersonId {
    app.store
        .person_by_email(email)
        .await
        .unwrap()
        .expect("demo person")
        .id
}

// ---- stories ------------------------------------------------------------------

#[tokio::test]
async fn first_run_setup_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    let base = app.url("");
    Browser::launch(&Screen::Desktop)
        .await
        .run("setup", |c| async move {
            c.goto(&format!("{base}/")).await.expect("open /");
            assert_eq!(
                wait_for_location(&c, "/setup", |p| p == "/setup").await,
                "/setup"
            );
            find(&c, "form[action='/setup']").await;
            assert_eq!(text(&c, "h1").await, "Welcome to Aftercare");
            // The form offers the browser's time zone rather than UTC.
            let offered = find(&c, "[name=time_zone]")
                .await
                .prop("value")
                .await
                .unwrap();
            assert_eq!(offered.as_deref(), Some(BROWSER_TIME_ZONE));
            check_accessible(&c).await;
            snap(&c, "setup").await;

            // A mistake comes back as an alert, with what was typed kept.
            fill(&c, "name", "Robin Admin").await;
            fill(&c, "email", "robin@example.com").await;
            fill(&c, "time_zone", "Mars/Olympus_Mons").await;
            fill(&c, "password", "a long enough password").await;
            find(&c, "form[action='/setup'] button[type=submit]")
                .await
                .click()
                .await
                .expect("submit setup");
            let alert = text(&c, "[role=alert]").await;
            assert!(
                alert.contains("Mars/Olympus_Mons") || alert.to_lowercase().contains("time zone"),
                "alert: {alert}"
            );
            assert_eq!(
                find(&c, "[name=email]")
                    .await
                    .prop("value")
                    .await
                    .unwrap()
                    .as_deref(),
                Some("robin@example.com")
            );
            check_accessible(&c).await;
            snap(&c, "setup-error").await;

            fill(&c, "time_zone", "Europe/Dublin").await;
            fill(&c, "password", "a long enough password").await;
            find(&c, "form[action='/setup'] button[type=submit]")
                .await
                .click()
                .await
                .expect("submit setup");
            assert_eq!(
                wait_for_location(&c, "/teams", |p| p != "/setup").await,
                "/teams"
            );
            assert_eq!(text(&c, "h1").await, "Teams");
            let logout = find(&c, "form[action='/logout'] button").await;
            assert_eq!(
                logout.attr("title").await.unwrap().as_deref(),
                Some("Sign out Robin Admin")
            );
            check_accessible(&c).await;
            snap(&c, "setup-done").await;

            // Setup is closed now: it sends a logged-in admin onwards, not back to the form.
            c.goto(&format!("{base}/setup")).await.expect("open /setup");
            let here = wait_for_location(&c, "leaving /setup", |p| p != "/setup").await;
            assert_ne!(here, "/setup");
            assert_eq!(count(&c, "form[action='/setup']").await, 0);
        })
        .await;
    app.stop().await;
}

#[derive(Deserialize, Debug)]
struct MemberRow {
    name: String,
    href: String,
    sleep: u32,
    nights: u32,
    rects: u32,
    heavy: bool,
}

#[derive(Deserialize, Debug, Clone, Copy, PartialEq)]
struct Figures {
    sleep: u32,
    off: u32,
    business: u32,
    nights: u32,
    streak: u32,
    /// Days drawn in the calendar, and those coloured by a sleep-hour interruption.
    cells: u32,
    sleep_cells: u32,
    listed_nights: u32,
}

const FIGURES: &str = r#"
    const n = k => Number(document.querySelector('#burden [data-figure=' + k + ']').textContent.trim());
    const nights = document.querySelector('#burden ul.nights');
    return {
      sleep: n('sleep'), off: n('off'), business: n('business'), nights: n('disrupted-nights'), streak: n('longest-streak'),
      cells: document.querySelectorAll('#heatmap .cell[data-date]').length,
      sleep_cells: document.querySelectorAll('#heatmap .cell.sleep').length,
      listed_nights: nights ? nights.querySelectorAll('li').length : 0,
    };
"#;

/// The figures on a person's page agree with each other and with the calendar.
fn consistent(f: &Figures, days: u32) {
    assert!(
        f.nights <= f.sleep,
        "{f:?}: more disrupted nights than sleep-hour interruptions"
    );
    assert!(
        f.streak <= f.nights,
        "{f:?}: a streak longer than the disrupted nights"
    );
    assert_eq!(
        f.listed_nights, f.nights,
        "{f:?}: the list of disrupted nights"
    );
    assert_eq!(
        f.sleep_cells, f.nights,
        "{f:?}: every disrupted night, and only those, is a sleep square in the calendar"
    );
    assert!(
        (days..=days + 2).contains(&f.cells),
        "{f:?}: {days} days should draw {days} or {} squares",
        days + 1
    );
}

async fn figures(c: &Client) -> Figures {
    js(c, FIGURES).await
}

/// Picks a period in the select and waits for htmx to swap `#burden` in place.
async fn show_days(c: &Client, days: u32) -> Figures {
    // Mark the page and the old panel: after an htmx swap the page keeps its
    // mark and the panel is new.
    js::<Value>(c, "window.__samePage = true; document.getElementById('burden').dataset.old = '1'; return null;").await;
    find(c, "select[name=days]")
        .await
        .select_by_value(&days.to_string())
        .await
        .expect("choose a period");
    find(c, "#burden:not([data-old])").await;
    let here = wait_for_location(c, "the period in the address", |p| {
        p.ends_with(&format!("?days={days}"))
    })
    .await;
    assert!(
        js::<bool>(c, "return window.__samePage === true").await,
        "{here}: the period switch reloaded the page instead of swapping #burden"
    );
    let selected: String = js(
        c,
        "return document.querySelector('select[name=days]').value",
    )
    .await;
    assert_eq!(selected, days.to_string());
    let shown = figures(c).await;
    // Screen readers hear the change through the status line, swapped in place.
    let status: String = js(
        c,
        "return document.getElementById('period-status').textContent.trim()",
    )
    .await;
    assert_eq!(
        status,
        format!(
            "Showing the last {days} days: {} sleep-hour interruptions, {} disrupted nights.",
            shown.sleep, shown.nights
        )
    );
    check_accessible(c).await;
    shown
}

async fn lead_sees_the_team_and_a_heatmap(backend: Backend) {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(backend).await;
    demo(&app).await;
    let payments = app
        .store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "payments")
        .expect("payments team")
        .id;
    let base = app.url("");
    let name = format!("lead-{backend:?}").to_lowercase();
    Browser::launch(&Screen::Desktop)
        .await
        .run(&name, |c| async move {
            // A lead of one team lands on its page.
            log_in(&c, &base, LEAD, DEMO_PASSWORD).await;
            assert_eq!(location(&c).await, format!("/teams/{payments}"));
            find(&c, "#team-burden").await;
            assert_eq!(text(&c, "h1").await, "payments");
            check_accessible(&c).await;
            snap(&c, "team").await;

            let rows: Vec<MemberRow> = js(
                &c,
                r#"return [...document.querySelectorAll('#team-burden tbody tr')].map(tr => ({
                    name: tr.querySelector('th a').textContent.trim(),
                    href: tr.querySelector('th a').getAttribute('href'),
                    sleep: Number(tr.cells[1].querySelector('.n').textContent), nights: Number(tr.cells[4].querySelector('.n').textContent),
                    rects: tr.querySelectorAll('svg.strip rect').length,
                    heavy: tr.classList.contains('heavy'),
                }));"#,
            )
            .await;
            assert_eq!(rows.len(), 9, "payments has 9 people: {rows:?}");
            assert!(
                rows.windows(2).all(|w| w[0].sleep >= w[1].sleep),
                "sorted by sleep-hour interruptions: {rows:?}"
            );
            for r in &rows {
                assert_eq!(
                    r.rects, r.nights,
                    "{}'s strip draws every disrupted night once: {r:?}",
                    r.name
                );
            }
            assert!(
                rows.iter().map(|r| r.rects).sum::<u32>() > 0,
                "the night strips are empty: {rows:?}"
            );
            let top = &rows[0];
            assert!(
                top.heavy,
                "the demo's hero carries at least twice the median: {rows:?}"
            );

            // The callout names the person at the top of the table, with their figure.
            let carrying = text(&c, "#carrying").await;
            assert!(carrying.contains("carrying the most nights"), "{carrying}");
            assert!(carrying.starts_with(&top.name), "{carrying} / {top:?}");
            assert!(
                carrying.contains(&format!(": {} sleep-hour", top.sleep)),
                "{carrying} / {top:?}"
            );

            // Their page: the same figures, and a calendar that agrees with them.
            find(&c, &format!("#team-burden th a[href='{}']", top.href))
                .await
                .click()
                .await
                .expect("open the person");
            wait_for_location(&c, "the person's page", |p| p == top.href).await;
            find(&c, "#heatmap .cell.sleep").await;
            assert_eq!(text(&c, "h1").await, top.name);
            check_accessible(&c).await;
            snap(&c, "person").await;
            let ninety = figures(&c).await;
            assert_eq!(
                (ninety.sleep, ninety.nights),
                (top.sleep, top.nights),
                "person page vs team page: {ninety:?} {top:?}"
            );
            consistent(&ninety, 90);
            let months: Vec<String> = js(&c, "return [...document.querySelectorAll('.heatgrid .months span')].map(s => s.textContent)").await;
            assert!((3..=4).contains(&months.len()), "90 days span three or four months: {months:?}");
            let label = find(&c, "#heatmap")
                .await
                .attr("aria-label")
                .await
                .unwrap()
                .unwrap_or_default();
            assert!(
                label.contains(&format!("{} sleep-hour", ninety.sleep))
                    && label.contains(&format!("{} disrupted nights", ninety.nights)),
                "{label}"
            );

            // The period switch swaps the panel in place, and the figures follow.
            let thirty = show_days(&c, 30).await;
            consistent(&thirty, 30);
            assert!(
                thirty.sleep <= ninety.sleep
                    && thirty.off <= ninety.off
                    && thirty.business <= ninety.business,
                "{thirty:?} vs {ninety:?}"
            );
            assert!(thirty.cells < ninety.cells);
            snap(&c, "person-30").await;
            let year = show_days(&c, 365).await;
            consistent(&year, 365);
            assert!(
                year.sleep >= ninety.sleep && year.nights >= ninety.nights,
                "{year:?} vs {ninety:?}"
            );

            // The address the switch pushed is a real page too.
            c.refresh().await.expect("reload");
            find(&c, "#heatmap").await;
            assert_eq!(figures(&c).await, year);
        })
        .await;
    app.stop().await;
}

#[tokio::test]
async fn lead_sees_the_team_and_a_heatmap_in_chromium_sqlite() {
    lead_sees_the_team_and_a_heatmap(Backend::Sqlite).await;
}

#[tokio::test]
async fn lead_sees_the_team_and_a_heatmap_in_chromium_postgres() {
    lead_sees_the_team_and_a_heatmap(Backend::Postgres).await;
}

#[tokio::test]
async fn member_sees_only_their_own_and_logs_out_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    demo(&app).await;
    let member = person_id(&app, "priya.natarajan@example.com").await;
    let colleague = person_id(&app, "sam.okafor@example.com").await;
    let hash = aftercare_app::passwords::hash_password("priya's password").unwrap();
    app.store.set_password_hash(member, &hash).await.unwrap();
    let payments = app
        .store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "payments")
        .expect("payments team")
        .id;
    let base = app.url("");
    Browser::launch(&Screen::Desktop)
        .await
        .run("member", |c| async move {
            // A wrong password is refused without saying which part was wrong.
            c.goto(&format!("{base}/login")).await.expect("open /login");
            fill(&c, "email", "priya.natarajan@example.com").await;
            fill(&c, "password", "not the password").await;
            find(&c, "form[action='/login'] button[type=submit]")
                .await
                .click()
                .await
                .expect("submit");
            assert!(text(&c, "[role=alert]").await.contains("do not match"));

            // A member who leads nothing lands on their own burden.
            log_in(&c, &base, "priya.natarajan@example.com", "priya's password").await;
            wait_for_location(&c, "their own page", |p| p == format!("/people/{member}")).await;
            find(&c, "#heatmap").await;
            assert_eq!(text(&c, "h1").await, "Priya Natarajan");
            check_accessible(&c).await;

            // Their team's page, without anyone's figures.
            c.goto(&format!("{base}/teams/{payments}"))
                .await
                .expect("open the team");
            assert_eq!(text(&c, "h1").await, "payments");
            assert_eq!(count(&c, "#team-burden").await, 0);
            assert_eq!(count(&c, "#carrying").await, 0);
            check_accessible(&c).await;

            // A colleague's page is not theirs to see.
            c.goto(&format!("{base}/people/{colleague}"))
                .await
                .expect("open a colleague");
            assert_eq!(text(&c, "h1").await, "Not yours to see");
            let why = text(&c, "main p").await;
            assert!(
                why.starts_with("Sam Okafor's figures are visible to them"),
                "{why}"
            );
            assert_eq!(count(&c, "#heatmap").await, 0);
            check_accessible(&c).await;
            snap(&c, "forbidden").await;

            // Logging out ends the session: the pages ask for a login again.
            find(&c, "form[action='/logout'] button")
                .await
                .click()
                .await
                .expect("log out");
            wait_for_location(&c, "/login", |p| p == "/login").await;
            find(&c, "form[action='/login']").await;
            assert_eq!(count(&c, "form[action='/logout']").await, 0);
            c.goto(&format!("{base}/people/{member}"))
                .await
                .expect("open own page");
            wait_for_location(&c, "/login", |p| p == "/login").await;
        })
        .await;
    app.stop().await;
}

#[tokio::test]
async fn phone_shows_the_team_and_heatmap_without_overflow_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    demo(&app).await;
    let base = app.url("");
    Browser::launch(&Screen::Phone)
        .await
        .run("phone", |c| async move {
            // The page body never scrolls sideways; wide content scrolls in its own box.
            async fn fits(c: &Client, what: &str) {
                #[derive(Deserialize, Debug)]
                struct Fit {
                    scroll: f64,
                    inner: f64,
                    wide: Vec<String>,
                }
                let fit: Fit = js(
                    c,
                    r#"
                    const inner = window.innerWidth;
                    const wide = [...document.querySelectorAll('body *')].filter(e => {
                      const r = e.getBoundingClientRect();
                      if (r.right <= inner + 1 || r.width === 0) return false;
                      for (let p = e.parentElement; p; p = p.parentElement) {
                        const o = getComputedStyle(p).overflowX;
                        if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
                      }
                      return true;
                    }).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''));
                    return { scroll: document.documentElement.scrollWidth, inner, wide };
                    "#,
                )
                .await;
                assert!(fit.inner <= 400.0, "{what}: not a phone-sized viewport: {fit:?}");
                assert!(fit.scroll <= fit.inner && fit.wide.is_empty(), "{what}: the page overflows a {}px phone: {fit:?}", fit.inner);
            }

            c.goto(&format!("{base}/login")).await.expect("open /login");
            find(&c, "form[action='/login']").await;
            fits(&c, "login").await;
            snap(&c, "phone-login").await;
            log_in(&c, &base, LEAD, DEMO_PASSWORD).await;
            find(&c, "#team-burden svg.strip rect").await;
            find(&c, "#carrying").await;
            fits(&c, "team page").await;
            snap(&c, "phone-team").await;

            // Controls are big enough for a thumb.
            let small: Vec<String> = js(
                &c,
                r#"return [...document.querySelectorAll('main a[href], main button, main select, nav a, nav button')]
                    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height < 24; })
                    .map(e => e.outerHTML.slice(0, 60));"#,
            )
            .await;
            assert!(small.is_empty(), "tap targets under 24px high: {small:?}");

            let person = find(&c, "#team-burden tbody tr th a").await.attr("href").await.unwrap().expect("href");
            c.goto(&format!("{base}{person}")).await.expect("open the person");
            find(&c, "#heatmap .cell.sleep").await;
            fits(&c, "person page").await;
            snap(&c, "phone-person").await;
            let before = figures(&c).await;
            let after = show_days(&c, 30).await;
            consistent(&after, 30);
            assert!(after.sleep <= before.sleep);
            fits(&c, "person page, 30 days").await;
        })
        .await;
    app.stop().await;
}

/// Runs the `aftercare` binary on the test's database and returns its stdout.
async fn aftercare_cli(app: &TestApp, args: &[&str]) -> String {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(["--database-url".to_string(), app.database_url()]);
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_aftercare"))
            .args(&all)
            .output()
            .expect("run aftercare")
    })
    .await
    .expect("cli task");
    assert!(
        out.status.success(),
        "aftercare {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Chooses a password on an invite link's page and lands on one's own page.
async fn choose_password(c: &Client, link: &str, password: &str) {
    c.goto(link).await.expect("open the invite link");
    find(c, "input[name=password]").await;
    check_accessible(c).await;
    fill(c, "password", password).await;
    find(c, "form button[type=submit]")
        .await
        .click()
        .await
        .expect("choose the password");
    wait_for_location(c, "their own page", |p| p.starts_with("/people/")).await;
    find(c, "form[action='/logout']").await;
}

#[tokio::test]
async fn members_invited_from_the_cli_and_the_web_sign_in_and_set_their_sleep_window_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    demo(&app).await;
    let base = app.url("");
    // Noor is added by an operator and invited from the command line; she was
    // paged at 02:30 UTC on three nights this week.
    let noor = app
        .store
        .create_person(&crate::common::new_person(
            "Noor Haddad",
            "noor@example.com",
            "UTC",
        ))
        .await
        .unwrap();
    let csv = tempfile::NamedTempFile::new().unwrap();
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let mut rows = String::from("email,at,incident_key,source\n");
    for back in 2..5 {
        let day = today.checked_sub(jiff::Span::new().days(back)).unwrap();
        rows.push_str(&format!(
            "noor@example.com,{day}T02:30:00Z,night-{back},pagerduty\n"
        ));
    }
    std::fs::write(csv.path(), rows).unwrap();
    aftercare_cli(&app, &["import", "pages", csv.path().to_str().unwrap()]).await;
    let printed = aftercare_cli(
        &app,
        &[
            "person",
            "invite",
            "--email",
            "noor@example.com",
            "--public-url",
            &base,
        ],
    )
    .await;
    let cli_link = printed.trim().to_string();
    assert!(
        cli_link.starts_with(&format!("{base}/password/")),
        "{cli_link}"
    );

    Browser::launch(&Screen::Desktop)
        .await
        .run("invited", move |c| async move {
            // From the command line's link to her own figures.
            choose_password(&c, &cli_link, "quiet lighthouse morning").await;
            wait_for_location(&c, "Noor's page", |p| p == format!("/people/{}", noor.id)).await;
            assert_eq!(text(&c, "h1").await, "Noor Haddad");
            let before = figures(&c).await;
            assert_eq!((before.sleep, before.off, before.nights), (3, 0, 3), "{before:?}");
            check_accessible(&c).await;

            // She sleeps 03:00-09:00: the same pages are now off-hour ones.
            js::<Value>(
                &c,
                "document.querySelector('[name=sleep_start]').value = '03:00';
                 document.querySelector('[name=sleep_end]').value = '09:00'; return null;",
            )
            .await;
            find(&c, "form[action$='/settings'] button[type=submit]")
                .await
                .click()
                .await
                .expect("save settings");
            wait_for_location(&c, "saved", |p| p.ends_with("notice=saved")).await;
            let after = figures(&c).await;
            assert_eq!((after.sleep, after.off, after.nights), (0, 3, 0), "{after:?}");
            let start: String =
                js(&c, "return document.querySelector('[name=sleep_start]').value").await;
            assert_eq!(start, "03:00");
            find(&c, "form[action='/logout'] button")
                .await
                .click()
                .await
                .expect("log out");
            wait_for_location(&c, "/login", |p| p == "/login").await;

            // An admin adds Lena on the web and makes her an invite link there.
            log_in(&c, &base, "admin@example.com", DEMO_PASSWORD).await;
            c.goto(&format!("{base}/people")).await.expect("open people");
            fill(&c, "name", "Lena Vogel").await;
            fill(&c, "email", "lena@example.com").await;
            fill(&c, "time_zone", "Europe/Berlin").await;
            find(&c, "form[action='/people'] button[type=submit]")
                .await
                .click()
                .await
                .expect("add Lena");
            wait_for_location(&c, "person added", |p| p.contains("notice=person-added")).await;
            let lena: String = js(
                &c,
                "return [...document.querySelectorAll('a')].find(a => a.textContent.trim() === 'Lena Vogel').getAttribute('href')",
            )
            .await;
            c.goto(&format!("{base}{lena}")).await.expect("open Lena");
            find(&c, "form[action$='/invite'] button")
                .await
                .click()
                .await
                .expect("create an invite link");
            // The answer is a page of its own at the form's address.
            wait_for_location(&c, "the invite link page", |p| p.ends_with("/invite")).await;
            let message = text(&c, "main p").await;
            let web_link = message
                .split_whitespace()
                .find(|w| w.starts_with("http"))
                .expect("the link on the page")
                .trim_end_matches('.')
                .to_string();
            find(&c, "form[action='/logout'] button")
                .await
                .click()
                .await
                .expect("log out");
            wait_for_location(&c, "/login", |p| p == "/login").await;

            // Lena chooses a password and sees her own (empty) figures.
            choose_password(&c, &web_link, "amber falcon drizzle").await;
            wait_for_location(&c, "Lena's page", |p| p == lena).await;
            assert_eq!(text(&c, "h1").await, "Lena Vogel");
            let hers = figures(&c).await;
            assert_eq!((hers.sleep, hers.nights), (0, 0), "{hers:?}");
            // The link was good once.
            c.goto(&web_link).await.expect("open the link again");
            assert_eq!(text(&c, "h1").await, "Not found");
        })
        .await;
    app.stop().await;
}
