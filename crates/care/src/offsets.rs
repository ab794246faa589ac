//! When check-ins fall after an incident resolves: `+1d, +3d, +7d` by default (issue 7, item 2), or a
//! team's own offsets written as `90m`, `2h`, `1d`, `1w`.

use std::fmt;
use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::deliver::{NoAllowedMoment, next_allowed};
use aftercare_burden::PersonHours;

/// The longest offset: a check-in two months after an incident is no longer about that incident.
pub const MAX_OFFSET: SignedDuration = SignedDuration::from_hours(60 * 24);
/// At most this many check-ins per incident, so that care does not turn into nagging.
pub const MAX_OFFSETS: usize = 10;

/// A supporter is nudged to reach out this soon after being paired (issue 7, item 3), or at their next
/// allowed moment if that is later: the delivery rule ([`crate::deliver`]) always wins.
pub const SUPPORTER_NUDGE: SignedDuration = SignedDuration::from_hours(2);
/// A supporter who has not marked "reached out" is reminded this long after being paired.
pub const SUPPORTER_REMINDER: SignedDuration = SignedDuration::from_hours(24);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    #[error("no offsets given (write e.g. 1d, 3d, 7d)")]
    Empty,
    #[error("offset {input:?}: {reason}")]
    Invalid { input: String, reason: String },
    #[error("offset {input:?} is the same time after the incident as {earlier:?}")]
    Duplicate { input: String, earlier: String },
    #[error("at most {MAX_OFFSETS} check-ins per incident")]
    TooMany,
}

/// The check-in offsets of a team, in ascending order, each in `(0, 60 days]`, none repeated.
#[derive(Clone, PartialEq, Eq)]
pub struct CheckinOffsets(Vec<SignedDuration>);

impl Default for CheckinOffsets {
    /// One, three and seven days after the incident resolves.
    fn default() -> Self {
        CheckinOffsets(
            [1, 3, 7]
                .into_iter()
                .map(|d| SignedDuration::from_hours(24 * d))
                .collect(),
        )
    }
}

impl CheckinOffsets {
    /// The offsets, ascending.
    pub fn as_slice(&self) -> &[SignedDuration] {
        &self.0
    }

    /// The instants the check-ins are due, before moving them to the person's working time.
    pub fn due(&self, resolved_at: Timestamp) -> Vec<Timestamp> {
        self.0
            .iter()
            .filter_map(|d| resolved_at.checked_add(*d).ok())
            .collect()
    }

    /// The instants the check-ins are delivered: each due instant moved to the next moment the person's
    /// hours allow. Two check-ins may move to the same moment (`90m` and `2h` after a night-time
    /// resolution both land at the start of the next working day); only the first of such a group is
    /// kept, since two identical questions at once help nobody.
    pub fn deliveries(
        &self,
        resolved_at: Timestamp,
        hours: &PersonHours,
    ) -> Result<Vec<Timestamp>, NoAllowedMoment> {
        let mut out: Vec<Timestamp> = Vec::with_capacity(self.0.len());
        for due in self.due(resolved_at) {
            let at = next_allowed(hours, due)?;
            if out.last() != Some(&at) {
                out.push(at);
            }
        }
        Ok(out)
    }
}

/// Parses one offset: a whole positive number and a unit, `m` (minutes), `h` (hours), `d` (days) or `w`
/// (weeks); a leading `+` is allowed (`+1d`, as the issue writes them). Days are 24 hours: the delivery
/// rule then moves the moment into the person's own working time in their own zone.
pub fn parse_offset(input: &str) -> Result<SignedDuration, OffsetError> {
    let fail = |reason: &str| OffsetError::Invalid {
        input: input.to_owned(),
        reason: reason.to_owned(),
    };
    let text = input.trim();
    if text.starts_with('-') {
        return Err(fail("is negative: check-ins come after the incident"));
    }
    let text = text.strip_prefix('+').unwrap_or(text).trim_start();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| fail("has no unit (write e.g. 90m, 2h, 1d or 1w)"))?;
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return Err(fail(
            "does not start with a number (write e.g. 90m, 2h, 1d or 1w)",
        ));
    }
    let minutes_per: i64 = match unit.trim() {
        "m" | "min" => 1,
        "h" => 60,
        "d" => 24 * 60,
        "w" => 7 * 24 * 60,
        // `M` would read as months to some and minutes to others; refuse rather than guess.
        _ => return Err(fail("has an unknown unit (use m, h, d or w, in lowercase)")),
    };
    // Anything with more than 9 digits is far beyond the bound anyway.
    if number.len() > 9 {
        return Err(fail("is longer than 60 days"));
    }
    let n: i64 = number
        .parse()
        .map_err(|_| fail("is not a whole number and a unit"))?;
    if n == 0 {
        return Err(fail(
            "is zero: a check-in needs some time after the incident",
        ));
    }
    let d = SignedDuration::from_mins(n * minutes_per);
    if d > MAX_OFFSET {
        return Err(fail("is longer than 60 days"));
    }
    Ok(d)
}

impl FromStr for CheckinOffsets {
    type Err = OffsetError;

