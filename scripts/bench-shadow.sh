#!/usr/bin/env bash
# A/B of the shadow's cost: starts the packaged service on the bundled active model with a copy of it as a second
# version, warms it up, then drives /api/v1/classify at concurrency 32 (the jar's bench-http) in ROUNDS (default
# 3) alternating pairs: without a shadow, then with the copy as shadow at sampleRate 1.0. Prints each case's JSON,
# then the medians and the p99 ratio (issue 29's target: at most 1.3) with the last shadow round's report counts.
# SECONDS_PER_CASE (default 15) and DATA as in bench-classify.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/datasets/sst2/dev.csv}
seconds=${SECONDS_PER_CASE:-15}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { echo "package the service first: ./mvnw -B -q -DskipTests package" >&2; exit 2; }
active=$(cat models/active)
shadow=$active-shadow
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
java -jar "$jar" bench-http --url="http://127.0.0.1:$port" --data="$data" --seconds=20 --concurrency=32 >/dev/null # warm-up (JIT)
shadow_on() { curl -fs -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/v1/models/shadow" \
  -d "{\"modelId\":\"$shadow\",\"sampleRate\":1.0}" >/dev/null; }
shadow_off() { curl -fs -X DELETE "http://127.0.0.1:$port/api/v1/models/shadow" >/dev/null; }
: >"$work/runs"
# alternating rounds, so that the machine's other load drifts over both arms alike
for round in $(seq 1 "${ROUNDS:-3}"); do
  shadow_off; line=$(bench); echo "$line" | sed "s/\"bench-classify\"/\"without-shadow\",\"round\":$round/"; echo "off $line" >>"$work/runs"
  shadow_on; line=$(bench); echo "$line" | sed "s/\"bench-classify\"/\"shadow-1.0\",\"round\":$round/"; echo "on $line" >>"$work/runs"
  curl -fs "http://127.0.0.1:$port/api/v1/models/shadow/report" >"$work/report.json"
done
shadow_off
python3 - "$work/runs" "$work/report.json" <<'PY'
import json, statistics, sys
runs = [l.split(" ", 1) for l in open(sys.argv[1]).read().splitlines()]
arm = lambda a: [json.loads(j) for k, j in runs if k == a]
off, on, report = arm("off"), arm("on"), json.load(open(sys.argv[2]))
p99 = lambda rs: statistics.median(r["p99ms"] for r in rs)
rps = lambda rs: statistics.median(r["requestsPerSecond"] for r in rs)
print(json.dumps({"case": "shadow-ab", "rounds": len(on), "medianP99msWithout": p99(off), "medianP99msWithShadow": p99(on),
                  "p99Ratio": round(p99(on) / p99(off), 2), "medianRpsWithout": rps(off), "medianRpsWithShadow": rps(on),
                  "lastShadowRound": {"compared": report["compared"], "dropped": report["dropped"],
                                      "agreement": report["agreement"]}, "target": 1.3}))
PY
