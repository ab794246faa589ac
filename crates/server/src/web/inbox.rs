//! `/inbox`: one's own messages and the pause control; `/pause/{token}`: the
//! one-click pause link every message carries. The link's GET only shows a
//! button and the POST pauses, so a mail scanner or link prefetcher that opens
//! the link does not pause anyone by accident.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde::Deserialize;

use aftercare_app::{AppError, notify};

use super::forms::act;
use super::{PageError, login_redirect, nav, notice_text, refused, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};
use crate::error::ApiError;

pub(super) struct Shown {
    title: String,
    body: String,
    link: Option<String>,
    when: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    csrf: String,
    nav_name: Option<String>,
    notice: Option<&'static str>,
    paused: bool,
    paused_until: Option<String>,
    messages: Vec<Shown>,
}

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn inbox_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    let (Ok(owner), Some(person)) = (v.owner(), v.person()) else {
        return Ok(refused(
            &v,
            "your inbox is yours alone: sign in as yourself to read it",
        ));
    };
    let tz = person.hours.time_zone.clone();
    let local = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%a %-d %b %Y, %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let messages = state
        .store
        .inbox(owner, crate::api::INBOX_LIMIT)
        .await?
        .into_iter()
        .map(|m| Shown {
            title: m.title,
            body: m.body,
            link: m.link,
            when: local(m.created_at),
            read: m.read_at.is_some(),
        })
        .collect();
    let pause = notify::current_pause(&state.store, &v).await?;
    let (csrf, nav_name) = nav(&v);
    Ok(render(&InboxPage {
        csrf,
        nav_name,
        notice: notice_text(q.notice.as_deref()),
        paused: pause.is_some(),
        paused_until: pause.and_then(|p| p.until).map(local),
        messages,
    }))
}

#[derive(Deserialize)]
pub(super) struct PauseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default, rename = "for")]
    span: String,
}

pub(super) async fn pause(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PauseForm>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/inbox", async |v| {
        let days = match form.span.as_str() {
            "forever" => None,
            "1d" => Some(1),
            "7d" => Some(7),
            "30d" => Some(30),
            _ => {
                return Err(AppError::invalid(
                    "for",
                    "choose a day, a week, 30 days or until you resume",
                ));
            }
        };
        let until = days.map(|d: i64| {
            jiff::Timestamp::now()
                .checked_add(jiff::SignedDuration::from_hours(24 * d))
                .unwrap_or(jiff::Timestamp::MAX)
        });
        notify::pause(&state.store, v, until).await?;
        Ok("/inbox?notice=paused".into())
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    act(&state, &headers, &form.csrf, "/inbox", async |v| {
        notify::resume(&state.store, v).await?;
        Ok("/inbox?notice=resumed".into())
    })
    .await
}

#[derive(Template)]
#[template(path = "pause.html")]
struct PauseLinkPage {
    csrf: String,
    nav_name: Option<String>,
    token: String,
    done: bool,
}

fn bad_link() -> PageError {
    PageError(ApiError::NotFound(
        "this pause link (pause from your inbox instead)".into(),
    ))
}

pub(super) async fn pause_link_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if notify::pause_token_person(&state.store, &token)
        .await?
        .is_none()
    {
        return Err(bad_link());
    }
    Ok(render(&PauseLinkPage {
        csrf: String::new(),
        nav_name: None,
        token,
        done: false,
    }))
}

pub(super) async fn pause_link_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    auth::check_same_site(&Method::POST, &headers)?;
    match notify::pause_by_token(&state.store, &token).await {
        Ok(_) => Ok(render(&PauseLinkPage {
            csrf: String::new(),
            nav_name: None,
            token: String::new(),
            done: true,
        })),
        Err(AppError::NotFound(_)) => Err(bad_link()),
        Err(e) => Err(e.into()),
    }
}
