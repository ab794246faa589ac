use thiserror::Error;

/// Everything the store can fail with. Unique-key clashes are told apart from other
/// database failures because callers answer them differently (409 rather than 500).
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "database URL {0:?} is not supported: use sqlite://PATH (or sqlite::memory:) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    #[error("{0} already exists")]
    Conflict(String),
    /// A value the database cannot hold as given.
    #[error("{0}")]
    Invalid(String),
    /// A stored row that no longer reads (for example a time zone a tzdata update
    /// removed): named, so an operator can fix the row.
    #[error("stored data does not read: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("database: {0}")]
    Database(#[source] sqlx::Error),
    /// A bulk import that could not finish (its writer stopped); nothing was imported.
    #[error("import: {0}")]
    Import(String),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return StoreError::Conflict(db.message().to_string());
        }
        StoreError::Database(e)
    }
}
