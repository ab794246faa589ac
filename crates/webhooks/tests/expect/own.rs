//! Our own fixtures (`tests/fixtures/`): the search indexer's backlog on the night of
//! 2026-06-17 (01:46 to 02:53 UTC on the 18th). Noor Haddad is paged first, Kai Tanaka is
//! escalated to and acknowledges, Ines Moreau takes over and resolves.

use aftercare_webhooks::Basis::{Acknowledged, Assigned, Notified, Unattributed};

use super::{Story, by_email, expectations, page, who};
use crate::common::{own, ts};

const PD: &str = "Q1HX7TB3RZ9MDK";
const PD_TITLE: &str = "[FIRING:1] IndexerQueueLagHigh search-indexer (prod-ap-1 warning)";
const OG: &str = "e3b9d1f7-5a2c-4f86-9d0e-7b1a4c8f2e65";
const ALERT: &str = "IndexerQueueLagHigh: search-indexer backlog over 50k documents";
const AM: &str = r#"{}/{team="search"}:{alertname="IndexerQueueLagHigh", cluster="prod-ap-1"}"#;
const GO: &str = "IR8D2VN5KX4QP";
const GO_TITLE: &str = "[firing:1] IndexerQueueLagHigh search-indexer (prod-ap-1)";
const IIO: &str = "01JXR4M8P2T6W0Y4B8E2H6K0N3";
const IIO_TITLE: &str = "Search results stale: indexer backlog growing";
const IIO_ESC: &str = "01JXR4M9Q3V7X1Z5C9F3J7L1P4";
const IIO_ALERT: &str = "01JXR4M6H1K5N9Q3S7V1X5Z9B2";
const FH: &str = "c81f4a6d-2e9b-4d07-a3c5-6f1e8b2d9a40";
const FH_TITLE: &str = "Search indexer backlog";
const FH_ALERT: &str = "58e2a0c7-9d4b-4f13-8e6a-1c7d3b9f5a22";

pub fn story() -> Story {
    let noor_pd = || vec![who("PN5Y2HC", None, "Noor Haddad")];
    let kai_pd = vec![who("PT8K4JE", None, "Kai Tanaka")];
    let ines_pd = vec![who("PM3W6QF", None, "Ines Moreau")];
    // Sorted by id, so repeated deliveries give identical pages.
    let go_users = vec![
        who(
            "UK6R1PW8YDZ3S",
            Some("kai.tanaka@example.org"),
            "kai.tanaka",
        ),
        who(
            "UN4C7HX2TQ9EM",
            Some("noor.haddad@example.org"),
            "noor.haddad",
        ),
    ];
    let noor_iio = || {
        let (id, email) = ("01JQ2C8DE4G6J8L0N2Q4S6U8W1", "noor.haddad@example.org");
        vec![who(id, Some(email), "Noor Haddad")]
    };
    let kai_iio = vec![who(
        "01JQ2C8FH5K7M9P1R3T5V7X9Z2",
        Some("kai.tanaka@example.org"),
        "Kai Tanaka",
    )];
    let go_page = || page("2026-06-18T01:46:31.204817Z", Notified, go_users.clone());
    let t = Some(PD_TITLE);
    #[rustfmt::skip]
    let rows = vec![
        (PD, t, "2026-06-18T01:46:31.207Z", vec![page("2026-06-18T01:46:31.207Z", Assigned, noor_pd())]),
        (PD, t, "2026-06-18T02:01:31.318Z", vec![page("2026-06-18T02:01:31.318Z", Assigned, kai_pd)]),
        (PD, t, "2026-06-18T02:04:12.655Z", vec![]),
        (PD, t, "2026-06-18T02:15:40.094Z", vec![page("2026-06-18T02:15:40.094Z", Assigned, ines_pd)]),
        (PD, t, "2026-06-18T02:19:03.842Z", vec![page("2026-06-18T02:19:03.842Z", Assigned, noor_pd())]),
        (PD, t, "2026-06-18T02:52:17.530Z", vec![]),
        (OG, Some(ALERT), "2026-06-18T01:46:31.290Z", vec![page("2026-06-18T01:46:31.204Z", Unattributed, vec![])]),
        (OG, Some(ALERT), "2026-06-18T02:04:12.655Z",
            vec![page("2026-06-18T01:46:31.204Z", Acknowledged, vec![by_email("kai.tanaka@example.org")])]),
        (OG, Some(ALERT), "2026-06-18T02:52:17.530Z", vec![]),
        (AM, Some(ALERT), "2026-06-18T01:45:50Z", vec![page("2026-06-18T01:45:50Z", Unattributed, vec![])]),
        (AM, Some(ALERT), "2026-06-18T01:45:50Z", vec![page("2026-06-18T01:45:50Z", Unattributed, vec![])]),
        (AM, Some(ALERT), "2026-06-18T02:51:44Z", vec![]),
        (GO, Some(GO_TITLE), "2026-06-18T01:46:31.204817Z", vec![]),
        (GO, Some(GO_TITLE), "2026-06-18T02:04:12.655093Z", vec![go_page()]),
        (GO, Some(GO_TITLE), "2026-06-18T02:52:17.530266Z", vec![go_page()]),
        (IIO, Some(IIO_TITLE), "2026-06-18T01:46:33.071904Z", vec![]),
        (IIO, Some(IIO_TITLE), "2026-06-18T02:06:48.316022Z", vec![]),
        (IIO, Some(IIO_TITLE), "2026-06-18T02:53:02.884710Z", vec![]),
        (IIO_ESC, Some(ALERT), "2026-06-18T01:46:33.640Z", vec![page("2026-06-18T01:46:34.115Z", Notified, noor_iio())]),
        (IIO_ESC, Some(ALERT), "2026-06-18T02:04:12.655Z", vec![
            page("2026-06-18T01:46:34.115Z", Notified, noor_iio()),
            page("2026-06-18T02:01:34.208Z", Notified, kai_iio),
        ]),
        (IIO_ALERT, Some(ALERT), "2026-06-18T01:46:31.388Z", vec![]),
        ("01JQ2C9A7SEARCHPRIMARY0001", Some("Search Primary"), "2026-05-29T10:12:44Z", vec![]),
        (FH, Some(FH_TITLE), "2026-06-18T02:04:12Z", vec![]),
        (FH, Some(FH_TITLE), "2026-06-18T02:52:17Z", vec![]),
        (FH_ALERT, Some(ALERT), "2026-06-18T01:46:31Z", vec![page("2026-06-18T01:46:31Z", Unattributed, vec![])]),
        (FH_ALERT, Some(ALERT), "2026-06-18T01:46:31Z", vec![]),
    ];
    Story {
        set: own(),
        expectations: expectations(rows),
        window: (ts("2026-06-18T01:44:00Z"), ts("2026-06-18T02:55:00Z")),
    }
}
