#!/usr/bin/env bash
# HTTP benchmark: starts the packaged service on the bundled default model and drives it from a separate
# load-generator process (the jar's bench-http command) at concurrency 1, 8, 32 and 128, then the batch
# endpoint with 32 texts per call. Prints one JSON object per case. Also prints the start-up time.
# When python3 has fastapi, uvicorn and torch (Debian's python3-fastapi, python3-uvicorn, python3-torch), the
# FastAPI + PyTorch peer of the bundled model (scripts/peers/serve_torch.py, 2 uvicorn workers) is driven by
# the same load generator right after, and the last line compares the two at concurrency 32. PEER=0 skips it.
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
java -jar "$jar" bench-http --url="http://localhost:$port" --data="$data" --seconds="$seconds" --concurrency=32 >"$work/ours32.json"
cat "$work/ours32.json"
python=${PYTHON:-}
for candidate in python3 /usr/bin/python3; do
  [ -n "$python" ] && break
  "$candidate" -c 'import fastapi, uvicorn, torch' 2>/dev/null && python=$candidate
done
if [ "${PEER:-1}" = 0 ] || [ -z "$python" ]; then
  exit 0
fi
kill $pid; wait $pid 2>/dev/null || true
peer_port=${PEER_PORT:-18300}
model=$(ls -d models/*/ | grep -v README | head -n 1)
MODEL_DIR="$model" "$python" -m uvicorn --app-dir scripts/peers serve_torch:app --workers 2 --host 127.0.0.1 \
  --port "$peer_port" --log-level warning >"$work/peer.log" 2>&1 &
peer=$!
trap 'kill $peer 2>/dev/null; wait $peer 2>/dev/null; rm -rf "$work"' EXIT
until curl -fs "http://127.0.0.1:$peer_port/health" >/dev/null 2>&1; do
  kill -0 $peer 2>/dev/null || { cat "$work/peer.log"; exit 1; }
  sleep 0.2
done
java -jar "$jar" bench-http --url="http://127.0.0.1:$peer_port" --data="$data" --seconds="$seconds" --concurrency=32 \
  | sed 's/"bench-classify"/"peer-fastapi-torch"/' >"$work/peer32.json"
cat "$work/peer32.json"
python3 - "$work/ours32.json" "$work/peer32.json" <<'PY'
import json, sys
s, p = (json.loads(open(f).read().strip().splitlines()[-1]) for f in sys.argv[1:3])
print(json.dumps({"case": "bench-classify-side-by-side", "concurrency": 32,
                  "requestsPerSecond": s["requestsPerSecond"], "peerRequestsPerSecond": p["requestsPerSecond"],
                  "ratio": round(s["requestsPerSecond"] / p["requestsPerSecond"], 2),
                  "p99ms": s["p99ms"], "peerP99ms": p["p99ms"], "errors": s["errors"], "peerErrors": p["errors"]}))
PY
