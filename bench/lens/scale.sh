#!/usr/bin/env bash
# How `aftercare lens` scales: wall time and peak memory on one long sentence full of cues
# (1 MB and 2 MB) and on single Markdown files of 20, 100 and 200 MB (the development reviews
# repeated; the `f` files have a paragraph of blameful sentences after every copy, so they are
# full of findings), in every output format. Doubling the input should double the time, and
# peak memory should not grow with the file.
#
#   bench/lens/scale.sh                 # from the repository root or anywhere
#   LENS_SCALE_SIZES="sent-1 md-20" bench/lens/scale.sh
#   LENS_SCALE_BIN=path/to/aftercare bench/lens/scale.sh   # skip the build
#   LENS_SCALE_TIMEOUT=300 bench/lens/scale.sh             # give up on a run after 300 s
#
# Needs cargo, python3 and GNU time at /usr/bin/time (Debian package `time`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${AFTERCARE_SHARED:-$repo/../shared}
docs="$shared/data/lens/docs"
sizes=${LENS_SCALE_SIZES:-"sent-1 sent-2 md-20 md-20f md-100f md-200f"}
formats=${LENS_SCALE_FORMATS:-"text json sarif"}
timeout=${LENS_SCALE_TIMEOUT:-0}

[ -d "$docs" ] || { echo "no docs at $docs (set AFTERCARE_SHARED)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${LENS_SCALE_BIN:-}" ]; then
  bin=$LENS_SCALE_BIN
else
  echo "== building the release binary"
  (cd "$repo" && cargo build --release --quiet --bin aftercare)
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/aftercare"
fi

# The development reviews as one text, as bench/lens/run.sh builds it (an unclosed code fence
# gets the closing fence a renderer would assume).
for f in "$docs"/*.md; do
  cat "$f"
  fences=$(grep -cE '^ {0,3}(`{3,}[^`]*|~{3,}.*)$' "$f" || true)
  if [ $((fences % 2)) -eq 1 ]; then printf '\n```\n'; fi
  printf '\n\n'
done > "$work/copy.md"
python3 "$here/gen_scale.py" "$work/copy.md" "$work/in"

echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-6s %10s %10s %12s %10s\n' input format MB seconds 'max RSS MB' findings
for name in $sizes; do
  file=$(ls "$work/in/$name".* | head -1)
  bytes=$(stat -c %s "$file")
  for format in $formats; do
    status=0
    /usr/bin/time -v -o "$work/time" timeout "$timeout" "$bin" lens --no-config --format "$format" "$file" \
      > "$work/out" 2> "$work/err" || status=$?
    if [ "$status" -eq 124 ]; then
      printf '%-10s %-6s %10.1f %10s\n' "$name" "$format" "$(awk "BEGIN{print $bytes/1e6}")" ">$timeout"
      continue
    fi
    if [ "$status" -gt 1 ]; then
      echo "$name $format failed (exit $status):" >&2; tail -5 "$work/err" >&2; exit 1
    fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time" \
      | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
    case $format in
      text) n=$(grep -c '^ *--> ' "$work/out" || true) ;;
      json) n=$(grep -o '"rule":' "$work/out" | wc -l) ;;
      sarif) n=$(grep -o '"ruleId":' "$work/out" | wc -l) ;;
      *) n=- ;;
    esac
    printf '%-10s %-6s %10.1f %10.2f %12.1f %10s\n' "$name" "$format" \
      "$(awk "BEGIN{print $bytes/1e6}")" "$wall" "$(awk "BEGIN{print $kb/1024}")" "$n"
  done
done
