//! The `aftercare` binary: one CLI over the server, the store and the pure crates.
//! Every subcommand that touches data takes `--database-url` (or
//! `AFTERCARE_DATABASE_URL`), so scripts can aim any of them at a SQLite file or a
//! PostgreSQL database.

mod burden_cmd;
mod care_cmd;
mod demo;
mod holidays_cmd;
mod import;
mod incident_cmd;
mod lens_cmd;
mod pages_cmd;
mod practice_cmd;
mod rotation_cmd;
mod schedule_cmd;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use aftercare_app::{Actor, accounts, integrations, passwords, validate};
use aftercare_server::{AppState, ServerConfig};
use aftercare_store::Store;

#[derive(Parser)]
#[command(
    name = "aftercare",
    version,
    about = "Incident response for the humans: burden you can see, humane on-call, care after incidents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Db {
    /// sqlite://PATH (created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "AFTERCARE_DATABASE_URL",
        default_value = "sqlite://aftercare.db",
        global = true
    )]
    database_url: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI, the JSON API and webhook ingest.
    Serve {
        #[command(flatten)]
        db: Db,
        /// Address to listen on.
        #[arg(long, env = "AFTERCARE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Where people reach Aftercare, for links in invites and emails; an https
        /// URL also marks cookies Secure and sends HSTS.
        #[arg(
            long,
            env = "AFTERCARE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        /// Mark cookies Secure even if the public URL is http (TLS terminated elsewhere).
        #[arg(long, env = "AFTERCARE_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Trust X-Forwarded-For from a load balancer for sign-in throttling.
        #[arg(long, env = "AFTERCARE_TRUST_PROXY")]
        trust_proxy: bool,
        /// How often this process looks for due jobs (messages to deliver), in
        /// milliseconds. Every process runs jobs; each job runs once.
        #[arg(long, env = "AFTERCARE_JOBS_POLL_MS", default_value_t = 5_000)]
        jobs_poll_ms: u64,
        /// How long a claimed job stays this process's before others may take it
        /// back (a process that died loses its jobs to the others after this).
        #[arg(long, env = "AFTERCARE_JOBS_LEASE_MS", default_value_t = 120_000)]
        jobs_lease_ms: u64,
        /// Slack bot token (xoxb-…) for direct messages to people who chose Slack.
        #[arg(long, env = "AFTERCARE_SLACK_TOKEN", hide_env_values = true)]
        slack_token: Option<String>,
        /// Slack's Web API address (a stand-in in tests).
        #[arg(long, env = "AFTERCARE_SLACK_API_URL", default_value = aftercare_app::channels::SLACK_API)]
        slack_api_url: String,
        /// Key that signs posts to people's own webhooks (HMAC-SHA256).
        #[arg(long, env = "AFTERCARE_WEBHOOK_SECRET", hide_env_values = true)]
        webhook_secret: Option<String>,
    },
    /// Fill an empty database with a demo organisation: 3 teams, 25 people, 90 days of pages.
    Demo {
        #[command(flatten)]
        db: Db,
    },
    /// People: invite them to sign in, deactivate or reactivate them.
    Person {
        #[command(subcommand)]
        command: PersonCommand,
    },
    /// Manage admin accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import people or page history from CSV.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Manage webhook integrations.
    Integration {
        #[command(subcommand)]
        command: IntegrationCommand,
    },
    /// Interruptions, disrupted nights and streaks for a person or a team.
    Burden {
        #[command(flatten)]
        db: Db,
        /// The person's email.
        #[arg(long, conflicts_with_all = ["team", "org"], required_unless_present_any = ["team", "org"])]
        person: Option<String>,
        /// A team's name: every member's figures and the spread.
        #[arg(long, conflicts_with = "org")]
        team: Option<String>,
        /// The whole organisation: every team side by side, then who carries the nights
        /// (CSV: the teams table).
        #[arg(long)]
        org: bool,
        /// Start of the period: RFC 3339 with an offset, a date, or a span before
        /// --to such as 30d, 12w or 24h; default 90 days before --to.
        #[arg(long)]
        from: Option<String>,
        /// End of the period, exclusive (RFC 3339 with an offset, or a date); default now.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Check incident reviews for blameful and hindsight wording.
    Lens(lens_cmd::LensArgs),
    /// Care after incidents: a team's check-in settings and measures, its pulse, and the
    /// organisation's professional support.
    Care {
        #[command(subcommand)]
        command: care_cmd::CareCommand,
    },
    /// Rotations: the fair rotation generator.
    Rotation {
        #[command(subcommand)]
        command: rotation_cmd::RotationCommand,
    },
    /// Incidents and the people in them.
    Incident {
        #[command(subcommand)]
        command: incident_cmd::IncidentCommand,
    },
    /// Pages nobody could be found for, and saying whom they were for.
    Pages {
        #[command(subcommand)]
        command: pages_cmd::PagesCommand,
    },
    /// On-call schedules.
    Schedule {
        #[command(subcommand)]
        command: schedule_cmd::ScheduleCommand,
    },
    /// Public-holiday calendars, and the one each rotation follows.
    Holidays {
        #[command(subcommand)]
        command: holidays_cmd::HolidaysCommand,
    },
    /// People new to a rotation's on call: their buddies and shadow shifts.
    Newcomer {
        #[command(subcommand)]
        command: practice_cmd::NewcomerCommand,
    },
    /// Fire drills: practice incidents for a rotation, and who took part.
    Drill {
        #[command(subcommand)]
        command: practice_cmd::DrillCommand,
    },
    /// Shifts in the coming weeks that meet their person's time off, and who could cover.
    Away {
        #[command(flatten)]
        db: Db,
        /// The rotation's id.
        #[arg(long)]
        rotation: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Subcommand)]
