//! Server-rendered pages: askama templates, htmx vendored into the binary, no build
//! step. One module per area; each form calls the same use-case as the JSON API.

mod account;
mod calendar;
mod care;
mod cover;
mod drills;
mod feeds;
mod forms;
mod holidays;
mod inbox;
mod incidents;
mod integrations;
mod lens;
mod month;
mod newcomers;
mod org;
mod pages;
mod people;
mod period;
mod proposals;
mod rest;
mod rotations;
mod schedules;
mod sso;
mod teams;
mod time_off;
mod wakes;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use aftercare_app::{Actor, AppError};

use crate::auth::csrf_of;
use crate::error::ApiError;
use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .route("/", get(account::home))
        .route(
            "/setup",
            get(account::setup_page).post(account::setup_submit),
        )
        .route(
            "/login",
            get(account::login_page).post(account::login_submit),
        )
        .route("/logout", post(account::logout))
        .route("/login/oidc/start", get(sso::start))
        .route(aftercare_oidc::CALLBACK_PATH, get(sso::callback))
        .route(
            "/password/forgot",
            get(account::forgot_page).post(account::forgot_submit),
        )
        .route(
            "/password/{token}",
            get(account::password_page).post(account::password_submit),
        )
        .route(
            "/account",
            get(account::account_page).post(account::change_password),
        )
        .route("/me", get(account::me_page))
        .route("/inbox", get(inbox::inbox_page))
        .route("/inbox/pause", post(inbox::pause))
        .route("/inbox/resume", post(inbox::resume))
        .route(
            "/pause/{token}",
            get(inbox::pause_link_page).post(inbox::pause_link_submit),
        )
        .route("/checkins", get(care::checkins_page))
        .route("/checkins/{id}", get(care::checkin_page).post(care::answer))
        .route("/checkins/{id}/talk", post(care::talk))
        .route(
            "/journal",
            get(care::journal_page).post(care::journal_write),
        )
        .route("/journal/open", post(care::journal_open))
        .route("/journal/delete", post(care::journal_delete_all))
        .route("/journal/{id}/delete", post(care::journal_delete_entry))
        .route("/lens", get(lens::lens_page).post(lens::lens_check))
        .route("/support", get(care::support_page))
        .route("/support/volunteer", post(care::support_volunteer))
        .route("/support/decline", post(care::support_decline))
        .route(
            "/support/pairings/{id}/reached-out",
            post(care::support_reached_out),
        )
        .route("/support/resources", post(care::add_resource))
        .route(
            "/support/resources/{id}/delete",
            post(care::delete_resource),
        )
        .route(
            "/incidents/{id}/care",
            get(care::incident_care_page).post(care::mark_item),
        )
        .route("/teams/{id}/pulse", get(care::pulse_page))
        .route("/teams/{id}/care", post(care::save_care))
        .route("/people", get(people::people_page).post(people::add_person))
        .route("/people/{id}", get(people::person_page))
        .route("/people/{id}/pages", get(pages::pages_page))
        .route("/people/{id}/pages.csv", get(pages::pages_csv))
        .route("/people/{id}/settings", post(people::save_settings))
        .route("/people/{id}/identities", post(people::add_identity))
        .route(
            "/people/{id}/identities/remove",
            post(people::remove_identity),
        )
        .route("/people/{id}/invite", post(people::invite))
        .route("/people/{id}/deactivate", post(people::deactivate))
        .route("/people/{id}/reactivate", post(people::reactivate))
        .route(
            "/incidents",
            get(incidents::list_page).post(incidents::create),
        )
        .route("/incidents/{id}", get(incidents::detail_page))
        .route(
            "/incidents/{id}/participants",
            post(incidents::add_participant),
        )
        .route(
            "/incidents/{id}/participants/remove",
            post(incidents::remove_participant),
        )
        .route("/incidents/{id}/edit", post(incidents::edit))
        .route("/incidents/{id}/delete", post(incidents::delete))
        .route("/org", get(org::org_page))
        .route("/org/teams.csv", get(org::teams_csv))
        .route("/org/carriers.csv", get(org::carriers_csv))
        .route("/teams", get(teams::teams_page).post(teams::add_team))
        .route("/teams.csv", get(teams::teams_csv))
        .route("/teams/{id}", get(teams::team_page))
        .route("/teams/{id}/burden.csv", get(teams::burden_csv))
        .route("/teams/{id}/what-wakes", get(wakes::wakes_page))
        .route("/teams/{id}/what-wakes.csv", get(wakes::wakes_csv))
        .route("/teams/{id}/unattributed.csv", get(teams::unattributed_csv))
        .route("/teams/{id}/unattributed/claim", post(teams::claim))
        .route("/teams/{id}/members", post(teams::add_member))
        .route("/teams/{id}/members/remove", post(teams::remove_member))
        .route("/teams/{id}/answer", post(teams::answer))
        .route("/teams/{id}/rename", post(teams::rename))
        .route("/teams/{id}/delete", post(teams::delete))
        .route(
            "/teams/{id}/rotations",
            get(rotations::rotations_page).post(rotations::create),
        )
        .route(
            "/teams/{id}/schedules",
            get(schedules::schedules_page).post(schedules::create),
        )
        .route("/schedules/{id}", get(schedules::schedule_page))
        .route("/schedules/{id}/edit", post(schedules::edit))
        .route("/schedules/{id}/delete", post(schedules::delete))
        .route("/schedules/{id}/spans.csv", get(schedules::spans_csv))
        .route("/rest", get(rest::rest_page))
        .route("/rest/{id}", post(rest::set_taken))
        .route("/teams/{id}/rest-policy", post(rest::set_policy))
        .route(
            "/holidays",
            get(holidays::holidays_page).post(holidays::import),
        )
        .route("/holidays/{id}", get(holidays::calendar_page))
        .route("/holidays/{id}/replace", post(holidays::replace))
        .route("/holidays/{id}/delete", post(holidays::delete))
        .route(
            "/rotations/{id}/holidays",
            post(holidays::choose_for_rotation),
        )
        .route("/rotations/{id}", get(rotations::rotation_page))
        .route("/rotations/{id}/delete", post(rotations::delete))
        .route("/rotations/{id}/edit", post(rotations::edit))
        .route("/rotations/{id}/cover", post(cover::ask_cover))
        .route("/rotations/{id}/overrides", post(cover::add_override))
        .route("/rotations/{id}/import", post(cover::import_ical))
        .route("/rotations/{id}/proposals", post(proposals::propose))
        .route("/proposals/{id}", get(proposals::proposal_page))
        .route(
            "/time-off",
            get(time_off::time_off_page).post(time_off::add),
        )
        .route("/time-off/{id}/delete", post(time_off::delete))
        .route("/rotations/{id}/drills", post(drills::schedule))
        .route("/drills/{id}/held", post(drills::record))
        .route("/drills/{id}/delete", post(drills::delete))
        .route("/rotations/{id}/newcomers", post(newcomers::mark))
        .route("/newcomers/{id}/edit", post(newcomers::change))
        .route("/newcomers/{id}/delete", post(newcomers::remove))
        .route("/newcomers/{id}/shadow-shifts", post(newcomers::add_shadow))
        .route("/shadow-shifts/{id}/delete", post(newcomers::remove_shadow))
        .route("/feeds", get(feeds::feeds_page).post(feeds::create))
        .route("/feeds/{id}/delete", post(feeds::delete))
        .route("/ical/{token}", get(feeds::calendar))
        .route("/proposals/{id}/accept", post(proposals::accept))
        .route("/proposals/{id}/discard", post(proposals::discard))
        .route("/cover-requests/{id}/take", post(cover::take_cover))
        .route("/cover-requests/{id}/withdraw", post(cover::withdraw_cover))
        .route("/overrides/{id}/delete", post(cover::delete_override))
        .route(
            "/integrations",
            get(integrations::integrations_page).post(integrations::integrations_submit),
        )
        .route("/static/htmx.min.js", get(htmx_js))
        .route("/static/app.css", get(app_css))
        .route("/static/app.js", get(app_js))
        .fallback(not_found_page)
}

