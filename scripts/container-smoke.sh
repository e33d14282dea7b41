#!/usr/bin/env bash
# Container smoke test: builds the image, runs it with a fresh models volume on a free port and checks
#   - liveness comes UP (start-up time is printed);
#   - readiness: UP and POST /api/v1/classify answers 200 when the image bundles an active model,
#     otherwise readiness is DOWN, GET /api/v1/status answers 200 and classify answers 503 problem+json;
#   - /actuator/prometheus answers, the image's HEALTHCHECK command passes;
#   - the process runs as a non-root user, with a read-only root filesystem;
#   - a tiny training job (POST /api/v1/training-jobs, generated CSV, activate=true) SUCCEEDS and classify then
#     answers with its model version;
#   - after a restart of the container (graceful stop + start, same volume) readiness comes UP again,
#     GET /api/v1/models lists that version, GET /api/v1/status names it as activeModel.id and classify uses it;
#   - SIGTERM stops it gracefully within the grace period.
# Then removes the container and the volume, and prints the image size.
# JSON answers are read with jq (python3 when jq is missing).
#
# Uses podman (or docker when podman is missing). When the local stand-in base images exist
# (localhost/jdk17-maven, localhost/jre17 from ../shared/tools/podman-setup.sh) they are used as build args.
# Environment: IMAGE (default sentiment-service:smoke), SKIP_BUILD=1 (test an existing IMAGE),
#              PORT (default: a free port from 18200), MEMORY (container memory limit, default 2g; empty = none),
#              START_TIMEOUT (seconds, default 240), TRAIN_TIMEOUT (seconds, default 180).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-sentiment-service:smoke}
START_TIMEOUT=${START_TIMEOUT:-240}
TRAIN_TIMEOUT=${TRAIN_TIMEOUT:-180}
MEMORY=${MEMORY-2g}

if command -v podman >/dev/null 2>&1; then
  engine=podman
elif command -v docker >/dev/null 2>&1; then
  engine=docker
else
  echo "neither podman nor docker is installed (../shared/tools/podman-setup.sh installs podman)" >&2
  exit 1
fi

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
image_exists() { "$engine" image inspect "$1" >/dev/null 2>&1; }
command -v curl >/dev/null 2>&1 || fail "curl is required"

# json FILTER < document: prints a value of a JSON document (a jq path such as .state or .activeModel.id;
# null/missing prints nothing); `json_ids` prints the .id of every element of a JSON array, one per line.
if command -v jq >/dev/null 2>&1; then
  json() { jq -r "$1 // empty"; }
  json_ids() { jq -r '.[].id'; }
elif command -v python3 >/dev/null 2>&1; then
  json() {
    python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in filter(None, sys.argv[1].split(".")):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else (json.dumps(v) if isinstance(v, (dict, list)) else v))' "$1"
  }
  json_ids() { python3 -c 'import json, sys; [print(m.get("id")) for m in json.load(sys.stdin)]'; }
else
  fail "neither jq nor python3 is installed (needed to read JSON answers)"
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
  build_args=()
  if image_exists localhost/jdk17-maven && image_exists localhost/jre17; then
    build_args+=(--build-arg BUILD_IMAGE=localhost/jdk17-maven --build-arg RUNTIME_IMAGE=localhost/jre17 --network host)
  fi
  if [ "$engine" = podman ]; then
    build_args+=(--format docker)   # keeps HEALTHCHECK (the OCI format has none)
  fi
  step "building $IMAGE with $engine ${build_args[*]}"
  "$engine" build "${build_args[@]}" -t "$IMAGE" .
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${PORT:-}" ]; then
  PORT=18200
  while port_in_use "$PORT"; do
    PORT=$((PORT + 1))
    [ "$PORT" -lt 18400 ] || fail "no free port in 18200-18399"
  done
fi
base="http://127.0.0.1:$PORT"
suffix="$$-$RANDOM"
container="sentiment-smoke-$suffix"
volume="sentiment-smoke-$suffix"

