//! `aftercare-bench`: the benchmarks of issues 2 and 6, in their own binary so the
//! product carries none of them, but linked against the real crates so they time the
//! same code paths the server runs (never part of `cargo test`; see bench/README.md).
//!
//! * `burden --team NAME|--all --from T --to T [--repeat N] [--json]` times
//!   [`burden::team_burden`] (the use-case behind `GET /api/v1/teams/{id}/burden`) with a
//!   warm-up and the median of N runs; `--all` is the whole organisation through
//!   [`org::org_burden`] (one read of everyone's pages, every team side by side), and
//!   `--all --per-team` the old way, every team's [`burden::team_burden`] in turn.
//!   `--json` prints each person's figures as one JSON line in the format of
//!   `shared/bench/burden/duckdb_reference.py --json`.
//! * `ingest --dir DIR` starts the server on loopback over a fresh SQLite file in
//!   DIR, sends distinct signed PagerDuty v3 deliveries from many concurrent keep-alive
//!   connections, and reports accepted deliveries/s and latency percentiles, then the
//!   rate of the `sqlite3` CLI inserting the same rows one durable transaction each in
//!   the same folder.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use aftercare_app::integrations::{self, CreateIntegration};
use aftercare_app::{Actor, burden, org};
use aftercare_burden::{Burden, PersonHours};
use aftercare_server::{AppState, ServerConfig};
use aftercare_store::{Backend, NewPerson, Store};
use aftercare_webhooks::{Source, signing};

#[derive(Parser)]
#[command(
    name = "aftercare-bench",
    version,
    about = "Aftercare's benchmarks (burden at scale, webhook ingest); see bench/README.md"
)]
struct Cli {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time a team's (or everyone's) burden over a period, as the API computes it.
    Burden(BurdenArgs),
    /// Webhook ingest throughput and latency over loopback, beside sqlite3's naive rate.
    Ingest(IngestArgs),
    /// A fair schedule proposed for a big rotation with time off, as the rotation page
    /// asks for one (issue 9: 40 people, a year of 12-hour shifts, under 10 s).
    Propose(ProposeArgs),
}

#[derive(Args)]
struct ProposeArgs {
    /// A database to create the rotation in (a fresh one: sqlite://PATH?mode=rwc).
    #[arg(long, env = "AFTERCARE_DATABASE_URL")]
    database_url: String,
    #[arg(long, default_value_t = 40)]
    people: usize,
    #[arg(long, default_value_t = 52)]
    weeks: u32,
    /// Timed runs; the median and the slowest are reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

#[derive(Args)]
struct BurdenArgs {
    /// sqlite://PATH or postgres://USER@HOST/DB holding imported people and pages.
    #[arg(long, env = "AFTERCARE_DATABASE_URL")]
    database_url: String,
    /// The team whose members' burden is computed.
    #[arg(long, conflicts_with = "all", required_unless_present = "all")]
    team: Option<String>,
    /// Everyone: every team's burden, plus the people in no team, as the organisation
    /// overview computes it (`org::org_burden`).
    #[arg(long)]
    all: bool,
    /// With --all: team by team through `service::team_burden` instead (the old way).
    #[arg(long, requires = "all")]
    per_team: bool,
    /// Start of the period (RFC 3339 with an offset, or a date).
    #[arg(long)]
    from: String,
    /// End of the period, exclusive.
    #[arg(long)]
    to: String,
    /// Timed runs after the warm-up; the median is reported.
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Untimed runs first (they fill the database's and the OS's caches).
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Print every person's figures as JSON lines (duckdb_reference.py's format) on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct IngestArgs {
    /// Folder for the two fresh SQLite files (Aftercare's and the naive sqlite3 one), so
    /// both write to the same disk. Existing bench files there are replaced.
    #[arg(long)]
    dir: PathBuf,
    /// Concurrent senders, each on its own keep-alive HTTP/1.1 connection.
    #[arg(long, default_value_t = 64)]
    senders: usize,
    /// Deliveries to send in all (each distinct).
    #[arg(long, default_value_t = 20_000)]
    deliveries: usize,
    /// Stop sending after this long even if not all deliveries went out.
    #[arg(long, default_value_t = 120)]
    max_seconds: u64,
    /// Rows for the sqlite3 baseline (one durable transaction each).
    #[arg(long, default_value_t = 2_000)]
    naive_rows: usize,
    /// The sqlite3 command-line shell for the baseline.
    #[arg(long, default_value = "sqlite3")]
    sqlite3: String,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

mod propose;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        BenchCommand::Burden(a) => burden_bench(a).await,
        BenchCommand::Ingest(a) => ingest(a).await,
        BenchCommand::Propose(a) => {
            propose::run(propose::ProposeBench {
                database_url: a.database_url,
                people: a.people,
                weeks: a.weeks,
                repeat: a.repeat,
            })
            .await
        }
    }
}

