//! Reading an `aftercare-rotation/1` instance (see `shared/bench/rotation/FORMAT.md`).
//!
//! The JSON is walked by hand rather than through `serde` derive so that every refusal names the field
//! it is about, as `shifts[3].weight: must be 0 to 10`.

use std::collections::HashSet;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Disambiguation, TimeZone, TimeZoneDatabase};
use serde_json::{Map, Value};

/// The format tag an instance must carry.
pub const INSTANCE_FORMAT: &str = "aftercare-rotation/1";

/// Weights are kept in thousandths (they have at most 3 decimals), as `common.py`'s `SCALE`.
pub const WEIGHT_SCALE: i64 = 1000;

/// A refusal to read an instance: `field` is a path such as `shifts[3].weight`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    /// The text is not JSON at all.
    #[error("not JSON: {0}")]
    Json(String),
    /// A field is missing, of the wrong type or out of range.
    #[error("{field}: {reason}")]
    Field {
        /// Where, as `people[2].capacity`.
        field: String,
        /// What is wrong, in plain words.
        reason: String,
    },
}

fn bad(field: impl Into<String>, reason: impl Into<String>) -> InstanceError {
    InstanceError::Field {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A shift to be covered, in the instance's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Its id, as given.
    pub id: String,
    /// The local wall-clock start as written (`2027-03-01T09:00`).
    pub start_local: String,
    /// The local wall-clock end as written.
    pub end_local: String,
    /// The start as an instant.
    pub start: Timestamp,
    /// The end as an instant (after `start`).
    pub end: Timestamp,
    /// The weight in thousandths (0 to 10 000).
    pub weight_milli: i64,
}

/// A half-open span `[start, end)` during which a person cannot be on call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start instant.
    pub start: Timestamp,
    /// End instant (not before `start`).
    pub end: Timestamp,
}

/// A member of the rotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Their id, as given.
    pub id: String,
    /// Their time off.
    pub unavailable: Vec<Span>,
    /// Load carried over from earlier schedules, in thousandths.
    pub prior_milli: i64,
    /// Share of a full load, in hundredths (10 to 100).
    pub capacity_pct: i64,
    /// New to on-call: must shadow before leading.
    pub newcomer: bool,
}

impl Person {
    /// Whether the person can take `shift` (no time off overlapping it).
    pub fn available_for(&self, shift: &Shift) -> bool {
        self.unavailable
            .iter()
            .all(|u| !(u.start < shift.end && shift.start < u.end))
    }
}

/// The hard rules' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A person primary on shifts `i < j` needs `j - i > min_rest_shifts`.
    pub min_rest_shifts: usize,
    /// How many shifts each newcomer shadows before their first primary shift.
    pub newcomer_shadow_shifts: usize,
}

/// A checked instance: times are instants, numbers are scaled integers.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The IANA zone the local times were written in.
    pub timezone: String,
    /// Optional name, as given.
    pub name: Option<String>,
    /// Shifts in time order, not overlapping.
    pub shifts: Vec<Shift>,
    /// The people of the rotation (at least one).
    pub people: Vec<Person>,
    /// The rules.
    pub rules: Rules,
}

impl Instance {
    /// Reads an instance, resolving its zone in jiff's time zone database (the system's, or the
    /// bundled copy where the build embeds one).
    pub fn from_json(text: &str) -> Result<Instance, InstanceError> {
        Self::from_json_with_db(text, jiff::tz::db())
    }

