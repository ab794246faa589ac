//! Who may do what: docs/privacy.md as code. Every use-case asks the [`Actor`] for
//! the right it needs, and gets a value only if the actor has it:
//!
//! - [`AdminRight`]: the organisation's admins (and the command line, which has
//!   the database anyway);
//! - [`LeadRight`]: a team's leads, and admins, for that team's work data;
//! - [`Owner`]: the person themselves, signed in with their own credential. Only
//!   an `Owner` reads what belongs to a person alone (check-ins, journals, their
//!   unshared account of an incident), and the store hands one out only when it
//!   authenticates that person's own session or token. No right here converts
//!   into an `Owner`: an admin is never the owner of someone else's data.
//!
//! Work data (pages, burden figures, hours) of a person is visible to them, to
//! the leads of the teams they belong to, and to admins.

use aftercare_store::{
    Authenticated, Credential, Membership, Owner, Person, PersonId, Session, Store, TeamId,
    TeamRole,
};

use crate::error::{AppError, Result};

/// How the actor reached us.
#[derive(Debug, Clone)]
pub enum Via {
    Session(Session),
    Token,
    /// `aftercare` on the command line, with direct access to the database.
    CommandLine,
}

/// Whoever is acting, once authenticated.
#[derive(Debug, Clone)]
pub struct Actor {
    person: Option<Person>,
    is_admin: bool,
    via: Via,
    owner: Option<Owner>,
    teams: Vec<(TeamId, TeamRole)>,
}

/// The right to administer the organisation.
#[derive(Debug, Clone, Copy)]
pub struct AdminRight {
    _private: (),
}

/// The right to a team's work data and to manage it.
#[derive(Debug, Clone, Copy)]
pub struct LeadRight {
    team: TeamId,
    by_admin: bool,
}

impl LeadRight {
    pub fn team(&self) -> TeamId {
        self.team
    }

    /// Admins hold every team's lead right; some acts (moving a person in
    /// without their acceptance) need the admin behind it.
    pub fn is_admin(&self) -> bool {
        self.by_admin
    }
}

impl Actor {
    /// The actor behind an authenticated credential, with their memberships.
    pub async fn load(store: &Store, auth: Authenticated) -> Result<Actor> {
        let owner = auth.owner();
        let memberships: Vec<Membership> = match &auth.person {
            Some(p) => store.memberships(p.id).await?,
            None => vec![],
        };
        let (via, token_admin) = match auth.credential {
            Credential::Session(s) => (Via::Session(s), false),
            Credential::Token { is_admin, .. } => (Via::Token, is_admin),
        };
        let is_admin = token_admin || auth.person.as_ref().is_some_and(|p| p.is_admin);
        Ok(Actor {
            is_admin,
            via,
            owner,
            teams: memberships.iter().map(|m| (m.team.id, m.role)).collect(),
            person: auth.person,
        })
    }

    /// The command line: an admin that is nobody's owner.
    pub fn command_line() -> Actor {
        Actor {
            person: None,
            is_admin: true,
            via: Via::CommandLine,
            owner: None,
            teams: vec![],
        }
    }

    pub fn person(&self) -> Option<&Person> {
        self.person.as_ref()
    }

    pub fn person_id(&self) -> Option<PersonId> {
        self.person.as_ref().map(|p| p.id)
    }

    pub fn via(&self) -> &Via {
        &self.via
    }

    pub fn session(&self) -> Option<&Session> {
        match &self.via {
            Via::Session(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.is_admin
    }

    /// How the audit log names this actor.
    pub fn label(&self) -> String {
        match (&self.person, &self.via) {
            (Some(p), _) => p.email.clone(),
            (None, Via::CommandLine) => "command line".into(),
            (None, _) => "admin token".into(),
        }
    }

    pub fn admin(&self) -> Result<AdminRight> {
        if self.is_admin {
            Ok(AdminRight { _private: () })
        } else {
            Err(AppError::Forbidden("only an admin may do this".into()))
        }
    }

    /// The lead right for `team`: its leads and admins.
    pub fn lead(&self, team: TeamId, what: &str) -> Result<LeadRight> {
        if self.is_admin {
            return Ok(LeadRight {
                team,
                by_admin: true,
            });
        }
        if self.teams.contains(&(team, TeamRole::Lead)) {
            return Ok(LeadRight {
                team,
                by_admin: false,
            });
        }
        Err(AppError::Forbidden(format!(
            "only the team's leads and admins may {what}"
        )))
    }

    /// Whether the actor leads `team` (or is an admin).
    pub fn leads(&self, team: TeamId) -> bool {
        self.is_admin || self.teams.contains(&(team, TeamRole::Lead))
    }

    /// The teams this actor leads.
    pub fn led_teams(&self) -> Vec<TeamId> {
        self.teams
            .iter()
            .filter(|(_, r)| *r == TeamRole::Lead)
            .map(|(t, _)| *t)
            .collect()
    }

    /// Seeing a team at all (its name, its members, its totals): its members and
    /// admins.
    pub fn sees_team(&self, team: TeamId) -> bool {
        self.is_admin || self.teams.iter().any(|(t, _)| *t == team)
    }

    /// Every team this actor is in (members and leads alike).
    pub fn team_ids(&self) -> Vec<TeamId> {
        self.teams.iter().map(|(t, _)| *t).collect()
    }

    pub fn member_of(&self, team: TeamId) -> bool {
        self.teams.iter().any(|(t, _)| *t == team)
    }

    /// The owner capability: only the person themselves, signed in with their own
    /// session or a token they made.
    pub fn owner(&self) -> Result<Owner> {
        self.owner.ok_or_else(|| {
            AppError::Forbidden(
                "this belongs to the person alone: sign in as yourself (a token someone else made, or an admin token, cannot read it)".into(),
            )
        })
    }

    /// Whether `person` is the actor themselves.
    pub fn is(&self, person: PersonId) -> bool {
        self.person_id() == Some(person)
    }

    /// Work data of a person: their own, a lead's for the people of their teams, or
    /// an admin's.
    pub async fn sees_work_of(&self, store: &Store, person: PersonId) -> Result<bool> {
        if self.is_admin || self.is(person) {
            return Ok(true);
        }
        let led = self.led_teams();
        if led.is_empty() {
            return Ok(false);
        }
        let theirs = store.memberships(person).await?;
        Ok(theirs.iter().any(|m| led.contains(&m.team.id)))
    }

    /// A person's hours, sleep window and identities are changed by them or an
    /// admin.
    pub fn may_edit(&self, person: PersonId) -> Result<()> {
        if self.is_admin || self.is(person) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "a person's hours and identities are changed by them or an admin".into(),
            ))
        }
    }
}
