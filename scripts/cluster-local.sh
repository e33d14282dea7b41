#!/usr/bin/env bash
# The scale-out mode on one machine, on loopback: PostgreSQL (job queue, registry, active-version pointer),
# S3Proxy (the model repository), 2 serving replicas, 2 training workers and haproxy in front of the replicas.
# No Docker: Debian's postgresql-15 and haproxy, S3Proxy 4.0.0 from Maven Central, the packaged jar.
#
#   scripts/cluster-local.sh up           start everything, each with its state and log under $CLUSTER_DIR
#                                         (default target/cluster, emptied first); returns once all are ready;
#                                         the last line of standard output is one JSON object:
#                                         {"lb": URL, "replicas": [URL, URL], "workers": [URL, URL],
#                                          "pids": {"replicas": [PID, PID], "workers": [PID, PID]}, ...}
#   scripts/cluster-local.sh down         stop everything that up started (by the PIDs it recorded), and nothing else
#   scripts/cluster-local.sh stop NODE    stop one node (replica1, replica2, worker1, worker2) with SIGTERM
#   scripts/cluster-local.sh start NODE   start one node again with its recorded command line; prints its PID
#   scripts/cluster-local.sh wait NODE    return once the node is ready (a replica: readiness UP)
#
# The bundled model (models/) is imported into the bucket and activated by `import-model` before the replicas
# start, so they serve at once. Settings: REPLICAS, WORKERS (default 2 each), NODE_JAVA_OPTS (default -Xmx1g),
# LEASE (the job lease, default 30s).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${CLUSTER_DIR:-target/cluster}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

