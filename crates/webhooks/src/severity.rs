//! The severity or priority a sender gives an incident, as it names it (PagerDuty's `P3`,
//! incident.io's `Minor`, FireHydrant's `SEV3`, Alertmanager's `warning`): shown beside the
//! incident, never used to rank people.

use serde_json::Value;

use crate::Source;

/// Longest severity kept: anything longer is not a severity name.
const MAX_LEN: usize = 40;

fn text(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    (!s.is_empty() && s.chars().count() <= MAX_LEN).then(|| s.to_string())
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// The severity in a delivery's body, if the sender gives one. Reads the body again
/// (bounded by the ingest limit; `serde_json` stops at 128 levels of nesting), so the
/// parsers' events stay what they were.
pub fn severity(source: Source, body: &[u8]) -> Option<String> {
    let root: Value = serde_json::from_slice(body).ok()?;
    let first = |paths: &[&[&str]]| paths.iter().find_map(|p| text(at(&root, p)));
    match source {
        Source::PagerDuty => first(&[
            &["event", "data", "priority", "summary"],
            &["event", "data", "priority", "name"],
            &["event", "data", "incident", "priority", "summary"],
        ]),
        Source::Opsgenie => first(&[&["alert", "priority"], &["alert", "details", "severity"]]),
        Source::Alertmanager => first(&[&["commonLabels", "severity"]]),
        Source::GrafanaOnCall => first(&[
            &["alert_group", "labels", "severity"],
            &["alert_payload", "labels", "severity"],
        ]),
        Source::IncidentIo => {
            // The payload sits under a key named after the event type.
            let event_type = root.get("event_type")?.as_str()?;
            let inner = root.get(event_type)?;
            [
                &["severity", "name"][..],
                &["incident", "severity", "name"],
                &["priority", "name"],
                &["escalation", "priority", "name"],
            ]
            .iter()
            .find_map(|p| text(at(inner, p)))
        }
        Source::FireHydrant => first(&[
            &["data", "incident", "severity", "slug"],
            &["data", "incident", "severity", "name"],
            &["data", "incident", "priority", "slug"],
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn each_sender_names_its_severity() {
        for (source, path, want) in [
            (
                Source::PagerDuty,
                "pagerduty_v3/incident.triggered.json",
                Some("P3"),
            ),
            (
                Source::PagerDuty,
                "pagerduty_v3/incident.responder.added.json",
                None,
            ),
            (
                Source::Alertmanager,
                "alertmanager/firing.json",
                Some("warning"),
            ),
            (
                Source::GrafanaOnCall,
                "grafana_oncall/alert_group_created.json",
                Some("warning"),
            ),
            (Source::Opsgenie, "opsgenie/create.json", Some("warning")),
            (
                Source::IncidentIo,
                "incident_io/public_incident.incident_created_v2.json",
                Some("Minor"),
            ),
            (
                Source::IncidentIo,
                "incident_io/public_escalation.escalation_created_v1.json",
                Some("P2"),
            ),
            (
                Source::FireHydrant,
                "firehydrant/incident_updated_resolved.json",
                Some("SEV3"),
            ),
        ] {
            assert_eq!(severity(source, &fixture(path)).as_deref(), want, "{path}");
        }
    }

    #[test]
    fn nonsense_gives_none() {
        assert_eq!(severity(Source::PagerDuty, b"not json"), None);
        assert_eq!(severity(Source::IncidentIo, br#"{"event_type":"x"}"#), None);
        let long = format!(r#"{{"commonLabels":{{"severity":"{}"}}}}"#, "x".repeat(41));
        assert_eq!(severity(Source::Alertmanager, long.as_bytes()), None);
    }
}
