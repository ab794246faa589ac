//! `aftercare newcomer …` (people new to a rotation's on call, their buddies and shadow
//! shifts), `aftercare drill …` (fire drills) and `aftercare away` (the time off a
//! rotation's shifts collide with): through the same use-cases as the API and the
//! pages, acting as the operator (an admin). Time off itself is its person's own: they
//! add it on the web or with their own API token, and the command line only sees what
//! the team sees (the span and its kind, never the note).

use anyhow::Context;
use clap::Subcommand;

use aftercare_app::Actor;
use aftercare_app::drills::{self, DrillInput, DrillView, HeldInput};
use aftercare_app::newcomers::{self, NewcomerChange, NewcomerInput, NewcomerView, ShadowInput};
use aftercare_app::time_off;
use aftercare_store::{DrillId, NewcomerId, PersonId, RotationId, ShadowShiftId, Store};

use crate::{Db, open_existing};

fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

async fn person(store: &Store, flag: &str, email: &str) -> anyhow::Result<PersonId> {
    Ok(store
        .person_by_email(email.trim())
        .await?
        .with_context(|| format!("{flag}: no person with email {email}"))?
        .id)
}

#[derive(Subcommand)]
pub(crate) enum NewcomerCommand {
    /// Mark a member of a rotation as new to its on call, with a buddy to call.
    Add {
        #[command(flatten)]
        db: Db,
        /// The rotation's id.
        #[arg(long)]
        rotation: i64,
        /// The newcomer's email.
        #[arg(long)]
        person: String,
        /// Their buddy's email: someone else in the rotation's team.
        #[arg(long)]
        buddy: String,
    },
    /// A rotation's newcomers, buddies and shadow shifts.
    List {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        rotation: i64,
        #[arg(long)]
        json: bool,
    },
    /// Change a newcomer's buddy, or say they are ready to carry the pager alone.
    Change {
        #[command(flatten)]
        db: Db,
        /// The newcomer's id (from `newcomer list`).
        id: i64,
        /// A new buddy's email.
        #[arg(long)]
        buddy: Option<String>,
        /// Ready to carry the pager alone (no longer counted as new).
        #[arg(long, conflicts_with = "new_again")]
        ready: bool,
        /// Count them as new again.
        #[arg(long)]
        new_again: bool,
    },
    /// Stop counting someone as new, removing their shadow shifts.
    Remove {
        #[command(flatten)]
        db: Db,
        id: i64,
    },
    /// Plan a shadow shift: the newcomer follows whoever is on call.
    Shadow {
        #[command(flatten)]
        db: Db,
        /// The newcomer's id.
        id: i64,
        /// From: an RFC 3339 instant or a local time in the rotation's zone (2027-01-11T09:00).
        #[arg(long)]
        from: String,
        /// Until, written the same way; default: the end of the shift on call at --from.
        #[arg(long)]
        until: Option<String>,
    },
    /// Remove a shadow shift by its id.
    Unshadow {
        #[command(flatten)]
        db: Db,
        id: i64,
    },
}

fn print_newcomer(n: &NewcomerView) {
    println!(
        "#{} {}: buddy {}; {}; {} shadow shift(s) done",
        n.id,
        n.person.name,
        n.buddy.name,
        match n.ready_at {
            Some(t) => format!("ready since {}", utc(t)),
            None => format!("new since {}", utc(n.since)),
        },
        n.shadowed
    );
    for s in &n.shadow_shifts {
        println!(
            "  shadow #{}: {} to {}, following {} ({})",
            s.id,
            utc(s.start),
            utc(s.end),
            s.shadowing
                .as_ref()
                .map_or("nobody yet", |m| m.name.as_str()),
            if s.done { "done" } else { "planned" }
        );
    }
}

