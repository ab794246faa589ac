//! The captures in `../shared/data/webhooks`: the checkout API's 5xx spike on the night of
//! 2026-03-11 (02:11 to 03:07 UTC on the 12th).

use aftercare_webhooks::Basis::{Acknowledged, Assigned, Notified, Unattributed};

use super::{Story, by_email, expectations, page, who};
use crate::common::{Set, ts};

const PD: &str = "Q2W8ZL5YHN0KTP";
const PD_TITLE: &str = "[FIRING:1] CheckoutHighErrorRate checkout-api (prod-eu-1 critical)";
const OG: &str = "7c4e2b1a-93d5-4f0e-b8a6-2d1c5e9f0a37";
const ALERT: &str = "CheckoutHighErrorRate: checkout-api 5xx ratio above 5%";
const AM: &str = r#"{}/{team="payments"}:{alertname="CheckoutHighErrorRate", cluster="prod-eu-1"}"#;
const GO: &str = "IZ3K7QW9M2TRD";
const GO_TITLE: &str = "[firing:1] CheckoutHighErrorRate checkout-api (prod-eu-1)";
const IIO: &str = "01JP3Z7A2C4E6G8J0L2N4Q6S8U";
const IIO_TITLE: &str = "Checkout API returning elevated 5xx errors";
const IIO_ESC: &str = "01JP3Z7B2D4F6H8K0M2P4R6T8V";
const IIO_ALERT: &str = "01JP3Z6R1M2N3P4Q5R6S7T8V9W";
const FH: &str = "9a7c5e3b-1f2d-4c6a-8e0b-3d5f7a9c1e2b";
const FH_TITLE: &str = "Checkout API 5xx";
const FH_ALERT: &str = "4d2b6f8a-0c1e-4a3b-9d5c-7e9f1a3b5c7d";

pub fn story(set: Set) -> Story {
    let alex_pd = || vec![who("PQ7R2XA", None, "Alex Rivera")];
    let sam_pd = vec![who("PK3M9TD", None, "Sam Okafor")];
    let jordan_pd = vec![who("PZ4N8WB", None, "Jordan Lee")];
    let go_users = vec![
        who(
            "U2HT7VC9MRB4D",
            Some("alex.rivera@example.com"),
            "alex.rivera",
        ),
        who(
            "U8KQ3ZP2LWN5X",
            Some("sam.okafor@example.com"),
            "sam.okafor",
        ),
    ];
    let alex_iio = || {
        let (id, email) = ("01JNB7QK2R4T6V8X0Z2B4D6F8H", "alex.rivera@example.com");
        vec![who(id, Some(email), "Alex Rivera")]
    };
    let sam_iio = vec![who(
        "01JNB7QM5S7U9W1Y3A5C7E9G1J",
        Some("sam.okafor@example.com"),
        "Sam Okafor",
    )];
    let go_page = || page("2026-03-12T02:13:07.412531Z", Notified, go_users.clone());
    let t = Some(PD_TITLE);
    #[rustfmt::skip]
    let rows = vec![
        (PD, t, "2026-03-12T02:13:07.412Z", vec![page("2026-03-12T02:13:07.412Z", Assigned, alex_pd())]),
        (PD, t, "2026-03-12T02:28:07.530Z", vec![page("2026-03-12T02:28:07.530Z", Assigned, sam_pd)]),
        (PD, t, "2026-03-12T02:31:44.108Z", vec![]),
        (PD, t, "2026-03-12T02:40:12.960Z", vec![page("2026-03-12T02:40:12.960Z", Assigned, jordan_pd)]),
        (PD, t, "2026-03-12T02:44:09.377Z", vec![page("2026-03-12T02:44:09.377Z", Assigned, alex_pd())]),
        (PD, t, "2026-03-12T03:05:31.221Z", vec![]),
        (OG, Some(ALERT), "2026-03-12T02:13:07.498Z", vec![page("2026-03-12T02:13:07.412Z", Unattributed, vec![])]),
        (OG, Some(ALERT), "2026-03-12T02:31:44.108Z",
            vec![page("2026-03-12T02:13:07.412Z", Acknowledged, vec![by_email("sam.okafor@example.com")])]),
        (OG, Some(ALERT), "2026-03-12T03:05:31.221Z", vec![]),
        (AM, Some(ALERT), "2026-03-12T02:12:28Z", vec![page("2026-03-12T02:12:28Z", Unattributed, vec![])]),
        (AM, Some(ALERT), "2026-03-12T02:12:28Z", vec![page("2026-03-12T02:12:28Z", Unattributed, vec![])]),
        (AM, Some(ALERT), "2026-03-12T03:04:58Z", vec![]),
        (GO, Some(GO_TITLE), "2026-03-12T02:13:07.412531Z", vec![]),
        (GO, Some(GO_TITLE), "2026-03-12T02:31:44.108762Z", vec![go_page()]),
        (GO, Some(GO_TITLE), "2026-03-12T03:05:31.221405Z", vec![go_page()]),
        (IIO, Some(IIO_TITLE), "2026-03-12T02:13:09.184220Z", vec![]),
        (IIO, Some(IIO_TITLE), "2026-03-12T02:33:02.551907Z", vec![]),
        (IIO, Some(IIO_TITLE), "2026-03-12T03:06:10.002311Z", vec![]),
        (IIO_ESC, Some(ALERT), "2026-03-12T02:13:09.900Z", vec![page("2026-03-12T02:13:10.450Z", Notified, alex_iio())]),
        (IIO_ESC, Some(ALERT), "2026-03-12T02:31:44.108Z", vec![
            page("2026-03-12T02:13:10.450Z", Notified, alex_iio()),
            page("2026-03-12T02:28:10.510Z", Notified, sam_iio),
        ]),
        (IIO_ALERT, Some(ALERT), "2026-03-12T02:13:07.655Z", vec![]),
        ("01JNB8J0SCHPAYPRIMARY00001", Some("Payments Primary"), "2026-02-20T16:41:07Z", vec![]),
        (FH, Some(FH_TITLE), "2026-03-12T02:31:44Z", vec![]),
        (FH, Some(FH_TITLE), "2026-03-12T03:05:31Z", vec![]),
        (FH_ALERT, Some(ALERT), "2026-03-12T02:13:07Z", vec![page("2026-03-12T02:13:07Z", Unattributed, vec![])]),
        (FH_ALERT, Some(ALERT), "2026-03-12T02:13:07Z", vec![]),
    ];
    Story {
        set,
        expectations: expectations(rows),
        window: (ts("2026-03-12T02:11:00Z"), ts("2026-03-12T03:07:00Z")),
    }
}
