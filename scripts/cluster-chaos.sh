#!/usr/bin/env bash
# Failure tests of the scale-out mode on a real local cluster: brings one up with scripts/cluster-local.sh
# (under $CLUSTER_DIR, default target/cluster-chaos, with a job lease of $LEASE_SECONDS, default 12), runs six
# scenarios (serving replicas killed and stopped under load, training workers killed and paused, S3Proxy
# stopped for 20 s, PostgreSQL restarted, racing activations and a corrupt version, a replica joining in the
# middle of a switch), prints one JSON object per scenario and a summary as the last line, and takes the
# cluster down. Needs haproxy, postgresql-15 and psql (Debian), curl and python3; about 10 minutes here.
# KEEP_CLUSTER=1 leaves the cluster up for a look (scripts/cluster-local.sh down ends it).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in haproxy psql curl python3; do
    command -v "$tool" >/dev/null || { echo "cluster-chaos.sh: $tool is not installed" >&2; exit 3; }
done
exec python3 scripts/cluster_chaos.py
