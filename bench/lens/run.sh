#!/usr/bin/env bash
# Benchmark of `aftercare lens`: throughput and peak memory over the development reviews in
# shared/data/lens/docs repeated to at least 100 MB, beside alex (npm, the closest existing
# linter) on the same reviews (six copies, about 1 MB), measured in the same run.
#
#   bench/lens/run.sh            # from the repository root or anywhere
#   LENS_BENCH_MB=200 bench/lens/run.sh
#   LENS_BENCH_RUNS=5 bench/lens/run.sh
#
# Fairness: both tools read the same reviews from files and write their full report to a file;
# runs alternate (lens, alex, lens, alex, ...) so that load from other processes falls on both,
# and the ratio is of the medians. The lens uses every core, as `aftercare lens` does; a
# single-core run (taskset) is reported too. Load averages before and after are printed.
#
# Needs cargo, node and npm, GNU time at /usr/bin/time (Debian package `time`) and taskset
# (util-linux). alex is installed into a scratch folder (never globally) and removed afterwards.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${AFTERCARE_SHARED:-$repo/../shared}
docs="$shared/data/lens/docs"
target_mb=${LENS_BENCH_MB:-100}
alex_version=${ALEX_VERSION:-11.0.1}
runs=${LENS_BENCH_RUNS:-3}

[ -d "$docs" ] || { echo "no docs at $docs (set AFTERCARE_SHARED)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 2; }
command -v taskset > /dev/null || { echo "taskset missing: apt-get install util-linux" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== building the release binary"
(cd "$repo" && cargo build --release --quiet --bin aftercare)
bin="${CARGO_TARGET_DIR:-$repo/target}/release/aftercare"

# One "copy" is all development reviews concatenated; the corpus is files of 6 copies each
# (about 1 MB), so the command streams file by file. A review that ends inside an unclosed code
# fence gets the closing fence a renderer would assume, so that the reviews after it are read as
# prose, as they are on their own (otherwise most of the corpus would be skipped as code).
for f in "$docs"/*.md; do
  cat "$f"
  # (a backtick line whose info string holds a backtick is inline code, not a fence)
  fences=$(grep -cE '^ {0,3}(`{3,}[^`]*|~{3,}.*)$' "$f" || true)
  if [ $((fences % 2)) -eq 1 ]; then printf '\n```\n'; fi
  printf '\n\n'
done > "$work/copy.md"
copy_bytes=$(stat -c %s "$work/copy.md")
mkdir -p "$work/corpus" "$work/alex-input"
for k in 1 2 3 4 5 6; do cat "$work/copy.md"; done > "$work/part.md"
part_bytes=$(stat -c %s "$work/part.md")
need=$(( target_mb * 1000 * 1000 ))
n=0; total=0
while [ "$total" -lt "$need" ]; do
  n=$((n + 1)); cp "$work/part.md" "$work/corpus/part-$(printf %04d "$n").md"
  total=$((total + part_bytes))
done
# alex's input: the same reviews, six times over (about 1 MB), as separate files as published.
for k in 1 2 3 4 5 6; do
  for f in "$docs"/*.md; do cp "$f" "$work/alex-input/$k-$(basename "$f")"; done
done
alex_bytes=$(cat "$work/alex-input"/*.md | wc -c)

# measure LABEL OUTFILE CMD...: runs under GNU time, accepts exit 0 or 1 (findings), prints
# "seconds kilobytes".
measure() {
  local label=$1 out=$2; shift 2
  local status=0
  /usr/bin/time -v -o "$work/$label.time" "$@" > "$out" 2> "$work/$label.err" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "$label failed (exit $status):" >&2; tail -5 "$work/$label.err" >&2; exit 1
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$label.time" \
    | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$label.time")
  echo "$wall $rss"
}

echo "== installing alex@$alex_version into a scratch folder"
mkdir -p "$work/alex"
(cd "$work/alex" && npm install --silent --no-audit --no-fund --no-save "alex@$alex_version" > /dev/null 2>&1)
alex="$work/alex/node_modules/.bin/alex"

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
total_mb=$(awk "BEGIN{printf \"%.1f\", $total/1e6}")
alex_mb=$(awk "BEGIN{printf \"%.2f\", $alex_bytes/1e6}")
: > "$work/runs"
for r in $(seq 1 "$runs"); do
  echo "== run $r/$runs: aftercare lens --format json over $total_mb MB ($n files)"
  read -r s kb < <(measure lens "$work/lens.json" "$bin" lens --no-config --format json "$work/corpus")
  echo "lens $s $kb" >> "$work/runs"
  echo "== run $r/$runs: alex on $alex_mb MB"
  read -r s kb < <(measure alex "$work/alex.out" "$alex" "$work/alex-input")
  echo "alex $s $kb" >> "$work/runs"
done
echo "== aftercare lens on one core (taskset -c 0), $total_mb MB"
read -r one_s one_kb < <(measure lens-one "$work/lens-one.json" taskset -c 0 "$bin" lens --no-config --format json "$work/corpus")
echo "== aftercare lens on alex's input ($alex_mb MB)"
read -r small_s small_kb < <(measure lens-small "$work/lens-small.json" "$bin" lens --no-config --format json "$work/alex-input")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
findings=$(grep -c '"rule"' "$work/lens.json" || true)
cmp -s "$work/lens.json" "$work/lens-one.json" || { echo "one-core report differs" >&2; exit 1; }

median() { grep "^$1 " "$work/runs" | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
maxkb() { grep "^$1 " "$work/runs" | awk '{print $3}' | sort -g | tail -1; }
lens_s=$(median lens); alex_s=$(median alex); lens_kb=$(maxkb lens); alex_kb=$(maxkb alex)
echo
echo "runs (tool, seconds, max RSS KB):"
sed 's/^/  /' "$work/runs"

awk -v tb="$total" -v ls="$lens_s" -v lk="$lens_kb" -v f="$findings" \
    -v sb="$alex_bytes" -v ss="$small_s" -v sk="$small_kb" -v os="$one_s" -v ok="$one_kb" \
    -v as="$alex_s" -v ak="$alex_kb" -v cb="$copy_bytes" -v runs="$runs" 'BEGIN {
  lens = tb / 1e6 / (ls > 0 ? ls : 0.001)
  one = tb / 1e6 / (os > 0 ? os : 0.001)
  small = sb / 1e6 / (ss > 0 ? ss : 0.001)
  alex = sb / 1e6 / (as > 0 ? as : 0.001)
  printf "\n%-38s %10s %10s %12s %10s\n", "", "MB", "seconds", "MB/s", "max RSS MB"
  printf "%-38s %10.1f %10.2f %12.1f %10.1f\n", "aftercare lens (median of " runs ")", tb/1e6, ls, lens, lk/1024
  printf "%-38s %10.1f %10.2f %12.1f %10.1f\n", "aftercare lens, one core", tb/1e6, os, one, ok/1024
  printf "%-38s %10.2f %10.2f %12.1f %10.1f\n", "aftercare lens (alex input)", sb/1e6, ss, small, sk/1024
  printf "%-38s %10.2f %10.2f %12.3f %10.1f\n", "alex (median of " runs ")", sb/1e6, as, alex, ak/1024
  printf "\nfindings in the large corpus: %d (%.0f per copy of the %d-byte reviews)\n", f, f / (tb / cb), cb
  printf "throughput ratio lens/alex: %.0fx (one core: %.0fx; target >= 1000x); lens peak memory %.1f MB (target < 50 MB)\n", lens / alex, one / alex, lk/1024
}'
