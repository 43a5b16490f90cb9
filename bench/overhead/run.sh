#!/usr/bin/env bash
# Benchmark: the wall time of an AlphaDecay run against a uniform-decay run of the same configuration (goal ≤ 1.02).
#
#   bench/overhead/run.sh
#
# Starts the three services with ./alphadecay on a home and ports of its own (so it runs beside a launcher already
# up on the default ports), makes one short warm-up run, then runs pairs of cpu-small runs that differ only in
# decay.policy, alternating the order, and prints a Markdown table. Stops its services at the end.
#
# Environment knobs (all optional):
#   BENCH_PAIRS=3        uniform / AlphaDecay pairs
#   BENCH_STEPS=300      steps per run
#   BENCH_INTERVAL=50    decay.interval of the AlphaDecay runs (an analysis at step 0, 50, 100, ...)
#   BENCH_BATCH=16       batchSize (sequences of 128 tokens per step)
#   BENCH_EVAL_BATCHES=5 evalBatches of each validation (every steps / 10 steps; the preset's default is 20)
#   BENCH_PIN=1          training on core 0 (one PyTorch thread), esd-service and control-api on core 1 (taskset)
#   BENCH_KEEP=1         keep the services' home (logs, database) afterwards
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"
require_tools java python3 curl
bench_workdir overhead-bench
export ALPHADECAY_HOME="$WORK/home"
export ALPHADECAY_CONTROL_API_PORT=$(free_port)
export ALPHADECAY_ESD_PORT=$(free_port)
export ALPHADECAY_TRAINER_PORT=$(free_port)
# Tokens are generated under the bench's own home: nothing of a launcher's own home is read.
unset ALPHADECAY_OPERATOR_TOKEN ALPHADECAY_SERVICE_TOKEN
on_cleanup '"$ROOT/alphadecay" down >/dev/null 2>&1'
warn_if_busy

# The launcher builds stale jars itself (ALPHADECAY_BUILD=auto).
say "starting the services (control-api :$ALPHADECAY_CONTROL_API_PORT, esd-service :$ALPHADECAY_ESD_PORT," \
    "trainer-service :$ALPHADECAY_TRAINER_PORT)"
if [[ "${BENCH_PIN:-0}" == 1 ]]; then
    # One core each: training (one PyTorch thread) on core 0; the esd-service and the control-api on core 1. An
    # analysis then competes with no training step, as on a GPU node whose CPU cores training leaves idle.
    command -v taskset >/dev/null || die "BENCH_PIN=1 needs taskset (util-linux)"
    [[ $(nproc) -ge 2 ]] || die "BENCH_PIN=1 needs two cores"
    export OMP_NUM_THREADS=1
fi
"$ROOT/alphadecay" up
if [[ "${BENCH_PIN:-0}" == 1 ]]; then
    taskset -a -p -c 0 "$(cat "$ALPHADECAY_HOME/run/trainer-service.pid")" >/dev/null
    for service in esd-service control-api; do
        taskset -a -p -c 1 "$(cat "$ALPHADECAY_HOME/run/$service.pid")" >/dev/null
    done
    say "pinned: trainer-service to core 0 with one PyTorch thread; esd-service and control-api to core 1"
fi

python3 "$HERE/pairs.py" \
    --api "http://localhost:$ALPHADECAY_CONTROL_API_PORT" \
    --token-file "$ALPHADECAY_HOME/secrets/operator-token" \
    --esd "http://localhost:$ALPHADECAY_ESD_PORT" \
    --service-token-file "$ALPHADECAY_HOME/secrets/service-token" \
    --pairs "${BENCH_PAIRS:-3}" --steps "${BENCH_STEPS:-300}" --interval "${BENCH_INTERVAL:-50}" \
    --batch "${BENCH_BATCH:-16}" --eval-batches "${BENCH_EVAL_BATCHES:-5}" --out "$WORK/results.json"

echo
machine_line
echo "Java: $(java -version 2>&1 | head -n 1)"
echo "Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
