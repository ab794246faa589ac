//! Public-holiday calendars (issue 9, item 3). Leads and admins import a region's holiday
//! feed (iCalendar: GOV.UK's `bank-holidays.ics`, a calendar service's "Holidays in …");
//! a rotation follows one. Its holidays then weigh more in the fair rotation generator's
//! proposals, count in each person's holiday share in rotation health, and show on the
//! schedule's calendar. Everyone signed in sees the calendars: they are public dates.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use aftercare_store::{
    HolidayCalendarId, NewHolidayCalendar, RotationId, Store, StoredHolidayCalendar,
};

use crate::error::{AppError, Result};
use crate::people::audit;
use crate::policy::Actor;

/// The most days one calendar may hold (about 25 years of a generous region's holidays).
pub const MAX_DAYS: usize = 1_000;

/// A calendar as imported or replaced.
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayCalendarInput {
    /// What people will pick it by ("UK: England and Wales"); default: the feed's own name.
    #[serde(default)]
    pub name: Option<String>,
    /// The region it covers, in words ("England and Wales").
    pub region: String,
    /// The iCalendar text of the feed: whole-day events.
    pub ical: String,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct HolidayView {
    pub date: Date,
    pub name: String,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct HolidayCalendarView {
    pub id: HolidayCalendarId,
    pub name: String,
    pub region: String,
    /// The feed's own name, if it gave one.
    pub source: String,
    pub days: i64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub updated_at: Timestamp,
}

/// One calendar with its holidays over a period.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct HolidayCalendarDays {
    pub calendar: HolidayCalendarView,
    pub from: Date,
    pub to: Date,
    pub holidays: Vec<HolidayView>,
}

fn view(c: StoredHolidayCalendar) -> HolidayCalendarView {
    HolidayCalendarView {
        id: c.id,
        name: c.name,
        region: c.region,
        source: c.source,
        days: c.days,
        first_day: c.first_day,
        last_day: c.last_day,
        updated_at: crate::incidents::ts(c.updated_at),
    }
}

fn may_manage(actor: &Actor) -> Result<()> {
    if actor.is_admin() || !actor.led_teams().is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only team leads and admins may import or change holiday calendars".into(),
        ))
    }
}

/// Reads and checks the input; refusals name the field (`ical` with the feed's line).
fn validated(input: &HolidayCalendarInput) -> Result<NewHolidayCalendar> {
    let (source, days) = aftercare_schedule::parse_holidays(&input.ical)
        .map_err(|e| AppError::invalid("ical", e.to_string()))?;
    if days.is_empty() {
        return Err(AppError::invalid(
            "ical",
            "holds no whole-day events: a holiday feed lists each holiday as a date",
        ));
    }
    if days.len() > MAX_DAYS {
        return Err(AppError::invalid(
            "ical",
            format!(
                "holds {} holiday days; at most {MAX_DAYS} are kept: export fewer years",
                days.len()
            ),
        ));
    }
    let name = input
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .or_else(|| source.clone())
        .ok_or_else(|| {
            AppError::invalid(
                "name",
                "is required: the feed does not name itself (no X-WR-CALNAME)",
            )
        })?;
    if name.chars().count() > 100 {
        return Err(AppError::invalid("name", "must be at most 100 characters"));
    }
    let region = input.region.trim();
    if region.is_empty() {
        return Err(AppError::invalid(
            "region",
            "is required: the region the holidays are of (\"England and Wales\")",
        ));
    }
    if region.chars().count() > 100 {
        return Err(AppError::invalid(
            "region",
            "must be at most 100 characters",
        ));
    }
    Ok(NewHolidayCalendar {
        name,
        region: region.to_string(),
        source: source.unwrap_or_default(),
        days: days
            .into_iter()
            .map(|h| (h.date.to_string(), h.name))
            .collect(),
    })
}

/// Imports a holiday feed as a new calendar (leads and admins).
pub async fn import(
    store: &Store,
    actor: &Actor,
    input: &HolidayCalendarInput,
) -> Result<HolidayCalendarView> {
    may_manage(actor)?;
    let new = validated(input)?;
    let made = store.create_holiday_calendar(&new).await?;
    audit(
        store,
        actor,
        "holidays.import",
        None,
        &made.name,
        &format!("{} days", made.days),
    )
    .await?;
    Ok(view(made))
}

