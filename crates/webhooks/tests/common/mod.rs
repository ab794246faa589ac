//! Fixture access for the integration tests.
//!
//! Two sets of payloads: the project's own (`tests/fixtures/`, written for Aftercare from each
//! sender's published documentation, see its PROVENANCE.md), always there; and the captures in
//! `../shared/data/webhooks`, checked too when that folder sits beside the repository (and always
//! in CI). Both use the same directory layout.
// Test helpers panic on purpose: the panic is the failure report.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

#[path = "../../../../tests/support/real_data.rs"]
mod real_data;

use std::collections::BTreeMap;
use std::path::PathBuf;

use aftercare_webhooks::Source;
use jiff::Timestamp;

/// One set of payload fixtures, a directory per sender.
pub struct Set {
    pub name: &'static str,
    pub root: PathBuf,
}

/// The project's own fixtures.
pub fn own() -> Set {
    Set {
        name: "own",
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    }
}

/// The captures in `../shared/data/webhooks`, when present (see `real_data`).
pub fn real() -> Option<Set> {
    real_data::real_data("data/webhooks", "real webhook captures").map(|root| Set {
        name: "shared",
        root,
    })
}

/// Our own set, then the real captures if they are there.
pub fn sets() -> Vec<Set> {
    std::iter::once(own()).chain(real()).collect()
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

impl Set {
    /// Every payload as `(dir, file, bytes)`, `_signatures.json` excluded.
    pub fn all(&self) -> Vec<(String, String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut dirs: Vec<_> = std::fs::read_dir(&self.root)
            .unwrap_or_else(|e| panic!("{}: {e}", self.root.display()))
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
            "{}: expected the full fixture set, found {}",
            self.name,
            out.len()
        );
        out
    }

    pub fn fixture(&self, dir: &str, file: &str) -> Vec<u8> {
        std::fs::read(self.root.join(dir).join(file))
            .unwrap_or_else(|e| panic!("{} {dir}/{file}: {e}", self.name))
    }

    pub fn signatures(&self, dir: &str) -> Signatures {
        let v: serde_json::Value =
            serde_json::from_slice(&self.fixture(dir, "_signatures.json")).unwrap();
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
}

/// Every payload of our own set.
pub fn all_fixtures() -> Vec<(String, String, Vec<u8>)> {
    own().all()
}

/// One payload of our own set.
pub fn fixture(dir: &str, file: &str) -> Vec<u8> {
    own().fixture(dir, file)
}

/// The signature examples of our own set.
pub fn signatures(dir: &str) -> Signatures {
    own().signatures(dir)
}

pub struct Signatures {
    pub secret: String,
    pub headers_by_file: BTreeMap<String, Vec<(String, String)>>,
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Our incident.io fixture's signed `webhook-timestamp` (2026-06-18T01:46:35Z).
pub const IIO_SIGNED_AT: i64 = 1_781_747_195;

pub fn iio_now(offset_secs: i64) -> Timestamp {
    Timestamp::from_second(IIO_SIGNED_AT + offset_secs).unwrap()
}

/// When a set's incident.io example was signed (its `webhook-timestamp`), for verifying it.
pub fn iio_signed_at(sigs: &Signatures) -> Timestamp {
    let at = sigs
        .headers_by_file
        .values()
        .find_map(|h| h.iter().find(|(k, _)| k == "webhook-timestamp"))
        .map(|(_, v)| v.parse::<i64>().unwrap())
        .unwrap();
    Timestamp::from_second(at).unwrap()
}
