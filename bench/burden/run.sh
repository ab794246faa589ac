#!/usr/bin/env bash
# Burden at scale (issue 2): 2,000 people and 10 million notifications from
# shared/bench/burden/gen.py, imported with `aftercare import`, then the burden of one
# 50-person team over 90 days and of the whole organisation over a year, on SQLite and
# on PostgreSQL, each checked person by person against shared/bench/burden/duckdb_reference.py
# and timed beside it in the same run.
#
#   bench/burden/run.sh [DATADIR]        # default DATADIR: <repo>/bench-data (gitignored)
#
# Environment:
#   AFTERCARE_SHARED      shared/ folder (default <repo>/../shared)
#   BENCH_POSTGRES        admin URL of a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
#                         set it to "skip" to run SQLite only
#   BENCH_REPEAT          timed runs per measurement, median reported (default 5)
#   BENCH_ROUNDS          DuckDB and Aftercare measured alternately this many times (default 3);
#                         the summary gives the median of the rounds' medians
#   BENCH_REIMPORT=1      import again even if the databases are already there
#   AFTERCARE_BIN         use this aftercare binary instead of building one
#   AFTERCARE_BENCH_BIN   use this aftercare-bench binary (bench/harness) instead of building one
#
# Needs python3 (with venv), cargo, GNU time at /usr/bin/time (Debian `time`) and psql
# for PostgreSQL. duckdb and numpy are pip-installed into DATADIR/venv.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:---client-min-messages=warning}"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${AFTERCARE_SHARED:-$repo/../shared}
data=${1:-$repo/bench-data}
pg_admin=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
repeat=${BENCH_REPEAT:-5}
rounds=${BENCH_ROUNDS:-3}
team=team-007
team_from=2027-09-01T00:00:00Z
team_to=2027-11-30T00:00:00Z
year_from=2026-01-01T00:00:00Z
year_to=2027-01-01T00:00:00Z

