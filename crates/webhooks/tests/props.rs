//! Whatever arrives, nothing panics, and signing and verifying agree.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use aftercare_webhooks::{
    AuthError, ParseError, Source, delivery_id, parse, parse_received, signing, verify,
};
use common::{Set, sets, source_of_dir};

/// Our own fixtures and, when present, the real captures: read once for all cases.
static FIXTURES: std::sync::LazyLock<Vec<(String, String, Vec<u8>)>> =
    std::sync::LazyLock::new(|| sets().iter().flat_map(Set::all).collect());
use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::Value;

fn any_source() -> impl Strategy<Value = Source> {
    prop::sample::select(Source::ALL.to_vec())
}

fn any_timestamp() -> impl Strategy<Value = Timestamp> {
    (-10_000_000_000i64..10_000_000_000i64).prop_map(|s| Timestamp::from_second(s).unwrap())
}

fn header_names() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "X-PagerDuty-Signature",
        "X-Webhook-Id",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "fh-signature",
        "Authorization",
        "Content-Type",
    ])
    .prop_map(str::to_owned)
}

fn header_values() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(v1[=,])?[0-9a-fA-F+/=]{0,70}",
        "(Bearer|bearer|Basic)? ?[ -~]{0,20}",
        "[0-9]{0,12}",
        "(v1,[A-Za-z0-9+/]{43}= ?){0,3}",
    ]
}

/// Arbitrary JSON, to put where the fixtures have something else.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        Just(Value::String("2026-03-12 02:13:09 UTC".into())),
        Just(Value::String("0001-01-01T00:00:00Z".into())),
        Just(Value::from(i64::MAX)),
        Just(Value::from(i64::MIN)),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every location in a JSON value, as a list of keys/indices from the root.
fn locations(v: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(k.clone());
                locations(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(i.to_string());
                locations(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn slot<'v>(root: &'v mut Value, at: &[String]) -> &'v mut Value {
    at.iter().fold(root, |v, key| match v {
        Value::Object(m) => m.get_mut(key).unwrap(),
        Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        _ => unreachable!(),
    })
}

proptest! {
    // At least 512 cases; PROPTEST_CASES raises it for a longer soak.
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.max(512), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(
        source in any_source(),
        body in prop::collection::vec(any::<u8>(), 0..512),
        headers in prop::collection::vec((header_names(), header_values()), 0..6),
        secret in prop_oneof![Just(String::new()), any::<String>(), Just("whsec_c2VjcmV0".to_owned())],
        now in any_timestamp(),
    ) {
        let _ = parse(source, &body);
        let _ = parse_received(source, &body, now);
        let _ = verify(source, &secret, &headers, &body, now);
        let id = delivery_id(source, &headers, &body);
        prop_assert!(!id.is_empty());
    }

    #[test]
    fn arbitrary_json_objects_never_panic(source in any_source(), v in any_json()) {
        let body = serde_json::to_vec(&v).unwrap();
        if let Err(e) = parse(source, &body) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// Replacing or removing any one value of any fixture never panics, and a
    /// failure always names a field (the body is still valid JSON).
    #[test]
    fn mutated_fixtures_fail_with_a_named_field_or_parse(
        pick in any::<prop::sample::Index>(),
        location in any::<prop::sample::Index>(),
        replacement in any_json(),
        remove in any::<bool>(),
        received in any_timestamp(),
    ) {
        let (dir, _, body) = pick.get(&FIXTURES);
        let source = source_of_dir(dir);
        let mut v: Value = serde_json::from_slice(body).unwrap();
        let mut all = Vec::new();
        locations(&v, &mut Vec::new(), &mut all);
        let at = location.get(&all).clone();
        if remove && !at.is_empty() {
            let (last, parent) = at.split_last().unwrap();
            match slot(&mut v, parent) {
                Value::Object(m) => { m.remove(last); }
                Value::Array(items) => { items.remove(last.parse::<usize>().unwrap()); }
                _ => unreachable!(),
            }
        } else {
            *slot(&mut v, &at) = replacement;
        }
        let mutated = serde_json::to_vec(&v).unwrap();
        for result in [parse(source, &mutated), parse_received(source, &mutated, received)] {
            match result {
                Ok(event) => prop_assert!(!event.incident_key.trim().is_empty()),
                Err(ParseError::Field { path, reason }) => {
                    prop_assert!(!reason.is_empty());
                    prop_assert!(!path.is_empty() || reason == "missing");
                }
                Err(ParseError::NotAnObject { .. } | ParseError::OutboundEventsV2 | ParseError::LegacyPagerDutyWebhook) => {}
                Err(e @ ParseError::Json { .. }) => prop_assert!(false, "valid JSON reported as invalid: {e}"),
            }
        }
    }

    #[test]
    fn signed_requests_verify_and_any_change_fails(
        source in any_source(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        secret in "[!-~]([ -~]{0,38}[!-~])?",
        key in prop::collection::vec(any::<u8>(), 1..40),
        // Standard Webhooks timestamps are unsigned seconds: nothing before 1970.
        at in (0i64..10_000_000_000).prop_map(|s| Timestamp::from_second(s).unwrap()),
        flip in any::<prop::sample::Index>(),
        skew in -300i64..=300,
    ) {
        use base64::Engine as _;
        let secret = match source {
            Source::IncidentIo => format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(&key)),
            _ => secret,
        };
        let headers = signing::headers(source, &secret, &body, at).unwrap();
        let now = at.checked_add(jiff::SignedDuration::from_secs(skew)).unwrap();
        prop_assert_eq!(verify(source, &secret, &headers, &body, now), Ok(()));
        if source.signs_body() && !body.is_empty() {
            let mut altered = body.clone();
            let i = flip.index(altered.len());
            altered[i] ^= 0x80;
            let err = verify(source, &secret, &headers, &altered, now);
            prop_assert!(matches!(err, Err(AuthError::Mismatch { .. })), "{:?}", err);
        }
    }
}
