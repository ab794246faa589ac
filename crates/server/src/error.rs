//! The one error type of the HTTP boundary. Every refusal names what was wrong, and
//! the JSON shape is the same on every endpoint:
//! `{"error": {"code": "invalid", "field": "from", "message": "..."}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thiserror::Error;

use aftercare_app::AppError;
use aftercare_store::StoreError;

/// The body of every error answer, as sent (and as the OpenAPI document
/// describes it, from this same type).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// `invalid`, `malformed`, `unauthenticated`, `bad_signature`, `forbidden`,
    /// `not_found`, `conflict`, `throttled`, `too_large`, `timeout` or `internal`.
    pub code: String,
    /// The field that was wrong, for `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What was wrong, in words.
    pub message: String,
}

/// The error answers an operation may give, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
pub enum Refusals {
    /// A field is missing or wrong: the error names it and the reason.
    #[response(status = 400)]
    Invalid(#[to_schema] ErrorBody),
    /// No or unknown credentials.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// Not the caller's to see or change.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such thing (or not visible to the caller).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// It conflicts with what is stored (already exists, held by someone else).
    #[response(status = 409)]
    Conflict(ErrorBody),
}

#[derive(Debug, Error)]
pub enum ApiError {
    /// A field of the request is missing or has a value we cannot accept.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The body as a whole cannot be read (malformed JSON, a truncated webhook).
    #[error("{0}")]
    Malformed(String),
    #[error("authentication required: send `Authorization: Bearer TOKEN` or log in")]
    Unauthenticated,
    /// A webhook whose signature or shared secret does not check out.
    #[error("{0}")]
    BadSignature(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("request body too large: {0}")]
    TooLarge(String),
    #[error("request timed out")]
    Timeout,
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid { .. } | ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::BadSignature(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "invalid",
            ApiError::Malformed(_) => "malformed",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadSignature(_) => "bad_signature",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Throttled { .. } => "throttled",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Timeout => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid { field, reason } => ApiError::Invalid { field, reason },
            AppError::Malformed(m) => ApiError::Malformed(m),
            AppError::Unauthenticated => ApiError::Unauthenticated,
            AppError::Throttled { retry_after_secs } => ApiError::Throttled { retry_after_secs },
            AppError::Forbidden(m) => ApiError::Forbidden(m),
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::Internal(m) => ApiError::Internal(m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            // The detail goes to the log, not to the client.
            tracing::error!(error = %detail, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                field: match &self {
                    ApiError::Invalid { field, .. } => Some(field.clone()),
                    _ => None,
                },
                message: self.to_string(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if matches!(self, ApiError::Unauthenticated) {
            response.headers_mut().insert(
                "www-authenticate",
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        if let ApiError::Throttled { retry_after_secs } = &self
            && let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert("retry-after", v);
        }
        response
    }
}

/// JSON bodies are parsed by hand so a bad one gets our error shape, naming the
/// field serde could not read, instead of axum's plain-text rejection.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return Err(ApiError::Malformed(
            "body: empty; send a JSON object".into(),
        ));
    }
    // Every body is an object: serde would otherwise read a struct from an array
    // (`[null, null]` filling its first two optional fields), which no client means.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::Malformed(
            "body: not a JSON object; send one such as {\"name\": \"...\"}".into(),
        ));
    }
    serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let msg = e.to_string();
            // serde says "missing field `email` at line 1 column 2": lift the name out.
            let field = msg
                .split('`')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_else(|| "body".to_string());
            ApiError::invalid(field, msg)
        }
        _ => ApiError::Malformed(format!("body: not valid JSON ({e})")),
    })
}
