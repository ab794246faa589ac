//! Care after incidents: check-ins, peer supporters and pairings, the lead's checklist,
//! professional support resources, and a team's care settings.
//!
//! What a person answers is read back only with an [`Owner`] of that person. The one
//! path that reads everyone's answers, [`Store::team_pulse`], returns a
//! [`aftercare_care::TeamPulse`]: the per-person records it gathers are consumed inside
//! this module and never returned, so no caller (an admin included) can reach one
//! person's answers through it.

use std::collections::BTreeMap;

use aftercare_care::pulse::{LeadRecord, ParticipantRecord, SupporterRecord, TeamPulse};
use jiff::SignedDuration;

use crate::{
    BeginWrite, CheckinId, IncidentId, Owner, PairingId, PersonId, Result, Store, StoreError,
    SupportResourceId, TeamId, now_ms, with_pool,
};

/// A team's care settings as stored (the use-case layer parses and validates them).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamCareRow {
    pub checkins_on: bool,
    /// Offsets as the team wrote them (`1d, 3d, 7d`).
    pub offsets: String,
    /// Measure ids, comma-separated.
    pub measures: String,
}

/// A team's own measure: its instrument file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamMeasureRow {
    pub measure_id: String,
    pub source: String,
    pub created_at: i64,
}

/// What a person did with a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinStatus {
    Scheduled,
    Answered,
    Skipped,
}

impl CheckinStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinStatus::Scheduled => "scheduled",
            CheckinStatus::Answered => "answered",
            CheckinStatus::Skipped => "skipped",
        }
    }

    fn from_db(s: &str) -> Result<CheckinStatus> {
        match s {
            "scheduled" => Ok(CheckinStatus::Scheduled),
            "answered" => Ok(CheckinStatus::Answered),
            "skipped" => Ok(CheckinStatus::Skipped),
            other => Err(StoreError::Corrupt(format!("checkins.status {other:?}"))),
        }
    }
}

/// A check-in to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckin {
    pub person_id: PersonId,
    pub incident_id: IncidentId,
    pub team_id: Option<TeamId>,
    pub offset_label: String,
    pub due_at: i64,
    /// Measure ids asked in this check-in.
    pub measures: Vec<String>,
}

/// One of a person's check-ins, as only they read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    pub id: CheckinId,
    pub person_id: PersonId,
    pub incident_id: IncidentId,
    pub incident_title: String,
    pub team_id: Option<TeamId>,
    pub offset_label: String,
    pub due_at: i64,
    pub measures: Vec<String>,
    pub status: CheckinStatus,
    /// Answers by measure and item.
    pub answers: BTreeMap<String, BTreeMap<String, i64>>,
    /// Scores by measure.
    pub scores: BTreeMap<String, f64>,
    /// What they asked for from this check-in: `peer` or `professional`.
    pub support: Option<String>,
    pub answered_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CheckinRow {
    id: CheckinId,
    person_id: PersonId,
    incident_id: IncidentId,
    incident_title: String,
    team_id: Option<TeamId>,
    offset_label: String,
    due_at: i64,
    measures: String,
    status: String,
    answers: Option<String>,
    scores: Option<String>,
    support: Option<String>,
    answered_at: Option<i64>,
}

fn json_or_default<T: serde::de::DeserializeOwned + Default>(
    field: &str,
    text: Option<&str>,
) -> Result<T> {
    match text {
        None => Ok(T::default()),
        Some(t) => serde_json::from_str(t)
            .map_err(|e| StoreError::Corrupt(format!("checkins.{field}: {e}"))),
    }
}

impl TryFrom<CheckinRow> for Checkin {
    type Error = StoreError;
    fn try_from(r: CheckinRow) -> Result<Checkin> {
        Ok(Checkin {
            id: r.id,
            person_id: r.person_id,
            incident_id: r.incident_id,
            incident_title: r.incident_title,
            team_id: r.team_id,
            offset_label: r.offset_label,
            due_at: r.due_at,
            measures: json_or_default("measures", Some(&r.measures))?,
            status: CheckinStatus::from_db(&r.status)?,
            answers: json_or_default("answers", r.answers.as_deref())?,
            scores: json_or_default("scores", r.scores.as_deref())?,
            support: r.support,
            answered_at: r.answered_at,
        })
    }
}

