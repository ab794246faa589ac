//! Rows as the store hands them out. Values arrive already validated by the domain
//! crates (time zones, working days, windows), so the store keeps them as text.

use serde::Serialize;

/// A person who carries the pager, writes reviews or both. An account is a person
/// with a password or an API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub working_days: String,
    pub working_start: String,
    pub working_end: String,
    pub sleep_start: String,
    pub sleep_end: String,
    pub is_admin: bool,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: i64,
}

/// The fields of a person that an import or a form sets; `email` is the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub working_days: String,
    pub working_start: String,
    pub working_end: String,
    pub sleep_start: String,
    pub sleep_end: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

/// A team's role for one of its members: a lead sees the team's work data
/// (pages, shifts), never anyone's wellbeing data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamRole {
    Member,
    Lead,
}

impl TeamRole {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Member => "member",
            TeamRole::Lead => "lead",
        }
    }

    pub(crate) fn from_db(s: &str) -> TeamRole {
        if s == "lead" {
            TeamRole::Lead
        } else {
            TeamRole::Member
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    pub person: Person,
    pub role: TeamRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub team: Team,
    pub role: TeamRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Identity {
    pub person_id: i64,
    pub kind: String,
    pub external_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub id_hash: String,
    pub person_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub token_hash: String,
    pub person_id: Option<i64>,
    pub is_admin: bool,
    pub label: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Integration {
    pub id: i64,
    pub public_id: String,
    pub team_id: i64,
    pub source: String,
    pub name: String,
    #[serde(skip)]
    pub secret: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIntegration {
    pub public_id: String,
    pub team_id: i64,
    pub source: String,
    pub name: String,
    pub secret: String,
}

/// One notification to one person (or to nobody yet known: `person_id` is `None`
/// for a page that no payload, schedule or identity could attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub person_id: Option<i64>,
    pub team_id: Option<i64>,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub incident_key: String,
    pub source: String,
    pub basis: String,
    /// When set, this notification first tries to claim an unattributed (or only
    /// schedule-attributed, basis `on_call`) one for the same team and incident (an Opsgenie acknowledgement naming who was paged for
    /// an alert whose creation named nobody) and is inserted only if there is none.
    pub claims_unattributed: bool,
}

/// A webhook delivery as received: raw bytes and the normalised event, stored in the
/// same transaction as the notifications it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub integration_id: i64,
    pub delivery_id: String,
    pub received_at: i64,
    pub raw: Vec<u8>,
    pub event_json: String,
    pub notifications: Vec<NewNotification>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum DeliveryOutcome {
    Stored { id: i64, notifications: u32 },
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub person_id: Option<i64>,
    pub team_id: Option<i64>,
    pub at: i64,
    pub incident_key: String,
    pub source: String,
    pub basis: String,
}

/// What a people import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportedPeople {
    pub created: u32,
    pub updated: u32,
}

/// One row of a people import: the person, the team they join, and their
/// external identities as `(kind, external_id)` pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPerson {
    pub person: NewPerson,
    pub team: Option<String>,
    pub identities: Vec<(String, String)>,
}

/// An on-call shift to store; instants in milliseconds, `starts_at < ends_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShift {
    pub person_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Shift {
    pub id: i64,
    pub team_id: i64,
    pub person_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub source: String,
}
