//! The story behind each number, over HTTP on both backends: the period
//! control with the previous period beside each figure, the pages behind a
//! figure or a heatmap square, the CSV of every table, forms that show their
//! error beside the field, and "this is …" on an unattributed page.

use aftercare_app::accounts;
use aftercare_store::{
    Backend, IntegrationId, NewDelivery, NewIntegration, NewNotification, PersonId, TeamId,
    TeamRole,
};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde_json::Value;

use crate::common::{TestApp, new_person, spawn_app, unattributed_page};

fn today() -> Date {
    Timestamp::now().to_zoned(TimeZone::UTC).date()
}

fn days_ago(n: i64) -> Date {
    today().checked_sub(Span::new().days(n)).unwrap()
}

/// A team with an integration, a lead and a member (UTC, default hours).
struct Org {
    team: TeamId,
    integration: IntegrationId,
    lead: PersonId,
    member: PersonId,
}

async fn org(app: &TestApp) -> Org {
    let s = &app.store;
    let team = s.create_team("payments").await.unwrap().id;
    let lead = s
        .create_person(&new_person("Lee Lead", "lee@example.com", "UTC"))
        .await
        .unwrap()
        .id;
    let member = s
        .create_person(&new_person("Mo Member", "mo@example.com", "UTC"))
        .await
        .unwrap()
        .id;
    s.set_membership(team, lead, TeamRole::Lead).await.unwrap();
    s.set_membership(team, member, TeamRole::Member)
        .await
        .unwrap();
    let integration = s
        .create_integration(&NewIntegration {
            public_id: "views-integration".into(),
            team_id: team,
            source: "pagerduty".into(),
            name: "payments pagerduty".into(),
            secret: "0123456789abcdef0123456789abcdef".into(),
        })
        .await
        .unwrap()
        .id;
    Org {
        team,
        integration,
        lead,
        member,
    }
}

/// Pages for `person` at `at` (RFC 3339), each with a title and a link.
async fn deliver(app: &TestApp, o: &Org, person: PersonId, pages: &[(&str, &str, &str, &str)]) {
    let notifications = pages
        .iter()
        .map(|(at, key, title, link)| {
            let mut n = NewNotification::bare(
                Some(person),
                Some(o.team),
                at.parse::<Timestamp>().unwrap().as_millisecond(),
                key,
                "pagerduty",
                "notified",
            );
            n.title = Some(title.to_string());
            n.link = Some(link.to_string());
            n
        })
        .collect();
    app.store
        .record_deliveries(&[NewDelivery {
            incident: None,
            integration_id: o.integration,
            delivery_id: format!("d-{person}-{}", pages.len()),
            received_at: Timestamp::now().as_millisecond(),
            raw: b"{}".to_vec(),
            event_json: "{}".into(),
            notifications,
        }])
        .await
        .unwrap();
}

