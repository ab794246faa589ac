//! Fixture access for the integration tests.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use aftercare_webhooks::Source;
use jiff::Timestamp;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/webhooks")
}

/// Which source a fixture directory is for (the outbound Events v2 samples
/// are posted to a PagerDuty integration).
pub fn source_of_dir(dir: &str) -> Source {
    match dir {
        "pagerduty_v3" | "pagerduty_events_v2_outbound_reference" => Source::PagerDuty,
        "opsgenie" => Source::Opsgenie,
        "alertmanager" => Source::Alertmanager,
        "grafana_oncall" => Source::GrafanaOnCall,
        "incident_io" => Source::IncidentIo,
        "firehydrant" => Source::FireHydrant,
        other => panic!("fixture directory {other} has no source; add it to the tests"),
    }
}

/// Every payload fixture as `(dir, file, bytes)`, `_signatures.json` excluded.
pub fn all_fixtures() -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('_'))
            .collect();
        files.sort();
        for file in files {
            out.push((
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                file.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&file).unwrap(),
            ));
        }
    }
    assert!(
        out.len() >= 29,
        "expected the full fixture set, found {}",
        out.len()
    );
    out
}

pub fn fixture(dir: &str, file: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(dir).join(file))
        .unwrap_or_else(|e| panic!("{dir}/{file}: {e}"))
}

pub struct Signatures {
    pub secret: String,
    pub headers_by_file: BTreeMap<String, Vec<(String, String)>>,
}

pub fn signatures(dir: &str) -> Signatures {
    let v: serde_json::Value = serde_json::from_slice(&fixture(dir, "_signatures.json")).unwrap();
    let secret = v["secret"].as_str().unwrap().to_owned();
    let headers_by_file = v["headers_by_file"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(file, headers)| {
            let headers = headers
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            (file.clone(), headers)
        })
        .collect();
    Signatures {
        secret,
        headers_by_file,
    }
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// The incident.io fixture's signed `webhook-timestamp` (2026-03-12T02:13:10Z).
pub const IIO_SIGNED_AT: i64 = 1_773_281_590;

pub fn iio_now(offset_secs: i64) -> Timestamp {
    Timestamp::from_second(IIO_SIGNED_AT + offset_secs).unwrap()
}
