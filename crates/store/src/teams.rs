//! Teams and who belongs to them. A membership a lead proposes stays pending until
//! the person accepts it: being a lead of one team gives nothing over people of
//! another, so a lead cannot pull someone in to read their figures.

use std::fmt;
use std::str::FromStr;

use sqlx::Row;

use crate::ids::{PersonId, TeamId};
use crate::people::{Person, PersonRow, person_columns};
use crate::{Result, Store, StoreError, now_ms, with_pool};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub created_at: i64,
}

/// A team's role for one of its members: a lead sees the team's work data
/// (pages, shifts), never anyone's wellbeing data.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
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
}

impl fmt::Display for TeamRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown role is an error, never silently a member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a role: use member or lead")]
pub struct UnknownRole(pub String);

impl FromStr for TeamRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "member" => Ok(TeamRole::Member),
            "lead" => Ok(TeamRole::Lead),
            _ => Err(UnknownRole(s.to_string())),
        }
    }
}

fn role_from_db(s: &str) -> Result<TeamRole> {
    s.parse()
        .map_err(|e: UnknownRole| StoreError::Corrupt(format!("team_members.role: {e}")))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub person: Person,
    pub role: TeamRole,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub team: Team,
    pub role: TeamRole,
}

/// A lead's proposal to add someone, waiting for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMembership {
    pub team: Team,
    pub role: TeamRole,
    pub proposed_by: Option<PersonId>,
}

impl Store {
    /// The team with this name, created if needed.
    pub async fn ensure_team(&self, name: &str) -> Result<Team> {
        let name = name.trim();
        if let Some(team) = self.team_by_name(name).await? {
            return Ok(team);
        }
        let sql =
            "INSERT INTO teams (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
        with_pool!(self, p => sqlx::query(sql).bind(name).bind(now_ms()).execute(p).await.map(|r| r.rows_affected()))?;
        self.team_by_name(name)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {name:?}")))
    }

