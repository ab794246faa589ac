//! `aftercare care`: a team's check-in settings and own measures, its pulse (in
//! aggregate only), and the organisation's professional support, through the same
//! use-cases as the API and the pages, acting as the operator (an admin). Nothing
//! here reads anyone's answers or journal: the command line is nobody's owner.

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::Actor;
use aftercare_app::care::{self, CareSettings, CareSettingsChange};
use aftercare_app::{pulse, support};
use aftercare_store::{Store, SupportResourceId, TeamId};

use crate::{Db, flag_error, open_existing, period_arg};

#[derive(Subcommand)]
pub(crate) enum CareCommand {
    /// Show a team's check-in settings, or change them.
    Settings {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        /// Turn check-ins on or off for the team's incidents.
        #[arg(long, value_parser = ["on", "off"])]
        checkins: Option<String>,
        /// When check-ins fall after an incident resolves, e.g. "90m, 1d, 1w".
        #[arg(long)]
        offsets: Option<String>,
        /// The measures asked, by id, comma-separated.
        #[arg(long)]
        measures: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a team's own measure from its file (TOML, in the format of the shipped ones).
    AddMeasure {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        file: std::path::PathBuf,
    },
    /// Remove one of a team's own measures.
    RemoveMeasure {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        id: String,
    },
    /// A team's pulse after incidents: aggregates only, withheld below 5 people.
    Pulse {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        /// Start (RFC 3339, a date, or a span such as 90d); default 90 days before --to.
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The organisation's professional support: list, add or remove.
    Resources {
        #[command(flatten)]
        db: Db,
        /// Add one with this name (and --contact).
        #[arg(long)]
        add: Option<String>,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
        /// Remove the one with this id.
        #[arg(long)]
        remove: Option<i64>,
    },
}

async fn team(store: &Store, name: &str) -> anyhow::Result<TeamId> {
    Ok(store
        .team_by_name(name)
        .await?
        .with_context(|| format!("--team: no team called {name:?}"))?
        .id)
}

fn print_settings(s: &CareSettings, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(s)?);
        return Ok(());
    }
    println!("check-ins: {}", if s.checkins_on { "on" } else { "off" });
    println!("offsets:   {}", s.offsets);
    println!("measures:  {}", s.measures.join(", "));
    for m in &s.available {
        println!(
            "  {} {:<28} {}{}",
            if s.measures.contains(&m.id) { "*" } else { " " },
            m.id,
            m.name,
            if m.own { " (the team's own)" } else { "" }
        );
    }
    Ok(())
}

pub(crate) async fn run(command: CareCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        CareCommand::Settings {
            db,
            team: name,
            checkins,
            offsets,
            measures,
            json,
        } => {
            let store = open_existing(&db).await?;
            let id = team(&store, &name).await?;
            let change = CareSettingsChange {
                checkins_on: checkins.map(|c| c == "on"),
                offsets,
                measures: measures.map(|m| {
                    m.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                }),
            };
            let settings = if change.checkins_on.is_none()
                && change.offsets.is_none()
                && change.measures.is_none()
            {
                care::settings(&store, &actor, id).await?
            } else {
                care::change_settings(&store, &actor, id, &change)
                    .await
                    .map_err(flag_error)?
            };
            print_settings(&settings, json)
        }
        CareCommand::AddMeasure {
            db,
            team: name,
            file,
        } => {
            let store = open_existing(&db).await?;
            let id = team(&store, &name).await?;
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let m = care::add_measure(&store, &actor, id, &source)
                .await
                .map_err(flag_error)?;
            println!("added {} ({}): choose it with --measures", m.id, m.name);
            Ok(())
        }
        CareCommand::RemoveMeasure { db, team: name, id } => {
            let store = open_existing(&db).await?;
            let t = team(&store, &name).await?;
            care::remove_measure(&store, &actor, t, &id)
                .await
                .map_err(flag_error)?;
            println!("removed {id}");
            Ok(())
        }
        CareCommand::Pulse {
            db,
            team: name,
            from,
            to,
            json,
        } => {
            let store = open_existing(&db).await?;
            let id = team(&store, &name).await?;
            let period = period_arg(from.as_deref(), to.as_deref())?;
            let p = pulse::team_pulse(&store, &actor, id, period).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
                return Ok(());
            }
            let share = |f: aftercare_care::Figure<aftercare_care::pulse::Share>| match f.value() {
                Some(s) => format!("{:.0}%", s.0 * 100.0),
                None => "withheld".into(),
            };
            println!(
                "pulse of {} (figures from fewer than {} people are withheld)",
                p.team.name, p.min_people
            );
            println!(
                "stressed or very stressed:     {}",
                share(p.pulse.stressed())
            );
            println!(
                "reached by a peer within 24h:  {}",
                share(p.pulse.reached_within_24h())
            );
            println!(
                "reached by a peer within 72h:  {}",
                share(p.pulse.reached_within_72h())
            );
            println!(
                "rumination (mean, 1-5):        {}",
                p.pulse
                    .rumination()
                    .value()
                    .map(|r| format!("{:.1}", r.mean))
                    .unwrap_or_else(|| "withheld".into())
            );
            println!(
                "leads' checklist items done:   {}",
                share(p.pulse.checklist_done())
            );
            Ok(())
        }
        CareCommand::Resources {
            db,
            add,
            contact,
            description,
            remove,
        } => {
            let store = open_existing(&db).await?;
            if let Some(name) = add {
                let contact = contact.context("--contact: is required with --add")?;
                let r = support::add_resource(&store, &actor, &name, &contact, &description)
                    .await
                    .map_err(flag_error)?;
                println!("added #{} {}", r.id, r.name);
            }
            if let Some(id) = remove {
                support::delete_resource(&store, &actor, SupportResourceId(id))
                    .await
                    .map_err(flag_error)?;
                println!("removed #{id}");
            }
            for r in support::resources(&store, &actor).await? {
                println!("#{:<4} {}: {}  {}", r.id, r.name, r.contact, r.description);
            }
            Ok(())
        }
    }
}
