#!/usr/bin/env bash
# Ingestion benchmark (issue 15): for generated CSV files of 10, 50 and 100 MB (SIZES, in MiB; the largest
# stays under the 100 MB upload limit), starts the packaged service with a fixed heap (HEAP, default 800m),
# uploads the file over HTTP, then lets the job train for TRAIN_SECONDS (default 60) after its first
# minibatch and cancels it. Prints one JSON object per case, then one with the targets:
#   parseSeconds      upload until the 202 answer (multipart spooling, parsing, tokenising, validating, split)
#   serverSeconds     the same measured inside the service (from the "Read and prepared" log line)
#   peakHeapMiB       highest heap in use (garbage included), sampled by jstat every 100 ms
#   liveHeapMiB       heap still in use after a full collection once the job is queued, and before the upload
#   peakRssMiB        peak resident memory of the service process (VmHWM), parse and training included
#   loadAverage       the machine's 1-minute load when the case started (2 cores, shared: above 2, figures stretch)
set -euo pipefail
cd "$(dirname "$0")/.."
heap=${HEAP:-800m}
train_seconds=${TRAIN_SECONDS:-60}
sizes=${SIZES:-"10 50 99.5"}
port=${PORT:-18283}
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
cache=target/bench-ingest
mkdir -p "$cache"
work=$(mktemp -d)
pid=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
  rm -rf "$work"
}
trap cleanup EXIT
base="http://localhost:$port"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
live_heap_mib() {  # heap in use after a full collection
  jcmd "$1" GC.run >/dev/null
  jstat -gc "$1" | tail -n 1 | awk '{printf "%.0f", ($3+$4+$6+$8)/1024}'
}

results=()
for size in $sizes; do
  file="$cache/train-${size}MiB.csv"
  [ -s "$file" ] || python3 scripts/generate-training-file.py "$size" "$file" >/dev/null
  rm -rf "$work/models" && mkdir -p "$work/models"
  java -Xmx"$heap" -jar "$jar" --server.port="$port" --sentiment.models-dir="$work/models" \
    --sentiment.vectors-dir="$work/no-vectors" --sentiment.seed-models=false >"$work/service.log" 2>&1 &
  pid=$!
  until curl -fs "$base/actuator/health/liveness" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/service.log"; exit 1; }
    sleep 0.2
  done
  load=$(cut -d' ' -f1 /proc/loadavg)  # the machine is shared: what else ran shows here
  baseline=$(live_heap_mib "$pid")
  jstat -gc "$pid" 100 >"$work/jstat.txt" 2>/dev/null &
  sampler=$!
  read -r status seconds < <(curl -s -o "$work/created.json" -w '%{http_code} %{time_total}\n' \
    -F "data=@$file" -F 'config={"epochs":1}' "$base/api/v1/training-jobs")
  trained=0
  state=$(json 'd.get("state") or d.get("type")' <"$work/created.json")
  rows=$(json 'd.get("dataset",{}).get("rowsUsed",0)' <"$work/created.json")
  live=$(live_heap_mib "$pid")
  if [ "$status" = 202 ]; then
    id=$(json 'd["id"]' <"$work/created.json")
    until [ "$(curl -s "$base/api/v1/training-jobs/$id" | json 'd["progress"]["batch"]')" -gt 0 ]; do sleep 0.5; done
    sleep "$train_seconds"
    trained=$(curl -s "$base/api/v1/training-jobs/$id" | json 'd["progress"]["batch"]')
    curl -s -X POST "$base/api/v1/training-jobs/$id/cancel" >/dev/null
    # a running job stops within one minibatch
    until state=$(curl -s "$base/api/v1/training-jobs/$id" | json 'd["state"]'); [ "$state" != RUNNING ]; do sleep 0.5; done
  fi
  rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; sampler=""
  peak=$(awk '$1 ~ /^[0-9.]+$/ {u=($3+$4+$6+$8)/1024; if (u>m) m=u} END {printf "%.0f", m}' "$work/jstat.txt")
  server=$(sed -n 's/.*Read and prepared.* in \([0-9.]*\) s.*/\1/p' "$work/service.log" | tail -n 1)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  result=$(python3 - "$size" "$file" "$status" "$seconds" "${server:-null}" "$peak" "$baseline" "$live" "$rss" \
    "$rows" "$trained" "$state" "$heap" "$train_seconds" "$load" <<'PY'
import json, os, sys
size, file, status, seconds, server, peak, baseline, live, rss, rows, trained, state, heap, train, load = sys.argv[1:]
print(json.dumps({"case": f"ingest-{size}MiB", "fileMiB": round(os.path.getsize(file) / 2**20, 1), "heap": heap,
                  "status": int(status), "rows": int(rows), "parseSeconds": round(float(seconds), 2),
                  "serverSeconds": None if server == "null" else float(server), "peakHeapMiB": int(peak),
                  "liveHeapMiB": {"before": int(baseline), "queued": int(live)}, "peakRssMiB": int(rss),
                  "trainedBatches": int(trained), "trainSeconds": int(train), "finalState": state,
                  "loadAverage": float(load)}))
PY
)
  echo "$result"
  results+=("$result")
done
printf '%s\n' "${results[@]}" | python3 -c '
import json, sys
cases = [json.loads(l) for l in sys.stdin if l.strip()]
largest = max(cases, key=lambda c: c["fileMiB"])
print(json.dumps({"case": "targets", "largestFileMiB": largest["fileMiB"], "heap": largest["heap"],
    "acceptedAndTrains": largest["status"] == 202 and largest["trainedBatches"] > 0,
    "peakRssUnder1536MiB": largest["peakRssMiB"] < 1536, "parseWithin10s": largest["parseSeconds"] <= 10,
    "no500": all(c["status"] != 500 for c in cases)}))'
