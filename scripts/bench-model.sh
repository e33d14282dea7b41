#!/usr/bin/env bash
# In-process benchmark of the bundled active model (no HTTP): texts/s at batch sizes 1, 32 and 256, after a
# line naming the host (CPU, ND4J binary level). ENGINE=fused measures the fused lstmLayer path instead of ONNX
# Runtime (the serving default, sentiment.inference.engine).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-host.sh
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
model=models/$(cat models/active)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
java -jar "$jar" bench-model --model="$model" --data="${DATA:-../shared/datasets/sst2/dev.csv}" --seconds="${SECONDS_PER_CASE:-10}" \
  --engine="${ENGINE:-onnx}" 2>/dev/null >"$out"
bench_host "$out"
grep '^{' "$out"