    /// Creates a team; an existing name is a conflict.
    pub async fn create_team(&self, name: &str) -> Result<Team> {
        let name = name.trim();
        let sql = "INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id";
        let id: TeamId = with_pool!(self, p => sqlx::query_scalar(sql).bind(name).bind(now_ms()).fetch_one(p).await)
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!("a team called {name:?}")),
                other => other,
            })?;
        self.team(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {id}")))
    }

    pub async fn rename_team(&self, id: TeamId, name: &str) -> Result<Team> {
        let name = name.trim();
        let done = with_pool!(self, p => sqlx::query("UPDATE teams SET name = $1 WHERE id = $2").bind(name).bind(id).execute(p).await.map(|r| r.rows_affected()))
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!("a team called {name:?}")),
                other => other,
            })?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("team {id}")));
        }
        self.team(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {id}")))
    }

    /// Deletes a team with its memberships, integrations and shifts; its pages are
    /// kept (they belong to the people paged) with no team.
    pub async fn delete_team(&self, id: TeamId) -> Result<()> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM teams WHERE id = $1").bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound(format!("team {id}")));
        }
        Ok(())
    }

    pub async fn team(&self, id: TeamId) -> Result<Option<Team>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Team>("SELECT id, name, created_at FROM teams WHERE id = $1").bind(id).fetch_optional(p).await)?,
        )
    }

    pub async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Team>("SELECT id, name, created_at FROM teams WHERE name = $1").bind(name.trim()).fetch_optional(p).await)?,
        )
    }

    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Team>("SELECT id, name, created_at FROM teams ORDER BY name").fetch_all(p).await)?,
        )
    }

    /// Adds a person to a team (in force at once), or changes their role there.
    pub async fn set_membership(
        &self,
        team_id: TeamId,
        person_id: PersonId,
        role: TeamRole,
    ) -> Result<()> {
        let sql = "INSERT INTO team_members (team_id, person_id, role, pending) VALUES ($1, $2, $3, FALSE) ON CONFLICT (team_id, person_id) DO UPDATE SET role = excluded.role, pending = FALSE";
        with_pool!(self, p => sqlx::query(sql).bind(team_id).bind(person_id).bind(role.as_str()).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Proposes a membership that waits for the person's acceptance; an existing
    /// membership is left as it is. Returns whether a proposal was made.
    pub async fn propose_membership(
        &self,
        team_id: TeamId,
        person_id: PersonId,
        role: TeamRole,
        proposed_by: Option<PersonId>,
    ) -> Result<bool> {
        let sql = "INSERT INTO team_members (team_id, person_id, role, pending, proposed_by) VALUES ($1, $2, $3, TRUE, $4) ON CONFLICT (team_id, person_id) DO NOTHING";
        let done = with_pool!(self, p => sqlx::query(sql).bind(team_id).bind(person_id).bind(role.as_str()).bind(proposed_by).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// The person accepts a pending membership; false if there was none.
    pub async fn accept_membership(&self, team_id: TeamId, person_id: PersonId) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("UPDATE team_members SET pending = FALSE WHERE team_id = $1 AND person_id = $2 AND pending = TRUE").bind(team_id).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Removes a membership, pending or not; false if there was none.
    pub async fn remove_membership(&self, team_id: TeamId, person_id: PersonId) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND person_id = $2").bind(team_id).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Adds a person to a team as a member unless they already belong to it (an
    /// import must not demote a lead).
    pub async fn join_team(&self, team_id: TeamId, person_id: PersonId) -> Result<()> {
        let sql = "INSERT INTO team_members (team_id, person_id, role) VALUES ($1, $2, 'member') ON CONFLICT (team_id, person_id) DO NOTHING";
        with_pool!(self, p => sqlx::query(sql).bind(team_id).bind(person_id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The team's members in force (not pending proposals), by name.
    pub async fn team_members(&self, team_id: TeamId) -> Result<Vec<TeamMember>> {
        let sql = concat!(
            "SELECT ",
            person_columns!(p),
            ", tm.role AS team_role FROM people p JOIN team_members tm ON tm.person_id = p.id WHERE tm.team_id = $1 AND tm.pending = FALSE ORDER BY p.name, p.id"
        );
        let rows: Vec<(PersonRow, String)> = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(team_id).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let person = <PersonRow as sqlx::FromRow<_>>::from_row(row)?;
                let role: String = row.try_get("team_role")?;
                out.push((person, role));
            }
            Ok::<_, sqlx::Error>(out)
        })?;
        rows.into_iter()
            .map(|(p, role)| {
                Ok(TeamMember {
                    person: Person::try_from(p)?,
                    role: role_from_db(&role)?,
                })
            })
            .collect()
    }

    /// The teams a person belongs to (memberships in force).
    pub async fn memberships(&self, person_id: PersonId) -> Result<Vec<Membership>> {
        Ok(self
            .memberships_with_pending(person_id)
            .await?
            .into_iter()
            .filter(|(_, pending)| !pending)
            .map(|(m, _)| m)
            .collect())
    }

    /// Proposals waiting for this person.
    pub async fn pending_memberships(&self, person_id: PersonId) -> Result<Vec<PendingMembership>> {
        let sql = "SELECT t.id, t.name, t.created_at, tm.role, tm.proposed_by FROM teams t JOIN team_members tm ON tm.team_id = t.id WHERE tm.person_id = $1 AND tm.pending = TRUE ORDER BY t.name";
        let rows: Vec<(Team, String, Option<PersonId>)> = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(person_id).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let team = <Team as sqlx::FromRow<_>>::from_row(row)?;
                out.push((team, row.try_get("role")?, row.try_get("proposed_by")?));
            }
            Ok::<_, sqlx::Error>(out)
        })?;
        rows.into_iter()
            .map(|(team, role, proposed_by)| {
                Ok(PendingMembership {
                    team,
                    role: role_from_db(&role)?,
                    proposed_by,
                })
            })
            .collect()
    }

    async fn memberships_with_pending(
        &self,
        person_id: PersonId,
    ) -> Result<Vec<(Membership, bool)>> {
        let sql = "SELECT t.id, t.name, t.created_at, tm.role, tm.pending FROM teams t JOIN team_members tm ON tm.team_id = t.id WHERE tm.person_id = $1 ORDER BY t.name";
        let rows: Vec<(Team, String, bool)> = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(person_id).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let team = <Team as sqlx::FromRow<_>>::from_row(row)?;
                out.push((team, row.try_get("role")?, row.try_get("pending")?));
            }
            Ok::<_, sqlx::Error>(out)
        })?;
        rows.into_iter()
            .map(|(team, role, pending)| {
                Ok((
                    Membership {
                        team,
                        role: role_from_db(&role)?,
                    },
                    pending,
                ))
            })
            .collect()
    }
}
