//! Burden you can see: a person's and a team's interruptions, read from the store
//! and handed to the pure burden crate. Called alike by the JSON API, the pages and
//! the CLI.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use aftercare_burden::{Burden, MERGE_WINDOW, Period, TeamSpread, team_spread};
use aftercare_store::{Person, PersonId, Store, Team, TeamMember, TeamRole};

use crate::error::{AppError, Result};

/// The default window of a burden view: the last 90 days, as PagerDuty's and
/// incident.io's on-call reports default to a quarter-like span.
pub const DEFAULT_PERIOD_DAYS: i64 = 90;

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

/// A person's burden over a period, from all their pages.
pub async fn person_burden(store: &Store, person: &Person, period: Period) -> Result<Burden> {
    let (from, to) = fetch_range(&period);
    let instants = store.notification_instants(person.id, from, to).await?;
    Ok(aftercare_burden::burden(
        &person.hours,
        &to_timestamps(&instants),
        period,
    ))
}

/// A person as other views show them: never their wellbeing data, never credentials.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct PersonSummary {
    pub id: PersonId,
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
            time_zone: p.time_zone_name().to_string(),
        }
    }
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
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

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamBurden {
    pub team: Team,
    pub from: Timestamp,
    pub to: Timestamp,
    pub members: Vec<MemberBurden>,
    pub spread: Spread,
    /// Pages for this team that nobody could be found for.
    pub unattributed: i64,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct Spread {
    pub median_sleep: f64,
    pub total_sleep: u32,
    /// Who carries the most sleep interruptions (ties: the first by name).
    pub most_sleep: Option<SpreadLeader>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct SpreadLeader {
    pub person_id: PersonId,
    pub name: String,
    pub sleep: u32,
    pub sleep_vs_median: Option<f64>,
}

/// Every member's burden in one read of the store, plus the team's spread. Each
/// member's pages count here only if they were paged for this team.
pub async fn team_burden(store: &Store, team: &Team, period: Period) -> Result<TeamBurden> {
    let members = store.team_members(team.id).await?;
    let ids: Vec<PersonId> = members.iter().map(|m| m.person.id).collect();
    let (from, to) = fetch_range(&period);
    let instants = store
        .notification_instants_for(&ids, Some(team.id), from, to)
        .await?;
    let mut burdens = Vec::with_capacity(members.len());
    for m in &members {
        let mine = instants
            .binary_search_by_key(&m.person.id, |(id, _)| *id)
            .map(|i| to_timestamps(&instants[i].1))
            .unwrap_or_default();
        burdens.push(aftercare_burden::burden(&m.person.hours, &mine, period));
    }
    let unattributed = store
        .count_unattributed(
            team.id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    Ok(team_view(team, &members, burdens, period, unattributed))
}

/// A team's figures from its members' burdens (in roster order): each member's share of the
/// team's nights and who carries the most. Shared by [`team_burden`] and
/// [`crate::org::org_burden`], so the two views cannot differ.
pub(crate) fn team_view(
    team: &Team,
    members: &[TeamMember],
    burdens: Vec<Burden>,
    period: Period,
    unattributed: i64,
) -> TeamBurden {
    let keyed: Vec<(usize, &Burden)> = burdens.iter().enumerate().collect();
    let spread: TeamSpread<usize> = team_spread(&keyed);
    // Each member's share by roster index, rather than a search of the spread per member
    // (a quadratic cost that shows for the whole organisation at once).
    let mut share_of: Vec<Option<(Option<f64>, f64)>> = vec![None; members.len()];
    for s in &spread.members {
        if let Some(slot) = share_of.get_mut(s.member) {
            *slot = Some((s.ratio_to_median, s.share_of_team_sleep));
        }
    }
    let most_sleep = spread
        .members
        .first()
        .filter(|s| s.sleep > 0)
        .and_then(|s| members.get(s.member).map(|m| (s, m)))
        .map(|(s, m)| SpreadLeader {
            person_id: m.person.id,
            name: m.person.name.clone(),
            sleep: s.sleep,
            sleep_vs_median: s.ratio_to_median,
        });
    let out = members
        .iter()
        .zip(burdens)
        .zip(share_of)
        .map(|((m, burden), share)| MemberBurden {
            person: PersonSummary::from(&m.person),
            role: m.role,
            burden,
            sleep_vs_median: share.and_then(|(ratio, _)| ratio),
            share_of_team_sleep: share.map(|(_, s)| s).unwrap_or(0.0),
        })
        .collect();
    TeamBurden {
        team: team.clone(),
        from: period.from(),
        to: period.to(),
        members: out,
        spread: Spread {
            median_sleep: spread.median_sleep,
            total_sleep: spread.total_sleep,
            most_sleep,
        },
        unattributed,
    }
}

/// Reads `from`/`to` as RFC 3339 instants with an offset (or `Z`), or as plain
/// dates (midnight UTC); a missing `to` is now, a missing `from` is
/// [`DEFAULT_PERIOD_DAYS`] before `to`. Errors name the field.
pub fn parse_period(from: Option<&str>, to: Option<&str>) -> Result<Period> {
    parse_period_pair(from, to).map_err(|(field, reason)| AppError::invalid(field, reason))
}

fn parse_period_pair(
    from: Option<&str>,
    to: Option<&str>,
) -> std::result::Result<Period, (String, String)> {
    let parse = |field: &str, s: &str| -> std::result::Result<Timestamp, (String, String)> {
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
        let (field, _) = parse_period_pair(Some("yesterday"), None).unwrap_err();
        assert_eq!(field, "from");
        let (field, reason) =
            parse_period_pair(Some("2026-03-05"), Some("2026-03-04")).unwrap_err();
        assert_eq!(field, "from");
        assert!(reason.contains("before"), "{reason}");
        assert!(matches!(
            parse_period(Some("x"), None),
            Err(AppError::Invalid { .. })
        ));
    }
}
