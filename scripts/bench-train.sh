#!/usr/bin/env bash
# Training benchmark: one epoch with the default hyper-parameters on SST-2 train, through the jar's train
# command; prints seconds, examples/s, tokens/s (from the job) and peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -v -o "$work/time.txt" java -jar "$jar" train --data="${DATA:-../shared/datasets/sst2/train.csv}" \
  --config='{"epochs":1,"activate":false}' --sentiment.models-dir="$work/models" --logging.level.root=WARN >"$work/job.json" 2>/dev/null
python3 - "$work/job.json" "$work/time.txt" <<'PY'
import json, re, sys
raw = open(sys.argv[1]).read()
job = json.loads(raw[raw.index("\n{") + 1:] if not raw.startswith("{") else raw)  # after any log lines
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read()).group(1))
e = job["history"][0]
rows = job["dataset"]["trainExamples"]
print(json.dumps({"case": "bench-train", "state": job["state"], "epochSeconds": round(e["seconds"], 1),
                  "examplesPerSecond": round(rows / e["seconds"], 1),
                  "tokensPerSecond": job["progress"].get("tokensPerSecond"),
                  "peakRssMiB": round(rss / 1024), "validationAccuracy": round(e["validationAccuracy"], 4)}))
PY
