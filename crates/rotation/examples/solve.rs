//! `solve INSTANCE.json [--time-limit SECONDS] [--seed N] [--report-time]`: prints the
//! aftercare-rotation-solution/1 document for an aftercare-rotation/1 instance (the same as
//! `aftercare rotation solve`). `--report-time` writes the seconds spent in `solve` (after reading the
//! instance) to standard error, for bench/rotation/run.sh.

use std::process::ExitCode;
use std::time::Duration;

use aftercare_rotation::{Instance, SolveOptions, solve};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut opts = SolveOptions::default();
    let mut report_time = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--time-limit" => match args.next().and_then(|v| v.parse::<f64>().ok()) {
                Some(s) if s.is_finite() && s > 0.0 => opts.time_limit = Duration::from_secs_f64(s),
                _ => return usage("--time-limit: must be a number of seconds above 0"),
            },
            "--seed" => match args.next().and_then(|v| v.parse::<u64>().ok()) {
                Some(s) => opts.seed = s,
                None => return usage("--seed: must be a whole number"),
            },
            "--report-time" => report_time = true,
            _ if path.is_none() && !a.starts_with("--") => path = Some(a),
            _ => return usage(&format!("unexpected argument {a:?}")),
        }
    }
    let Some(path) = path else {
        return usage("INSTANCE.json is missing");
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let inst = match Instance::from_json(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let sol = solve(&inst, &opts);
    let seconds = started.elapsed().as_secs_f64();
    println!("{}", sol.to_json_pretty());
    if report_time {
        eprintln!("solve_seconds {seconds:.6}");
    }
    ExitCode::SUCCESS
}

fn usage(why: &str) -> ExitCode {
    eprintln!(
        "{why}\nusage: solve INSTANCE.json [--time-limit SECONDS] [--seed N] [--report-time]"
    );
    ExitCode::from(2)
}
