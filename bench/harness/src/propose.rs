//! Issue 9's target: a 40-person, one-year, 12-hour-shift schedule with time off is
//! proposed in the UI in under 10 seconds. Times the same use-case the rotation page's
//! "Propose a fair schedule" button runs (`proposals::propose`: reading the rotation,
//! its carry-over and everyone's time off, the generator, storing the proposal), and
//! then reading the proposal back as its page does, on a fresh SQLite file or
//! PostgreSQL database.

use std::time::Instant;

use aftercare_app::Actor;
use aftercare_app::proposals::{self, ProposeInput};
use aftercare_store::{NewPerson, NewRotation, NewTimeOff, Store, TeamRole};

pub struct ProposeBench {
    pub database_url: String,
    pub people: usize,
    pub weeks: u32,
    pub repeat: usize,
}

pub async fn run(a: ProposeBench) -> anyhow::Result<()> {
    let store = Store::connect(&a.database_url).await?;
    let team = store.ensure_team("bench-propose").await?.id;
    let mut members = Vec::with_capacity(a.people);
    for i in 0..a.people {
        let (p, _) = store
            .upsert_person(&NewPerson {
                name: format!("Person {i:02}"),
                email: format!("propose{i:02}@bench.example"),
                hours: aftercare_burden::PersonHours::with_defaults(jiff::tz::TimeZone::UTC),
            })
            .await?;
        store.set_membership(team, p.id, TeamRole::Member).await?;
        members.push(p.id);
    }
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let start = format!("{}T08:00", today);
    let name = format!("bench-{}", jiff::Timestamp::now().as_millisecond());
    let r = store
        .create_rotation(&NewRotation {
            team_id: team,
            name,
            time_zone: "Europe/London".into(),
            starts_local: start,
            shift_length: "12h".into(),
            members: members.clone(),
        })
        .await?;
    // Time off: everyone two weeks of leave at a different point of the year, and every
    // third person an appointment day each month.
    let day = 86_400_000_i64;
    let t0 = jiff::Timestamp::now().as_millisecond() + 7 * day;
    let mut spans = 0;
    for (i, p) in members.iter().enumerate() {
        let leave = t0 + (i as i64 * 8 % 340) * day;
        store
            .add_time_off(&NewTimeOff {
                person_id: *p,
                starts_at: leave,
                ends_at: leave + 14 * day,
                kind: "leave".into(),
                note: String::new(),
            })
            .await?;
        spans += 1;
        if i % 3 == 0 {
            for m in 0..12 {
                let at = t0 + (m * 30 + i as i64 % 7) * day;
                store
                    .add_time_off(&NewTimeOff {
                        person_id: *p,
                        starts_at: at,
                        ends_at: at + day / 3,
                        kind: "appointment".into(),
                        note: String::new(),
                    })
                    .await?;
                spans += 1;
            }
        }
    }
    let actor = Actor::command_line();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..a.repeat.max(1) {
        let started = Instant::now();
        let p = proposals::propose(
            &store,
            &actor,
            r.rotation.id,
            &ProposeInput {
                weeks: Some(a.weeks),
            },
        )
        .await?;
        // What the proposal's page reads.
        let shown = proposals::get(&store, &actor, p.id).await?;
        times.push(started.elapsed().as_secs_f64());
        last = Some(shown);
    }
    times.sort_by(f64::total_cmp);
    let Some(p) = last else {
        anyhow::bail!("no run")
    };
    let median = times[times.len() / 2];
    println!(
        "{{\"people\":{},\"weeks\":{},\"shifts\":{},\"time_off_spans\":{},\"solver\":\"{}\",\"spread\":{},\"bound\":{},\"seconds_median\":{:.3},\"seconds_max\":{:.3},\"runs\":{}}}",
        a.people,
        a.weeks,
        p.shifts.len(),
        spans,
        p.solver,
        p.spread.map_or("null".into(), |s| format!("{s:.4}")),
        p.bound.map_or("null".into(), |s| format!("{s:.4}")),
        median,
        times.last().copied().unwrap_or(median),
        times.len()
    );
    store.close().await;
    Ok(())
}
