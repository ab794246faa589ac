//! The one error type of the use-case layer. Every refusal says what was wrong in
//! words a person can act on; the HTTP and CLI shells only translate it.

use aftercare_store::StoreError;
use thiserror::Error;

use crate::validate::FieldError;

#[derive(Debug, Error)]
pub enum AppError {
    /// A field of the request is missing or has a value we cannot accept.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The input as a whole cannot be read (a calendar that does not parse).
    #[error("{0}")]
    Malformed(String),
    #[error("authentication required: send `Authorization: Bearer TOKEN` or sign in")]
    Unauthenticated,
    /// Too many failed sign-ins: wait this long.
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Something on our side; the detail goes to the log, not to the caller.
    #[error("internal error")]
    Internal(String),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => AppError::Conflict(format!("already exists: {what}")),
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Invalid(what) => AppError::Malformed(what),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid {
            field: e.field,
            reason: e.reason,
        }
    }
}