work=$(mktemp -d)
cleanup() {
  "$engine" rm -f -t 5 "$container" >/dev/null 2>&1 || true
  "$engine" volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
show_logs() { echo "--- container logs (last 60 lines)" >&2; "$engine" logs --tail 60 "$container" >&2 2>&1 || true; }
trap 'show_logs' ERR

"$engine" volume create "$volume" >/dev/null
run_args=(--detach --name "$container" --network host -e "SERVER_PORT=$PORT" -v "$volume:/models"
  --read-only --tmpfs /tmp)
[ -z "$MEMORY" ] || run_args+=(--memory "$MEMORY")

step "starting $container on port $PORT (read-only root filesystem${MEMORY:+, memory limit $MEMORY})"
start=$(date +%s.%N)
# podman without systemd cannot schedule the HEALTHCHECK timer and says so on stderr; that is harmless here
"$engine" run "${run_args[@]}" "$IMAGE" >/dev/null 2> >(grep -v 'systemd' >&2 || true)

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
# call METHOD PATH [curl args...]: the body goes to $work/body, the status code is printed
call() {
  local method=$1 path=$2
  shift 2
  curl -s -o "$work/body" -w '%{http_code}' --max-time 60 -X "$method" "$@" "$base$path" || echo 000
}
body() { cat "$work/body"; }
classify() { # classify TEXT: expects 200 with a label, leaves the answer in $work/body
  local code
  code=$(call POST /api/v1/classify -H 'Content-Type: application/json' -d "{\"text\":\"$1\"}")
  [ "$code" = 200 ] || { body >&2; echo >&2; fail "POST /api/v1/classify answered $code, expected 200"; }
  [ -n "$(json .label < "$work/body")" ] || fail "POST /api/v1/classify answered without a label: $(body)"
}
wait_ready() { # wait_ready SINCE DEADLINE: waits for readiness UP, prints the time since SINCE
  until [ "$(http_code "$base/actuator/health/readiness")" = 200 ]; do
    [ "$("$engine" inspect --format '{{.State.Running}}' "$container")" = true ] || { show_logs; fail "the container exited"; }
    [ "$(date +%s)" -lt "$2" ] || { curl -s "$base/actuator/health/readiness" || true; show_logs; fail "readiness not UP"; }
    sleep 0.5
  done
  echo "readiness UP after $(awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"
}
deadline=$(( $(date +%s) + START_TIMEOUT ))
until [ "$(http_code "$base/actuator/health/liveness")" = 200 ]; do
  [ "$("$engine" inspect --format '{{.State.Running}}' "$container")" = true ] || { show_logs; fail "the container exited"; }
  [ "$(date +%s)" -lt "$deadline" ] || { show_logs; fail "liveness not UP within ${START_TIMEOUT}s"; }
  sleep 0.5
done
live=$(date +%s.%N)
startup=$(awk -v a="$start" -v b="$live" 'BEGIN { printf "%.1f", b - a }')
echo "liveness UP after ${startup}s"
"$engine" logs "$container" 2>&1 | grep -o 'Started SentimentApplication in [0-9.]* seconds.*' || true

step "readiness and API"
if "$engine" exec "$container" test -s /opt/sentiment/default-models/active; then
  echo "the image bundles an active model: expecting readiness UP"
  wait_ready "$start" "$deadline"
  "$engine" exec "$container" test -s /models/active || fail "the models volume was not seeded"
  echo "the fresh volume was seeded with the bundled model(s): $("$engine" exec "$container" ls /models | tr '\n' ' ')"
  classify "a wonderful, moving film"
  echo "POST /api/v1/classify: 200 $(body)"
else
  echo "no bundled model (models/ is empty): readiness stays DOWN until a model is trained or activated"
  code=$(http_code "$base/actuator/health/readiness")
  [ "$code" = 503 ] || fail "readiness answered $code, expected 503 (DOWN) without a model"
  curl -s "$base/actuator/health/readiness"
  echo
  code=$(http_code -H 'Content-Type: application/json' -d '{"text":"a fine film"}' "$base/api/v1/classify")
  [ "$code" = 503 ] || fail "POST /api/v1/classify answered $code, expected 503 without a model"
  type=$(curl -s -o /dev/null -w '%{content_type}' -H 'Content-Type: application/json' -d '{"text":"a fine film"}' \
    "$base/api/v1/classify")
  [ "$type" = application/problem+json ] || fail "classify 503 has Content-Type '$type', expected application/problem+json"
  echo "POST /api/v1/classify: 503 application/problem+json"
fi
code=$(http_code "$base/api/v1/status")
[ "$code" = 200 ] || fail "GET /api/v1/status answered $code"
echo "GET /api/v1/status: $(curl -s "$base/api/v1/status")"
code=$(http_code "$base/actuator/prometheus")
[ "$code" = 200 ] || fail "GET /actuator/prometheus answered $code"
echo "GET /actuator/prometheus: 200"
# the image's own HEALTHCHECK command, run inside the container
"$engine" exec "$container" /usr/local/bin/sentiment-healthcheck /actuator/health/liveness \
  || fail "the HEALTHCHECK command failed"
echo "HEALTHCHECK command (sentiment-healthcheck /actuator/health/liveness): passes"

step "user and file system"
uid=$("$engine" exec "$container" id -u)
[ "$uid" != 0 ] || fail "the process runs as root"
echo "process uid: $uid ($("$engine" exec "$container" id -un))"
if "$engine" exec "$container" sh -c 'touch /app/.write-test' 2>/dev/null; then
  fail "the root filesystem is writable"
fi
echo "root filesystem is read-only; /models is writable: $("$engine" exec "$container" sh -c \
  'touch /models/.write-test && rm /models/.write-test && echo yes')"

step "training a tiny job"
# ~200 labelled rows: positive ones hold good/great/wonderful, negative ones bad/awful/boring, among filler words
awk 'BEGIN {
  srand(42)
  split("good great wonderful", pos, " "); split("bad awful boring", neg, " ")
  nf = split("the film movie plot acting was really quite story cast a and it this very", filler, " ")
  print "text,label"
  for (i = 0; i < 200; i++) {
    line = ""
    for (j = 0; j < 6; j++) line = line filler[int(rand() * nf) + 1] " "
    if (i % 2 == 0) print line pos[int(rand() * 3) + 1] " " filler[int(rand() * nf) + 1] ",positive"
    else print line neg[int(rand() * 3) + 1] " " filler[int(rand() * nf) + 1] ",negative"
  }
}' > "$work/train.csv"
printf '%s' '{"epochs":3,"batchSize":16,"learningRate":0.01,"embeddingSize":16,"lstmUnits":16,"earlyStoppingPatience":0,"wordVectors":"none","activate":true}' \
  > "$work/config.json"
