//! Pages in: webhook deliveries and the notifications they carry, and the reads
//! that burden figures and "the pages behind this number" are made of.

use crate::ids::{DeliveryId, IntegrationId, NotificationId, PersonId, TeamId};
use crate::{BeginWrite, Result, Store, StoreError, now_ms, with_pool};

/// Whom a sender named on a page, as it named them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Named {
    /// The identity kind this sender's ids belong to (`pagerduty`, `opsgenie`, ...).
    pub kind: String,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// One notification to one person (or to nobody yet known: `person_id` is `None`
/// for a page that no payload, schedule or identity could attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub person_id: Option<PersonId>,
    pub team_id: Option<TeamId>,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub incident_key: String,
    pub source: String,
    pub basis: String,
    /// When set, this notification first tries to claim an unattributed (or only
    /// schedule-attributed, basis `on_call`) one for the same team and incident (an
    /// Opsgenie acknowledgement naming who was paged for an alert whose creation
    /// named nobody) and is inserted only if there is none.
    pub claims_unattributed: bool,
    pub title: Option<String>,
    pub link: Option<String>,
    pub named: Option<Named>,
}

impl NewNotification {
    /// A page with only the fields an import or a test needs.
    pub fn bare(
        person_id: Option<PersonId>,
        team_id: Option<TeamId>,
        at: i64,
        incident_key: &str,
        source: &str,
        basis: &str,
    ) -> NewNotification {
        NewNotification {
            person_id,
            team_id,
            at,
            incident_key: incident_key.to_string(),
            source: source.to_string(),
            basis: basis.to_string(),
            claims_unattributed: false,
            title: None,
            link: None,
            named: None,
        }
    }
}

/// The same page (team, instant, sender, incident, person) arriving twice, in
/// one delivery or many, from one process or several, is stored once: this key
/// is unique in the database.
fn dedupe_key(
    team: Option<TeamId>,
    at: i64,
    source: &str,
    person: Option<PersonId>,
    named: Option<&Named>,
    key: &str,
) -> String {
    let team = team.map(|t| t.0.to_string()).unwrap_or_default();
    // A page nobody matched is told apart by whom the sender named.
    let person = match (person, named) {
        (Some(p), _) => p.0.to_string(),
        (None, Some(n)) => format!(
            "?{}:{}:{}",
            n.kind,
            n.external_id.as_deref().unwrap_or(""),
            n.email.as_deref().unwrap_or("")
        ),
        (None, None) => String::new(),
    };
    format!("{team}|{at}|{source}|{person}|{key}")
}

/// A webhook delivery as received: raw bytes and the normalised event, stored in the
/// same transaction as the notifications it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub integration_id: IntegrationId,
    pub delivery_id: String,
    pub received_at: i64,
    pub raw: Vec<u8>,
    pub event_json: String,
    pub notifications: Vec<NewNotification>,
    /// What the delivery says about its incident, stored with it (none for events that
    /// are about no incident).
    pub incident: Option<crate::IncidentUpdate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum DeliveryOutcome {
    Stored { id: DeliveryId, notifications: u32 },
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: NotificationId,
    pub person_id: Option<PersonId>,
    pub team_id: Option<TeamId>,
    pub at: i64,
    pub incident_key: String,
    pub source: String,
    pub basis: String,
    pub title: Option<String>,
    pub link: Option<String>,
    pub named_kind: Option<String>,
    pub named_external_id: Option<String>,
    pub named_email: Option<String>,
    pub named_name: Option<String>,
}

macro_rules! select_notifications {
    ($rest:literal) => {
        concat!(
            "SELECT id, person_id, team_id, at, incident_key, source, basis, title, link, named_kind, named_external_id, named_email, named_name FROM notifications ",
            $rest
        )
    };
}