// ---- burden -----------------------------------------------------------------

enum Target {
    Team(String),
    /// The organisation in one pass.
    Org,
    /// Every team in turn, then the people in no team.
    PerTeam,
}

/// One full computation, through the service layer the API uses. Returns each
/// person's email and burden, by email.
async fn compute(
    store: &Store,
    target: &Target,
    period: aftercare_burden::Period,
) -> anyhow::Result<BTreeMap<String, Burden>> {
    let mut out = BTreeMap::new();
    match target {
        Target::Team(name) => {
            let team = store
                .team_by_name(name)
                .await?
                .with_context(|| format!("--team: no team called {name:?}"))?;
            let tb = burden::team_burden(store, &team, period).await?;
            for m in tb.members {
                out.insert(m.person.email, m.burden);
            }
        }
        Target::Org => {
            let right = Actor::command_line().admin()?;
            let org = org::org_burden(store, &right, period).await?;
            for tb in org.teams {
                for m in tb.members {
                    out.entry(m.person.email).or_insert(m.burden);
                }
            }
            for p in org.without_team {
                out.insert(p.person.email, p.burden);
            }
        }
        Target::PerTeam => {
            for team in store.list_teams().await? {
                let tb = burden::team_burden(store, &team, period).await?;
                for m in tb.members {
                    out.entry(m.person.email).or_insert(m.burden);
                }
            }
            // People in no team are still people whose nights count.
            let covered: HashSet<String> = out.keys().cloned().collect();
            for p in store.list_people().await? {
                if !covered.contains(&p.email) {
                    let b = burden::person_burden(store, &p, period).await?;
                    out.insert(p.email.clone(), b);
                }
            }
        }
    }
    Ok(out)
}

fn median_ms(times: &[Duration]) -> (f64, f64) {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let median = ms.get(ms.len() / 2).copied().unwrap_or(f64::NAN);
    let min = ms.first().copied().unwrap_or(f64::NAN);
    (median, min)
}

