//! `aftercare pages`: the pages nobody could be found for, and "this is …" from the
//! command line. The same use-cases as the team page's list and its claim form.

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::{Actor, pages};
use aftercare_store::NotificationId;

use crate::{Db, open_existing};

#[derive(Subcommand)]
pub(crate) enum PagesCommand {
    /// List a team's unattributed pages, newest first, with whom the sender named.
    Unattributed {
        #[command(flatten)]
        db: Db,
        /// The team's name.
        #[arg(long)]
        team: String,
        /// Start of the period (RFC 3339, a date, or a span before --to such as 30d);
        /// default 90 days before --to.
        #[arg(long)]
        from: Option<String>,
        /// End of the period, exclusive; default now.
        #[arg(long)]
        to: Option<String>,
    },
    /// What wakes a team's people: alert sources ranked by the sleep and off-hours
    /// interruptions they started, with how often each needed no action.
    WhatWakes {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        /// Start of the period (RFC 3339, a date, or a span before --to such as 90d).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// text (default), json or csv.
        #[arg(long, default_value = "text", value_parser = ["text", "json", "csv"])]
        format: String,
    },
    /// "This is …": link the identity an unattributed page named to a person, and so
    /// re-attribute every earlier page from it.
    Claim {
        #[command(flatten)]
        db: Db,
        /// The page's id (first column of `aftercare pages unattributed`).
        #[arg(long)]
        page: i64,
        /// The email of the person the sender meant.
        #[arg(long)]
        person: String,
    },
}

pub(crate) async fn run(command: PagesCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        PagesCommand::WhatWakes {
            db,
            team,
            from,
            to,
            format,
        } => {
            let store = open_existing(&db).await?;
            let t = store
                .team_by_name(&team)
                .await?
                .with_context(|| format!("--team: no team called {team:?}"))?;
            let period = crate::period_arg(from.as_deref(), to.as_deref())?;
            let r = aftercare_app::wakes::what_wakes(&store, &actor, t.id, period).await?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&r)?),
                "csv" => print!("{}", aftercare_app::export::what_wakes_csv(&r)),
                _ => {
                    println!("{}", r.headline);
                    println!(
                        "{:<40} {:>6} {:>6} {:>9} {:>9}",
                        "alert (integration)", "sleep", "off", "no action", "share"
                    );
                    for s in &r.sources {
                        println!(
                            "{:<40} {:>6} {:>6} {:>9} {:>8.0}%",
                            format!("{} ({})", s.alert, s.integration),
                            s.sleep,
                            s.off,
                            s.no_action,
                            s.sleep_share * 100.0
                        );
                    }
                }
            }
            Ok(())
        }
        PagesCommand::Unattributed { db, team, from, to } => {
            let store = open_existing(&db).await?;
            let t = store
                .team_by_name(&team)
                .await?
                .with_context(|| format!("--team: no team called {team:?}"))?;
            let period = crate::period_arg(from.as_deref(), to.as_deref())?;
            let list = pages::unattributed(&store, &actor, t.id, period).await?;
            if list.pages.is_empty() {
                println!(
                    "Every page for {} in this period landed on someone.",
                    t.name
                );
                return Ok(());
            }
            println!("{:>8}  {:<20}  {:<24}  title", "page", "at (UTC)", "named");
            for p in &list.pages {
                let named = p
                    .named_email
                    .clone()
                    .or_else(|| match (&p.named_kind, &p.named_external_id) {
                        (Some(k), Some(x)) => Some(format!("{k}:{x}")),
                        _ => None,
                    })
                    .unwrap_or_else(|| "nobody".into());
                println!(
                    "{:>8}  {:<20}  {:<24}  {}",
                    p.id,
                    p.at.strftime("%Y-%m-%d %H:%M:%S"),
                    named,
                    p.title.as_deref().unwrap_or(&p.incident_key)
                );
            }
            if list.total > list.pages.len() {
                println!("({} of {} shown)", list.pages.len(), list.total);
            }
            Ok(())
        }
        PagesCommand::Claim { db, page, person } => {
            let store = open_existing(&db).await?;
            let p = crate::person_by_email(&store, &person).await?;
            let linked = pages::claim(&store, &actor, NotificationId(page), p.id)
                .await
                .map_err(|e| match e {
                    aftercare_app::AppError::NotFound(_) => {
                        anyhow::anyhow!("--page: no page {page}")
                    }
                    other => other.into(),
                })?;
            eprintln!(
                "{} now holds that identity; {} page(s) re-attributed to them",
                p.email, linked.reattributed
            );
            Ok(())
        }
    }
}