const CHECKIN_SELECT: &str = "SELECT c.id, c.person_id, c.incident_id, i.title AS incident_title, c.team_id, c.offset_label, c.due_at, c.measures, c.status, c.answers, c.scores, c.support, c.answered_at FROM checkins c JOIN incidents i ON i.id = c.incident_id";

/// How a pairing turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingOutcome {
    Paired,
    Declined,
    NoSupporter,
}

impl PairingOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            PairingOutcome::Paired => "paired",
            PairingOutcome::Declined => "declined",
            PairingOutcome::NoSupporter => "no_supporter",
        }
    }

    fn from_db(s: &str) -> Result<PairingOutcome> {
        match s {
            "paired" => Ok(PairingOutcome::Paired),
            "declined" => Ok(PairingOutcome::Declined),
            "no_supporter" => Ok(PairingOutcome::NoSupporter),
            other => Err(StoreError::Corrupt(format!("pairings.outcome {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPairing {
    pub incident_id: IncidentId,
    pub team_id: Option<TeamId>,
    pub participant_id: PersonId,
    pub supporter_id: Option<PersonId>,
    pub outcome: PairingOutcome,
    pub overlap_minutes: i32,
}

/// A pairing as the two people in it see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    pub id: PairingId,
    pub incident_id: IncidentId,
    pub incident_title: String,
    pub participant_id: PersonId,
    pub participant_name: String,
    pub supporter_id: Option<PersonId>,
    pub supporter_name: Option<String>,
    pub outcome: PairingOutcome,
    pub overlap_minutes: i32,
    pub created_at: i64,
    pub reached_out_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PairingRow {
    id: PairingId,
    incident_id: IncidentId,
    incident_title: String,
    participant_id: PersonId,
    participant_name: String,
    supporter_id: Option<PersonId>,
    supporter_name: Option<String>,
    outcome: String,
    overlap_minutes: i32,
    created_at: i64,
    reached_out_at: Option<i64>,
}

impl TryFrom<PairingRow> for Pairing {
    type Error = StoreError;
    fn try_from(r: PairingRow) -> Result<Pairing> {
        Ok(Pairing {
            id: r.id,
            incident_id: r.incident_id,
            incident_title: r.incident_title,
            participant_id: r.participant_id,
            participant_name: r.participant_name,
            supporter_id: r.supporter_id,
            supporter_name: r.supporter_name,
            outcome: PairingOutcome::from_db(&r.outcome)?,
            overlap_minutes: r.overlap_minutes,
            created_at: r.created_at,
            reached_out_at: r.reached_out_at,
        })
    }
}

const PAIRING_SELECT: &str = "SELECT pr.id, pr.incident_id, i.title AS incident_title, pr.participant_id, pp.name AS participant_name, pr.supporter_id, sp.name AS supporter_name, pr.outcome, pr.overlap_minutes, pr.created_at, pr.reached_out_at FROM pairings pr JOIN incidents i ON i.id = pr.incident_id JOIN people pp ON pp.id = pr.participant_id LEFT JOIN people sp ON sp.id = pr.supporter_id";

/// One item of a lead's checklist after one incident.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChecklistItem {
    pub incident_id: IncidentId,
    pub item: String,
    pub given_at: i64,
    pub done_at: Option<i64>,
}

/// Employee assistance, counselling: who to contact and how.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct SupportResource {
    pub id: SupportResourceId,
    pub name: String,
    pub contact: String,
    pub description: String,
}

/// The care job of an incident: what the runner does once it resolves (check-ins,
/// pairings, the leads' checklists), enqueued in the transaction that resolves it.
pub(crate) const SQL_ENQUEUE_CARE: &str = "INSERT INTO jobs (kind, payload, person_id, run_at, state, dedupe_key, created_at) VALUES ('incident_care', $1, NULL, $2, 'scheduled', $3, $2) ON CONFLICT (dedupe_key) DO NOTHING";

/// A responder engaged this long in a row is told a handoff is due (seed 000: "the
/// amount of adrenaline I'd been running on for the past 36 hours").
pub const HANDOFF_AFTER_MS: i64 = 4 * 60 * 60 * 1000;

pub(crate) const SQL_ENQUEUE_HANDOFF: &str = "INSERT INTO jobs (kind, payload, person_id, run_at, state, dedupe_key, created_at) VALUES ('handoff', $1, $2, $3, 'scheduled', $4, $5) ON CONFLICT (dedupe_key) DO NOTHING";

/// The handoff job of a responder in an incident: its dedupe key and payload.
pub fn handoff_job(incident: IncidentId, person: PersonId) -> (String, String) {
    (
        format!("handoff:{incident}:{person}"),
        format!("{{\"incident_id\":{incident},\"person_id\":{person}}}"),
    )
}

/// The care job's dedupe key and payload for an incident (and, when one participant
/// joins a resolved incident, for them alone).
pub fn care_job_key(incident: IncidentId, person: Option<PersonId>) -> (String, String) {
    match person {
        None => (
            format!("care:{incident}"),
            format!("{{\"incident_id\":{incident}}}"),
        ),
        Some(p) => (
            format!("care:{incident}:{p}"),
            format!("{{\"incident_id\":{incident},\"person_id\":{p}}}"),
        ),
    }
}

impl Store {
    // ---- a team's settings

    pub async fn team_care(&self, team: TeamId) -> Result<Option<TeamCareRow>> {
        let sql = "SELECT checkins_on, offsets, measures FROM team_care WHERE team_id = $1";
        Ok(with_pool!(self, p => sqlx::query_as(sql).bind(team).fetch_optional(p).await)?)
    }

    pub async fn set_team_care(&self, team: TeamId, row: &TeamCareRow) -> Result<()> {
        let sql = "INSERT INTO team_care (team_id, checkins_on, offsets, measures, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (team_id) DO UPDATE SET checkins_on = excluded.checkins_on, offsets = excluded.offsets, measures = excluded.measures, updated_at = excluded.updated_at";
        with_pool!(self, p => sqlx::query(sql)
            .bind(team).bind(row.checkins_on).bind(&row.offsets).bind(&row.measures).bind(now_ms())
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn team_measures(&self, team: TeamId) -> Result<Vec<TeamMeasureRow>> {
        let sql = "SELECT measure_id, source, created_at FROM team_measures WHERE team_id = $1 ORDER BY measure_id";
        Ok(with_pool!(self, p => sqlx::query_as(sql).bind(team).fetch_all(p).await)?)
    }

    /// Adds or replaces a team's own measure.
    pub async fn put_team_measure(&self, team: TeamId, id: &str, source: &str) -> Result<()> {
        let sql = "INSERT INTO team_measures (team_id, measure_id, source, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (team_id, measure_id) DO UPDATE SET source = excluded.source";
        with_pool!(self, p => sqlx::query(sql).bind(team).bind(id).bind(source).bind(now_ms())
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_team_measure(&self, team: TeamId, id: &str) -> Result<bool> {
        let sql = "DELETE FROM team_measures WHERE team_id = $1 AND measure_id = $2";
        let n = with_pool!(self, p => sqlx::query(sql).bind(team).bind(id)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    // ---- check-ins

    /// Makes check-ins (those that exist already are left as they are); returns every
    /// one's id with its person and due instant, made now or before.
    pub async fn create_checkins(
        &self,
        new: &[NewCheckin],
    ) -> Result<Vec<(CheckinId, PersonId, i64)>> {
        let insert = "INSERT INTO checkins (person_id, incident_id, team_id, offset_label, due_at, measures, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7) ON CONFLICT (person_id, incident_id, offset_label) DO NOTHING";
        let select = "SELECT id, due_at FROM checkins WHERE person_id = $1 AND incident_id = $2 AND offset_label = $3";
        let now = now_ms();
        let mut out = Vec::with_capacity(new.len());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for c in new {
                let measures = serde_json::to_string(&c.measures)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(insert)
                    .bind(c.person_id).bind(c.incident_id).bind(c.team_id).bind(&c.offset_label)
                    .bind(c.due_at).bind(measures).bind(now)
                    .execute(&mut *tx).await?;
                let (id, due): (CheckinId, i64) = sqlx::query_as(select)
                    .bind(c.person_id).bind(c.incident_id).bind(&c.offset_label)
                    .fetch_one(&mut *tx).await?;
                out.push((id, c.person_id, due));
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// The owner's check-ins, the most recently due first.
    pub async fn checkins_of(&self, owner: Owner) -> Result<Vec<Checkin>> {
        let sql =
            format!("{CHECKIN_SELECT} WHERE c.person_id = $1 ORDER BY c.due_at DESC, c.id DESC");
        let rows: Vec<CheckinRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner.person_id()).fetch_all(p).await)?;
        rows.into_iter().map(Checkin::try_from).collect()
    }

    /// One of the owner's check-ins; `None` when it is not theirs.
    pub async fn checkin_of(&self, owner: Owner, id: CheckinId) -> Result<Option<Checkin>> {
        let sql = format!("{CHECKIN_SELECT} WHERE c.id = $1 AND c.person_id = $2");
        let row: Option<CheckinRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id).bind(owner.person_id()).fetch_optional(p).await)?;
        row.map(Checkin::try_from).transpose()
    }

    /// Records the owner's answers (scores already computed) to an open check-in;
    /// false when it is not theirs, not yet due, or already answered or skipped.
    pub async fn answer_checkin(
        &self,
        owner: Owner,
        id: CheckinId,
        answers: &BTreeMap<String, BTreeMap<String, i64>>,
        scores: &BTreeMap<String, f64>,
        now: i64,
    ) -> Result<bool> {
        let answers =
            serde_json::to_string(answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let scores =
            serde_json::to_string(scores).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = "UPDATE checkins SET status = 'answered', answers = $1, scores = $2, answered_at = $3 WHERE id = $4 AND person_id = $5 AND status = 'scheduled' AND due_at <= $3";
        let n = with_pool!(self, p => sqlx::query(sql)
            .bind(answers).bind(scores).bind(now).bind(id).bind(owner.person_id())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Skips one of the owner's check-ins that is not answered yet (a scheduled one
    /// too: skipping ahead is the person's choice).
    pub async fn skip_checkin(&self, owner: Owner, id: CheckinId, now: i64) -> Result<bool> {
        let sql = "UPDATE checkins SET status = 'skipped', answered_at = $1 WHERE id = $2 AND person_id = $3 AND status = 'scheduled'";
        let n = with_pool!(self, p => sqlx::query(sql).bind(now).bind(id).bind(owner.person_id())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Notes what the owner asked for from a check-in (`peer` or `professional`).
    pub async fn set_checkin_support(
        &self,
        owner: Owner,
        id: CheckinId,
        support: &str,
    ) -> Result<bool> {
        let sql = "UPDATE checkins SET support = $1 WHERE id = $2 AND person_id = $3";
        let n = with_pool!(self, p => sqlx::query(sql).bind(support).bind(id).bind(owner.person_id())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// How many check-ins an incident has, whoever they belong to: a count, no
    /// answers (what an incident's page and the tests of exactly-once show).
    pub async fn count_checkins_of_incident(&self, incident: IncidentId) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM checkins WHERE incident_id = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(incident).fetch_one(p).await)?)
    }

    // ---- peer supporters and pairings

    pub async fn set_supporter(&self, person: PersonId, on: bool) -> Result<()> {
        if on {
            let sql = "INSERT INTO peer_supporters (person_id, since) VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING";
            with_pool!(self, p => sqlx::query(sql).bind(person).bind(now_ms()).execute(p).await.map(|_| ()))?;
        } else {
            let sql = "DELETE FROM peer_supporters WHERE person_id = $1";
            with_pool!(self, p => sqlx::query(sql).bind(person).execute(p).await.map(|_| ()))?;
        }
        Ok(())
    }

    pub async fn is_supporter(&self, person: PersonId) -> Result<bool> {
        let sql = "SELECT COUNT(*) FROM peer_supporters WHERE person_id = $1";
        let n: i64 =
            with_pool!(self, p => sqlx::query_scalar(sql).bind(person).fetch_one(p).await)?;
        Ok(n > 0)
    }

    /// Active volunteers with the number of people each was paired with since
    /// `since` (their load).
    pub async fn supporters_with_load(&self, since: i64) -> Result<Vec<(PersonId, i64)>> {
        let sql = "SELECT s.person_id, (SELECT COUNT(*) FROM pairings pr WHERE pr.supporter_id = s.person_id AND pr.created_at >= $1) FROM peer_supporters s JOIN people pe ON pe.id = s.person_id WHERE pe.deactivated_at IS NULL ORDER BY s.person_id";
        Ok(with_pool!(self, p => sqlx::query_as(sql).bind(since).fetch_all(p).await)?)
    }

    pub async fn set_decline_pairing(&self, owner: Owner, decline: bool) -> Result<()> {
        let sql = "INSERT INTO care_preferences (person_id, decline_pairing, updated_at) VALUES ($1, $2, $3) ON CONFLICT (person_id) DO UPDATE SET decline_pairing = excluded.decline_pairing, updated_at = excluded.updated_at";
        with_pool!(self, p => sqlx::query(sql).bind(owner.person_id()).bind(decline).bind(now_ms())
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Whether a person declined pairing (what pairing reads; it says nothing else).
    pub async fn declines_pairing(&self, person: PersonId) -> Result<bool> {
        let sql = "SELECT decline_pairing FROM care_preferences WHERE person_id = $1";
        let v: Option<bool> =
            with_pool!(self, p => sqlx::query_scalar(sql).bind(person).fetch_optional(p).await)?;
        Ok(v.unwrap_or(false))
    }

    /// Stores pairings (a participant already paired for the incident keeps theirs);
    /// returns each participant's pairing id, and whether this call made it.
    pub async fn create_pairings(&self, new: &[NewPairing]) -> Result<Vec<(PairingId, bool)>> {
        let insert = "INSERT INTO pairings (incident_id, team_id, participant_id, supporter_id, outcome, overlap_minutes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (incident_id, participant_id) DO NOTHING RETURNING id";
        let select = "SELECT id FROM pairings WHERE incident_id = $1 AND participant_id = $2";
        let now = now_ms();
        let mut out = Vec::with_capacity(new.len());
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for n in new {
                let made: Option<PairingId> = sqlx::query_scalar(insert)
                    .bind(n.incident_id).bind(n.team_id).bind(n.participant_id).bind(n.supporter_id)
                    .bind(n.outcome.as_str()).bind(n.overlap_minutes).bind(now)
                    .fetch_optional(&mut *tx).await?;
                match made {
                    Some(id) => out.push((id, true)),
                    None => {
                        let id: PairingId = sqlx::query_scalar(select)
                            .bind(n.incident_id).bind(n.participant_id)
                            .fetch_one(&mut *tx).await?;
                        out.push((id, false));
                    }
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// Pairings the owner is in, as supporter or as participant, newest first.
    pub async fn pairings_of(&self, owner: Owner) -> Result<Vec<Pairing>> {
        let sql = format!(
            "{PAIRING_SELECT} WHERE pr.supporter_id = $1 OR pr.participant_id = $1 ORDER BY pr.created_at DESC, pr.id DESC"
        );
        let rows: Vec<PairingRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner.person_id()).fetch_all(p).await)?;
        rows.into_iter().map(Pairing::try_from).collect()
    }

    /// A pairing by id, for the runner (the supporter's reminder checks whether they
    /// reached out).
    pub async fn pairing(&self, id: PairingId) -> Result<Option<Pairing>> {
        let sql = format!("{PAIRING_SELECT} WHERE pr.id = $1");
        let row: Option<PairingRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(p).await)?;
        row.map(Pairing::try_from).transpose()
    }

    /// A participant's pairing for an incident, if any.
    pub async fn pairing_of_participant(
        &self,
        incident: IncidentId,
        person: PersonId,
    ) -> Result<Option<Pairing>> {
        let sql = format!("{PAIRING_SELECT} WHERE pr.incident_id = $1 AND pr.participant_id = $2");
        let row: Option<PairingRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(incident).bind(person).fetch_optional(p).await)?;
        row.map(Pairing::try_from).transpose()
    }

    /// Pairs a participant with `supporter` for an incident (after they asked to talk),
    /// whatever their pairing was.
    pub async fn repair(
        &self,
        incident: IncidentId,
        team: Option<TeamId>,
        person: PersonId,
        supporter: PersonId,
    ) -> Result<PairingId> {
        let sql = "INSERT INTO pairings (incident_id, team_id, participant_id, supporter_id, outcome, overlap_minutes, created_at) VALUES ($1, $2, $3, $4, 'paired', 0, $5) ON CONFLICT (incident_id, participant_id) DO UPDATE SET supporter_id = excluded.supporter_id, outcome = 'paired', created_at = excluded.created_at, reached_out_at = NULL RETURNING id";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql)
            .bind(incident).bind(team).bind(person).bind(supporter).bind(now_ms())
            .fetch_one(p).await)?)
    }

    /// The supporter marks that they reached out; false when the pairing is not
    /// theirs. Marking twice keeps the first moment.
    pub async fn mark_reached_out(&self, owner: Owner, id: PairingId, now: i64) -> Result<bool> {
        let sql = "UPDATE pairings SET reached_out_at = COALESCE(reached_out_at, $1) WHERE id = $2 AND supporter_id = $3 AND outcome = 'paired'";
        let n = with_pool!(self, p => sqlx::query(sql).bind(now).bind(id).bind(owner.person_id())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    // ---- the lead's checklist

    pub async fn give_checklist(
        &self,
        incident: IncidentId,
        team: Option<TeamId>,
        lead: PersonId,
        items: &[&str],
    ) -> Result<u64> {
        let sql = "INSERT INTO lead_checklist_items (incident_id, team_id, lead_id, item, given_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id, lead_id, item) DO NOTHING";
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut made = 0;
            for item in items {
                made += sqlx::query(sql).bind(incident).bind(team).bind(lead).bind(*item).bind(now)
                    .execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
            Ok::<_, StoreError>(made)
        })
    }

    /// The owner's checklists (as a lead), newest first; for one incident if given.
    pub async fn checklist_of(
        &self,
        owner: Owner,
        incident: Option<IncidentId>,
    ) -> Result<Vec<ChecklistItem>> {
        let sql = "SELECT incident_id, item, given_at, done_at FROM lead_checklist_items WHERE lead_id = $1 AND ($2 IS NULL OR incident_id = $2) ORDER BY given_at DESC, incident_id DESC, item";
        Ok(with_pool!(self, p => sqlx::query_as(sql)
            .bind(owner.person_id()).bind(incident).fetch_all(p).await)?)
    }

    /// Marks one of the owner's checklist items done (or not).
    pub async fn mark_checklist_item(
        &self,
        owner: Owner,
        incident: IncidentId,
        item: &str,
        done: bool,
    ) -> Result<bool> {
        let sql = "UPDATE lead_checklist_items SET done_at = CASE WHEN $1 THEN COALESCE(done_at, $2) ELSE NULL END WHERE lead_id = $3 AND incident_id = $4 AND item = $5";
        let n = with_pool!(self, p => sqlx::query(sql)
            .bind(done).bind(now_ms()).bind(owner.person_id()).bind(incident).bind(item)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    // ---- professional support

    pub async fn support_resources(&self) -> Result<Vec<SupportResource>> {
        let sql = "SELECT id, name, contact, description FROM support_resources ORDER BY name, id";
        Ok(with_pool!(self, p => sqlx::query_as(sql).fetch_all(p).await)?)
    }

    pub async fn add_support_resource(
        &self,
        name: &str,
        contact: &str,
        description: &str,
    ) -> Result<SupportResource> {
        let sql = "INSERT INTO support_resources (name, contact, description, created_at) VALUES ($1, $2, $3, $4) RETURNING id, name, contact, description";
        Ok(with_pool!(self, p => sqlx::query_as(sql)
            .bind(name).bind(contact).bind(description).bind(now_ms()).fetch_one(p).await)?)
    }

    pub async fn delete_support_resource(&self, id: SupportResourceId) -> Result<bool> {
        let sql = "DELETE FROM support_resources WHERE id = $1";
        let n = with_pool!(self, p => sqlx::query(sql).bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    // ---- the team pulse: aggregates only

    /// A team's pulse over `[from, to)` (ms): check-ins due, pairings and checklists
    /// given in the span. The per-person records are built and consumed here.
    pub async fn team_pulse(&self, team: TeamId, from: i64, to: i64) -> Result<TeamPulse> {
        let answers = "SELECT person_id, scores FROM checkins WHERE team_id = $1 AND due_at >= $2 AND due_at < $3 AND status = 'answered' ORDER BY due_at, id";
        let pairings = "SELECT participant_id, supporter_id, created_at, reached_out_at FROM pairings WHERE team_id = $1 AND created_at >= $2 AND created_at < $3 AND outcome = 'paired'";
        let checklists = "SELECT lead_id, COUNT(*), COUNT(done_at) FROM lead_checklist_items WHERE team_id = $1 AND given_at >= $2 AND given_at < $3 GROUP BY lead_id";
        let (answered, paired, leads): (Vec<AnswerRow>, Vec<PairedRow>, Vec<LeadRow>) = with_pool!(self, p => {
            let a = sqlx::query_as(answers).bind(team).bind(from).bind(to).fetch_all(p).await?;
            let b = sqlx::query_as(pairings).bind(team).bind(from).bind(to).fetch_all(p).await?;
            let c = sqlx::query_as(checklists).bind(team).bind(from).bind(to).fetch_all(p).await?;
            Ok::<_, StoreError>((a, b, c))
        })?;

        let stress =
            aftercare_care::builtin_by_id(aftercare_care::instrument::POST_INCIDENT_STRESS);
        let rumination = aftercare_care::builtin_by_id("state-rumination");
        let mut people: BTreeMap<PersonId, ParticipantRecord> = BTreeMap::new();
        let record = |people: &mut BTreeMap<PersonId, ParticipantRecord>, id: PersonId| {
            people.entry(id).or_insert_with(|| ParticipantRecord {
                person: aftercare_care::PersonId(id.0),
                stressed: None,
                outreach: vec![],
                rumination: vec![],
            });
        };
        for (person, scores) in answered {
            let scores: BTreeMap<String, f64> = json_or_default("scores", scores.as_deref())?;
            record(&mut people, person);
            let Some(r) = people.get_mut(&person) else {
                continue;
            };
            if let (Some(i), Some(v)) = (
                stress,
                scores.get(aftercare_care::instrument::POST_INCIDENT_STRESS),
            ) && let Some(s) = i
                .stored_score(*v)
                .and_then(|s| s.stressed_or_very_stressed())
            {
                r.stressed = Some(r.stressed.unwrap_or(false) || s);
            }
            if let (Some(i), Some(v)) = (rumination, scores.get("state-rumination"))
                && let Some(s) = i.stored_score(*v)
            {
                r.rumination.push(s.value());
            }
        }
        let mut supporters: BTreeMap<PersonId, u32> = BTreeMap::new();
        for (participant, supporter, created, reached) in paired {
            record(&mut people, participant);
            if let Some(r) = people.get_mut(&participant) {
                r.outreach
                    .push(reached.map(|t| SignedDuration::from_millis((t - created).max(0))));
            }
            if let Some(s) = supporter {
                *supporters.entry(s).or_insert(0) += 1;
            }
        }
        let to_u32 = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        Ok(TeamPulse::compute(
            people.into_values().collect(),
            supporters
                .into_iter()
                .map(|(id, n)| SupporterRecord {
                    person: aftercare_care::PersonId(id.0),
                    pairings: n,
                })
                .collect(),
            leads
                .into_iter()
                .map(|(id, given, done)| LeadRecord {
                    person: aftercare_care::PersonId(id.0),
                    items_given: to_u32(given),
                    items_done: to_u32(done),
                })
                .collect(),
        ))
    }
}

/// The pulse's raw rows: read and consumed inside [`Store::team_pulse`].
type AnswerRow = (PersonId, Option<String>);
type PairedRow = (PersonId, Option<PersonId>, i64, Option<i64>);
type LeadRow = (PersonId, i64, i64);

/// A person's record over a span: what the batting average shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PersonRecord {
    pub shifts: i64,
    pub pages: i64,
    pub incidents: i64,
    pub incidents_resolved: i64,
}

impl Store {
    /// Shifts covered, pages received and incidents taken part in (and resolved) over `[from, to)`.
    pub async fn person_record(
        &self,
        person: PersonId,
        from: i64,
        to: i64,
    ) -> Result<PersonRecord> {
        let shifts =
            "SELECT COUNT(*) FROM shifts WHERE person_id = $1 AND starts_at < $3 AND ends_at > $2";
        let pages =
            "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND at >= $2 AND at < $3";
        let incidents = "SELECT COUNT(DISTINCT i.id), COUNT(DISTINCT CASE WHEN i.resolved_at IS NOT NULL THEN i.id END) FROM incidents i JOIN incident_participants ip ON ip.incident_id = i.id WHERE ip.person_id = $1 AND i.started_at >= $2 AND i.started_at < $3";
        with_pool!(self, p => {
            let s: i64 = sqlx::query_scalar(shifts).bind(person).bind(from).bind(to).fetch_one(p).await?;
            let n: i64 = sqlx::query_scalar(pages).bind(person).bind(from).bind(to).fetch_one(p).await?;
            let (i, r): (i64, i64) = sqlx::query_as(incidents).bind(person).bind(from).bind(to).fetch_one(p).await?;
            Ok::<_, StoreError>(PersonRecord { shifts: s, pages: n, incidents: i, incidents_resolved: r })
        })
    }
}
