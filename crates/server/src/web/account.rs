//! Signing in and one's own account: first-run setup, sign-in (throttled, and
//! refusing cross-site posts), sign-out, choosing a password from an invite or
//! reset link, and changing one's password.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use aftercare_app::validate::{self, PersonInput};
use aftercare_app::{AppError, accounts};
use aftercare_store::PasswordPurpose;

use super::{PageError, login_redirect, nav, notice_text, render};
use crate::AppState;
use crate::auth::{
    self, LOGIN_COOKIE, MaybeActor, Peer, check_same_site, client_address, constant_time_eq,
    cookie_value,
};
use crate::error::ApiError;

pub(super) fn signed_in(state: &AppState, session: &accounts::NewSession, to: &str) -> Response {
    (
        [(
            header::SET_COOKIE,
            auth::session_cookie(&session.cookie, state.config.secure_cookies),
        )],
        Redirect::to(to),
    )
        .into_response()
}

pub(super) async fn home(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    if !state.store.has_admin().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    Ok(match actor {
        None => login_redirect(),
        // The lead of one team lands on it; everyone else on their own figures.
        Some(a) if a.led_teams().len() == 1 && !a.is_admin() => {
            Redirect::to(&format!("/teams/{}", a.led_teams()[0])).into_response()
        }
        Some(a) if a.person().is_some() && !a.is_admin() => Redirect::to("/me").into_response(),
        Some(_) => Redirect::to("/teams").into_response(),
    })
}

pub(super) async fn me_page(MaybeActor(actor): MaybeActor) -> Response {
    match actor.as_ref().and_then(|a| a.person_id()) {
        Some(id) => Redirect::to(&format!("/people/{id}")).into_response(),
        None if actor.is_some() => Redirect::to("/teams").into_response(),
        None => login_redirect(),
    }
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    csrf: String,
    nav_name: Option<String>,
    error: Option<String>,
    name: String,
    email: String,
    time_zone: String,
    zones: &'static [String],
}

pub(super) async fn setup_page(State(state): State<AppState>) -> Result<Response, PageError> {
    if state.store.has_admin().await? {
        return Ok(login_redirect());
    }
    Ok(render(&SetupPage {
        csrf: String::new(),
        nav_name: None,
        error: None,
        name: String::new(),
        email: String::new(),
        time_zone: "UTC".into(),
        zones: validate::time_zone_names(),
    }))
}

#[derive(Deserialize)]
pub(super) struct SetupForm {
    name: String,
    email: String,
    time_zone: String,
    password: String,
}