impl Store {
    /// Stores a group of webhook deliveries and their notifications in one
    /// transaction, so a 2xx can be sent for each as soon as this returns: one
    /// durable commit serves many concurrent senders. A delivery whose id was seen
    /// before for its integration is a replay and stores nothing.
    pub async fn record_deliveries(
        &self,
        deliveries: &[NewDelivery],
    ) -> Result<Vec<DeliveryOutcome>> {
        let insert = "INSERT INTO deliveries (integration_id, delivery_id, received_at, raw, event) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (integration_id, delivery_id) DO NOTHING RETURNING id";
        let insert_page = "INSERT INTO notifications (person_id, team_id, at, incident_key, source, basis, delivery_id, dedupe_key, title, link, named_kind, named_external_id, named_email, named_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING";
        let now = now_ms();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut outcomes = Vec::with_capacity(deliveries.len());
            // One update per integration in the group, not per delivery: a storm of
            // deliveries to one integration should not rewrite its row hundreds of times.
            let mut integrations: Vec<IntegrationId> = deliveries.iter().map(|d| d.integration_id).collect();
            integrations.sort();
            integrations.dedup();
            for integration in integrations {
                sqlx::query("UPDATE integrations SET last_delivery_at = $1 WHERE id = $2")
                    .bind(now).bind(integration).execute(&mut *tx).await?;
            }
            for d in deliveries {
                let id: Option<DeliveryId> = sqlx::query_scalar(insert)
                    .bind(d.integration_id).bind(&d.delivery_id).bind(d.received_at).bind(&d.raw).bind(&d.event_json)
                    .fetch_optional(&mut *tx).await?;
                let Some(id) = id else {
                    outcomes.push(DeliveryOutcome::Duplicate);
                    continue;
                };
                let mut stored = 0u32;
                for n in &d.notifications {
                    if n.claims_unattributed && n.person_id.is_some() {
                        let claimable: Vec<(NotificationId, i64)> = sqlx::query_as("SELECT id, at FROM notifications WHERE (person_id IS NULL OR basis = 'on_call') AND team_id = $1 AND incident_key = $2 AND source = $3")
                            .bind(n.team_id).bind(&n.incident_key).bind(&n.source)
                            .fetch_all(&mut *tx).await?;
                        for (claimed, at) in &claimable {
                            let key = dedupe_key(n.team_id, *at, &n.source, n.person_id, None, &n.incident_key);
                            let taken: Option<NotificationId> = sqlx::query_scalar("SELECT id FROM notifications WHERE dedupe_key = $1")
                                .bind(&key).fetch_optional(&mut *tx).await?;
                            if taken.is_some() {
                                // The person already has this page: the unattributed
                                // copy was the same page.
                                sqlx::query("DELETE FROM notifications WHERE id = $1").bind(*claimed).execute(&mut *tx).await?;
                            } else {
                                sqlx::query("UPDATE notifications SET person_id = $1, basis = $2, dedupe_key = $3 WHERE id = $4")
                                    .bind(n.person_id).bind(&n.basis).bind(&key).bind(*claimed)
                                    .execute(&mut *tx).await?;
                            }
                        }
                        if !claimable.is_empty() {
                            stored += 1;
                            continue;
                        }
                    }
                    // incident.io repeats an escalation's whole history in every
                    // delivery and Grafana's notified users are cumulative: a page
                    // already stored for this person, incident and instant is the same
                    // page, not a new one. The unique key decides, across processes.
                    let key = dedupe_key(n.team_id, n.at, &n.source, n.person_id, n.named.as_ref(), &n.incident_key);
                    let named = n.named.as_ref();
                    let done = sqlx::query(insert_page)
                        .bind(n.person_id).bind(n.team_id).bind(n.at).bind(&n.incident_key).bind(&n.source).bind(&n.basis).bind(id)
                        .bind(&key).bind(&n.title).bind(&n.link)
                        .bind(named.map(|x| x.kind.as_str()))
                        .bind(named.and_then(|x| x.external_id.as_deref()))
                        .bind(named.and_then(|x| x.email.as_deref()))
                        .bind(named.and_then(|x| x.name.as_deref()))
                        .execute(&mut *tx).await?;
                    stored += done.rows_affected() as u32;
                }
                if let Some(u) = &d.incident {
                    // The incident and its responders, in the delivery's transaction: a
                    // stored delivery always has its incident, a replay changes nothing.
                    let first_page = d.notifications.iter().map(|n| n.at).min().unwrap_or(u.at);
                    let (acknowledged, resolved) = match u.phase {
                        crate::IncidentPhase::Open => (None, None),
                        crate::IncidentPhase::Acknowledged => (Some(u.at), None),
                        crate::IncidentPhase::Resolved => (None, Some(u.at)),
                    };
                    let incident: crate::IncidentId = sqlx::query_scalar(crate::incidents::UPSERT_INCIDENT)
                        .bind(u.team_id).bind(&u.source).bind(&u.incident_key).bind(&u.title).bind(&u.severity)
                        .bind(first_page.min(u.at)).bind(acknowledged).bind(resolved).bind(now)
                        .bind(u.phase == crate::IncidentPhase::Open).bind(u.at)
                        .fetch_one(&mut *tx).await?;
                    for n in &d.notifications {
                        if let Some(person) = n.person_id {
                            sqlx::query(crate::incidents::UPSERT_RESPONDER)
                                .bind(incident).bind(person).bind(n.at).bind(n.at.max(u.at)).bind(now)
                                .execute(&mut *tx).await?;
                            if u.phase != crate::IncidentPhase::Resolved {
                                // The first page of a responder starts their handoff clock
                                // (the job checks, when it runs, that the incident is still open).
                                let (key, payload) = crate::care::handoff_job(incident, person);
                                sqlx::query(crate::care::SQL_ENQUEUE_HANDOFF)
                                    .bind(payload).bind(person).bind(n.at + crate::care::HANDOFF_AFTER_MS).bind(key).bind(now)
                                    .execute(&mut *tx).await?;
                            }
                        }
                    }
                    if u.phase == crate::IncidentPhase::Resolved {
                        let (key, payload) = crate::care::care_job_key(incident, None);
                        sqlx::query(crate::care::SQL_ENQUEUE_CARE)
                            .bind(payload).bind(now).bind(key)
                            .execute(&mut *tx).await?;
                    }
                }
                outcomes.push(DeliveryOutcome::Stored { id, notifications: stored });
            }
            tx.commit().await?;
            Ok::<_, StoreError>(outcomes)
        })
    }

    pub async fn count_deliveries(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM deliveries").fetch_one(p).await)?,
        )
    }

    pub async fn count_notifications(&self) -> Result<i64> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM notifications").fetch_one(p).await)?,
        )
    }

    /// One person's notification instants in `[from, to)`, ascending (milliseconds).
    pub async fn notification_instants(
        &self,
        person_id: PersonId,
        from: i64,
        to: i64,
    ) -> Result<Vec<i64>> {
        let sql = "SELECT at FROM notifications WHERE person_id = $1 AND at >= $2 AND at < $3 ORDER BY at";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(person_id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    /// A person's pages in `[from, to)`, oldest first: the story behind a figure.
    /// With `team`, only those they were paged for on that team.
    pub async fn pages_of(
        &self,
        person_id: PersonId,
        team: Option<TeamId>,
        from: i64,
        to: i64,
    ) -> Result<Vec<Notification>> {
        let sql = select_notifications!(
            "WHERE person_id = $1 AND at >= $2 AND at < $3 AND ($4 IS NULL OR team_id = $4) ORDER BY at, id"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Notification>(sql).bind(person_id).bind(from).bind(to).bind(team).fetch_all(p).await)?,
        )
    }

    /// How many pages nobody could be found for, for one team in `[from, to)`.
    pub async fn count_unattributed(&self, team_id: TeamId, from: i64, to: i64) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM notifications WHERE person_id IS NULL AND team_id = $1 AND at >= $2 AND at < $3";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(team_id).bind(from).bind(to).fetch_one(p).await)?,
        )
    }

    /// Pages that nobody could be found for, for one team in `[from, to)`, newest
    /// first (the order every view lists them in).
    pub async fn unattributed(
        &self,
        team_id: TeamId,
        from: i64,
        to: i64,
    ) -> Result<Vec<Notification>> {
        let sql = select_notifications!(
            "WHERE person_id IS NULL AND team_id = $1 AND at >= $2 AND at < $3 ORDER BY at DESC, id DESC"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Notification>(sql).bind(team_id).bind(from).bind(to).fetch_all(p).await)?,
        )
    }

    /// One notification, for "this is ..." on the unattributed list.
    pub async fn notification(&self, id: NotificationId) -> Result<Option<Notification>> {
        let sql = select_notifications!("WHERE id = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Notification>(sql).bind(id).fetch_optional(p).await)?,
        )
    }
}

