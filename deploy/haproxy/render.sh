#!/usr/bin/env bash
# Renders haproxy.cfg.template to standard output.
#   deploy/haproxy/render.sh LB_PORT STATS_PORT REPLICA [REPLICA...] > haproxy.cfg
# Each REPLICA is host:port of a serving replica; one "server replicaN ... check" line is written per replica,
# in place of the template's @REPLICA1@, @REPLICA2@ lines. Exits non-zero if a placeholder is left.
set -euo pipefail

if [ "$#" -lt 3 ]; then
  echo "usage: $0 LB_PORT STATS_PORT REPLICA [REPLICA...]   (REPLICA = host:port)" >&2
  exit 2
fi
lb_port=$1
stats_port=$2
shift 2
for value in "$lb_port" "$stats_port"; do
  [[ $value =~ ^[0-9]+$ ]] || { echo "$0: not a port: $value" >&2; exit 2; }
done
for replica in "$@"; do
  [[ $replica =~ ^[A-Za-z0-9.:_-]+:[0-9]+$ ]] || { echo "$0: not host:port: $replica" >&2; exit 2; }
done

template="$(dirname "$0")/haproxy.cfg.template"
rendered=$(awk -v lb="$lb_port" -v stats="$stats_port" -v replicas="$*" '
  # the template server lines: replaced by one line per replica, at the place of the first
  /^[[:space:]]*server replica[0-9]+ @REPLICA[0-9]+@/ {
    if (!done) {
      match($0, /^[[:space:]]*/); indent = substr($0, 1, RLENGTH)
      n = split(replicas, list, " ")
      for (i = 1; i <= n; i++) printf "%sserver replica%d %s check\n", indent, i, list[i]
      done = 1
    }
    next
  }
  { gsub(/@LB_PORT@/, lb); gsub(/@STATS_PORT@/, stats); print }
' "$template")
# only the header comment may still name placeholders
if grep -v '^[[:space:]]*#' <<<"$rendered" | grep -q '@[A-Z0-9_]*@'; then
  echo "$0: a placeholder is left in the rendered file" >&2
  exit 1
fi
printf '%s\n' "$rendered"
