//! Incidents and the people in them. Deliveries about an incident (triggered, acknowledged,
//! resolved) land on one row keyed by the sender's own incident key, in the same transaction
//! as the delivery (see [`Store::record_deliveries`]); the people its pages landed on are its
//! responders. Others join by a lead's hand or their own.

use std::fmt;
use std::str::FromStr;

use crate::ids::{IncidentId, PersonId, TeamId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// What a person was in an incident.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    /// Paged, or worked on it.
    Responder,
    /// Coordinated the response.
    IncidentLead,
    /// Kept people outside the response informed.
    Communications,
    /// Investigates it afterwards (seed 000's "third victims" need support too).
    Investigator,
    /// Facilitates the review.
    ReviewFacilitator,
    /// Otherwise affected by it.
    OtherAffected,
}

impl ParticipantRole {
    pub const ALL: [ParticipantRole; 6] = [
        ParticipantRole::Responder,
        ParticipantRole::IncidentLead,
        ParticipantRole::Communications,
        ParticipantRole::Investigator,
        ParticipantRole::ReviewFacilitator,
        ParticipantRole::OtherAffected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantRole::Responder => "responder",
            ParticipantRole::IncidentLead => "incident_lead",
            ParticipantRole::Communications => "communications",
            ParticipantRole::Investigator => "investigator",
            ParticipantRole::ReviewFacilitator => "review_facilitator",
            ParticipantRole::OtherAffected => "other_affected",
        }
    }

    /// The role as a sentence fragment for pages: "responder", "incident lead".
    pub fn label(self) -> &'static str {
        match self {
            ParticipantRole::Responder => "responder",
            ParticipantRole::IncidentLead => "incident lead",
            ParticipantRole::Communications => "communications",
            ParticipantRole::Investigator => "investigator",
            ParticipantRole::ReviewFacilitator => "review facilitator",
            ParticipantRole::OtherAffected => "other affected",
        }
    }
}

impl fmt::Display for ParticipantRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown participant role is an error, never silently a responder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a role in an incident: use responder, incident_lead, communications, investigator, review_facilitator or other_affected"
)]
pub struct UnknownParticipantRole(pub String);

impl FromStr for ParticipantRole {
    type Err = UnknownParticipantRole;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        ParticipantRole::ALL
            .into_iter()
            .find(|r| r.as_str() == norm)
            .ok_or_else(|| UnknownParticipantRole(s.to_string()))
    }
}

/// How a participant came to be in an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantOrigin {
    /// The sender's payload named them (paged, assigned, acknowledged).
    Payload,
    /// Someone added them (a lead, an admin).
    Added,
    /// They added themselves.
    Themselves,
}

impl ParticipantOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantOrigin::Payload => "payload",
            ParticipantOrigin::Added => "added",
            ParticipantOrigin::Themselves => "self",
        }
    }

    fn from_db(s: &str) -> Result<Self> {
        match s {
            "payload" => Ok(ParticipantOrigin::Payload),
            "added" => Ok(ParticipantOrigin::Added),
            "self" => Ok(ParticipantOrigin::Themselves),
            other => Err(StoreError::Corrupt(format!(
                "incident_participants.origin: {other:?}"
            ))),
        }
    }
}

/// Where an incident stands after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentPhase {
    Open,
    Acknowledged,
    Resolved,
}

/// What one delivery says about its incident, stored with the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentUpdate {
    pub team_id: Option<TeamId>,
    pub source: String,
    pub incident_key: String,
    pub title: Option<String>,
    pub severity: Option<String>,
    /// When the event happened (milliseconds).
    pub at: i64,
    pub phase: IncidentPhase,
}

/// An incident made by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub team_id: Option<TeamId>,
    /// Unique among hand-made incidents (the app generates it).
    pub incident_key: String,
    pub title: String,
    pub severity: Option<String>,
    pub started_at: i64,
    pub resolved_at: Option<i64>,
    pub created_by: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Incident {
    pub id: IncidentId,
    pub team_id: Option<TeamId>,
    /// The sender (`pagerduty`, `alertmanager`, ...) or `manual`.
    pub source: String,
    pub incident_key: String,
    pub title: String,
    pub severity: Option<String>,
    pub started_at: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub created_at: i64,
    pub created_by: Option<PersonId>,
}