/// The member's three pages: a sleep-hour one three nights ago (its title a
/// spreadsheet formula, its link a script), an off-hour one six days ago, and
/// a sleep-hour one in the 30 days before the last 30.
async fn three_pages(app: &TestApp, o: &Org) {
    let a = format!("{}T02:30:00Z", days_ago(3));
    let b = format!("{}T20:00:00Z", days_ago(6));
    let c = format!("{}T03:00:00Z", days_ago(40));
    deliver(
        app,
        o,
        o.member,
        &[
            (&a, "INC-A", "=cmd()", "javascript:alert(1)"),
            (
                &b,
                "INC-B",
                "Disk full, again",
                "https://pd.example.com/incidents/B",
            ),
            (
                &c,
                "INC-C",
                "Old night",
                "https://pd.example.com/incidents/C",
            ),
        ],
    )
    .await;
}

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// A form posted with the admin token (a token needs no CSRF field: browsers
/// never send one by themselves).
async fn post_form(app: &TestApp, path: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// The text of the element carrying `marker` (up to its first tag end).
fn figure(page: &str, marker: &str) -> String {
    let at = page.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &page[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].trim().to_string()
}

async fn periods_and_previous_figures(backend: Backend) {
    let app = spawn_app(backend).await;
    let o = org(&app).await;
    three_pages(&app, &o).await;
    let m = o.member;

    let (status, page) = html(&app, &format!("/people/{m}?days=30")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(figure(&page, "data-figure=\"sleep\""), "1");
    assert_eq!(figure(&page, "data-figure=\"off\""), "1");
    assert!(
        page.contains("previous 30 days: 1"),
        "the old night stands beside the figure"
    );
    assert!(page.contains("<option value=\"30\" selected>"), "{page}");
    // The figure links to the pages behind it, with the same period.
    assert!(page.contains(&format!(
        "href=\"/people/{m}/pages?days=30&amp;category=sleep\""
    )));
    // Its heatmap square links to that night's pages.
    assert!(
        page.contains(&format!("href=\"/people/{m}/pages?day={}\"", days_ago(4))),
        "a link on the night of the 02:30 page"
    );

    // From/to dates: both days included.
    let (from, to) = (days_ago(45), days_ago(2));
    let (status, page) = html(&app, &format!("/people/{m}?from={from}&to={to}")).await;
    assert_eq!(status, 200);
    assert_eq!(figure(&page, "data-figure=\"sleep\""), "2");
    assert!(
        page.contains(&format!("value=\"{from}\"")) && page.contains(&format!("value=\"{to}\""))
    );
    assert!(
        page.contains("previous 44 days: 0"),
        "44 days, both ends included"
    );
    assert!(page.contains(&format!("Showing {from} to {to}")));

    // A refused period: the error beside its field, in plain words, what was typed kept.
    let (status, page) = html(&app, &format!("/people/{m}?from=2026-03-05&to=2026-03-04")).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("aria-invalid=\"true\" aria-describedby=\"period-to-error\""),
        "{page}"
    );
    assert!(
        page.contains("id=\"period-to-error\">The end date is before the start date"),
        "{page}"
    );
    assert!(page.contains("value=\"2026-03-05\""));
    assert!(
        page.contains("<option value=\"\" selected disabled>the dates below</option>"),
        "the select points at the dates to fix"
    );
    let (status, page) = html(&app, &format!("/people/{m}?from=last+week")).await;
    assert_eq!(status, 400);
    assert!(page.contains("id=\"period-from-error\">&quot;last week&quot; is not a date: enter one like 2026-03-04."), "{page}");
    let (status, page) = html(&app, &format!("/people/{m}?days=lots")).await;
    assert_eq!(status, 400);
    assert!(page.contains("Choose a number of days, such as 30 or 90."));
    assert!(
        !page.contains("Failed to deserialize"),
        "never the framework's words"
    );

    // The team page: the same control, the previous period beside each cell.
    let (status, page) = html(&app, &format!("/teams/{}?days=30", o.team)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<option value=\"30\" selected>"));
    assert!(page.contains("data-sortable") && page.contains("aria-sort=\"descending\""));
    assert!(
        page.contains("previous 30 days: 1"),
        "the team's total stands beside its previous one"
    );
    assert!(page.contains(&format!("href=\"/teams/{}/burden.csv?days=30\"", o.team)));
    let (status, page) = html(&app, &format!("/teams/{}?to=someday", o.team)).await;
    assert_eq!(status, 400);
    assert!(page.contains("id=\"period-to-error\""));
    app.stop().await;
}

