//! `verify`, `delivery_id` and `signing` against the fixtures' signature examples (our own,
//! and those beside the captures in `../shared` when present), and every way a request can fail.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use aftercare_webhooks::{
    AuthError, Headers, STANDARD_WEBHOOKS_TOLERANCE_SECS, SecretError, Source, check_secret,
    delivery_id, signing, verify,
};
use common::{
    IIO_SIGNED_AT, Signatures, all_fixtures, fixture, iio_now, iio_signed_at, sets, signatures,
    source_of_dir, ts,
};
use jiff::Timestamp;

fn now() -> Timestamp {
    ts("2026-06-18T01:46:35Z")
}

/// When a set's signature examples can be checked: incident.io signs a timestamp, held to five
/// minutes; the others sign the body only.
fn verify_at(source: Source, sigs: &Signatures) -> Timestamp {
    if source == Source::IncidentIo {
        iio_signed_at(sigs)
    } else {
        now()
    }
}

fn with(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<_> = headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    out.push((name.to_owned(), value.to_owned()));
    out
}

fn without(headers: &[(String, String)], name: &str) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
        .cloned()
        .collect()
}

/// Source, secret, request headers, and the header the error must name.
type HeaderCase<'a> = (Source, &'a str, Vec<(String, String)>, &'static str);

const SIGNED_DIRS: [(&str, Source); 3] = [
    ("pagerduty_v3", Source::PagerDuty),
    ("incident_io", Source::IncidentIo),
    ("firehydrant", Source::FireHydrant),
];

#[test]
fn every_published_fixture_signature_verifies() {
    for set in sets() {
        let mut checked = 0;
        for (dir, source) in SIGNED_DIRS {
            let sigs = set.signatures(dir);
            for (file, headers) in &sigs.headers_by_file {
                let body = set.fixture(dir, file);
                verify(
                    source,
                    &sigs.secret,
                    headers,
                    &body,
                    verify_at(source, &sigs),
                )
                .unwrap_or_else(|e| panic!("{} {dir}/{file}: {e}", set.name));
                checked += 1;
            }
        }
        assert_eq!(checked, 6 + 1 + 4, "{}", set.name);
    }
}

#[test]
fn signing_reproduces_the_published_signatures() {
    for set in sets() {
        let pd = set.signatures("pagerduty_v3");
        for (file, headers) in &pd.headers_by_file {
            let body = set.fixture("pagerduty_v3", file);
            assert_eq!(
                Some(signing::pagerduty_signature(&pd.secret, &body).as_str()),
                headers.header("X-PagerDuty-Signature"),
                "{file}"
            );
            let id = headers.header("X-Webhook-Id").unwrap();
            let produced =
                signing::headers_with_id(Source::PagerDuty, &pd.secret, id, &body, now()).unwrap();
            for (k, v) in headers {
                assert_eq!(produced.header(k), Some(v.as_str()), "{file}: {k}");
            }
        }
        let fh = set.signatures("firehydrant");
        for (file, headers) in &fh.headers_by_file {
            let body = set.fixture("firehydrant", file);
            assert_eq!(
                Some(signing::firehydrant_signature(&fh.secret, &body).as_str()),
                headers.header("fh-signature"),
                "{file}"
            );
        }
        let iio = set.signatures("incident_io");
        for (file, headers) in &iio.headers_by_file {
            let body = set.fixture("incident_io", file);
            let id = headers.header("webhook-id").unwrap();
            let produced = signing::headers_with_id(
                Source::IncidentIo,
                &iio.secret,
                id,
                &body,
                iio_signed_at(&iio),
            )
            .unwrap();
            for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
                assert_eq!(
                    produced.header(name),
                    headers.header(name),
                    "{file}: {name}"
                );
            }
        }
    }
}

#[test]
fn signed_headers_verify_for_every_source_and_fixture() {
    for (dir, file, body) in all_fixtures() {
        let source = source_of_dir(&dir);
        let secret = match source {
            Source::IncidentIo => "whsec_c2VjcmV0LWZvci10ZXN0cw==",
            _ => "s3cret-for-tests",
        };
        let at = ts("2026-06-18T02:04:12Z");
        let headers = signing::headers(source, secret, &body, at).unwrap();
        verify(source, secret, &headers, &body, at).unwrap_or_else(|e| panic!("{dir}/{file}: {e}"));
        let mut altered = body.clone();
        altered.insert(1, b' ');
        if source.signs_body() {
            assert!(
                matches!(
                    verify(source, secret, &headers, &altered, at),
                    Err(AuthError::Mismatch { .. })
                ),
                "{dir}/{file}"
            );
        }
    }
}

