//! Reading a `serde_json::Value` while keeping track of where we are, so a
//! bad payload gets an error that names the exact field.
//!
//! Payloads are read from a `Value` rather than derived structs because serde
//! derive errors do not say which nested field failed, and because the
//! senders' payloads are large and mostly irrelevant to us: we read only what
//! we use and let the rest change freely.

use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::ParseError;

/// A JSON object and its path from the root.
#[derive(Clone)]
pub(crate) struct Obj<'a> {
    pub(crate) map: &'a Map<String, Value>,
    pub(crate) path: String,
}

/// Appends `key` to a path: `a.b` for identifiers, `a["x.y"]` otherwise
/// (incident.io keys its payloads by event type, dots included).
pub(crate) fn join(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Shortens a sender's value for an error message: enough to recognise it,
/// never a whole payload.
fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        format!("{s:?}")
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut:?}…")
    }
}

fn expected(path: &str, what: &str, found: &Value) -> ParseError {
    ParseError::field(path, format!("expected {what}, found {}", type_name(found)))
}

/// Parses the timestamp formats our senders use: RFC 3339 / ISO 8601 with an
/// offset (`2026-03-12T02:13:07Z`, `...+00:00`), and FireHydrant's
/// `2026-03-12 02:13:09 UTC`, which is not ISO 8601.
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts);
    }
    let civil = s.strip_suffix(" UTC").or_else(|| s.strip_suffix(" utc"))?;
    civil
        .trim_end()
        .parse::<jiff::civil::DateTime>()
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// An epoch time whose unit is not fixed: Opsgenie sends `createdAt` in
/// milliseconds and `updatedAt` in nanoseconds. The magnitude decides, which
/// is unambiguous for any time between 1973 and 5138: seconds stay below
/// 1e11, milliseconds below 1e14, microseconds below 1e17.
pub(crate) fn epoch_any_unit(n: i64) -> Option<Timestamp> {
    let abs = n.unsigned_abs();
    if abs < 100_000_000_000 {
        Timestamp::from_second(n).ok()
    } else if abs < 100_000_000_000_000 {
        Timestamp::from_millisecond(n).ok()
    } else if abs < 100_000_000_000_000_000 {
        Timestamp::from_microsecond(n).ok()
    } else {
        Timestamp::from_nanosecond(i128::from(n)).ok()
    }
}

