//! On-call schedules from iCalendar exports (PagerDuty, Opsgenie, ...).

use jiff::Timestamp;
use serde::Serialize;

use aftercare_store::{PersonId, Store, Team};

use crate::error::{AppError, Result};
use crate::policy::LeadRight;

/// What a schedule import stored.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ImportedSchedule {
    pub shifts: u64,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub source: String,
}

/// Imports an iCalendar on-call export (PagerDuty, Opsgenie, ...) as the team's
/// shifts: all of them or, if any shift names someone Aftercare does not know,
/// none. Re-importing a newer export replaces the shifts it overlaps.
pub async fn import_schedule(
    store: &Store,
    right: &LeadRight,
    team: &Team,
    ical: &str,
) -> Result<ImportedSchedule> {
    if right.team() != team.id {
        return Err(AppError::Forbidden(
            "only the team's leads and admins may import its schedule".into(),
        ));
    }
    let shifts = aftercare_schedule::parse_ical(ical)
        .map_err(|e| AppError::Malformed(format!("calendar: {e}")))?;
    let rows: Vec<aftercare_store::NewShift> = people_of(store, &shifts)
        .await?
        .into_iter()
        .zip(&shifts)
        .map(|(person_id, s)| aftercare_store::NewShift {
            person_id,
            starts_at: s.start.as_millisecond(),
            ends_at: s.end.as_millisecond(),
        })
        .collect();
    let schedule = shifts.iter().find_map(|s| s.schedule.clone());
    let source = match &schedule {
        Some(name) => format!("ical:{name}"),
        None => "ical".to_string(),
    };
    let stored = store.replace_shifts(team.id, &source, &rows).await?;
    Ok(ImportedSchedule {
        shifts: stored,
        from: shifts.iter().map(|s| s.start).min(),
        to: shifts.iter().map(|s| s.end).max(),
        source,
    })
}

/// The person each shift names, by email and else by name, in the shifts' order; if
/// any shift names someone Aftercare does not know, an error listing every one of them.
pub(crate) async fn people_of(
    store: &Store,
    shifts: &[aftercare_schedule::Shift],
) -> Result<Vec<PersonId>> {
    let people: std::collections::HashMap<String, PersonId> =
        store.person_ids_by_email().await?.into_iter().collect();
    let by_name: std::collections::HashMap<String, PersonId> = store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.name.to_lowercase(), p.id))
        .collect();
    let mut unknown = std::collections::BTreeSet::new();
    let mut found_all = Vec::with_capacity(shifts.len());
    for s in shifts {
        let found = s
            .person
            .email
            .as_ref()
            .and_then(|e| people.get(e))
            .or_else(|| {
                s.person
                    .name
                    .as_ref()
                    .and_then(|n| by_name.get(&n.to_lowercase()))
            });
        match found {
            Some(&person_id) => found_all.push(person_id),
            None => {
                let who = s
                    .person
                    .email
                    .clone()
                    .or_else(|| s.person.name.clone())
                    .unwrap_or_else(|| "nobody".into());
                unknown.insert(format!("{who} (shift starting {})", s.start));
            }
        }
    }
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.into_iter().collect();
        return Err(AppError::Malformed(format!(
            "calendar: {} shift(s) name people who are not in Aftercare, so nothing was imported; add them (or their email) first: {}",
            list.len(),
            list.join("; ")
        )));
    }
    Ok(found_all)
}

/// A shift as listed: who, when, from which source.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ShiftView {
    pub person_id: PersonId,
    pub name: Option<String>,
    pub start: Timestamp,
    pub end: Timestamp,
    pub source: String,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamShifts {
    pub team: crate::teams::TeamView,
    pub shifts: Vec<ShiftView>,
}

/// A team's shifts in a period (its members and admins). Anyone rostered is
/// named, member of the team or not (a schedule may lend people from elsewhere).
pub async fn team_shifts(
    store: &Store,
    actor: &crate::policy::Actor,
    team: aftercare_store::TeamId,
    period: aftercare_burden::Period,
) -> Result<TeamShifts> {
    let team = crate::teams::visible(store, actor, team).await?;
    let shifts = store
        .shifts(
            team.id,
            period.from().as_millisecond(),
            period.to().as_millisecond(),
        )
        .await?;
    let people: std::collections::HashMap<PersonId, String> = store
        .list_people()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let ts =
        |ms: i64| Timestamp::from_millisecond(ms).map_err(|e| AppError::Internal(e.to_string()));
    let mut out = Vec::with_capacity(shifts.len());
    for s in &shifts {
        out.push(ShiftView {
            person_id: s.person_id,
            name: people.get(&s.person_id).cloned(),
            start: ts(s.starts_at)?,
            end: ts(s.ends_at)?,
            source: s.source.clone(),
        });
    }
    Ok(TeamShifts {
        team: crate::teams::TeamView::from(&team),
        shifts: out,
    })
}