    /// Reads an instance, resolving its zone in the given database.
    pub fn from_json_with_db(text: &str, db: &TimeZoneDatabase) -> Result<Instance, InstanceError> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| InstanceError::Json(e.to_string()))?;
        Self::from_value(&v, db)
    }

    /// Reads an instance from parsed JSON.
    pub fn from_value(v: &Value, db: &TimeZoneDatabase) -> Result<Instance, InstanceError> {
        let root = v
            .as_object()
            .ok_or_else(|| bad("(instance)", "must be a JSON object"))?;
        match root.get("format") {
            Some(Value::String(f)) if f == INSTANCE_FORMAT => {}
            Some(Value::String(f)) => {
                return Err(bad(
                    "format",
                    format!("must be {INSTANCE_FORMAT:?}, not {f:?}"),
                ));
            }
            _ => {
                return Err(bad(
                    "format",
                    format!("must be the string {INSTANCE_FORMAT:?}"),
                ));
            }
        }
        let timezone = req_str(root, "timezone", "timezone")?;
        let tz = db.get(timezone).map_err(|_| {
            bad(
                "timezone",
                format!("{timezone:?} is not a known IANA time zone"),
            )
        })?;
        let name = match root.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(bad("name", "must be a string")),
        };

        let shifts_v = root
            .get("shifts")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("shifts", "must be an array of shifts"))?;
        let mut shifts = Vec::with_capacity(shifts_v.len());
        let mut shift_ids = HashSet::new();
        for (i, s) in shifts_v.iter().enumerate() {
            let at = format!("shifts[{i}]");
            let o = s.as_object().ok_or_else(|| bad(&at, "must be an object"))?;
            let id = req_str(o, "id", &format!("{at}.id"))?.to_string();
            if id.is_empty() {
                return Err(bad(format!("{at}.id"), "must not be empty"));
            }
            if !shift_ids.insert(id.clone()) {
                return Err(bad(
                    format!("{at}.id"),
                    format!("{id:?} is used by an earlier shift"),
                ));
            }
            let start_local = req_str(o, "start", &format!("{at}.start"))?.to_string();
            let end_local = req_str(o, "end", &format!("{at}.end"))?.to_string();
            let start = local_instant(&start_local, &tz, &format!("{at}.start"))?;
            let end = local_instant(&end_local, &tz, &format!("{at}.end"))?;
            if end <= start {
                return Err(bad(format!("{at}.end"), "must be after the shift's start"));
            }
            let weight_milli = match o.get("weight") {
                None => WEIGHT_SCALE,
                Some(w) => scaled(w, &format!("{at}.weight"), 3, 0.0, 10.0, "must be 0 to 10")?,
            };
            shifts.push(Shift {
                id,
                start_local,
                end_local,
                start,
                end,
                weight_milli,
            });
        }
        for (i, pair) in shifts.windows(2).enumerate() {
            if pair[1].start < pair[0].end {
                return Err(bad(
                    format!("shifts[{}].start", i + 1),
                    format!(
                        "shift {} starts before shift {} ends: shifts must be in time order and not overlap",
                        pair[1].id, pair[0].id
                    ),
                ));
            }
        }

        let people_v = root
            .get("people")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("people", "must be an array of people"))?;
        if people_v.is_empty() {
            return Err(bad("people", "must name at least one person"));
        }
        let mut people = Vec::with_capacity(people_v.len());
        let mut person_ids = HashSet::new();
        for (i, p) in people_v.iter().enumerate() {
            let at = format!("people[{i}]");
            let o = p.as_object().ok_or_else(|| bad(&at, "must be an object"))?;
            let id = req_str(o, "id", &format!("{at}.id"))?.to_string();
            if id.is_empty() {
                return Err(bad(format!("{at}.id"), "must not be empty"));
            }
            if !person_ids.insert(id.clone()) {
                return Err(bad(
                    format!("{at}.id"),
                    format!("{id:?} is used by an earlier person"),
                ));
            }
            let mut unavailable = Vec::new();
            match o.get("unavailable") {
                None | Some(Value::Null) => {}
                Some(Value::Array(us)) => {
                    for (k, u) in us.iter().enumerate() {
                        let uat = format!("{at}.unavailable[{k}]");
                        let uo = u
                            .as_object()
                            .ok_or_else(|| bad(&uat, "must be an object"))?;
                        let s = req_str(uo, "start", &format!("{uat}.start"))?;
                        let e = req_str(uo, "end", &format!("{uat}.end"))?;
                        let start = local_instant(s, &tz, &format!("{uat}.start"))?;
                        let end = local_instant(e, &tz, &format!("{uat}.end"))?;
                        if end < start {
                            return Err(bad(format!("{uat}.end"), "must not be before its start"));
                        }
                        unavailable.push(Span { start, end });
                    }
                }
                Some(_) => return Err(bad(format!("{at}.unavailable"), "must be an array")),
            }
            let prior_milli = match o.get("prior_load") {
                None | Some(Value::Null) => 0,
                Some(v) => scaled(
                    v,
                    &format!("{at}.prior_load"),
                    3,
                    0.0,
                    1.0e9,
                    "must be a number of at least 0",
                )?,
            };
            let capacity_pct = match o.get("capacity") {
                None | Some(Value::Null) => 100,
                Some(v) => scaled(
                    v,
                    &format!("{at}.capacity"),
                    2,
                    0.1,
                    1.0,
                    "must be 0.1 to 1",
                )?,
            };
            let newcomer = match o.get("newcomer") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(bad(format!("{at}.newcomer"), "must be true or false")),
            };
            people.push(Person {
                id,
                unavailable,
                prior_milli,
                capacity_pct,
                newcomer,
            });
        }

        let mut rules = Rules {
            min_rest_shifts: 1,
            newcomer_shadow_shifts: 2,
        };
        match root.get("rules") {
            None | Some(Value::Null) => {}
            Some(Value::Object(r)) => {
                if let Some(v) = r.get("min_rest_shifts") {
                    rules.min_rest_shifts = count(v, "rules.min_rest_shifts")?;
                }
                if let Some(v) = r.get("newcomer_shadow_shifts") {
                    rules.newcomer_shadow_shifts = count(v, "rules.newcomer_shadow_shifts")?;
                }
            }
            Some(_) => return Err(bad("rules", "must be an object")),
        }
        Ok(Instance {
            timezone: timezone.to_string(),
            name,
            shifts,
            people,
            rules,
        })
    }

    /// Total weight of all shifts, in thousandths.
    pub fn total_weight_milli(&self) -> i64 {
        self.shifts.iter().map(|s| s.weight_milli).sum()
    }
}

