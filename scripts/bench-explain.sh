#!/usr/bin/env bash
# What an explanation costs: starts the packaged service on the bundled active model and drives /classify
# (concurrency 1 and 8) and /classify/batch (32 texts per call, concurrency 1) from a separate process, each
# once without and once with "explain": true. Prints one JSON object per case, after a line naming the host (CPU,
# ND4J binary level). The service allows 32 texts per explained call for the batch case (the default
# sentiment.classify.max-explain-texts is 16, and a larger call is a 400).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-host.sh
data=${DATA:-../shared/datasets/sst2/dev.csv}
seconds=${SECONDS_PER_CASE:-10}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
work=$(mktemp -d)
cp -r models/. "$work/"
port=${PORT:-18283}
java ${SERVICE_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
  --sentiment.models-dir="$work" --sentiment.classify.max-explain-texts=32 --logging.level.root=WARN "$ND4J_LEVEL_LOG" \
  >"$work/service.log" 2>&1 &
pid=$!
# `|| true`: waiting for the killed service answers 143, and under `set -e` that would end the trap (leaving the
# folder behind) and make it the script's exit status instead of the benchmark's
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.2
done
bench_host "$work/service.log"
url="http://127.0.0.1:$port"
for explain in false true; do
  java -jar "$jar" bench-http --url="$url" --data="$data" --seconds="$seconds" --concurrency=1,8 --explain=$explain
  java -jar "$jar" bench-http --url="$url" --data="$data" --seconds="$seconds" --concurrency=1 --batch=32 --explain=$explain
done
