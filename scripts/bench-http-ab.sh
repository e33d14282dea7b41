#!/usr/bin/env bash
# Side-by-side A/B of the HTTP path on a busy machine (issue 26 item 3): starts two services on the bundled
# models (A on port 18282, B on 18284; A="JAR ARGS..." and B="JAR ARGS..." name each, e.g. the same jar with a
# setting added), warms each with 2 x 25 s at concurrency 32 (alternately: the JIT must be done before a window
# means anything), then measures PAIRS (default 3) alternating windows of WINDOW_SECONDS (default 15) at concurrency 32,
# A B A B ..., so that both see the same host load. Each window prints the load generator's JSON with the host's
# 1-minute load and the service's CPU per request (utime+stime of its process over the window / requests); the
# last line has the medians and B/A ratios. The OpenBLAS variables are unset in the commands run here only.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA:-../shared/datasets/sst2/dev.csv}
pairs=${PAIRS:-3}
seconds=${WINDOW_SECONDS:-15}
client=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1)
vectors=${VECTORS_DIR:-.cache/vectors}
start() { # port jar args...
  local port=$1 jar=$2 work
  shift 2
  work=$(mktemp -d)
  cp -r models/. "$work/"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -jar "$jar" --server.port="$port" --sentiment.models-dir="$work" \
    --sentiment.vectors-dir="$vectors" --logging.level.root=WARN "$@" >"$work/service.log" 2>&1 &
  echo "$! $work"
}
# shellcheck disable=SC2086
read -r pa wa <<<"$(start 18282 $A)"
# shellcheck disable=SC2086
read -r pb wb <<<"$(start 18284 $B)"
trap 'kill $pa $pb 2>/dev/null; wait $pa $pb 2>/dev/null || true; rm -rf "$wa" "$wb"' EXIT
for port in 18282 18284; do
  until curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 $pa 2>/dev/null && kill -0 $pb 2>/dev/null || { cat "$wa/service.log" "$wb/service.log"; exit 1; }
    sleep 0.2
  done
done
bench() { # port seconds
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE timeout $(($2 + 120)) java -jar "$client" bench-http \
    --url="http://127.0.0.1:$1" --data="$data" --seconds="$2" --concurrency=32
}
for _ in 1 2; do bench 18282 25 >/dev/null; bench 18284 25 >/dev/null; done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # tag port pid
  local load cpu0 result cpu1
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu0=$(cpu "$3")
  result=$(bench "$2" "$seconds")
  cpu1=$(cpu "$3")
  python3 -c 'import json, sys
r = json.loads(sys.argv[2]); r.update(load1=float(sys.argv[3]), cpuMsPerRequest=round((float(sys.argv[5]) - float(sys.argv[4])) * 1000 / float(sys.argv[6]) / max(1, r["requests"]), 3))
print(sys.argv[1], json.dumps(r))' "$1" "$result" "$load" "$cpu0" "$cpu1" "$(getconf CLK_TCK)"
}
out=$(mktemp)
for _ in $(seq 1 "$pairs"); do measure A 18282 $pa; measure B 18284 $pb; done | tee "$out"
python3 - "$out" <<'PY'
import json, statistics, sys
rows = {"A": [], "B": []}
for line in open(sys.argv[1]):
    tag, body = line.split(" ", 1)
    rows[tag].append(json.loads(body))
med = lambda tag, field: statistics.median(r[field] for r in rows[tag])
print(json.dumps({"case": "http-ab", "pairs": len(rows["A"]),
                  "A_requestsPerSecond": med("A", "requestsPerSecond"), "B_requestsPerSecond": med("B", "requestsPerSecond"),
                  "ratio": round(med("B", "requestsPerSecond") / med("A", "requestsPerSecond"), 3),
                  "A_p99ms": med("A", "p99ms"), "B_p99ms": med("B", "p99ms"),
                  "A_cpuMsPerRequest": med("A", "cpuMsPerRequest"), "B_cpuMsPerRequest": med("B", "cpuMsPerRequest"),
                  "cpuRatio": round(med("B", "cpuMsPerRequest") / med("A", "cpuMsPerRequest"), 3),
                  "load1": [med("A", "load1"), med("B", "load1")]}))
PY
rm -f "$out"
