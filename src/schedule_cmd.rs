//! `aftercare schedule create|list|oncall|spans|delete|import`: a team's layered
//! schedules through the same use-cases as the API and the pages (acting as the operator:
//! an admin), and the import of a team's shifts from an iCalendar export.

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::Actor;
use aftercare_app::schedules::{self, LayerInput, ScheduleInput, ScheduleView, TierOnCall};
use aftercare_store::{Store, Team};

use crate::{Db, open_existing};

#[derive(Subcommand)]
pub(crate) enum ScheduleCommand {
    /// Stack a team's rotations into a schedule. Layers are given bottom first; a later
    /// layer covers the earlier ones during its window.
    Create {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// A layer: `ROTATION` or `TIER:ROTATION`, with an optional daily window
        /// `@HH:MM-HH:MM ZONE`. ROTATION is the rotation's name or id; TIER is primary
        /// (default) or secondary. Example: --layer 'primary:london@08:00-20:00 Europe/London'.
        /// Repeat for each layer.
        #[arg(long = "layer", required = true)]
        layers: Vec<String>,
    },
    /// A team's schedules, with who is on call now.
    List {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        #[arg(long)]
        json: bool,
    },
    /// Who a schedule has on call at an instant (default now), on each tier.
    Oncall {
        #[command(flatten)]
        db: Db,
        /// The schedule's id.
        id: i64,
        /// An RFC 3339 instant: 2027-03-28T01:30:00Z.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Who a schedule has on call from one instant to another, stretch by stretch (CSV).
    Spans {
        #[command(flatten)]
        db: Db,
        id: i64,
        /// RFC 3339 instants; at most 400 days apart.
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a schedule (its rotations stay).
    Delete {
        #[command(flatten)]
        db: Db,
        id: i64,
    },
    /// Import a team's shifts from an iCalendar export (PagerDuty, Opsgenie, ...):
    /// all shifts or none; re-importing replaces the shifts the export covers.
    Import {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        file: std::path::PathBuf,
    },
}

fn instant(flag: &str, text: &str) -> anyhow::Result<jiff::Timestamp> {
    text.trim().parse::<jiff::Timestamp>().map_err(|_| {
        anyhow::anyhow!(
            "{flag}: {text:?} is not an RFC 3339 instant with an offset, like 2027-03-28T01:30:00Z"
        )
    })
}

async fn team(store: &Store, name: &str) -> anyhow::Result<Team> {
    store
        .team_by_name(name)
        .await?
        .with_context(|| format!("--team: no team called {name:?}"))
}

/// One `--layer` as written: `[TIER:]ROTATION[@HH:MM-HH:MM ZONE]`.
async fn layer(store: &Store, team: &Team, i: usize, text: &str) -> anyhow::Result<LayerInput> {
    let flag = format!("--layer {}", i + 1);
    let (head, window) = match text.split_once('@') {
        Some((h, w)) => (h.trim(), Some(w.trim())),
        None => (text.trim(), None),
    };
    let (tier, rotation) = match head.split_once(':') {
        Some((t, r)) if matches!(t.trim(), "primary" | "secondary") => {
            (Some(t.trim().to_string()), r.trim())
        }
        _ => (None, head),
    };
    let rotations = store.team_rotations(team.id).await?;
    let id = rotations
        .iter()
        .find(|r| r.rotation.name == rotation || r.rotation.id.to_string() == rotation)
        .map(|r| r.rotation.id)
        .with_context(|| {
            format!(
                "{flag}: team {:?} has no rotation called {rotation:?}",
                team.name
            )
        })?;
    let (window_start, window_end, window_zone) = match window {
        None => (None, None, None),
        Some(w) => {
            let (span, zone) = match w.split_once(char::is_whitespace) {
                Some((s, z)) => (s, Some(z.trim().to_string())),
                None => (w, None),
            };
            let (s, e) = span.split_once('-').with_context(|| {
                format!("{flag}: the window {w:?} is not HH:MM-HH:MM followed by a zone")
            })?;
            (Some(s.to_string()), Some(e.to_string()), zone)
        }
    };
    Ok(LayerInput {
        rotation: id,
        tier,
        window_start,
        window_end,
        window_zone,
    })
}

fn who(t: &Option<TierOnCall>) -> String {
    match t {
        Some(t) => format!(
            "{} ({}, shift {} to {}{})",
            t.name,
            t.rotation_name,
            t.shift_start.strftime("%Y-%m-%d %H:%M UTC"),
            t.shift_end.strftime("%Y-%m-%d %H:%M UTC"),
            if t.override_id.is_some() {
                ", covering"
            } else {
                ""
            }
        ),
        None => "nobody".into(),
    }
}

fn print_schedule(s: &ScheduleView) {
    println!("#{} {}", s.id, s.name);
    for l in &s.layers {
        let window = match (&l.window_start, &l.window_end) {
            (Some(a), Some(b)) => format!(" {a}-{b} {}", l.window_zone.clone().unwrap_or_default()),
            _ => " all day".into(),
        };
        println!(
            "  layer {}: {} {}{window}",
            l.position + 1,
            l.tier,
            l.rotation_name
        );
    }
    println!("  primary now: {}", who(&s.on_call_now.primary));
    if s.on_call_now.secondary.is_some() {
        println!("  secondary now: {}", who(&s.on_call_now.secondary));
    }
}

pub(crate) async fn run(command: ScheduleCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        ScheduleCommand::Create {
            db,
            team: name,
            name: schedule,
            layers,
        } => {
            let store = open_existing(&db).await?;
            let t = team(&store, &name).await?;
            let mut input = ScheduleInput {
                team: t.id.to_string(),
                name: schedule,
                layers: Vec::with_capacity(layers.len()),
            };
            for (i, text) in layers.iter().enumerate() {
                input.layers.push(layer(&store, &t, i, text).await?);
            }
            let made = schedules::create(&store, &actor, &input).await?;
            print_schedule(&made);
            Ok(())
        }
        ScheduleCommand::List {
            db,
            team: name,
            json,
        } => {
            let store = open_existing(&db).await?;
            let t = team(&store, &name).await?;
            let list = schedules::of_team(&store, &actor, t.id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!(
                    "Team {name:?} has no schedule yet: stack its rotations with `aftercare schedule create`."
                );
            }
            for s in &list {
                print_schedule(s);
            }
            Ok(())
        }
        ScheduleCommand::Oncall { db, id, at, json } => {
            let at = match at {
                Some(text) => instant("--at", &text)?,
                None => jiff::Timestamp::now(),
            };
            let store = open_existing(&db).await?;
            let answer =
                schedules::on_call(&store, &actor, aftercare_store::ScheduleId(id), at).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(());
            }
            println!("At {at}: {}", who(&answer.primary));
            if answer.secondary.is_some() {
                println!("  secondary: {}", who(&answer.secondary));
            }
            Ok(())
        }
        ScheduleCommand::Spans {
            db,
            id,
            from,
            to,
            json,
        } => {
            let (from, to) = (instant("--from", &from)?, instant("--to", &to)?);
            let store = open_existing(&db).await?;
            let spans =
                schedules::spans(&store, &actor, aftercare_store::ScheduleId(id), from, to).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&spans)?);
            } else {
                print!("{}", aftercare_app::export::schedule_spans_csv(&spans));
            }
            Ok(())
        }
        ScheduleCommand::Delete { db, id } => {
            let store = open_existing(&db).await?;
            schedules::delete(&store, &actor, aftercare_store::ScheduleId(id)).await?;
            println!("Deleted schedule {id}.");
            Ok(())
        }
        ScheduleCommand::Import {
            db,
            team: name,
            file,
        } => {
            let store = open_existing(&db).await?;
            let t = team(&store, &name).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            let right = actor.lead(t.id, "import its schedule")?;
            let done = aftercare_app::schedule::import_schedule(&store, &right, &t, &text)
                .await
                .with_context(|| file.display().to_string())?;
            let span = match (done.from, done.to) {
                (Some(f), Some(t)) => format!(" from {f} to {t}"),
                _ => String::new(),
            };
            eprintln!(
                "{} shifts imported for {name}{span} ({})",
                done.shifts, done.source
            );
            Ok(())
        }
    }
}
