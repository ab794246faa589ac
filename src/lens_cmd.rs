//! `aftercare lens`: checks incident reviews for blameful and hindsight wording.
//!
//! The library is pure; everything that touches the file system lives here: walking folders,
//! finding `.aftercare-lens.toml` upward from each checked file, `--names`, and streaming the
//! report one file at a time so memory stays bounded whatever the input size.

use std::collections::HashMap;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use aftercare_lens::report::{Format, Reporter};
use aftercare_lens::{CheckError, Config, Finding, Lens, Position, Severity, SkipMatcher};
use anyhow::{Context, Result};

const CONFIG_FILE: &str = ".aftercare-lens.toml";
const EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SeverityArg {
    Info,
    Warning,
    Error,
    /// Advisory runs: findings never fail the command (unreadable paths still exit 2).
    Never,
}

#[derive(clap::Args)]
pub struct LensArgs {
    /// Files or folders to check (.md, .markdown, .txt in folders); `-` or nothing reads standard input.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Exit 1 when a finding has at least this severity; `never` for advisory runs [default: the config's `fail-on`, else info].
    #[arg(long, value_enum)]
    fail_on: Option<SeverityArg>,
    /// A file of people's names, one a line, for the blame-naming rule.
    #[arg(long, value_name = "FILE")]
    names: Option<PathBuf>,
    /// Use this config file instead of looking for .aftercare-lens.toml upward from each file.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any .aftercare-lens.toml.
    #[arg(long)]
    no_config: bool,
}

/// One config file's effect: the configured lens, and the skip globs relative to its folder.
struct Setup {
    lens: Lens,
    base: PathBuf,
    skip: SkipMatcher,
    /// Findings at or above this severity fail the run; `None`: none do (`--fail-on never`).
    fail_on: Option<Severity>,
}

/// What `--fail-on` asked for.
#[derive(Clone, Copy)]
enum FailOn {
    At(Severity),
    Never,
}

struct Run {
    args_fail_on: Option<FailOn>,
    names: Vec<String>,
    explicit: Option<Arc<Setup>>,
    by_dir: HashMap<PathBuf, Arc<Setup>>,
    default: Option<Arc<Setup>>,
    failed: bool,
    errors: bool,
}

