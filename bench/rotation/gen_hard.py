#!/usr/bin/env python3
"""Harder aftercare-rotation/1 instances than gen_instances.py's, for the benchmark (bench/rotation/run.sh):
tight rest windows, many newcomers, odd capacities, weights with 3 decimals, large carried-over loads, long leave.
Usage: python3 gen_hard.py OUTDIR --seed N   (SHARED/bench/rotation must be importable, or pass --shared DIR)"""
import argparse, json, os, random, sys
from datetime import datetime, timedelta


def shifts_for(start, hours, count, rng, odd_weights):
    out = []
    for i in range(count):
        a, b = start + timedelta(hours=hours * i), start + timedelta(hours=hours * (i + 1))
        weekend = any((a + timedelta(hours=h)).weekday() >= 5 for h in range(hours))
        w = 1.0 + (0.5 if weekend and hours <= 24 else 0.0) + (0.25 if hours == 12 and a.hour >= 18 else 0.0)
        if odd_weights:
            w = round(w * rng.uniform(0.8, 1.6), 3)
        out.append({"id": f"h{i + 1:04d}", "start": a.strftime("%Y-%m-%dT%H:%M"), "end": b.strftime("%Y-%m-%dT%H:%M"),
                    "weight": w})
    return out


def people_for(rng, n, first, span_days, newcomers, caps, priors, leave_days):
    people = []
    for i in range(n):
        un = []
        for _ in range(rng.randint(1, 5)):
            d0 = first + timedelta(days=rng.randrange(max(span_days - 1, 1)), hours=rng.choice([0, 9, 18]))
            un.append({"start": d0.strftime("%Y-%m-%dT%H:%M"),
                       "end": (d0 + timedelta(days=rng.choice(leave_days))).strftime("%Y-%m-%dT%H:%M")})
        people.append({"id": f"p{i:02d}", "unavailable": un, "prior_load": rng.choice(priors),
                       "capacity": rng.choice(caps), "newcomer": i >= n - newcomers})
    return people


CASES = [  # name, people, hours, shifts, newcomers, rest, shadow, caps, priors, leave days, odd weights
    ("tight-weekly-6", 6, 168, 26, 1, 4, 2, [1.0], [0, 0, 1, 2], [1, 3, 7], False),
    ("newcomers-daily-12", 12, 24, 91, 5, 3, 3, [1.0, 1.0, 0.6], [0, 1, 2, 3], [1, 2, 5, 10], False),
    ("odd-daily-14", 14, 24, 120, 2, 2, 2, [0.3, 0.45, 0.6, 0.75, 0.9, 1.0], [0, 0.5, 1.25, 2.75], [1, 3, 7, 14], True),
    ("skewed-12h-16", 16, 12, 182, 2, 4, 2, [1.0, 0.8, 0.5], [0, 0, 2, 8, 20], [2, 7, 21, 30], False),
    ("tight-daily-5", 5, 24, 60, 0, 3, 0, [1.0], [0, 1], [1, 2], False),
]

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    for name, n, hours, count, newc, rest, shadow, caps, priors, leave, odd in CASES:
        start = datetime(2027, 1, 4, 9, 0) if hours != 12 else datetime(2027, 1, 4, 6, 0)
        shifts = shifts_for(start, hours, count, rng, odd)
        span = (datetime.fromisoformat(shifts[-1]["end"]) - start).days
        people = people_for(rng, n, start, span, newc, caps, priors, leave)
        inst = {"format": "aftercare-rotation/1", "name": name, "timezone": "Europe/London", "shifts": shifts,
                "people": people, "rules": {"min_rest_shifts": rest, "newcomer_shadow_shifts": shadow}}
        with open(os.path.join(a.outdir, f"{name}.json"), "w") as f:
            json.dump(inst, f, indent=1)
            f.write("\n")
        print(f"{name}: {n} people, {count} shifts of {hours} h")
    # An infeasible one: nobody can take the fifth shift of a small weekly rotation.
    start = datetime(2027, 1, 4, 9, 0)
    shifts = shifts_for(start, 168, 13, rng, False)
    people = people_for(rng, 6, start, 91, 1, [1.0], [0, 1], [1, 2])
    for p in people:
        p["unavailable"].append({"start": shifts[4]["start"], "end": shifts[4]["end"]})
    inst = {"format": "aftercare-rotation/1", "name": "nobody-for-one-shift", "timezone": "Europe/London",
            "shifts": shifts, "people": people, "rules": {"min_rest_shifts": 1, "newcomer_shadow_shifts": 2}}
    with open(os.path.join(a.outdir, "nobody-for-one-shift.json"), "w") as f:
        json.dump(inst, f, indent=1)
        f.write("\n")
    print("nobody-for-one-shift: 6 people, 13 weekly shifts, nobody available for the fifth")
