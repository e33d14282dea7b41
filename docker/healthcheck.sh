#!/bin/sh
# Container health check: exit 0 when GET <path> on the service answers 2xx.
#   sentiment-healthcheck [path]      (default /actuator/health/liveness)
# Uses curl, or wget when curl is missing (Eclipse Temurin and the Debian stand-in images have curl).
set -eu
url="${HEALTHCHECK_BASE_URL:-http://127.0.0.1:${SERVER_PORT:-8080}}${1:-/actuator/health/liveness}"
if command -v curl >/dev/null 2>&1; then
  exec curl --fail --silent --show-error --max-time 4 --output /dev/null "$url"
elif command -v wget >/dev/null 2>&1; then
  exec wget --quiet --timeout=4 --tries=1 --output-document=/dev/null "$url"
fi
echo "healthcheck: neither curl nor wget is installed in this image" >&2
exit 1