pub fn run(args: LensArgs) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("aftercare lens: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: LensArgs) -> Result<ExitCode> {
    let names = match &args.names {
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read names file {}", p.display()))?
            .lines()
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let mut run = Run {
        args_fail_on: args.fail_on.map(|s| match s {
            SeverityArg::Info => FailOn::At(Severity::Info),
            SeverityArg::Warning => FailOn::At(Severity::Warning),
            SeverityArg::Error => FailOn::At(Severity::Error),
            SeverityArg::Never => FailOn::Never,
        }),
        names,
        explicit: None,
        by_dir: HashMap::new(),
        default: None,
        failed: false,
        errors: false,
    };
    if let Some(p) = &args.config {
        let base = p
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        run.explicit = Some(Arc::new(run.load(Some(p), &base)?));
    } else if args.no_config {
        run.explicit = Some(Arc::new(run.load(None, Path::new("."))?));
    }

    // Plan the work in order (config lookup and folder walks happen here), then check files on
    // all cores and print each file's report in input order as soon as it is ready.
    let mut jobs: Vec<Job> = Vec::new();
    let stdin_only = args.paths.is_empty();
    let mut inputs = args.paths.clone();
    if stdin_only {
        inputs.push(PathBuf::from("-"));
    }
    for input in inputs {
        if input.as_os_str() == "-" {
            let setup = run.setup_for(&std::env::current_dir()?.join("stdin"))?;
            jobs.push(Job::Stdin { setup });
            continue;
        }
        let meta = match std::fs::metadata(&input) {
            Ok(m) => m,
            Err(e) => {
                jobs.push(Job::Error(format!("cannot read {}: {e}", input.display())));
                continue;
            }
        };
        if meta.is_dir() {
            let mut files = Vec::new();
            if let Err(e) = walk(&input, &mut files) {
                jobs.push(Job::Error(format!("cannot read {}: {e}", input.display())));
            }
            files.sort();
            for f in files {
                let setup = run.setup_for(&f)?;
                if !is_skipped(&setup, &f) {
                    jobs.push(Job::File { path: f, setup });
                }
            }
        } else {
            let setup = run.setup_for(&input)?;
            jobs.push(Job::File { path: input, setup });
        }
    }

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut reporter = Reporter::new(format);
    write(&mut out, &reporter.begin())?;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(jobs.len().max(1));
    // Each job sends its parts on its own short channel and the report is written in input
    // order: a worker waits when its job is too far ahead, so at most a few parts of a few
    // files are held at once, whatever their size.
    let next = AtomicUsize::new(0);
    let (senders, receivers): (Vec<_>, Vec<_>) =
        jobs.iter().map(|_| mpsc::sync_channel::<Done>(2)).unzip();
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let (jobs, next, senders) = (&jobs, &next, &senders);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(job), Some(tx)) = (jobs.get(i), senders.get(i)) else {
                        break;
                    };
                    job.run(tx);
                    let _ = tx.send(Done::End);
                }
            });
        }
        for (job, rx) in jobs.iter().zip(&receivers) {
            let fail_on = job.fail_on();
            let name = job.name();
            for done in rx.iter() {
                match done {
                    Done::Part {
                        text,
                        start,
                        findings,
                    } => {
                        if fail_on.is_some_and(|at| findings.iter().any(|f| f.severity >= at)) {
                            run.failed = true;
                        }
                        write(&mut out, &reporter.part(&name, &text, start, &findings))?;
                    }
                    Done::Failed(message) => {
                        eprintln!("aftercare lens: {message}");
                        run.errors = true;
                    }
                    Done::End => break,
                }
            }
            reporter.file_done();
        }
        Ok(())
    })?;
    // "lens: no findings" after a path could not be read would claim more than was checked:
    // the text report then ends without it (the error was printed, and the exit code is 2).
    // JSON and SARIF always close their document.
    if !(run.errors && format == Format::Text && reporter.findings_written() == 0) {
        write(&mut out, &reporter.end())?;
    }
    match out.flush() {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(if run.errors {
        ExitCode::from(2)
    } else if run.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

enum Job {
    File { path: PathBuf, setup: Arc<Setup> },
    Stdin { setup: Arc<Setup> },
    Error(String),
}

enum Done {
    /// A part of the text checked (a file is read and checked a megabyte or so at a time).
    Part {
        text: String,
        start: Position,
        findings: Vec<Finding>,
    },
    Failed(String),
    /// Nothing more comes for this job.
    End,
}

impl Job {
    fn name(&self) -> String {
        match self {
            Job::File { path, .. } => path.to_string_lossy().into_owned(),
            Job::Stdin { .. } => "<stdin>".to_string(),
            Job::Error(_) => String::new(),
        }
    }

    fn fail_on(&self) -> Option<Severity> {
        match self {
            Job::File { setup, .. } | Job::Stdin { setup } => setup.fail_on,
            Job::Error(_) => None,
        }
    }

    /// Reads and checks the text, sending each part as it is checked; stops if the report is
    /// no longer listening.
    fn run(&self, tx: &mpsc::SyncSender<Done>) {
        let (setup, what, input): (_, String, Box<dyn Read>) = match self {
            Job::Error(message) => {
                let _ = tx.send(Done::Failed(message.clone()));
                return;
            }
            Job::Stdin { setup } => (setup, "standard input".to_string(), Box::new(io::stdin())),
            Job::File { path, setup } => match std::fs::File::open(path) {
                Ok(f) => (setup, path.display().to_string(), Box::new(f)),
                Err(e) => {
                    let _ = tx.send(Done::Failed(format!("cannot read {}: {e}", path.display())));
                    return;
                }
            },
        };
        let never = AtomicBool::new(false);
        let sent = setup.lens.check_reader(input, &never, |part| {
            tx.send(Done::Part {
                text: part.text.to_string(),
                start: part.start,
                findings: part.findings,
            })
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "report closed"))
        });
        let message = match sent {
            Ok(()) => return,
            Err(CheckError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => return,
            Err(CheckError::Io(e)) => format!("cannot read {what}: {e}"),
            Err(CheckError::NotUtf8) => format!("cannot read {what}: not UTF-8 text"),
            Err(CheckError::Cancelled) => return,
        };
        let _ = tx.send(Done::Failed(message));
    }
}

fn write(out: &mut impl Write, s: &str) -> Result<()> {
    match out.write_all(s.as_bytes()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Checkable files under a folder, skipping hidden folders and build output.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if name.starts_with('.') || name == "node_modules" || name == "target" {
                continue;
            }
            walk(&path, files)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    Ok(())
}

impl Run {
    fn load(&self, file: Option<&Path>, base: &Path) -> Result<Setup> {
        let config = match file {
            Some(f) => {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("cannot read config {}", f.display()))?;
                Config::from_toml_str(&text).with_context(|| format!("in {}", f.display()))?
            }
            None => Config::default(),
        };
        let config = config.with_names(self.names.iter().cloned());
        let skip = config.skip_matcher();
        let fail_on = match self.args_fail_on {
            Some(FailOn::At(s)) => Some(s),
            Some(FailOn::Never) => None,
            None => Some(config.fail_on.unwrap_or(Severity::Info)),
        };
        Ok(Setup {
            lens: Lens::new(config),
            base: base.to_path_buf(),
            skip,
            fail_on,
        })
    }

    /// The nearest `.aftercare-lens.toml` at or above the file's folder, cached per folder.
    fn setup_for(&mut self, file: &Path) -> Result<Arc<Setup>> {
        if let Some(s) = &self.explicit {
            return Ok(s.clone());
        }
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = abs
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        if let Some(s) = self.by_dir.get(&dir) {
            return Ok(s.clone());
        }
        let mut found = None;
        for d in dir.ancestors() {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                found = Some((candidate, d.to_path_buf()));
                break;
            }
        }
        let setup = match found {
            Some((path, base)) => Arc::new(self.load(Some(&path), &base)?),
            None => match &self.default {
                Some(d) => d.clone(),
                None => {
                    let d = Arc::new(self.load(None, Path::new("/"))?);
                    self.default = Some(d.clone());
                    d
                }
            },
        };
        self.by_dir.insert(dir, setup.clone());
        Ok(setup)
    }
}

fn is_skipped(setup: &Setup, path: &Path) -> bool {
    if setup.skip.is_empty() {
        return false;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let rel = abs.strip_prefix(&setup.base).unwrap_or(&abs);
    let rel = rel.to_string_lossy().replace('\\', "/");
    setup.skip.is_match(&rel)
}