#[test]
fn delivery_ids_come_from_the_documented_headers_or_the_body_hash() {
    let pd = signatures("pagerduty_v3");
    let body = fixture("pagerduty_v3", "incident.triggered.json");
    let headers = &pd.headers_by_file["incident.triggered.json"];
    assert_eq!(
        delivery_id(Source::PagerDuty, headers, &body),
        "4c1f09ab7e2d4a86b3d05e9f1a7c2b64"
    );
    let iio = signatures("incident_io");
    let headers = &iio.headers_by_file["public_incident.incident_created_v2.json"];
    let body = fixture("incident_io", "public_incident.incident_created_v2.json");
    assert_eq!(
        delivery_id(Source::IncidentIo, headers, &body),
        "msg_3AfterCareFixtureCreated01"
    );

    // No header: the body's hash, the same for an identical retry and
    // different for another event.
    let none: [(&str, &str); 0] = [];
    let create = fixture("opsgenie", "create.json");
    let ack = fixture("opsgenie", "acknowledge.json");
    let id = delivery_id(Source::Opsgenie, &none, &create);
    assert_eq!(id, delivery_id(Source::Opsgenie, &none, &create.clone()));
    assert_ne!(id, delivery_id(Source::Opsgenie, &none, &ack));
    assert!(id.starts_with("sha256:") && id.len() == 7 + 64, "{id}");
    assert_eq!(
        delivery_id(Source::Opsgenie, &none, b""),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    // A PagerDuty request without (or with a blank) X-Webhook-Id falls back too.
    assert_eq!(
        delivery_id(Source::PagerDuty, &[("X-Webhook-Id", "  ")], &create),
        id
    );
    // Sources without a delivery header ignore one that happens to be there.
    assert_eq!(
        delivery_id(Source::FireHydrant, &[("X-Webhook-Id", "x")], &create),
        id
    );
}

#[test]
fn header_lookup_ignores_case_in_every_container() {
    let slice: &[(&str, &str)] = &[("X-PagerDuty-Signature", "v1=ab")];
    assert_eq!(slice.header("x-pagerduty-signature"), Some("v1=ab"));
    let owned = vec![("webhook-ID".to_owned(), "msg_1".to_owned())];
    assert_eq!(owned.header("Webhook-Id"), Some("msg_1"));
    let map: BTreeMap<String, String> = [("FH-Signature".to_owned(), "00".to_owned())].into();
    assert_eq!(map.header("fh-signature"), Some("00"));
    assert_eq!(map.header("fh-signatur"), None);

    // And verification works with lowercased, re-cased headers.
    let pd = signatures("pagerduty_v3");
    let body = fixture("pagerduty_v3", "incident.escalated.json");
    let map: BTreeMap<String, String> = pd.headers_by_file["incident.escalated.json"]
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    verify(Source::PagerDuty, &pd.secret, &map, &body, now()).unwrap();
}

#[test]
fn wrong_secrets_are_mismatches_naming_the_header() {
    for set in sets() {
        for (dir, source) in SIGNED_DIRS {
            let sigs = set.signatures(dir);
            for (file, headers) in &sigs.headers_by_file {
                let body = set.fixture(dir, file);
                let wrong = match source {
                    Source::IncidentIo => "whsec_d3Jvbmctc2VjcmV0".to_owned(),
                    _ => format!("{}x", sigs.secret),
                };
                let err =
                    verify(source, &wrong, headers, &body, verify_at(source, &sigs)).unwrap_err();
                assert!(
                    matches!(err, AuthError::Mismatch { .. }),
                    "{dir}/{file}: {err}"
                );
                let header = err.header().unwrap();
                assert!(err.to_string().contains(header), "{err}");
            }
        }
    }
    for source in [
        Source::Opsgenie,
        Source::Alertmanager,
        Source::GrafanaOnCall,
    ] {
        let headers = [("Authorization", "Bearer right-secret")];
        verify(source, "right-secret", &headers, b"{}", now()).unwrap();
        let err = verify(source, "other-secret", &headers, b"{}", now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`Authorization` does not match: the bearer token is not this integration's secret"
        );
        // A prefix of the secret is not the secret.
        let err = verify(source, "right-secret-2", &headers, b"{}", now()).unwrap_err();
        assert!(matches!(err, AuthError::Mismatch { .. }));
    }
}

#[test]
fn altered_bodies_fail() {
    for set in sets() {
        for (dir, source) in SIGNED_DIRS {
            let sigs = set.signatures(dir);
            for (file, headers) in &sigs.headers_by_file {
                let body = set.fixture(dir, file);
                let mut cases = vec![
                    body[..body.len() - 1].to_vec(), // trailing newline dropped
                    [body.as_slice(), b" "].concat(),
                    Vec::new(),
                ];
                let mut flipped = body.clone();
                flipped[body.len() / 2] ^= 0x01;
                cases.push(flipped);
                for altered in cases {
                    let err = verify(
                        source,
                        &sigs.secret,
                        headers,
                        &altered,
                        verify_at(source, &sigs),
                    )
                    .unwrap_err();
                    assert!(
                        matches!(err, AuthError::Mismatch { .. }),
                        "{dir}/{file}: {err}"
                    );
                }
            }
            // One fixture's signature on another fixture's body.
            let mut files = sigs.headers_by_file.keys();
            if let (Some(a), Some(b)) = (files.next(), files.next()) {
                let err = verify(
                    source,
                    &sigs.secret,
                    &sigs.headers_by_file[a],
                    &set.fixture(dir, b),
                    now(),
                )
                .unwrap_err();
                assert!(matches!(err, AuthError::Mismatch { .. }));
            }
        }
    }
}

fn iio() -> (String, Vec<(String, String)>, Vec<u8>) {
    let sigs = signatures("incident_io");
    let file = "public_incident.incident_created_v2.json";
    (
        sigs.secret.clone(),
        sigs.headers_by_file[file].clone(),
        fixture("incident_io", file),
    )
}

#[test]
fn incident_io_timestamps_are_held_to_five_minutes_either_way() {
    let (secret, headers, body) = iio();
    let tol = STANDARD_WEBHOOKS_TOLERANCE_SECS;
    assert_eq!(tol, 300);
    for offset in [-tol, -1, 0, 1, tol] {
        verify(
            Source::IncidentIo,
            &secret,
            &headers,
            &body,
            iio_now(offset),
        )
        .unwrap_or_else(|e| panic!("{offset}: {e}"));
    }
    // `now` after the timestamp: the request is old.
    let err = verify(
        Source::IncidentIo,
        &secret,
        &headers,
        &body,
        iio_now(tol + 1),
    )
    .unwrap_err();
    assert_eq!(
        err,
        AuthError::StaleTimestamp {
            header: "webhook-timestamp",
            timestamp: IIO_SIGNED_AT,
            now: IIO_SIGNED_AT + tol + 1,
            tolerance_secs: tol,
        }
    );
    assert_eq!(
        err.to_string(),
        "`webhook-timestamp` is 301 s in the past, beyond the 300 s tolerance"
    );
    let err = verify(
        Source::IncidentIo,
        &secret,
        &headers,
        &body,
        iio_now(-86_400),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`webhook-timestamp` is 86400 s in the future, beyond the 300 s tolerance"
    );
    // A replay a day later, with its original signature.
    let err = verify(
        Source::IncidentIo,
        &secret,
        &headers,
        &body,
        iio_now(86_400),
    )
    .unwrap_err();
    assert!(matches!(err, AuthError::StaleTimestamp { .. }));
}

#[test]
fn incident_io_signs_the_id_and_timestamp_too() {
    let (secret, headers, body) = iio();
    // Moving the timestamp (even within tolerance) or the id breaks the signature.
    let moved = with(
        &headers,
        "webhook-timestamp",
        &(IIO_SIGNED_AT + 1).to_string(),
    );
    let err = verify(Source::IncidentIo, &secret, &moved, &body, iio_now(0)).unwrap_err();
    assert!(matches!(
        err,
        AuthError::Mismatch {
            header: "webhook-signature",
            ..
        }
    ));
    let renamed = with(&headers, "webhook-id", "msg_other");
    let err = verify(Source::IncidentIo, &secret, &renamed, &body, iio_now(0)).unwrap_err();
    assert!(matches!(err, AuthError::Mismatch { .. }));
    // Several signatures (rotation), other versions skipped: one match suffices.
    let good = headers.header("webhook-signature").unwrap().to_owned();
    let many = with(
        &headers,
        "webhook-signature",
        &format!("v1a,AAAA v1,d3Jvbmc= {good} v2,zzz"),
    );
    verify(Source::IncidentIo, &secret, &many, &body, iio_now(0)).unwrap();
    // The `whsec_` prefix is optional, as in the reference libraries.
    let bare = secret.strip_prefix("whsec_").unwrap();
    verify(Source::IncidentIo, bare, &headers, &body, iio_now(0)).unwrap();
}

#[test]
fn pagerduty_accepts_any_matching_v1_during_rotation() {
    let pd = signatures("pagerduty_v3");
    let file = "incident.resolved.json";
    let body = fixture("pagerduty_v3", file);
    let good = pd.headers_by_file[file]
        .header("X-PagerDuty-Signature")
        .unwrap()
        .to_owned();
    let wrong = signing::pagerduty_signature("old-secret", &body);
    for value in [
        format!("{wrong},{good}"),
        format!("{good}, {wrong}"),
        format!("v0=abc,{good}"),
        format!("{wrong},v1=nothex,{good}"),
    ] {
        let headers = [("X-PagerDuty-Signature", value.as_str())];
        verify(Source::PagerDuty, &pd.secret, &headers, &body, now())
            .unwrap_or_else(|e| panic!("{value}: {e}"));
    }
    let headers = [("X-PagerDuty-Signature", wrong.as_str())];
    assert!(matches!(
        verify(Source::PagerDuty, &pd.secret, &headers, &body, now()),
        Err(AuthError::Mismatch {
            header: "X-PagerDuty-Signature",
            ..
        })
    ));
}

#[test]
fn missing_headers_are_named() {
    let (iio_secret, iio_headers, iio_body) = iio();
    let cases: Vec<HeaderCase> = vec![
        (Source::PagerDuty, "pd", vec![], "X-PagerDuty-Signature"),
        (Source::FireHydrant, "fh", vec![], "fh-signature"),
        (Source::Opsgenie, "og", vec![], "Authorization"),
        (Source::Alertmanager, "am", vec![], "Authorization"),
        (Source::GrafanaOnCall, "go", vec![], "Authorization"),
        (
            Source::IncidentIo,
            &iio_secret,
            without(&iio_headers, "webhook-id"),
            "webhook-id",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            without(&iio_headers, "webhook-timestamp"),
            "webhook-timestamp",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            without(&iio_headers, "webhook-signature"),
            "webhook-signature",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-signature", "  "),
            "webhook-signature",
        ),
        (
            Source::PagerDuty,
            "pd",
            vec![("X-PagerDuty-Signature".into(), String::new())],
            "X-PagerDuty-Signature",
        ),
    ];
    for (source, secret, headers, header) in cases {
        let err = verify(source, secret, &headers, &iio_body, iio_now(0)).unwrap_err();
        assert_eq!(err, AuthError::MissingHeader { header }, "{source}");
        assert_eq!(err.to_string(), format!("missing `{header}` header"));
    }
}

#[test]
fn malformed_headers_are_named_with_the_expected_shape() {
    let (iio_secret, iio_headers, body) = iio();
    let h = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
    let cases: Vec<HeaderCase> = vec![
        (
            Source::PagerDuty,
            "pd",
            h("X-PagerDuty-Signature", "sha256=abcd"),
            "X-PagerDuty-Signature",
        ),
        (
            Source::PagerDuty,
            "pd",
            h("X-PagerDuty-Signature", "v1=zz"),
            "X-PagerDuty-Signature",
        ),
        (
            Source::PagerDuty,
            "pd",
            h("X-PagerDuty-Signature", "v1=abcd"),
            "X-PagerDuty-Signature",
        ),
        (
            Source::FireHydrant,
            "fh",
            h("fh-signature", "not hex"),
            "fh-signature",
        ),
        (
            Source::FireHydrant,
            "fh",
            h("fh-signature", "abcd"),
            "fh-signature",
        ),
        (
            Source::Opsgenie,
            "og",
            h("Authorization", "Basic b2c6b2c="),
            "Authorization",
        ),
        (
            Source::Alertmanager,
            "am",
            h("Authorization", "Bearer"),
            "Authorization",
        ),
        (
            Source::GrafanaOnCall,
            "go",
            h("Authorization", "Bearer    "),
            "Authorization",
        ),
        (
            Source::GrafanaOnCall,
            "go",
            h("Authorization", "go"),
            "Authorization",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-timestamp", "yesterday"),
            "webhook-timestamp",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-timestamp", "-1773281590"),
            "webhook-timestamp",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-timestamp", "1773281590.5"),
            "webhook-timestamp",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-timestamp", "99999999999999999999"),
            "webhook-timestamp",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-signature", "v2,abcd"),
            "webhook-signature",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(&iio_headers, "webhook-signature", "v1,***"),
            "webhook-signature",
        ),
        (
            Source::IncidentIo,
            &iio_secret,
            with(
                &iio_headers,
                "webhook-signature",
                "ccKlTcJXOCQS9TFBF2f+fQc51iGR+MEmSiA7qd0Z+So=",
            ),
            "webhook-signature",
        ),
    ];
    for (source, secret, headers, header) in cases {
        let err = verify(source, secret, &headers, &body, iio_now(0)).unwrap_err();
        assert!(
            matches!(err, AuthError::MalformedHeader { header: h, .. } if h == header),
            "{source} {headers:?}: {err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("malformed `{header}` header: expected")),
            "{err}"
        );
    }
    // Bearer scheme names are case-insensitive (RFC 9110).
    verify(
        Source::Opsgenie,
        "og",
        &h("Authorization", "bearer og"),
        b"",
        now(),
    )
    .unwrap();
    verify(
        Source::Opsgenie,
        "og",
        &h("authorization", "BEARER og "),
        b"",
        now(),
    )
    .unwrap();
}

#[test]
fn unusable_secrets_are_configuration_errors() {
    for source in Source::ALL {
        assert_eq!(
            check_secret(source, ""),
            Err(SecretError::Empty),
            "{source}"
        );
        let err = verify(source, "", &[("Authorization", "Bearer ")], b"{}", now()).unwrap_err();
        assert_eq!(err, AuthError::Secret(SecretError::Empty), "{source}");
        assert!(signing::headers(source, "", b"{}", now()).is_err());
    }
    assert_eq!(
        check_secret(Source::IncidentIo, "whsec_"),
        Err(SecretError::Empty)
    );
    assert_eq!(
        check_secret(Source::IncidentIo, "whsec_not base64!"),
        Err(SecretError::NotStandardWebhooks)
    );
    let (_, headers, body) = iio();
    let err = verify(
        Source::IncidentIo,
        "plain-text-secret",
        &headers,
        &body,
        iio_now(0),
    )
    .unwrap_err();
    assert_eq!(err, AuthError::Secret(SecretError::NotStandardWebhooks));
    assert!(err.header().is_none());
    assert!(
        err.to_string()
            .starts_with("the integration's secret is unusable: ")
    );
    check_secret(Source::IncidentIo, &iio().0).unwrap();
    for source in [
        Source::Opsgenie,
        Source::Alertmanager,
        Source::GrafanaOnCall,
    ] {
        for bad in [" padded", "padded ", "new\nline", "caf\u{e9}", "tab\there"] {
            assert_eq!(
                check_secret(source, bad),
                Err(SecretError::NotHeaderSafe),
                "{bad:?}"
            );
            let err =
                verify(source, bad, &[("Authorization", "Bearer x")], b"", now()).unwrap_err();
            assert_eq!(err, AuthError::Secret(SecretError::NotHeaderSafe));
        }
        check_secret(source, "with inner spaces is fine").unwrap();
        verify(
            source,
            "a b",
            &[("Authorization", "Bearer a b")],
            b"",
            now(),
        )
        .unwrap();
    }
    // HMAC keys may be any bytes.
    check_secret(Source::PagerDuty, " caf\u{e9} ").unwrap();
    check_secret(Source::PagerDuty, "anything").unwrap();
}
