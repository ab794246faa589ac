#!/usr/bin/env bash
# Issue 9's target: a 40-person, one-year, 12-hour-shift schedule with time off proposed
# as the rotation page's "Propose a fair schedule" button does it, in under 10 seconds.
# Runs `aftercare-bench propose` (the same use-case the page calls, then the read its
# page makes) on a fresh SQLite file and a fresh PostgreSQL database.
#
#   bash bench/propose/run.sh [DATADIR]     (default bench-data/)
#
# Environment: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres; `skip`
# for SQLite only), PEOPLE (40), WEEKS (52), REPEAT (3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data="${1:-$repo/bench-data}"
mkdir -p "$data"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
(cd "$repo" && cargo build --quiet --release -p aftercare-bench)
bench="$CARGO_TARGET_DIR/release/aftercare-bench"
args=(--people "${PEOPLE:-40}" --weeks "${WEEKS:-52}" --repeat "${REPEAT:-3}")
rm -f "$data/propose.db" "$data/propose.db-wal" "$data/propose.db-shm"
echo "sqlite:   $("$bench" propose --database-url "sqlite://$data/propose.db?mode=rwc" "${args[@]}")"
pg="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "$pg" != skip ]; then
  psql "$pg" -qc "DROP DATABASE IF EXISTS aftercare_bench_propose" -c "CREATE DATABASE aftercare_bench_propose"
  echo "postgres: $("$bench" propose --database-url "${pg%/*}/aftercare_bench_propose" "${args[@]}")"
fi