log() { echo "[cluster] $*" >&2; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# a recorded PID counts only while it is still the process we started: its command line names our directory
ours() {
    local pid=$1
    [[ -n "$pid" && -r /proc/$pid/cmdline ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$dir"
}

node_pid() { cat "$dir/$1.pid" 2>/dev/null || true; }

start_node() {
    local node=$1 pid
    pid=$(node_pid "$node")
    if ours "$pid"; then
        log "$node already runs (pid $pid)"
        echo "$pid"
        return
    fi
    # setsid: a Ctrl-C in the calling shell does not reach the nodes; down ends them by their PIDs
    mapfile -t command < "$dir/$node.cmd"
    setsid "${command[@]}" >> "$dir/$node.log" 2>&1 < /dev/null &
    echo $! > "$dir/$node.pid"
    echo $!
}

stop_pid() {
    local pid=$1 signal=${2:-TERM}
    ours "$pid" || return 0
    kill -"$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 160); do
        ours "$pid" || return 0
        sleep 0.25
    done
    log "pid $pid did not end within 40 s of SIG$signal: killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

url_of() { cat "$dir/$1.url"; }

# a replica is ready when its readiness is UP (a model loaded and warm); a worker when its liveness is UP
wait_node() {
    local node=$1 url path pid
    url=$(url_of "$node")
    case "$node" in
        replica*) path=/actuator/health/readiness ;;
        *) path=/actuator/health/liveness ;;
    esac
    for _ in $(seq 1 600); do
        pid=$(node_pid "$node")
        if ! ours "$pid"; then
            log "$node exited; its log ($dir/$node.log) ends with:"
            tail -n 30 "$dir/$node.log" >&2
            return 1
        fi
        curl -fs -o /dev/null --max-time 2 "$url$path" && return 0
        sleep 0.5
    done
    log "$node was not ready within 5 minutes"
    return 1
}

# haproxy counts a server UP after two good checks; wait for all of them so the first request is balanced
wait_balanced() {
    local want=$1 up
    for _ in $(seq 1 120); do
        up=$(curl -fs --max-time 2 "http://127.0.0.1:$(cat "$dir/haproxy.stats-port")/stats;csv" 2>/dev/null \
            | awk -F, '$1 == "serving" && $2 ~ /^replica/ && $18 == "UP"' | wc -l || true)
        [[ "$up" -ge "$want" ]] && return 0
        sleep 0.5
    done
    log "haproxy does not see $want replicas UP"
    return 1
}

jar() {
    local j
    j=$(ls target/sentiment-service-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
    if [[ -z "$j" ]]; then
        log "building the jar"
        ./mvnw -B -q -DskipTests package >&2
        j=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1)
    fi
    echo "$root/$j"
}

s3proxy_jar() {
    if [[ -z "${S3PROXY_JAR:-}" && ! -f target/test-servers/s3proxy.jar ]]; then
        log "copying the S3Proxy jar from the Maven repository"
        ./mvnw -B -q dependency:copy@copy-s3proxy >&2
    fi
}

# writes a node's command line, one argument per line, so that start NODE can run it again as it was
record_node() {
    local node=$1
    shift
    printf '%s\n' "$@" > "$dir/$node.cmd"
}

up() {
    local p
    for p in "$dir"/*.pid; do
        [[ -f "$p" ]] || continue
        if ours "$(cat "$p")"; then
            log "a cluster already runs in $dir ($(basename "$p" .pid) is pid $(cat "$p")); run down first"
            exit 1
        fi
    done
    command -v haproxy >/dev/null || { log "haproxy is not installed (apt-get install -y haproxy)"; exit 3; }
    # the directory is emptied: only one that is empty or that an earlier up made (it holds the marker)
    if [[ -n "$(ls -A "$dir")" && ! -f "$dir/.sentiment-cluster" ]]; then
        log "$dir is not empty and was not made by $0: choose another CLUSTER_DIR"
        exit 2
    fi
    [[ -d "$dir/postgres" ]] && scripts/test-servers/postgres.sh stop "$dir/postgres" >/dev/null 2>&1 || true
    rm -rf "${dir:?}"/*
    touch "$dir/.sentiment-cluster"
    local replicas=${REPLICAS:-2} workers=${WORKERS:-2} java_opts=${NODE_JAVA_OPTS:--Xmx1g}
    local j
    j=$(jar)
    s3proxy_jar

    log "starting PostgreSQL"
    local jdbc
    jdbc=$(scripts/test-servers/postgres.sh start "$dir/postgres" | tail -n 1)
    local s3port
    s3port=$(free_port)
    log "starting S3Proxy on port $s3port"
    scripts/test-servers/s3proxy.sh start "$dir/s3proxy" "$s3port"

    local common=(--sentiment.storage.type=s3 "--sentiment.storage.s3.endpoint=http://127.0.0.1:$s3port"
        --sentiment.storage.s3.bucket=sentiment --sentiment.storage.s3.access-key=local
        --sentiment.storage.s3.secret-key=local --sentiment.queue.type=postgres "--sentiment.postgres.url=$jdbc"
        --sentiment.postgres.username=postgres "--sentiment.queue.lease=${LEASE:-30s}"
        "--sentiment.vectors-dir=$root/.cache/vectors")

    log "importing the bundled model"
    java -Xmx1g -jar "$j" import-model --from=models --activate "${common[@]}" \
        "--sentiment.models-dir=$dir/import" --logging.level.root=WARN > "$dir/import.out" 2> "$dir/import.log" \
        || { cat "$dir/import.log" >&2; exit 1; }
    tail -n 1 "$dir/import.out" > "$dir/import.json"
    log "import: $(cat "$dir/import.json")"

    local i port nodes=()
    for i in $(seq 1 "$replicas"); do
        port=$(free_port)
        echo "http://127.0.0.1:$port" > "$dir/replica$i.url"
        # shellcheck disable=SC2086
        record_node "replica$i" java $java_opts -jar "$j" "--server.port=$port" --sentiment.roles=serve \
            "--sentiment.models-dir=$dir/replica$i" "${common[@]}"
        nodes+=("replica$i")
    done
    for i in $(seq 1 "$workers"); do
        port=$(free_port)
        echo "http://127.0.0.1:$port" > "$dir/worker$i.url"
        # shellcheck disable=SC2086
        record_node "worker$i" java $java_opts -jar "$j" "--server.port=$port" --sentiment.roles=train \
            "--sentiment.queue.worker-name=http://127.0.0.1:$port" "--sentiment.models-dir=$dir/worker$i" "${common[@]}"
        nodes+=("worker$i")
    done
    local node
    for node in "${nodes[@]}"; do
        log "starting $node on $(url_of "$node")"
        start_node "$node" >/dev/null
    done

    local lb_port stats_port targets=()
    lb_port=$(free_port)
    stats_port=$(free_port)
    echo "$stats_port" > "$dir/haproxy.stats-port"
    echo "http://127.0.0.1:$lb_port" > "$dir/lb.url"
    for i in $(seq 1 "$replicas"); do
        targets+=("$(url_of "replica$i" | sed 's|^http://||')")
    done
    deploy/haproxy/render.sh "$lb_port" "$stats_port" "${targets[@]}" > "$dir/haproxy.cfg"
    record_node haproxy haproxy -db -f "$dir/haproxy.cfg"
    start_node haproxy >/dev/null

    for node in "${nodes[@]}"; do
        wait_node "$node"
        log "$node is ready"
    done
    wait_balanced "$replicas"
    log "haproxy balances $replicas replicas on $(cat "$dir/lb.url")"

    python3 - "$dir" "$replicas" "$workers" "$jdbc" "$s3port" <<'PY'
import json, sys
d, replicas, workers, jdbc, s3port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
read = lambda name: open(f"{d}/{name}").read().strip()
print(json.dumps({
    "lb": read("lb.url"),
    "replicas": [read(f"replica{i}.url") for i in range(1, replicas + 1)],
    "workers": [read(f"worker{i}.url") for i in range(1, workers + 1)],
    "pids": {"replicas": [int(read(f"replica{i}.pid")) for i in range(1, replicas + 1)],
             "workers": [int(read(f"worker{i}.pid")) for i in range(1, workers + 1)],
             "haproxy": int(read("haproxy.pid")), "s3proxy": int(read("s3proxy/s3proxy.pid"))},
    "postgres": jdbc, "s3": f"http://127.0.0.1:{s3port}", "stats": f"http://127.0.0.1:{read('haproxy.stats-port')}/stats",
    "dir": d}))
PY
}

down() {
    local p
    stop_pid "$(node_pid haproxy)"
    for p in "$dir"/replica*.pid "$dir"/worker*.pid; do
        [[ -f "$p" ]] && stop_pid "$(cat "$p")" &
    done
    wait
    rm -f "$dir"/*.pid
    scripts/test-servers/s3proxy.sh stop "$dir/s3proxy"
    scripts/test-servers/postgres.sh stop "$dir/postgres" >/dev/null
    log "stopped; logs are kept in $dir"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    start) [[ -f "$dir/${2:?node}.cmd" ]] || { log "no node $2 in $dir"; exit 2; }; start_node "$2" ;;
    stop) stop_pid "$(node_pid "${2:?node}")" "${3:-TERM}" ;;
    wait) wait_node "${2:?node}" ;;
    *) echo "usage: $0 up | down | start NODE | stop NODE | wait NODE" >&2; exit 2 ;;
esac
