#!/usr/bin/env bash
# Training benchmark: one epoch on SST-2 train (or DATA) through the jar's train command, with the default
# settings merged with CONFIG (a JSON object, e.g. '{"engine":"dl4j"}'); prints seconds, examples/s, tokens/s
# (training time only, validation excluded) and peak resident memory. When python3 can import torch
# (Debian's python3-torch), the PyTorch peer of the same model and data runs right after it on the same
# cores (scripts/peers/train_torch.py, PEER_THREADS threads, default 2), and the last line carries both
# figures and their ratio; processCpuSeconds is the whole process's user + system time (start-up, word vectors
# and validation included), which on a shared machine compares two builds better than the wall clock. JAR names
# the jar to time (default: the one in target/). PEER=0 skips the peer. SERVICE_ARGS adds service properties, for example
# '--sentiment.training.workers=1' (one replica) or '--sentiment.compute-threads=2' (two threads per op).
# The first line names the host (CPU, ND4J binary level). When the peer runs, both trainings run with
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (in those commands only), and the host line says so.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-host.sh
python=$(peer_python 'torch')
[ "${PEER:-1}" = 0 ] || [ -z "$python" ] || compare_with_peer
data=${DATA:-../shared/datasets/sst2/train.csv}
jar=${JAR:-$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)}
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
# one configuration, as the peer trains one: the default search would train every candidate of "preset": "auto"
config=$(python3 -c 'import json, sys; c = {"epochs": 1, "activate": False, "preset": "none"}; c.update(json.loads(sys.argv[1] or "{}")); print(json.dumps(c))' "${CONFIG:-}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -v -o "$work/time.txt" "${measured_env[@]}" java -jar "$jar" train --data="$data" \
  --config="$config" --sentiment.models-dir="$work/models" --sentiment.seed-models=false --logging.level.root=WARN "$ND4J_LEVEL_LOG" ${SERVICE_ARGS:-} >"$work/job.json" 2>/dev/null
python3 - "$work/job.json" "$work/time.txt" "$config" "${SERVICE_ARGS:-}" >"$work/service.json" <<'PY'
import json, re, sys
raw = open(sys.argv[1]).read()
job = json.loads(raw[raw.index("\n{") + 1:] if not raw.startswith("{") else raw)  # after any log lines
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read()).group(1))
timing = open(sys.argv[2]).read()
cpu = sum(float(re.search(pattern + r" \(seconds\): ([\d.]+)", timing).group(1)) for pattern in ("User time", "System time"))
e = job["history"][0]
print(json.dumps({"case": "bench-train", "config": json.loads(sys.argv[3]), "serviceArgs": sys.argv[4], "state": job["state"],
                  "epochSeconds": round(e["seconds"], 1), "examplesPerSecond": job["progress"].get("examplesPerSecond"),
                  "tokensPerSecond": job["progress"].get("tokensPerSecond"),
                  "peakRssMiB": round(rss / 1024), "validationAccuracy": round(e["validationAccuracy"], 4),
                  "processCpuSeconds": round(cpu, 1)}))
PY
bench_host "$work/job.json"
cat "$work/service.json"
if [ "${PEER:-1}" = 0 ] || [ -z "$python" ]; then
  exit 0
fi
vectors=.cache/vectors/glove-100d.txt
"${measured_env[@]}" "$python" scripts/peers/train_torch.py --data "$data" --threads "${PEER_THREADS:-2}" \
  ${vectors:+$( [ -s "$vectors" ] && echo --vectors "$vectors")} >"$work/peer.json"
cat "$work/peer.json"
python3 - "$work/service.json" "$work/peer.json" <<'PY'
import json, sys
s, p = (json.loads(open(f).read().strip().splitlines()[-1]) for f in sys.argv[1:3])
print(json.dumps({"case": "bench-train-side-by-side", "tokensPerSecond": s["tokensPerSecond"],
                  "peerTokensPerSecond": p["tokensPerSecond"],
                  "ratio": round(s["tokensPerSecond"] / p["tokensPerSecond"], 2),
                  "validationAccuracy": s["validationAccuracy"], "peerValidationAccuracy": p["validationAccuracy"]}))
PY
