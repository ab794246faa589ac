//! The story behind each number in Chromium: the team table sorted by a
//! column, a person's figures over chosen dates (and a refused pair of dates
//! beside its field), a heatmap square followed by keyboard to its pages, and a
//! settings error shown beside the field, then the sleep-window warning.

use serde::Deserialize;
use serde_json::Value;

use super::{
    Backend, Browser, DEMO_PASSWORD, LEAD, ONE_BROWSER, Screen, check_accessible, consistent, demo,
    figures, fill, find, js, log_in, person_id, snap, spawn_app, text, wait_for_location,
};
use fantoccini::Client;

/// Reads one figure's previous-period line: "previous 51 days: 8" → 8.
async fn previous_of(c: &Client, figure: &str) -> (String, u32) {
    let line: String = js(
        c,
        &format!(
            "return document.querySelector('#burden [data-figure={figure}]').parentElement.querySelector('.prev').textContent.trim()"
        ),
    )
    .await;
    let (label, n) = line.rsplit_once(": ").expect("label: n");
    (label.to_string(), n.parse().expect("a number"))
}

/// A lead sorts the team table, picks dates for a person's figures (and
/// mistypes them once), follows a heatmap square to its pages by keyboard, and
/// gets a form error beside its field, then the sleep-window warning.
#[tokio::test]
async fn a_lead_follows_a_number_to_its_pages_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn_app(Backend::Sqlite).await;
    demo(&app).await;
    let lead = person_id(&app, LEAD).await;
    let base = app.url("");
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let ago = move |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap();
    Browser::launch(&Screen::Desktop)
        .await
        .run("story-behind", move |c| async move {
            log_in(&c, &base, LEAD, DEMO_PASSWORD).await;
            find(&c, "#team-burden th button.sort").await;

            // Sorting by a column: a button in its heading, aria-sort says how.
            let off_sorted = r#"
                const off = [...document.querySelectorAll('#team-burden tbody tr')].map(tr => Number(tr.cells[2].querySelector('.n').textContent));
                return { off, sort: document.querySelectorAll('#team-burden thead th')[2].getAttribute('aria-sort') || '' };
            "#;
            #[derive(Deserialize, Debug)]
            struct Sorted {
                off: Vec<u32>,
                sort: String,
            }
            find(&c, "#team-burden thead th:nth-child(3) button").await.click().await.expect("sort by off");
            let down: Sorted = js(&c, off_sorted).await;
            assert_eq!(down.sort, "descending");
            assert!(down.off.windows(2).all(|w| w[0] >= w[1]), "{down:?}");
            find(&c, "#team-burden thead th:nth-child(3) button").await.click().await.expect("sort again");
            let up: Sorted = js(&c, off_sorted).await;
            assert_eq!(up.sort, "ascending");
            assert!(up.off.windows(2).all(|w| w[0] <= w[1]), "{up:?}");
            check_accessible(&c).await;
            snap(&c, "team-sorted").await;

            // The team's preset swaps the table in place, sortable again.
            js::<Value>(
                &c,
                "window.__samePage = true; document.getElementById('burden').dataset.old = '1'; return null;",
            )
            .await;
            find(&c, "select[name=days]")
                .await
                .select_by_value("30")
                .await
                .expect("choose 30 days");
            find(&c, "#burden:not([data-old]) #team-burden th button.sort").await;
            wait_for_location(&c, "the team's preset in the address", |p| p.ends_with("?days=30")).await;
            let same: bool = js(&c, "return window.__samePage === true").await;
            assert!(same, "the team's preset reloaded the page");
            let status: String = js(&c, "return document.getElementById('period-status').textContent.trim()").await;
            assert!(status.starts_with("Showing the last 30 days: "), "{status}");
            let prev: String = js(&c, "return document.querySelector('#team-burden tbody td .prev').textContent").await;
            assert!(prev.contains("previous 30 days: "), "{prev}");

            // The person carrying most: choose dates instead of a preset.
            let top = find(&c, "#team-burden tbody tr th a").await.attr("href").await.unwrap().expect("href");
            let person = top.split('?').next().unwrap().to_string();
            c.goto(&format!("{base}{person}")).await.expect("open the person");
            find(&c, "#heatmap").await;
            let (from, to) = (ago(60), ago(10));
            js::<Value>(&c, &format!(
                "document.querySelector('#period-dates [name=from]').value = '{from}';
                 document.querySelector('#period-dates [name=to]').value = '{to}'; return null;"
            )).await;
            find(&c, "#period-dates button[type=submit]").await.click().await.expect("show the dates");
            wait_for_location(&c, "the dates in the address", |p| p.ends_with(&format!("?from={from}&to={to}"))).await;
            find(&c, "#heatmap").await;
            let chosen = figures(&c).await;
            consistent(&chosen, 51);
            let (label, _) = previous_of(&c, "sleep").await;
            assert_eq!(label, "previous 51 days");
            let kept: String = js(&c, "return document.querySelector('#period-dates [name=from]').value").await;
            assert_eq!(kept, from.to_string());
            check_accessible(&c).await;
            snap(&c, "person-dates").await;

            // Dates the wrong way round: the error beside the field, the figures still there.
            js::<Value>(&c, &format!(
                "document.querySelector('#period-dates [name=from]').value = '{to}';
                 document.querySelector('#period-dates [name=to]').value = '{from}'; return null;"
            )).await;
            find(&c, "#period-dates button[type=submit]").await.click().await.expect("show the dates");
            let why = text(&c, "#period-to-error").await;
            assert!(why.starts_with("The end date is before the start date"), "{why}");
            let field = find(&c, "#period-dates [name=to]").await;
            assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
            assert_eq!(field.attr("aria-describedby").await.unwrap().as_deref(), Some("period-to-error"));
            assert_eq!(field.prop("value").await.unwrap().as_deref(), Some(from.to_string().as_str()));
            find(&c, "#heatmap").await;
            check_accessible(&c).await;
            snap(&c, "person-dates-error").await;

            // A heatmap square by keyboard: a link to that day's pages.
            // A preset swaps the figures in place, and the dates follow it
            // (htmx swaps the dates form out of band), the error gone.
            js::<Value>(
                &c,
                "window.__samePage = true; document.getElementById('burden').dataset.old = '1'; return null;",
            )
            .await;
            find(&c, "select[name=days]")
                .await
                .select_by_value("90")
                .await
                .expect("choose 90 days");
            find(&c, "#burden:not([data-old])").await;
            wait_for_location(&c, "the preset in the address", |p| p.ends_with("?days=90")).await;
            #[derive(Deserialize, Debug)]
            struct Dates {
                same_page: bool,
                to: String,
                last_square: String,
                invalid: usize,
                errors: usize,
            }
            let dates: Dates = js(
                &c,
                r#"const squares = document.querySelectorAll('#heatmap .cell[data-date]');
                   return { same_page: window.__samePage === true,
                     to: document.querySelector('#period-dates [name=to]').value,
                     last_square: squares[squares.length - 1].getAttribute('data-date'),
                     invalid: document.querySelectorAll('#period-dates [aria-invalid]').length,
                     errors: document.querySelectorAll('#period-dates .field-error').length };"#,
            )
            .await;
            assert!(dates.same_page, "the preset reloaded the page: {dates:?}");
            assert_eq!(dates.to, dates.last_square, "{dates:?}");
            assert_eq!((dates.invalid, dates.errors), (0, 0), "{dates:?}");
            let cell = find(&c, "#heatmap a.cell.sleep").await;
            let day = cell.attr("data-date").await.unwrap().expect("a date");
            let label = cell.attr("title").await.unwrap().unwrap_or_default();
            let sleep_in_cell: u32 = label
                .split(": ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{label}"));
            cell.send_keys("\u{E007}").await.expect("press Enter on the square");
            wait_for_location(&c, "the square's pages", |p| p.ends_with(&format!("/pages?day={day}"))).await;
            find(&c, "#pages tbody tr").await;
            let sleep_rows: u32 = js(&c, "return document.querySelectorAll('#pages tbody .dot.sleep').length").await;
            // Pages within 60 seconds count as one interruption: never fewer pages than interruptions.
            assert!(sleep_rows >= sleep_in_cell, "{sleep_rows} sleep-hour pages for {label}");
            assert!(text(&c, "h1").await.ends_with("'s pages"));
            check_accessible(&c).await;
            snap(&c, "square-pages").await;

            // The lead's own hours: a zone that does not exist is refused beside the field.
            c.goto(&format!("{base}/people/{lead}")).await.expect("own page");
            fill(&c, "time_zone", "Mars/Olympus_Mons").await;
            find(&c, "#settings-form button[type=submit]").await.click().await.expect("save");
            let why = text(&c, "#settings-time_zone-error").await;
            assert!(why.contains("Mars/Olympus_Mons") && why.contains("IANA time zone"), "{why}");
            let field = find(&c, "#settings-form [name=time_zone]").await;
            assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
            assert_eq!(field.attr("aria-describedby").await.unwrap().as_deref(), Some("settings-time_zone-error"));
            assert_eq!(field.prop("value").await.unwrap().as_deref(), Some("Mars/Olympus_Mons"));
            check_accessible(&c).await;
            snap(&c, "settings-error").await;

            // Fixed, with a two-hour sleep window and Saturday ticked: saved, and questioned.
            fill(&c, "time_zone", "Europe/Lisbon").await;
            js::<Value>(&c, "document.querySelector('[name=sleep_start]').value = '23:00';
                 document.querySelector('[name=sleep_end]').value = '01:00'; return null;").await;
            find(&c, "#settings-form input[value=sat]").await.click().await.expect("tick Saturday");
            find(&c, "#settings-form button[type=submit]").await.click().await.expect("save");
            wait_for_location(&c, "saved", |p| p.ends_with("notice=saved")).await;
            let warning = text(&c, "#sleep-warning").await;
            assert!(warning.contains("2h00"), "{warning}");
            let sat: bool = js(&c, "return document.querySelector('#settings-form input[value=sat]').checked").await;
            assert!(sat, "Saturday stays ticked");
            check_accessible(&c).await;
        })
        .await;
    app.stop().await;
}
