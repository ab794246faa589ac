//! People: who they are, their own hours and sleep window (parsed once, here at the
//! store's edge), and whether they may still sign in.

use aftercare_burden::{DailyWindow, PersonHours, WorkingDays};
use jiff::tz::TimeZone;

use crate::ids::{PersonId, TeamId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// A person who carries the pager, writes reviews or both. Hours are parsed when
/// the row is read, so nothing above the store handles them as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    /// Time zone, working days and hours, sleep window.
    pub hours: PersonHours,
    pub is_admin: bool,
    /// Set when the person was deactivated: they keep their history, lose access.
    pub deactivated_at: Option<i64>,
    pub password_hash: Option<String>,
    pub created_at: i64,
}

impl Person {
    /// The IANA name of the person's time zone (every stored zone has one).
    pub fn time_zone_name(&self) -> &str {
        self.hours.time_zone.iana_name().unwrap_or("UTC")
    }

    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

/// The fields of a person that an import or a form sets; `email` is the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub name: String,
    pub email: String,
    pub hours: PersonHours,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

/// What a people import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportedPeople {
    pub created: u32,
    pub updated: u32,
}

/// One row of a people import: the person, the team they join, and their
/// external identities as `(kind, external_id)` pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPerson {
    pub person: NewPerson,
    pub team: Option<String>,
    pub identities: Vec<(String, String)>,
}

/// The text columns of a person's hours, as stored.
pub(crate) struct HoursColumns {
    pub time_zone: String,
    pub working_days: String,
    pub working_start: String,
    pub working_end: String,
    pub sleep_start: String,
    pub sleep_end: String,
}

impl HoursColumns {
    pub(crate) fn of(hours: &PersonHours) -> Result<HoursColumns> {
        let time_zone = hours
            .time_zone
            .iana_name()
            .ok_or_else(|| {
                StoreError::Invalid("time_zone: only IANA time zones can be stored".into())
            })?
            .to_string();
        Ok(HoursColumns {
            time_zone,
            working_days: hours.working_days.to_string(),
            working_start: hours.working_hours.start(),
            working_end: hours.working_hours.end(),
            sleep_start: hours.sleep_window.start(),
            sleep_end: hours.sleep_window.end(),
        })
    }
}

/// A `people` row as the database holds it.
#[derive(sqlx::FromRow)]
pub(crate) struct PersonRow {
    id: PersonId,
    name: String,
    email: String,
    time_zone: String,
    working_days: String,
    working_start: String,
    working_end: String,
    sleep_start: String,
    sleep_end: String,
    is_admin: bool,
    deactivated_at: Option<i64>,
    password_hash: Option<String>,
    created_at: i64,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;

    fn try_from(r: PersonRow) -> Result<Person> {
        let bad = |what: &str, e: String| {
            StoreError::Corrupt(format!("person {} ({}): {what}: {e}", r.id, r.email))
        };
        let time_zone = TimeZone::get(&r.time_zone).map_err(|e| bad("time zone", e.to_string()))?;
        let working_days: WorkingDays = r
            .working_days
            .parse()
            .map_err(|e: aftercare_burden::BurdenError| bad("working days", e.to_string()))?;
        let working_hours = DailyWindow::parse(&r.working_start, &r.working_end)
            .map_err(|e| bad("working hours", e.to_string()))?;
        let sleep_window = DailyWindow::parse(&r.sleep_start, &r.sleep_end)
            .map_err(|e| bad("sleep window", e.to_string()))?;
        Ok(Person {
            id: r.id,
            name: r.name,
            email: r.email,
            hours: PersonHours {
                time_zone,
                working_days,
                working_hours,
                sleep_window,
            },
            is_admin: r.is_admin,
            deactivated_at: r.deactivated_at,
            password_hash: r.password_hash,
            created_at: r.created_at,
        })
    }
}

pub(crate) fn people_from(rows: Vec<PersonRow>) -> Result<Vec<Person>> {
    rows.into_iter().map(Person::try_from).collect()
}

/// The columns of [`PersonRow`], as a macro so `concat!` can build `&'static str`
/// queries (sqlx 0.9 asks dynamic SQL strings to be audited).
macro_rules! person_columns {
    () => {
        "id, name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, deactivated_at, password_hash, created_at"
    };
    (p) => {
        "p.id, p.name, p.email, p.time_zone, p.working_days, p.working_start, p.working_end, p.sleep_start, p.sleep_end, p.is_admin, p.deactivated_at, p.password_hash, p.created_at"
    };
}
pub(crate) use person_columns;

const SQL_FIND: &str = "SELECT id FROM people WHERE email = $1";
const SQL_UPDATE: &str = "UPDATE people SET name = $1, time_zone = $2, working_days = $3, working_start = $4, working_end = $5, sleep_start = $6, sleep_end = $7 WHERE id = $8";
const SQL_INSERT: &str = "INSERT INTO people (name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9) RETURNING id";