impl<'a> Obj<'a> {
    pub(crate) fn root(v: &'a Value) -> Result<Self, ParseError> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                path: String::new(),
            }),
            other => Err(ParseError::NotAnObject {
                found: type_name(other),
            }),
        }
    }

    pub(crate) fn of(v: &'a Value, path: String) -> Result<Self, ParseError> {
        match v {
            Value::Object(map) => Ok(Obj { map, path }),
            other => Err(expected(&path, "an object", other)),
        }
    }

    pub(crate) fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The value at `key`; an explicit `null` counts as absent, because our
    /// senders use both for "not set".
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn req(&self, key: &str) -> Result<&'a Value, ParseError> {
        match self.map.get(key) {
            None => Err(ParseError::field(self.path_of(key), "missing")),
            Some(Value::Null) => Err(ParseError::field(
                self.path_of(key),
                "null, expected a value",
            )),
            Some(v) => Ok(v),
        }
    }

    /// A required, non-blank string.
    pub(crate) fn str(&self, key: &str) -> Result<&'a str, ParseError> {
        match self.req(key)? {
            Value::String(s) if s.trim().is_empty() => {
                Err(ParseError::field(self.path_of(key), "empty"))
            }
            Value::String(s) => Ok(s),
            other => Err(expected(&self.path_of(key), "a string", other)),
        }
    }

    /// An optional string; absent, null and blank are all `None`, a value of
    /// another type is an error.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ParseError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(expected(&self.path_of(key), "a string", other)),
        }
    }

    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>, ParseError> {
        Ok(self.opt_str(key)?.map(str::to_owned))
    }

    pub(crate) fn obj(&self, key: &str) -> Result<Obj<'a>, ParseError> {
        Obj::of(self.req(key)?, self.path_of(key))
    }

    pub(crate) fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>, ParseError> {
        self.get(key)
            .map(|v| Obj::of(v, self.path_of(key)))
            .transpose()
    }

    fn items(&self, key: &str, v: &'a Value) -> Result<Vec<(String, &'a Value)>, ParseError> {
        match v {
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{}[{i}]", self.path_of(key)), item))
                .collect()),
            other => Err(expected(&self.path_of(key), "an array", other)),
        }
    }

    /// A required array, as `(path, value)` pairs.
    pub(crate) fn arr(&self, key: &str) -> Result<Vec<(String, &'a Value)>, ParseError> {
        self.items(key, self.req(key)?)
    }

    /// An optional array; absent or null is empty.
    pub(crate) fn opt_arr(&self, key: &str) -> Result<Vec<(String, &'a Value)>, ParseError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) => self.items(key, v),
        }
    }

    /// Objects of an optional array.
    pub(crate) fn opt_objs(&self, key: &str) -> Result<Vec<Obj<'a>>, ParseError> {
        self.opt_arr(key)?
            .into_iter()
            .map(|(path, v)| Obj::of(v, path))
            .collect()
    }

    pub(crate) fn time(&self, key: &str) -> Result<Timestamp, ParseError> {
        let s = match self.req(key)? {
            Value::String(s) => s,
            other => return Err(expected(&self.path_of(key), "a timestamp string", other)),
        };
        parse_time(s).ok_or_else(|| {
            ParseError::field(
                self.path_of(key),
                format!("expected an RFC 3339 timestamp, found {}", excerpt(s)),
            )
        })
    }

    pub(crate) fn opt_time(&self, key: &str) -> Result<Option<Timestamp>, ParseError> {
        if self.has(key) {
            self.time(key).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An integer epoch time in seconds, milliseconds, microseconds or
    /// nanoseconds (see [`epoch_any_unit`]).
    pub(crate) fn opt_epoch(&self, key: &str) -> Result<Option<Timestamp>, ParseError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let n = match v {
            Value::Number(n) => n.as_i64(),
            other => return Err(expected(&self.path_of(key), "an integer epoch time", other)),
        };
        let Some(n) = n else {
            return Err(ParseError::field(
                self.path_of(key),
                format!("expected an integer epoch time, found {v}"),
            ));
        };
        epoch_any_unit(n).map(Some).ok_or_else(|| {
            ParseError::field(self.path_of(key), format!("epoch time {n} is out of range"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_quote_keys_that_are_not_identifiers() {
        assert_eq!(join("", "event"), "event");
        assert_eq!(join("event", "data"), "event.data");
        assert_eq!(
            join("", "public_alert.alert_created_v1"),
            r#"["public_alert.alert_created_v1"]"#
        );
        assert_eq!(join("a", "x y"), r#"a["x y"]"#);
    }

    #[test]
    fn epoch_units_are_told_apart_by_magnitude() {
        let want: Timestamp = "2026-03-12T02:13:07.412Z".parse().unwrap();
        assert_eq!(epoch_any_unit(1_773_281_587_412), Some(want));
        assert_eq!(epoch_any_unit(1_773_281_587_412_000), Some(want));
        assert_eq!(epoch_any_unit(1_773_281_587_412_000_000), Some(want));
        assert_eq!(
            epoch_any_unit(1_773_281_587),
            Some("2026-03-12T02:13:07Z".parse().unwrap())
        );
    }

    #[test]
    fn firehydrant_times_parse() {
        assert_eq!(
            parse_time("2026-03-12 02:13:09 UTC"),
            Some("2026-03-12T02:13:09Z".parse().unwrap())
        );
        assert_eq!(parse_time("2026-03-12 02:13:09"), None);
        assert_eq!(parse_time("yesterday UTC"), None);
    }
}
