//! Care after incidents: one's own check-ins, trend, journal, peer support and lead
//! checklists (`/me/...`, owner only), the organisation's support resources, a
//! team's care settings and pulse, and a person's record.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;

use aftercare_app::care::{self, CareSettings, CareSettingsChange, MeasureSummary};
use aftercare_app::checkins::{
    self, CheckinReply, CheckinView, MeasureTrend, TalkAnswer, TalkRequest,
};
use aftercare_app::journal::{self, Entry, JournalGuide, NewEntry};
use aftercare_app::pulse::{self, PulseView};
use aftercare_app::record::{self, Record};
use aftercare_app::support::{self, Checklist, PairingView, SupportOverview};
use aftercare_store::{
    CheckinId, IncidentId, JournalEntryId, PairingId, PersonId, SupportResource, SupportResourceId,
    TeamId,
};

use super::{Ids, PeriodQuery, Q};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, Refusals, parse_json};

// ---- check-ins

#[utoipa::path(get, path = "/me/checkins", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = Vec<CheckinView>), Refusals))]
/// One's own check-ins, the most recently due first. Owner only.
pub async fn list_checkins(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<CheckinView>>, ApiError> {
    Ok(Json(checkins::list(&state.store, &actor).await?))
}

#[utoipa::path(get, path = "/me/checkins/{id}", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The check-in's id")),
    responses((status = 200, body = CheckinView), Refusals))]
/// One of one's own check-ins, with its measures.
pub async fn get_checkin(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<CheckinId>,
) -> Result<Json<CheckinView>, ApiError> {
    Ok(Json(checkins::get(&state.store, &actor, id).await?))
}

#[utoipa::path(post, path = "/me/checkins/{id}", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The check-in's id")),
    request_body = CheckinReply,
    responses((status = 200, body = CheckinView), Refusals))]
/// Answer (`{"answers": {measure: {item: value}}}`) or skip (`{"skip": true}`) one's check-in.
pub async fn reply_checkin(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<CheckinId>,
    body: Bytes,
) -> Result<Json<CheckinView>, ApiError> {
    let reply: CheckinReply = parse_json(&body)?;
    Ok(Json(
        checkins::reply(&state.store, &actor, id, &reply).await?,
    ))
}

#[utoipa::path(post, path = "/me/checkins/{id}/talk", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The check-in's id")),
    request_body = TalkRequest,
    responses((status = 200, body = TalkAnswer), Refusals))]
/// Ask to talk to someone: one's peer supporter, or see the professional support.
pub async fn talk(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<CheckinId>,
    body: Bytes,
) -> Result<Json<TalkAnswer>, ApiError> {
    let req: TalkRequest = parse_json(&body)?;
    Ok(Json(
        checkins::ask_to_talk(&state.store, &actor, id, &req).await?,
    ))
}

#[utoipa::path(get, path = "/me/trends", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = Vec<MeasureTrend>), Refusals))]
/// One's own trend on each measure over incidents, in plain words.
pub async fn trends(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MeasureTrend>>, ApiError> {
    Ok(Json(checkins::trends(&state.store, &actor).await?))
}

// ---- journal

/// The header that carries the passphrase to read one's journal.
pub const PASSPHRASE_HEADER: &str = "x-journal-passphrase";

#[utoipa::path(get, path = "/me/journal", tag = "care", security(("bearer" = [])),
    params(("X-Journal-Passphrase" = String, Header, description = "Your journal's passphrase; used for this request only")),
    responses((status = 200, body = Vec<Entry>), Refusals))]
/// One's journal entries, opened with the passphrase, newest first.
pub async fn read_journal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
) -> Result<Json<Vec<Entry>>, ApiError> {
    // Whose journal first: nobody else learns what this endpoint wants.
    actor.owner()?;
    let pass = headers
        .get(PASSPHRASE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::invalid(
                "passphrase",
                "send it in the X-Journal-Passphrase header (or POST it to /api/v1/me/journal/open)",
            )
        })?;
    Ok(Json(journal::read(&state.store, &actor, pass).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassphraseBody {
    pub passphrase: String,
}

#[utoipa::path(post, path = "/me/journal/open", tag = "care", security(("bearer" = [])),
    request_body = PassphraseBody,
    responses((status = 200, body = Vec<Entry>), Refusals))]
