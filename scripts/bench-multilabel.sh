#!/usr/bin/env bash
# Multi-label accuracy benchmark (docs/experiments.md, "Multi-label classification"): builds the TREC + SST-5
# corpus, trains the service's default recipe as a multi-label job through the packaged jar's train command (on
# one thread), evaluates the version on the test file, and runs the one-vs-rest TF-IDF + logistic-regression
# baseline (numpy + scipy, no scikit-learn) on the same train / validation / test files.
# Usage: scripts/bench-multilabel.sh [ROWS=8000] [OUT=/tmp/multilabel]; needs target/*.jar (./mvnw package).
set -euo pipefail
ROWS=${1:-8000}
OUT=${2:-/tmp/multilabel}
JAR=$(ls target/sentiment-service-*.jar | head -1)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
python3 scripts/make-multilabel-corpus.py --rows "$ROWS" --out "$OUT"
CONFIG='{"name":"multilabel-lstm","task":"multi-label","preset":"none","epochs":12,"earlyStoppingPatience":3,"activate":true}'
mkdir -p "$OUT/models"
uptime
java -Xmx2g -jar "$JAR" train --data="$OUT/train.csv" --validation="$OUT/validation.csv" --config="$CONFIG" \
  --sentiment.models-dir="$OUT/models" 2>"$OUT/train.err" | sed -n '/^{/,$p' >"$OUT/job.json"
MODEL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["modelId"])' "$OUT/job.json")
java -Xmx2g -jar "$JAR" evaluate --model="$MODEL" --data="$OUT/test.csv" --sentiment.models-dir="$OUT/models" \
  2>/dev/null | sed -n '/^{/,$p' >"$OUT/test-figures.json"
python3 scripts/multilabel_baseline.py "$OUT" >"$OUT/baseline.json"
uptime
python3 - "$OUT" <<'PY'
import json, sys
d = sys.argv[1]
ours, base = json.load(open(d + "/test-figures.json")), json.load(open(d + "/baseline.json"))
m = ours["multiLabel"]
print(f"service  micro-F1 {m['microF1']:.4f} ± {m['microF1StandardError']:.4f}  macro-F1 {ours['macroF1']:.4f}"
      f"  Hamming {m['hammingLoss']:.4f}  subset {m['subsetAccuracy']:.4f}")
print(f"baseline micro-F1 {base['microF1']:.4f} ± {base['microF1StandardError']:.4f}  macro-F1 {base['macroF1']:.4f}"
      f"  Hamming {base['hammingLoss']:.4f}  subset {base['subsetAccuracy']:.4f}")
PY
