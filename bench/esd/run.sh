#!/usr/bin/env bash
# Benchmark: the esd-service's whole-checkpoint analysis against the numpy reference, on this machine.
#
#   bench/esd/run.sh [llama-60m|llama-350m|llama-1b|all]     (default: all = llama-60m and llama-350m)
#
# Environment knobs (all optional):
#   BENCH_REPS=3         repetitions per side and preset; the median is reported
#   BENCH_REBUILD=1      rebuild esd-service.jar even if it exists
#   ESD_JAVA_OPTS=...    extra JVM options for the service (e.g. -Xmx8g)
#   BENCH_KEEP=1         keep the run's files (service log, responses) afterwards
# See README.md beside this script for what is measured and how to read the table.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR="$ROOT/esd-service/target/esd-service.jar"
CACHE="${TMPDIR:-/tmp}/alphadecay-bench"
REPS="${BENCH_REPS:-3}"
WARMUP_PRESET=llama-60m

case "${1:-all}" in
    all) PRESETS=(llama-60m llama-350m) ;;
    llama-60m | llama-350m | llama-1b) PRESETS=("$1") ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "usage: $0 [llama-60m|llama-350m|llama-1b|all]" >&2; exit 2 ;;
esac

# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"
require_tools java python3 curl
python3 -c 'import numpy' 2>/dev/null || die "python3 cannot import numpy"
bench_workdir esd-bench-run
# Both sides use both cores; anything else running skews the result (OpenBLAS especially suffers).
warn_if_busy

# ---------------------------------------------------------------- the jar
if [[ ! -f "$JAR" || "${BENCH_REBUILD:-0}" == 1 ]]; then
    say "building esd-service.jar (./mvnw -B -q -DskipTests package -pl esd-service -am)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl esd-service -am) || die "the build failed"
fi
[[ -f "$JAR" ]] || die "$JAR is missing after the build"

# ---------------------------------------------------------------- checkpoints (cached)
mkdir -p "$CACHE"
GEN_STAMP=$(sha256sum "$HERE/make_checkpoint.py" | cut -c1-16)
checkpoint() {  # prints the path of the preset's checkpoint, writing it first if needed
    local preset=$1 file="$CACHE/$1.safetensors"
    if [[ ! -f "$file" || "$(cat "$file.stamp" 2>/dev/null)" != "$GEN_STAMP" ]]; then
        say "writing $file"
        python3 "$HERE/make_checkpoint.py" --preset "$preset" --output "$file" >&2
        echo "$GEN_STAMP" >"$file.stamp"
    fi
    echo "$file"
}
declare -A FILE
for preset in "$WARMUP_PRESET" "${PRESETS[@]}"; do
    [[ -n "${FILE[$preset]:-}" ]] || FILE[$preset]=$(checkpoint "$preset")
done

# ---------------------------------------------------------------- start the service
PORT=$(free_port)
SERVICE_TOKEN="bench-svc-$(random_token)"
mkdir -p "$WORK/home"
# The token goes to curl through a header file, so it does not show in the process list.
(umask 077 && printf 'Authorization: Bearer %s\n' "$SERVICE_TOKEN" >"$WORK/auth-header")

BASE="http://127.0.0.1:$PORT"
say "starting esd-service on $BASE"
# report=false is passed on every request; the control-api URL points at a closed loopback port regardless.
# shellcheck disable=SC2086
SERVER_PORT="$PORT" SERVER_ADDRESS=127.0.0.1 \
    ALPHADECAY_HOME="$WORK/home" \
    ALPHADECAY_SERVICE_TOKEN="$SERVICE_TOKEN" \
    ALPHADECAY_OPERATOR_TOKEN="bench-op-$(random_token)" \
    ALPHADECAY_CONTROL_API_URL="http://127.0.0.1:9" \
    start_service esd-service "$WORK/esd-service.log" java ${ESD_JAVA_OPTS:-} -jar "$JAR"
wait_healthy esd-service "$SERVICE_PID" "$BASE" "$WORK/esd-service.log" 120

now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

