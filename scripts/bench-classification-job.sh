#!/usr/bin/env bash
# Classification-job benchmark (issue 28): generates a ROWS-row CSV (default 1,000,000; id,text with SST-2
# sentences repeated), starts the packaged service with a heap for a 2 GB container (HEAP, default 768m), and
# prints one JSON object per case:
#   host                   CPU, cores, ND4J binary level, and the load average when the run started
#   classify-baseline      /classify at concurrency 8 without a job (p99)
#   classify-batch         /classify/batch texts/s (256 texts per call, concurrency 4)
#   classify-during-job    /classify at concurrency 8 while the job runs (p99), against the baseline
#   classification-job     the job's rows/s (over a quiet window, and over its whole run), checked results
#                          (every id exactly once), peak RSS of the service over the whole run
#   kill-9-resume          a second job (KILL_ROWS rows, default 200,000) killed with SIGKILL mid-file, the
#                          service started again: whether its results hold every row exactly once
# SECONDS_PER_CASE (default 15) bounds each load phase; KILL=0 skips the kill test. Only 127.0.0.1 is called.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-host.sh
rows=${ROWS:-1000000}
kill_rows=${KILL_ROWS:-200000}
seconds=${SECONDS_PER_CASE:-15}
heap=${HEAP:-768m}
data=${DATA:-/work/shared/datasets/sst2/train.csv}
[ -f "$data" ] || data=../shared/datasets/sst2/train.csv
port=${PORT:-18283}
url=http://127.0.0.1:$port
load=$(cut -d' ' -f1-3 /proc/loadavg)
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
work=$(mktemp -d)
mkdir -p "$work/models" "$work/data"
cp -r models/. "$work/models/"

generate() { # generate ROWS FILE: id,text from the data's sentences, round and round
  python3 - "$data" "$1" "$2" <<'PY'
import csv, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(src, newline='', encoding='utf-8') as f:
    texts = [r['text'] for r in csv.DictReader(f) if r['text'].strip()]
with open(out, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['id', 'text'])
    for i in range(n):
        w.writerow(['row-%d' % i, texts[i % len(texts)]])
PY
}
generate "$rows" "$work/input.csv"
[ "${KILL:-1}" = 0 ] || generate "$kill_rows" "$work/kill.csv"

pid=
start_service() {
  java -Xmx"$heap" -XX:+ExitOnOutOfMemoryError -jar "$jar" --server.port="$port" --sentiment.models-dir="$work/models" \
    --sentiment.data-dir="$work/data" --spring.servlet.multipart.max-file-size=4GB \
    --spring.servlet.multipart.max-request-size=4GB --logging.level.root=WARN "$ND4J_LEVEL_LOG" >>"$work/service.log" 2>&1 &
  pid=$!
  until curl -fs "$url/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
    sleep 0.2
  done
}
cleanup() {
  [ -z "${sampler:-}" ] || kill "$sampler" 2>/dev/null || true
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
start_service
bench_host "$work/service.log" | sed "s/}\$/,\"loadAverage\":\"$load\"}/"
( while kill -0 $pid 2>/dev/null; do ps -o rss= -p $pid; sleep 0.5; done ) >"$work/rss" 2>/dev/null &
sampler=$!

field() { # field JSON-PATH: reads JSON on stdin, prints the value at a dotted path
  python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v.get(k) if isinstance(v,dict) else None
print("" if v is None else v)' "$1"
}
submit() { curl -fsS -F "data=@$1;type=text/csv" "$url/api/v1/classification-jobs" | field id; }
job() { curl -fsS "$url/api/v1/classification-jobs/$1"; }
wait_done() {
  local state
  while true; do
    state=$(job "$1" | field state)
    case "$state" in SUCCEEDED|FAILED|CANCELLED) echo "$state"; return ;; esac
    sleep 1
  done
}
check_results() { # check_results ID ROWS: prints {"resultRows":N,"duplicates":N,"missing":N}
  curl -fsS "$url/api/v1/classification-jobs/$1/results" -o "$work/results.csv"
  python3 - "$work/results.csv" "$2" <<'PY'
import csv, sys
seen = {}
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        seen[row[0]] = seen.get(row[0], 0) + 1
n = int(sys.argv[2])
missing = sum(1 for i in range(n) if ('row-%d' % i) not in seen)
dups = sum(c - 1 for c in seen.values() if c > 1)
print('"resultRows":%d,"duplicates":%d,"missing":%d,"everyRowOnce":%s' % (sum(seen.values()), dups, missing,
      'true' if missing == 0 and dups == 0 and len(seen) == n else 'false'))
PY
  rm -f "$work/results.csv"
}

