#!/usr/bin/env python3
"""Turn run.sh's raw measurements into the Markdown table.

Input: a folder holding
  timings.tsv            lines "<preset>\t<side>\t<seconds>", side = service | numpy
  service-<preset>.json  one esd-service response for the preset
  numpy-<preset>.json    reference.py --out for the preset

For each preset it takes the median of each side's repetitions, their ratio
(service / numpy), and checks that both sides analysed the same modules with
alphas agreeing to ~1e-6 relative. Exit status 1 if a check failed.
"""

import json
import os
import statistics
import sys

TOLERANCE = 1e-6  # relative alpha difference still counted as agreement
GOAL = 0.5  # service time / numpy time the esd-service aims to stay under


def load(path):
    with open(path) as f:
        return json.load(f)


def compare(service, numpy_ref):
    """(module count, max relative alpha diff, max relative wd diff, problems)."""
    problems = []
    svc = {m["name"]: m for m in service.get("modules", [])}
    ref = {m["name"]: m for m in numpy_ref["modules"]}
    if set(svc) != set(ref):
        only_svc = sorted(set(svc) - set(ref))
        only_ref = sorted(set(ref) - set(svc))
        problems.append(f"module sets differ: only in service {only_svc[:3]}, only in numpy {only_ref[:3]}")
    max_alpha = max_wd = 0.0
    for name in sorted(set(svc) & set(ref)):
        a, b = svc[name], ref[name]
        if a.get("status") != b["status"]:
            problems.append(f"{name}: status {a.get('status')} vs {b['status']}")
            continue
        if b["status"] != "ok":
            continue
        max_alpha = max(max_alpha, abs(a["alpha"] - b["alpha"]) / abs(b["alpha"]))
        if a.get("weightDecay") is not None and b["weightDecay"]:
            max_wd = max(max_wd, abs(a["weightDecay"] - b["weightDecay"]) / abs(b["weightDecay"]))
    if max_alpha > TOLERANCE:
        problems.append(f"alpha differs by {max_alpha:.2e} relative (tolerance {TOLERANCE:.0e})")
    return len(svc), max_alpha, max_wd, problems


def main(folder, presets):
    times = {}
    with open(os.path.join(folder, "timings.tsv")) as f:
        for line in f:
            preset, side, seconds = line.split()
            times.setdefault((preset, side), []).append(float(seconds))

    rows, notes, failed = [], [], False
    for preset in presets:
        service = load(os.path.join(folder, f"service-{preset}.json"))
        numpy_ref = load(os.path.join(folder, f"numpy-{preset}.json"))
        count, max_alpha, max_wd, problems = compare(service, numpy_ref)
        t_svc = statistics.median(times[(preset, "service")])
        t_np = statistics.median(times[(preset, "numpy")])
        ratio = t_svc / t_np
        verdict = "met" if ratio <= GOAL else "missed"
        rows.append(f"| {preset} | {count} | {t_svc:.2f} | {t_np:.2f} | {ratio:.3f} ({verdict}) | {max_alpha:.1e} |")
        runs_svc = ", ".join(f"{t:.2f}" for t in times[(preset, "service")])
        runs_np = ", ".join(f"{t:.2f}" for t in times[(preset, "numpy")])
        server_ms = (service.get("timings") or {}).get("totalMs")
        server_part = f", the last run's own timings.totalMs {server_ms / 1000:.2f} s" if server_ms is not None else ""
        notes.append(f"- {preset}: {service.get('bytesReceived', '?')} bytes; service runs [{runs_svc}] s"
                     f"{server_part}; numpy runs [{runs_np}] s; max relative weight-decay difference {max_wd:.1e}")
        for p in problems:
            notes.append(f"- {preset}: CHECK FAILED: {p}")
            failed = True

    print("| preset | modules | esd-service s | numpy s | ratio service/numpy (goal <= 0.5) | max rel. alpha diff |")
    print("|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    print("\n".join(notes))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