/// A changed incident: `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentChange {
    pub title: Option<String>,
    pub severity: Option<Option<String>>,
    pub team_id: Option<Option<TeamId>>,
    pub started_at: Option<i64>,
    pub resolved_at: Option<Option<i64>>,
}

/// Someone in an incident, as one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub person_id: PersonId,
    pub name: String,
    pub role: ParticipantRole,
    pub origin: ParticipantOrigin,
    pub engaged_from: i64,
    pub engaged_until: i64,
    pub added_at: i64,
}

/// Which incidents a listing may show: those of some teams, and those someone is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentScope {
    /// Every incident (admins).
    All,
    /// Incidents of these teams, and incidents this person is in.
    Visible {
        teams: Vec<TeamId>,
        person: Option<PersonId>,
    },
}

const INCIDENT_COLUMNS: &str = "id, team_id, source, incident_key, title, severity, started_at, acknowledged_at, resolved_at, created_at, created_by";

/// Upserts the incident a delivery is about. The earliest start wins; the first
/// acknowledgement stays; a resolution sets `resolved_at`, and a trigger after it reopens.
pub(crate) const UPSERT_INCIDENT: &str = "INSERT INTO incidents (team_id, source, incident_key, title, severity, started_at, acknowledged_at, resolved_at, created_at) \
     VALUES ($1, $2, $3, COALESCE($4, $3), $5, $6, $7, $8, $9) \
     ON CONFLICT (source, incident_key) DO UPDATE SET \
       team_id = COALESCE(incidents.team_id, excluded.team_id), \
       title = COALESCE($4, incidents.title), \
       severity = COALESCE(excluded.severity, incidents.severity), \
       started_at = CASE WHEN excluded.started_at < incidents.started_at THEN excluded.started_at ELSE incidents.started_at END, \
       acknowledged_at = COALESCE(incidents.acknowledged_at, excluded.acknowledged_at), \
       resolved_at = CASE WHEN excluded.resolved_at IS NOT NULL THEN excluded.resolved_at \
         WHEN $10 AND incidents.resolved_at IS NOT NULL AND incidents.resolved_at < $11 THEN NULL \
         ELSE incidents.resolved_at END \
     RETURNING id";

/// Adds (or widens the engagement of) a responder named by a delivery.
pub(crate) const UPSERT_RESPONDER: &str = "INSERT INTO incident_participants (incident_id, person_id, role, origin, engaged_from, engaged_until, added_at) \
     VALUES ($1, $2, 'responder', 'payload', $3, $4, $5) \
     ON CONFLICT (incident_id, person_id, role) DO UPDATE SET \
       engaged_from = CASE WHEN excluded.engaged_from < incident_participants.engaged_from THEN excluded.engaged_from ELSE incident_participants.engaged_from END, \
       engaged_until = CASE WHEN excluded.engaged_until > incident_participants.engaged_until THEN excluded.engaged_until ELSE incident_participants.engaged_until END";

#[derive(sqlx::FromRow)]
struct ParticipantRow {
    person_id: PersonId,
    name: String,
    role: String,
    origin: String,
    engaged_from: i64,
    engaged_until: i64,
    added_at: i64,
}

impl TryFrom<ParticipantRow> for Participant {
    type Error = StoreError;

    fn try_from(r: ParticipantRow) -> Result<Self> {
        Ok(Participant {
            person_id: r.person_id,
            name: r.name,
            role: r.role.parse().map_err(|e: UnknownParticipantRole| {
                StoreError::Corrupt(format!("incident_participants.role: {e}"))
            })?,
            origin: ParticipantOrigin::from_db(&r.origin)?,
            engaged_from: r.engaged_from,
            engaged_until: r.engaged_until,
            added_at: r.added_at,
        })
    }
}