async fn burden_bench(a: BurdenArgs) -> anyhow::Result<()> {
    let period = burden::parse_period(Some(&a.from), Some(&a.to))
        .map_err(|e| anyhow::anyhow!("--from/--to: {e}"))?;
    let target = match (a.team, a.per_team) {
        (Some(t), _) => Target::Team(t),
        (None, false) => Target::Org,
        (None, true) => Target::PerTeam,
    };
    let store = Store::connect(&a.database_url)
        .await
        .with_context(|| format!("opening {}", a.database_url))?;
    let repeat = a.repeat.max(1);
    for _ in 0..a.warmup {
        compute(&store, &target, period).await?;
    }
    let mut times = Vec::with_capacity(repeat);
    let mut result = BTreeMap::new();
    for _ in 0..repeat {
        let started = Instant::now();
        result = compute(&store, &target, period).await?;
        times.push(started.elapsed());
    }
    let (median, min) = median_ms(&times);
    if a.json {
        let mut stdout = std::io::stdout().lock();
        for (email, b) in &result {
            let i = &b.interruptions;
            // Key order as duckdb_reference.py prints it, so lines can be diffed too.
            writeln!(
                stdout,
                "{{\"email\": {}, \"interruptions\": {{\"business\": {}, \"off\": {}, \"sleep\": {}, \"total\": {}}}, \"disrupted_nights\": {}, \"longest_disrupted_streak\": {}}}",
                serde_json::to_string(email)?,
                i.business,
                i.off,
                i.sleep,
                i.total,
                b.disrupted_nights,
                b.longest_disrupted_streak
            )?;
        }
    }
    let backend = match store.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let interruptions: u64 = result
        .values()
        .map(|b| u64::from(b.interruptions.total))
        .sum();
    eprintln!(
        "aftercare ({backend}): burden for {} people ({interruptions} interruptions): median {median:.1} ms, min {min:.1} ms over {repeat} runs",
        result.len()
    );
    eprintln!(
        "{}",
        json!({"bench": "burden", "backend": backend, "target": match target { Target::Team(_) => "team", Target::Org => "org", Target::PerTeam => "per-team" }, "people": result.len(), "interruptions": interruptions,
               "median_ms": median, "min_ms": min, "runs": repeat, "from": period.from(), "to": period.to()})
    );
    store.close().await;
    Ok(())
}

// ---- ingest -----------------------------------------------------------------

/// The PagerDuty v3 secret of the bench integration.
const SECRET: &str = "bench-pagerduty-signing-secret";

/// A PagerDuty v3 `incident.triggered` delivery, shaped like the real one in
/// `shared/data/webhooks/pagerduty_v3/`, with its ids made distinct per delivery.
fn pagerduty_body(n: usize, assignee: &str, at: jiff::Timestamp) -> String {
    json!({
        "event": {
            "id": format!("01BENCH{n:019}"),
            "event_type": "incident.triggered",
            "resource_type": "incident",
            "occurred_at": at.to_string(),
            "agent": {"html_url": "https://acme.pagerduty.com/services/PCHK0UT", "id": "PCHK0UT", "self": "https://api.pagerduty.com/services/PCHK0UT", "summary": "checkout-api (production)", "type": "service_reference"},
            "client": {"name": "Alertmanager"},
            "data": {
                "id": format!("QB{n:012}"),
                "type": "incident",
                "self": format!("https://api.pagerduty.com/incidents/QB{n:012}"),
                "html_url": format!("https://acme.pagerduty.com/incidents/QB{n:012}"),
                "number": n,
                "status": "triggered",
                "incident_key": format!("bench-{n:016x}"),
                "created_at": at.to_string(),
                "title": format!("[FIRING:1] CheckoutHighErrorRate checkout-api bench {n}"),
                "incident_type": {"name": "incident_default"},
                "service": {"html_url": "https://acme.pagerduty.com/services/PCHK0UT", "id": "PCHK0UT", "self": "https://api.pagerduty.com/services/PCHK0UT", "summary": "checkout-api (production)", "type": "service_reference"},
                "assignees": [{"html_url": format!("https://acme.pagerduty.com/users/{assignee}"), "id": assignee, "self": format!("https://api.pagerduty.com/users/{assignee}"), "summary": "Bench Person", "type": "user_reference"}],
                "escalation_policy": {"html_url": "https://acme.pagerduty.com/escalation_policies/PEP42LV", "id": "PEP42LV", "self": "https://api.pagerduty.com/escalation_policies/PEP42LV", "summary": "Payments - Primary/Secondary", "type": "escalation_policy_reference"},
                "teams": [{"html_url": "https://acme.pagerduty.com/teams/PTPAY01", "id": "PTPAY01", "self": "https://api.pagerduty.com/teams/PTPAY01", "summary": "Payments", "type": "team_reference"}],
                "priority": {"html_url": "https://acme.pagerduty.com/account/incident_priorities", "id": "PSO75BN", "self": "https://api.pagerduty.com/priorities/PSO75BN", "summary": "P2", "type": "priority_reference"},
                "urgency": "high",
                "resolve_reason": null
            }
        }
    })
    .to_string()
}

