//! Aftercare's storage: one [`Store`] over either an embedded SQLite file (the
//! zero-setup default) or PostgreSQL (for several stateless `aftercare serve`
//! processes behind a load balancer). Each backend has its own migrations.
//!
//! The backend is an enum rather than a trait object: most SQL here is portable, so
//! [`with_pool!`] writes a query once and type-checks it against both drivers, and
//! only the statements that really differ (bulk inserts) are written per dialect.

mod accounts;
mod audit;
mod care;
mod cover;
mod drills;
mod error;
mod feeds;
mod holidays;
mod identities;
mod ids;
mod import;
mod incidents;
mod instants;
mod integrations;
mod jobs;
mod journal;
mod newcomers;
mod pages;
mod people;
mod plans;
mod rest;
mod rotations;
mod schedules;
mod shifts;
mod teams;
pub mod testing;
mod time_off;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use accounts::*;
pub use audit::*;
pub use care::*;
pub use cover::*;
pub use drills::*;
pub use error::StoreError;
pub use feeds::*;
pub use holidays::*;
pub use identities::*;
pub use ids::*;
pub use import::{ImportBatch, ImportedPages, NotificationImport};
pub use incidents::*;
pub use instants::PersonInstants;
pub use integrations::*;
pub use jobs::*;
pub use journal::*;
pub use newcomers::*;
pub use pages::*;
pub use people::*;
pub use plans::*;
pub use rest::*;
pub use rotations::*;
pub use schedules::*;
pub use shifts::*;
pub use teams::*;
pub use time_off::*;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs one block against whichever pool backs the store; the block is compiled once
/// per driver, so the same SQL text and bindings serve both.
macro_rules! with_pool_impl {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}

/// The database handle shared by the server and the CLI; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    url: std::sync::Arc<str>,
}

pub(crate) use with_pool_impl as with_pool;

/// A transaction that will write. On SQLite it takes the write lock at BEGIN
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes
/// later cannot wait for another writer (its snapshot would be stale) and fails
/// at once with "database is locked", whatever the busy timeout. PostgreSQL's
/// plain BEGIN already waits on row locks.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Db>>;
}

impl BeginWrite for sqlx::SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for sqlx::PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }
}

/// Rows per multi-row INSERT: big enough to amortise statement overhead, small
/// enough to stay far below SQLite's bound-variable limit (32,766).
pub const INSERT_BATCH: usize = 1_000;

pub(crate) fn now_ms() -> i64 {
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
        Ok(Store {
            pool,
            url: url.into(),
        })
    }

    /// Opens an existing database for a command that only reads: a SQLite file
    /// that does not exist is an error (with what to do), never a new empty one.
    pub async fn connect_existing(url: &str) -> Result<Store> {
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or(path);
            if !in_memory && !std::path::Path::new(path).exists() {
                return Err(StoreError::NotFound(format!(
                    "database {path} (create one with `aftercare serve` or `aftercare demo`, or point --database-url at yours)"
                )));
            }
        }
        Store::connect(url).await
    }

    /// The URL this store was opened with (a second pool on the same database,
    /// as another server process would have, opens it again).
    pub fn url(&self) -> &str {
        &self.url
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
}
