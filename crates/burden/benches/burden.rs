//! Timing of the pure burden computation (no storage), without criterion: median of a few runs.
//!
//! `cargo bench -p aftercare-burden` runs on synthetic data shaped like `shared/bench/burden/gen.py`
//! (2,000 people in the same 10 zones, 10 million notifications over 2023–2027, a fifth in storms
//! 40 s apart) and reports: classification per instant, one cached and one uncached; the whole
//! organisation's year; a 50-person team's 90 days.
//!
//! `cargo bench -p aftercare-burden -- --data DIR --from T --to T [--team T] [--json]` reads the
//! `people.csv` and `pages.csv` that gen.py writes and prints, with `--json`, one line per person in
//! the format of `duckdb_reference.py --json`, so the two can be compared figure by figure.

// A benchmark: a panic on bad input is the right failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use aftercare_burden::{Burden, HoursSettings, Period, PersonHours, burden, team_spread};
use jiff::Timestamp;
use jiff::tz::TimeZone;

const ZONES: [&str; 10] = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "UTC",
];

struct Person {
    email: String,
    team: String,
    hours: PersonHours,
    pages: Vec<Timestamp>,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    match flag("--data") {
        Some(dir) => from_csv(
            &dir,
            flag("--team"),
            &flag("--from").expect("--from"),
            &flag("--to").expect("--to"),
            args.iter().any(|a| a == "--json"),
        ),
        None => synthetic(),
    }
}

/// Median wall time of `runs` runs of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn synthetic() {
    let people_n = 2000usize;
    let notifications_n = 10_000_000usize;
    let start = Timestamp::from_second(1_672_531_200).unwrap(); // 2023-01-01
    let span = 5 * 365 * 86_400u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let zones: Vec<TimeZone> = ZONES.iter().map(|z| TimeZone::get(z).unwrap()).collect();
    let mut people: Vec<Person> = (0..people_n)
        .map(|i| Person {
            email: format!("person{i:05}@example.org"),
            team: format!("team-{:03}", i % 40),
            hours: PersonHours::with_defaults(zones[i % zones.len()].clone()),
            pages: Vec::new(),
        })
        .collect();
    let t0 = Instant::now();
    let mut n = 0;
    while n < notifications_n {
        // A skewed pick (squared uniform) so that a few people carry far more than others.
        let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
        let who = ((u * u) * people_n as f64) as usize;
        let at = start.as_second() + rng.below(span) as i64;
        let storm = if rng.below(5) == 0 {
            2 + rng.below(5)
        } else {
            1
        };
        for j in 0..storm {
            people[who]
                .pages
                .push(Timestamp::from_second(at + 40 * j as i64).unwrap());
            n += 1;
        }
    }
    for p in &mut people {
        p.pages.sort_unstable();
    }
    eprintln!(
        "synthetic: {people_n} people, {n} notifications, generated in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    // Classification alone, over one busy person's five years in each zone.
    let instants: Vec<Timestamp> = {
        let mut v: Vec<Timestamp> = (0..2_000_000)
            .map(|_| Timestamp::from_second(start.as_second() + rng.below(span) as i64).unwrap())
            .collect();
        v.sort_unstable();
        v
    };
    for zone in ["Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC"] {
        let hours = PersonHours::with_defaults(TimeZone::get(zone).unwrap());
        let uncached = time(5, || {
            instants
                .iter()
                .map(|&t| hours.classify(t).category as u32)
                .sum::<u32>()
        });
        let cached = time(5, || {
            let mut c = hours.classifier();
            instants
                .iter()
                .map(|&t| c.classify(t).category as u32)
                .sum::<u32>()
        });
        eprintln!(
            "classify {zone:<17} 2M sorted instants: {:>5.1} ns each one by one, {:>5.1} ns each with the classifier",
            uncached.as_nanos() as f64 / 2e6,
            cached.as_nanos() as f64 / 2e6
        );
    }

    let year = Period::new(
        "2026-01-01T00:00:00Z".parse().unwrap(),
        "2027-01-01T00:00:00Z".parse().unwrap(),
    )
    .unwrap();
    let mut in_year = 0;
    for p in &people {
        in_year += p.pages.iter().filter(|t| year.contains(**t)).count();
    }
    let org = time(5, || {
        people
            .iter()
            .map(|p| burden(&p.hours, &p.pages, year).interruptions.total)
            .sum::<u32>()
    });
    eprintln!(
        "organisation year: {} people, {in_year} notifications in 2026 ({} in all): {:.1} ms",
        people.len(),
        n,
        org.as_secs_f64() * 1e3
    );

    let quarter = Period::new(
        "2026-09-01T00:00:00Z".parse().unwrap(),
        "2026-11-30T00:00:00Z".parse().unwrap(),
    )
    .unwrap();
    let team: Vec<&Person> = people.iter().filter(|p| p.team == "team-007").collect();
    let team_time = time(21, || {
        let burdens: Vec<(usize, Burden)> = team
            .iter()
            .enumerate()
            .map(|(i, p)| (i, burden(&p.hours, &p.pages, quarter)))
            .collect();
        let refs: Vec<(usize, &Burden)> = burdens.iter().map(|(i, b)| (*i, b)).collect();
        team_spread(&refs).median_sleep
    });
    eprintln!(
        "team of {} over 90 days (with spread): {:.3} ms",
        team.len(),
        team_time.as_secs_f64() * 1e3
    );
}

