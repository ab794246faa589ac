//! Check-ins: a person's own, private questions after an incident, and their own
//! trend. Every function here takes the [`Owner`](aftercare_store::Owner) from the
//! actor first: nobody but the person reads or answers their check-ins, and no admin
//! or lead path leads here.

use std::collections::BTreeMap;

use aftercare_care::{Instrument, Score, trend};
use aftercare_store::{Checkin, CheckinId, CheckinStatus, IncidentId, Store, SupportResource};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::care::measures_of;
use crate::error::{AppError, Result};
use crate::policy::Actor;

/// One point of a measure's scale.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScalePoint {
    pub value: i64,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: String,
    pub text: String,
}

/// A measure as a check-in asks it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureView {
    pub id: String,
    pub name: String,
    pub preamble: Option<String>,
    pub scale: Vec<ScalePoint>,
    pub items: Vec<ItemView>,
    /// Where the measure comes from.
    pub source: String,
    /// Its terms of use.
    pub terms: String,
}

impl From<&Instrument> for MeasureView {
    fn from(i: &Instrument) -> MeasureView {
        MeasureView {
            id: i.id().to_owned(),
            name: i.name().to_owned(),
            preamble: i.preamble().map(str::to_owned),
            scale: i
                .scale()
                .points()
                .map(|(value, label)| ScalePoint {
                    value,
                    label: label.map(str::to_owned),
                })
                .collect(),
            items: i
                .items()
                .iter()
                .map(|it| ItemView {
                    id: it.id().to_owned(),
                    text: it.text().to_owned(),
                })
                .collect(),
            source: i.source().citation.clone(),
            terms: i.terms().summary.clone(),
        }
    }
}

/// A check-in as its person sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckinView {
    pub id: CheckinId,
    pub incident_id: IncidentId,
    pub incident_title: String,
    /// When it is (or was) due: the offset after the resolution, moved into one's own working time.
    pub due_at: Timestamp,
    /// How long after the resolution (`1d`).
    pub after: String,
    /// `scheduled` (not yet due), `open`, `answered` or `skipped`.
    pub status: &'static str,
    pub measures: Vec<MeasureView>,
    /// One's answers, by measure and item (once answered).
    pub answers: BTreeMap<String, BTreeMap<String, i64>>,
    /// One's scores, by measure.
    pub scores: BTreeMap<String, f64>,
    /// What one asked for from this check-in: `peer` or `professional`.
    pub support: Option<String>,
}

fn status(c: &Checkin, now: Timestamp) -> &'static str {
    match c.status {
        CheckinStatus::Answered => "answered",
        CheckinStatus::Skipped => "skipped",
        CheckinStatus::Scheduled if c.due_at <= now.as_millisecond() => "open",
        CheckinStatus::Scheduled => "scheduled",
    }
}

async fn view(store: &Store, c: Checkin, now: Timestamp) -> Result<CheckinView> {
    let known = measures_of(store, c.team_id).await?;
    let measures = c
        .measures
        .iter()
        .filter_map(|id| known.iter().find(|i| i.id() == id))
        .map(MeasureView::from)
        .collect();
    Ok(CheckinView {
        id: c.id,
        incident_id: c.incident_id,
        incident_title: c.incident_title.clone(),
        due_at: Timestamp::from_millisecond(c.due_at).unwrap_or(now),
        after: c.offset_label.clone(),
        status: status(&c, now),
        measures,
        answers: c.answers,
        scores: c.scores,
        support: c.support,
    })
}

/// One's check-ins, the most recently due first.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<CheckinView>> {
    let owner = actor.owner()?;
    let now = Timestamp::now();
    let mut out = Vec::new();
    for c in store.checkins_of(owner).await? {
        out.push(view(store, c, now).await?);
    }
    Ok(out)
}

pub async fn get(store: &Store, actor: &Actor, id: CheckinId) -> Result<CheckinView> {
    let owner = actor.owner()?;
    let c = store
        .checkin_of(owner, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("check-in {id} of yours")))?;
    view(store, c, Timestamp::now()).await
}

/// Answering or skipping a check-in.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinReply {
    /// Skip this check-in (nothing is recorded but that it was skipped).
    #[serde(default)]
    pub skip: bool,
    /// Answers by measure id and item id, each a point of the measure's scale.
    #[serde(default)]
    pub answers: BTreeMap<String, BTreeMap<String, i64>>,
}

/// Answers or skips one's own check-in. Every measure must be answered in full; a
/// partial answer is refused, naming the measure and item, and nothing is stored.
pub async fn reply(
    store: &Store,
    actor: &Actor,
    id: CheckinId,
    reply: &CheckinReply,
) -> Result<CheckinView> {
    let owner = actor.owner()?;
    let now = Timestamp::now();
    let c = store
        .checkin_of(owner, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("check-in {id} of yours")))?;
    if c.status != CheckinStatus::Scheduled {
        return Err(AppError::Conflict(format!(
            "this check-in is already {}",
            c.status.as_str()
        )));
    }
    if reply.skip {
        if !reply.answers.is_empty() {
            return Err(AppError::invalid(
                "answers",
                "skip a check-in or answer it, not both",
            ));
        }
        store.skip_checkin(owner, id, now.as_millisecond()).await?;
        return get(store, actor, id).await;
    }
    if c.due_at > now.as_millisecond() {
        return Err(AppError::Conflict(
            "this check-in is not due yet (you can skip it now, or answer it when it opens)".into(),
        ));
    }
    let known = measures_of(store, c.team_id).await?;
    if let Some(stray) = reply.answers.keys().find(|m| !c.measures.contains(m)) {
        return Err(AppError::invalid(
            format!("answers.{stray}"),
            "this check-in does not ask that measure",
        ));
    }
    let mut scores = BTreeMap::new();
    for m in &c.measures {
        let Some(instrument) = known.iter().find(|i| i.id() == m) else {
            continue;
        };
        let answers = reply
            .answers
            .get(m)
            .ok_or_else(|| AppError::invalid(format!("answers.{m}"), "is missing"))?;
        let score = instrument
            .score(answers)
            .map_err(|e| AppError::invalid(format!("answers.{m}"), e.to_string()))?;
        scores.insert(m.clone(), score.value());
    }
    if !store
        .answer_checkin(owner, id, &reply.answers, &scores, now.as_millisecond())
        .await?
    {
        return Err(AppError::Conflict(
            "this check-in was answered or skipped meanwhile".into(),
        ));
    }
    get(store, actor, id).await
}

