#!/usr/bin/env python3
"""Runs uniform / AlphaDecay pairs of one configuration through a running control-api and reports the overhead.

Called by run.sh, which starts the services. Standard library only. Each run is submitted alone and awaited, so the
one-slot trainer never holds two runs at once; the order alternates per pair (U A, A U, U A, ...) so that a slow
drift of the machine's speed falls on both policies alike.
"""
import argparse
import json
import math
import statistics
import sys
import time
import urllib.request
from datetime import datetime


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Api:
    def __init__(self, base, token):
        self.base = base.rstrip("/")
        self.token = token

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    def series(self, run_id, name):
        points = self.call("GET", f"/api/v1/runs/{run_id}/metrics?name={name}&maxPoints=100000")["points"]
        return [(p["step"], p["value"]) for p in points]


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def esd_analysis_seconds(url, token):
    """(count, sum) of the esd-service's whole-checkpoint analysis timer, from its Prometheus endpoint."""
    request = urllib.request.Request(url + "/actuator/prometheus")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    count = total = 0.0
    for line in text.splitlines():
        if line.startswith("alphadecay_esd_analysis_duration_seconds_count"):
            count += float(line.rsplit(" ", 1)[1])
        elif line.startswith("alphadecay_esd_analysis_duration_seconds_sum"):
            total += float(line.rsplit(" ", 1)[1])
    return count, total


def train(api, config, esd):
    """Submits one run, waits for it and returns its measurements."""
    before = esd_analysis_seconds(*esd)
    run = api.call("POST", "/api/v1/runs", config)
    run_id = run["id"]
    while True:
        time.sleep(2)
        run = api.call("GET", f"/api/v1/runs/{run_id}")
        if run["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
    if run["state"] != "SUCCEEDED":
        raise SystemExit(f"run {config['name']} ended {run['state']}: {run.get('failureReason')}")
    after = esd_analysis_seconds(*esd)
    steps = api.series(run_id, "step_seconds")
    throughput = [v for _, v in api.series(run_id, "tokens_per_second")]
    round_trips = api.series(run_id, "esd_round_trip_seconds")
    result = {
        "name": config["name"],
        "policy": config["decay"]["policy"],
        "id": run_id,
        "wall": instant(run["finishedAt"]) - instant(run["startedAt"]),
        "step_sum": sum(v for _, v in steps),
        "steps": len(steps),
        "tokens_per_second": statistics.median(throughput),
        "analyses": int(after[0] - before[0]),
        "esd_seconds": after[1] - before[1],
        "round_trips": round_trips,
        "step_series": dict(steps),
    }
    result["other"] = result["wall"] - result["step_sum"]
    return result


def overlap_split(result):
    """Mean step time of the steps that ran while an analysis was under way, and of the others.

    An analysis started before step s + 1 (s a multiple of the interval) and came back after its round trip; the
    steps whose cumulative time falls inside that round trip shared the cores with the esd-service.
    """
    busy = set()
    for start, seconds in result["round_trips"]:
        elapsed, step = 0.0, int(start) + 1
        while step in result["step_series"] and elapsed < seconds:
            busy.add(step)
            elapsed += result["step_series"][step]
            step += 1
    during = [v for s, v in result["step_series"].items() if s in busy]
    outside = [v for s, v in result["step_series"].items() if s not in busy]
    return during, outside


def t_quantile_975(df):
    table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}
    return table.get(df, 1.96)


