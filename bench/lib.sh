# Shared by the bench/*/run.sh scripts: messages, tool checks, a work folder that is cleaned up on exit (or kept
# when the benchmark failed or BENCH_KEEP=1), the services a benchmark starts, and the machine line of a report.
# Source it after `set -euo pipefail`; it defines functions and the variables WORK and LOAD_BEFORE.

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# require_tools TOOL... : fails with the first one missing from PATH; a "tool=hint" word adds the hint.
require_tools() {
    local spec tool hint
    for spec in "$@"; do
        tool=${spec%%=*}
        hint=${spec#"$tool"}
        command -v "$tool" >/dev/null || die "$tool is not on PATH${hint:+ (${hint#=})}"
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A fresh secret of this run only (bearer tokens for the services a benchmark starts).
random_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# warn_if_busy : records the load average in LOAD_BEFORE and warns when the machine is not quiet, since both
# sides of every comparison here use all the cores.
warn_if_busy() {
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l > 0.5) }'; then
        say "warning: load average is $LOAD_BEFORE before starting; other work on this machine distorts the figures"
    fi
}

machine_line() {
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
}

# ---------------------------------------------------------------- work folder and cleanup
BENCH_SERVICE_PIDS=()
BENCH_CLEANUP_HOOKS=()
BENCH_KEEP_WORK=${BENCH_KEEP:-0}

# bench_workdir NAME : creates WORK and arms the cleanup: stop the started services (TERM, then KILL after a
# minute), run the hooks, then remove WORK unless the script failed or BENCH_KEEP_WORK=1.
bench_workdir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

# on_cleanup COMMAND... : a step for the cleanup to run first (e.g. stopping services started by another tool).
on_cleanup() { BENCH_CLEANUP_HOOKS+=("$*"); }

bench_cleanup() {
    local status=$? pid hook
    for hook in "${BENCH_CLEANUP_HOOKS[@]}"; do eval "$hook" || true; done
    for pid in "${BENCH_SERVICE_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ $status -ne 0 || "$BENCH_KEEP_WORK" == 1 ]]; then
        say "kept the run's files (service logs, database, responses) in $WORK"
    else
        rm -rf "$WORK"
    fi
}

# start_service NAME LOG COMMAND... : starts COMMAND in the background with its output in LOG, to be stopped by the
# cleanup; sets SERVICE_PID. `VAR=value start_service ...` passes VAR to the command (bash exports a function
# call's prefix assignments to what it runs).
start_service() {
    local name=$1 log=$2
    shift 2
    "$@" >"$log" 2>&1 &
    SERVICE_PID=$!
    BENCH_SERVICE_PIDS+=("$SERVICE_PID")
    say "started $name (pid $SERVICE_PID, log: $log)"
}

# wait_healthy NAME PID BASE_URL LOG SECONDS : waits for the actuator's "UP", failing early if the process exits.
wait_healthy() {
    local name=$1 pid=$2 base=$3 log=$4 seconds=$5 i
    for i in $(seq 1 $((seconds * 2))); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$log" >&2
            die "$name exited during start-up"
        fi
        curl -fsS "$base/actuator/health" 2>/dev/null | grep -q '"UP"' && { say "$name healthy"; return 0; }
        sleep 0.5
    done
    tail -n 40 "$log" >&2
    die "$name was not healthy after $seconds s"
}