/// A measure's scores over one's incidents, and what the latest says beside the one before.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureTrend {
    pub measure: String,
    pub name: String,
    /// One point per incident, oldest first: the first answer after each.
    pub points: Vec<TrendPoint>,
    /// `first`, `lower`, `similar` or `higher`.
    pub direction: String,
    /// In plain words, beside one's own previous answer only; never a diagnosis.
    pub reading: String,
    /// Whether higher is better or worse on this measure.
    pub higher_is: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub incident_id: IncidentId,
    pub incident_title: String,
    pub at: Timestamp,
    pub score: f64,
}

/// One's trend on every measure one answered.
pub async fn trends(store: &Store, actor: &Actor) -> Result<Vec<MeasureTrend>> {
    let owner = actor.owner()?;
    let mut checkins = store.checkins_of(owner).await?;
    checkins.sort_by_key(|c| (c.due_at, c.id.0));
    // The first answer after each incident, per measure: comparable across incidents.
    let mut firsts: BTreeMap<String, Vec<(IncidentId, String, i64, f64)>> = BTreeMap::new();
    for c in checkins
        .iter()
        .filter(|c| c.status == CheckinStatus::Answered)
    {
        for (m, v) in &c.scores {
            let list = firsts.entry(m.clone()).or_default();
            if !list.iter().any(|(i, ..)| *i == c.incident_id) {
                list.push((c.incident_id, c.incident_title.clone(), c.due_at, *v));
            }
        }
    }
    let mut out = Vec::new();
    for (measure, points) in firsts {
        let team = checkins
            .iter()
            .find(|c| c.scores.contains_key(&measure))
            .and_then(|c| c.team_id);
        let known = measures_of(store, team).await?;
        let Some(instrument) = known.iter().find(|i| i.id() == measure) else {
            continue;
        };
        let scores: Vec<Score> = points
            .iter()
            .filter_map(|(_, _, _, v)| instrument.stored_score(*v))
            .collect();
        let Ok(t) = trend(instrument, &scores) else {
            continue;
        };
        let (min, max) = instrument.score_range();
        out.push(MeasureTrend {
            measure: measure.clone(),
            name: instrument.name().to_owned(),
            points: points
                .into_iter()
                .map(|(incident_id, incident_title, at, score)| TrendPoint {
                    incident_id,
                    incident_title,
                    at: Timestamp::from_millisecond(at).unwrap_or_default(),
                    score,
                })
                .collect(),
            direction: format!("{:?}", t.direction).to_lowercase(),
            reading: t.reading,
            higher_is: format!("{:?}", instrument.higher_is()).to_lowercase(),
            min,
            max,
        });
    }
    Ok(out)
}

/// Asking, from a check-in, to talk to someone.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalkRequest {
    /// `peer` (one's peer supporter is told) or `professional` (the organisation's
    /// resources are shown; nobody is told).
    pub with: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalkAnswer {
    /// Whether a peer supporter was told.
    pub peer_told: bool,
    /// The organisation's professional support, with contact details.
    pub resources: Vec<SupportResource>,
    pub message: String,
}

pub async fn ask_to_talk(
    store: &Store,
    actor: &Actor,
    id: CheckinId,
    req: &TalkRequest,
) -> Result<TalkAnswer> {
    let owner = actor.owner()?;
    let c = store
        .checkin_of(owner, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("check-in {id} of yours")))?;
    let resources = store.support_resources().await?;
    match req.with.as_str() {
        "peer" => {
            store.set_checkin_support(owner, id, "peer").await?;
            let told = crate::support::ask_for_peer(
                store,
                owner.person_id(),
                c.incident_id,
                &id.to_string(),
            )
            .await?;
            Ok(TalkAnswer {
                peer_told: told,
                message: if told {
                    "Your peer supporter has been told you would like to talk; they will reach out."
                        .into()
                } else {
                    "Nobody has volunteered as a peer supporter who could be paired with you yet. The organisation's support is below.".into()
                },
                resources,
            })
        }
        "professional" => {
            store.set_checkin_support(owner, id, "professional").await?;
            Ok(TalkAnswer {
                peer_told: false,
                message: if resources.is_empty() {
                    "Your organisation has not listed its professional support here yet; your people team can tell you what is offered.".into()
                } else {
                    "Contact any of these directly; Aftercare tells nobody that you asked.".into()
                },
                resources,
            })
        }
        other => Err(AppError::invalid(
            "with",
            format!("{other:?} is not one of: peer, professional"),
        )),
    }
}
