//! Library throughput on any files given as arguments: `cargo run --release -p aftercare-lens
//! --example throughput -- FILE...` (the command-level benchmark is bench/lens/run.sh).
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let texts: Vec<String> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let lens = aftercare_lens::Lens::default();
    let target: usize = std::env::var("LENS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let rounds = (target * 1_000_000 / bytes.max(1)).max(1);
    let start = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        for t in &texts {
            findings += lens.check(t).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "{mb:.1} MB in {secs:.2} s: {:.1} MB/s, {findings} findings",
        mb / secs
    );
}
