#!/usr/bin/env bash
# History import at bulk-load speed (issue 6): `aftercare import pages` on SQLite and on
# PostgreSQL, beside the sqlite3 shell's `.import` of the very same CSV into an equivalent
# table with the same index, alternating in one run, BENCH_RUNS times each; medians of wall
# time and maximum resident set size (GNU time) are reported with the machine and its load.
#
#   bench/import/run.sh [DATADIR]        # default DATADIR: <repo>/bench-data/import (gitignored)
#
# Environment:
#   AFTERCARE_SHARED   shared/ folder with bench/burden/gen.py (default <repo>/../shared)
#   BENCH_SIZES        notifications per data set (default "1000000 10000000")
#   BENCH_RUNS         runs of each measurement, alternating (default 3)
#   BENCH_POSTGRES     admin URL of a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
#                      "skip" for SQLite only
#   AFTERCARE_BIN      use this aftercare binary instead of building one
#
# The sqlite3 baseline: Debian's sqlite3 shell, a fresh file, `CREATE TABLE pages (email TEXT,
# at TEXT, incident_key TEXT, source TEXT)` plus `CREATE INDEX ... (email, at)` (the same index
# as Aftercare's `notifications (person_id, at)`), then `.import --csv --skip 1`. A second
# figure builds the index after the load instead, the fastest the shell can do.
# Needs python3, cargo, GNU time (/usr/bin/time), sqlite3 and, for PostgreSQL, psql.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:---client-min-messages=warning}"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${AFTERCARE_SHARED:-$repo/../shared}
data=${1:-$repo/bench-data/import}
sizes=${BENCH_SIZES:-1000000 10000000}
runs=${BENCH_RUNS:-3}
pg_admin=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}

[ -f "$shared/bench/burden/gen.py" ] || { echo "no gen.py under $shared/bench/burden (set AFTERCARE_SHARED)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: apt-get install sqlite3" >&2; exit 2; }
mkdir -p "$data"
data=$(cd "$data" && pwd)
out="$data/results"
mkdir -p "$out"

if [ -z "${AFTERCARE_BIN:-}" ]; then
  echo "== building the release binary"
  (cd "$repo" && cargo build --release --quiet --bin aftercare)
fi
# A copy, so a rebuild in the shared target dir cannot change the binary mid-run.
cp "${AFTERCARE_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/aftercare}" "$out/aftercare"
bin="$out/aftercare"

use_pg=0
if [ "$pg_admin" != skip ] && command -v psql >/dev/null && psql "$pg_admin" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  use_pg=1
else
  echo "== PostgreSQL not reachable at $pg_admin: SQLite only"
fi
pg_db=aftercare_bench_import
pg_url="${pg_admin%/*}/$pg_db"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GB; disk: $(df -h "$data" | awk 'NR == 2 {print $1}')"
  echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)"
  if [ $use_pg = 1 ]; then echo "postgres: $(psql "$pg_admin" -qtAc 'SHOW server_version')"; fi
} | tee "$out/machine.txt"

# timed LOG CMD...: runs CMD under GNU time, appends "label seconds rss_kb load" to results.
timed() {
  local label=$1 log=$2; shift 2
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v "$@" > "$log" 2>&1 || { echo "FAILED: $label (see $log)" >&2; tail -5 "$log" >&2; exit 1; }
  local wall rss
  wall=$(grep -oP 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): \K.*' "$log" \
    | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$log")
  echo "$label $wall $rss $load" >> "$out/runs.txt"
  printf '   %-28s %8.2f s  %6d MB max RSS  (load %s)\n' "$label" "$wall" "$((rss / 1024))" "$load"
}

fresh_sqlite() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

: > "$out/runs.txt"
for n in $sizes; do
  d="$data/$n"
  mkdir -p "$d"
  if [ ! -f "$d/.generated" ]; then
    echo "== generating $n notifications into $d"
    python3 "$shared/bench/burden/gen.py" "$d" --notifications "$n" > /dev/null
    touch "$d/.generated"
  fi
  rows=$(($(wc -l < "$d/pages.csv") - 1))
  echo "== $n: $rows rows, $(du -h "$d/pages.csv" | cut -f1) CSV"
  for r in $(seq 1 "$runs"); do
    echo "-- run $r of $runs"
    db="$d/sqlite3.db"
    fresh_sqlite "$db"
    timed "$n sqlite3-index-first" "$out/$n-sqlite3-$r.txt" sqlite3 "$db" \
      "CREATE TABLE pages (email TEXT, at TEXT, incident_key TEXT, source TEXT);" \
      "CREATE INDEX pages_email_at ON pages (email, at);" \
      ".import --csv --skip 1 $d/pages.csv pages"
    [ "$(sqlite3 "$db" 'SELECT count(*) FROM pages')" = "$rows" ] || { echo "sqlite3 imported the wrong count" >&2; exit 1; }
    fresh_sqlite "$db"
    timed "$n sqlite3-index-after" "$out/$n-sqlite3-after-$r.txt" sqlite3 "$db" \
      "CREATE TABLE pages (email TEXT, at TEXT, incident_key TEXT, source TEXT);" \
      ".import --csv --skip 1 $d/pages.csv pages" \
      "CREATE INDEX pages_email_at ON pages (email, at);"
    fresh_sqlite "$db"

    adb="$d/aftercare.db"
    fresh_sqlite "$adb"
    "$bin" import people --database-url "sqlite://$adb" "$d/people.csv" 2> /dev/null
    timed "$n aftercare-sqlite" "$out/$n-aftercare-sqlite-$r.txt" \
      "$bin" import pages --database-url "sqlite://$adb" "$d/pages.csv"
    grep -q "$rows notifications imported" "$out/$n-aftercare-sqlite-$r.txt" || { echo "aftercare (sqlite) imported the wrong count" >&2; exit 1; }
    fresh_sqlite "$adb"

    if [ $use_pg = 1 ]; then
      psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db"
      "$bin" import people --database-url "$pg_url" "$d/people.csv" 2> /dev/null
      timed "$n aftercare-postgres" "$out/$n-aftercare-postgres-$r.txt" \
        "$bin" import pages --database-url "$pg_url" "$d/pages.csv"
      grep -q "$rows notifications imported" "$out/$n-aftercare-postgres-$r.txt" || { echo "aftercare (postgres) imported the wrong count" >&2; exit 1; }
      psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db"
    fi
  done
done

echo "== medians of $runs runs"
python3 - "$out/runs.txt" <<'PY' | tee "$out/summary.txt"
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    n, label, wall, rss, load = line.split()
    runs[(int(n), label)].append((float(wall), int(rss), float(load)))
for n in sorted({n for n, _ in runs}):
    base = statistics.median(w for w, _, _ in runs[(n, "sqlite3-index-first")])
    for label in ("sqlite3-index-first", "sqlite3-index-after", "aftercare-sqlite", "aftercare-postgres"):
        if (n, label) not in runs:
            continue
        r = runs[(n, label)]
        wall = statistics.median(w for w, _, _ in r)
        rss = statistics.median(m for _, m, _ in r) / 1024
        loads = ", ".join(f"{l:.1f}" for _, _, l in r)
        print(f"RESULT {n} {label}: median {wall:.2f} s (runs {', '.join(f'{w:.2f}' for w, _, _ in r)}), "
              f"max RSS {rss:.0f} MB, {n / wall / 1000:.0f}k rows/s, {base / wall:.2f}x sqlite3 index-first, load {loads}")
PY
echo "== results in $out (runs.txt, summary.txt, one log per run)"
