#!/usr/bin/env bash
# Idle resident memory of `aftercare serve` (issue 2: under 50 MB): fill a fresh
# database with `aftercare demo`, serve it, wait, read VmRSS from /proc/PID/status; then
# again after a few requests (health, login page, API). SQLite always; PostgreSQL too
# when BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres) answers.
#
#   bench/memory/run.sh
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:---client-min-messages=warning}"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pg_admin=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
idle_seconds=${BENCH_IDLE_SECONDS:-5}

if [ -z "${AFTERCARE_BIN:-}" ]; then
  echo "== building the release binary"
  (cd "$repo" && cargo build --release --quiet --bin aftercare)
fi
bin=${AFTERCARE_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/aftercare}

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

measure() {
  local label=$1 url=$2 port
  "$bin" demo --database-url "$url" > "$work/demo-$label.log" 2>&1
  port=$(free_port)
  "$bin" serve --database-url "$url" --listen "127.0.0.1:$port" > "$work/serve-$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    sleep 0.1
  done
  sleep "$idle_seconds"
  local idle
  idle=$(rss_mb "$pid")
  for path in /healthz /login /setup /api/v1/openapi.json /metrics; do
    curl -sS -o /dev/null "http://127.0.0.1:$port$path" || true
  done
  sleep 1
  local after
  after=$(rss_mb "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "RESULT serve-idle $label: VmRSS ${idle} MB idle after ${idle_seconds} s; ${after} MB after a few requests (target < 50 MB)"
}

measure sqlite "sqlite://$work/demo.db"
if [ "$pg_admin" != skip ] && command -v psql >/dev/null && psql "$pg_admin" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  db=aftercare_bench_memory
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  measure postgres "${pg_admin%/*}/$db"
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db"
fi
