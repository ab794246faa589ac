//! Whom a page lands on. A sender names people by its own ids or by email; a page
//! that names nobody goes to whoever the team's schedule had on call. An
//! integration credits pages only to members of its own team: anyone else it names
//! is kept on the unattributed list with how the sender named them, so a lead can
//! link them if they really belong (and no team can push pages onto another
//! team's people).

use aftercare_store::{Integration, Named, NewNotification, PersonId, Store};
use aftercare_webhooks::{Basis, Event, Recipient, Source};

use crate::error::Result;

/// The identity kind under which a source's user ids are stored for people.
pub fn identity_kind(source: Source) -> &'static str {
    source.as_str()
}

/// Finds the person a sender names: by the source's external id, then by email.
async fn resolve(store: &Store, source: Source, r: &Recipient) -> Result<Option<PersonId>> {
    if let Some(id) = &r.external_id
        && let Some(pid) = store.person_by_identity(identity_kind(source), id).await?
    {
        return Ok(Some(pid));
    }
    if let Some(email) = &r.email {
        if let Some(p) = store.person_by_email(email).await? {
            return Ok(Some(p.id));
        }
        if let Some(pid) = store
            .person_by_identity("email", &email.to_lowercase())
            .await?
        {
            return Ok(Some(pid));
        }
    }
    // Opsgenie names the acknowledger by username, which is usually an email but
    // arrives as an external id.
    if let Some(id) = &r.external_id
        && id.contains('@')
        && let Some(p) = store.person_by_email(id).await?
    {
        return Ok(Some(p.id));
    }
    Ok(None)
}

fn basis_str(b: Basis) -> &'static str {
    match b {
        Basis::Notified => "notified",
        Basis::Assigned => "assigned",
        Basis::Acknowledged => "acknowledged",
        Basis::Unattributed => "unattributed",
    }
}

fn named(source: Source, r: &Recipient) -> Named {
    Named {
        kind: identity_kind(source).to_string(),
        external_id: r.external_id.clone(),
        email: r.email.clone(),
        name: r.name.clone(),
    }
}

/// Turns an event's pages into notifications: one per matched member of the
/// integration's team, and an unattributed one for a page nobody on the team could
/// be found for (kept, and shown as such, rather than dropped).
pub async fn notifications_for(
    store: &Store,
    integration: &Integration,
    source: Source,
    event: &Event,
) -> Result<Vec<NewNotification>> {
    let members: Vec<PersonId> = store
        .team_members(integration.team_id)
        .await?
        .iter()
        .map(|m| m.person.id)
        .collect();
    let mut out = Vec::new();
    for page in &event.pages {
        let mut matched = Vec::new();
        let mut outsiders = Vec::new();
        for r in &page.recipients {
            match resolve(store, source, r).await? {
                Some(pid) if members.contains(&pid) => {
                    if !matched.contains(&pid) {
                        matched.push(pid);
                    }
                }
                _ => outsiders.push(named(source, r)),
            }
        }
        let base = NewNotification {
            person_id: None,
            team_id: Some(integration.team_id),
            at: page.at.as_millisecond(),
            incident_key: event.incident_key.clone(),
            source: source.as_str().to_string(),
            basis: basis_str(page.basis).to_string(),
            claims_unattributed: page.basis == Basis::Acknowledged,
            title: event.title.clone(),
            link: None,
            named: None,
        };
        if !matched.is_empty() {
            for pid in matched {
                out.push(NewNotification {
                    person_id: Some(pid),
                    ..base.clone()
                });
            }
            continue;
        }
        // An acknowledgement by someone we do not know adds nothing: the page it
        // refers to is already stored.
        if page.basis == Basis::Acknowledged {
            continue;
        }
        // The payload names nobody on the team: the member on call for the team at
        // that instant, if an imported schedule, else the primary of one of the team's
        // schedules, else one of its rotations says so; otherwise the page is kept as
        // unattributed, with whom the sender named.
        let on_call = match store
            .on_call(integration.team_id, page.at.as_millisecond())
            .await?
        {
            Some(pid) => Some(pid),
            None => crate::schedules::on_call_for_team(store, integration.team_id, page.at).await?,
        }
        .filter(|pid| members.contains(pid));
        match on_call {
            Some(pid) if outsiders.is_empty() => out.push(NewNotification {
                person_id: Some(pid),
                basis: "on_call".into(),
                claims_unattributed: false,
                ..base
            }),
            _ if outsiders.is_empty() => out.push(NewNotification {
                basis: "unattributed".into(),
                claims_unattributed: false,
                ..base
            }),
            _ => {
                for who in outsiders {
                    out.push(NewNotification {
                        basis: "unattributed".into(),
                        claims_unattributed: false,
                        named: Some(who),
                        ..base.clone()
                    });
                }
            }
        }
    }
    Ok(out)
}

/// What an event (and its body, for the severity) says about its incident, or `None` for an event about no incident
/// (a shift change, an event type we do not read).
pub fn incident_update(
    integration: &Integration,
    source: Source,
    event: &Event,
    body: &[u8],
) -> Option<aftercare_store::IncidentUpdate> {
    use aftercare_store::IncidentPhase;
    use aftercare_webhooks::EventKind;
    let phase = match event.kind {
        EventKind::Triggered | EventKind::Escalated | EventKind::Notified => IncidentPhase::Open,
        EventKind::Acknowledged => IncidentPhase::Acknowledged,
        EventKind::Resolved => IncidentPhase::Resolved,
        EventKind::Other => return None,
    };
    if event.incident_key.trim().is_empty() {
        return None;
    }
    Some(aftercare_store::IncidentUpdate {
        team_id: Some(integration.team_id),
        source: source.as_str().to_string(),
        incident_key: event.incident_key.clone(),
        title: event.title.clone().filter(|t| !t.trim().is_empty()),
        severity: aftercare_webhooks::severity(source, body),
        at: event.occurred_at.as_millisecond(),
        phase,
    })
}
