//! Care after incidents (issue 7): the pure rules, no I/O, no database, no clock.
//!
//! * [`instrument`]: measures as data files (TOML), validated, scored, and read as a person's own trend
//!   in plain words that never diagnose.
//! * [`trend`]: a person's own scores over incidents, read in plain words.
//! * [`offsets`]: when check-ins fall after an incident resolves (`1d, 3d, 7d` by default).
//! * [`deliver`]: the next moment a message may reach a person, by their own hours and zone.
//! * [`pairing`]: who supports whom after an incident.
//! * [`guidance`]: the lead's checklist, the supporter's guidance and the journal prompts, as data.
//! * [`pulse`]: a team's figures in aggregate only, withheld when drawn from fewer than 5 people.
//!
//! Time is always passed in: nothing here reads the clock.

pub mod deliver;
pub mod guidance;
pub mod instrument;
pub mod offsets;
pub mod pairing;
pub mod pulse;
pub mod trend;

pub use crate::deliver::{NoAllowedMoment, is_allowed, next_allowed};
pub use crate::instrument::{
    Instrument, InstrumentError, Score, ScoreError, builtin, builtin_by_id,
};
pub use crate::offsets::{
    CheckinOffsets, OffsetError, SUPPORTER_NUDGE, SUPPORTER_REMINDER, parse_offset,
};
pub use crate::pairing::{Outcome, Pairing, Participant, PersonId, Volunteer, pair};
pub use crate::pulse::{Figure, LeadRecord, ParticipantRecord, SupporterRecord, TeamPulse};
pub use crate::trend::{Direction, Trend, TrendError, trend};
/// A person's time zone, working days and hours and sleep window: the same type the burden figures use.
pub use aftercare_burden::PersonHours;
