//! Public-holiday calendars: a region's holidays as dates, imported whole from a feed
//! and replaced whole on re-import; the calendar each rotation follows.

use crate::ids::{HolidayCalendarId, RotationId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// A calendar to store: already validated by the caller. `days` are `(YYYY-MM-DD, name)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHolidayCalendar {
    pub name: String,
    pub region: String,
    pub source: String,
    pub days: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredHolidayCalendar {
    pub id: HolidayCalendarId,
    pub name: String,
    pub region: String,
    pub source: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// How many holiday days it holds.
    pub days: i64,
    /// Its first and last day, if it has any.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct StoredHoliday {
    pub day: String,
    pub name: String,
}

fn named_conflict(e: sqlx::Error, name: &str) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("a holiday calendar called {name:?}"))
        }
        other => other,
    }
}

const INSERT_DAY: &str =
    "INSERT INTO holidays (calendar_id, day, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const CALENDAR_COLUMNS: &str = "SELECT c.id, c.name, c.region, c.source, c.created_at, c.updated_at, (SELECT COUNT(*) FROM holidays h WHERE h.calendar_id = c.id) AS days, (SELECT MIN(day) FROM holidays h WHERE h.calendar_id = c.id) AS first_day, (SELECT MAX(day) FROM holidays h WHERE h.calendar_id = c.id) AS last_day FROM holiday_calendars c";

impl Store {
    /// Stores a calendar and its days in one transaction; a taken name stores nothing.
    pub async fn create_holiday_calendar(
        &self,
        new: &NewHolidayCalendar,
    ) -> Result<StoredHolidayCalendar> {
        let now = now_ms();
        let id: HolidayCalendarId = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: HolidayCalendarId = sqlx::query_scalar("INSERT INTO holiday_calendars (name, region, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
                .bind(&new.name).bind(&new.region).bind(&new.source).bind(now)
                .fetch_one(&mut *tx).await.map_err(|e| named_conflict(e, &new.name))?;
            for (day, name) in &new.days {
                sqlx::query(INSERT_DAY).bind(id).bind(day).bind(name).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })?;
        self.holiday_calendar(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("holiday calendar {id}")))
    }

    /// Renames a calendar and replaces its days in one transaction; `None` if there is none.
    pub async fn replace_holiday_calendar(
        &self,
        id: HolidayCalendarId,
        new: &NewHolidayCalendar,
    ) -> Result<Option<StoredHolidayCalendar>> {
        let now = now_ms();
        let found = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query("UPDATE holiday_calendars SET name = $2, region = $3, source = $4, updated_at = $5 WHERE id = $1")
                .bind(id).bind(&new.name).bind(&new.region).bind(&new.source).bind(now)
                .execute(&mut *tx).await.map_err(|e| named_conflict(e, &new.name))?
                .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM holidays WHERE calendar_id = $1").bind(id).execute(&mut *tx).await?;
                for (day, name) in &new.days {
                    sqlx::query(INSERT_DAY).bind(id).bind(day).bind(name).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(n == 1)
        })?;
        if !found {
            return Ok(None);
        }
        self.holiday_calendar(id).await
    }

    pub async fn holiday_calendar(
        &self,
        id: HolidayCalendarId,
    ) -> Result<Option<StoredHolidayCalendar>> {
        let sql = format!("{CALENDAR_COLUMNS} WHERE c.id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredHolidayCalendar>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
        )
    }

    /// Every calendar, by name.
    pub async fn holiday_calendars(&self) -> Result<Vec<StoredHolidayCalendar>> {
        let sql = format!("{CALENDAR_COLUMNS} ORDER BY c.name, c.id");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredHolidayCalendar>(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?,
        )
    }

    /// A calendar's holidays from `from` to `to` (dates `YYYY-MM-DD`, both included), by day.
    pub async fn holidays(
        &self,
        id: HolidayCalendarId,
        from: &str,
        to: &str,
    ) -> Result<Vec<StoredHoliday>> {
        let sql = "SELECT day, name FROM holidays WHERE calendar_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, name";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, StoredHoliday>(sql).bind(id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    /// Deletes a calendar, its days and the rotations' choice of it; `false` if none.
    pub async fn delete_holiday_calendar(&self, id: HolidayCalendarId) -> Result<bool> {
        let n = with_pool!(self, p => sqlx::query("DELETE FROM holiday_calendars WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Sets (or with `None` clears) the calendar a rotation follows.
    pub async fn set_rotation_holidays(
        &self,
        rotation: RotationId,
        calendar: Option<HolidayCalendarId>,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM rotation_holidays WHERE rotation_id = $1").bind(rotation).execute(&mut *tx).await?;
            if let Some(c) = calendar {
                sqlx::query("INSERT INTO rotation_holidays (rotation_id, calendar_id) VALUES ($1, $2)")
                    .bind(rotation).bind(c).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// The calendar a rotation follows, if any.
    pub async fn rotation_holidays(
        &self,
        rotation: RotationId,
    ) -> Result<Option<HolidayCalendarId>> {
        let sql = "SELECT calendar_id FROM rotation_holidays WHERE rotation_id = $1";
        Ok(
            with_pool!(self, p => sqlx::query_scalar::<_, HolidayCalendarId>(sql).bind(rotation).fetch_optional(p).await)?,
        )
    }
}