/// One's journal entries, with the passphrase in the body.
pub async fn open_journal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<Vec<Entry>>, ApiError> {
    let b: PassphraseBody = parse_json(&body)?;
    Ok(Json(
        journal::read(&state.store, &actor, &b.passphrase).await?,
    ))
}

#[utoipa::path(get, path = "/me/journal/guide", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = JournalGuide), Refusals))]
/// The journal's prompts, their source, and whether one has started a journal.
pub async fn journal_guide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<JournalGuide>, ApiError> {
    Ok(Json(journal::guide(&state.store, &actor).await?))
}

#[utoipa::path(post, path = "/me/journal", tag = "care", security(("bearer" = [])),
    request_body = NewEntry,
    responses((status = 201, body = Entry), Refusals))]
/// Write an entry; the first one starts the journal with this passphrase.
pub async fn write_journal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<Entry>), ApiError> {
    let new: NewEntry = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(journal::write(&state.store, &actor, &new).await?),
    ))
}

#[utoipa::path(delete, path = "/me/journal", tag = "care", security(("bearer" = [])),
    responses((status = 204, description = "Every entry and the key deleted"), Refusals))]
/// Delete one's whole journal.
pub async fn delete_journal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<StatusCode, ApiError> {
    journal::delete_all(&state.store, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/me/journal/{id}", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Delete one entry of one's journal.
pub async fn delete_entry(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<JournalEntryId>,
) -> Result<StatusCode, ApiError> {
    journal::delete_entry(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/me/journal/export", tag = "care", security(("bearer" = [])),
    request_body = PassphraseBody,
    responses((status = 200, body = String, content_type = "text/markdown"), Refusals))]
/// One's whole journal as Markdown.
pub async fn export_journal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<([(axum::http::HeaderName, &'static str); 2], String), ApiError> {
    let b: PassphraseBody = parse_json(&body)?;
    let text = journal::export_markdown(&state.store, &actor, &b.passphrase).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/markdown; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"aftercare-journal.md\"",
            ),
        ],
        text,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassphrase {
    pub passphrase: String,
    pub new_passphrase: String,
}

#[utoipa::path(post, path = "/me/journal/passphrase", tag = "care", security(("bearer" = [])),
    request_body = NewPassphrase,
    responses((status = 204, description = "Changed; entries unchanged"), Refusals))]
/// Change one's journal passphrase (the entries stay as they are).
pub async fn change_passphrase(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let b: NewPassphrase = parse_json(&body)?;
    journal::change_passphrase(&state.store, &actor, &b.passphrase, &b.new_passphrase).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- peer support and the lead's checklist

#[utoipa::path(get, path = "/me/support", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = SupportOverview), Refusals))]
/// One's side of peer support: volunteering, whom one supports, who supports one.
pub async fn support_overview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<SupportOverview>, ApiError> {
    Ok(Json(support::overview(&state.store, &actor).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportChoices {
    /// Volunteer as a peer supporter (or stop).
    pub volunteering: Option<bool>,
    /// Decline being paired with a supporter after incidents (or accept again).
    pub declines_pairing: Option<bool>,
}

#[utoipa::path(put, path = "/me/support", tag = "care", security(("bearer" = [])),
    request_body = SupportChoices,
    responses((status = 200, body = SupportOverview), Refusals))]
/// Change one's peer-support choices.
pub async fn set_support(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<SupportOverview>, ApiError> {
    let b: SupportChoices = parse_json(&body)?;
    actor.owner()?;
    if let Some(v) = b.volunteering {
        support::volunteer(&state.store, &actor, v).await?;
    }
    if let Some(d) = b.declines_pairing {
        support::decline_pairing(&state.store, &actor, d).await?;
    }
    Ok(Json(support::overview(&state.store, &actor).await?))
}

#[utoipa::path(post, path = "/me/support/pairings/{id}/reached-out", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The pairing's id")),
    responses((status = 200, body = PairingView), Refusals))]
/// As the supporter: mark that one reached out (the reminder is then not sent).
pub async fn reached_out(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PairingId>,
) -> Result<Json<PairingView>, ApiError> {
    Ok(Json(support::reached_out(&state.store, &actor, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChecklistQuery {
    /// Only this incident's checklist.
    pub incident: Option<IncidentId>,
}

#[utoipa::path(get, path = "/me/checklists", tag = "care", security(("bearer" = [])),
    params(ChecklistQuery),
    responses((status = 200, body = Vec<Checklist>), Refusals))]
/// One's own checklists as a lead after incidents, newest first.
pub async fn checklists(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Q(q): Q<ChecklistQuery>,
) -> Result<Json<Vec<Checklist>>, ApiError> {
    Ok(Json(
        support::checklists(&state.store, &actor, q.incident).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistMark {
    pub item: String,
    pub done: bool,
}

#[utoipa::path(post, path = "/me/checklists/{id}", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The incident's id")),
    request_body = ChecklistMark,
    responses((status = 204, description = "Marked"), Refusals))]
/// Mark an item of one's checklist for an incident done (or not).
pub async fn mark_checklist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<IncidentId>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let b: ChecklistMark = parse_json(&body)?;
    support::mark_item(&state.store, &actor, id, &b.item, b.done).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- professional support resources

#[utoipa::path(get, path = "/support-resources", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = Vec<SupportResource>), Refusals))]
/// The organisation's professional support (employee assistance, counselling).
pub async fn list_resources(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SupportResource>>, ApiError> {
    Ok(Json(support::resources(&state.store, &actor).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResource {
    pub name: String,
    /// A phone number, address or link.
    pub contact: String,
    #[serde(default)]
    pub description: String,
}

#[utoipa::path(post, path = "/support-resources", tag = "care", security(("bearer" = [])),
    request_body = NewResource,
    responses((status = 201, body = SupportResource), Refusals))]
/// Add a professional support resource (admins).
pub async fn add_resource(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<(StatusCode, Json<SupportResource>), ApiError> {
    let b: NewResource = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(
            support::add_resource(&state.store, &actor, &b.name, &b.contact, &b.description)
                .await?,
        ),
    ))
}

#[utoipa::path(delete, path = "/support-resources/{id}", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The resource's id")),
    responses((status = 204, description = "Deleted"), Refusals))]
/// Remove a professional support resource (admins).
pub async fn delete_resource(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<SupportResourceId>,
) -> Result<StatusCode, ApiError> {
    support::delete_resource(&state.store, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- a team's care settings, measures and pulse

#[utoipa::path(get, path = "/teams/{id}/care", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    responses((status = 200, body = CareSettings), Refusals))]
/// The team's care settings: check-ins on or off, their offsets, the measures asked.
pub async fn get_care(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
) -> Result<Json<CareSettings>, ApiError> {
    Ok(Json(care::settings(&state.store, &actor, id).await?))
}

#[utoipa::path(patch, path = "/teams/{id}/care", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body = CareSettingsChange,
    responses((status = 200, body = CareSettings), Refusals))]
/// Change the team's care settings (its leads, admins).
pub async fn set_care(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<Json<CareSettings>, ApiError> {
    let change: CareSettingsChange = parse_json(&body)?;
    Ok(Json(
        care::change_settings(&state.store, &actor, id, &change).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureBody {
    /// The measure's file (TOML), in the format of the shipped ones.
    pub source: String,
}

#[utoipa::path(post, path = "/teams/{id}/measures", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body = MeasureBody,
    responses((status = 201, body = MeasureSummary), Refusals))]
/// Add the team's own measure (its leads, admins).
pub async fn add_measure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<(StatusCode, Json<MeasureSummary>), ApiError> {
    let b: MeasureBody = parse_json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(care::add_measure(&state.store, &actor, id, &b.source).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRef {
    pub id: String,
}

#[utoipa::path(delete, path = "/teams/{id}/measures", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id")),
    request_body = MeasureRef,
    responses((status = 204, description = "Removed"), Refusals))]
/// Remove one of the team's own measures (its leads, admins).
pub async fn remove_measure(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let b: MeasureRef = parse_json(&body)?;
    care::remove_measure(&state.store, &actor, id, &b.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/teams/{id}/pulse", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The team's id"), PeriodQuery),
    responses((status = 200, body = PulseView), Refusals))]
/// The team's pulse after incidents, in aggregate only; figures from fewer than 5 people are withheld.
pub async fn team_pulse(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<TeamId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<PulseView>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        pulse::team_pulse(&state.store, &actor, id, period).await?,
    ))
}

#[utoipa::path(get, path = "/people/{id}/record", tag = "care", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The person's id"), PeriodQuery),
    responses((status = 200, body = Record), Refusals))]
/// A person's record in context: shifts covered, pages answered, incidents helped through.
pub async fn person_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Ids(id): Ids<PersonId>,
    Q(q): Q<PeriodQuery>,
) -> Result<Json<Record>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        record::record(&state.store, &actor, id, period).await?,
    ))
}