/// Inserts or updates one person inside a transaction (shared by the single upsert
/// and the all-or-nothing import).
macro_rules! upsert_in_tx {
    ($tx:expr, $new:expr, $now:expr) => {{
        let new: &NewPerson = $new;
        let email = new.email.trim().to_lowercase();
        let c = HoursColumns::of(&new.hours)?;
        let existing: Option<PersonId> = sqlx::query_scalar(SQL_FIND)
            .bind(&email)
            .fetch_optional(&mut *$tx)
            .await?;
        match existing {
            Some(id) => {
                sqlx::query(SQL_UPDATE)
                    .bind(&new.name)
                    .bind(&c.time_zone)
                    .bind(&c.working_days)
                    .bind(&c.working_start)
                    .bind(&c.working_end)
                    .bind(&c.sleep_start)
                    .bind(&c.sleep_end)
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                (id, Upserted::Updated)
            }
            None => {
                let id: PersonId = sqlx::query_scalar(SQL_INSERT)
                    .bind(&new.name)
                    .bind(&email)
                    .bind(&c.time_zone)
                    .bind(&c.working_days)
                    .bind(&c.working_start)
                    .bind(&c.working_end)
                    .bind(&c.sleep_start)
                    .bind(&c.sleep_end)
                    .bind($now)
                    .fetch_one(&mut *$tx)
                    .await?;
                (id, Upserted::Created)
            }
        }
    }};
}