pub(crate) async fn newcomer(command: NewcomerCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        NewcomerCommand::Add {
            db,
            rotation,
            person: email,
            buddy,
        } => {
            let store = open_existing(&db).await?;
            let input = NewcomerInput {
                person_id: person(&store, "--person", &email).await?,
                buddy_id: person(&store, "--buddy", &buddy).await?,
            };
            let made = newcomers::add(&store, &actor, RotationId(rotation), &input).await?;
            print_newcomer(&made);
        }
        NewcomerCommand::List { db, rotation, json } => {
            let store = open_existing(&db).await?;
            let list = newcomers::of_rotation(&store, &actor, RotationId(rotation)).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!(
                    "Nobody is marked as new to rotation {rotation}: `aftercare newcomer add` marks someone."
                );
            }
            for n in &list {
                print_newcomer(n);
            }
        }
        NewcomerCommand::Change {
            db,
            id,
            buddy,
            ready,
            new_again,
        } => {
            let store = open_existing(&db).await?;
            let buddy_id = match buddy {
                Some(email) => Some(person(&store, "--buddy", &email).await?),
                None => None,
            };
            let ready = if ready {
                Some(true)
            } else if new_again {
                Some(false)
            } else {
                None
            };
            if buddy_id.is_none() && ready.is_none() {
                anyhow::bail!("say what changes: --buddy EMAIL, --ready or --new-again");
            }
            let n = newcomers::change(
                &store,
                &actor,
                NewcomerId(id),
                &NewcomerChange { buddy_id, ready },
            )
            .await?;
            print_newcomer(&n);
        }
        NewcomerCommand::Remove { db, id } => {
            let store = open_existing(&db).await?;
            newcomers::remove(&store, &actor, NewcomerId(id)).await?;
            println!("Newcomer {id} removed, with their shadow shifts.");
        }
        NewcomerCommand::Shadow {
            db,
            id,
            from,
            until,
        } => {
            let store = open_existing(&db).await?;
            let s =
                newcomers::add_shadow(&store, &actor, NewcomerId(id), &ShadowInput { from, until })
                    .await?;
            println!(
                "Shadow shift #{}: {} follows {} from {} to {}.",
                s.id,
                s.person.name,
                s.shadowing
                    .as_ref()
                    .map_or("nobody yet", |m| m.name.as_str()),
                utc(s.start),
                utc(s.end)
            );
        }
        NewcomerCommand::Unshadow { db, id } => {
            let store = open_existing(&db).await?;
            newcomers::remove_shadow(&store, &actor, ShadowShiftId(id)).await?;
            println!("Shadow shift {id} removed.");
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub(crate) enum DrillCommand {
    /// Schedule a practice incident for a rotation.
    Schedule {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        rotation: i64,
        /// When: an RFC 3339 instant or a local time in the rotation's zone.
        #[arg(long)]
        at: String,
        /// What is practised ("the payments database fails over").
        #[arg(long)]
        scenario: String,
    },
    /// A rotation's drills, soonest first, with who took part.
    List {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        rotation: i64,
        #[arg(long)]
        json: bool,
    },
    /// Record a drill as held, with who took part (emails, separated by commas).
    Held {
        #[command(flatten)]
        db: Db,
        /// The drill's id.
        id: i64,
        #[arg(long, value_delimiter = ',', required = true)]
        people: Vec<String>,
        /// When it was held; default: when it was scheduled.
        #[arg(long)]
        at: Option<String>,
    },
    /// Delete a drill.
    Delete {
        #[command(flatten)]
        db: Db,
        id: i64,
    },
}

fn print_drill(d: &DrillView) {
    let who: Vec<&str> = d.participants.iter().map(|m| m.name.as_str()).collect();
    println!(
        "#{} {}: {}{}",
        d.id,
        utc(d.held_at.unwrap_or(d.scheduled_at)),
        d.scenario,
        match d.held_at {
            Some(_) => format!(" (held, with {})", who.join(", ")),
            None => " (scheduled)".to_string(),
        }
    );
}

pub(crate) async fn drill(command: DrillCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        DrillCommand::Schedule {
            db,
            rotation,
            at,
            scenario,
        } => {
            let store = open_existing(&db).await?;
            let d = drills::schedule(
                &store,
                &actor,
                RotationId(rotation),
                &DrillInput { at, scenario },
            )
            .await?;
            print_drill(&d);
        }
        DrillCommand::List { db, rotation, json } => {
            let store = open_existing(&db).await?;
            let list = drills::of_rotation(&store, &actor, RotationId(rotation)).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!(
                    "Rotation {rotation} has no fire drills: `aftercare drill schedule` plans one."
                );
            }
            for d in &list {
                print_drill(d);
            }
        }
        DrillCommand::Held { db, id, people, at } => {
            let store = open_existing(&db).await?;
            let mut participants = Vec::with_capacity(people.len());
            for email in &people {
                participants.push(person(&store, "--people", email).await?);
            }
            let d = drills::record(&store, &actor, DrillId(id), &HeldInput { participants, at })
                .await?;
            print_drill(&d);
        }
        DrillCommand::Delete { db, id } => {
            let store = open_existing(&db).await?;
            drills::delete(&store, &actor, DrillId(id)).await?;
            println!("Deleted fire drill {id}.");
        }
    }
    Ok(())
}

/// `aftercare away --rotation N`: shifts in the coming weeks that meet their person's
/// time off, and who could cover each.
pub(crate) async fn away(db: Db, rotation: i64, json: bool) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    let store = open_existing(&db).await?;
    let list = time_off::collisions(&store, &actor, RotationId(rotation)).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if list.is_empty() {
        println!(
            "No shift in the next {} weeks meets anyone's time off.",
            time_off::COLLISION_WEEKS
        );
    }
    for c in &list {
        let cover: Vec<&str> = c.could_cover.iter().map(|m| m.name.as_str()).collect();
        println!(
            "{}'s shift {} to {} meets their {} ({} to {}); could cover: {}",
            c.person.name,
            utc(c.shift_start),
            utc(c.shift_end),
            c.kind,
            utc(c.away_start),
            utc(c.away_end),
            if cover.is_empty() {
                "nobody free".to_string()
            } else {
                cover.join(", ")
            }
        );
    }
    Ok(())
}
