#!/usr/bin/env bash
# In-process benchmark of the pretrained encoders (ONNX Runtime, one thread) over SST-2 dev, tokenising included:
# texts/s at batch size 1, and at 32 in data order and sorted by length, with the CPU model.
# ENCODERS=e5-small,minilm-l6 and ENCODERS_DIR=DIR select the encoders.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
args=(--data="${DATA:-../shared/datasets/sst2/dev.csv}" --seconds="${SECONDS_PER_CASE:-10}")
[ -z "${ENCODERS:-}" ] || args+=(--encoders="$ENCODERS")
[ -z "${ENCODERS_DIR:-}" ] || args+=(--encoders-dir="$ENCODERS_DIR")
java -jar "$jar" bench-encoders "${args[@]}" 2>/dev/null | grep '^{'