    /// A comma- or space-separated list, e.g. `1d, 3d, 7d` or `90m 1d`. Order does not matter; the
    /// offsets are kept ascending.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            return Err(OffsetError::Empty);
        }
        if parts.len() > MAX_OFFSETS {
            return Err(OffsetError::TooMany);
        }
        let mut seen: Vec<(SignedDuration, &str)> = Vec::with_capacity(parts.len());
        for p in parts {
            let d = parse_offset(p)?;
            if let Some((_, earlier)) = seen.iter().find(|(e, _)| *e == d) {
                return Err(OffsetError::Duplicate {
                    input: p.to_owned(),
                    earlier: (*earlier).to_owned(),
                });
            }
            seen.push((d, p));
        }
        let mut offsets: Vec<SignedDuration> = seen.into_iter().map(|(d, _)| d).collect();
        offsets.sort_unstable();
        Ok(CheckinOffsets(offsets))
    }
}

/// Formats one offset in the largest unit that divides it: `90m`, `2h`, `3d`, `1w`.
fn format_offset(d: SignedDuration) -> String {
    let m = d.as_mins();
    for (unit, per) in [("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60)] {
        if m % per == 0 {
            return format!("{}{unit}", m / per);
        }
    }
    format!("{m}m")
}

impl fmt::Display for CheckinOffsets {
    /// `1d, 3d, 1w`: parses back to the same offsets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|d| format_offset(*d)).collect();
        f.write_str(&parts.join(", "))
    }
}

impl fmt::Debug for CheckinOffsets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckinOffsets({self})")
    }
}

impl Serialize for CheckinOffsets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CheckinOffsets {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    fn reason(input: &str) -> String {
        match parse_offset(input) {
            Err(OffsetError::Invalid { reason, .. }) => reason,
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn units() {
        assert_eq!(parse_offset("90m"), Ok(SignedDuration::from_mins(90)));
        assert_eq!(parse_offset("2h"), Ok(SignedDuration::from_hours(2)));
        assert_eq!(parse_offset("+1d"), Ok(SignedDuration::from_hours(24)));
        assert_eq!(parse_offset(" 1w "), Ok(SignedDuration::from_hours(168)));
        assert_eq!(parse_offset("60d"), Ok(MAX_OFFSET));
    }

    #[test]
    fn bounds_and_mistakes() {
        assert!(reason("0d").contains("zero"));
        assert!(reason("-1d").contains("negative"));
        assert!(reason("61d").contains("60 days"));
        assert!(reason("9w").contains("60 days"));
        assert!(reason("99999999999999999999m").contains("60 days"));
        assert!(reason("1").contains("no unit"));
        assert!(reason("d").contains("number"));
        assert!(reason("1M").contains("unknown unit"));
        assert!(reason("1.5d").contains("unknown unit"));
        assert!(reason("1y").contains("unknown unit"));
    }

    #[test]
    fn lists() {
        let o: CheckinOffsets = "7d, 1d,3d".parse().unwrap();
        assert_eq!(o, CheckinOffsets::default());
        assert_eq!(o.to_string(), "1d, 3d, 1w");
        assert_eq!(
            "90m 2h".parse::<CheckinOffsets>().unwrap().to_string(),
            "90m, 2h"
        );
        assert_eq!("".parse::<CheckinOffsets>(), Err(OffsetError::Empty));
        assert_eq!(
            "60m, 1d, 1h".parse::<CheckinOffsets>(),
            Err(OffsetError::Duplicate {
                input: "1h".into(),
                earlier: "60m".into()
            })
        );
        assert_eq!(
            "1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 11m".parse::<CheckinOffsets>(),
            Err(OffsetError::TooMany)
        );
    }

    #[test]
    fn deliveries_move_into_working_time_and_merge() {
        let h = PersonHours::with_defaults(TimeZone::UTC);
        // Resolved Tuesday 3 March 2026 at 23:00 UTC.
        let resolved: Timestamp = "2026-03-03T23:00:00Z".parse().unwrap();
        let o: CheckinOffsets = "90m, 2h, 1d".parse().unwrap();
        let at = o.deliveries(resolved, &h).unwrap();
        let s: Vec<String> = at.iter().map(ToString::to_string).collect();
        // 00:30 and 01:00 both move to 08:00 Wednesday; +1d is Wednesday 23:00, moved to Thursday.
        assert_eq!(s, ["2026-03-04T08:00:00Z", "2026-03-05T08:00:00Z"]);
    }

    proptest! {
        #[test]
        fn display_parses_back(mins in proptest::collection::btree_set(1i64..=86_400, 1..=10)) {
            let text: Vec<String> = mins.iter().map(|m| format!("{m}m")).collect();
            let o: CheckinOffsets = text.join(",").parse().unwrap();
            prop_assert_eq!(o.to_string().parse::<CheckinOffsets>().unwrap(), o.clone());
            prop_assert!(o.as_slice().windows(2).all(|w| w[0] < w[1]));
        }

        /// Deliveries are allowed moments, strictly ascending, none before its due instant.
        #[test]
        fn deliveries_are_allowed_and_ascending(
            mins in proptest::collection::btree_set(1i64..=20_000, 1..=10),
            at in 1_700_000_000i64..1_900_000_000,
            zone in 0usize..4,
        ) {
            let zones = ["UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns"];
            let h = PersonHours::with_defaults(TimeZone::get(zones[zone]).unwrap());
            let text: Vec<String> = mins.iter().map(|m| format!("{m}m")).collect();
            let o: CheckinOffsets = text.join(",").parse().unwrap();
            let resolved = Timestamp::from_second(at).unwrap();
            let got = o.deliveries(resolved, &h).unwrap();
            prop_assert!(got.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(got.iter().all(|t| crate::deliver::is_allowed(&h, *t)));
            prop_assert!(got.first().is_none_or(|t| *t >= o.due(resolved)[0]));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = s.parse::<CheckinOffsets>();
        }
    }
}
