//! `aftercare rotation solve`: the fair rotation generator on an `aftercare-rotation/1`
//! instance (`../shared/bench/rotation/FORMAT.md`'s contract), printing an
//! `aftercare-rotation-solution/1` document. An infeasible instance is an answer, not an
//! error: its document says `status: infeasible` and names what cannot be met.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;

use aftercare_rotation::{Instance, SolveOptions, solve};

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
}

pub(crate) fn run(command: RotationCommand) -> anyhow::Result<()> {
    match command {
        RotationCommand::Solve {
            instance,
            time_limit,
            seed,
        } => {
            if !(time_limit.is_finite() && time_limit > 0.0 && time_limit <= 86_400.0) {
                anyhow::bail!("--time-limit: must be a number of seconds above 0, at most a day");
            }
            let text = std::fs::read_to_string(&instance)
                .with_context(|| format!("reading {}", instance.display()))?;
            let inst = Instance::from_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", instance.display()))?;
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
    }
}
