//! People: the directory, a person's own settings, their identities, and the
//! lifecycle (deactivate, reactivate, erase).

use serde::Serialize;

use aftercare_store::{Identity, NewAuditEntry, Person, PersonId, Store, TeamId, TeamRole};

use crate::error::{AppError, Result};
use crate::policy::{Actor, AdminRight};
use crate::validate::{self, PersonInput};

/// A person's own settings, as shown to them, their leads and admins.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct PersonSettings {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub working_days: String,
    pub working_start: String,
    pub working_end: String,
    pub sleep_start: String,
    pub sleep_end: String,
    pub is_admin: bool,
    pub active: bool,
    pub can_sign_in: bool,
}

impl From<&Person> for PersonSettings {
    fn from(p: &Person) -> Self {
        PersonSettings {
            id: p.id,
            name: p.name.clone(),
            email: p.email.clone(),
            time_zone: p.time_zone_name().to_string(),
            working_days: p.hours.working_days.to_string(),
            working_start: p.hours.working_hours.start(),
            working_end: p.hours.working_hours.end(),
            sleep_start: p.hours.sleep_window.start(),
            sleep_end: p.hours.sleep_window.end(),
            is_admin: p.is_admin,
            active: p.is_active(),
            can_sign_in: p.is_active() && p.password_hash.is_some(),
        }
    }
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct IdentityView {
    pub kind: String,
    pub external_id: String,
}

impl From<&Identity> for IdentityView {
    fn from(i: &Identity) -> Self {
        IdentityView {
            kind: i.kind.clone(),
            external_id: i.external_id.clone(),
        }
    }
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamRoleView {
    pub id: TeamId,
    pub name: String,
    pub role: TeamRole,
}

/// A person with their identities and teams.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub settings: PersonSettings,
    pub identities: Vec<IdentityView>,
    pub teams: Vec<TeamRoleView>,
    /// Teams whose leads proposed adding this person, waiting for them (shown to
    /// the person themselves and admins).
    pub pending_teams: Vec<TeamRoleView>,
}

pub(crate) async fn person_or_404(store: &Store, id: PersonId) -> Result<Person> {
    store
        .person(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("person {id}")))
}

/// A person whose work data the actor may see.
pub async fn visible(store: &Store, actor: &Actor, id: PersonId) -> Result<Person> {
    let person = person_or_404(store, id).await?;
    if !actor.sees_work_of(store, id).await? {
        return Err(AppError::Forbidden(format!(
            "person {id}'s figures are visible to them, the leads of their teams and admins"
        )));
    }
    Ok(person)
}

pub async fn detail(store: &Store, actor: &Actor, id: PersonId) -> Result<PersonDetail> {
    let person = visible(store, actor, id).await?;
    let identities = store.identities(id).await?;
    let teams = store.memberships(id).await?;
    let pending = if actor.is(id) || actor.is_admin() {
        store.pending_memberships(id).await?
    } else {
        vec![]
    };
    Ok(PersonDetail {
        settings: PersonSettings::from(&person),
        identities: identities.iter().map(IdentityView::from).collect(),
        teams: teams
            .iter()
            .map(|m| TeamRoleView {
                id: m.team.id,
                name: m.team.name.clone(),
                role: m.role,
            })
            .collect(),
        pending_teams: pending
            .iter()
            .map(|m| TeamRoleView {
                id: m.team.id,
                name: m.team.name.clone(),
                role: m.role,
            })
            .collect(),
    })
}

/// The directory (name, email, time zone) is visible to every signed-in person,
/// as in any paging tool; settings and figures are not.
pub async fn directory(store: &Store, _actor: &Actor) -> Result<Vec<Person>> {
    Ok(store
        .list_people()
        .await?
        .into_iter()
        .filter(Person::is_active)
        .collect())
}

/// Adds a person (admins), optionally to a team.
pub async fn create(
    store: &Store,
    actor: &Actor,
    _right: &AdminRight,
    input: &PersonInput,
    team: Option<&str>,
) -> Result<Person> {
    let new = validate::person(input)?;
    let team = match team.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(name) => Some(
            store
                .team_by_name(name)
                .await?
                .ok_or_else(|| AppError::invalid("team", format!("no team called {name:?}")))?,
        ),
    };
    if store.person_by_email(&new.email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "email: a person with {} already exists",
            new.email
        )));
    }
    let person = store.create_person(&new).await?;
    if let Some(team) = team {
        store.join_team(team.id, person.id).await?;
        audit(
            store,
            actor,
            "membership.add",
            Some(team.id),
            &person.email,
            "member",
        )
        .await?;
    }
    audit(store, actor, "person.create", None, &person.email, "").await?;
    Ok(person)
}

/// Fields a person (or an admin) may change; absent fields keep their value.
#[derive(utoipa::ToSchema, Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub name: Option<String>,
    #[serde(alias = "timezone")]
    pub time_zone: Option<String>,
    pub working_days: Option<String>,
    pub working_start: Option<String>,
    pub working_end: Option<String>,
    pub sleep_start: Option<String>,
    pub sleep_end: Option<String>,
}

/// What an update stored, and a gentle warning if the sleep window looks wrong.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct Updated {
    #[serde(flatten)]
    pub settings: PersonSettings,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

