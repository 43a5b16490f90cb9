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

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

for tool in java python3 curl; do
    command -v "$tool" >/dev/null || die "$tool is not on PATH"
done

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/overhead-bench.XXXXXX")
export ALPHADECAY_HOME="$WORK/home"
export ALPHADECAY_CONTROL_API_PORT=$(free_port)
export ALPHADECAY_ESD_PORT=$(free_port)
export ALPHADECAY_TRAINER_PORT=$(free_port)
# Tokens are generated under the bench's own home: nothing of a launcher's own home is read.
unset ALPHADECAY_OPERATOR_TOKEN ALPHADECAY_SERVICE_TOKEN

cleanup() {
    local status=$?
    "$ROOT/alphadecay" down >/dev/null 2>&1 || true
    if [[ $status -ne 0 || "${BENCH_KEEP:-0}" == 1 ]]; then
        say "kept the services' home (logs under run/) in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    say "warning: load average is $LOAD_BEFORE before starting; other work on this machine distorts the timings"
fi

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
echo "Machine: $(getconf _NPROCESSORS_ONLN) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "Java: $(java -version 2>&1 | head -n 1)"
echo "Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