def interval(values):
    """Mean and a 95% t interval of the mean (the pairs are few, so the interval is wide and honest)."""
    mean = statistics.mean(values)
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    half = t_quantile_975(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--esd", required=True)
    parser.add_argument("--service-token-file", required=True)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--interval", type=int, default=50)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--eval-batches", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    api = Api(args.api, open(args.token_file).read().strip())
    esd = (args.esd.rstrip("/"), open(args.service_token_file).read().strip())

    def config(name, policy, steps, interval):
        # Everything but the policy (and the name) is the same in both arms of a pair.
        return {"name": name, "preset": "cpu-small", "steps": steps, "batchSize": args.batch, "seed": 1,
                "evalBatches": args.eval_batches,
                "decay": {"policy": policy, "interval": interval}}

    log("warm-up: a short AlphaDecay run prepares the data set and tokenizer and warms both JVMs up")
    warm = train(api, config("bench-warmup", "alphadecay", 20, 10), esd)
    log(f"warm-up done in {warm['wall']:.1f} s ({warm['analyses']} analyses)")

    results = []
    for pair in range(1, args.pairs + 1):
        order = ("uniform", "alphadecay") if pair % 2 == 1 else ("alphadecay", "uniform")
        arms = {}
        for policy in order:
            result = train(api, config(f"bench-{policy}-{pair}", policy, args.steps, args.interval), esd)
            arms[policy] = result
            log(f"pair {pair} {policy}: wall {result['wall']:.1f} s, steps {result['step_sum']:.1f} s, "
                f"{result['tokens_per_second']:.0f} tokens/s, {result['analyses']} analyses")
        results.append((pair, order, arms))

    with open(args.out, "w") as out:
        json.dump([{"pair": p, "order": o, **{k: {x: y for x, y in v.items() if x != "step_series"}
                                             for k, v in arms.items()}} for p, o, arms in results], out, indent=1)

    print("| pair | order | uniform wall (s) | AlphaDecay wall (s) | wall ratio | uniform Σ step (s) "
          "| AlphaDecay Σ step (s) | step ratio | uniform other (s) | AlphaDecay other (s) "
          "| tokens/s U / A (median) | analyses | esd analysis time (s) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    wall_ratios, step_ratios = [], []
    for pair, order, arms in results:
        u, a = arms["uniform"], arms["alphadecay"]
        wall_ratios.append(a["wall"] / u["wall"])
        step_ratios.append(a["step_sum"] / u["step_sum"])
        first = "U, A" if order[0] == "uniform" else "A, U"
        print(f"| {pair} | {first} | {u['wall']:.1f} | {a['wall']:.1f} | {wall_ratios[-1]:.3f} | {u['step_sum']:.1f} "
              f"| {a['step_sum']:.1f} | {step_ratios[-1]:.3f} | {u['other']:.1f} | {a['other']:.1f} "
              f"| {u['tokens_per_second']:.0f} / {a['tokens_per_second']:.0f} | {a['analyses']} "
              f"| {a['esd_seconds']:.2f} |")
    print()
    for label, ratios in (("wall time", wall_ratios), ("sum of step times", step_ratios)):
        mean, low, high = interval(ratios)
        print(f"- AlphaDecay / uniform, {label}: mean **{mean:.3f}**, 95% t interval [{low:.3f}, {high:.3f}], "
              f"median {statistics.median(ratios):.3f} over {len(ratios)} pairs (goal ≤ 1.02 for the wall time)")

    during, outside = [], []
    trips, esd_each = [], []
    for _, _, arms in results:
        d, o = overlap_split(arms["alphadecay"])
        during += d
        outside += o
        trips += [v for _, v in arms["alphadecay"]["round_trips"]]
        if arms["alphadecay"]["analyses"]:
            esd_each.append(arms["alphadecay"]["esd_seconds"] / arms["alphadecay"]["analyses"])
    uniform_steps = [v for _, _, arms in results for v in arms["uniform"]["step_series"].values()]
    print(f"- esd-service analysis (its alphadecay_esd_analysis_duration_seconds): {statistics.mean(esd_each):.3f} s "
          f"per checkpoint on average; the trainer's round trip (snapshot serialised, posted, analysed, decays "
          f"fetched): median {statistics.median(trips):.3f} s over {len(trips)} analyses")
    if during:
        # Medians: a burst of outside load on this shared machine makes single steps many times slower.
        typical = statistics.median(outside)
        extra = sum(v - typical for v in during) / len(results)
        print(f"- AlphaDecay step time while an analysis ran: median {statistics.median(during):.3f} s over "
              f"{len(during)} steps; other AlphaDecay steps {typical:.3f} s; uniform steps "
              f"{statistics.median(uniform_steps):.3f} s (medians). The overlapping steps cost {extra:.2f} s more per "
              f"run than at the typical step time")
    others = [(arms["alphadecay"]["other"] - arms["uniform"]["other"]) for _, _, arms in results]
    print(f"- Time outside the steps (evaluation, checkpoints, metric posts, and for AlphaDecay the weight snapshot on "
          f"the training thread): AlphaDecay minus uniform, median {statistics.median(others):+.2f} s per run")


if __name__ == "__main__":
    main()
