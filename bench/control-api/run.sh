#!/usr/bin/env bash
# Benchmark: the control-api's metric ingestion throughput and read latency, on its embedded PostgreSQL.
#
#   bench/control-api/run.sh
#
# (a) Reads: wrk with 32 connections for 30 s each on GET /api/v1/runs/{id} and on GET .../metrics?name=train_loss
#     of a run holding READ_POINTS points (the default thinning, the dashboard's maxPoints=2000, and a random
#     fromStep per request, which the read cache cannot answer); p50 and p99.
# (b) Ingestion: CLIENTS concurrent workers, each posting to a run of its own that it has claimed, back to back,
#     first one point per request (the MLflow-style baseline: a request and a row per value), then batches of
#     BATCH points per request; points per second of each (goal for the batches: ≥ 20,000 points/s).
#
# Needs java (17+), curl and wrk (Debian: apt-get install -y wrk). Environment knobs (all optional):
#   BENCH_CLIENTS=4  BENCH_BATCH=1000  BENCH_INGEST_SECONDS=15  BENCH_READ_POINTS=100000
#   BENCH_CONNECTIONS=32  BENCH_READ_SECONDS=30  BENCH_KEEP=1 (keep the home: log, database)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR="$ROOT/control-api/target/control-api.jar"
CLIENTS=${BENCH_CLIENTS:-4}
BATCH=${BENCH_BATCH:-1000}
INGEST_SECONDS=${BENCH_INGEST_SECONDS:-15}
READ_POINTS=${BENCH_READ_POINTS:-100000}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
READ_SECONDS=${BENCH_READ_SECONDS:-30}

# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"
require_tools java curl "wrk=Debian: apt-get install -y wrk" python3
bench_workdir control-api-bench
warn_if_busy

if [[ ! -f "$JAR" || "${BENCH_REBUILD:-0}" == 1 ]]; then
    say "building control-api.jar"
    (cd "$ROOT" && ./mvnw -B -ntp -q -DskipTests package -pl control-api -am) || die "the build failed"
fi

# Tokens of this run only, in files readable by this user alone; the service gets them through its environment.
mkdir -p "$WORK/home" "$WORK/tokens"
(umask 077 && printf 'bench-op-%s' "$(random_token)" >"$WORK/tokens/operator-token" \
    && printf 'bench-svc-%s' "$(random_token)" >"$WORK/tokens/service-token" \
    && printf 'Authorization: Bearer %s\n' "$(cat "$WORK/tokens/operator-token")" >"$WORK/tokens/auth-header")
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

say "starting the control-api on $BASE with its embedded PostgreSQL"
SERVER_PORT="$PORT" SERVER_ADDRESS=127.0.0.1 ALPHADECAY_HOME="$WORK/home" \
    ALPHADECAY_OPERATOR_TOKEN="$(cat "$WORK/tokens/operator-token")" \
    ALPHADECAY_SERVICE_TOKEN="$(cat "$WORK/tokens/service-token")" \
    start_service control-api "$WORK/control-api.log" java -jar "$JAR"
wait_healthy control-api "$SERVICE_PID" "$BASE" "$WORK/control-api.log" 180

load() { java "$HERE/MetricLoad.java" "$1" "$BASE" "$WORK/tokens" "${@:2}"; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }

# ---------------------------------------------------------------- (a) reads
say "filling a run with $READ_POINTS train_loss points"
RUN=$(load fill "$READ_POINTS")
STORED=$(curl -fsS -H "Authorization: Bearer $(cat "$WORK/tokens/operator-token")" \
    "$BASE/api/v1/runs/$RUN/metrics?name=train_loss" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["points"]))')
say "run $RUN answers $STORED points by default"
# Reads come before the ingestion test: its million-odd fresh rows keep PostgreSQL's autovacuum and checkpointer
# busy for minutes afterwards, which would show in the read tail as other work on the same two cores.
sleep 5