fn from_csv(dir: &str, team: Option<String>, from: &str, to: &str, json: bool) {
    let t0 = Instant::now();
    let people_csv = std::fs::read_to_string(format!("{dir}/people.csv")).expect("people.csv");
    let mut lines = people_csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let mut people: Vec<Person> = Vec::new();
    let mut by_email: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let f = split_csv_line(line);
        let get = |name: &str| col(name).and_then(|i| f.get(i).map(String::as_str));
        let tz = TimeZone::get(get("timezone").expect("timezone")).expect("known time zone");
        let settings = HoursSettings {
            working_days: get("business_days"),
            working_start: get("business_start"),
            working_end: get("business_end"),
            sleep_start: get("sleep_start"),
            sleep_end: get("sleep_end"),
        };
        let email = get("email").expect("email").to_owned();
        by_email.insert(email.clone(), people.len());
        people.push(Person {
            email,
            team: get("team").unwrap_or("").to_owned(),
            hours: PersonHours::from_settings(tz, &settings).expect("valid settings"),
            pages: Vec::new(),
        });
    }
    let pages_csv = std::fs::read_to_string(format!("{dir}/pages.csv")).expect("pages.csv");
    let mut n = 0;
    for line in pages_csv.lines().skip(1) {
        let mut f = line.split(',');
        let email = f.next().expect("email");
        let at: Timestamp = f.next().expect("at").parse().expect("RFC 3339");
        if let Some(&i) = by_email.get(email) {
            people[i].pages.push(at);
            n += 1;
        }
    }
    drop(pages_csv);
    for p in &mut people {
        p.pages.sort_unstable();
    }
    eprintln!(
        "loaded {} people and {n} notifications in {:.1} s",
        people.len(),
        t0.elapsed().as_secs_f64()
    );
    let period = Period::new(from.parse().expect("--from"), to.parse().expect("--to")).unwrap();
    let mut chosen: Vec<&Person> = people
        .iter()
        .filter(|p| team.as_ref().is_none_or(|t| &p.team == t))
        .collect();
    chosen.sort_by(|a, b| a.email.cmp(&b.email));
    let elapsed = time(5, || {
        chosen
            .iter()
            .map(|p| burden(&p.hours, &p.pages, period))
            .collect::<Vec<_>>()
    });
    if json {
        for p in &chosen {
            let b = burden(&p.hours, &p.pages, period);
            // As duckdb_reference.py: only people with an interruption in the period.
            if b.interruptions.total > 0 {
                println!(
                    "{}",
                    serde_json::json!({
                        "email": p.email,
                        "interruptions": b.interruptions,
                        "disrupted_nights": b.disrupted_nights,
                        "longest_disrupted_streak": b.longest_disrupted_streak,
                    })
                );
            }
        }
    }
    eprintln!(
        "burden for {} people: median {:.1} ms over 5 runs",
        chosen.len(),
        elapsed.as_secs_f64() * 1e3
    );
}

/// Splits one CSV line, honouring double-quoted fields (`"sun,mon,tue,wed,thu"`); enough for gen.py's
/// files and hand-edited variants of them, without a CSV dependency for a benchmark.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}
