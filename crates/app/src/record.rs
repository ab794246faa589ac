//! A person's record in context, the "batting average" of seed 001 (from stand-up
//! comedy: "what's your batting average?"): one hard incident beside everything
//! they covered and answered.

use aftercare_burden::Period;
use aftercare_store::{PersonId, Store};
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::policy::Actor;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Record {
    pub person_id: PersonId,
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    pub shifts_covered: i64,
    pub pages_answered: i64,
    pub incidents_helped: i64,
    pub incidents_resolved: i64,
    /// Changes of theirs that were part of an incident: only where an integration
    /// reports deploys, and none does yet, so this is not counted.
    pub changes_in_incidents: Option<i64>,
    pub reading: String,
}

pub async fn record(
    store: &Store,
    actor: &Actor,
    person: PersonId,
    period: Period,
) -> Result<Record> {
    if !actor.sees_work_of(store, person).await? {
        return Err(AppError::NotFound(format!("person {person}")));
    }
    let r = store
        .person_record(
            person,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    let reading = if r.incidents == 0 {
        format!(
            "{} shifts covered and {} pages answered in this period, with no incidents.",
            r.shifts, r.pages
        )
    } else {
        format!(
            "{} shifts covered, {} pages answered, {} incidents helped through ({} resolved). One hard incident is one line in a long record.",
            r.shifts, r.pages, r.incidents, r.incidents_resolved
        )
    };
    Ok(Record {
        person_id: person,
        from: period.from(),
        to: period.to(),
        shifts_covered: r.shifts,
        pages_answered: r.pages,
        incidents_helped: r.incidents,
        incidents_resolved: r.incidents_resolved,
        changes_in_incidents: None,
        reading,
    })
}