pub async fn update(
    store: &Store,
    actor: &Actor,
    id: PersonId,
    patch: PersonPatch,
) -> Result<Updated> {
    actor.may_edit(id)?;
    let person = person_or_404(store, id).await?;
    let current = PersonSettings::from(&person);
    let input = PersonInput {
        name: patch.name.unwrap_or(current.name),
        email: current.email,
        time_zone: patch.time_zone.unwrap_or(current.time_zone),
        working_days: Some(patch.working_days.unwrap_or(current.working_days)),
        working_start: Some(patch.working_start.unwrap_or(current.working_start)),
        working_end: Some(patch.working_end.unwrap_or(current.working_end)),
        sleep_start: Some(patch.sleep_start.unwrap_or(current.sleep_start)),
        sleep_end: Some(patch.sleep_end.unwrap_or(current.sleep_end)),
    };
    let new = validate::person(&input)?;
    let warnings: Vec<String> = validate::sleep_warning(&new.hours).into_iter().collect();
    let updated = store.update_person(id, &new).await?;
    Ok(Updated {
        settings: PersonSettings::from(&updated),
        warnings,
    })
}

/// What linking an identity did.
#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct IdentityLinked {
    pub identities: Vec<IdentityView>,
    /// Earlier pages that named this identity and matched nobody, now this
    /// person's.
    pub reattributed: u64,
}

/// Links a paging-tool identity to a person (they or an admin). One held by
/// someone else is a conflict unless an admin moves it.
pub async fn link_identity(
    store: &Store,
    actor: &Actor,
    id: PersonId,
    kind: &str,
    external_id: &str,
) -> Result<IdentityLinked> {
    actor.may_edit(id)?;
    let person = person_or_404(store, id).await?;
    let (kind, external_id) = validate::identity(kind, external_id)?;
    let linked = store
        .link_identity(id, &kind, &external_id, actor.is_admin())
        .await
        .map_err(|e| match e {
            aftercare_store::StoreError::Conflict(why) => {
                AppError::Conflict(format!("external_id: {why}"))
            }
            other => other.into(),
        })?;
    audit(
        store,
        actor,
        "identity.link",
        None,
        &person.email,
        &format!("{kind}:{external_id}"),
    )
    .await?;
    Ok(IdentityLinked {
        identities: store
            .identities(id)
            .await?
            .iter()
            .map(IdentityView::from)
            .collect(),
        reattributed: linked.reattributed,
    })
}

pub async fn remove_identity(
    store: &Store,
    actor: &Actor,
    id: PersonId,
    kind: &str,
    external_id: &str,
) -> Result<Vec<IdentityView>> {
    actor.may_edit(id)?;
    let person = person_or_404(store, id).await?;
    if !store
        .remove_identity(id, kind.trim(), external_id.trim())
        .await?
    {
        return Err(AppError::NotFound(format!(
            "{} identity {:?} of person {id}",
            kind.trim(),
            external_id.trim()
        )));
    }
    audit(
        store,
        actor,
        "identity.remove",
        None,
        &person.email,
        &format!("{}:{}", kind.trim(), external_id.trim()),
    )
    .await?;
    Ok(store
        .identities(id)
        .await?
        .iter()
        .map(IdentityView::from)
        .collect())
}

/// Deactivates a person: their sessions and tokens end at once; their history
/// stays.
pub async fn deactivate(
    store: &Store,
    actor: &Actor,
    _right: &AdminRight,
    id: PersonId,
) -> Result<()> {
    let person = person_or_404(store, id).await?;
    if actor.is(id) {
        return Err(AppError::Conflict(
            "you cannot deactivate yourself; ask another admin".into(),
        ));
    }
    store.deactivate_person(id).await?;
    audit(store, actor, "person.deactivate", None, &person.email, "").await
}

pub async fn reactivate(
    store: &Store,
    actor: &Actor,
    _right: &AdminRight,
    id: PersonId,
) -> Result<()> {
    let person = person_or_404(store, id).await?;
    store.reactivate_person(id).await?;
    audit(store, actor, "person.reactivate", None, &person.email, "").await
}

/// Erases a person on request, with everything that is theirs.
pub async fn erase(store: &Store, actor: &Actor, _right: &AdminRight, id: PersonId) -> Result<()> {
    let person = person_or_404(store, id).await?;
    if actor.is(id) {
        return Err(AppError::Conflict(
            "you cannot erase yourself; ask another admin".into(),
        ));
    }
    store.erase_person(id).await?;
    // The audit keeps that an erasure happened, not who it was about.
    audit(
        store,
        actor,
        "person.erase",
        None,
        &format!("person {}", person.id),
        "",
    )
    .await
}

pub(crate) async fn audit(
    store: &Store,
    actor: &Actor,
    action: &str,
    team: Option<TeamId>,
    subject: &str,
    detail: &str,
) -> Result<()> {
    store
        .audit(&NewAuditEntry {
            actor_id: actor.person_id(),
            actor: actor.label(),
            action: action.into(),
            team_id: team,
            subject: subject.into(),
            detail: detail.into(),
        })
        .await?;
    Ok(())
}
