#!/usr/bin/env bash
# Training throughput of the trainer-service (DJL, PyTorch 2.7.1 engine) against PyTorch eager on the same model,
# batch and optimizer, on this machine. Usage: bench/trainer/run.sh [steps]
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib.sh
source bench/lib.sh
steps="${1:-10}"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "[bench] PyTorch is missing: installing Debian's python3-torch and libopenblas0-pthread (needs root)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread
fi

./mvnw -B -q -DskipTests test-compile -pl trainer-service -am
./mvnw -B -q dependency:build-classpath -pl trainer-service -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/trainer-service/target/bench-classpath.txt"
cp="trainer-service/target/classes:trainer-service/target/test-classes:$(cat trainer-service/target/bench-classpath.txt)"

echo "| model | batch × seq | trainer-service tokens/s | PyTorch eager tokens/s | ratio (goal ≥ 1.0) |"
echo "| --- | --- | ---: | ---: | ---: |"
# preset, vocab, hidden, intermediate, layers, heads, batch, seq
while read -r preset vocab hidden intermediate layers heads batch seq; do
  djl=$(java -Dai.djl.offline=true -cp "$cp" io.alphadecay.trainer.bench.TrainingThroughput "$preset" "$vocab" "$batch" "$seq" "$steps" \
        2>/dev/null | sed -n 's/^median \([0-9]*\) tokens\/s.*/\1/p')
  torch=$(/usr/bin/python3 bench/trainer/torch_llama.py --vocab "$vocab" --hidden "$hidden" --intermediate "$intermediate" \
        --layers "$layers" --heads "$heads" --batch "$batch" --seq "$seq" --steps "$steps" --threads "$(nproc)" \
        | sed -n 's/^tokens_per_second=//p')
  ratio=$(python3 -c "print(f'{$djl / $torch:.2f}')")
  echo "| $preset | $batch × $seq | $djl | ${torch%.*} | $ratio |"
done <<'PRESETS'
cpu-small 8192 256 688 4 4 16 128
llama-60m 32000 512 1376 8 8 4 256
PRESETS

echo
machine_line
echo "Java: $(java -version 2>&1 | head -1); PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') (Debian python3-torch)"