impl Store {
    /// Makes an incident by hand; its creator, if given, becomes its incident lead.
    pub async fn create_incident(&self, new: &NewIncident) -> Result<Incident> {
        let now = now_ms();
        let sql = format!(
            "INSERT INTO incidents (team_id, source, incident_key, title, severity, started_at, resolved_at, created_at, created_by) \
             VALUES ($1, 'manual', $2, $3, $4, $5, $6, $7, $8) RETURNING {INCIDENT_COLUMNS}"
        );
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let incident: Incident = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(new.team_id).bind(&new.incident_key).bind(&new.title).bind(&new.severity)
                .bind(new.started_at).bind(new.resolved_at).bind(now).bind(new.created_by)
                .fetch_one(&mut *tx).await?;
            if let Some(person) = new.created_by {
                sqlx::query("INSERT INTO incident_participants (incident_id, person_id, role, origin, engaged_from, engaged_until, added_at) VALUES ($1, $2, 'incident_lead', 'self', $3, $3, $4)")
                    .bind(incident.id).bind(person).bind(new.started_at).bind(now)
                    .execute(&mut *tx).await?;
            }
            if incident.resolved_at.is_some() {
                let (key, payload) = crate::care::care_job_key(incident.id, None);
                sqlx::query(crate::care::SQL_ENQUEUE_CARE).bind(payload).bind(now).bind(key)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(incident)
        })
    }

    pub async fn incident(&self, id: IncidentId) -> Result<Option<Incident>> {
        let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?,
        )
    }

    pub async fn incident_by_key(&self, source: &str, key: &str) -> Result<Option<Incident>> {
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE source = $1 AND incident_key = $2"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(source).bind(key).fetch_optional(p).await)?,
        )
    }

    /// Incidents started in `[from, to)` within `scope`, optionally of one team, newest first.
    pub async fn list_incidents(
        &self,
        scope: &IncidentScope,
        team: Option<TeamId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<Incident>> {
        let mut sql = format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE started_at >= $1 AND started_at < $2"
        );
        let mut person = None;
        if let IncidentScope::Visible { teams, person: p } = scope {
            let team_ids: Vec<i64> = teams.iter().map(|t| t.0).collect();
            person = *p;
            // The ids are integers from our own types: inlined, not user text.
            let list = if team_ids.is_empty() {
                "NULL".to_string()
            } else {
                team_ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            };
            sql.push_str(&format!(
                " AND (team_id IN ({list}) OR id IN (SELECT incident_id FROM incident_participants WHERE person_id = $3))"
            ));
        } else {
            sql.push_str(" AND $3 IS NULL");
        }
        sql.push_str(
            " AND ($4 IS NULL OR team_id = $4) ORDER BY started_at DESC, id DESC LIMIT 1000",
        );
        let person_bind: Option<i64> = person.map(|p| p.0);
        let team_bind: Option<i64> = team.map(|t| t.0);
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(from).bind(to).bind(person_bind).bind(team_bind)
            .fetch_all(p).await)?,
        )
    }

    /// Everyone in an incident, by role then name.
    pub async fn incident_participants(&self, id: IncidentId) -> Result<Vec<Participant>> {
        let sql = "SELECT ip.person_id, pe.name, ip.role, ip.origin, ip.engaged_from, ip.engaged_until, ip.added_at \
                   FROM incident_participants ip JOIN people pe ON pe.id = ip.person_id \
                   WHERE ip.incident_id = $1 ORDER BY pe.name, ip.role";
        let rows: Vec<ParticipantRow> =
            with_pool!(self, p => sqlx::query_as(sql).bind(id).fetch_all(p).await)?;
        let mut out: Vec<Participant> = rows
            .into_iter()
            .map(Participant::try_from)
            .collect::<Result<_>>()?;
        out.sort_by(|a, b| a.role.cmp(&b.role).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// The incidents a person is in, with their roles in each.
    pub async fn incidents_of(&self, person: PersonId) -> Result<Vec<IncidentId>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT DISTINCT incident_id FROM incident_participants WHERE person_id = $1")
            .bind(person).fetch_all(p).await)?,
        )
    }

    /// Adds someone to an incident in a role; `false` if they already had that role there.
    pub async fn add_participant(
        &self,
        incident: IncidentId,
        person: PersonId,
        role: ParticipantRole,
        origin: ParticipantOrigin,
        engaged_from: i64,
    ) -> Result<bool> {
        let now = now_ms();
        let done = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("INSERT INTO incident_participants (incident_id, person_id, role, origin, engaged_from, engaged_until, added_at) VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (incident_id, person_id, role) DO NOTHING")
                .bind(incident).bind(person).bind(role.as_str()).bind(origin.as_str()).bind(engaged_from).bind(now)
                .execute(&mut *tx).await?.rows_affected();
            // Someone who joins an incident after it resolved (an investigator, a
            // review facilitator) gets the same care as those who were there.
            let resolved: Option<Option<i64>> = sqlx::query_scalar("SELECT resolved_at FROM incidents WHERE id = $1")
                .bind(incident).fetch_optional(&mut *tx).await?;
            if done == 1 && matches!(resolved, Some(Some(_))) {
                let (key, payload) = crate::care::care_job_key(incident, Some(person));
                sqlx::query(crate::care::SQL_ENQUEUE_CARE).bind(payload).bind(now).bind(key)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(done)
        })?;
        Ok(done == 1)
    }

    /// Removes one role of someone in an incident; `false` if they did not have it.
    pub async fn remove_participant(
        &self,
        incident: IncidentId,
        person: PersonId,
        role: ParticipantRole,
    ) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM incident_participants WHERE incident_id = $1 AND person_id = $2 AND role = $3")
            .bind(incident).bind(person).bind(role.as_str()).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Changes an incident's fields; `None` if there is no such incident.
    pub async fn update_incident(
        &self,
        id: IncidentId,
        change: &IncidentChange,
    ) -> Result<Option<Incident>> {
        let Some(mut incident) = self.incident(id).await? else {
            return Ok(None);
        };
        if let Some(t) = &change.title {
            incident.title = t.clone();
        }
        if let Some(s) = &change.severity {
            incident.severity = s.clone();
        }
        if let Some(t) = change.team_id {
            incident.team_id = t;
        }
        if let Some(s) = change.started_at {
            incident.started_at = s;
        }
        if let Some(r) = change.resolved_at {
            incident.resolved_at = r;
        }
        let now = now_ms();
        let done = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE incidents SET title = $1, severity = $2, team_id = $3, started_at = $4, resolved_at = $5 WHERE id = $6")
                .bind(&incident.title).bind(&incident.severity).bind(incident.team_id).bind(incident.started_at).bind(incident.resolved_at).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            // Resolving starts the care after it, in the same transaction (once per
            // incident: resolving again after a reopen does not ask everyone again).
            if done == 1 && incident.resolved_at.is_some() {
                let (key, payload) = crate::care::care_job_key(id, None);
                sqlx::query(crate::care::SQL_ENQUEUE_CARE).bind(payload).bind(now).bind(key)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(done)
        })?;
        Ok((done == 1).then_some(incident))
    }

    /// The teams an incident's pages were for.
    pub async fn incident_page_teams(&self, incident: &Incident) -> Result<Vec<TeamId>> {
        let sql = "SELECT DISTINCT team_id FROM notifications WHERE source = $1 AND incident_key = $2 AND delivery_id IS NOT NULL AND team_id IS NOT NULL";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql)
            .bind(&incident.source).bind(&incident.incident_key).fetch_all(p).await)?)
    }

    /// Deletes an incident and its participants (its pages stay: they are the person's).
    pub async fn delete_incident(&self, id: IncidentId) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM incidents WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// How many pages an incident has, and to how many people.
    pub async fn incident_page_count(&self, incident: &Incident) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE source = $1 AND incident_key = $2 AND delivery_id IS NOT NULL")
            .bind(&incident.source).bind(&incident.incident_key).fetch_one(p).await)?,
        )
    }
}