async fn the_pages_behind_a_number_and_their_csv(backend: Backend) {
    let app = spawn_app(backend).await;
    let o = org(&app).await;
    three_pages(&app, &o).await;
    let m = o.member;

    let (status, page) = html(&app, &format!("/people/{m}/pages?days=30")).await;
    assert_eq!(status, 200, "{page}");
    let a_local = format!("{} 02:30", days_ago(3));
    assert!(page.contains(&a_local), "local time: {page}");
    assert!(page.contains("sleep hours") && page.contains("off hours"));
    assert!(page.contains("Disk full, again") && page.contains("INC-A"));
    assert!(!page.contains("INC-C"), "older than the period");
    assert!(page.contains("href=\"https://pd.example.com/incidents/B\""));
    assert!(!page.contains("javascript:"), "a script is never a link");
    assert!(page.contains(&format!("href=\"/people/{m}/pages.csv?days=30\"")));

    // A heatmap square: the night of four days ago holds the 02:30 page only.
    let night = days_ago(4);
    let (status, page) = html(&app, &format!("/people/{m}/pages?day={night}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("INC-A") && !page.contains("INC-B"), "{page}");
    let (_, page) = html(&app, &format!("/people/{m}/pages?days=30&category=off")).await;
    assert!(page.contains("INC-B") && !page.contains("INC-A"));
    assert!(page.contains("Off-hour pages in the last 30 days"));

    // The empty state.
    let (status, page) = html(&app, &format!("/people/{}/pages", o.lead)).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"no-pages\""), "{page}");
    let (status, page) = html(&app, &format!("/people/{m}/pages?category=weekend")).await;
    assert_eq!(status, 400);
    assert!(page.contains("is not a category"), "{page}");

    // The list as CSV, in the list's words, with formulas defused.
    let res = app.get(&format!("/people/{m}/pages.csv?days=30")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"mo_member-pages-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "Local time,Time zone,Category,Incident,Incident key,Source,Sender link,UTC"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with(&format!(
            "{},UTC,off,\"Disk full, again\",INC-B,pagerduty,https://pd.example.com/incidents/B,",
            figure_local(days_ago(6), "20:00")
        )),
        "{csv}"
    );
    assert!(
        lines[2].contains(",sleep,\"'=cmd()\",INC-A,pagerduty,,"),
        "{csv}"
    );

    // The team table as CSV.
    let res = app
        .get(&format!("/teams/{}/burden.csv?days=30", o.team))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"payments-burden-")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "Person,Email,Time zone,Role,Sleep,Off,Business,Disrupted nights,Longest run,vs median"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Mo Member,mo@example.com,UTC,member,1,1,0,1,1,")),
        "{csv}"
    );
    let res = app
        .get(&format!("/teams/{}/burden.csv?days=0", o.team))
        .await;
    assert_eq!(
        res.status(),
        303,
        "a refused period goes to the page that shows why"
    );
    assert_eq!(
        res.headers()["location"],
        format!("/teams/{}?days=0", o.team).as_str()
    );

    // Same access as the pages: a member sees their own, not a colleague's.
    let session = accounts::start_session(&app.store, m).await.unwrap();
    let as_member = |path: String| {
        app.client
            .get(app.url(&path))
            .header("cookie", format!("aftercare_session={}", session.cookie))
            .send()
    };
    assert_eq!(
        as_member(format!("/people/{m}/pages.csv"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        as_member(format!("/people/{}/pages", o.lead))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        as_member(format!("/teams/{}/burden.csv", o.team))
            .await
            .unwrap()
            .status(),
        403
    );
    app.stop().await;
}

fn figure_local(d: Date, hm: &str) -> String {
    let wd = d.strftime("%a");
    format!("{wd} {d} {hm}")
}

async fn forms_show_errors_beside_their_fields(backend: Backend) {
    let app = spawn_app(backend).await;
    let o = org(&app).await;
    let m = o.member;
    let settings = format!("/people/{m}/settings");
    let (_, page) = html(&app, &format!("/people/{m}")).await;
    assert!(
        page.contains("<datalist id=\"time-zones\">")
            && page.contains("<option value=\"Europe/London\">")
    );
    assert!(page.contains("type=\"checkbox\" name=\"working_days\" value=\"mon\" checked"));
    assert!(page.contains("type=\"checkbox\" name=\"working_days\" value=\"sat\">"));

    let res = post_form(&app, &settings, "time_zone=Mars%2FOlympus&working_days=mon&working_days=wed&working_start=09:00&working_end=17:00&sleep_start=22:00&sleep_end=07:00").await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("aria-invalid=\"true\" aria-describedby=\"settings-time_zone-error\""),
        "{page}"
    );
    assert!(
        page.contains(
            "id=\"settings-time_zone-error\">&quot;Mars/Olympus&quot; is not an IANA time zone"
        ),
        "{page}"
    );
    assert!(
        page.contains("value=\"Mars/Olympus\""),
        "what was typed is kept"
    );
    assert!(
        page.contains("value=\"wed\" checked") && page.contains("value=\"tue\">"),
        "the ticked days are kept"
    );
    assert!(page.contains("value=\"09:00\""));

    // Saved: the boxes are stored as the days they name, and a short sleep window is questioned.
    let res = post_form(&app, &settings, "time_zone=Europe%2FLondon&working_days=mon&working_days=tue&working_start=09:00&working_end=17:00&sleep_start=23:00&sleep_end=01:00").await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/people/{m}?notice=saved"));
    let (_, page) = html(&app, &to).await;
    assert!(
        page.contains("id=\"sleep-warning\">Your sleep window is 2h00"),
        "{page}"
    );
    let v: Value = app
        .get(&format!("/api/v1/people/{m}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["working_days"], "mon,tue");
    assert_eq!(v["time_zone"], "Europe/London");
    let (_, page) = html(&app, &format!("/people/{m}")).await;
    assert!(!page.contains("sleep-warning"), "only right after saving");
    // No box ticked: no working days.
    let res = post_form(
        &app,
        &settings,
        "time_zone=UTC&working_start=09:00&working_end=17:00&sleep_start=22:00&sleep_end=07:00",
    )
    .await;
    assert_eq!(res.status(), 303);
    let v: Value = app
        .get(&format!("/api/v1/people/{m}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["working_days"], "none");

    // Adding a person: a missing name, then an email already taken.
    let res = post_form(
        &app,
        "/people",
        "name=&email=new%40example.com&time_zone=Asia%2FKolkata",
    )
    .await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"person-name-error\">Name is required."),
        "{page}"
    );
    assert!(page.contains("value=\"new@example.com\"") && page.contains("value=\"Asia/Kolkata\""));
    let res = post_form(
        &app,
        "/people",
        "name=Mo+Again&email=mo%40example.com&time_zone=UTC",
    )
    .await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("aria-describedby=\"person-email-error\""),
        "{page}"
    );
    assert!(
        page.contains("A person with mo@example.com already exists."),
        "{page}"
    );
    let res = post_form(&app, "/people", "email=x%40example.com").await;
    assert_eq!(
        res.status(),
        400,
        "a missing field is our refusal, not the form reader's"
    );

    // Teams and members.
    let res = post_form(&app, "/teams", "name=+").await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("id=\"team-name-error\">Name is required.")
    );
    let res = post_form(&app, "/teams", "name=payments").await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"team-name-error\">A team called &quot;payments&quot; already exists."),
        "{page}"
    );
    assert!(page.contains("value=\"payments\""));
    let res = post_form(
        &app,
        &format!("/teams/{}/members", o.team),
        "email=nobody%40example.com&role=lead",
    )
    .await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"member-email-error\">No person with email nobody@example.com."),
        "{page}"
    );
    assert!(
        page.contains("value=\"nobody@example.com\"")
            && page.contains("<option value=\"lead\" selected>")
    );
    app.stop().await;
}