java -jar "$jar" bench-http --url="$url" --data="$data" --seconds="$seconds" --concurrency=8 \
  | sed 's/"bench-classify"/"classify-baseline"/' | tee "$work/baseline.json"
java -jar "$jar" bench-http --url="$url" --data="$data" --seconds="$seconds" --concurrency=4 --batch=256 \
  | sed 's/"bench-classify-batch"/"classify-batch"/' | tee "$work/batch.json"

submitted=$(date +%s.%N)
id=$(submit "$work/input.csv")
accepted=$(echo "$(date +%s.%N) - $submitted" | bc)
until [ "$(job "$id" | field state)" != QUEUED ]; do sleep 0.2; done
java -jar "$jar" bench-http --url="$url" --data="$data" --seconds="$seconds" --concurrency=8 \
  | sed 's/"bench-classify"/"classify-during-job"/' | tee "$work/during.json"
# a quiet window: the job alone
r0=$(job "$id" | field progress.rowsDone); t0=$(date +%s.%N)
sleep "$seconds"
r1=$(job "$id" | field progress.rowsDone); t1=$(date +%s.%N)
state=$(wait_done "$id")
view=$(job "$id")
checked=$(check_results "$id" "$rows")
kill $sampler; wait $sampler 2>/dev/null || true; sampler=
peak=$(sort -n "$work/rss" | tail -n 1)
python3 - "$work/baseline.json" "$work/batch.json" "$work/during.json" "$view" "$r0" "$r1" "$t0" "$t1" "$peak" "$accepted" "$checked" "$rows" "$heap" <<'PY'
import json, sys
last = lambda f: json.loads(open(f).read().strip().splitlines()[-1])
base, batch, during = (last(f) for f in sys.argv[1:4])
view = json.loads(sys.argv[4])
r0, r1, t0, t1 = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
quiet = round((r1 - r0) / (t1 - t0), 1) if r1 > r0 else None
peak_mib = int(sys.argv[9]) // 1024
checked = json.loads('{' + sys.argv[11] + '}')
ratio = round(quiet / batch['textsPerSecond'], 2) if quiet else None
p99x = round(during['p99ms'] / base['p99ms'], 2) if base['p99ms'] else None
print(json.dumps({"case": "classification-job", "rows": int(sys.argv[12]), "state": view["state"], "heap": sys.argv[13],
    "uploadAcceptedSeconds": round(float(sys.argv[10]), 1),
    "rowsPerSecondQuiet": quiet, "rowsPerSecondWholeRun": view["progress"].get("rowsPerSecond"),
    "batchTextsPerSecond": batch["textsPerSecond"], "ratioToBatch": ratio,
    "p99msWithoutJob": base["p99ms"], "p99msDuringJob": during["p99ms"], "p99Ratio": p99x,
    "peakRssMiB": peak_mib, **checked,
    "targets": {"ratioToBatch>=0.8": ratio is not None and ratio >= 0.8, "peakRss<1536MiB": peak_mib < 1536,
                "p99Ratio<=2": p99x is not None and p99x <= 2, "everyRowOnce": checked["everyRowOnce"]}}))
PY

if [ "${KILL:-1}" != 0 ]; then
  id=$(submit "$work/kill.csv")
  until [ "$(job "$id" | field progress.rowsDone)" -ge $((kill_rows / 3)) ] 2>/dev/null; do sleep 0.2; done
  done_at_kill=$(job "$id" | field progress.rowsDone)
  kill -9 $pid; wait $pid 2>/dev/null || true
  start_service
  state=$(wait_done "$id")
  checked=$(check_results "$id" "$kill_rows")
  echo "{\"case\":\"kill-9-resume\",\"rows\":$kill_rows,\"rowsDoneAtKill\":$done_at_kill,\"state\":\"$state\",$checked}"
fi
