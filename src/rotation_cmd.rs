//! `aftercare rotation create|list|oncall|health|delete`, its overrides and cover
//! requests: a team's rotations through the same use-cases as the API and the pages
//! (acting as the operator: an admin).
//!
//! `aftercare rotation solve`: the fair rotation generator on an `aftercare-rotation/1`
//! instance (`../shared/bench/rotation/FORMAT.md`'s contract), printing an
//! `aftercare-rotation-solution/1` document. An infeasible instance is an answer, not an
//! error: its document says `status: infeasible` and names what cannot be met.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::Actor;
use aftercare_app::cover::{self, OverrideInput};
use aftercare_app::proposals;
use aftercare_app::rotations::{self, RotationInput, RotationView};
use aftercare_rotation::{Instance, SolveOptions, solve};
use aftercare_store::{OverrideId, RotationId, Store};

use crate::{Db, open_existing};

#[derive(Subcommand)]
pub(crate) enum RotationCommand {
    /// Propose the fairest schedule that keeps every hard rule for an instance file.
    Solve {
        /// An aftercare-rotation/1 instance (JSON).
        instance: PathBuf,
        /// Stop searching after this many seconds (the answer so far is printed).
        #[arg(long, default_value_t = 10.0)]
        time_limit: f64,
        /// Seed of the search: the same seed gives the same answer (unless the time limit cuts it short).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Create a rotation: members take turns in the order given.
    Create {
        #[command(flatten)]
        db: Db,
        /// The team's name.
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        /// The IANA zone of the handoff time (Europe/London).
        #[arg(long)]
        time_zone: String,
        /// The first handoff, local to --time-zone: 2027-01-04T09:00.
        #[arg(long)]
        start: String,
        /// 12h, 1d, 1w: any number of hours, days or weeks.
        #[arg(long)]
        shift_length: String,
        /// Members' emails in turn order, separated by commas.
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
    },
    /// A team's rotations, with who is on call now.
    List {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        #[arg(long)]
        json: bool,
    },
    /// Who a rotation has on call at an instant (default now).
    Oncall {
        #[command(flatten)]
        db: Db,
        /// The rotation's id.
        id: i64,
        /// An RFC 3339 instant: 2027-03-28T01:30:00Z.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A rotation's health over the last 13 weeks: findings, their sources, each share.
    Health {
        #[command(flatten)]
        db: Db,
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Delete a rotation.
    Delete {
        #[command(flatten)]
        db: Db,
        id: i64,
    },
    /// Put someone on call over a span instead of whoever the rotation says.
    Override {
        #[command(flatten)]
        db: Db,
        /// The rotation's id.
        id: i64,
        /// Who covers: their email.
        #[arg(long)]
        person: String,
        /// From: an RFC 3339 instant, or a local time in the rotation's zone (2027-03-28T20:00).
        #[arg(long)]
        from: String,
        /// Until, written the same way.
        #[arg(long)]
        until: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// A rotation's overrides in the coming year, with who arranged each.
    Overrides {
        #[command(flatten)]
        db: Db,
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Remove an override by its id.
    RemoveOverride {
        #[command(flatten)]
        db: Db,
        /// The override's id (from `rotation overrides`).
        id: i64,
    },
    /// Ask the fair rotation generator for the rotation's next weeks; print each
    /// person's load before and after, and with --accept apply it.
    Propose {
        #[command(flatten)]
        db: Db,
        id: i64,
        /// How many weeks ahead (1 to 53).
        #[arg(long, default_value_t = 13)]
        weeks: u32,
        /// Apply the proposal at once (otherwise it waits, as proposal N, for a lead).
        #[arg(long)]
        accept: bool,
        #[arg(long)]
        json: bool,
    },
    /// A team's rest after bad nights: show it, or set hours per disrupted night and on/off.
    RestPolicy {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        /// Hours of late start per disrupted night (0 to 12, quarter hours).
        #[arg(long)]
        hours: Option<f64>,
        /// Turn rest after bad nights off (or back on with --on).
        #[arg(long, conflicts_with = "on")]
        off: bool,
        #[arg(long)]
        on: bool,
    },
    /// Look now at whoever every rotation has on call, and record the rest their shift
    /// has earned (`aftercare serve` does this every quarter hour).
    RestSweep {
        #[command(flatten)]
        db: Db,
    },
    /// A rotation's cover requests and swap offers, open and settled, with who did what.
    CoverRequests {
        #[command(flatten)]
        db: Db,
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

fn print_rotation(r: &RotationView) {
    let members: Vec<&str> = r.members.iter().map(|m| m.name.as_str()).collect();
    println!(
        "#{} {}: {} shifts from {} {}; {}",
        r.id,
        r.name,
        r.shift_length,
        r.start,
        r.time_zone,
        members.join(", ")
    );
    match &r.on_call_now {
        Some(o) => println!(
            "  on call now: {} until {}",
            o.name,
            o.shift_end.strftime("%Y-%m-%d %H:%M UTC")
        ),
        None => println!("  not started yet"),
    }
}

async fn with_store(command: RotationCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        RotationCommand::Solve { .. } => {
            anyhow::bail!("rotation solve reads an instance file, not the database")
        }
        RotationCommand::Create {
            db,
            team,
            name,
            time_zone,
            start,
            shift_length,
            members,
        } => {
            let store: Store = open_existing(&db).await?;
            let mut ids = Vec::with_capacity(members.len());
            for email in &members {
                let p = store
                    .person_by_email(email.trim())
                    .await?
                    .with_context(|| format!("--members: no person with email {email}"))?;
                ids.push(p.id);
            }
            let made = rotations::create(
                &store,
                &actor,
                &RotationInput {
                    team,
                    name,
                    time_zone,
                    start,
                    shift_length,
                    members: ids,
                },
            )
            .await?;
            print_rotation(&made);
            Ok(())
        }
        RotationCommand::List { db, team, json } => {
            let store = open_existing(&db).await?;
            let t = store
                .team_by_name(&team)
                .await?
                .with_context(|| format!("--team: no team called {team:?}"))?;
            let list = rotations::of_team(&store, &actor, t.id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!(
                    "Team {team:?} has no rotation yet: add one with `aftercare rotation create`."
                );
            }
            for r in &list {
                print_rotation(r);
            }
            Ok(())
        }
        RotationCommand::Oncall { db, id, at, json } => {
            let at = match at {
                Some(text) => text.trim().parse::<jiff::Timestamp>().map_err(|_| {
                    anyhow::anyhow!(
                        "--at: {text:?} is not an RFC 3339 instant with an offset, like 2027-03-28T01:30:00Z"
                    )
                })?,
                None => jiff::Timestamp::now(),
            };
            let store = open_existing(&db).await?;
            let answer = rotations::on_call(&store, &actor, RotationId(id), at).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&answer)?);
                return Ok(());
            }
            match &answer.on_call {
                Some(o) => println!(
                    "{} is on call at {}: shift {} to {}",
                    o.name,
                    at,
                    o.shift_start.strftime("%Y-%m-%d %H:%M UTC"),
                    o.shift_end.strftime("%Y-%m-%d %H:%M UTC")
                ),
                None => println!("Nobody: the rotation has not started at {at}."),
            }
            Ok(())
        }
        RotationCommand::Health { db, id, json } => {
            let store = open_existing(&db).await?;
            let h = rotations::health(&store, &actor, RotationId(id)).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&h)?);
                return Ok(());
            }
            if h.findings.is_empty() {
                println!("No findings for the last 13 weeks.");
            }
            for f in &h.findings {
                println!("[{}] {} ({})", f.severity, f.title, f.code);
                println!("  {}", f.explanation);
                println!("  Source: {}", f.source);
            }
            println!(
                "{:<24} {:>8} {:>7} {:>7} {:>8}",
                "person", "on call", "nights", "weekend", "holiday"
            );
            for s in &h.shares {
                println!(
                    "{:<24} {:>7.0}% {:>6.0}% {:>6.0}% {:>7.0}%",
                    s.name,
                    s.fraction_on_call * 100.0,
                    s.night_share * 100.0,
                    s.weekend_share * 100.0,
                    s.holiday_share * 100.0
                );
            }
            Ok(())
        }
        RotationCommand::Delete { db, id } => {
            let store = open_existing(&db).await?;
            rotations::delete(&store, &actor, RotationId(id)).await?;
            println!("Deleted rotation {id}.");
            Ok(())
        }
        RotationCommand::Override {
            db,
            id,
            person,
            from,
            until,
            note,
        } => {
            let store = open_existing(&db).await?;
            let p = store
                .person_by_email(person.trim())
                .await?
                .with_context(|| format!("--person: no person with email {person}"))?;
            let made = cover::add_override(
                &store,
                &actor,
                RotationId(id),
                &OverrideInput {
                    person: p.id,
                    start: from,
                    end: until,
                    note,
                },
            )
            .await?;
            println!(
                "Override #{}: {} on call {} to {}{}.",
                made.id,
                made.person.name,
                utc(made.start),
                utc(made.end),
                made.replaces
                    .map(|r| format!(" instead of {}", r.name))
                    .unwrap_or_default()
            );
            Ok(())
        }
        RotationCommand::Overrides { db, id, json } => {
            let store = open_existing(&db).await?;
            let now = jiff::Timestamp::now();
            let year = now + jiff::SignedDuration::from_hours(24 * 366);
            let list = cover::overrides(&store, &actor, RotationId(id), now, year).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!("No overrides ahead: the rotation's order holds.");
            }
            for o in &list {
                println!(
                    "#{} {} {} to {}{}; arranged by {}",
                    o.id,
                    o.person.name,
                    utc(o.start),
                    utc(o.end),
                    o.replaces
                        .as_ref()
                        .map(|r| format!(" instead of {}", r.name))
                        .unwrap_or_default(),
                    o.arranged_by
                        .as_ref()
                        .map_or("the operator", |b| b.name.as_str())
                );
            }
            Ok(())
        }
        RotationCommand::RemoveOverride { db, id } => {
            let store = open_existing(&db).await?;
            cover::remove_override(&store, &actor, OverrideId(id)).await?;
            println!("Removed override {id}.");
            Ok(())
        }
        RotationCommand::Propose {
            db,
            id,
            weeks,
            accept,
            json,
        } => {
            let store = open_existing(&db).await?;
            let mut p = proposals::propose(
                &store,
                &actor,
                RotationId(id),
                &proposals::ProposeInput { weeks: Some(weeks) },
            )
            .await?;
            if accept && p.reason.is_none() {
                p = proposals::accept(&store, &actor, p.id).await?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
                return Ok(());
            }
            println!(
                "Proposal {} ({}): {} to {}, generator {}{}",
                p.id,
                p.status,
                utc(p.from),
                utc(p.to),
                p.solver,
                p.spread
                    .map(|s| format!(", spread {s:.2} shifts"))
                    .unwrap_or_default()
            );
            if let Some(reason) = &p.reason {
                println!("  no schedule keeps every rule: {reason}");
            }
            println!(
                "{:<24} {:>8} {:>8} {:>7}",
                "person", "before", "after", "shifts"
            );
            for l in &p.loads {
                println!(
                    "{:<24} {:>8.2} {:>8.2} {:>7}",
                    l.person.name, l.before, l.after, l.shifts
                );
            }
            Ok(())
        }
        RotationCommand::RestPolicy {
            db,
            team,
            hours,
            off,
            on,
        } => {
            let store = open_existing(&db).await?;
            let t = store
                .team_by_name(&team)
                .await?
                .with_context(|| format!("--team: no team called {team:?}"))?;
            let mut p = aftercare_app::rest::policy(&store, &actor, t.id).await?;
            if hours.is_some() || off || on {
                p = aftercare_app::rest::set_policy(
                    &store,
                    &actor,
                    t.id,
                    &aftercare_app::rest::RestPolicyInput {
                        hours_per_night: hours.unwrap_or(p.hours_per_night),
                        enabled: if off { false } else { on || p.enabled },
                    },
                )
                .await?;
            }
            println!(
                "{team}: rest after bad nights {}, {} hours per disrupted night. {}",
                if p.enabled { "on" } else { "off" },
                p.hours_per_night,
                p.source
            );
            Ok(())
        }
        RotationCommand::RestSweep { db } => {
            let store = open_existing(&db).await?;
            let done = aftercare_app::rest::sweep(&store, jiff::Timestamp::now()).await?;
            println!(
                "Rest recorded for {} shifts; {} nights offered to their rotations.",
                done.earned, done.offered
            );
            Ok(())
        }
        RotationCommand::CoverRequests { db, id, json } => {
            let store = open_existing(&db).await?;
            let list = cover::requests(&store, &actor, RotationId(id), true).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!("No cover requests.");
            }
            for c in &list {
                let settled = match (&c.taken_by, &c.closed_by) {
                    (Some(t), _) => format!("taken by {}", t.name),
                    (None, Some(b)) => format!("withdrawn by {}", b.name),
                    (None, None) => "open".to_string(),
                };
                println!(
                    "#{} {}'s {} to {}{}: {}",
                    c.id,
                    c.person.name,
                    utc(c.start),
                    utc(c.end),
                    c.swap
                        .as_ref()
                        .map(|s| format!(" (swap with {})", s.with.name))
                        .unwrap_or_default(),
                    settled
                );
            }
            Ok(())
        }
    }
}

pub(crate) fn run(command: RotationCommand) -> anyhow::Result<()> {
    let RotationCommand::Solve {
        instance,
        time_limit,
        seed,
    } = command
    else {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the runtime")?;
        return runtime.block_on(with_store(command));
    };
    if !(time_limit.is_finite() && time_limit > 0.0 && time_limit <= 86_400.0) {
        anyhow::bail!("--time-limit: must be a number of seconds above 0, at most a day");
    }
    let text = std::fs::read_to_string(&instance)
        .with_context(|| format!("reading {}", instance.display()))?;
    let inst =
        Instance::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", instance.display()))?;
    let solution = solve(
        &inst,
        &SolveOptions {
            time_limit: Duration::from_secs_f64(time_limit),
            seed,
        },
    );
    println!("{}", solution.to_json_pretty());
    Ok(())
}
