#!/usr/bin/env bash
# Serving throughput of the scale-out mode: brings up a local cluster (scripts/cluster-local.sh, 2 serving
# replicas, no training worker, under $CLUSTER_DIR, default target/cluster-bench), then drives /api/v1/classify
# with the jar's load generator (bench-http) at concurrency $CONCURRENCY (default 32) for $SECONDS_PER_CASE
# (default 20) in three cases: one replica directly, haproxy with both replicas, haproxy with one (the other
# stopped). Prints one JSON object per case, then the memory of each replica (resident set, after the load)
# and a summary as the last line. The replicas, haproxy and the load generator share this machine's 2 cores,
# so a second replica here adds little: the figures that carry over are the cost of haproxy and of a replica.
# Each replica is sized like a pod with one CPU (-XX:ActiveProcessorCount=1: one inference thread), as two
# replicas would be given on two cores; NODE_JAVA_OPTS changes it. Both are warmed up (10 s each) first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CLUSTER_DIR=${CLUSTER_DIR:-target/cluster-bench}
data=${DATA:-../shared/datasets/sst2/dev.csv}
seconds=${SECONDS_PER_CASE:-20}
concurrency=${CONCURRENCY:-32}
export NODE_JAVA_OPTS=${NODE_JAVA_OPTS:--Xmx1g -XX:ActiveProcessorCount=1}
info=$(WORKERS=0 scripts/cluster-local.sh up | tail -n 1)
trap 'scripts/cluster-local.sh down' EXIT
jar=$(ls target/sentiment-service-*.jar | grep -v original | head -n 1)
lb=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["lb"])' "$info")
mapfile -t replicas < <(python3 -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])["replicas"]))' "$info")
replica1=${replicas[0]}

run() {
    local name=$1 url=$2
    java -jar "$jar" bench-http --url="$url" --data="$data" --seconds="$seconds" --concurrency="$concurrency" \
        | tail -n 1 | sed "s/\"bench-classify\"/\"$name\"/"
}

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

for replica in "${replicas[@]}"; do
    java -jar "$jar" bench-http --url="$replica" --data="$data" --seconds=10 --concurrency="$concurrency" >/dev/null
done
direct=$(run cluster-direct-1-replica "$replica1")
echo "$direct"
two=$(run cluster-haproxy-2-replicas "$lb")
echo "$two"
memory=$(printf '{"case":"cluster-replica-memory","replica1RssMb":%s,"replica2RssMb":%s,"haproxyRssMb":%s}' \
    "$(rss_mb "$(cat "$CLUSTER_DIR/replica1.pid")")" "$(rss_mb "$(cat "$CLUSTER_DIR/replica2.pid")")" \
    "$(rss_mb "$(cat "$CLUSTER_DIR/haproxy.pid")")")
echo "$memory"
scripts/cluster-local.sh stop replica2
# haproxy takes the stopped replica out of rotation within fall 2 x inter 1s
sleep 3
one=$(run cluster-haproxy-1-replica "$lb")
echo "$one"
python3 - "$direct" "$two" "$one" "$memory" <<'PY'
import json, sys
direct, two, one, memory = (json.loads(a) for a in sys.argv[1:5])
print(json.dumps({"case": "bench-cluster", "concurrency": two["concurrency"],
                  "direct1ReplicaRequestsPerSecond": direct["requestsPerSecond"],
                  "haproxy1ReplicaRequestsPerSecond": one["requestsPerSecond"],
                  "haproxy2ReplicasRequestsPerSecond": two["requestsPerSecond"],
                  "secondReplicaGain": round(two["requestsPerSecond"] / one["requestsPerSecond"], 2),
                  "haproxyCost": round(1 - one["requestsPerSecond"] / direct["requestsPerSecond"], 3),
                  "p99ms": {"direct": direct["p99ms"], "haproxy1": one["p99ms"], "haproxy2": two["p99ms"]},
                  "errors": direct["errors"] + one["errors"] + two["errors"],
                  "replicaRssMb": memory["replica1RssMb"]}))
PY
