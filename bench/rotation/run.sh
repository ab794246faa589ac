#!/usr/bin/env bash
# The rotation generator (crates/rotation) beside Google OR-Tools CP-SAT (shared/bench/rotation/cpsat_reference.py,
# 60 s, 2 workers), one instance after the other on this machine, both answers checked by check.py.
# Writes bench/rotation/RESULTS.md.
#
#   bash bench/rotation/run.sh [SEED ...]      (default seeds 101 202 303; instances/ were made with seed 1)
#
# Environment: SHARED (default ../shared beside the repository), OURS_LIMIT (our --time-limit, default 5 s:
# a tenth of CP-SAT's 60 s, less a second so that starting, reading and writing fit in the tenth too),
# CPSAT_LIMIT (default 60), HARD=0 to skip the harder generated instances.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${SHARED:-$repo/../shared}"
ref="$shared/bench/rotation"
ours_limit="${OURS_LIMIT:-5}"
cpsat_limit="${CPSAT_LIMIT:-60}"
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(101 202 303)
[ -f "$ref/check.py" ] || { echo "no $ref/check.py: set SHARED" >&2; exit 2; }

have_cpsat=1
if ! python3 -c "import ortools" 2>/dev/null; then
  echo "ortools missing; trying pip install ortools" >&2
  pip install --quiet ortools 2>/dev/null || pip install --quiet --break-system-packages ortools 2>/dev/null || true
  python3 -c "import ortools" 2>/dev/null || { have_cpsat=0; echo "no ortools: CP-SAT columns left empty" >&2; }
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
(cd "$repo" && cargo build --quiet -p aftercare-rotation --release --example solve)
solver="$CARGO_TARGET_DIR/release/examples/solve"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sets=("shared:$ref/instances")
for s in "${seeds[@]}"; do
  python3 "$ref/gen_instances.py" "$work/seed-$s" --seed "$s" >/dev/null
  sets+=("seed $s:$work/seed-$s")
done
if [ "${HARD:-1}" != 0 ]; then
  python3 "$here/gen_hard.py" "$work/hard" --seed 7 >/dev/null
  sets+=("hard:$work/hard")
fi