[ -f "$shared/bench/burden/gen.py" ] || { echo "no gen.py under $shared/bench/burden (set AFTERCARE_SHARED)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 2; }
mkdir -p "$data"
data=$(cd "$data" && pwd)
out="$data/results"
mkdir -p "$out"

if [ ! -s "$data/people.csv" ] || [ ! -s "$data/pages.csv" ] || [ ! -f "$data/.generated" ]; then
  echo "== generating 2,000 people and 10M notifications into $data (a minute or two)"
  python3 "$shared/bench/burden/gen.py" "$data"
  touch "$data/.generated"
fi

if [ ! -x "$data/venv/bin/python" ] || ! "$data/venv/bin/python" -c 'import duckdb, numpy' 2>/dev/null; then
  echo "== installing duckdb and numpy into $data/venv"
  python3 -m venv "$data/venv"
  "$data/venv/bin/pip" install --quiet duckdb numpy
fi
py="$data/venv/bin/python"

if [ -z "${AFTERCARE_BIN:-}" ] || [ -z "${AFTERCARE_BENCH_BIN:-}" ]; then
  echo "== building the release binaries (aftercare, aftercare-bench)"
  (cd "$repo" && cargo build --release --quiet -p aftercare -p aftercare-bench)
fi
# Copies, so a rebuild in the shared target dir cannot change the binaries mid-run.
cp "${AFTERCARE_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/aftercare}" "$out/aftercare"
cp "${AFTERCARE_BENCH_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/aftercare-bench}" "$out/aftercare-bench"
bin="$out/aftercare"
bench="$out/aftercare-bench"

# import URL LABEL: people then pages into a fresh database, timed, with max RSS.
do_import() {
  local url=$1 label=$2
  echo "== importing into $label ($url)"
  /usr/bin/time -v "$bin" import people --database-url "$url" "$data/people.csv" 2> "$out/import-people-$label.txt"
  /usr/bin/time -v "$bin" import pages --database-url "$url" "$data/pages.csv" 2> "$out/import-pages-$label.txt"
  for f in people pages; do
    grep -E "imported|created|Elapsed|Maximum resident" "$out/import-$f-$label.txt" | sed "s/^\s*/  $f: /"
  done
}

backends=(sqlite)
sqlite_url="sqlite://$data/burden.db"
if [ "${BENCH_REIMPORT:-0}" = 1 ] || [ ! -f "$data/burden.db" ] || [ ! -f "$out/import-pages-sqlite.txt" ] \
   || ! grep -q "Exit status: 0" "$out/import-pages-sqlite.txt"; then
  rm -f "$data/burden.db" "$data/burden.db-wal" "$data/burden.db-shm"
  do_import "$sqlite_url" sqlite
fi

pg_db=aftercare_bench_burden
pg_url="${pg_admin%/*}/$pg_db"
if [ "$pg_admin" != skip ] && command -v psql >/dev/null && psql "$pg_admin" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  backends+=(postgres)
  if [ "${BENCH_REIMPORT:-0}" = 1 ] || [ ! -f "$out/import-pages-postgres.txt" ] \
     || ! grep -q "Exit status: 0" "$out/import-pages-postgres.txt" \
     || [ "$(psql "$pg_admin" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")" != 1 ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db"
    do_import "$pg_url" postgres
    psql "$pg_url" -qc "VACUUM ANALYZE"
  fi
else
  echo "== PostgreSQL not reachable at $pg_admin: SQLite only"
fi

url_of() { if [ "$1" = sqlite ]; then echo "$sqlite_url"; else echo "$pg_url"; fi; }

# measure NAME ARGS...: DuckDB, then each backend, alternately $rounds times in the same
# run; every round is compared person by person; medians of the rounds are reported.
status=0
measure() {
  local name=$1; shift
  local args=("$@")
  [ "${args[0]}" = --team ] || args=(--all "${args[@]}")
  local round
  for round in $(seq 1 "$rounds"); do
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "== $name, round $round of $rounds (load $load): DuckDB reference"
    "$py" "$shared/bench/burden/duckdb_reference.py" "$data" "$@" --repeat "$repeat" --json \
      > "$out/$name-duckdb.jsonl" 2> "$out/$name-duckdb-$round.txt"
    cat "$out/$name-duckdb-$round.txt"
    echo "duckdb $(grep -oP 'median \K[0-9.]+(?= ms)' "$out/$name-duckdb-$round.txt") $load" >> "$out/$name-rounds.txt"
    for b in "${backends[@]}"; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      echo "== $name, round $round: aftercare on $b (load $load)"
      "$bench" burden --database-url "$(url_of "$b")" "${args[@]}" --repeat "$repeat" --json \
        > "$out/$name-$b.jsonl" 2> "$out/$name-$b-$round.txt"
      head -1 "$out/$name-$b-$round.txt"
      "$py" "$here/compare.py" "$out/$name-duckdb.jsonl" "$out/$name-$b.jsonl" --label "$b" || status=1
      echo "$b $(tail -1 "$out/$name-$b-$round.txt" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])') $load" \
        >> "$out/$name-rounds.txt"
    done
  done
  "$py" - "$name" "$out/$name-rounds.txt" <<'PY' | tee -a "$out/summary.txt"
import collections, statistics, sys
name, path = sys.argv[1], sys.argv[2]
ms, loads = collections.defaultdict(list), collections.defaultdict(list)
for line in open(path):
    who, v, load = line.split()
    ms[who].append(float(v)); loads[who].append(load)
duck = statistics.median(ms.pop("duckdb"))
for b, v in ms.items():
    a = statistics.median(v)
    print(f"RESULT {name} {b}: aftercare {a:.1f} ms, duckdb {duck:.1f} ms: {duck / a:.1f}x faster "
          f"(medians of {len(v)} rounds; aftercare {', '.join(f'{x:.1f}' for x in v)} ms; load {', '.join(loads[b])})")
PY
}

: > "$out/summary.txt"
rm -f "$out"/*-rounds.txt
measure team --team "$team" --from "$team_from" --to "$team_to"
measure org-year --from "$year_from" --to "$year_to"

echo "== import figures"
for b in "${backends[@]}"; do
  elapsed=$(grep -oP 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): \K.*' "$out/import-pages-$b.txt")
  rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$out/import-pages-$b.txt")
  echo "RESULT import-pages $b: $elapsed wall, max RSS $((rss / 1024)) MB" | tee -a "$out/summary.txt"
done
echo "== results in $out (summary.txt)"
exit $status
