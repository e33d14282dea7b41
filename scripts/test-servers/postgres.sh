#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and local clusters, on loopback only, with trust authentication and a
# database "sentiment". Uses Debian's postgresql-15 (apt-get install -y postgresql-15); no Docker, no jar.
#
#   scripts/test-servers/postgres.sh start DIR [PORT]   start a cluster whose state is under DIR (PORT: free port
#                                                       when omitted or 0); prints the JDBC URL as its last line
#   scripts/test-servers/postgres.sh stop DIR           stop it and delete its data
#   scripts/test-servers/postgres.sh down DIR | up DIR  stop the server keeping its data / start it again on its
#                                                       port (for tests of a database that goes away)
#
# Exit status 3: the PostgreSQL server binaries are not installed (tests skip on it unless told otherwise).
#
# As root (CI), initdb refuses to run, so the server runs as the "postgres" user, and its data directory lives
# under /tmp (DIR may sit in a home directory that user cannot enter); DIR/pgdata records where it is.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
}

# PG_BINDIR, when set, is the only place looked at
bindir() {
    local dir
    if [[ -n "${PG_BINDIR:-}" ]]; then
        [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] && echo "$PG_BINDIR" && return 0
        return 1
    fi
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return 0
        fi
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
    return 1
}

# runs a server binary as the user that may own the cluster
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1 port=${2:-0}
    local bin
    if ! bin=$(bindir); then
        echo "PostgreSQL server binaries not found (install them with: apt-get install -y postgresql-15)" >&2
        exit 3
    fi
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        echo "running as root needs the 'postgres' user that the postgresql-15 package creates" >&2
        exit 3
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ -f "$dir/pgdata" ]] && [[ -d "$(cat "$dir/pgdata")" ]]; then
        echo "a cluster is already recorded in $dir/pgdata; stop it first" >&2
        exit 1
    fi
    if [[ "$port" == 0 ]]; then
        port=$(free_port)
    fi
    local home
    home=$(mktemp -d /tmp/sentiment-pg.XXXXXX)
    chmod 755 "$home"
    [[ $EUID -eq 0 ]] && chown postgres: "$home"
    echo "$home" > "$dir/pgdata"
    echo "$port" > "$dir/port"
    as_owner "$bin/initdb" -D "$home/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # loopback only, its socket in its own directory, small enough for a shared machine
    server_start "$dir" "$bin"
    ln -sf "$home/server.log" "$dir/server.log"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtA -c "CREATE DATABASE sentiment" >/dev/null
    echo "jdbc:postgresql://127.0.0.1:$port/sentiment"
}

# loopback only, its socket in its own directory, small enough for a shared machine
server_start() {
    local dir=$1 bin=$2
    local home port
    home=$(cat "$dir/pgdata")
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $home -c shared_buffers=32MB -c max_connections=100" \
        start >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$home/server.log" >&2; exit 1; }
}

recorded() {
    local dir=$1
    [[ -f "$dir/pgdata" && -d "$(cat "$dir/pgdata")/data" ]] || { echo "no cluster recorded in $dir" >&2; exit 1; }
    bindir
}

down() {
    local bin
    bin=$(recorded "$1")
    as_owner "$bin/pg_ctl" -D "$(cat "$1/pgdata")/data" -m fast -w -t 60 stop >/dev/null
}

up() {
    local bin
    bin=$(recorded "$1")
    server_start "$1" "$bin"
}

stop() {
    local dir=$1
    [[ -f "$dir/pgdata" ]] || { echo "no cluster recorded in $dir" >&2; return 0; }
    local home bin
    home=$(cat "$dir/pgdata")
    if [[ -d "$home/data" ]] && bin=$(bindir); then
        as_owner "$bin/pg_ctl" -D "$home/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    case "$home" in
        /tmp/sentiment-pg.*) rm -rf "$home" ;;
    esac
    rm -f "$dir/pgdata" "$dir/server.log"
}

[[ $# -ge 2 ]] || usage
case "$1" in
    start) start "$2" "${3:-0}" ;;
    stop) stop "$2" ;;
    down) down "$2" ;;
    up) up "$2" ;;
    *) usage ;;
esac