fn req_str<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<&'a str, InstanceError> {
    match o.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(bad(field, "must be a string")),
        None => Err(bad(field, "is missing")),
    }
}

fn count(v: &Value, field: &str) -> Result<usize, InstanceError> {
    v.as_u64()
        .filter(|n| *n <= 1_000_000)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| bad(field, "must be a whole number of at least 0"))
}

/// A decimal number as an integer in units of `10^-decimals`, refusing more decimals or values out of
/// `[lo, hi]` with `range_reason`.
fn scaled(
    v: &Value,
    field: &str,
    decimals: i32,
    lo: f64,
    hi: f64,
    range_reason: &str,
) -> Result<i64, InstanceError> {
    let x = v.as_f64().ok_or_else(|| bad(field, "must be a number"))?;
    if !x.is_finite() || x < lo || x > hi {
        return Err(bad(field, range_reason));
    }
    let scale = 10f64.powi(decimals);
    let y = x * scale;
    let r = y.round();
    if (y - r).abs() > 1e-6 * scale.max(y.abs()) {
        return Err(bad(field, format!("must have at most {decimals} decimals")));
    }
    // In range by the check above, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    Ok(r as i64)
}

/// A local wall-clock time (no offset) in `tz` as an instant: a time in a DST gap moves forward by
/// the gap, an ambiguous time takes the earlier instant (jiff's "compatible" disambiguation).
pub fn local_instant(text: &str, tz: &TimeZone, field: &str) -> Result<Timestamp, InstanceError> {
    if text.ends_with('Z') || text.ends_with('z') || text.contains('[') || has_offset(text) {
        return Err(bad(
            field,
            format!("{text:?} must be a local time without an offset"),
        ));
    }
    let dt: DateTime = text.parse().map_err(|_| {
        bad(
            field,
            format!("{text:?} is not a local date and time such as 2027-03-01T09:00"),
        )
    })?;
    tz.to_ambiguous_zoned(dt)
        .disambiguate(Disambiguation::Compatible)
        .map(|z| z.timestamp())
        .map_err(|e| bad(field, format!("{text:?}: {e}")))
}

fn has_offset(text: &str) -> bool {
    // After the date part (10 characters) a '+' or a second '-' means an offset.
    text.get(10..)
        .is_some_and(|t| t.contains('+') || t.contains('-'))
}
