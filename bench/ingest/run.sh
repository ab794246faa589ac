#!/usr/bin/env bash
# Webhook ingest (issue 2): `aftercare-bench ingest` (bench/harness) serves a fresh SQLite file on
# loopback and sends distinct signed PagerDuty v3 deliveries from 64 concurrent
# keep-alive connections, then times the sqlite3 shell inserting the same rows one
# durable transaction each (WAL, synchronous=FULL) in the same folder.
#
#   bench/ingest/run.sh [DIR]     # DIR: where both databases go (default: a temp dir under <repo>/bench-data)
#
# Environment: BENCH_SENDERS (64), BENCH_DELIVERIES (20000), BENCH_NAIVE_ROWS (2000).
# Needs cargo and the sqlite3 shell (Debian `sqlite3`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${1:-$repo/bench-data/ingest}
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: apt-get install sqlite3" >&2; exit 2; }
mkdir -p "$dir"

if [ -z "${AFTERCARE_BENCH_BIN:-}" ]; then
  echo "== building the release harness (aftercare-bench)"
  (cd "$repo" && cargo build --release --quiet -p aftercare-bench)
fi
bin=${AFTERCARE_BENCH_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/aftercare-bench}

echo "== ingest into $dir ($(df -h "$dir" | awk 'NR == 2 { print $1 ", " $2 " " }'))"
"$bin" ingest --dir "$dir" --senders "${BENCH_SENDERS:-64}" --deliveries "${BENCH_DELIVERIES:-20000}" \
  --naive-rows "${BENCH_NAIVE_ROWS:-2000}" --json