/// People the bench pages, each with a PagerDuty user id.
const PEOPLE: usize = 64;

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Creates the bench team, its people (with PagerDuty identities; PagerDuty's default
/// business and sleep hours) and a PagerDuty integration; returns its ingest path.
async fn seed(store: &Store) -> anyhow::Result<String> {
    let team = store.ensure_team("bench").await?;
    let zone = jiff::tz::TimeZone::get("Europe/London")?;
    for i in 0..PEOPLE {
        let (p, _) = store
            .upsert_person(&NewPerson {
                name: format!("Bench Person {i:02}"),
                email: format!("bench{i:02}@example.org"),
                hours: PersonHours::with_defaults(zone.clone()),
            })
            .await?;
        store.join_team(team.id, p.id).await?;
        store
            .link_identity(p.id, "pagerduty", &format!("PBENCH{i:02}"), true)
            .await?;
    }
    let made = integrations::create(
        store,
        &Actor::command_line(),
        &CreateIntegration {
            team: "bench".into(),
            source: "pagerduty".into(),
            name: Some("bench".into()),
            secret: Some(SECRET.into()),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the bench integration: {e}"))?;
    Ok(made.integration.ingest_path)
}

/// A minimal HTTP/1.1 client on one keep-alive connection: enough for a load
/// generator that must cost the shared CPU as little as possible.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    async fn open(addr: std::net::SocketAddr) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    /// Sends one POST and reads its response; returns the status code.
    async fn post(
        &mut self,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> anyhow::Result<u16> {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(k);
            req.push_str(": ");
            req.push_str(v);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.write_all(&bytes).await?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> anyhow::Result<u16> {
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed before a response");
            }
            self.buf.extend_from_slice(&chunk[..n]);
        };
        let head =
            std::str::from_utf8(&self.buf[..head_end]).context("response head is not UTF-8")?;
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("no status code")?;
        let mut length = None;
        for line in head.split("\r\n").skip(1) {
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse::<usize>().ok();
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    bail!("chunked responses are not supported by the bench client");
                }
            }
        }
        let want = head_end + length.unwrap_or(0);
        while self.buf.len() < want {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed mid-body");
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
        Ok(status)
    }
}

#[derive(Default)]
struct SenderResult {
    /// Latency of each accepted (202) delivery, in microseconds.
    accepted: Vec<u32>,
    /// Status codes other than 202 (or transport errors as 0), counted.
    others: BTreeMap<u16, usize>,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

async fn ingest(a: IngestArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&a.dir).with_context(|| format!("creating {}", a.dir.display()))?;
    let dir = a.dir.canonicalize()?;
    let db_path = dir.join("ingest-aftercare.db");
    remove_db(&db_path);
    let url = format!("sqlite://{}", db_path.display());
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let path = Arc::new(seed(&store).await?);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(store.clone(), ServerConfig::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(aftercare_server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    eprintln!(
        "aftercare ingest: {} senders, {} deliveries to {addr}{path}, database {}",
        a.senders,
        a.deliveries,
        db_path.display()
    );
    let next = Arc::new(AtomicUsize::new(0));
    let base = jiff::Timestamp::now();
    let deadline = Instant::now() + Duration::from_secs(a.max_seconds);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(a.senders);
    for _ in 0..a.senders {
        let next = next.clone();
        let path = path.clone();
        let total = a.deliveries;
        tasks.push(tokio::spawn(async move {
            let mut out = SenderResult::default();
            let mut conn = match Connection::open(addr).await {
                Ok(c) => c,
                Err(_) => {
                    *out.others.entry(0).or_default() += 1;
                    return out;
                }
            };
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total || Instant::now() >= deadline {
                    break;
                }
                let at = base
                    .checked_add(jiff::SignedDuration::from_secs(n as i64))
                    .unwrap_or(base);
                let body = pagerduty_body(n, &format!("PBENCH{:02}", n % PEOPLE), at);
                let Ok(headers) = signing::headers_with_id(
                    Source::PagerDuty,
                    SECRET,
                    &format!("bench-delivery-{n:08}"),
                    body.as_bytes(),
                    at,
                ) else {
                    *out.others.entry(0).or_default() += 1;
                    break;
                };
                let sent = Instant::now();
                match conn.post(&path, &headers, body.as_bytes()).await {
                    Ok(202) => out
                        .accepted
                        .push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX)),
                    Ok(status) => *out.others.entry(status).or_default() += 1,
                    Err(_) => {
                        *out.others.entry(0).or_default() += 1;
                        // Reconnect once; give up on this sender if that fails too.
                        match Connection::open(addr).await {
                            Ok(c) => conn = c,
                            Err(_) => break,
                        }
                    }
                }
            }
            out
        }));
    }
    let mut latencies = Vec::with_capacity(a.deliveries);
    let mut others: BTreeMap<u16, usize> = BTreeMap::new();
    for t in tasks {
        let r = t.await?;
        latencies.extend(r.accepted);
        for (k, v) in r.others {
            *others.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = server.await;
    latencies.sort_unstable();
    let accepted = latencies.len();
    let rate = accepted as f64 / elapsed;
    let stored = store.count_deliveries().await?;
    let notifications = store.count_notifications().await?;
    store.close().await;
    eprintln!(
        "aftercare: {accepted} accepted (202) in {elapsed:.2} s = {rate:.0} deliveries/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; other answers {others:?}; {stored} deliveries and {notifications} notifications in the database",
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        percentile(&latencies, 100.0),
    );
    if stored as usize != accepted {
        eprintln!("WARNING: {accepted} deliveries were accepted but {stored} are stored");
    }

    // The naive ceiling: the sqlite3 shell inserts the same rows (read back from
    // Aftercare's database) one durable transaction each, in the same folder.
    let naive_rows = a.naive_rows.min(accepted);
    let naive = naive_sqlite3(&a.sqlite3, &dir, &db_path, naive_rows).await?;
    eprintln!(
        "sqlite3 {}: {naive_rows} deliveries (delivery + notification row), one transaction each (WAL, synchronous=FULL), in {:.2} s = {:.0} deliveries/s",
        naive.version, naive.seconds, naive.rate
    );
    let ratio = rate / naive.rate;
    eprintln!("aftercare / sqlite3 naive = {ratio:.1}x");
    let summary = json!({
        "bench": "ingest", "senders": a.senders, "sent": a.deliveries.min(next.load(Ordering::Relaxed)),
        "accepted": accepted, "stored": stored, "other_answers": others.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        "seconds": elapsed, "accepted_per_s": rate,
        "p50_ms": percentile(&latencies, 50.0), "p99_ms": percentile(&latencies, 99.0), "max_ms": percentile(&latencies, 100.0),
        "naive": {"tool": format!("sqlite3 CLI {}", naive.version), "rows": naive_rows, "seconds": naive.seconds, "per_s": naive.rate},
        "ratio": ratio, "dir": dir,
    });
    if a.json {
        println!("{summary}");
    } else {
        eprintln!("{summary}");
    }
    Ok(())
}

struct Naive {
    version: String,
    seconds: f64,
    rate: f64,
}

async fn naive_sqlite3(
    sqlite3: &str,
    dir: &Path,
    source_db: &Path,
    rows: usize,
) -> anyhow::Result<Naive> {
    use std::process::Command;
    if rows == 0 {
        bail!("nothing was accepted, so there are no rows for the sqlite3 baseline");
    }
    let version = Command::new(sqlite3)
        .arg("--version")
        .output()
        .with_context(|| format!("running {sqlite3} (apt-get install sqlite3)"))?;
    let version = String::from_utf8_lossy(&version.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_string();
    let naive_db = dir.join("ingest-naive.db");
    remove_db(&naive_db);
    // Same schema (Aftercare's migrations) and the same integration row.
    let naive_url = format!("sqlite://{}", naive_db.display());
    let naive_store = Store::connect(&naive_url).await?;
    naive_store.close().await;
    // sqlite3 writes the script itself: quote() renders every value, blobs as X'..'.
    let generate = format!(
        "ATTACH '{src}' AS src;\n\
         SELECT 'INSERT INTO teams SELECT * FROM src.teams; INSERT INTO people SELECT * FROM src.people; INSERT INTO integrations SELECT * FROM src.integrations;';\n\
         SELECT 'BEGIN; INSERT INTO deliveries (integration_id, delivery_id, received_at, raw, event) VALUES ('\n\
           || quote(d.integration_id) || ', ' || quote(d.delivery_id) || ', ' || quote(d.received_at) || ', ' || quote(d.raw) || ', ' || quote(d.event) || '); '\n\
           || 'INSERT INTO notifications (person_id, team_id, at, incident_key, source, basis, delivery_id) VALUES ('\n\
           || quote(n.person_id) || ', ' || quote(n.team_id) || ', ' || quote(n.at) || ', ' || quote(n.incident_key) || ', ' || quote(n.source) || ', ' || quote(n.basis) || ', last_insert_rowid()); COMMIT;'\n\
         FROM src.deliveries d JOIN src.notifications n ON n.delivery_id = d.id ORDER BY d.id LIMIT {rows};\n",
        src = source_db.display().to_string().replace('\'', "''"),
    );
    let script = Command::new(sqlite3)
        .arg(":memory:")
        .arg(&generate)
        .output()
        .context("generating the sqlite3 script")?;
    if !script.status.success() {
        bail!(
            "sqlite3 could not generate the script: {}",
            String::from_utf8_lossy(&script.stderr)
        );
    }
    let mut sql =
        b"PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nPRAGMA foreign_keys=ON;\n".to_vec();
    // The seed rows go in one transaction; only the deliveries are timed one by one.
    let mut lines = script.stdout.split(|&b| b == b'\n');
    let seed_sql = lines.next().unwrap_or_default().to_vec();
    {
        let mut seed_cmd = Command::new(sqlite3);
        seed_cmd.arg(&naive_db).arg(format!(
            "ATTACH '{}' AS src; BEGIN; {} COMMIT;",
            source_db.display(),
            String::from_utf8_lossy(&seed_sql)
        ));
        let out = seed_cmd.output()?;
        if !out.status.success() {
            bail!(
                "sqlite3 could not seed the baseline database: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    for line in lines {
        sql.extend_from_slice(line);
        sql.push(b'\n');
    }
    let script_path = dir.join("ingest-naive.sql");
    std::fs::write(&script_path, &sql)?;
    let started = Instant::now();
    let out = Command::new(sqlite3)
        .arg("-bail")
        .arg(&naive_db)
        .arg(format!(".read '{}'", script_path.display()))
        .output()
        .context("running the sqlite3 baseline")?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "sqlite3 baseline failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Check every row landed.
    let count = Command::new(sqlite3)
        .arg(&naive_db)
        .arg("SELECT count(*) FROM deliveries;")
        .output()?;
    let n: usize = String::from_utf8_lossy(&count.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    if n != rows {
        bail!("sqlite3 baseline stored {n} deliveries, expected {rows}");
    }
    let _ = std::fs::remove_file(&script_path);
    Ok(Naive {
        version,
        seconds,
        rate: rows as f64 / seconds,
    })
}