enum PersonCommand {
    /// Print a link that lets a person choose a password once (valid 7 days).
    Invite {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
        /// Where people reach Aftercare; the link starts with it.
        #[arg(
            long,
            env = "AFTERCARE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
    /// Print a link that lets a person choose a new password once (valid 1 hour),
    /// for a server that sends no email.
    ResetLink {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
        /// Where people reach Aftercare; the link starts with it.
        #[arg(
            long,
            env = "AFTERCARE_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
    /// End a person's access at once (sessions and tokens); their history stays.
    Deactivate {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
    },
    /// Let a deactivated person sign in again.
    Reactivate {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin who can log in (password from a prompt or --password-stdin).
    Create {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// IANA time zone.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API token (and nothing else) on stdout.
    Create {
        #[command(flatten)]
        db: Db,
        /// An admin token that belongs to no person.
        #[arg(long, required_unless_present = "email")]
        admin: bool,
        /// A token acting as this person, with their access.
        #[arg(long, conflicts_with = "admin")]
        email: Option<String>,
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// name,email,time_zone,team[,working_days,working_start,working_end,sleep_start,sleep_end,pagerduty_id,...]; re-importing updates by email (timezone and business_* are read too).
    People {
        #[command(flatten)]
        db: Db,
        file: std::path::PathBuf,
    },
    /// email,at,incident_key[,source]: one notification per row; all rows or none; rows already stored are skipped.
    Pages {
        #[command(flatten)]
        db: Db,
        file: std::path::PathBuf,
    },
    /// An iCalendar export (PagerDuty, Opsgenie, any calendar) brought into a rotation:
    /// its shifts become the rotation's overrides for the spans it covers; all or none.
    Ical {
        #[command(flatten)]
        db: Db,
        file: std::path::PathBuf,
        /// The rotation's name.
        #[arg(long)]
        rotation: String,
        /// The rotation's team, when two teams use the name.
        #[arg(long)]
        team: Option<String>,
        /// The schedule to bring in, when the export holds several.
        #[arg(long)]
        schedule: Option<String>,
    },
}

#[derive(Subcommand)]
enum IntegrationCommand {
    /// Create an integration and print its ingest path and secret.
    Create {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        team: String,
        #[arg(long, value_parser = ["pagerduty", "opsgenie", "alertmanager", "grafana-oncall", "incident-io", "firehydrant"])]
        source: String,
        /// The sender's signing secret (PagerDuty, incident.io) or one to give it; generated if omitted.
        #[arg(long)]
        secret: Option<String>,
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Lens(args) = cli.command {
        return lens_cmd::run(args);
    }
    // The generator is pure and CPU-bound: no runtime, no database.
    if let Command::Rotation { command } = cli.command {
        return match rotation_cmd::run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--from` and `--to` read as the API reads them, an error naming the flag.
fn period_arg(from: Option<&str>, to: Option<&str>) -> anyhow::Result<aftercare_burden::Period> {
    aftercare_app::burden::parse_period(from, to).map_err(flag_error)
}

/// A use-case's refusal of a field, named as the flag that carried it (`--title: ...`).
fn flag_error(e: aftercare_app::AppError) -> anyhow::Error {
    match e {
        aftercare_app::AppError::Invalid { field, reason } => {
            anyhow::anyhow!("--{field}: {reason}")
        }
        other => other.into(),
    }
}

async fn open(db: &Db) -> anyhow::Result<Store> {
    Store::connect(&db.database_url)
        .await
        .with_context(|| format!("opening {}", db.database_url))
}

/// For commands that only read: a SQLite file that is not there is an error, not
/// a new empty database.
async fn open_existing(db: &Db) -> anyhow::Result<Store> {
    Store::connect_existing(&db.database_url)
        .await
        .with_context(|| format!("opening {}", db.database_url))
}

async fn person_by_email(store: &Store, email: &str) -> anyhow::Result<aftercare_store::Person> {
    store
        .person_by_email(email)
        .await?
        .with_context(|| format!("--email: no person with email {email}"))
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // JSON lines for log shippers when asked; readable text otherwise.
    if std::env::var("AFTERCARE_LOG_FORMAT").is_ok_and(|v| v == "json") {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down: finishing requests under way");
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            db,
            listen,
            public_url,
            secure_cookies,
            trust_proxy,
            jobs_poll_ms,
            jobs_lease_ms,
            slack_token,
            slack_api_url,
            webhook_secret,
        } => {
            init_tracing();
            let store = open(&db).await?;
            let addr: SocketAddr = listen.parse().with_context(|| {
                format!("--listen {listen:?}: not an address like 127.0.0.1:8080")
            })?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            let mut config = ServerConfig::for_public_url(&public_url);
            config.secure_cookies |= secure_cookies;
            config.trust_proxy = trust_proxy;
            let mut state = AppState::new(store.clone(), config);
            // Single sign-on and email are on when their settings are there; a
            // setting that is there but wrong stops the server here, named.
            let public = public_url.clone();
            if let Some(oidc) = aftercare_oidc::OidcConfig::from_lookup(|name| {
                if name == aftercare_oidc::PUBLIC_URL_SETTING {
                    Some(public.clone())
                } else {
                    std::env::var(name).ok()
                }
            })? {
                let issuer = oidc.issuer.clone();
                let client = aftercare_oidc::OidcClient::discover(oidc).await?;
                tracing::info!(%issuer, "single sign-on is on");
                state = state.with_oidc(client);
            }
            if let Some(mail) = aftercare_mail::MailConfig::from_env()? {
                let mailer = aftercare_mail::Mailer::from_config(&mail)?;
                tracing::info!(from = %mailer.from_address(), "email is on (invites, password resets)");
                state = state.with_mailer(mailer);
            }
            tracing::info!(address = %listener.local_addr()?, database = ?store.backend(), "aftercare is serving");
            if !store.has_admin().await? {
                tracing::info!(
                    "no admin yet: open http://{}/setup to create one",
                    listener.local_addr()?
                );
            }
            // One signal stops both the server and the job runner.
            let (stop, stopped) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                shutdown_signal().await;
                let _ = stop.send(true);
            });
            let mut delivery = aftercare_app::channels::Delivery::new(&public_url);
            delivery.mailer = state.mailer.clone();
            delivery.slack = slack_token.map(|token| aftercare_app::channels::SlackConfig {
                token,
                base_url: slack_api_url,
            });
            delivery.webhook_secret = webhook_secret;
            let mut jobs = aftercare_app::jobs::RunnerConfig::new(
                aftercare_app::jobs::RunnerConfig::default_worker(),
            );
            jobs.poll = std::time::Duration::from_millis(jobs_poll_ms.max(10));
            jobs.lease = std::time::Duration::from_millis(jobs_lease_ms.max(1_000));
            jobs.rest_sweep = true;
            let runner = aftercare_app::jobs::Runner::new(store.clone(), delivery, jobs);
            let mut runner_stop = stopped.clone();
            let runner = tokio::spawn(runner.run(async move {
                let _ = runner_stop.wait_for(|s| *s).await;
            }));
            let mut server_stop = stopped;
            aftercare_server::serve(listener, state, async move {
                let _ = server_stop.wait_for(|s| *s).await;
            })
            .await?;
            let _ = runner.await;
            store.close().await;
            Ok(())
        }
        Command::Demo { db } => {
            let store = open(&db).await?;
            demo::fill(&store).await
        }
        Command::Person { command } => person_command(command).await,
        Command::Pages { command } => pages_cmd::run(command).await,
        Command::Incident { command } => incident_cmd::run(command).await,
        Command::Care { command } => care_cmd::run(command).await,
        Command::Admin {
            command:
                AdminCommand::Create {
                    db,
                    email,
                    name,
                    time_zone,
                    password_stdin,
                },
        } => {
            let store = open(&db).await?;
            let password = read_password(password_stdin)?;
            let input = validate::PersonInput {
                name: name
                    .unwrap_or_else(|| email.split('@').next().unwrap_or("admin").to_string()),
                email,
                time_zone,
                ..Default::default()
            };
            let new = validate::person(&input)?;
            passwords::check_password(&password, &[&new.email, &new.name])?;
            let hash = passwords::hash_password(&password)?;
            let person = match store.person_by_email(&new.email).await? {
                // An existing person becomes an admin with this password.
                Some(p) => {
                    store.set_password_hash(p.id, &hash).await?;
                    store.set_admin(p.id, true).await?;
                    p
                }
                None => store.create_admin(&new, &hash, false).await?,
            };
            eprintln!("admin {} ready", person.email);
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    db,
                    admin,
                    email,
                    label,
                },
        } => {
            let store = open_existing(&db).await?;
            let person = match &email {
                Some(e) => Some(person_by_email(&store, e).await?),
                None => None,
            };
            let made = accounts::create_token_for(&store, person.as_ref(), admin, &label).await?;
            println!("{}", made.token);
            Ok(())
        }
        Command::Import {
            command: ImportCommand::People { db, file },
        } => {
            let store = open(&db).await?;
            let done = import::people(&store, &file).await?;
            eprintln!("{} people created, {} updated", done.created, done.updated);
            Ok(())
        }
        Command::Import {
            command: ImportCommand::Pages { db, file },
        } => {
            let store = open(&db).await?;
            let done = import::pages(&store, &file).await?;
            if done.already_there == 0 {
                eprintln!("{} notifications imported", done.stored);
            } else {
                eprintln!(
                    "{} notifications imported, {} already there (not imported again)",
                    done.stored, done.already_there
                );
            }
            Ok(())
        }
        Command::Import {
            command:
                ImportCommand::Ical {
                    db,
                    file,
                    rotation,
                    team,
                    schedule,
                },
        } => {
            let store = open_existing(&db).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let actor = aftercare_app::Actor::command_line();
            let id = aftercare_app::rotation_import::rotation_named(
                &store,
                &actor,
                &rotation,
                team.as_deref(),
            )
            .await?;
            let done = aftercare_app::rotation_import::import_ical(
                &store,
                &actor,
                id,
                &text,
                schedule.as_deref(),
            )
            .await?;
            eprintln!(
                "{} shifts imported into rotation {rotation:?}{}: {}",
                done.overrides,
                match (done.from, done.to) {
                    (Some(a), Some(b)) => format!(" from {a} to {b}"),
                    _ => String::new(),
                },
                done.people.join(", ")
            );
            Ok(())
        }
        Command::Integration {
            command:
                IntegrationCommand::Create {
                    db,
                    team,
                    source,
                    secret,
                    name,
                },
        } => {
            let store = open_existing(&db).await?;
            let made = integrations::create(
                &store,
                &Actor::command_line(),
                &integrations::CreateIntegration {
                    team,
                    source,
                    name,
                    secret,
                },
            )
            .await?;
            println!("{}", made.integration.ingest_path);
            eprintln!("secret: {}", made.secret);
            eprintln!("{}", made.how_to_authenticate);
            Ok(())
        }
        Command::Burden {
            db,
            person,
            team,
            org,
            from,
            to,
            format,
        } => {
            let store = open_existing(&db).await?;
            let period = period_arg(from.as_deref(), to.as_deref())?;
            if org {
                let right = Actor::command_line().admin()?;
                let overview =
                    aftercare_app::overview::org_overview(&store, &right, period).await?;
                let mut stdout = std::io::stdout().lock();
                match format {
                    Format::Json => {
                        writeln!(stdout, "{}", serde_json::to_string_pretty(&overview)?)?
                    }
                    Format::Text => burden_cmd::write_org_text(&overview, &mut stdout)?,
                    Format::Csv => write!(
                        stdout,
                        "{}",
                        aftercare_app::export::team_summaries_csv(&overview.teams)
                    )?,
                }
                return Ok(());
            }
            let report = match (&person, &team) {
                (Some(email), _) => {
                    let p = store
                        .person_by_email(email)
                        .await?
                        .with_context(|| format!("--person: no person with email {email}"))?;
                    burden_cmd::Report::person(&store, &p, period).await?
                }
                (None, Some(name)) => {
                    let t = store
                        .team_by_name(name)
                        .await?
                        .with_context(|| format!("--team: no team called {name:?}"))?;
                    burden_cmd::Report::team(&store, &t, period).await?
                }
                (None, None) => bail!("give --person EMAIL or --team NAME"),
            };
            let mut stdout = std::io::stdout().lock();
            match format {
                Format::Json => {
                    writeln!(stdout, "{}", serde_json::to_string_pretty(&report.json)?)?
                }
                Format::Text => report.write_text(&mut stdout)?,
                Format::Csv => report.write_csv(&mut stdout)?,
            }
            Ok(())
        }
        Command::Schedule { command } => schedule_cmd::run(command).await,
        Command::Holidays { command } => holidays_cmd::run(command).await,
        Command::Newcomer { command } => practice_cmd::newcomer(command).await,
        Command::Drill { command } => practice_cmd::drill(command).await,
        Command::Away { db, rotation, json } => practice_cmd::away(db, rotation, json).await,
        // Both run before the runtime starts (see `main`).
        Command::Lens(_) | Command::Rotation { .. } => Ok(()),
    }
}

async fn person_command(command: PersonCommand) -> anyhow::Result<()> {
    let actor = Actor::command_line();
    match command {
        PersonCommand::Invite {
            db,
            email,
            public_url,
        } => {
            let store = open_existing(&db).await?;
            let person = person_by_email(&store, &email).await?;
            let link = accounts::invite(&store, &actor, &person).await?;
            println!("{}{}", public_url.trim_end_matches('/'), link.path);
            eprintln!(
                "send this link to {}: it lets them choose a password once, until {}",
                link.email,
                link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
            );
            Ok(())
        }
        PersonCommand::ResetLink {
            db,
            email,
            public_url,
        } => {
            let store = open_existing(&db).await?;
            let person = person_by_email(&store, &email).await?;
            let link = accounts::reset_link(&store, &person.email)
                .await?
                .with_context(|| format!("{email} is deactivated; reactivate them first"))?;
            println!("{}{}", public_url.trim_end_matches('/'), link.path);
            eprintln!(
                "send this link to {} only: it lets them choose a new password once, until {}",
                link.email,
                link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
            );
            Ok(())
        }
        PersonCommand::Deactivate { db, email } => {
            let store = open_existing(&db).await?;
            let person = person_by_email(&store, &email).await?;
            aftercare_app::people::deactivate(&store, &actor, &actor.admin()?, person.id).await?;
            eprintln!("{email} deactivated: their sessions and tokens have ended");
            Ok(())
        }
        PersonCommand::Reactivate { db, email } => {
            let store = open_existing(&db).await?;
            let person = person_by_email(&store, &email).await?;
            aftercare_app::people::reactivate(&store, &actor, &actor.admin()?, person.id).await?;
            eprintln!("{email} can sign in again");
            Ok(())
        }
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\n', '\r']).to_string();
        if password.is_empty() {
            bail!("--password-stdin: standard input had no password on its first line");
        }
        return Ok(password);
    }
    let first = rpassword::prompt_password("Password: ")
        .context("reading the password (use --password-stdin in scripts)")?;
    let again = rpassword::prompt_password("Again: ").context("reading the password")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}
