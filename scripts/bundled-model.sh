# Sourced by the scripts that rebuild a bundled model: trains one version with the packaged service's `train`
# command into a scratch folder, moves it into models/ under a fixed id, and records its SST-2 dev figures.
# Usage: train_bundled_model ID DATASET_DIR CONFIG_JSON [TEACHER_ID]; a teacher (a bundled version) is copied
# into the scratch folder first, so that the job can load it.
train_bundled_model() {
  local id=$1 data=$2 config=$3 teacher=${4:-}
  local jar work version
  jar=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
  [ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1); }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  [ -z "$teacher" ] || cp -r "models/$teacher" "$work/$teacher"
  java -jar "$jar" train --data="$data/train.csv" --config="$config" --sentiment.models-dir="$work" \
    --sentiment.seed-models=false --logging.level.org.deeplearning4j=WARN --logging.level.root=WARN
  version=$(find "$work" -mindepth 1 -maxdepth 1 -type d ! -name '.*' ! -name "${teacher:-.}" | head -n 1)
  [ -n "$version" ] || { echo "the training wrote no version" >&2; return 1; }
  rm -rf "models/$id"
  mv "$version" "models/$id"
  # the folder's name is the version's id, and so is metadata.json's "id"
  python3 - "models/$id/metadata.json" "$id" <<'PY'
import json, sys
path, new_id = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    metadata = json.load(f)
metadata["id"] = new_id
with open(path, "w", encoding="utf-8") as f:
    json.dump(metadata, f, indent=2)
PY
  java -jar "$jar" evaluate --model="$id" --data="$data/dev.csv" --record --sentiment.models-dir=models \
    --sentiment.seed-models=false --logging.level.root=WARN
}
