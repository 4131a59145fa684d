#!/usr/bin/env bash
# Throw-away PostgreSQL clusters for development and tests.
#
#   scripts/postgres.sh start DIR PORT     initdb DIR/data if needed, start on 127.0.0.1:PORT, wait until ready
#   scripts/postgres.sh stop DIR           stop the cluster in DIR (nothing to do if it is not running)
#   scripts/postgres.sh status DIR         exit 0 if the cluster in DIR runs, 3 if not
#   scripts/postgres.sh provision HOST PORT
#                                          create database `careloop` and, per service schema, a login role
#                                          `careloop_<schema>` owning schema `<schema>` (idempotent)
#
# The server runs as the `postgres` user when the caller is root (through runuser), and as the caller otherwise.
# Authentication is `trust`, for loopback and the unix socket (in DIR) only; the superuser is `postgres`.
# The server log is DIR/postgres.log. PG_BIN overrides the directory of the PostgreSQL binaries, PG_SHARED_BUFFERS a new cluster's buffer cache (2GB).
set -euo pipefail

readonly SERVICE_SCHEMAS=(intake routing repair_dispatch survey notification)
readonly READY_TIMEOUT_SECONDS=30

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        echo "$PG_BIN"
    elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        echo /usr/lib/postgresql/15/bin
    elif command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir
    else
        # Newest installed major version on Debian-style layouts.
        local newest
        newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
        [[ -n "$newest" ]] || { echo "postgres.sh: no PostgreSQL binaries found (set PG_BIN)" >&2; exit 1; }
        echo "$newest"
    fi
}

PG_BIN=$(find_pg_bin)

# Runs a server-side command as the cluster's owner.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

is_running() {
    local dir=$1
    [[ -f "$dir/data/PG_VERSION" ]] && as_owner "$PG_BIN/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

wait_until_ready() {
    local host=$1 port=$2 waited=0
    until "$PG_BIN/pg_isready" -q -h "$host" -p "$port" -U postgres; do
        if (( waited >= READY_TIMEOUT_SECONDS * 10 )); then
            echo "postgres.sh: server on $host:$port not ready after ${READY_TIMEOUT_SECONDS}s" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

init_cluster() {
    local dir=$1
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale \
        --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
    # Trust on the socket and loopback only: no other client can connect at all.
    cat >"$dir/data/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
host    all       all   ::1/128       trust
EOF
    cat >>"$dir/data/postgresql.conf" <<EOF

# careloop throw-away cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
# Sized like a small deployment's server (PostgreSQL's 128 MB default is meant for a shared desktop): with it, a
# 10-minute run at 300 cases/s outgrew the buffer cache and measured that instead of CareLoop. Memory is only
# used as pages are touched. PG_SHARED_BUFFERS overrides it.
shared_buffers = ${PG_SHARED_BUFFERS:-2GB}
# A run at 300 cases/s writes about 800 MB of WAL a minute: with the 1 GB default, a checkpoint started every 40 s,
# and each one made the next pages written go to the WAL whole again (full-page writes), so PostgreSQL spent a
# growing share of the two cores on checkpoints. A server for this load has room for more WAL between checkpoints.
# PG_MAX_WAL_SIZE overrides it.
max_wal_size = ${PG_MAX_WAL_SIZE:-8GB}
EOF
}

cmd_start() {
    [[ $# -eq 2 ]] || usage
    local dir port
    dir=$(realpath -m "$1")
    port=$2
    if is_running "$dir"; then
        echo "postgres.sh: cluster in $dir is already running"
        return 0
    fi
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres:postgres "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
            echo "postgres.sh: user postgres cannot reach $dir (a parent folder is closed to it)" >&2
            return 1
        fi
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        init_cluster "$dir"
    fi
    # The port is given on every start, so a stopped cluster can come back on another one.
    if ! as_owner "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -w -t "$READY_TIMEOUT_SECONDS" \
        -o "-p $port" >/dev/null; then
        echo "postgres.sh: could not start the cluster in $dir on port $port; end of $dir/postgres.log:" >&2
        tail -n 20 "$dir/postgres.log" >&2 || true
        return 1
    fi
    wait_until_ready 127.0.0.1 "$port"
    echo "postgres.sh: cluster in $dir listening on 127.0.0.1:$port"
}

cmd_stop() {
    [[ $# -eq 1 ]] || usage
    local dir
    dir=$(realpath -m "$1")
    if ! is_running "$dir"; then
        echo "postgres.sh: no cluster running in $dir"
        return 0
    fi
    as_owner "$PG_BIN/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null
    echo "postgres.sh: cluster in $dir stopped"
}

cmd_status() {
    [[ $# -eq 1 ]] || usage
    local dir
    dir=$(realpath -m "$1")
    if is_running "$dir"; then
        echo "postgres.sh: cluster in $dir is running"
        return 0
    fi
    echo "postgres.sh: cluster in $dir is not running"
    return 3
}

cmd_provision() {
    [[ $# -eq 2 ]] || usage
    local host=$1 port=$2
    wait_until_ready "$host" "$port"
    local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres)
    # Session advisory locks make concurrent provisioning (parallel test processes) wait instead of racing.
    "${psql[@]}" -d postgres <<'EOF'
SELECT pg_advisory_lock(hashtext('careloop.provision')) \g /dev/null
SELECT 'CREATE DATABASE careloop' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'careloop') \gexec
EOF
    local schemas
    schemas=$(IFS=,; echo "${SERVICE_SCHEMAS[*]}")
    "${psql[@]}" -d careloop -v schemas="$schemas" <<'EOF'
SET client_min_messages = warning;
SET careloop.schemas = :'schemas';
SELECT pg_advisory_lock(hashtext('careloop.provision')) \g /dev/null
DO $provision$
DECLARE
    schema_name text;
    role_name text;
BEGIN
    FOREACH schema_name IN ARRAY string_to_array(current_setting('careloop.schemas'), ',') LOOP
        role_name := 'careloop_' || schema_name;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', role_name);
        END IF;
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', schema_name, role_name);
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', schema_name, role_name);
    END LOOP;
END
$provision$;
EOF
    echo "postgres.sh: database careloop provisioned on $host:$port (schemas: ${SERVICE_SCHEMAS[*]})"
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case "$command" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    provision) cmd_provision "$@" ;;
    *) usage ;;
esac
