/// Why a body could not be turned into an [`Event`](crate::Event). Every
/// message says where (`body` or the field path) and why, because it goes
/// back to whoever configured the sender, as the text of a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON at all, or cut short (a truncated body ends up here).
    #[error("body: not valid JSON at line {line} column {column} ({reason})")]
    Json {
        line: usize,
        column: usize,
        reason: String,
    },
    /// Valid JSON, but not an object (every supported payload is one).
    #[error("body: expected a JSON object, found {found}")]
    NotAnObject { found: &'static str },
    /// A field is missing, has the wrong type or an unusable value. `path` is
    /// written like `event.data.assignees[0].id`; keys that are not plain
    /// identifiers are quoted, as in `["public_incident.incident_created_v2"].id`.
    #[error("field `{path}`: {reason}")]
    Field { path: String, reason: String },
    /// A PagerDuty Events API v2 event: the format alerting tools send *to*
    /// PagerDuty, not a webhook PagerDuty sends.
    #[error(
        "this is a PagerDuty Events API v2 event, which is sent *to* PagerDuty; configure a PagerDuty v3 webhook subscription instead"
    )]
    OutboundEventsV2,
    /// A PagerDuty v1/v2 webhook (`{"messages": [...]}`), out of support since
    /// 31 October 2022.
    #[error(
        "this is a legacy PagerDuty v2 webhook, out of support since 31 October 2022; configure a PagerDuty v3 webhook subscription instead"
    )]
    LegacyPagerDutyWebhook,
}

impl ParseError {
    pub(crate) fn field(path: impl Into<String>, reason: impl Into<String>) -> Self {
        ParseError::Field {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn from_json(err: &serde_json::Error) -> Self {
        // serde_json renders "<reason> at line L column C"; keep the reason
        // alone so the message reads the same whatever the position.
        let text = err.to_string();
        let reason = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(reason, _)| reason)
            .to_owned();
        ParseError::Json {
            line: err.line(),
            column: err.column(),
            reason,
        }
    }

    /// The field path, for [`ParseError::Field`].
    pub fn path(&self) -> Option<&str> {
        match self {
            ParseError::Field { path, .. } => Some(path),
            _ => None,
        }
    }
}
