//! Application services shared by the JSON API, the web pages and the CLI: they
//! read from the store and hand the pure burden crate what it needs.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use aftercare_burden::{Burden, BurdenError, HoursSettings, MERGE_WINDOW, Period, PersonHours};
use aftercare_store::{Person, Store, StoreError, Team, TeamRole};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A schedule export that cannot be read, or that names people we do not know.
    #[error("{0}")]
    Schedule(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A person's stored settings no longer parse (for example a time zone that a
    /// tzdata update removed).
    #[error("person {email}: {reason}")]
    Settings { email: String, reason: String },
}

/// The default window of a burden view: the last 90 days, as PagerDuty's and
/// incident.io's on-call reports default to a quarter-like span.
pub const DEFAULT_PERIOD_DAYS: i64 = 90;

pub fn hours_of(person: &Person) -> Result<PersonHours, ServiceError> {
    let settings_error = |reason: String| ServiceError::Settings {
        email: person.email.clone(),
        reason,
    };
    let tz = TimeZone::get(&person.time_zone)
        .map_err(|e| settings_error(format!("time zone {:?}: {e}", person.time_zone)))?;
    PersonHours::from_settings(
        tz,
        &HoursSettings {
            working_days: Some(&person.working_days),
            working_start: Some(&person.working_start),
            working_end: Some(&person.working_end),
            sleep_start: Some(&person.sleep_start),
            sleep_end: Some(&person.sleep_end),
        },
    )
    .map_err(|e: BurdenError| settings_error(e.to_string()))
}

/// The instants the burden of `period` depends on: those in the period, and those up
/// to the merge window before it (a notification just before `from` decides whether
/// the first one inside starts a new interruption).
pub(crate) fn fetch_range(period: &Period) -> (i64, i64) {
    let from = period.from().as_millisecond() - MERGE_WINDOW.as_millis() as i64;
    (from, period.to().as_millisecond())
}

pub(crate) fn to_timestamps(ms: &[i64]) -> Vec<Timestamp> {
    ms.iter()
        .filter_map(|&m| Timestamp::from_millisecond(m).ok())
        .collect()
}

pub async fn person_burden(
    store: &Store,
    person: &Person,
    period: Period,
) -> Result<Burden, ServiceError> {
    let hours = hours_of(person)?;
    let (from, to) = fetch_range(&period);
    let instants = store.notification_instants(person.id, from, to).await?;
    Ok(aftercare_burden::burden(
        &hours,
        &to_timestamps(&instants),
        period,
    ))
}

/// A person as other views show them: never their wellbeing data, never credentials.
#[derive(Debug, Clone, Serialize)]
pub struct PersonSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub time_zone: String,
}

