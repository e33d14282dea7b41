#!/usr/bin/env bash
# Accuracy benchmark: starts the packaged service on a copy of the bundled models (unless BASE_URL points at a
# running one) and runs the cases of docs/benchmarks.md, one JSON object per line.
#   scripts/benchmark-accuracy.sh                 # all cases
#   scripts/benchmark-accuracy.sh bundled         # only the active bundled model (sst2-fast) on SST-2 dev, tokenised and typed
#   scripts/benchmark-accuracy.sh encoder         # the bundled encoder model on SST-2 dev
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/datasets}  # DATA: the datasets folder, for a worktree elsewhere
cases=${1:-all}
if [ -z "${BASE_URL:-}" ]; then
  jar=${JAR:-$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)}
  [ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
  work=$(mktemp -d)
  cp -r models/. "$work/"
  port=${PORT:-18181}
  java -jar "$jar" --server.port="$port" --sentiment.models-dir="$work" >"$work/service.log" 2>&1 &
  pid=$!
  # `|| true`: waiting for the killed service answers 143, and under `set -e` that would end the trap (leaving the
  # folder behind) and make it the script's exit status instead of the benchmark's
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
  BASE_URL=http://localhost:$port
  for _ in $(seq 1 120); do
    curl -fs "$BASE_URL/actuator/health/liveness" >/dev/null 2>&1 && break
    sleep 1
  done
fi
run() { python3 scripts/benchmark_accuracy.py --base "$BASE_URL" "$@"; }
if [ "$cases" = all ] || [ "$cases" = bundled ]; then
  # the active model (models/active: the distilled sst2-fast); issue 25 asks at least 0.885 of it
  run --eval "$data/sst2/dev.csv" --target 0.885
fi
if [ "$cases" = all ] || [ "$cases" = encoder ]; then
  # issue 25: the encoder model at least 0.90 (goal 0.915, DistilBERT's 91.3)
  run --eval "$data/sst2/dev.csv" --model-id sst2-encoder --target 0.90
fi
if [ "$cases" = all ] || [ "$cases" = bundled ] || [ "$cases" = typed ]; then
  run --eval "$data/sst2/dev.csv" --typed
fi
if [ "$cases" = all ] || [ "$cases" = sst5 ]; then
  run --train "$data/sst5/train.csv" --eval "$data/sst5/dev.csv" --target 0.50 --target-f1 0.42 --baseline 0.401
fi
if [ "$cases" = all ] || [ "$cases" = trec ]; then
  run --train "$data/trec/train.csv" --holdout 0.1 --target 0.92 --baseline 0.83
fi
if [ "$cases" = all ] || [ "$cases" = sst2 ]; then
  run --train "$data/sst2/train.csv" --eval "$data/sst2/dev.csv" --baseline 0.821
fi
