#!/usr/bin/env python3
"""Compare per-person burden figures: duckdb_reference.py --json lines against
`aftercare bench burden --json` lines. A person missing from one side counts as all
zeros there (the reference lists only people with at least one interruption).
usage: compare.py REFERENCE.jsonl AFTERCARE.jsonl [--label NAME]
Exit 0 when every person agrees on every figure, 1 otherwise."""
import argparse, json, sys

FIELDS = ("business", "off", "sleep", "total", "disrupted_nights", "longest_disrupted_streak")


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            i = r["interruptions"]
            out[r["email"]] = (i["business"], i["off"], i["sleep"], i["total"],
                               r["disrupted_nights"], r["longest_disrupted_streak"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("reference")
    ap.add_argument("ours")
    ap.add_argument("--label", default="aftercare")
    a = ap.parse_args()
    ref, ours = load(a.reference), load(a.ours)
    zero = (0,) * len(FIELDS)
    people = sorted(set(ref) | set(ours))
    bad = [(e, ref.get(e, zero), ours.get(e, zero)) for e in people if ref.get(e, zero) != ours.get(e, zero)]
    busy = sum(1 for e in people if ours.get(e, zero)[3] > 0 or ref.get(e, zero)[3] > 0)
    if not people:
        print(f"{a.label}: no people on either side: nothing was compared", file=sys.stderr)
        sys.exit(1)
    if bad:
        print(f"{a.label}: {len(bad)} of {len(people)} people DISAGREE with DuckDB; first ones:")
        for e, r, o in bad[:10]:
            print(f"  {e}: duckdb {dict(zip(FIELDS, r))}\n  {' ' * len(e)}  ours   {dict(zip(FIELDS, o))}")
        sys.exit(1)
    print(f"{a.label}: all {len(people)} people agree with DuckDB on every figure "
          f"({busy} with interruptions; {sum(v[3] for v in ref.values())} interruptions)")


if __name__ == "__main__":
    main()
