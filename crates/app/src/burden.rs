//! Burden you can see: a person's and a team's interruptions, read from the store
//! and handed to the pure burden crate. Called alike by the JSON API, the pages and
//! the CLI.

use jiff::civil::Date;
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

/// The period presets a page offers, in days.
pub const PRESET_DAYS: [i64; 4] = [30, 90, 180, 365];

/// The longest period a page may ask for: two years and a leap day. Longer
/// spans would read years of pages for a view nobody can take in at once.
pub const MAX_PERIOD_DAYS: i64 = 731;

/// A period as a person picks it on a page: a preset ("the last 30 days") or
/// from/to dates, with the period of the same length just before it, so each
/// figure can stand beside what it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChosenPeriod {
    pub period: Period,
    /// The same length, ending where `period` starts.
    pub previous: Period,
    /// `Some(n)` for "the last n days", `None` for from/to dates.
    pub preset: Option<i64>,
    /// The length in days.
    pub days: i64,
    /// The first and last day shown, inclusive, in the zone the period was read in.
    pub first_day: Date,
    pub last_day: Date,
}

impl ChosenPeriod {
    /// The query string that asks for this period again, for links to the
    /// pages behind a figure and to the CSV.
    pub fn query(&self) -> String {
        match self.preset {
            Some(days) => format!("days={days}"),
            None => format!("from={}&to={}", self.first_day, self.last_day),
        }
    }

    /// "the last 30 days" or "2026-01-01 to 2026-01-31".
    pub fn label(&self) -> String {
        match self.preset {
            Some(days) => format!("the last {days} days"),
            None => format!("{} to {}", self.first_day, self.last_day),
        }
    }

    /// What the previous figure is called: "previous 30 days".
    pub fn previous_label(&self) -> String {
        format!("previous {} days", self.days)
    }
}

fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a page's period: `from`/`to` dates (`YYYY-MM-DD`, both days included,
/// midnight in `tz`) when either is given, else the last `days` days (90 when
/// blank). A missing `to` is today, a missing `from` 90 days before `to`.
/// Errors name the field (`days`, `from` or `to`) and say what to enter, in
/// words for the person who typed it.
pub fn choose_period(
    days: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    tz: &TimeZone,
    now: Timestamp,
) -> Result<ChosenPeriod> {
    let too_long = || {
        format!(
            "a period can be at most {MAX_PERIOD_DAYS} days (two years): choose a later start date"
        )
    };
    let (period, preset, days) = if given(from).is_none() && given(to).is_none() {
        let days = match given(days) {
            None => DEFAULT_PERIOD_DAYS,
            Some(d) => d.parse::<i64>().map_err(|_| {
                AppError::invalid("days", "choose a number of days, such as 30 or 90")
            })?,
        };
        if !(1..=MAX_PERIOD_DAYS).contains(&days) {
            return Err(AppError::invalid(
                "days",
                format!("choose between 1 and {MAX_PERIOD_DAYS} days"),
            ));
        }
        let start = now
            .checked_sub(SignedDuration::from_hours(24 * days))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let period = Period::new(start, now).map_err(|e| AppError::Internal(e.to_string()))?;
        (period, Some(days), days)
    } else {
        let date = |field: &str, s: &str| {
            s.parse::<Date>().map_err(|_| {
                AppError::invalid(
                    field,
                    format!("{s:?} is not a date: enter one like 2026-03-04"),
                )
            })
        };
        let last = match given(to) {
            Some(s) => date("to", s)?,
            None => now.to_zoned(tz.clone()).date(),
        };
        let first = match given(from) {
            Some(s) => date("from", s)?,
            None => last
                .checked_sub(jiff::Span::new().days(DEFAULT_PERIOD_DAYS - 1))
                .map_err(|_| AppError::invalid("to", "choose a later end date"))?,
        };
        if last < first {
            return Err(AppError::invalid(
                "to",
                "the end date is before the start date: choose one on or after it",
            ));
        }
        let days = first
            .until(last)
            .map(|s| i64::from(s.get_days()) + 1)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if days > MAX_PERIOD_DAYS {
            return Err(AppError::invalid("from", too_long()));
        }
        let midnight = |field: &str, d: Date| {
            d.to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .map_err(|_| AppError::invalid(field, "choose a date nearer to today"))
        };
        let after_last = last
            .tomorrow()
            .map_err(|_| AppError::invalid("to", "choose an earlier end date"))?;
        let period = Period::new(midnight("from", first)?, midnight("to", after_last)?)
            .map_err(|e| AppError::invalid("to", e.to_string()))?;
        (period, None, days)
    };
    let length = period.from().duration_until(period.to());
    let previous = period
        .from()
        .checked_sub(length)
        .ok()
        .and_then(|start| Period::new(start, period.from()).ok())
        .ok_or_else(|| AppError::invalid("from", "choose a date nearer to today"))?;
    // A preset's last day is today; its first the day the period starts on.
    let first_day = period.from().to_zoned(tz.clone()).date();
    let last_day = match preset {
        Some(_) => period.to().to_zoned(tz.clone()).date(),
        None => period
            .to()
            .to_zoned(tz.clone())
            .date()
            .yesterday()
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    Ok(ChosenPeriod {
        period,
        previous,
        preset,
        days,
        first_day,
        last_day,
    })
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

/// A team's burden for an actor allowed to see each member's figures: the
/// team's leads and admins. The JSON API and the CSV export both ask here.
pub async fn team_burden_for(
    store: &Store,
    actor: &crate::policy::Actor,
    id: aftercare_store::TeamId,
    period: Period,
) -> Result<TeamBurden> {
    let team = crate::teams::visible(store, actor, id).await?;
    actor.lead(
        id,
        "see each member's figures (yours are at /api/v1/people/{id}/burden)",
    )?;
    team_burden(store, &team, period).await
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
/// dates (midnight UTC); `from` may also be a span before `to` (`30d`, `12w`,
/// `24h`). A missing `to` is now, a missing `from` is [`DEFAULT_PERIOD_DAYS`]
/// before `to`. Errors name the field.
pub fn parse_period(from: Option<&str>, to: Option<&str>) -> Result<Period> {
    parse_period_pair(from, to).map_err(|(field, reason)| AppError::invalid(field, reason))
}

/// The longest span `from` may be given as: ten years, beyond any history kept.
const MAX_SPAN_HOURS: i64 = 24 * 3660;

/// `30d`, `12w` or `24h` as a duration; `None` when `s` is not of that shape at
/// all (so it is read as an instant or a date), an error when it is but is out
/// of range.
fn span_before(s: &str) -> Option<std::result::Result<SignedDuration, String>> {
    let unit = s.chars().last()?;
    let hours_per = match unit.to_ascii_lowercase() {
        'h' => 1,
        'd' => 24,
        'w' => 24 * 7,
        _ => return None,
    };
    let digits = &s[..s.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours = digits
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(hours_per))
        .filter(|h| (1..=MAX_SPAN_HOURS).contains(h));
    Some(match hours {
        Some(h) => Ok(SignedDuration::from_hours(h)),
        None => Err(format!(
            "{s:?}: a span before `to` must be from 1h to {} days",
            MAX_SPAN_HOURS / 24
        )),
    })
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
        Some(s) => match span_before(s.trim()) {
            Some(span) => span
                .and_then(|d| to.checked_sub(d).map_err(|e| e.to_string()))
                .map_err(|reason| ("from".to_string(), reason))?,
            None => parse("from", s)?,
        },
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
        // A span before `to`, in hours, days or weeks.
        let s = parse_period(Some("30d"), Some("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(s.from().to_string(), "2026-05-02T00:00:00Z");
        let s = parse_period(Some("2w"), Some("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(s.from().to_string(), "2026-05-18T00:00:00Z");
        let s = parse_period(Some("24h"), Some("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(s.from().to_string(), "2026-05-31T00:00:00Z");
        for bad in ["0d", "99999999999999999999d", "5000w"] {
            let (field, reason) = parse_period_pair(Some(bad), None).unwrap_err();
            assert_eq!(field, "from");
            assert!(reason.contains("span before"), "{bad}: {reason}");
        }
        assert!(parse_period_pair(Some("d"), None).is_err());
        let (field, reason) =
            parse_period_pair(Some("2026-03-05"), Some("2026-03-04")).unwrap_err();
        assert_eq!(field, "from");
        assert!(reason.contains("before"), "{reason}");
        assert!(matches!(
            parse_period(Some("x"), None),
            Err(AppError::Invalid { .. })
        ));
    }

    fn field(e: AppError) -> String {
        match e {
            AppError::Invalid { field, .. } => field,
            other => panic!("not a field error: {other}"),
        }
    }

    #[test]
    fn chosen_periods_have_a_previous_one_of_the_same_length() {
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let utc = TimeZone::UTC;
        let p = choose_period(Some("30"), None, None, &utc, now).unwrap();
        assert_eq!((p.preset, p.days), (Some(30), 30));
        assert_eq!(p.previous.to(), p.period.from());
        assert_eq!(p.query(), "days=30");
        let d = choose_period(None, None, None, &utc, now).unwrap();
        assert_eq!(d.days, DEFAULT_PERIOD_DAYS);

        // Dates include both days, at midnight in the person's zone.
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        let c = choose_period(
            Some("30"),
            Some("2026-03-01"),
            Some("2026-03-10"),
            &kolkata,
            now,
        )
        .unwrap();
        assert_eq!((c.preset, c.days), (None, 10));
        assert_eq!(c.period.from().to_string(), "2026-02-28T18:30:00Z");
        assert_eq!(c.period.to().to_string(), "2026-03-10T18:30:00Z");
        assert_eq!(c.previous.from().to_string(), "2026-02-18T18:30:00Z");
        assert_eq!(
            (c.first_day.to_string(), c.last_day.to_string()),
            ("2026-03-01".into(), "2026-03-10".into())
        );
        assert_eq!(c.query(), "from=2026-03-01&to=2026-03-10");
        let one = choose_period(None, Some("2026-03-01"), Some("2026-03-01"), &utc, now).unwrap();
        assert_eq!(one.days, 1);

        for (days, from, to, wrong) in [
            (Some("soon"), None, None, "days"),
            (Some("0"), None, None, "days"),
            (Some("9999"), None, None, "days"),
            (None, Some("yesterday"), None, "from"),
            (None, None, Some("2026-13-01"), "to"),
            (None, Some("2026-03-05"), Some("2026-03-04"), "to"),
            (None, Some("2020-01-01"), Some("2026-01-01"), "from"),
        ] {
            let e = choose_period(days, from, to, &utc, now).unwrap_err();
            assert_eq!(field(e), wrong, "{days:?} {from:?} {to:?}");
        }
    }
}