train_start=$(date +%s.%N)
code=$(call POST /api/v1/training-jobs -F "data=@$work/train.csv;type=text/csv" \
  -F "config=<$work/config.json;type=application/json")
[ "$code" = 202 ] || { body >&2; echo >&2; fail "POST /api/v1/training-jobs answered $code, expected 202"; }
job=$(json .id < "$work/body")
[ -n "$job" ] || fail "the training job answer has no id: $(body)"
echo "POST /api/v1/training-jobs ($(($(wc -l < "$work/train.csv") - 1)) rows): 202, job $job"
train_deadline=$(( $(date +%s) + TRAIN_TIMEOUT ))
last=""
while :; do
  code=$(call GET "/api/v1/training-jobs/$job")
  [ "$code" = 200 ] || { body >&2; echo >&2; fail "GET /api/v1/training-jobs/$job answered $code"; }
  state=$(json .state < "$work/body")
  [ "$state" = "$last" ] || { echo "job $job: $state"; last=$state; }
  case $state in
    SUCCEEDED) break ;;
    FAILED|CANCELLED) show_logs; fail "training job $job ended $state: $(json .error < "$work/body")" ;;
  esac
  [ "$(date +%s)" -lt "$train_deadline" ] || { show_logs; fail "training job $job not done within ${TRAIN_TIMEOUT}s (state $state)"; }
  sleep 2
done
model=$(json .modelId < "$work/body")
[ -n "$model" ] || fail "the SUCCEEDED job has no modelId: $(body)"
echo "job SUCCEEDED in $(awk -v a="$train_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s:" \
  "model $model, validation accuracy $(json .metrics.validationAccuracy < "$work/body")"
classify "a wonderful, moving film"
[ "$(json .modelId < "$work/body")" = "$model" ] || fail "classify answered with model $(json .modelId < "$work/body"), expected $model"
echo "POST /api/v1/classify: 200 $(body)"

# stop -t 40 + start (what `$engine restart` does), so that the graceful stop is checked on the way
step "restart (graceful stop + start, same volume)"
graceful_stop() {
  local stop_start stop_end exit_code
  stop_start=$(date +%s.%N)
  "$engine" stop -t 40 "$container" >/dev/null 2> >(grep -v 'systemd' >&2 || true)
  stop_end=$(date +%s.%N)
  exit_code=$("$engine" inspect --format '{{.State.ExitCode}}' "$container")
  echo "stopped in $(awk -v a="$stop_start" -v b="$stop_end" 'BEGIN { printf "%.1f", b - a }')s, exit code $exit_code"
  case $exit_code in 0|143) ;; *) show_logs; fail "unexpected exit code $exit_code after SIGTERM" ;; esac
  # the logs of a restarted container hold every run: count the graceful shutdowns
  [ "$("$engine" logs "$container" 2>&1 | grep -c 'Graceful shutdown complete')" -ge "$1" ] \
    || fail "no graceful shutdown in the logs"
  echo "graceful shutdown complete"
}
graceful_stop 1
restart=$(date +%s.%N)
"$engine" start "$container" >/dev/null 2> >(grep -v 'systemd' >&2 || true)
wait_ready "$restart" $(( $(date +%s) + START_TIMEOUT ))
code=$(call GET /api/v1/models)
[ "$code" = 200 ] || fail "GET /api/v1/models answered $code"
json_ids < "$work/body" | grep -qx "$model" || fail "GET /api/v1/models does not list $model: $(body)"
echo "GET /api/v1/models lists: $(json_ids < "$work/body" | tr '\n' ' ')"
code=$(call GET /api/v1/status)
[ "$code" = 200 ] || fail "GET /api/v1/status answered $code"
active=$(json .activeModel.id < "$work/body")
[ "$active" = "$model" ] || fail "after the restart the active model is '$active', expected $model: $(body)"
echo "GET /api/v1/status: activeModel.id = $active"
classify "a wonderful, moving film"
[ "$(json .modelId < "$work/body")" = "$model" ] || fail "classify answered with model $(json .modelId < "$work/body"), expected $model"
echo "POST /api/v1/classify: 200 $(body)"
echo "the trained model version survived the restart on volume $volume"

step "graceful stop (SIGTERM)"
graceful_stop 2

size=$("$engine" image inspect --format '{{.Size}}' "$IMAGE")
step "result"
echo "image $IMAGE: $((size / 1000000)) MB; start-up to liveness UP: ${startup}s"
echo "SMOKE TEST PASSED"
