//! `/lens`: paste or type a review and see the blameful wording underlined as you type
//! (htmx posts the text after a pause and swaps the result in), each finding with its
//! reason and a rewrite, shown on hover and on keyboard focus. Without a script the form
//! posts and the page comes back with the result. The people directory's names feed the
//! blame-naming rule, as in `POST /api/v1/lens`.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use aftercare_app::Actor;
use aftercare_lens::Finding;

use super::{PageError, login_redirect, nav, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

/// The longest text the page checks (the API's limit too).
const MAX_TEXT: usize = 1 << 20;

/// A piece of the checked text: plain, or a finding's words.
pub(super) struct Piece {
    text: String,
    /// The finding's number in the list below, when this piece is one.
    finding: Option<usize>,
    /// Its reason and rewrite, shown on hover and focus.
    tip: String,
}

pub(super) struct Shown {
    rule: String,
    severity: String,
    matched: String,
    why: String,
    suggestion: String,
    line: usize,
}

#[derive(Template)]
#[template(path = "lens.html")]
struct LensPage {
    csrf: String,
    nav_name: Option<String>,
    text: String,
    /// The result, rendered (the same fragment htmx swaps in).
    result: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "lens_result.html")]
struct LensResult {
    pieces: Vec<Piece>,
    findings: Vec<Shown>,
}

/// Cuts `text` into plain pieces and findings' words. Findings are in text order; one that
/// overlaps an earlier one is listed but not underlined a second time.
fn pieces(text: &str, findings: &[Finding]) -> Vec<Piece> {
    // Char offsets of each line's start, once (linear in the text).
    let mut line_starts = vec![0usize];
    let mut chars = 0usize;
    for c in text.chars() {
        chars += 1;
        if c == '\n' {
            line_starts.push(chars);
        }
    }
    let at = |p: &aftercare_lens::Position| -> usize {
        line_starts
            .get(p.line.saturating_sub(1))
            .map_or(chars, |s| (s + p.column.saturating_sub(1)).min(chars))
    };
    let mut spans: Vec<(usize, usize, usize)> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (at(&f.start), at(&f.end), i))
        .filter(|(s, e, _)| s < e)
        .collect();
    spans.sort();
    let all: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut pos = 0usize;
    for (s, e, i) in spans {
        if s < pos {
            continue;
        }
        if s > pos {
            out.push(Piece {
                text: all[pos..s].iter().collect(),
                finding: None,
                tip: String::new(),
            });
        }
        let f = &findings[i];
        out.push(Piece {
            text: all[s..e].iter().collect(),
            finding: Some(i + 1),
            tip: format!("{}: {} Try: {}", f.rule, f.why, f.suggestion),
        });
        pos = e;
    }
    if pos < all.len() {
        out.push(Piece {
            text: all[pos..].iter().collect(),
            finding: None,
            tip: String::new(),
        });
    }
    out
}

async fn check(state: &AppState, actor: &Actor, text: &str) -> Result<LensResult, PageError> {
    let names: Vec<String> = aftercare_app::people::directory(&state.store, actor)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let findings = state.lens.check(text.to_string(), names).await;
    Ok(LensResult {
        pieces: pieces(text, &findings),
        findings: findings
            .into_iter()
            .map(|f| Shown {
                rule: f.rule.to_string(),
                severity: f.severity.to_string(),
                matched: f.matched,
                why: f.why,
                suggestion: f.suggestion,
                line: f.start.line,
            })
            .collect(),
    })
}

pub(super) async fn lens_page(
    State(_state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let (csrf, nav_name) = nav(&v);
    Ok(render(&LensPage {
        csrf,
        nav_name,
        text: String::new(),
        result: None,
        error: None,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LensForm {
    csrf: String,
    text: String,
}

/// The form: with htmx (`HX-Request`), only the result; without, the whole page.
pub(super) async fn lens_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LensForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let too_long = form.text.len() > MAX_TEXT;
    let result = if too_long {
        None
    } else {
        Some(check(&state, &v, &form.text).await?)
    };
    if headers.contains_key("hx-request") {
        return Ok(match result {
            Some(r) => render(&r),
            None => render(&LensResult {
                pieces: vec![],
                findings: vec![],
            }),
        });
    }
    let result =
        match result {
            Some(r) => Some(r.render().map_err(|e| {
                PageError(crate::error::ApiError::Internal(format!("template: {e}")))
            })?),
            None => None,
        };
    let (csrf, nav_name) = nav(&v);
    let mut page = render(&LensPage {
        csrf,
        nav_name,
        text: form.text,
        result,
        error: too_long.then(|| "The text must be at most 1 MiB.".to_string()),
    });
    if too_long {
        *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_text_and_mark_each_finding_once() {
        let text = "Intro line.\nThe outage was caused by human error, really.";
        let lens = aftercare_lens::Lens::default();
        let findings = lens.check(text);
        assert!(!findings.is_empty());
        let ps = pieces(text, &findings);
        let joined: String = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, text);
        assert!(
            ps.iter()
                .any(|p| p.finding.is_some() && p.text.contains("human error"))
        );
    }
}
