//! `aftercare holidays import|list|show|delete`: public-holiday calendars, through the
//! same use-cases as the API and the pages (acting as the operator: an admin), and
//! `aftercare holidays follow`: the calendar a rotation follows.

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::Actor;
use aftercare_app::holidays::{
    self, HolidayCalendarInput, HolidayCalendarView, RotationHolidaysInput,
};
use aftercare_store::{HolidayCalendarId, RotationId, Store};

use crate::{Db, open_existing};

#[derive(Subcommand)]
pub(crate) enum HolidaysCommand {
    /// Import a region's public-holiday feed (iCalendar, whole-day events): all or none.
    /// With --replace NAME, replaces that calendar's days instead.
    Import {
        #[command(flatten)]
        db: Db,
        file: std::path::PathBuf,
        /// The region it covers ("England and Wales").
        #[arg(long)]
        region: String,
        /// What people pick it by; default: the feed's own name (X-WR-CALNAME).
        #[arg(long)]
        name: Option<String>,
        /// Replace the calendar of this name or id from the file.
        #[arg(long)]
        replace: Option<String>,
    },
    /// Every holiday calendar.
    List {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        json: bool,
    },
    /// One calendar's holidays from --from to --to (dates; default this year and next).
    Show {
        #[command(flatten)]
        db: Db,
        /// The calendar's name or id.
        calendar: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete a calendar; rotations that followed it follow none.
    Delete {
        #[command(flatten)]
        db: Db,
        calendar: String,
    },
    /// Choose the calendar a rotation follows (`none` for none).
    Follow {
        #[command(flatten)]
        db: Db,
        /// The rotation's id.
        rotation: i64,
        /// The calendar's name or id, or `none`.
        calendar: String,
    },
}

async fn calendar(
    store: &Store,
    actor: &Actor,
    name_or_id: &str,
) -> anyhow::Result<HolidayCalendarId> {
    let all = holidays::list(store, actor).await?;
    all.iter()
        .find(|c| c.name == name_or_id)
        .or_else(|| all.iter().find(|c| c.id.to_string() == name_or_id))
        .map(|c| c.id)
        .with_context(|| {
            format!("no holiday calendar called {name_or_id:?} (see `aftercare holidays list`)")
        })
}

fn print_calendar(c: &HolidayCalendarView) {
    println!(
        "#{} {} ({}): {} days{}",
        c.id,
        c.name,
        c.region,
        c.days,
        match (&c.first_day, &c.last_day) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        }
    );
}

pub(crate) async fn run(command: HolidaysCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        HolidaysCommand::Import {
            db,
            file,
            region,
            name,
            replace,
        } => {
            let ical = std::fs::read_to_string(&file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            let store = open_existing(&db).await?;
            let input = HolidayCalendarInput { name, region, ical };
            let done = match replace {
                Some(which) => {
                    let id = calendar(&store, &actor, &which).await?;
                    holidays::replace(&store, &actor, id, &input).await
                }
                None => holidays::import(&store, &actor, &input).await,
            }
            .with_context(|| file.display().to_string())?;
            print_calendar(&done);
            Ok(())
        }
        HolidaysCommand::List { db, json } => {
            let store = open_existing(&db).await?;
            let all = holidays::list(&store, &actor).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
                return Ok(());
            }
            if all.is_empty() {
                println!(
                    "No holiday calendars yet: import one with `aftercare holidays import FILE --region R`."
                );
            }
            for c in &all {
                print_calendar(c);
            }
            Ok(())
        }
        HolidaysCommand::Show {
            db,
            calendar: which,
            from,
            to,
            json,
        } => {
            let store = open_existing(&db).await?;
            let id = calendar(&store, &actor, &which).await?;
            let (from, to) = holidays::period(from.as_deref(), to.as_deref())?;
            let days = holidays::get(&store, &actor, id, from, to).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&days)?);
                return Ok(());
            }
            print_calendar(&days.calendar);
            for h in &days.holidays {
                println!("  {} {}", h.date, h.name);
            }
            Ok(())
        }
        HolidaysCommand::Delete {
            db,
            calendar: which,
        } => {
            let store = open_existing(&db).await?;
            let id = calendar(&store, &actor, &which).await?;
            holidays::delete(&store, &actor, id).await?;
            println!("Deleted holiday calendar {which}.");
            Ok(())
        }
        HolidaysCommand::Follow {
            db,
            rotation,
            calendar: which,
        } => {
            let store = open_existing(&db).await?;
            let chosen = match which.trim() {
                "none" | "" => None,
                w => Some(calendar(&store, &actor, w).await?),
            };
            let done = holidays::set_rotation_calendar(
                &store,
                &actor,
                RotationId(rotation),
                &RotationHolidaysInput { calendar: chosen },
            )
            .await?;
            match done.calendar {
                Some(c) => println!("Rotation {rotation} follows {}.", c.name),
                None => println!("Rotation {rotation} follows no holiday calendar."),
            }
            Ok(())
        }
    }
}