/// Replaces a calendar's name, region and days from a fresh copy of the feed.
pub async fn replace(
    store: &Store,
    actor: &Actor,
    id: HolidayCalendarId,
    input: &HolidayCalendarInput,
) -> Result<HolidayCalendarView> {
    may_manage(actor)?;
    let new = validated(input)?;
    let done = store
        .replace_holiday_calendar(id, &new)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("holiday calendar {id}")))?;
    audit(
        store,
        actor,
        "holidays.replace",
        None,
        &done.name,
        &format!("{} days", done.days),
    )
    .await?;
    Ok(view(done))
}

/// Deletes a calendar; rotations that followed it follow none.
pub async fn delete(store: &Store, actor: &Actor, id: HolidayCalendarId) -> Result<()> {
    may_manage(actor)?;
    let c = store
        .holiday_calendar(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("holiday calendar {id}")))?;
    store.delete_holiday_calendar(id).await?;
    audit(store, actor, "holidays.delete", None, &c.name, "").await?;
    Ok(())
}

/// Every calendar (anyone signed in).
pub async fn list(store: &Store, _actor: &Actor) -> Result<Vec<HolidayCalendarView>> {
    Ok(store
        .holiday_calendars()
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// The first and last dates asked for, checked: `to` on or after `from`, at most 10 years.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<(Date, Date)> {
    let date = |field: &str, text: &str| {
        text.trim().parse::<Date>().map_err(|_| {
            AppError::invalid(field, format!("{text:?} is not a date like 2027-01-01"))
        })
    };
    let this_year = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .first_of_year();
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => date("from", t)?,
        None => this_year,
    };
    let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => date("to", t)?,
        None => from
            .checked_add(2.years())
            .and_then(|d| d.checked_sub(1.day()))
            .unwrap_or(from),
    };
    if to < from {
        return Err(AppError::invalid("to", "is before from"));
    }
    if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > 3_660 {
        return Err(AppError::invalid("to", "is more than 10 years after from"));
    }
    Ok((from, to))
}

/// One calendar with its holidays from `from` to `to` (both included).
pub async fn get(
    store: &Store,
    _actor: &Actor,
    id: HolidayCalendarId,
    from: Date,
    to: Date,
) -> Result<HolidayCalendarDays> {
    let c = store
        .holiday_calendar(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("holiday calendar {id}")))?;
    let holidays = days(store, id, from, to).await?;
    Ok(HolidayCalendarDays {
        calendar: view(c),
        from,
        to,
        holidays,
    })
}

async fn days(
    store: &Store,
    id: HolidayCalendarId,
    from: Date,
    to: Date,
) -> Result<Vec<HolidayView>> {
    let mut out = Vec::new();
    for h in store
        .holidays(id, &from.to_string(), &to.to_string())
        .await?
    {
        let date = h
            .day
            .parse::<Date>()
            .map_err(|e| AppError::Internal(format!("stored holiday {:?}: {e}", h.day)))?;
        out.push(HolidayView { date, name: h.name });
    }
    Ok(out)
}

/// The holidays a rotation follows from `from` to `to`: none if it follows no calendar.
pub async fn of_rotation(
    store: &Store,
    rotation: RotationId,
    from: Date,
    to: Date,
) -> Result<Vec<HolidayView>> {
    match store.rotation_holidays(rotation).await? {
        Some(c) => days(store, c, from, to).await,
        None => Ok(Vec::new()),
    }
}

/// The holidays of the calendars some rotations follow (each calendar once), from `from`
/// to `to`, with each calendar's name: what a schedule's calendar shows.
pub async fn of_rotations(
    store: &Store,
    rotations: &[RotationId],
    from: Date,
    to: Date,
) -> Result<Vec<(HolidayView, String)>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in rotations {
        let Some(c) = store.rotation_holidays(*r).await? else {
            continue;
        };
        if !seen.insert(c) {
            continue;
        }
        let name = store
            .holiday_calendar(c)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        out.extend(
            days(store, c, from, to)
                .await?
                .into_iter()
                .map(|h| (h, name.clone())),
        );
    }
    out.sort_by(|a, b| (a.0.date, &a.0.name).cmp(&(b.0.date, &b.0.name)));
    Ok(out)
}

