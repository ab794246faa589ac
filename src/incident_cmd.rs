//! `aftercare incident`: incidents and the people in them from the command line, through
//! the same use-cases as the API and the pages (acting as the operator: an admin).

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::Actor;
use aftercare_app::incidents::{self, IncidentDetail, IncidentInput};
use aftercare_store::IncidentId;

use crate::{Db, flag_error, open_existing, period_arg, person_by_email};

#[derive(Subcommand)]
pub(crate) enum IncidentCommand {
    /// Incidents started in a period, newest first.
    List {
        #[command(flatten)]
        db: Db,
        /// Only this team's (its name).
        #[arg(long)]
        team: Option<String>,
        /// Start (RFC 3339, a date, or a span such as 30d); default 90 days before --to.
        #[arg(long)]
        from: Option<String>,
        /// End, exclusive; default now.
        #[arg(long)]
        to: Option<String>,
        /// Print JSON (the API's shape) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One incident and the people in it.
    Show {
        #[command(flatten)]
        db: Db,
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Make an incident by hand for a team.
    Create {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        severity: Option<String>,
    },
    /// Mark an incident resolved now (its people's check-ins and their supporters follow),
    /// or open again with --reopen.
    Resolve {
        #[command(flatten)]
        db: Db,
        id: i64,
        #[arg(long)]
        reopen: bool,
    },
    /// Add someone to an incident in a role (responder, incident_lead, communications,
    /// investigator, review_facilitator, other_affected).
    AddParticipant {
        #[command(flatten)]
        db: Db,
        id: i64,
        /// The person's email.
        #[arg(long)]
        person: String,
        #[arg(long)]
        role: String,
    },
}

fn print(d: &IncidentDetail, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(d)?);
        return Ok(());
    }
    let i = &d.incident;
    println!("#{} {} [{}]", i.id, i.title, i.status);
    println!(
        "started {}{}",
        i.started_at.strftime("%Y-%m-%d %H:%M UTC"),
        i.resolved_at
            .map(|r| format!(", resolved {}", r.strftime("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default()
    );
    let width = d
        .participants
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("person".len());
    println!("{:<width$}  {:<18}  {:>8}", "person", "role", "engaged");
    for p in &d.participants {
        println!(
            "{:<width$}  {:<18}  {:>5}:{:02}{}",
            p.name,
            p.role.label(),
            p.engaged_minutes / 60,
            p.engaged_minutes % 60,
            if p.handoff_due { "  handoff due" } else { "" }
        );
    }
    Ok(())
}

pub(crate) async fn run(command: IncidentCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        IncidentCommand::List {
            db,
            team,
            from,
            to,
            json,
        } => {
            let store = open_existing(&db).await?;
            let period = period_arg(from.as_deref(), to.as_deref())?;
            let team = match team {
                Some(name) => Some(
                    store
                        .team_by_name(&name)
                        .await?
                        .with_context(|| format!("--team: no team called {name:?}"))?
                        .id,
                ),
                None => None,
            };
            let list = incidents::list(&store, &actor, team, period).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.incidents.is_empty() {
                println!("No incident started in this period.");
            }
            for i in &list.incidents {
                println!(
                    "{:>6}  {}  {:<12}  {}",
                    i.id,
                    i.started_at.strftime("%Y-%m-%d %H:%M"),
                    i.status,
                    i.title
                );
            }
            Ok(())
        }
        IncidentCommand::Show { db, id, json } => {
            let store = open_existing(&db).await?;
            let d = incidents::detail(&store, &actor, IncidentId(id)).await?;
            print(&d, json)
        }
        IncidentCommand::Create {
            db,
            team,
            title,
            severity,
        } => {
            let store = open_existing(&db).await?;
            let t = store
                .team_by_name(&team)
                .await?
                .with_context(|| format!("--team: no team called {team:?}"))?;
            let input = IncidentInput {
                title,
                team: Some(t.id),
                severity,
                started_at: None,
                resolved_at: None,
            };
            let d = incidents::create(&store, &actor, &input)
                .await
                .map_err(flag_error)?;
            print(&d, false)
        }
        IncidentCommand::Resolve { db, id, reopen } => {
            let store = open_existing(&db).await?;
            let edit = incidents::IncidentEdit {
                title: None,
                severity: None,
                resolved_at: Some((!reopen).then(jiff::Timestamp::now)),
            };
            let d = incidents::update(&store, &actor, IncidentId(id), &edit)
                .await
                .map_err(flag_error)?;
            print(&d, false)
        }
        IncidentCommand::AddParticipant {
            db,
            id,
            person,
            role,
        } => {
            let store = open_existing(&db).await?;
            let p = person_by_email(&store, &person).await?;
            let role = incidents::role(&role).map_err(flag_error)?;
            let d = incidents::add_participant(&store, &actor, IncidentId(id), Some(p.id), role)
                .await
                .map_err(flag_error)?;
            print(&d, false)
        }
    }
}
