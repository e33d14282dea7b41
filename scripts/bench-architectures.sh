#!/usr/bin/env bash
# Serving speed of every architecture the service trains, in-process through its serving engine (ENGINE: onnx,
# the default, or fused):
# trains one quick model per architecture (one epoch on the first ROWS rows of SST-2 train, no word vectors:
# speed does not depend on the weights), then measures texts/s at batch sizes 1, 32 and 256 on SST-2 dev
# (bench-model), one thread. The last line of each architecture gives its texts/s as a share of the
# one-direction, last-step model's at the same batch size. On the fused engine, bidirectional models run
# twice: on one core, and with their backward direction on the idle second core (as the service does when it
# is not busy).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n "$(( ${ROWS:-4000} + 1 ))" "${DATA:-../shared/datasets/sst2/train.csv}" >"$work/train.csv"
dev=${DEV:-../shared/datasets/sst2/dev.csv}
engine=${ENGINE:-onnx}
for arch in "false last" "true last" "false max" "true max" "false mean" "true mean" "true last+max"; do
  set -- $arch
  models="$work/models-$1-$2"
  java -jar "$jar" train --data="$work/train.csv" \
    --config="{\"epochs\":1,\"bidirectional\":$1,\"pooling\":\"$2\",\"wordVectors\":\"none\"}" \
    --sentiment.models-dir="$models" --sentiment.seed-models=false --logging.level.root=WARN >/dev/null 2>&1
  id=$(cat "$models/active")
  lend=false
  [ "$1" = true ] && [ "$engine" = fused ] && lend="false true"
  for parallel in $lend; do
  java -jar "$jar" bench-model --model="$models/$id" --data="$dev" --seconds="${SECONDS_PER_CASE:-8}" \
    --parallel-directions="$parallel" --engine="$engine" 2>/dev/null \
    | grep '^{' | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line); r.update({"bidirectional": sys.argv[1] == "true", "pooling": sys.argv[2]}); print(json.dumps(r))
' "$1" "$2" | tee -a "$work/all.jsonl"
  done
done
python3 - "$work/all.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base = {r["batchSize"]: r["textsPerSecond"] for r in rows if not r["bidirectional"] and r["pooling"] == "last"}
for bi in (False, True):
    for pooling in ("last", "max", "mean", "last+max"):
        for parallel in ((False, True) if bi else (False,)):
            mine = {r["batchSize"]: r["textsPerSecond"] for r in rows if r["bidirectional"] == bi
                    and r["pooling"] == pooling and r["parallelDirections"] == parallel}
            if not mine:
                continue
            print(json.dumps({"case": "bench-architectures", "bidirectional": bi, "pooling": pooling,
                              "backwardOnIdleCore": parallel, "textsPerSecond": mine,
                              "shareOfOneDirectionLast": {b: round(mine[b] / base[b], 2) for b in sorted(mine)}}))
PY