/// One page to a team member with what "what wakes people" groups it by: its alert (the
/// page's title), the integration it came through, and its incident's times.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AlertPageRow {
    pub person_id: PersonId,
    pub at: i64,
    pub title: Option<String>,
    pub source: String,
    pub integration: Option<String>,
    pub started_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
}

impl Store {
    /// A team's attributed pages in `[from, to)`, by person then time, each with its
    /// integration's name and its incident's start, acknowledgement and resolution.
    pub async fn team_alert_pages(
        &self,
        team: TeamId,
        from: i64,
        to: i64,
    ) -> Result<Vec<AlertPageRow>> {
        let sql = "SELECT n.person_id, n.at, n.title, n.source, i.name AS integration, inc.started_at, inc.acknowledged_at, inc.resolved_at \
            FROM notifications n \
            LEFT JOIN deliveries d ON d.id = n.delivery_id \
            LEFT JOIN integrations i ON i.id = d.integration_id \
            LEFT JOIN incidents inc ON inc.source = n.source AND inc.incident_key = n.incident_key \
            WHERE n.team_id = $1 AND n.person_id IS NOT NULL AND n.at >= $2 AND n.at < $3 \
            ORDER BY n.person_id, n.at";
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, AlertPageRow>(sql).bind(team).bind(from).bind(to).fetch_all(p).await)?,
        )
    }
}