impl Store {
    /// Creates the person with this email, or updates their fields if they exist
    /// (imports are re-runnable: the email is the key).
    pub async fn upsert_person(&self, new: &NewPerson) -> Result<(Person, Upserted)> {
        let now = now_ms();
        let (id, how) = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let out = upsert_in_tx!(tx, new, now);
            tx.commit().await?;
            out
        });
        Ok((self.person_required(id).await?, how))
    }

    /// Creates a person; an existing email is a conflict, not an update.
    pub async fn create_person(&self, new: &NewPerson) -> Result<Person> {
        let email = new.email.trim().to_lowercase();
        let c = HoursColumns::of(&new.hours)?;
        let id: PersonId = with_pool!(self, p => sqlx::query_scalar(SQL_INSERT)
            .bind(&new.name).bind(&email).bind(&c.time_zone).bind(&c.working_days)
            .bind(&c.working_start).bind(&c.working_end)
            .bind(&c.sleep_start).bind(&c.sleep_end).bind(now_ms())
            .fetch_one(p).await)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("a person with email {email}")),
            other => other,
        })?;
        self.person_required(id).await
    }

    /// Upserts many people and their team memberships in one transaction: an
    /// import file either lands whole or not at all.
    pub async fn import_people(&self, rows: &[ImportPerson]) -> Result<ImportedPeople> {
        let sql_team =
            "INSERT INTO teams (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        let sql_team_id = "SELECT id FROM teams WHERE name = $1";
        let sql_join = "INSERT INTO team_members (team_id, person_id, role) VALUES ($1, $2, 'member') ON CONFLICT (team_id, person_id) DO NOTHING";
        // An import is an admin's act, so it may move an identity between people.
        let sql_identity = "INSERT INTO identities (person_id, kind, external_id) VALUES ($1, $2, $3) ON CONFLICT (kind, external_id) DO UPDATE SET person_id = excluded.person_id";
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut out = ImportedPeople::default();
            for ImportPerson { person: new, team, identities } in rows {
                let (id, how) = upsert_in_tx!(tx, new, now);
                match how {
                    Upserted::Created => out.created += 1,
                    Upserted::Updated => out.updated += 1,
                }
                if let Some(team) = team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    sqlx::query(sql_team).bind(team).bind(now).execute(&mut *tx).await?;
                    let team_id: TeamId = sqlx::query_scalar(sql_team_id).bind(team).fetch_one(&mut *tx).await?;
                    sqlx::query(sql_join).bind(team_id).bind(id).execute(&mut *tx).await?;
                }
                for (kind, external_id) in identities {
                    sqlx::query(sql_identity).bind(id).bind(kind).bind(external_id).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(out)
        })
    }

    /// Every person's id by email, for resolving the rows of a bulk import.
    pub async fn person_ids_by_email(&self) -> Result<Vec<(String, PersonId)>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, (String, PersonId)>("SELECT email, id FROM people").fetch_all(p).await)?,
        )
    }

    /// Replaces a person's name and hours (their email stays their key).
    pub async fn update_person(&self, id: PersonId, new: &NewPerson) -> Result<Person> {
        let c = HoursColumns::of(&new.hours)?;
        let done = with_pool!(self, p => sqlx::query(SQL_UPDATE)
            .bind(&new.name).bind(&c.time_zone).bind(&c.working_days)
            .bind(&c.working_start).bind(&c.working_end)
            .bind(&c.sleep_start).bind(&c.sleep_end).bind(id)
            .execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        self.person_required(id).await
    }

    pub async fn person(&self, id: PersonId) -> Result<Option<Person>> {
        let sql = concat!("SELECT ", person_columns!(), " FROM people WHERE id = $1");
        let row = with_pool!(self, p => sqlx::query_as::<_, PersonRow>(sql).bind(id).fetch_optional(p).await)?;
        row.map(Person::try_from).transpose()
    }

    pub(crate) async fn person_required(&self, id: PersonId) -> Result<Person> {
        self.person(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
    }

    pub async fn person_by_email(&self, email: &str) -> Result<Option<Person>> {
        let sql = concat!(
            "SELECT ",
            person_columns!(),
            " FROM people WHERE email = $1"
        );
        let email = email.trim().to_lowercase();
        let row = with_pool!(self, p => sqlx::query_as::<_, PersonRow>(sql).bind(&email).fetch_optional(p).await)?;
        row.map(Person::try_from).transpose()
    }

    pub async fn list_people(&self) -> Result<Vec<Person>> {
        let sql = concat!(
            "SELECT ",
            person_columns!(),
            " FROM people ORDER BY name, id"
        );
        people_from(with_pool!(self, p => sqlx::query_as::<_, PersonRow>(sql).fetch_all(p).await)?)
    }

    pub async fn count_people(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM people").fetch_one(p).await)?,
        )
    }

    /// True once first-run setup has happened (or any admin exists).
    pub async fn has_admin(&self) -> Result<bool> {
        let n: i64 = with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE is_admin = TRUE").fetch_one(p).await)?;
        Ok(n > 0)
    }

    pub async fn set_password_hash(&self, person_id: PersonId, hash: &str) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2").bind(hash).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {person_id}")));
        }
        Ok(())
    }

    /// Sets a new password and ends every session and token but the one given (a
    /// changed password should log out a thief, not the person changing it).
    pub async fn change_password(
        &self,
        person_id: PersonId,
        hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2").bind(hash).bind(person_id).execute(&mut *tx).await?.rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound(format!("person {person_id}")));
            }
            sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND ($2 IS NULL OR id_hash <> $2)").bind(person_id).bind(keep_session).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    pub async fn set_admin(&self, person_id: PersonId, is_admin: bool) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("UPDATE people SET is_admin = $1 WHERE id = $2").bind(is_admin).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {person_id}")));
        }
        Ok(())
    }

    /// Creates a person who is an admin with a password, in one transaction, so a
    /// failed setup leaves no half-made account behind. With `first_run`, it also
    /// claims the one-time setup marker: of two concurrent first-run setups, the
    /// second fails with [`StoreError::Conflict`] and stores nothing.
    pub async fn create_admin(
        &self,
        new: &NewPerson,
        password_hash: &str,
        first_run: bool,
    ) -> Result<Person> {
        let email = new.email.trim().to_lowercase();
        let c = HoursColumns::of(&new.hours)?;
        let now = now_ms();
        let sql = "INSERT INTO people (name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $10) RETURNING id";
        let id: PersonId = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if first_run {
                sqlx::query("INSERT INTO setup_done (id, at) VALUES (1, $1)").bind(now).execute(&mut *tx).await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict(_) => StoreError::Conflict("first-run setup has already been done".into()),
                        other => other,
                    })?;
            }
            let id: PersonId = sqlx::query_scalar(sql)
                .bind(&new.name).bind(&email).bind(&c.time_zone).bind(&c.working_days)
                .bind(&c.working_start).bind(&c.working_end).bind(&c.sleep_start).bind(&c.sleep_end)
                .bind(password_hash).bind(now)
                .fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(id)
        })?;
        self.person_required(id).await
    }

    /// Deactivates a person: they keep their history (their pages still count for
    /// their team) but every session and token of theirs ends in the same
    /// transaction, so access stops at once.
    pub async fn deactivate_person(&self, id: PersonId) -> Result<()> {
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE people SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?.rows_affected();
            if done == 0 {
                let exists: Option<PersonId> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound(format!("person {id}")));
                }
            }
            sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM api_tokens WHERE person_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM password_tokens WHERE person_id = $1").bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    pub async fn reactivate_person(&self, id: PersonId) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("UPDATE people SET deactivated_at = NULL WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        Ok(())
    }

    /// Erases a person on request: their row and everything that cascades from it
    /// (memberships, identities, sessions, tokens, their pages and shifts).
    pub async fn erase_person(&self, id: PersonId) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM people WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        Ok(())
    }
}