pub(super) async fn setup_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    check_same_site(&axum::http::Method::POST, &headers)?;
    let input = PersonInput {
        name: form.name.clone(),
        email: form.email.clone(),
        time_zone: form.time_zone.clone(),
        ..Default::default()
    };
    let result = async {
        let new = validate::person(&input)?;
        accounts::first_admin(&state.store, &new, &form.password).await
    }
    .await;
    match result {
        Ok(session) => Ok(signed_in(&state, &session, "/teams")),
        Err(AppError::Forbidden(m)) => Err(ApiError::Forbidden(m).into()),
        Err(e @ AppError::Internal(_)) => Err(e.into()),
        Err(e) => {
            let page = SetupPage {
                csrf: String::new(),
                nav_name: None,
                error: Some(e.to_string()),
                name: form.name,
                email: form.email,
                time_zone: form.time_zone,
                zones: validate::time_zone_names(),
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    nav_name: Option<String>,
    error: Option<String>,
    email: String,
    login_csrf: String,
    /// An OpenID provider is configured: offer single sign-on.
    sso: bool,
    /// A mail server is configured: offer a reset by email.
    can_reset: bool,
}

/// The sign-in page, with a fresh login-CSRF pair (cookie and hidden field).
pub(super) fn login_page_with(
    state: &AppState,
    status: StatusCode,
    error: Option<String>,
    email: String,
) -> Response {
    let token = aftercare_app::passwords::random_hex(16);
    let page = LoginPage {
        csrf: String::new(),
        nav_name: None,
        error,
        email,
        login_csrf: token.clone(),
        sso: state.oidc.is_some(),
        can_reset: state.mailer.is_some(),
    };
    (
        status,
        [(
            header::SET_COOKIE,
            auth::login_cookie(&token, state.config.secure_cookies),
        )],
        render(&page),
    )
        .into_response()
}

pub(super) async fn login_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
) -> Result<Response, PageError> {
    // Before first-run setup the way in is /setup, unless someone already has a
    // password (an invite made on the command line).
    if !state.store.has_admin().await? && state.store.people_with_password().await?.is_empty() {
        return Ok(Redirect::to("/setup").into_response());
    }
    if actor.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(login_page_with(&state, StatusCode::OK, None, String::new()))
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    login_csrf: String,
}

pub(super) async fn login_submit(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    // Login CSRF: a sign-in posted from another site (which would sign the victim
    // into the attacker's account) carries neither our same-site headers nor the
    // cookie-and-field pair the sign-in page set.
    check_same_site(&axum::http::Method::POST, &headers)?;
    let cookie = cookie_value(&headers, LOGIN_COOKIE).unwrap_or("");
    if cookie.is_empty() || !constant_time_eq(cookie.as_bytes(), form.login_csrf.as_bytes()) {
        return Ok(login_page_with(
            &state,
            StatusCode::FORBIDDEN,
            Some("This sign-in form had expired. Please sign in again.".into()),
            form.email,
        ));
    }
    let address = client_address(&headers, peer, state.config.trust_proxy);
    match accounts::sign_in(&state.store, &form.email, &form.password, &address).await {
        Ok(session) => Ok(signed_in(&state, &session, "/")),
        Err(AppError::Throttled { retry_after_secs }) => Ok(login_page_with(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some(format!(
                "Too many failed sign-ins. Please wait {} minutes and try again.",
                retry_after_secs.div_ceil(60)
            )),
            form.email,
        )),
        Err(AppError::Unauthenticated) => Ok(login_page_with(
            &state,
            StatusCode::UNAUTHORIZED,
            // One message for an unknown email and a wrong password, so the form
            // does not tell who has an account.
            Some("That email and password do not match an account.".into()),
            form.email,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    // Signing out with a session or token that has already ended still ends on
    // the sign-in page, with the cookie cleared.
    if let Ok(Some(actor)) = auth::form_actor(&state, &headers, &form.csrf).await {
        accounts::sign_out(&state.store, &actor).await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            auth::clear_cookie(state.config.secure_cookies),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    csrf: String,
    nav_name: Option<String>,
    token: String,
    invite: bool,
    name: String,
    email: String,
    error: Option<String>,
}

async fn password_view(
    state: &AppState,
    token: &str,
    error: Option<String>,
) -> Result<PasswordPage, PageError> {
    let link = accounts::link(&state.store, token).await?;
    Ok(PasswordPage {
        csrf: String::new(),
        nav_name: None,
        token: token.to_string(),
        invite: link.purpose == PasswordPurpose::Invite,
        name: link.person.name,
        email: link.person.email,
        error,
    })
}

pub(super) async fn password_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(&password_view(&state, &token, None).await?))
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    password: String,
}

pub(super) async fn password_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    check_same_site(&axum::http::Method::POST, &headers)?;
    match accounts::set_password_with_link(&state.store, &token, &form.password).await {
        Ok(session) => Ok(signed_in(&state, &session, "/me")),
        Err(AppError::Invalid { reason, .. }) => {
            let page = password_view(
                &state,
                &token,
                Some(super::sentence(&format!("Password {reason}"))),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    csrf: String,
    nav_name: Option<String>,
    email: String,
    notice: Option<&'static str>,
    pending: Vec<(i64, String)>,
    error: String,
    error_field: String,
}

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

async fn account_view(
    state: &AppState,
    actor: &aftercare_app::Actor,
    notice: Option<&'static str>,
    error: Option<(String, String)>,
) -> Result<AccountPage, PageError> {
    let (csrf, nav_name) = nav(actor);
    let pending = match actor.person_id() {
        Some(id) => state
            .store
            .pending_memberships(id)
            .await?
            .into_iter()
            .map(|p| (p.team.id.0, p.team.name))
            .collect(),
        None => vec![],
    };
    let (error_field, error) = error.unwrap_or_default();
    Ok(AccountPage {
        csrf,
        nav_name,
        email: actor
            .person()
            .map(|p| p.email.clone())
            .unwrap_or_else(|| "an admin token".into()),
        notice,
        pending,
        error,
        error_field,
    })
}

pub(super) async fn account_page(
    State(state): State<AppState>,
    MaybeActor(actor): MaybeActor,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let Some(actor) = actor else {
        return Ok(login_redirect());
    };
    Ok(render(
        &account_view(&state, &actor, notice_text(q.notice.as_deref()), None).await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct ChangePasswordForm {
    #[serde(default)]
    csrf: String,
    current_password: String,
    new_password: String,
}

pub(super) async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, PageError> {
    let Some(actor) = auth::form_actor(&state, &headers, &form.csrf).await? else {
        return Ok(login_redirect());
    };
    match accounts::change_password(
        &state.store,
        &actor,
        &form.current_password,
        &form.new_password,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account?notice=password-changed").into_response()),
        Err(AppError::Invalid { field, reason }) => {
            let label = if field == "current_password" {
                "That"
            } else {
                "The new password"
            };
            let page = account_view(
                &state,
                &actor,
                None,
                Some((field, super::sentence(&format!("{label} {reason}")))),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    csrf: String,
    nav_name: Option<String>,
    can_reset: bool,
    sent: bool,
    email: String,
    error: Option<String>,
}

pub(super) async fn forgot_page(State(state): State<AppState>) -> Response {
    render(&ForgotPage {
        csrf: String::new(),
        nav_name: None,
        can_reset: state.mailer.is_some(),
        sent: false,
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub(super) async fn forgot_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> Result<Response, PageError> {
    check_same_site(&axum::http::Method::POST, &headers)?;
    let Some(mailer) = state.mailer.as_ref() else {
        return Ok(forgot_page(State(state)).await);
    };
    let page = |sent, error, status| {
        (
            status,
            render(&ForgotPage {
                csrf: String::new(),
                nav_name: None,
                can_reset: true,
                sent,
                email: form.email.clone(),
                error,
            }),
        )
            .into_response()
    };
    match aftercare_app::mail::request_reset(
        &state.store,
        mailer,
        &state.config.public_url,
        &form.email,
    )
    .await
    {
        // The same page whether or not the address has an account.
        Ok(_) => Ok(page(true, None, StatusCode::OK)),
        Err(AppError::Invalid { reason, .. }) => Ok(page(
            false,
            Some(super::sentence(&format!("Email {reason}"))),
            StatusCode::BAD_REQUEST,
        )),
        Err(e) => Err(e.into()),
    }
}
