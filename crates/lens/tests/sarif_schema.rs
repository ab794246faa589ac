//! SARIF output validates against the SARIF 2.1.0 JSON schema. The schema file is the copy shipped
//! in the npm package `@microsoft/jest-sarif` (lib/schemas/sarif-2.1.0-rtm.5.json, the 2.1.0
//! schema as published by OASIS and schemastore), committed so the test needs no network.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aftercare_lens::Lens;
use aftercare_lens::report::{Format, render};
use serde_json::Value;

const BROKEN_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const FIXED_PATTERN: &str = "^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$";

/// The packaged schema, with one known upstream defect repaired: the `language` pattern has a
/// stray `]` (`...-[a-zA-Z]{2}]?$`) that strict regex engines reject as an invalid pattern; the
/// corrected form published later by OASIS is used instead. Nothing else changes.
fn schema() -> Value {
    fn repair(v: &mut Value, fixed: &mut usize) {
        match v {
            Value::String(s) if s == BROKEN_PATTERN => {
                *s = FIXED_PATTERN.to_string();
                *fixed += 1;
            }
            Value::Array(a) => a.iter_mut().for_each(|x| repair(x, fixed)),
            Value::Object(o) => o.values_mut().for_each(|x| repair(x, fixed)),
            _ => {}
        }
    }
    let mut schema: Value =
        serde_json::from_str(include_str!("data/sarif-2.1.0-rtm.5.json")).unwrap();
    let mut fixed = 0;
    repair(&mut schema, &mut fixed);
    assert!(fixed > 0, "the packaged schema changed; revisit the repair");
    schema
}

fn validate(doc: &str) {
    let schema = schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let instance: Value = serde_json::from_str(doc).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}\n{doc}",
        errors.join("\n")
    );
}

#[test]
fn sarif_with_every_rule_validates() {
    let text = "# Review\n\nThe root cause was human error.\n\nThe DBA forgot to re-enable autovacuum — “obviously” the signs were there.\n\nWhy did you push? Someone needs to take the blame. Sloppy work; it should have been caught.\n";
    let findings = Lens::default().check(text);
    let rules: std::collections::BTreeSet<_> = findings.iter().map(|f| f.rule).collect();
    assert!(rules.len() >= 7, "{rules:?}");
    let out = render(
        Format::Sarif,
        &[
            ("reviews/2024 outage é.md", text, &findings),
            ("empty.md", "", &[]),
        ],
    );
    validate(&out);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["runs"][0]["results"].as_array().unwrap().len(),
        findings.len()
    );
}

#[test]
fn empty_sarif_validates() {
    validate(&render(Format::Sarif, &[]));
}

#[test]
fn the_schema_rejects_broken_sarif() {
    // Guards against a validator that accepts everything.
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let bad: Value = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator.is_valid(&bad));
}
