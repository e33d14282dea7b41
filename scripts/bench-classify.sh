#!/usr/bin/env bash
# HTTP benchmark: starts the packaged service on the bundled default model and drives it from a separate
# load-generator process (the jar's bench-http command) at concurrency 1, 8, 32 and 128, then the batch
# endpoint with 32 texts per call. Prints one JSON object per case. Also prints the start-up time.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/datasets/sst2/dev.csv}
seconds=${SECONDS_PER_CASE:-20}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
work=$(mktemp -d)
cp -r models/. "$work/"
port=${PORT:-18282}
start=$(date +%s.%N)
java ${SERVICE_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --sentiment.models-dir="$work" \
  --logging.level.root=WARN >"$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.2
done
echo "{\"case\":\"startup\",\"secondsToReady\":$(echo "$(date +%s.%N) - $start" | bc)}"
java -jar "$jar" bench-http --url="http://localhost:$port" --data="$data" --seconds="$seconds" --concurrency=${CONCURRENCY:-1,8,32,128}
java -jar "$jar" bench-http --url="http://localhost:$port" --data="$data" --seconds="$seconds" --concurrency=8 --batch=32
