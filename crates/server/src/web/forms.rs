//! What every form post shares: the actor from the session and CSRF field, the
//! use-case run, then a redirect on success (post/redirect/get) or the refusal
//! shown with the field and the reason.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use aftercare_app::{Actor, AppError};

use super::{MessagePage, PageError, login_redirect, nav, render};
use crate::AppState;
use crate::auth;
use crate::error::ApiError;

/// A refused form: the field and the reason, and a way back to the form.
pub(crate) fn refusal(actor: &Actor, e: &ApiError, back: &str) -> Response {
    let (csrf, nav_name) = nav(actor);
    let page = MessagePage {
        csrf,
        nav_name,
        heading: "That was not saved".into(),
        // The field's own name stays as the form and API spell it.
        message: e.to_string(),
        back: back.to_string(),
    };
    (e.status(), render(&page)).into_response()
}

/// Runs a form's action for a signed-in actor: redirects to what the action
/// returns on success, shows the refusal on a client error, and passes server
/// errors on.
pub(crate) async fn act<F>(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    back: &str,
    action: F,
) -> Result<Response, PageError>
where
    F: AsyncFnOnce(&Actor) -> Result<String, AppError>,
{
    let Some(actor) = auth::form_actor(state, headers, csrf).await? else {
        return Ok(login_redirect());
    };
    match action(&actor).await {
        Ok(done) => Ok(Redirect::to(&done).into_response()),
        Err(e @ AppError::Internal(_)) => Err(e.into()),
        Err(e) => Ok(refusal(&actor, &e.into(), back)),
    }
}

/// A form that carries nothing but its CSRF token (a button: take, accept, delete).
#[derive(serde::Deserialize)]
pub(crate) struct CsrfOnly {
    #[serde(default)]
    pub(crate) csrf: String,
}

/// A page shown after a form (e.g. an invite link to copy), with a 200.
pub(crate) fn shown<T: Template>(page: &T) -> Response {
    (StatusCode::OK, render(page)).into_response()
}

/// What a refused form needs to show the error beside its field: which form on
/// the page, which field (if the error names one the form has), and the
/// message in plain words.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormState {
    form: &'static str,
    field: Option<String>,
    message: String,
}

/// Escapes text for HTML: the notes below are built here, not in a template.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl FormState {
    /// No error: every field shows as it is.
    pub(crate) fn none() -> FormState {
        FormState::default()
    }

    /// An error for `form`, put beside the field it names when the form has that
    /// field (`fields` pairs each name with its label), else above the form.
    /// A conflict says its field as a "field: reason" prefix, as the use-cases
    /// write it.
    pub(crate) fn from_error(
        form: &'static str,
        e: &AppError,
        fields: &[(&str, &str)],
    ) -> FormState {
        let (field, reason) = match e {
            AppError::Invalid { field, reason } => (Some(field.clone()), reason.clone()),
            AppError::Conflict(text) | AppError::Malformed(text) => match text.split_once(": ") {
                Some((f, rest)) if fields.iter().any(|(name, _)| *name == f) => {
                    (Some(f.to_string()), rest.to_string())
                }
                _ => (None, text.clone()),
            },
            other => (None, other.to_string()),
        };
        let known = field
            .as_deref()
            .and_then(|f| fields.iter().find(|(name, _)| *name == f));
        // "is required" reads as a sentence only with the field's label before it.
        let message = match known {
            Some((_, label)) if reason.starts_with("is ") || reason.starts_with("must ") => {
                format!("{label} {reason}")
            }
            _ => reason,
        };
        FormState {
            form,
            field: known.map(|(name, _)| name.to_string()),
            message: super::sentence(&message),
        }
    }

    pub(crate) fn failed(&self) -> bool {
        !self.form.is_empty()
    }

    fn on(&self, form: &str, field: &str) -> bool {
        self.form == form && self.field.as_deref() == Some(field)
    }

    fn id(form: &str, field: &str) -> String {
        format!("{form}-{field}-error")
    }

    /// The attributes for a field's input: ` aria-invalid="true"
    /// aria-describedby="…"` when the error is about it. Names are ours, never input.
    pub fn attrs(&self, form: &str, field: &str) -> String {
        if self.on(form, field) {
            format!(
                " aria-invalid=\"true\" aria-describedby=\"{}\"",
                Self::id(form, field)
            )
        } else {
            String::new()
        }
    }

    /// The error beside a field, escaped; empty when the field is fine.
    pub fn note(&self, form: &str, field: &str) -> String {
        if self.on(form, field) {
            format!(
                "<span class=\"field-error\" id=\"{}\">{}</span>",
                Self::id(form, field),
                escape(&self.message)
            )
        } else {
            String::new()
        }
    }

    /// An error of this form that names no field of it: shown above the form.
    pub fn general(&self, form: &str) -> String {
        if self.form == form && self.field.is_none() {
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>",
                escape(&self.message)
            )
        } else {
            String::new()
        }
    }
}

/// Runs a form's action like [`act`], but shows a refused value again on the
/// form's own page, beside its field, with what was typed kept (`reshow`
/// renders that page). Refusals of access still get the refusal page.
pub(crate) async fn act_inline<F, R>(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    back: &str,
    action: F,
    reshow: R,
) -> Result<Response, PageError>
where
    F: AsyncFnOnce(&Actor) -> Result<String, AppError>,
    R: AsyncFnOnce(&Actor, AppError) -> Result<Response, PageError>,
{
    let Some(actor) = auth::form_actor(state, headers, csrf).await? else {
        return Ok(login_redirect());
    };
    match action(&actor).await {
        Ok(done) => Ok(Redirect::to(&done).into_response()),
        Err(e @ AppError::Internal(_)) => Err(e.into()),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_) | AppError::Malformed(_))) => {
            let mut page = reshow(&actor, e).await?;
            *page.status_mut() = StatusCode::BAD_REQUEST;
            Ok(page)
        }
        Err(e) => Ok(refusal(&actor, &e.into(), back)),
    }
}
