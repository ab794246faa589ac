//! Times one key derivation with the recommended parameters: `cargo run --release -p aftercare-journal
//! --example kdf_timing`. Unlocking a journal costs exactly one derivation.

use std::time::Instant;

use aftercare_journal::{KdfParams, Keyring};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let p = KdfParams::RECOMMENDED;
    let (wrapped, _) = Keyring::new(p).create("a passphrase for timing", &mut rand::rng())?;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        wrapped.unlock("a passphrase for timing")?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "argon2id m={} KiB t={} p={}: best of 5 unlocks {:.3} s",
        p.memory_kib(),
        p.iterations(),
        p.parallelism(),
        best
    );
    Ok(())
}
