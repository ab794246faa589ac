//! Aftercare's storage: one [`Store`] over either an embedded SQLite file (the
//! zero-setup default) or PostgreSQL (for several stateless `aftercare serve`
//! processes behind a load balancer). Each backend has its own migrations.
//!
//! The backend is an enum rather than a trait object: most SQL here is portable, so
//! [`with_pool!`] writes a query once and type-checks it against both drivers, and
//! only the statements that really differ (bulk inserts) are written per dialect.

mod error;
mod import;
mod instants;
mod model;
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, QueryBuilder, Row, SqlitePool};

pub use error::StoreError;
pub use import::*;
pub use model::*;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs one block against whichever pool backs the store; the block is compiled once
/// per driver, so the same SQL text and bindings serve both.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

/// The database handle shared by the server and the CLI; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

/// The columns of [`Person`], as a macro so `concat!` can build `&'static str`
/// queries (sqlx 0.9 asks dynamic SQL strings to be audited).
macro_rules! person_columns {
    () => {
        "id, name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, password_hash, created_at"
    };
    (p) => {
        "p.id, p.name, p.email, p.time_zone, p.working_days, p.working_start, p.working_end, p.sleep_start, p.sleep_end, p.is_admin, p.password_hash, p.created_at"
    };
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl Store {
    /// Opens (creating a SQLite file if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|_| StoreError::UnsupportedUrl(url.to_string()))?
                .create_if_missing(true)
                // WAL lets readers go on while one writer commits; NORMAL sync in WAL
                // mode is still durable across process crashes, and FULL is kept for
                // power loss because a 2xx to a webhook promises the page is kept.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let pool = SqlitePoolOptions::new()
                // An in-memory database exists per connection, so it must stay at one.
                .max_connections(if in_memory { 1 } else { 8 })
                .min_connections(if in_memory { 1 } else { 0 })
                .idle_timeout(if in_memory {
                    None
                } else {
                    Some(Duration::from_secs(600))
                })
                .max_lifetime(if in_memory {
                    None
                } else {
                    Some(Duration::from_secs(1800))
                })
                .connect_with(options)
                .await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|_| StoreError::UnsupportedUrl(url.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            // Several `aftercare serve` processes may start at once: sqlx takes an
            // advisory lock around migrations, so exactly one applies them.
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        Ok(Store { pool })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A cheap round trip for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }

    // ---- people -------------------------------------------------------------

    /// Creates the person with this email, or updates their fields if they exist
    /// (imports are re-runnable: the email is the key).
    pub async fn upsert_person(&self, new: &NewPerson) -> Result<(Person, Upserted)> {
        let email = new.email.trim().to_lowercase();
        let sql_find = "SELECT id FROM people WHERE email = $1";
        let sql_update = "UPDATE people SET name = $1, time_zone = $2, working_days = $3, working_start = $4, working_end = $5, sleep_start = $6, sleep_end = $7 WHERE id = $8";
        let sql_insert = "INSERT INTO people (name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9) RETURNING id";
        let (id, how) = with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let existing: Option<i64> = sqlx::query_scalar(sql_find).bind(&email).fetch_optional(&mut *tx).await?;
            let out = match existing {
                Some(id) => {
                    sqlx::query(sql_update)
                        .bind(&new.name).bind(&new.time_zone).bind(&new.working_days)
                        .bind(&new.working_start).bind(&new.working_end)
                        .bind(&new.sleep_start).bind(&new.sleep_end).bind(id)
                        .execute(&mut *tx).await?;
                    (id, Upserted::Updated)
                }
                None => {
                    let id: i64 = sqlx::query_scalar(sql_insert)
                        .bind(&new.name).bind(&email).bind(&new.time_zone).bind(&new.working_days)
                        .bind(&new.working_start).bind(&new.working_end)
                        .bind(&new.sleep_start).bind(&new.sleep_end).bind(now_ms())
                        .fetch_one(&mut *tx).await?;
                    (id, Upserted::Created)
                }
            };
            tx.commit().await?;
            out
        });
        let person = self
            .person(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("person {id}")))?;
        Ok((person, how))
    }

    /// Upserts many people and their team memberships in one transaction: an
    /// import file either lands whole or not at all.
    pub async fn import_people(&self, rows: &[ImportPerson]) -> Result<ImportedPeople> {
        let sql_find = "SELECT id FROM people WHERE email = $1";
        let sql_update = "UPDATE people SET name = $1, time_zone = $2, working_days = $3, working_start = $4, working_end = $5, sleep_start = $6, sleep_end = $7 WHERE id = $8";
        let sql_insert = "INSERT INTO people (name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9) RETURNING id";
        let sql_team =
            "INSERT INTO teams (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        let sql_team_id = "SELECT id FROM teams WHERE name = $1";
        let sql_join = "INSERT INTO team_members (team_id, person_id, role) VALUES ($1, $2, 'member') ON CONFLICT (team_id, person_id) DO NOTHING";
        let sql_identity = "INSERT INTO identities (person_id, kind, external_id) VALUES ($1, $2, $3) ON CONFLICT (kind, external_id) DO UPDATE SET person_id = excluded.person_id";
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let mut out = ImportedPeople::default();
            for ImportPerson { person: new, team, identities } in rows {
                let email = new.email.trim().to_lowercase();
                let existing: Option<i64> = sqlx::query_scalar(sql_find).bind(&email).fetch_optional(&mut *tx).await?;
                let id = match existing {
                    Some(id) => {
                        sqlx::query(sql_update)
                            .bind(&new.name).bind(&new.time_zone).bind(&new.working_days)
                            .bind(&new.working_start).bind(&new.working_end)
                            .bind(&new.sleep_start).bind(&new.sleep_end).bind(id)
                            .execute(&mut *tx).await?;
                        out.updated += 1;
                        id
                    }
                    None => {
                        let id: i64 = sqlx::query_scalar(sql_insert)
                            .bind(&new.name).bind(&email).bind(&new.time_zone).bind(&new.working_days)
                            .bind(&new.working_start).bind(&new.working_end)
                            .bind(&new.sleep_start).bind(&new.sleep_end).bind(now)
                            .fetch_one(&mut *tx).await?;
                        out.created += 1;
                        id
                    }
                };
                if let Some(team) = team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    sqlx::query(sql_team).bind(team).bind(now).execute(&mut *tx).await?;
                    let team_id: i64 = sqlx::query_scalar(sql_team_id).bind(team).fetch_one(&mut *tx).await?;
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
    pub async fn person_ids_by_email(&self) -> Result<Vec<(String, i64)>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, (String, i64)>("SELECT email, id FROM people").fetch_all(p).await)?,
        )
    }

    /// Replaces a person's name and hours (their email stays their key).
    pub async fn update_person(&self, id: i64, new: &NewPerson) -> Result<Person> {
        let sql = "UPDATE people SET name = $1, time_zone = $2, working_days = $3, working_start = $4, working_end = $5, sleep_start = $6, sleep_end = $7 WHERE id = $8";
        let done = with_pool!(self, p => sqlx::query(sql)
            .bind(&new.name).bind(&new.time_zone).bind(&new.working_days)
            .bind(&new.working_start).bind(&new.working_end)
            .bind(&new.sleep_start).bind(&new.sleep_end).bind(id)
            .execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        self.person(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
    }

    pub async fn person(&self, id: i64) -> Result<Option<Person>> {
        let sql = concat!("SELECT ", person_columns!(), " FROM people WHERE id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Person>(sql).bind(id).fetch_optional(p).await)?,
        )
    }

    pub async fn person_by_email(&self, email: &str) -> Result<Option<Person>> {
        let sql = concat!(
            "SELECT ",
            person_columns!(),
            " FROM people WHERE email = $1"
        );
        let email = email.trim().to_lowercase();
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Person>(sql).bind(&email).fetch_optional(p).await)?,
        )
    }

    pub async fn list_people(&self) -> Result<Vec<Person>> {
        let sql = concat!(
            "SELECT ",
            person_columns!(),
            " FROM people ORDER BY name, id"
        );
        Ok(with_pool!(self, p => sqlx::query_as::<_, Person>(sql).fetch_all(p).await)?)
    }

    pub async fn count_people(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM people").fetch_one(p).await)?,
        )
    }

    /// True once any admin exists: first-run setup is offered only before that.
    pub async fn has_admin(&self) -> Result<bool> {
        let n: i64 = with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE is_admin = TRUE").fetch_one(p).await)?;
        Ok(n > 0)
    }

    pub async fn set_password_hash(&self, person_id: i64, hash: &str) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2").bind(hash).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {person_id}")));
        }
        Ok(())
    }

    pub async fn set_admin(&self, person_id: i64, is_admin: bool) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("UPDATE people SET is_admin = $1 WHERE id = $2").bind(is_admin).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("person {person_id}")));
        }
        Ok(())
    }

    /// Creates a person who is an admin with a password, in one transaction, so a
    /// failed setup leaves no half-made account behind.
    pub async fn create_admin(&self, new: &NewPerson, password_hash: &str) -> Result<Person> {
        let email = new.email.trim().to_lowercase();
        let sql = "INSERT INTO people (name, email, time_zone, working_days, working_start, working_end, sleep_start, sleep_end, is_admin, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $10) RETURNING id";
        let id: i64 = with_pool!(self, p => sqlx::query_scalar(sql)
            .bind(&new.name).bind(&email).bind(&new.time_zone).bind(&new.working_days)
            .bind(&new.working_start).bind(&new.working_end).bind(&new.sleep_start).bind(&new.sleep_end)
            .bind(password_hash).bind(now_ms())
            .fetch_one(p).await)?;
        self.person(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("person {id}")))
    }

    // ---- teams --------------------------------------------------------------

    /// The team with this name, created if needed.
    pub async fn ensure_team(&self, name: &str) -> Result<Team> {
        let name = name.trim();
        if let Some(team) = self.team_by_name(name).await? {
            return Ok(team);
        }
        let sql =
            "INSERT INTO teams (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        with_pool!(self, p => sqlx::query(sql).bind(name).bind(now_ms()).execute(p).await.map(|r| r.rows_affected()))?;
        self.team_by_name(name)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {name:?}")))
    }

    pub async fn team(&self, id: i64) -> Result<Option<Team>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Team>("SELECT id, name, created_at FROM teams WHERE id = $1").bind(id).fetch_optional(p).await)?,
        )
    }

    pub async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Team>("SELECT id, name, created_at FROM teams WHERE name = $1").bind(name.trim()).fetch_optional(p).await)?,
        )
    }

    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Team>("SELECT id, name, created_at FROM teams ORDER BY name").fetch_all(p).await)?,
        )
    }

    /// Adds a person to a team, or changes their role there.
    pub async fn set_membership(&self, team_id: i64, person_id: i64, role: TeamRole) -> Result<()> {
        let sql = "INSERT INTO team_members (team_id, person_id, role) VALUES ($1, $2, $3) ON CONFLICT (team_id, person_id) DO UPDATE SET role = excluded.role";
        with_pool!(self, p => sqlx::query(sql).bind(team_id).bind(person_id).bind(role.as_str()).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Adds a person to a team as a member unless they already belong to it (an
    /// import must not demote a lead).
    pub async fn join_team(&self, team_id: i64, person_id: i64) -> Result<()> {
        let sql = "INSERT INTO team_members (team_id, person_id, role) VALUES ($1, $2, 'member') ON CONFLICT (team_id, person_id) DO NOTHING";
        with_pool!(self, p => sqlx::query(sql).bind(team_id).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn team_members(&self, team_id: i64) -> Result<Vec<TeamMember>> {
        let sql = concat!(
            "SELECT ",
            person_columns!(p),
            ", tm.role AS team_role FROM people p JOIN team_members tm ON tm.person_id = p.id WHERE tm.team_id = $1 ORDER BY p.name, p.id"
        );
        let rows = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(team_id).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let person = <Person as sqlx::FromRow<_>>::from_row(row)?;
                let role: String = row.try_get("team_role")?;
                out.push(TeamMember { person, role: TeamRole::from_db(&role) });
            }
            Ok::<_, sqlx::Error>(out)
        })?;
        Ok(rows)
    }

    pub async fn memberships(&self, person_id: i64) -> Result<Vec<Membership>> {
        let sql = "SELECT t.id, t.name, t.created_at, tm.role FROM teams t JOIN team_members tm ON tm.team_id = t.id WHERE tm.person_id = $1 ORDER BY t.name";
        let rows = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(person_id).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let team = <Team as sqlx::FromRow<_>>::from_row(row)?;
                let role: String = row.try_get("role")?;
                out.push(Membership { team, role: TeamRole::from_db(&role) });
            }
            Ok::<_, sqlx::Error>(out)
        })?;
        Ok(rows)
    }

    // ---- identities ---------------------------------------------------------

    /// Links an external identity (a PagerDuty user id, an Opsgenie username, ...)
    /// to a person; an identity belongs to one person at a time.
    pub async fn set_identity(&self, person_id: i64, kind: &str, external_id: &str) -> Result<()> {
        let sql = "INSERT INTO identities (person_id, kind, external_id) VALUES ($1, $2, $3) ON CONFLICT (kind, external_id) DO UPDATE SET person_id = excluded.person_id";
        with_pool!(self, p => sqlx::query(sql).bind(person_id).bind(kind).bind(external_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn identities(&self, person_id: i64) -> Result<Vec<Identity>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Identity>("SELECT person_id, kind, external_id FROM identities WHERE person_id = $1 ORDER BY kind, external_id").bind(person_id).fetch_all(p).await)?,
        )
    }

    pub async fn person_by_identity(&self, kind: &str, external_id: &str) -> Result<Option<i64>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT person_id FROM identities WHERE kind = $1 AND external_id = $2").bind(kind).bind(external_id).fetch_optional(p).await)?,
        )
    }

    // ---- sessions and tokens ------------------------------------------------

    /// Sessions live in the database, not in process memory, so any `aftercare
    /// serve` behind a load balancer can answer any request.
    pub async fn create_session(&self, session: &Session) -> Result<()> {
        let sql = "INSERT INTO sessions (id_hash, person_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        with_pool!(self, p => sqlx::query(sql).bind(&session.id_hash).bind(session.person_id).bind(&session.csrf_token).bind(session.created_at).bind(session.expires_at).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The live session with this id hash, if it has not expired by `now_ms`.
    pub async fn session(&self, id_hash: &str, now_ms: i64) -> Result<Option<Session>> {
        let sql = "SELECT id_hash, person_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Session>(sql).bind(id_hash).bind(now_ms).fetch_optional(p).await)?,
        )
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }

    pub async fn create_api_token(
        &self,
        token_hash: &str,
        person_id: Option<i64>,
        is_admin: bool,
        label: &str,
    ) -> Result<i64> {
        let sql = "INSERT INTO api_tokens (token_hash, person_id, is_admin, label, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(token_hash).bind(person_id).bind(is_admin).bind(label).bind(now_ms()).fetch_one(p).await)?,
        )
    }

    pub async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let sql = "SELECT id, token_hash, person_id, is_admin, label, created_at FROM api_tokens WHERE token_hash = $1";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, ApiToken>(sql).bind(token_hash).fetch_optional(p).await)?,
        )
    }

    // ---- integrations -------------------------------------------------------

    pub async fn create_integration(&self, new: &NewIntegration) -> Result<Integration> {
        let sql = "INSERT INTO integrations (public_id, team_id, source, name, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let _id: i64 = with_pool!(self, p => sqlx::query_scalar(sql).bind(&new.public_id).bind(new.team_id).bind(&new.source).bind(&new.name).bind(&new.secret).bind(now_ms()).fetch_one(p).await)?;
        self.integration(&new.public_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("integration {}", new.public_id)))
    }

    /// Looks an integration up by the id that appears in its ingest path.
    pub async fn integration(&self, public_id: &str) -> Result<Option<Integration>> {
        let sql = "SELECT id, public_id, team_id, source, name, secret, created_at FROM integrations WHERE public_id = $1";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Integration>(sql).bind(public_id).fetch_optional(p).await)?,
        )
    }

    pub async fn list_integrations(&self, team_id: Option<i64>) -> Result<Vec<Integration>> {
        let sql = "SELECT id, public_id, team_id, source, name, secret, created_at FROM integrations WHERE ($1 IS NULL OR team_id = $1) ORDER BY id";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Integration>(sql).bind(team_id).fetch_all(p).await)?,
        )
    }

    // ---- shifts -------------------------------------------------------------

    /// Replaces a team's shifts from one source over the span the new shifts cover
    /// (a schedule export covers a window; shifts outside it are kept), in one
    /// transaction. Returns how many shifts were stored.
    pub async fn replace_shifts(
        &self,
        team_id: i64,
        source: &str,
        shifts: &[NewShift],
    ) -> Result<u64> {
        let (Some(from), Some(to)) = (
            shifts.iter().map(|s| s.starts_at).min(),
            shifts.iter().map(|s| s.ends_at).max(),
        ) else {
            return Ok(0);
        };
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM shifts WHERE team_id = $1 AND source = $2 AND starts_at < $3 AND ends_at > $4")
                .bind(team_id).bind(source).bind(to).bind(from)
                .execute(&mut *tx).await?;
            for s in shifts {
                sqlx::query("INSERT INTO shifts (team_id, person_id, starts_at, ends_at, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(team_id).bind(s.person_id).bind(s.starts_at).bind(s.ends_at).bind(source).bind(now)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(shifts.len() as u64)
        })
    }

    /// Who was on call for a team at an instant: of the shifts covering it, the one
    /// that began last (an override sits inside the regular shift it replaces).
    pub async fn on_call(&self, team_id: i64, at: i64) -> Result<Option<i64>> {
        let sql = "SELECT person_id FROM shifts WHERE team_id = $1 AND starts_at <= $2 AND ends_at > $2 ORDER BY starts_at DESC, id DESC LIMIT 1";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(team_id).bind(at).fetch_optional(p).await)?,
        )
    }

    /// A team's shifts overlapping `[from, to)`, in order.
    pub async fn shifts(&self, team_id: i64, from: i64, to: i64) -> Result<Vec<Shift>> {
        let sql = "SELECT id, team_id, person_id, starts_at, ends_at, source FROM shifts WHERE team_id = $1 AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at, id";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Shift>(sql).bind(team_id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    // ---- deliveries and notifications --------------------------------------

    /// Stores a group of webhook deliveries and their notifications in one
    /// transaction, so a 2xx can be sent for each as soon as this returns: one
    /// durable commit serves many concurrent senders. A delivery whose id was seen
    /// before for its integration is a replay and stores nothing.
    pub async fn record_deliveries(
        &self,
        deliveries: &[NewDelivery],
    ) -> Result<Vec<DeliveryOutcome>> {
        let insert = "INSERT INTO deliveries (integration_id, delivery_id, received_at, raw, event) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (integration_id, delivery_id) DO NOTHING RETURNING id";
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let mut outcomes = Vec::with_capacity(deliveries.len());
            for d in deliveries {
                let id: Option<i64> = sqlx::query_scalar(insert)
                    .bind(d.integration_id).bind(&d.delivery_id).bind(d.received_at).bind(&d.raw).bind(&d.event_json)
                    .fetch_optional(&mut *tx).await?;
                let Some(id) = id else {
                    outcomes.push(DeliveryOutcome::Duplicate);
                    continue;
                };
                let mut stored = 0u32;
                for n in &d.notifications {
                    if n.claims_unattributed && n.person_id.is_some() {
                        let claimed = sqlx::query("UPDATE notifications SET person_id = $1, basis = $2 WHERE id IN (SELECT id FROM notifications WHERE (person_id IS NULL OR basis = 'on_call') AND team_id = $3 AND incident_key = $4 AND source = $5)")
                            .bind(n.person_id).bind(&n.basis).bind(n.team_id).bind(&n.incident_key).bind(&n.source)
                            .execute(&mut *tx).await?;
                        if claimed.rows_affected() > 0 {
                            stored += 1;
                            continue;
                        }
                    }
                    // incident.io repeats an escalation's whole history in every
                    // delivery and Grafana's notified users are cumulative: a page
                    // already stored for this person, incident and instant is the same
                    // page, not a new one.
                    let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM notifications WHERE team_id = $1 AND at = $2 AND incident_key = $3 AND source = $4 AND (person_id = $5 OR (person_id IS NULL AND $5 IS NULL)) LIMIT 1")
                        .bind(n.team_id).bind(n.at).bind(&n.incident_key).bind(&n.source).bind(n.person_id)
                        .fetch_optional(&mut *tx).await?;
                    if seen.is_some() {
                        continue;
                    }
                    sqlx::query("INSERT INTO notifications (person_id, team_id, at, incident_key, source, basis, delivery_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(n.person_id).bind(n.team_id).bind(n.at).bind(&n.incident_key).bind(&n.source).bind(&n.basis).bind(id)
                        .execute(&mut *tx).await?;
                    stored += 1;
                }
                outcomes.push(DeliveryOutcome::Stored { id, notifications: stored });
            }
            tx.commit().await?;
            Ok::<_, StoreError>(outcomes)
        })
    }

    pub async fn count_deliveries(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM deliveries").fetch_one(p).await)?,
        )
    }

    pub async fn count_notifications(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM notifications").fetch_one(p).await)?,
        )
    }

    /// One person's notification instants in `[from, to)`, ascending (milliseconds).
    pub async fn notification_instants(
        &self,
        person_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<i64>> {
        let sql = "SELECT at FROM notifications WHERE person_id = $1 AND at >= $2 AND at < $3 ORDER BY at";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(person_id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    /// The instants of many people at once, grouped by person: one round trip for a
    /// whole team instead of one per member.
    pub async fn notification_instants_for(
        &self,
        person_ids: &[i64],
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Vec<i64>)>> {
        let mut grouped: Vec<(i64, Vec<i64>)> =
            person_ids.iter().map(|&id| (id, Vec::new())).collect();
        grouped.sort_by_key(|(id, _)| *id);
        for chunk in person_ids.chunks(500) {
            let rows: Vec<(i64, i64)> = with_pool!(self, p => {
                let mut qb = QueryBuilder::new("SELECT person_id, at FROM notifications WHERE at >= ");
                qb.push_bind(from).push(" AND at < ").push_bind(to).push(" AND person_id IN (");
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(") ORDER BY person_id, at");
                qb.build_query_as::<(i64, i64)>().fetch_all(p).await
            })?;
            for (person, at) in rows {
                if let Ok(i) = grouped.binary_search_by_key(&person, |(id, _)| *id) {
                    grouped[i].1.push(at);
                }
            }
        }
        Ok(grouped)
    }

    /// How many pages nobody could be found for, for one team in `[from, to)`.
    pub async fn count_unattributed(&self, team_id: i64, from: i64, to: i64) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM notifications WHERE person_id IS NULL AND team_id = $1 AND at >= $2 AND at < $3";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(team_id).bind(from).bind(to).fetch_one(p).await)?,
        )
    }

    /// Pages that nobody could be found for, for one team in `[from, to)`, newest
    /// first (the order every view lists them in).
    pub async fn unattributed(
        &self,
        team_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<Notification>> {
        let sql = "SELECT id, person_id, team_id, at, incident_key, source, basis FROM notifications WHERE person_id IS NULL AND team_id = $1 AND at >= $2 AND at < $3 ORDER BY at DESC, id DESC";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Notification>(sql).bind(team_id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }
}
