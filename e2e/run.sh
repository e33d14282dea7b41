#!/usr/bin/env bash
# Browser tests of the web console: starts the packaged service (target/sentiment-service-*.jar, built by
# ./mvnw package or verify) on a free port with a fresh models folder and an API key, runs the tests in e2e/tests
# with Debian's chromium driven by playwright-core, and stops the service. Screenshots go to
# target/e2e-screenshots/, the service's log to target/e2e-service.log.
#
# Environment (all optional): JAR (the jar to start), SERVICE_ARGS (extra arguments for it), CHROMIUM
# (default /usr/bin/chromium), E2E_STARTUP_SECONDS (default 180).
#
# Arguments (optional): the test files to run (paths from the checkout's root or from e2e/) and node --test options
# such as --test-name-pattern=...; without any, every file in e2e/tests/.
set -euo pipefail

e2e_dir="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$e2e_dir/.." && pwd)"
cd "$root"
started=$SECONDS

# 1. The browser: Debian's chromium (playwright cannot download its own here).
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "e2e: installing chromium with apt-get"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
export CHROMIUM="$chromium"

# 2. The test dependencies, exactly as locked.
(cd "$e2e_dir" && npm ci --no-audit --no-fund --loglevel=error)

# 3. The service.
jar="${JAR:-}"
if [ -z "$jar" ]; then
  jar="$(ls -1 target/sentiment-service-*.jar 2>/dev/null | grep -v '\.original$' | head -n 1 || true)"
fi
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "e2e: no packaged jar in target/; run ./mvnw -B -DskipTests package first" >&2
  exit 1
fi
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
work="$(mktemp -d -t console-e2e-XXXXXX)"
mkdir -p "$work/models" "$work/vectors" target
log="target/e2e-service.log"
api_key="e2e-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
service_pid=""

stop_service() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$service_pid" 2>/dev/null || break
      sleep 1
    done
    kill -9 "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_service EXIT
trap 'exit 130' INT TERM

echo "e2e: starting $jar on port $port"
# An empty vectors folder: no GloVe file is loaded, whatever the machine has in ./.cache.
# shellcheck disable=SC2086
SENTIMENT_API_KEY="$api_key" java -jar "$jar" \
  --server.port="$port" --server.address=127.0.0.1 \
  --sentiment.models-dir="$work/models" --sentiment.vectors-dir="$work/vectors" --sentiment.seed-models=false \
  ${SERVICE_ARGS:-} >"$log" 2>&1 &
service_pid=$!

base_url="http://127.0.0.1:$port"
deadline=$((SECONDS + ${E2E_STARTUP_SECONDS:-180}))
until node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$base_url/api/v1/status"; do
  if ! kill -0 "$service_pid" 2>/dev/null; then
    echo "e2e: the service exited during start; its log:" >&2
    tail -n 50 "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "e2e: the service did not answer within ${E2E_STARTUP_SECONDS:-180} s; its log:" >&2
    tail -n 50 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "e2e: service up after $((SECONDS - started)) s"

# 4. The tests: the files and options given (node takes the options first), else every file in tests/.
options=()
files=()
for arg in "$@"; do
  if [[ "$arg" == -* ]]; then
    options+=("$arg")
  elif [ -e "$root/$arg" ]; then
    files+=("$root/$arg")
  else
    files+=("$arg")
  fi
done
if [ "${#files[@]}" -eq 0 ]; then
  files=(tests/)
fi
rm -rf target/e2e-screenshots
status=0
(cd "$e2e_dir" && BASE_URL="$base_url" API_KEY="$api_key" SCREENSHOT_DIR="$root/target/e2e-screenshots" \
  node --test --test-concurrency=1 --test-reporter=spec ${options[@]+"${options[@]}"} "${files[@]}") || status=$?

if [ "$status" -ne 0 ]; then
  echo "e2e: tests failed; the last lines of the service's log ($log):" >&2
  tail -n 30 "$log" >&2
fi
echo "e2e: finished in $((SECONDS - started)) s; screenshots in target/e2e-screenshots/"
exit "$status"