async fn this_is_them_links_the_sender_and_moves_their_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let o = org(&app).await;
    let outsider = app
        .store
        .create_person(&new_person("Out Sider", "out@example.com", "UTC"))
        .await
        .unwrap()
        .id;
    let first = unattributed_page(&app.store, o.integration, o.team, "PMO").await;
    let team_page = format!("/teams/{}", o.team);
    let (_, page) = html(&app, &team_page).await;
    assert!(
        page.contains("action=\"/teams/") && page.contains("/unattributed/claim\""),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<option value=\"{}\">Mo Member</option>",
        o.member
    )));

    assert!(page.contains("/unattributed.csv?days=90\""));
    let res = app
        .get(&format!("/teams/{}/unattributed.csv", o.team))
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"payments-unattributed-")
    );
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("When (UTC),Source,Incident,Incident key,The sender named,Named email,Named name,Suggested person\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(",pagerduty,Checkout latency,incident-PMO,pagerduty:PMO,,Named Sender,\r\n"),
        "{csv}"
    );

    // A lead may say who it is only among the team's members.
    let session = accounts::start_session(&app.store, o.lead).await.unwrap();
    let as_lead = |body: String| {
        app.client
            .post(app.url(&format!("/teams/{}/unattributed/claim", o.team)))
            .header("cookie", format!("aftercare_session={}", session.cookie))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={}&{body}", session.session.csrf_token))
            .send()
    };
    let res = as_lead(format!("page_id={first}&person_id={outsider}"))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("members of the team only")
    );
    let res = as_lead(format!("page_id={first}&person_id=someone"))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("choose a member of the team")
    );
    let res = as_lead(format!("page_id={first}&person_id={}", o.member))
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("{team_page}?notice=claimed#unattributed").as_str()
    );

    // The page is Mo's now, the identity is linked, and the list is empty.
    let v: Value = app
        .get(&format!("/api/v1/people/{}/pages", o.member))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["pages"].as_array().unwrap().len(), 1, "{v}");
    let v: Value = app
        .get(&format!("/api/v1/people/{}", o.member))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["identities"][0]["external_id"], "PMO", "{v}");
    let (_, page) = html(&app, &format!("{team_page}?notice=claimed")).await;
    assert!(
        page.contains("Every page in this period landed on someone."),
        "{page}"
    );
    // Once attributed, it cannot be claimed again.
    let res = as_lead(format!("page_id={first}&person_id={}", o.member))
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    app.stop().await;
}

crate::on_both!(
    periods_and_previous_figures,
    the_pages_behind_a_number_and_their_csv,
    forms_show_errors_beside_their_fields,
    this_is_them_links_the_sender_and_moves_their_pages,
);
