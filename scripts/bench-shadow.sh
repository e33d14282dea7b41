#!/usr/bin/env bash
# A/B of the shadow's cost: starts the packaged service on the bundled default model with a copy of it as a second
# version, drives /api/v1/classify at concurrency 32 (the jar's bench-http) without a shadow, then with the copy as
# shadow at sampleRate 1.0, then without again, and prints each case's JSON, the shadow report's counts and the
# p99 ratio (issue 29's target: at most 1.3). SECONDS_PER_CASE (default 15) and DATA as in bench-classify.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/datasets/sst2/dev.csv}
seconds=${SECONDS_PER_CASE:-15}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { echo "package the service first: ./mvnw -B -q -DskipTests package" >&2; exit 2; }
active=20261129-130908-d56a
shadow=20261129-130908-5bad
work=$(mktemp -d)
cp -r models/. "$work/"
cp -r "$work/$active" "$work/$shadow"
sed -i "s/\"id\" *: *\"$active\"/\"id\":\"$shadow\"/" "$work/$shadow/metadata.json"
echo "$active" >"$work/active"
port=${PORT:-18283}
java -jar "$jar" --server.port="$port" --sentiment.models-dir="$work" --logging.level.root=WARN >"$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.2
done
echo "{\"case\":\"host\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"cpus\":$(nproc)}"
bench() { java -jar "$jar" bench-http --url="http://127.0.0.1:$port" --data="$data" --seconds="$seconds" --concurrency=32 | tail -n 1; }
java -jar "$jar" bench-http --url="http://127.0.0.1:$port" --data="$data" --seconds=5 --concurrency=8 >/dev/null # warm-up
without=$(bench); echo "$without" | sed 's/"bench-classify"/"without-shadow"/'
curl -fs -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/v1/models/shadow" \
  -d "{\"modelId\":\"$shadow\",\"sampleRate\":1.0}" >/dev/null
with=$(bench); echo "$with" | sed 's/"bench-classify"/"shadow-1.0"/'
report=$(curl -fs "http://127.0.0.1:$port/api/v1/models/shadow/report")
curl -fs -X DELETE "http://127.0.0.1:$port/api/v1/models/shadow" >/dev/null
again=$(bench); echo "$again" | sed 's/"bench-classify"/"without-shadow-again"/'
python3 - "$without" "$with" "$again" "$report" <<'PY'
import json, sys
a, s, b, r = (json.loads(x) for x in sys.argv[1:5])
base = max(a["p99ms"], b["p99ms"])
print(json.dumps({"case": "shadow-ab", "p99msWithout": [a["p99ms"], b["p99ms"]], "p99msWithShadow": s["p99ms"],
                  "ratioToWorseWithout": round(s["p99ms"] / base, 2), "rpsWithout": [a["requestsPerSecond"], b["requestsPerSecond"]],
                  "rpsWithShadow": s["requestsPerSecond"], "shadowCompared": r["compared"], "shadowRequests": r["requests"],
                  "shadowDropped": r["dropped"], "agreement": r["agreement"], "target": 1.3}))
PY