read_bench() {  # label path [spread] -> one Markdown row; spread: a random fromStep below it per request
    local label=$1 path=$2 spread=${3:-} out file alone
    # An unmeasured pass first, so that the JIT has compiled the path (reads run first, on a fresh JVM).
    BENCH_SPREAD_STEPS=$spread BENCH_TOKEN=$(cat "$WORK/tokens/operator-token") \
        wrk -t2 -c"$CONNECTIONS" -d15s --timeout 60s -s "$HERE/auth.lua" "$BASE$path" >/dev/null
    # One request alone, five times (median): the service time without queueing behind the other connections.
    alone=$(for _ in 1 2 3 4 5; do
        curl -fsS -o /dev/null -w '%{time_total}\n' -H @"$WORK/tokens/auth-header" \
            "$BASE$path${spread:+&fromStep=$((RANDOM % spread))}"
    done | sort -n | sed -n 3p | awk '{ printf "%.1f ms", $1 * 1000 }')
    # --timeout 60s: wrk's default of 2 s would drop the slowest answers from its percentiles.
    out=$(BENCH_SPREAD_STEPS=$spread BENCH_TOKEN=$(cat "$WORK/tokens/operator-token") \
        wrk -t2 -c"$CONNECTIONS" -d"${READ_SECONDS}s" --timeout 60s --latency -s "$HERE/auth.lua" "$BASE$path")
    file=$(tr -c 'A-Za-z0-9=\n' '_' <<<"$label")
    printf '%s\n' "$out" >"$WORK/wrk-$file.txt"
    say "wrk $label: $(grep -E 'Requests/sec|^ +(50|99)%' <<<"$out" | tr -s ' ' | tr '\n' ';')"
    [[ $(field non_2xx <<<"$out") == 0 ]] || die "wrk saw non-2xx answers for $path: $out"
    ! grep -q 'Socket errors' <<<"$out" || die "wrk saw socket errors or timeouts for $path: $out"
    local p50 p99 rps
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    rps=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' <<<"$out")
    echo "| \`GET $label\` | $alone | $rps | $p50 | $p99 |"
}
ROWS=()
ROWS+=("$(read_bench "/runs/{id}" "/api/v1/runs/$RUN")")
ROWS+=("$(read_bench "/runs/{id}/metrics?name=train_loss" "/api/v1/runs/$RUN/metrics?name=train_loss")")
ROWS+=("$(read_bench "/runs/{id}/metrics?name=train_loss&maxPoints=2000" \
    "/api/v1/runs/$RUN/metrics?name=train_loss&maxPoints=2000")")
# Every request a range of its own: nothing is answered from the cache of recent reads.
ROWS+=("$(read_bench "/runs/{id}/metrics?name=train_loss&fromStep=<random>" \
    "/api/v1/runs/$RUN/metrics?name=train_loss" 20000)")

# ---------------------------------------------------------------- (b) ingestion
say "ingestion warm-up (JIT, connection pools)"
load ingest "$CLIENTS" "$BATCH" 0 5 >/dev/null
load ingest "$CLIENTS" 1 0 5 >/dev/null
say "ingestion: $CLIENTS clients, 1 point per request, 3 s unmeasured + $INGEST_SECONDS s"
SINGLE=$(load ingest "$CLIENTS" 1 3 "$INGEST_SECONDS")
say "  $SINGLE"
say "ingestion: $CLIENTS clients, $BATCH points per request, 3 s unmeasured + $INGEST_SECONDS s"
BATCHED=$(load ingest "$CLIENTS" "$BATCH" 3 "$INGEST_SECONDS")
say "  $BATCHED"

# ---------------------------------------------------------------- report
row() {
    local line=$1 label=$2
    printf '| %s | %s | %s | %s | %s ms | %s ms |\n' "$label" "$(field points_per_request <<<"$line")" \
        "$(field points_per_second <<<"$line")" "$(field requests_per_second <<<"$line")" \
        "$(field p50_ms <<<"$line")" "$(field p99_ms <<<"$line")"
}
echo
echo "### Ingestion: $CLIENTS concurrent clients, $INGEST_SECONDS s each"
echo
echo "| mode | points / request | points/s | requests/s | request p50 | request p99 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
row "$SINGLE" "one point per request (baseline)"
row "$BATCHED" "batched"
python3 -c "import sys; print(f'\nBatched / baseline: **{float(sys.argv[1]) / float(sys.argv[2]):.1f}×** (goal: batched ≥ 20,000 points/s)')" \
    "$(field points_per_second <<<"$BATCHED")" "$(field points_per_second <<<"$SINGLE")"
echo
echo "### Reads: wrk, $CONNECTIONS connections, 2 threads, $READ_SECONDS s each; the run holds $READ_POINTS points"
echo
echo "| call | one request alone | requests/s | p50 | p99 (goal < 50 ms) |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '%s\n' "${ROWS[@]}"
echo
machine_line
echo "Java: $(java -version 2>&1 | head -n 1); $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2);" \
    "PostgreSQL: $(sed -n 's/.*PostgreSQL \([0-9][0-9.]*\).*/\1/p' "$WORK/control-api.log" | head -n 1)"
echo "Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