rows="$work/rows.tsv"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$rows"
# timed OUT CMD...: runs CMD with its standard output in OUT, prints its wall-clock seconds.
timed() { python3 -c 'import subprocess, sys, time
with open(sys.argv[1], "w") as out:
    t = time.perf_counter(); r = subprocess.run(sys.argv[2:], stdout=out); e = time.perf_counter() - t
print(f"{e:.4f}"); sys.exit(r.returncode)' "$@"; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d.get(sys.argv[2]); print('' if v is None else v)" "$1" "$2"; }
for set in "${sets[@]}"; do
  label="${set%%:*}"; dir="${set#*:}"
  for inst in "$dir"/*.json; do
    name="$(basename "$inst" .json)"
    # Ours is deterministic for its seed: run it three times and keep the median times (a busy machine's
    # scheduling noise is of the order of our smallest times).
    ts=(); ss=()
    for _ in 1 2 3; do
      ts+=("$(timed "$work/ours.json" "$solver" "$inst" --time-limit "$ours_limit" --report-time 2> "$work/ours.err")")
      ss+=("$(sed -n 's/^solve_seconds //p' "$work/ours.err")")
    done
    ours_t=$(printf '%s\n' "${ts[@]}" | sort -g | sed -n 2p)
    ours_solve=$(printf '%s\n' "${ss[@]}" | sort -g | sed -n 2p)
    ours_status=$(field "$work/ours.json" status)
    if [ "$ours_status" = infeasible ] || [ "$ours_status" = unknown ]; then
      ours_spread="$ours_status: $(field "$work/ours.json" reason)"
    elif out=$(cd "$ref" && python3 check.py "$inst" "$work/ours.json"); then
      ours_spread="$(field "$work/ours.json" spread)"
    else
      ours_spread="INVALID ($out)"
    fi
    ours_bound="$(field "$work/ours.json" bound)"
    c_spread=""; c_bound=""; c_t=""; c_status=""; c_wall=""
    if [ $have_cpsat = 1 ]; then
      c_wall=$(cd "$ref" && timed "$work/cpsat.json" python3 cpsat_reference.py "$inst" --time-limit "$cpsat_limit" --workers 2)
      c_status=$(field "$work/cpsat.json" status)
      c_t=$(field "$work/cpsat.json" seconds)
      c_bound=$(field "$work/cpsat.json" bound)
      if [ "$c_status" = optimal ] || [ "$c_status" = feasible ]; then
        if out=$(cd "$ref" && python3 check.py "$inst" "$work/cpsat.json"); then
          c_spread="$(field "$work/cpsat.json" spread)"
        else
          c_spread="INVALID ($out)"
        fi
      else
        c_spread="$c_status"
      fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$ours_spread" "$ours_status" "$ours_bound" \
      "$ours_solve" "$ours_t" "$c_spread" "$c_status" "$c_bound" "$c_t" "$c_wall" >> "$rows"
    echo "$label $name: ours $ours_spread ($ours_status, ${ours_solve}s, process ${ours_t}s) | CP-SAT $c_spread ($c_status, bound $c_bound, ${c_t}s)" >&2
  done
done

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$rows" "$here/RESULTS.md" "$ours_limit" "$cpsat_limit" "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)" "$load_start" "$load_end" <<'PY'
import sys, datetime
rows_path, out_path, ours_limit, cpsat_limit, cpu, cores, load_start, load_end = sys.argv[1:9]
rows = [l.rstrip("\n").split("\t") for l in open(rows_path) if l.strip()]
def num(s):
    try: return float(s)
    except ValueError: return None
lines = []
met = met_wall = total = 0
for set_, name, sp, st, bd, solve_t, t, csp, cst, cbd, ct, cwall in rows:
    s, c, tt, wt, cc = num(sp), num(csp), num(solve_t), num(t), num(ct)
    verdict = ""
    if c is not None:
        total += 1
        fair = s is not None and s <= c + 1e-9
        fast = tt is not None and cc is not None and tt <= cc / 10
        fast_wall = wt is not None and cc is not None and wt <= cc / 10
        met += fair and fast
        met_wall += fair and fast_wall
        verdict = ("yes" if fair else "**no**") + " / " + ("yes" if fast else "**no**") + " / " + ("yes" if fast_wall else "**no**")
    elif st == "infeasible":
        verdict = "(infeasible: both say so)" if cst == "infeasible" else ""
    lines.append(f"| {set_} | {name} | {sp} | {st} | {bd} | {solve_t} | {t} | {csp} | {cst} | {cbd} | {ct} | {cwall} | {verdict} |")
with open(out_path, "w") as f:
    f.write(f"""# Rotation generator against CP-SAT

Written by `bench/rotation/run.sh` on {datetime.date.today()}: {cpu}, {cores} cores; load average
{load_start} at the start and {load_end} at the end (other work on the machine slows both solvers alike).
Each instance ran one solver after the other: ours (`crates/rotation/examples/solve`, release build,
`--time-limit {ours_limit}`, seed 1), then `cpsat_reference.py --time-limit {cpsat_limit} --workers 2` (OR-Tools CP-SAT).
Both answers were checked by `check.py`.

Times: ours are the median of three runs (it is deterministic for its seed, so the answer is the same each
time); CP-SAT ran once. "our solve s" is the time inside `solve` (after reading the instance), like CP-SAT's own `seconds` (its
solve, without Python's start and model building); "our process s" is the wall-clock time of our whole process
(start, read, solve, print), and "CP-SAT process s" the same for `cpsat_reference.py`. On the smallest instances
our process time is mostly the cost of starting a process on a busy machine.

Sets: "shared" is `shared/bench/rotation/instances` (seed 1); "seed N" were generated with `gen_instances.py
--seed N`; "hard" by `bench/rotation/gen_hard.py --seed 7` (tighter rest, more newcomers, odd capacities and
3-decimal weights, large carried-over loads, and one instance where nobody can take a shift).

The bar: our spread no worse than CP-SAT's, in at most a tenth of CP-SAT's time. Met on {met} of {total}
instances that CP-SAT answered, comparing solve times; on {met_wall} of {total} comparing our whole process's time
with CP-SAT's solve time. Where CP-SAT's bound is below our spread and not proven optimal, our own bound (from the
subset-sum relaxation, see `crates/rotation/src/bound.rs`) is the better measure of how close we are.

| set | instance | our spread | our status | our bound | our solve s | our process s | CP-SAT spread | CP-SAT status | CP-SAT bound | CP-SAT s | CP-SAT process s | no worse / ≤ 1/10 (solve) / ≤ 1/10 (process) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
""")
    f.write("\n".join(lines) + "\n")
PY
echo "wrote $here/RESULTS.md" >&2
