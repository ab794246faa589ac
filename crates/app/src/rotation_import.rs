//! Bringing an existing schedule into a rotation (issue 9, item 4): an iCalendar export
//! from PagerDuty, Opsgenie or any calendar becomes the rotation's overrides for the
//! spans it covers, so the team starts from what it has and the rotation's own order
//! takes over where the export ends. Re-importing replaces what the last import put on
//! those spans; overrides people arranged by hand or by cover stay.

use std::collections::{BTreeSet, HashSet};

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use aftercare_store::{NewOverride, PersonId, RotationId, Store};

use crate::error::{AppError, Result};
use crate::people::audit;
use crate::policy::Actor;
use crate::rotations::{names, visible};
use crate::schedule::people_of;

/// What an import brought in.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct ImportedIntoRotation {
    pub rotation_id: RotationId,
    /// Overrides stored (one per shift of the export).
    pub overrides: u64,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// The export's schedule name, when it says one.
    pub schedule: Option<String>,
    /// Everyone the export put on call, by name.
    pub people: Vec<String>,
}

/// The longest shift an export may hold: a year, as for a rotation's own shifts.
const MAX_SHIFT_DAYS: i64 = 366;

/// Imports `ical` into rotation `id`: all of it or, if any shift names someone who is
/// not in the rotation's team, none. An export holding several schedules (PagerDuty's
/// "entire schedule" with layers, or two schedules in one file) needs `schedule`, the
/// one to bring in.
pub async fn import_ical(
    store: &Store,
    actor: &Actor,
    id: RotationId,
    ical: &str,
    schedule: Option<&str>,
) -> Result<ImportedIntoRotation> {
    let r = visible(store, actor, id).await?;
    actor.lead(r.rotation.team_id, "import a schedule into a rotation")?;
    let mut shifts = aftercare_schedule::parse_ical(ical)
        .map_err(|e| AppError::Malformed(format!("calendar: {e}")))?;
    let named: BTreeSet<String> = shifts.iter().filter_map(|s| s.schedule.clone()).collect();
    match schedule.map(str::trim).filter(|s| !s.is_empty()) {
        Some(wanted) => {
            if !named.iter().any(|n| n.eq_ignore_ascii_case(wanted)) {
                return Err(AppError::invalid(
                    "schedule",
                    format!(
                        "the calendar holds no schedule called {wanted:?}; it holds: {}",
                        list_or_none(&named)
                    ),
                ));
            }
            shifts.retain(|s| {
                s.schedule
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            });
        }
        None if named.len() > 1 => {
            return Err(AppError::invalid(
                "schedule",
                format!(
                    "the calendar holds {} schedules ({}): say which one this rotation is",
                    named.len(),
                    list_or_none(&named)
                ),
            ));
        }
        None => {}
    }
    if shifts.is_empty() {
        return Err(AppError::Malformed(
            "calendar: it holds no on-call shifts, so nothing was imported".into(),
        ));
    }
    if let Some(long) = shifts
        .iter()
        .find(|s| s.end.duration_since(s.start) > SignedDuration::from_hours(24 * MAX_SHIFT_DAYS))
    {
        return Err(AppError::Malformed(format!(
            "calendar: the shift starting {} is longer than a year, so nothing was imported",
            long.start
        )));
    }
    let people = people_of(store, &shifts).await?;
    let in_team: HashSet<PersonId> = store
        .team_members(r.rotation.team_id)
        .await?
        .iter()
        .map(|m| m.person.id)
        .collect();
    let names = names(store).await?;
    let outside: BTreeSet<&str> = people
        .iter()
        .filter(|p| !in_team.contains(p))
        .map(|p| names.get(p).map_or("someone", String::as_str))
        .collect();
    if !outside.is_empty() {
        return Err(AppError::Malformed(format!(
            "calendar: {} not in this rotation's team, so nothing was imported; add them to the team first",
            outside.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let label = named
        .iter()
        .next()
        .cloned()
        .filter(|_| named.len() == 1)
        .or_else(|| schedule.map(str::to_string));
    let note = match &label {
        Some(n) => format!("imported from {n}"),
        None => "imported".to_string(),
    };
    let rotation = crate::rotations::model(&r)?;
    let overrides: Vec<NewOverride> = shifts
        .iter()
        .zip(&people)
        .map(|(s, &person)| NewOverride {
            rotation_id: id,
            person_id: person,
            starts_at: s.start.as_millisecond(),
            ends_at: s.end.as_millisecond(),
            replaces: rotation.turn_at(s.start).map(|t| PersonId(t.member)),
            note: note.clone(),
            created_by: actor.person_id(),
        })
        .collect();
    let from = shifts.iter().map(|s| s.start).min();
    let to = shifts.iter().map(|s| s.end).max();
    let (Some(lo), Some(hi)) = (from, to) else {
        return Err(AppError::Malformed("calendar: no shifts".into()));
    };
    let stored = store
        .replace_imported_overrides(id, lo.as_millisecond(), hi.as_millisecond(), &overrides)
        .await?;
    let mut who: Vec<String> = people
        .iter()
        .map(|p| names.get(p).cloned().unwrap_or_default())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    who.sort();
    audit(
        store,
        actor,
        "rotation.import",
        Some(r.rotation.team_id),
        &r.rotation.name,
        &format!(
            "{stored} shifts from {lo} to {hi}{}",
            label
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default()
        ),
    )
    .await?;
    Ok(ImportedIntoRotation {
        rotation_id: id,
        overrides: stored,
        from,
        to,
        schedule: label,
        people: who,
    })
}

/// The rotation called `name`, in `team` (name or id) when given: rotation names are
/// unique within a team, so without a team a name two teams use is ambiguous.
pub async fn rotation_named(
    store: &Store,
    actor: &Actor,
    name: &str,
    team: Option<&str>,
) -> Result<RotationId> {
    let teams = match team {
        Some(t) => vec![crate::integrations::team_by_name_or_id(store, t).await?],
        None => store.list_teams().await?,
    };
    let mut found = Vec::new();
    for t in &teams {
        for r in store.team_rotations(t.id).await? {
            if r.rotation.name.eq_ignore_ascii_case(name.trim()) && actor.sees_team(t.id) {
                found.push((r.rotation.id, t.name.clone()));
            }
        }
    }
    match found.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(AppError::invalid(
            "rotation",
            format!(
                "no rotation called {:?}{}",
                name.trim(),
                team.map(|t| format!(" in team {t:?}")).unwrap_or_default()
            ),
        )),
        many => Err(AppError::invalid(
            "rotation",
            format!(
                "{} teams have a rotation called {:?} ({}): name the team too",
                many.len(),
                name.trim(),
                many.iter()
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn list_or_none(names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        "none named".to_string()
    } else {
        names.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}
