//! Newtype ids, so a team id can never be passed where a person id is meant. They
//! are plain `BIGINT`s in both databases and plain numbers in JSON.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

id_type!(
    /// A person: someone who carries the pager, responds or writes reviews.
    PersonId
);
id_type!(
    /// A team.
    TeamId
);
id_type!(
    /// An integration's internal id (its ingest path carries a separate public id).
    IntegrationId
);
id_type!(
    /// A stored webhook delivery.
    DeliveryId
);
id_type!(
    /// One notification to one person.
    NotificationId
);
id_type!(
    /// An on-call shift.
    ShiftId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// An incident: one per sender's incident key, or made by hand.
    IncidentId
);
id_type!(
    /// An entry of the audit log.
    AuditId
);
id_type!(
    /// A durable job (a message to deliver, a send over one channel).
    JobId
);
id_type!(
    /// A message in a person's in-app inbox.
    InboxMessageId
);
id_type!(
    /// One check-in of one person after one incident.
    CheckinId
);
id_type!(
    /// A participant paired with a peer supporter after an incident.
    PairingId
);
id_type!(
    /// One sealed journal entry.
    JournalEntryId
);
id_type!(
    /// One of the organisation's professional support resources.
    SupportResourceId
);
id_type!(
    /// A rotation: people taking turns carrying a team's pager.
    RotationId
);
id_type!(
    /// A request for someone else to carry a rotation's pager over a span.
    CoverRequestId
);
id_type!(
    /// Someone on call for a span instead of whoever the rotation says.
    OverrideId
);
id_type!(
    /// A proposed schedule for a rotation, from the fair rotation generator.
    PlanId
);
id_type!(
    /// A span of time off: leave, a family event, an appointment.
    TimeOffId
);
id_type!(
    /// A calendar feed's secret URL.
    FeedId
);
id_type!(
    /// A fire drill: a practice incident for a rotation.
    DrillId
);
id_type!(
    /// A schedule: a team's rotations stacked in layers.
    ScheduleId
);
id_type!(
    /// A public-holiday calendar of a region, imported from an iCalendar feed.
    HolidayCalendarId
);
id_type!(
    /// Rest earned in one shift after bad nights.
    RestId
);
id_type!(
    /// A person new to a rotation's on call, with their buddy.
    NewcomerId
);
id_type!(
    /// A span a newcomer shadows whoever is on call.
    ShadowShiftId
);