/// Which calendar a rotation follows, as chosen.
#[derive(utoipa::ToSchema, Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotationHolidaysInput {
    /// The calendar's id, or `null` for none.
    pub calendar: Option<HolidayCalendarId>,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct RotationHolidays {
    pub rotation_id: RotationId,
    pub calendar: Option<HolidayCalendarView>,
}

/// The calendar a rotation follows (its team and admins).
pub async fn rotation_calendar(
    store: &Store,
    actor: &Actor,
    rotation: RotationId,
) -> Result<RotationHolidays> {
    crate::rotations::visible(store, actor, rotation).await?;
    let calendar = match store.rotation_holidays(rotation).await? {
        Some(c) => store.holiday_calendar(c).await?.map(view),
        None => None,
    };
    Ok(RotationHolidays {
        rotation_id: rotation,
        calendar,
    })
}

/// Chooses the calendar a rotation follows (its leads and admins).
pub async fn set_rotation_calendar(
    store: &Store,
    actor: &Actor,
    rotation: RotationId,
    input: &RotationHolidaysInput,
) -> Result<RotationHolidays> {
    let r = crate::rotations::visible(store, actor, rotation).await?;
    actor.lead(r.rotation.team_id, "choose its holiday calendar")?;
    let chosen = match input.calendar {
        Some(id) => Some(store.holiday_calendar(id).await?.ok_or_else(|| {
            AppError::invalid("calendar", format!("there is no holiday calendar {id}"))
        })?),
        None => None,
    };
    store
        .set_rotation_holidays(rotation, chosen.as_ref().map(|c| c.id))
        .await?;
    audit(
        store,
        actor,
        "rotation.holidays",
        Some(r.rotation.team_id),
        &r.rotation.name,
        chosen.as_ref().map_or("none", |c| c.name.as_str()),
    )
    .await?;
    Ok(RotationHolidays {
        rotation_id: rotation,
        calendar: chosen.map(view),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_default_to_two_years_and_refuse_backwards_or_huge_spans() {
        let (from, to) = period(Some("2027-01-01"), None).unwrap_or_default();
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2027-01-01".into(), "2028-12-31".into())
        );
        let e = period(Some("2027-01-01"), Some("2026-01-01")).err();
        assert!(matches!(e, Some(AppError::Invalid { field, .. }) if field == "to"));
        let e = period(Some("soon"), None).err();
        assert!(matches!(e, Some(AppError::Invalid { field, .. }) if field == "from"));
        let e = period(Some("2027-01-01"), Some("2040-01-01")).err();
        assert!(matches!(e, Some(AppError::Invalid { field, .. }) if field == "to"));
    }

    #[test]
    fn an_unnamed_feed_needs_a_name_and_a_bad_feed_names_its_line() {
        let ical = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271225\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let input = |name: Option<&str>, region: &str, ical: &str| HolidayCalendarInput {
            name: name.map(str::to_string),
            region: region.into(),
            ical: ical.into(),
        };
        let field = |r: Result<NewHolidayCalendar>| match r {
            Err(AppError::Invalid { field, reason }) => format!("{field}: {reason}"),
            other => format!("{other:?}"),
        };
        assert!(field(validated(&input(None, "UK", ical))).starts_with("name:"));
        assert!(field(validated(&input(Some("uk"), " ", ical))).starts_with("region:"));
        assert!(
            field(validated(&input(
                Some("uk"),
                "UK",
                "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
            )))
            .starts_with("ical: holds no")
        );
        let bad = ical.replace("20271225", "20271225T000000Z");
        assert!(field(validated(&input(Some("uk"), "UK", &bad))).starts_with("ical: line 3"));
        let ok = validated(&input(Some("uk"), "UK", ical));
        assert!(
            matches!(ok, Ok(n) if n.days == vec![("2027-12-25".into(), "Christmas Day".into())])
        );
    }
}
