//! Integrations: where a team's pages come from.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use aftercare_app::integrations::{self, CreateIntegration};
use aftercare_app::{Actor, AppError};
use aftercare_store::TeamId;
use aftercare_webhooks::Source;

use super::{PageError, login_redirect, nav, render};
use crate::AppState;
use crate::auth::{self, MaybeActor};

struct IntegrationRow {
    name: String,
    team: String,
    source: String,
    path: String,
    enabled: bool,
    last_delivery: String,
    last_error: String,
}

struct Created {
    name: String,
    path: String,
    secret: String,
    how: String,
}

#[derive(Template)]
#[template(path = "integrations.html")]
struct IntegrationsPage {
    csrf: String,
    nav_name: Option<String>,
    integrations: Vec<IntegrationRow>,
    teams: Vec<String>,
    sources: Vec<&'static str>,
    created: Option<Created>,
    error: Option<String>,
}

async fn integrations_view(
    state: &AppState,
    v: &Actor,
    created: Option<Created>,
    error: Option<String>,
) -> Result<IntegrationsPage, PageError> {
    let teams = state.store.list_teams().await?;
    let team_name = |id: TeamId| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let when = |t: Option<jiff::Timestamp>| {
        t.map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "never".into())
    };
    let integrations = integrations::list(&state.store, v)
        .await?
        .into_iter()
        .map(|i| IntegrationRow {
            team: team_name(i.team_id),
            last_delivery: when(i.last_delivery_at),
            last_error: match (&i.last_error, i.last_error_at) {
                (Some(e), at) => format!("{}: {e}", when(at)),
                _ => String::new(),
            },
            name: i.name,
            source: i.source,
            path: i.ingest_path,
            enabled: i.enabled,
        })
        .collect();
    let (csrf, nav_name) = nav(v);
    Ok(IntegrationsPage {
        csrf,
        nav_name,
        integrations,
        teams: teams
            .iter()
            .filter(|t| v.leads(t.id))
            .map(|t| t.name.clone())
            .collect(),
        sources: Source::ALL.iter().map(|s| s.as_str()).collect(),
        created,
        error,
    })
}

pub(super) async fn integrations_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    let Some(v) = actor else {
        return Ok(login_redirect());
    };
    Ok(render(&integrations_view(&state, &v, None, None).await?))
}

#[derive(Deserialize)]
pub(super) struct IntegrationForm {
    #[serde(default)]
    csrf: String,
    team: String,
    source: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    secret: String,
}

pub(super) async fn integrations_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<IntegrationForm>,
) -> Result<Response, PageError> {
    let Some(v) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    let input = CreateIntegration {
        team: form.team,
        source: form.source,
        name: Some(form.name),
        secret: Some(form.secret),
    };
    match integrations::create(&state.store, &v, &input).await {
        Ok(made) => {
            let created = Created {
                name: made.integration.name,
                path: made.integration.ingest_path,
                secret: made.secret,
                how: made.how_to_authenticate.to_string(),
            };
            Ok((
                StatusCode::CREATED,
                render(&integrations_view(&state, &v, Some(created), None).await?),
            )
                .into_response())
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_) | AppError::Forbidden(_))) => {
            let status = match e {
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            Ok((
                status,
                render(&integrations_view(&state, &v, None, Some(e.to_string())).await?),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