static HTMX: &str = include_str!("../../static/htmx.min.js");
static APP_JS: &str = include_str!("../../static/app.js");
static APP_CSS: &str = include_str!("../../static/app.css");

async fn htmx_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        HTMX,
    )
        .into_response()
}

async fn app_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_JS,
    )
        .into_response()
}

async fn app_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
        .into_response()
}

/// A CSV download: `text/csv` as RFC 4180 registers it, saved under `file_name`
/// (made of safe characters only by `aftercare_app::export::file_name`).
pub(crate) fn csv_response(file_name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            // Figures about people: never kept by a shared cache.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A page-level failure, rendered as a page rather than JSON.
pub struct PageError(pub(crate) ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<aftercare_store::StoreError> for PageError {
    fn from(e: aftercare_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let ApiError::Internal(detail) = &self.0 {
            tracing::error!(error = %detail, "page failed");
        }
        let message = match &self.0 {
            ApiError::Internal(_) => {
                "Something went wrong on our side. It has been logged.".to_string()
            }
            // The page's heading already says what kind of refusal this is.
            ApiError::Forbidden(reason) => sentence(reason),
            other => sentence(&other.to_string()),
        };
        let heading = match status {
            StatusCode::FORBIDDEN => "Not yours to see",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::BAD_REQUEST => "That did not work",
            _ => "Sorry",
        };
        let page = MessagePage {
            csrf: String::new(),
            nav_name: None,
            heading: heading.into(),
            message,
            back: "/".into(),
        };
        (status, render(&page)).into_response()
    }
}

/// A message as a sentence: capital first letter, full stop.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A refusal for a logged-in viewer: the same 403, but with the navigation, so
/// they can go on from here or log out.
pub(crate) fn refused(v: &Actor, reason: &str) -> Response {
    let (csrf, nav_name) = nav(v);
    let page = MessagePage {
        csrf,
        nav_name,
        heading: "Not yours to see".into(),
        message: sentence(reason),
        back: "/".into(),
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

pub(crate) fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub csrf: String,
    pub nav_name: Option<String>,
    pub heading: String,
    pub message: String,
    pub back: String,
}

pub(crate) fn nav(v: &Actor) -> (String, Option<String>) {
    let name = v
        .person()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "admin token".into());
    (csrf_of(v), Some(name))
}

pub(crate) fn login_redirect() -> Response {
    Redirect::to("/login").into_response()
}

/// A real page for a path that is not one.
async fn not_found_page() -> Response {
    PageError(ApiError::NotFound(
        "this page (check the address, or go back to your own page)".into(),
    ))
    .into_response()
}

/// The fixed texts a redirect may ask a page to show: a code in the URL, never
/// text, so nobody can put words on our pages with a crafted link.
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some("Saved. Your figures now follow your new hours."),
        "identity-saved" => Some("Identity linked: pages naming it will land on this person."),
        "identity-removed" => Some("Identity removed."),
        "person-added" => Some("Person added."),
        "team-added" => Some("Team created."),
        "team-renamed" => Some("Team renamed."),
        "team-deleted" => Some("Team deleted. Its members' pages stay in their own history."),
        "member-saved" => Some("Member saved."),
        "member-proposed" => {
            Some("Invitation sent: they join once they accept it on their own page.")
        }
        "member-removed" => Some("Member removed."),
        "incident-added" => {
            Some("Incident made. You are its incident lead: add the others involved.")
        }
        "incident-saved" => Some("Incident saved."),
        "incident-deleted" => Some("Incident deleted. Its pages stay in each person's history."),
        "participant-added" => Some("Added to the incident."),
        "participant-removed" => Some("Removed from the incident."),
        "claimed" => Some(
            "Attributed: the sender's identity is linked, and every page from it now counts for that person.",
        ),
        "joined" => Some("You joined the team."),
        "declined" => Some("Invitation declined."),
        "password-changed" => Some("Password changed. Your other sessions have been signed out."),
        "deactivated" => Some("Deactivated: their sessions and tokens have ended."),
        "reactivated" => Some("Reactivated."),
        "checkin-answered" => Some("Saved. Only you can see your answers."),
        "checkin-skipped" => Some("Skipped. Nothing was recorded but that."),
        "journal-saved" => Some("Sealed and saved. Only your passphrase opens it."),
        "journal-entry-deleted" => Some("Entry deleted."),
        "journal-deleted" => Some("Your journal is deleted: every entry and its key."),
        "support-saved" => Some("Saved."),
        "reached-out" => Some("Marked: thank you for reaching out. No reminder will follow."),
        "resource-added" => Some("Support resource added."),
        "resource-deleted" => Some("Support resource removed."),
        "checklist-saved" => Some("Saved."),
        "care-saved" => {
            Some("Check-in settings saved: they apply to incidents that resolve from now on.")
        }
        "paused" => {
            Some("Paused: nothing is sent to you until then, and nothing held back arrives later.")
        }
        "resumed" => Some("Resumed. What came due while you were paused will not be sent."),
        _ => None,
    }
}
