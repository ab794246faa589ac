//! Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL database
//! created on the server named by `AFTERCARE_TEST_POSTGRES_URL` (default: the local
//! trust-auth server at 127.0.0.1:5432), so every test starts empty and tests can run
//! in parallel.

use crate::{Backend, Result, Store, StoreError};

pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database that lives as long as this value (the SQLite file's folder is removed
/// on drop; PostgreSQL test databases are named `aftercare_test_*` and dropped by
/// [`TestDatabase::cleanup`]).
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    _dir: Option<TempDir>,
    admin_url: Option<String>,
    name: Option<String>,
}

/// A private temporary folder without pulling a crate into the library's
/// dependencies for it.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = jiff::Timestamp::now().as_nanosecond();
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000_000, n)
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Result<TestDatabase> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("aftercare-test-{}", unique_suffix()));
                std::fs::create_dir_all(&dir).map_err(|e| {
                    StoreError::NotFound(format!("temp dir {}: {e}", dir.display()))
                })?;
                let url = format!("sqlite://{}", dir.join("aftercare.db").display());
                Ok(TestDatabase {
                    url,
                    backend,
                    _dir: Some(TempDir(dir)),
                    admin_url: None,
                    name: None,
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var("AFTERCARE_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.to_string());
                let name = format!("aftercare_test_{}", unique_suffix());
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                let url = replace_database(&admin_url, &name);
                Ok(TestDatabase {
                    url,
                    backend,
                    _dir: None,
                    admin_url: Some(admin_url),
                    name: Some(name),
                })
            }
        }
    }

    pub async fn store(&self) -> Result<Store> {
        Store::connect(&self.url).await
    }

    /// Drops a PostgreSQL test database (SQLite files go with the value).
    pub async fn cleanup(self) -> Result<()> {
        if let (Some(admin_url), Some(name)) = (&self.admin_url, &self.name) {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(admin_url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await?;
            conn.close().await?;
        }
        Ok(())
    }
}

/// Swaps the database name in a PostgreSQL URL, keeping any query string.
fn replace_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let mut out = match path_start {
        Some(i) => format!("{}/{db}", &base[..i]),
        None => format!("{base}/{db}"),
    };
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Store {
    /// One text column of a query, read raw: what a backup of the database holds
    /// (the journal's tests read its ciphertext this way).
    pub async fn raw_texts(&self, sql: &'static str) -> Result<Vec<String>> {
        Ok(crate::with_pool!(self, p => sqlx::query_scalar(sql).fetch_all(p).await)?)
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_name_is_swapped_and_query_kept() {
        assert_eq!(
            replace_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/postgres?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
