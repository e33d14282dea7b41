#!/usr/bin/env bash
# Container smoke test: builds the image, runs it with a fresh models volume on a free port and checks
#   - liveness comes UP (start-up time is printed);
#   - readiness: UP and POST /api/v1/classify answers 200 when the image bundles an active model,
#     otherwise readiness is DOWN, GET /api/v1/status answers 200 and classify answers 503 problem+json;
#   - /actuator/prometheus answers, the image's HEALTHCHECK command passes;
#   - the process runs as a non-root user, with a read-only root filesystem;
#   - SIGTERM stops it gracefully within the grace period.
# Then removes the container and the volume, and prints the image size.
#
# Uses podman (or docker when podman is missing). When the local stand-in base images exist
# (localhost/jdk17-maven, localhost/jre17 from ../shared/tools/podman-setup.sh) they are used as build args.
# Environment: IMAGE (default sentiment-service:smoke), SKIP_BUILD=1 (test an existing IMAGE),
#              PORT (default: a free port from 18200), MEMORY (container memory limit, default 2g; empty = none),
#              START_TIMEOUT (seconds, default 240).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-sentiment-service:smoke}
START_TIMEOUT=${START_TIMEOUT:-240}
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

cleanup() {
  "$engine" rm -f -t 5 "$container" >/dev/null 2>&1 || true
  "$engine" volume rm -f "$volume" >/dev/null 2>&1 || true
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
  until [ "$(http_code "$base/actuator/health/readiness")" = 200 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { curl -s "$base/actuator/health/readiness" || true; fail "readiness not UP"; }
    sleep 0.5
  done
  ready=$(date +%s.%N)
  echo "readiness UP after $(awk -v a="$start" -v b="$ready" 'BEGIN { printf "%.1f", b - a }')s"
  "$engine" exec "$container" test -s /models/active || fail "the models volume was not seeded"
  echo "the fresh volume was seeded with the bundled model(s): $("$engine" exec "$container" ls /models | tr '\n' ' ')"
  code=$(http_code -H 'Content-Type: application/json' -d '{"text":"A moving, beautifully acted film."}' "$base/api/v1/classify")
  [ "$code" = 200 ] || fail "POST /api/v1/classify answered $code, expected 200"
  curl -s -H 'Content-Type: application/json' -d '{"text":"A moving, beautifully acted film."}' "$base/api/v1/classify"
  echo
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

step "graceful stop (SIGTERM)"
stop_start=$(date +%s.%N)
"$engine" stop -t 40 "$container" >/dev/null 2> >(grep -v 'systemd' >&2 || true)
stop_end=$(date +%s.%N)
exit_code=$("$engine" inspect --format '{{.State.ExitCode}}' "$container")
echo "stopped in $(awk -v a="$stop_start" -v b="$stop_end" 'BEGIN { printf "%.1f", b - a }')s, exit code $exit_code"
case $exit_code in 0|143) ;; *) show_logs; fail "unexpected exit code $exit_code after SIGTERM" ;; esac
"$engine" logs "$container" 2>&1 | grep -q 'Graceful shutdown complete' || fail "no graceful shutdown in the logs"
echo "graceful shutdown complete"

size=$("$engine" image inspect --format '{{.Size}}' "$IMAGE")
step "result"
echo "image $IMAGE: $((size / 1000000)) MB; start-up to liveness UP: ${startup}s"
echo "SMOKE TEST PASSED"
