#!/usr/bin/env bash
# S3Proxy (an S3-compatible server on a local directory) for tests, run as its own JVM.
#
#   s3proxy.sh start DIR PORT   starts it on 127.0.0.1:PORT with its objects under DIR/data, returns once it
#                               answers HTTP; no authorization, so any access key and secret are accepted
#   s3proxy.sh stop DIR         stops the one started with DIR (its pid is in DIR/s3proxy.pid)
#
# Prints nothing but errors. The jar is S3PROXY_JAR, else target/test-servers/s3proxy.jar (copied there by the
# maven-dependency-plugin before the integration tests), else the one in the local Maven repository.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
version=4.0.0

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

jar() {
    local candidates=("${S3PROXY_JAR:-}" "$root/target/test-servers/s3proxy.jar"
        "${HOME}/.m2/repository/org/gaul/s3proxy/$version/s3proxy-$version-jar-with-dependencies.jar")
    for j in "${candidates[@]}"; do
        if [[ -n "$j" && -f "$j" ]]; then
            echo "$j"
            return
        fi
    done
    echo "s3proxy.sh: no S3Proxy $version jar; run ./mvnw dependency:copy@copy-s3proxy or set S3PROXY_JAR" >&2
    exit 1
}

start() {
    local dir=$1 port=$2
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    mkdir -p "$dir/data"
    dir=$(cd "$dir" && pwd)
    if [[ -f "$dir/s3proxy.pid" ]] && kill -0 "$(cat "$dir/s3proxy.pid")" 2>/dev/null; then
        echo "s3proxy.sh: already running in $dir (pid $(cat "$dir/s3proxy.pid"))" >&2
        exit 1
    fi
    cat > "$dir/s3proxy.properties" <<PROPERTIES
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=none
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
jclouds.identity=local
jclouds.credential=local
PROPERTIES
    local j
    j=$(jar)
    # setsid: a Ctrl-C in the shell that ran the tests does not reach it; stop ends it by its pid
    setsid java -Xmx256m -XX:+UseSerialGC -jar "$j" --properties "$dir/s3proxy.properties" \
        > "$dir/s3proxy.log" 2>&1 < /dev/null &
    local pid=$!
    echo "$pid" > "$dir/s3proxy.pid"
    for _ in $(seq 1 120); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "s3proxy.sh: S3Proxy exited at start; its log ($dir/s3proxy.log) ends with:" >&2
            tail -n 20 "$dir/s3proxy.log" >&2
            rm -f "$dir/s3proxy.pid"
            exit 1
        fi
        # any HTTP answer (even 4xx for an anonymous listing) means it serves
        if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
            return 0
        fi
        sleep 0.5
    done
    echo "s3proxy.sh: S3Proxy did not answer on port $port within 60 s; see $dir/s3proxy.log" >&2
    stop "$dir"
    exit 1
}

stop() {
    local dir=$1 pid
    [[ -f "$dir/s3proxy.pid" ]] || return 0
    pid=$(cat "$dir/s3proxy.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/s3proxy.pid"
}

case "${1:-}" in
    start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