post() {  # post FILE RESPONSE -> prints wall seconds; fails unless HTTP 200
    local file=$1 out=$2 t0 code secs
    t0=$(now_ns)
    # --upload-file streams the file (curl's --data-binary @file reads it into memory and refuses files over
    # 1 GiB); -X POST keeps the method. "Expect:" switches off the 100-continue handshake, which can add a
    # fixed 1 s wait to large uploads.
    code=$(curl -sS -o "$out" -w '%{http_code}' -X POST --upload-file "$file" \
        -H @"$WORK/auth-header" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
        "$BASE/api/v1/analyses?report=false") || die "curl failed posting $file"
    secs=$(seconds_since "$t0")
    if [[ "$code" != 200 ]]; then
        say "HTTP $code for $file; response:"
        head -c 2000 "$out" >&2; echo >&2
        die "the service did not analyse the checkpoint (is the jar up to date? BENCH_REBUILD=1 rebuilds it)"
    fi
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d.get("modules") else 1)' "$out" \
        || die "the response for $file lists no modules: $(head -c 500 "$out")"
    echo "$secs"
}

say "warm-up: one analysis of $WARMUP_PRESET (JIT)"
post "${FILE[$WARMUP_PRESET]}" "$WORK/warmup.json" >/dev/null

# ---------------------------------------------------------------- measure, alternating the two sides
: >"$WORK/timings.tsv"
for preset in "${PRESETS[@]}"; do
    file=${FILE[$preset]}
    for rep in $(seq 1 "$REPS"); do
        s=$(post "$file" "$WORK/service-$preset.json")
        printf '%s\tservice\t%s\n' "$preset" "$s" >>"$WORK/timings.tsv"
        n=$(python3 "$HERE/reference.py" "$file" --quiet --out "$WORK/numpy-$preset.json" | sed -n 's/^seconds=//p')
        [[ -n "$n" ]] || die "reference.py printed no time for $file"
        printf '%s\tnumpy\t%s\n' "$preset" "$n" >>"$WORK/timings.tsv"
        say "$preset run $rep/$REPS: esd-service $s s, numpy $n s"
    done
done

# ---------------------------------------------------------------- report
BLAS=$(HERE="$HERE" PYTHONDONTWRITEBYTECODE=1 python3 - <<'EOF'
import ctypes, glob, os, sys
import numpy as np
sys.path.insert(0, os.environ["HERE"])
from reference import blas_summary
extra = []
# OpenBLAS tells which kernel set it picked and how many threads it uses; worth showing, it changes the timings.
for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*")) + \
        glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "scipy_openblas*", "lib", "*.so*")):
    try:
        handle = ctypes.CDLL(lib)
    except OSError:
        continue
    for prefix in ("scipy_openblas", "openblas"):
        for suffix in ("64_", ""):
            core = getattr(handle, f"{prefix}_get_corename{suffix}", None)
            threads = getattr(handle, f"{prefix}_get_num_threads{suffix}", None)
            if core is not None and threads is not None and not extra:
                core.restype = ctypes.c_char_p
                extra.append(f"core {core().decode()}, {threads()} threads")
print(f"numpy {np.__version__}, BLAS {blas_summary()}" + (f" ({extra[0]})" if extra else ""))
EOF
)

echo
echo "## esd-service vs numpy reference: whole-checkpoint spectral analysis"
echo
python3 "$HERE/summarize.py" "$WORK" "${PRESETS[@]}" || { BENCH_KEEP_WORK=1; CHECK_FAILED=1; }
echo
echo "Times are medians of $REPS runs in seconds; ratio = esd-service / numpy."
echo
echo "Machine:"
echo "- cores (nproc): $(nproc); memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "- java: $(java -version 2>&1 | head -n 1); $(java -version 2>&1 | sed -n 3p)"
echo "- python: $(python3 -c 'import platform; print(platform.python_version())'); $BLAS"
echo "- OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>}; OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS-<unset>}"
echo "- load average (1, 5, 15 min) before the run: $LOAD_BEFORE (above 0.5 suggests something else was busy)"
[[ "${CHECK_FAILED:-0}" == 1 ]] && exit 1
exit 0
