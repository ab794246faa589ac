//! Turning a `TZID` into a jiff time zone.
//!
//! RFC 5545 lets a calendar define its own zones (`VTIMEZONE`) under any name, but in practice
//! every generator names an IANA zone, or a Windows zone (Outlook, Exchange), or wraps an IANA
//! name in a vendor prefix (`/mozilla.org/20050126_1/Europe/Paris`). We trust the IANA database
//! over the calendar's own `VTIMEZONE` rules, as Google Calendar and libical do: the embedded
//! rules are usually a stale copy (the New York fixture's 1970 rules would be wrong before 2007).

use std::collections::HashMap;

use jiff::tz::{Offset, TimeZone};

/// What a calendar's `VTIMEZONE` says about a zone, reduced to what can help resolve it.
#[derive(Debug, Clone, Default)]
pub(crate) struct VTimeZone {
    /// `X-LIC-LOCATION`: libical's (and Thunderbird's, Apple's) pointer to the IANA name.
    pub lic_location: Option<String>,
    /// Every `TZOFFSETTO` of its STANDARD/DAYLIGHT parts, in seconds east of UTC.
    pub offsets_to: Vec<i32>,
}

/// The most `/`-separated parts an IANA zone name has (`America/Argentina/Buenos_Aires`).
const IANA_MAX_SEGMENTS: usize = 3;

/// The zones of one calendar, by TZID.
#[derive(Debug, Default)]
pub(crate) struct Zones {
    pub defined: HashMap<String, VTimeZone>,
}

impl Zones {
    /// Resolves `tzid`, or explains why not (the caller adds the line number).
    pub fn resolve(&self, tzid: &str) -> Result<TimeZone, String> {
        let trimmed = tzid.trim();
        if let Ok(tz) = TimeZone::get(trimmed) {
            return Ok(tz);
        }
        // RFC 5545 §3.2.19: a leading "/" marks a globally unique id, which generators build by
        // prefixing an IANA name; try the trailing path segments, longest first, so
        // ".../America/Argentina/Buenos_Aires" finds the three-segment name. Only the last
        // IANA_MAX_SEGMENTS: trying every suffix of a TZID made of a million segments would
        // copy the whole TZID a million times.
        if trimmed.starts_with('/') {
            let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
            for start in segments.len().saturating_sub(IANA_MAX_SEGMENTS)..segments.len() {
                if let Ok(tz) = TimeZone::get(&segments[start..].join("/")) {
                    return Ok(tz);
                }
            }
        }
        if let Some(iana) = windows_zone(trimmed)
            && let Ok(tz) = TimeZone::get(iana)
        {
            return Ok(tz);
        }
        let Some(defined) = self.defined.get(tzid).or_else(|| self.defined.get(trimmed)) else {
            return Err(
                "not an IANA or Windows time zone name, and the calendar has no VTIMEZONE for it"
                    .into(),
            );
        };
        if let Some(location) = &defined.lic_location {
            return TimeZone::get(location.trim()).map_err(|_| {
                format!("its VTIMEZONE's X-LIC-LOCATION {location:?} is not an IANA time zone")
            });
        }
        // A zone that never changes offset needs no rules: use the offset. Anything with
        // transitions would need a VTIMEZONE RRULE evaluator, and guessing wrong silently shifts
        // every shift by an hour, so that is an error instead.
        match defined.offsets_to.split_first() {
            Some((first, rest)) if rest.iter().all(|o| o == first) => Offset::from_seconds(*first)
                .map(TimeZone::fixed)
                .map_err(|e| format!("its VTIMEZONE offset is out of range: {e}")),
            _ => Err("not an IANA time zone name, and its VTIMEZONE has daylight-saving rules but no X-LIC-LOCATION naming an IANA zone".into()),
        }
    }
}

/// Parses a `TZOFFSETTO` value, `(+|-)HHMM[SS]`, into seconds east of UTC.
pub(crate) fn parse_utc_offset(value: &str) -> Option<i32> {
    let value = value.trim();
    let (sign, digits) = match value.as_bytes().first()? {
        b'+' => (1, &value[1..]),
        b'-' => (-1, &value[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<i32>().ok());
    let hours = field(0..2)?;
    let minutes = field(2..4)?;
    let seconds = if digits.len() == 6 { field(4..6)? } else { 0 };
    if minutes > 59 || seconds > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60 + seconds))
}

/// Windows zone ids as written by Outlook and Exchange (`TZID:Eastern Standard Time`), mapped to
/// the IANA zone CLDR's windowsZones.xml gives for territory "001". Only the ids seen in the wild
/// often enough to matter; an unlisted one is reported with its name.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Kathmandu"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("Morocco Standard Time", "Africa/Casablanca"),
];

fn windows_zone(id: &str) -> Option<&'static str> {
    WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(id))
        .map(|(_, iana)| *iana)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_windows_mapping_names_a_real_zone() {
        for id in [
            "Eastern Standard Time",
            "GMT Standard Time",
            "India Standard Time",
        ] {
            assert!(windows_zone(id).is_some(), "{id}");
        }
        // A typo in the table, or an IANA name retired from the database, would otherwise
        // only show up as an error on someone's calendar.
        for (windows, iana) in WINDOWS_ZONES {
            assert!(TimeZone::get(iana).is_ok(), "{windows} -> {iana}");
        }
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_utc_offset("-0500"), Some(-5 * 3600));
        assert_eq!(parse_utc_offset("+0545"), Some(5 * 3600 + 45 * 60));
        assert_eq!(parse_utc_offset("+053000"), Some(5 * 3600 + 30 * 60));
        assert_eq!(parse_utc_offset("0500"), None);
        assert_eq!(parse_utc_offset("+0560"), None);
    }
}