impl From<&Person> for PersonSummary {
    fn from(p: &Person) -> Self {
        PersonSummary {
            id: p.id,
            name: p.name.clone(),
            email: p.email.clone(),
            time_zone: p.time_zone.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberBurden {
    pub person: PersonSummary,
    pub role: TeamRole,
    #[serde(flatten)]
    pub burden: Burden,
    /// Sleep interruptions relative to the team median (`None` when the median is 0).
    pub sleep_vs_median: Option<f64>,
    /// This member's share of all the team's sleep interruptions, 0 to 1.
    pub share_of_team_sleep: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamBurden {
    pub team: Team,
    pub from: Timestamp,
    pub to: Timestamp,
    pub members: Vec<MemberBurden>,
    pub spread: Spread,
    /// Pages for this team that nobody could be found for.
    pub unattributed: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Spread {
    pub median_sleep: f64,
    pub total_sleep: u32,
    /// Who carries the most sleep interruptions (ties: the first by name).
    pub most_sleep: Option<SpreadLeader>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpreadLeader {
    pub person_id: i64,
    pub name: String,
    pub sleep: u32,
    pub sleep_vs_median: Option<f64>,
}

/// Every member's burden in one read of the store, plus the team's spread.
pub async fn team_burden(
    store: &Store,
    team: &Team,
    period: Period,
) -> Result<TeamBurden, ServiceError> {
    let members = store.team_members(team.id).await?;
    let ids: Vec<i64> = members.iter().map(|m| m.person.id).collect();
    let (from, to) = fetch_range(&period);
    let instants = store.instants_by_person(&ids, from, to).await?;
    let mut burdens = Vec::with_capacity(members.len());
    for m in &members {
        let hours = hours_of(&m.person)?;
        let mine = instants
            .binary_search_by_key(&m.person.id, |(id, _)| *id)
            .map(|i| to_timestamps(&instants[i].1))
            .unwrap_or_default();
        burdens.push(aftercare_burden::burden(&hours, &mine, period));
    }
    let unattributed = store
        .count_unattributed(
            team.id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    Ok(crate::org::team_view(
        team,
        &members,
        burdens,
        period,
        unattributed,
    ))
}

/// Reads `from`/`to` as RFC 3339 instants with an offset (or `Z`), or as plain
/// dates (midnight UTC); a missing `to` is now, a missing `from` is
/// [`DEFAULT_PERIOD_DAYS`] before `to`. Errors name the field.
pub fn parse_period(from: Option<&str>, to: Option<&str>) -> Result<Period, (String, String)> {
    let parse = |field: &str, s: &str| -> Result<Timestamp, (String, String)> {
        let s = s.trim();
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Ok(ts);
        }
        if let Ok(date) = s.parse::<jiff::civil::Date>() {
            return date
                .to_zoned(TimeZone::UTC)
                .map(|z| z.timestamp())
                .map_err(|e| (field.to_string(), e.to_string()));
        }
        Err((
            field.to_string(),
            format!(
                "{s:?} is not an RFC 3339 instant with an offset (2026-03-04T22:00:00Z) or a date (2026-03-04)"
            ),
        ))
    };
    let to = match to.filter(|s| !s.trim().is_empty()) {
        Some(s) => parse("to", s)?,
        None => Timestamp::now(),
    };
    let from = match from.filter(|s| !s.trim().is_empty()) {
        Some(s) => parse("from", s)?,
        None => to
            .checked_sub(SignedDuration::from_hours(24 * DEFAULT_PERIOD_DAYS))
            .map_err(|e| ("from".to_string(), e.to_string()))?,
    };
    Period::new(from, to).map_err(|e| ("from".to_string(), e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_instants_dates_and_defaults() {
        let p = parse_period(Some("2026-03-01"), Some("2026-03-04T22:00:00+01:00")).unwrap();
        assert_eq!(p.from().to_string(), "2026-03-01T00:00:00Z");
        assert_eq!(p.to().to_string(), "2026-03-04T21:00:00Z");
        let d = parse_period(None, Some("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(d.from().to_string(), "2026-03-03T00:00:00Z");
        let (field, _) = parse_period(Some("yesterday"), None).unwrap_err();
        assert_eq!(field, "from");
        let (field, reason) = parse_period(Some("2026-03-05"), Some("2026-03-04")).unwrap_err();
        assert_eq!(field, "from");
        assert!(reason.contains("before"), "{reason}");
    }
}

/// What a schedule import stored.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedSchedule {
    pub shifts: u64,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub source: String,
}

/// Imports an iCalendar on-call export (PagerDuty, Opsgenie, ...) as the team's
/// shifts: all of them or, if any shift names someone Aftercare does not know,
/// none. Re-importing a newer export replaces the shifts it overlaps.
pub async fn import_schedule(
    store: &Store,
    team: &Team,
    ical: &str,
) -> Result<ImportedSchedule, ServiceError> {
    let shifts = aftercare_schedule::parse_ical(ical)
        .map_err(|e| ServiceError::Schedule(format!("calendar: {e}")))?;
    let people: std::collections::HashMap<String, i64> =
        store.person_ids_by_email().await?.into_iter().collect();
    let by_name: std::collections::HashMap<String, i64> = store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.name.to_lowercase(), p.id))
        .collect();
    let mut unknown = std::collections::BTreeSet::new();
    let mut rows = Vec::with_capacity(shifts.len());
    for s in &shifts {
        let found = s
            .person
            .email
            .as_ref()
            .and_then(|e| people.get(e))
            .or_else(|| {
                s.person
                    .name
                    .as_ref()
                    .and_then(|n| by_name.get(&n.to_lowercase()))
            });
        match found {
            Some(&person_id) => rows.push(aftercare_store::NewShift {
                person_id,
                starts_at: s.start.as_millisecond(),
                ends_at: s.end.as_millisecond(),
            }),
            None => {
                let who = s
                    .person
                    .email
                    .clone()
                    .or_else(|| s.person.name.clone())
                    .unwrap_or_else(|| "nobody".into());
                unknown.insert(format!("{who} (shift starting {})", s.start));
            }
        }
    }
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.into_iter().collect();
        return Err(ServiceError::Schedule(format!(
            "calendar: {} shift(s) name people who are not in Aftercare, so nothing was imported; add them (or their email) first: {}",
            list.len(),
            list.join("; ")
        )));
    }
    let schedule = shifts.iter().find_map(|s| s.schedule.clone());
    let source = match &schedule {
        Some(name) => format!("ical:{name}"),
        None => "ical".to_string(),
    };
    let stored = store.replace_shifts(team.id, &source, &rows).await?;
    Ok(ImportedSchedule {
        shifts: stored,
        from: shifts.iter().map(|s| s.start).min(),
        to: shifts.iter().map(|s| s.end).max(),
        source,
    })
}
