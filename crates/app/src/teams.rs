//! Teams and their members. An admin adds people directly; a lead's addition is a
//! proposal the person accepts (and sees), because joining a team lets its leads
//! read one's figures.

use serde::Serialize;

use aftercare_store::{Person, PersonId, Store, Team, TeamId, TeamRole};

use crate::burden::PersonSummary;
use crate::error::{AppError, Result};
use crate::people::{audit, person_or_404};
use crate::policy::{Actor, AdminRight};
use crate::validate;

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamView {
    pub id: TeamId,
    pub name: String,
}

impl From<&Team> for TeamView {
    fn from(t: &Team) -> Self {
        TeamView {
            id: t.id,
            name: t.name.clone(),
        }
    }
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct MemberView {
    pub person: PersonSummary,
    pub role: TeamRole,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct TeamDetail {
    #[serde(flatten)]
    pub team: TeamView,
    pub members: Vec<MemberView>,
}

pub(crate) async fn team_or_404(store: &Store, id: TeamId) -> Result<Team> {
    store
        .team(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("team {id}")))
}

/// A team the actor may see (members and admins).
pub async fn visible(store: &Store, actor: &Actor, id: TeamId) -> Result<Team> {
    let team = team_or_404(store, id).await?;
    if !actor.sees_team(id) {
        return Err(AppError::Forbidden(format!(
            "team {id} is visible to its members and admins"
        )));
    }
    Ok(team)
}

/// The teams the actor may see.
pub async fn list(store: &Store, actor: &Actor) -> Result<Vec<Team>> {
    Ok(store
        .list_teams()
        .await?
        .into_iter()
        .filter(|t| actor.sees_team(t.id))
        .collect())
}

pub async fn detail(store: &Store, actor: &Actor, id: TeamId) -> Result<TeamDetail> {
    let team = visible(store, actor, id).await?;
    let members = store.team_members(id).await?;
    Ok(TeamDetail {
        team: TeamView::from(&team),
        members: members
            .iter()
            .map(|m| MemberView {
                person: PersonSummary::from(&m.person),
                role: m.role,
            })
            .collect(),
    })
}

pub async fn create(store: &Store, actor: &Actor, _right: &AdminRight, name: &str) -> Result<Team> {
    let name = validate::team_name_as("name", name)?;
    let team = store.create_team(&name).await.map_err(|e| match e {
        aftercare_store::StoreError::Conflict(_) => {
            AppError::Conflict(format!("name: a team called {name:?} already exists"))
        }
        other => other.into(),
    })?;
    audit(store, actor, "team.create", Some(team.id), &team.name, "").await?;
    Ok(team)
}

pub async fn rename(store: &Store, actor: &Actor, id: TeamId, name: &str) -> Result<Team> {
    actor.lead(id, "rename it")?;
    let before = team_or_404(store, id).await?;
    let name = validate::team_name_as("name", name)?;
    let team = store.rename_team(id, &name).await.map_err(|e| match e {
        aftercare_store::StoreError::Conflict(_) => {
            AppError::Conflict(format!("name: a team called {name:?} already exists"))
        }
        other => other.into(),
    })?;
    audit(
        store,
        actor,
        "team.rename",
        Some(id),
        &team.name,
        &format!("was {:?}", before.name),
    )
    .await?;
    Ok(team)
}

pub async fn delete(store: &Store, actor: &Actor, _right: &AdminRight, id: TeamId) -> Result<()> {
    let team = team_or_404(store, id).await?;
    store.delete_team(id).await?;
    audit(store, actor, "team.delete", None, &team.name, "").await
}

/// What adding a member did.
#[derive(utoipa::ToSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberOutcome {
    /// In force now (an admin added them, or changed a role).
    Added,
    /// Waiting for the person to accept.
    Proposed,
}

#[derive(utoipa::ToSchema, Debug, Clone, Serialize)]
pub struct MemberChange {
    pub team: TeamView,
    pub person: PersonSummary,
    pub role: TeamRole,
    pub outcome: MemberOutcome,
}

/// Adds a person to a team or changes their role. Admins act at once; a lead's
/// addition of someone new is a proposal the person must accept; a lead may change
/// the role of someone already on the team.
pub async fn set_member(
    store: &Store,
    actor: &Actor,
    team_id: TeamId,
    email: &str,
    role: &str,
) -> Result<MemberChange> {
    let team = team_or_404(store, team_id).await?;
    let right = actor.lead(team.id, "change its members")?;
    let role = validate::team_role(role)?;
    let email = validate::email(email)?;
    let person = store
        .person_by_email(&email)
        .await?
        .ok_or_else(|| AppError::invalid("email", format!("no person with email {email}")))?;
    let already = store
        .team_members(team.id)
        .await?
        .iter()
        .any(|m| m.person.id == person.id);
    let outcome = if right.is_admin() || already || actor.is(person.id) {
        store.set_membership(team.id, person.id, role).await?;
        MemberOutcome::Added
    } else {
        store
            .propose_membership(team.id, person.id, role, actor.person_id())
            .await?;
        MemberOutcome::Proposed
    };
    let action = match outcome {
        MemberOutcome::Added => "membership.set",
        MemberOutcome::Proposed => "membership.propose",
    };
    audit(
        store,
        actor,
        action,
        Some(team.id),
        &person.email,
        role.as_str(),
    )
    .await?;
    Ok(MemberChange {
        team: TeamView::from(&team),
        person: PersonSummary::from(&person),
        role,
        outcome,
    })
}

/// Removes a member (leads and admins), or lets a person leave a team.
pub async fn remove_member(
    store: &Store,
    actor: &Actor,
    team_id: TeamId,
    person_id: PersonId,
) -> Result<()> {
    let team = team_or_404(store, team_id).await?;
    if !actor.is(person_id) {
        actor.lead(team.id, "remove its members")?;
    }
    let person: Person = person_or_404(store, person_id).await?;
    if !store.remove_membership(team.id, person_id).await? {
        return Err(AppError::NotFound(format!(
            "{} on team {}",
            person.email, team.name
        )));
    }
    audit(
        store,
        actor,
        "membership.remove",
        Some(team.id),
        &person.email,
        "",
    )
    .await
}

/// The person accepts (or declines) a lead's proposal to join a team.
pub async fn answer_proposal(
    store: &Store,
    actor: &Actor,
    team_id: TeamId,
    accept: bool,
) -> Result<()> {
    let me = actor
        .person()
        .ok_or_else(|| AppError::Forbidden("only a person can join a team".into()))?
        .clone();
    let team = team_or_404(store, team_id).await?;
    let pending = store.pending_memberships(me.id).await?;
    if !pending.iter().any(|p| p.team.id == team_id) {
        return Err(AppError::NotFound(format!(
            "an invitation to join {}",
            team.name
        )));
    }
    if accept {
        store.accept_membership(team_id, me.id).await?;
        audit(
            store,
            actor,
            "membership.accept",
            Some(team_id),
            &me.email,
            "",
        )
        .await
    } else {
        store.remove_membership(team_id, me.id).await?;
        audit(
            store,
            actor,
            "membership.decline",
            Some(team_id),
            &me.email,
            "",
        )
        .await
    }
}
