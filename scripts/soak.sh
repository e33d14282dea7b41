#!/usr/bin/env bash
# Soak test on demand: the packaged service with the bundled model classifies at concurrency 64 for the given
# number of seconds (default 600) while a training job runs. Prints one JSON object: requests, errors, 503s,
# p50/p99 latency and resident memory over time. CI runs the same test for 60 s as part of ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || ./mvnw -B -q -DskipTests package
./mvnw -B -q test-compile
./mvnw -B -q failsafe:integration-test failsafe:verify -Dit.test=SoakIT -Dsoak.seconds="$seconds"
cat target/soak.json
