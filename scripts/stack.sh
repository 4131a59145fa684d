#!/usr/bin/env bash
# The local CareLoop stack: throw-away PostgreSQL, the dev broker and the five services.
# Usage: stack.sh up | down | status | logs [name]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$run_dir/logs" "$run_dir/pids"

start_process() { # name, then command; logs to .run/logs/name.log
    local name=$1; shift
    local pid_file=$run_dir/pids/$name.pid
    if pid_alive "$pid_file"; then echo "  $name already running (pid $(cat "$pid_file"))"; return; fi
    nohup "$@" >>"$run_dir/logs/$name.log" 2>&1 &
    echo $! >"$pid_file"
    echo "  $name started (pid $!)"
}

up() {
    bash "$root/scripts/setup.sh"
    echo "building ($build_config)…"
    (cd "$root" && swift build -c "$build_config" 2>&1 | tail -n 3)
    echo "starting PostgreSQL on 127.0.0.1:$pg_port"
    bash "$root/scripts/postgres.sh" start "$run_dir/postgres" "$pg_port"
    bash "$root/scripts/postgres.sh" provision 127.0.0.1 "$pg_port"
    echo "starting processes"
    CARELOOP_DEVBROKER_BOOTSTRAP_FILE=$bootstrap_file start_process devbroker "$bin_dir/careloop-devbroker"
    local deadline=$((SECONDS + 30))
    until [ -s "$bootstrap_file" ]; do
        ((SECONDS < deadline)) || { echo "dev broker did not start; see $run_dir/logs/devbroker.log" >&2; exit 1; }
        sleep 0.2
    done
    for entry in "${services[@]}"; do
        IFS=: read -r name schema http admin <<<"$entry"
        CARELOOP_KAFKA_BOOTSTRAP_FILE=$bootstrap_file \
        CARELOOP_DATABASE_HOST=127.0.0.1 CARELOOP_DATABASE_PORT=$pg_port CARELOOP_DATABASE_NAME=careloop \
        CARELOOP_DATABASE_USER=careloop_$schema CARELOOP_DATABASE_SCHEMA=$schema \
        CARELOOP_HTTP_PORT=$http CARELOOP_ADMIN_PORT=$admin \
        CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS=${CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS:-10} \
        CARELOOP_REPAIR_DISPATCH_TECHNICIANS_FILE=$root/Services/RepairDispatch/seed/technicians.json \
        CARELOOP_REPAIR_DISPATCH_PROJECTS_FILE=$root/Services/RepairDispatch/seed/projects.json \
            start_process "$name" "$bin_dir/careloop-$name"
    done
    echo "waiting for readiness"
    for entry in "${services[@]}"; do
        IFS=: read -r name _ _ admin <<<"$entry"
        if ! wait_http "http://127.0.0.1:$admin/health/ready" 120; then
            echo "$name is not ready; see $run_dir/logs/$name.log" >&2
            exit 1
        fi
    done
    status
}

down() {
    for entry in "${services[@]}" "devbroker"; do
        local name=${entry%%:*} pid_file=$run_dir/pids/${entry%%:*}.pid
        if pid_alive "$pid_file"; then
            kill -TERM "$(cat "$pid_file")"
            for _ in $(seq 1 100); do pid_alive "$pid_file" || break; sleep 0.1; done
            pid_alive "$pid_file" && kill -KILL "$(cat "$pid_file")"
            echo "  $name stopped"
        fi
        rm -f "$pid_file"
    done
    bash "$root/scripts/postgres.sh" stop "$run_dir/postgres" || true
}

status() {
    printf '%-16s %-8s %-7s %s\n' PROCESS PID STATE WHERE
    local pid_file=$run_dir/pids/devbroker.pid state
    state=$(pid_alive "$pid_file" && echo up || echo down)
    printf '%-16s %-8s %-7s %s\n' devbroker "$(cat "$pid_file" 2>/dev/null || echo -)" "$state" \
        "kafka $(cat "$bootstrap_file" 2>/dev/null || echo -), control $(cat "$bootstrap_file.control" 2>/dev/null || echo -)"
    for entry in "${services[@]}"; do
        IFS=: read -r name _ http admin <<<"$entry"
        pid_file=$run_dir/pids/$name.pid
        if pid_alive "$pid_file"; then
            state=$(curl -fsS -o /dev/null "http://127.0.0.1:$admin/health/ready" 2>/dev/null && echo ready || echo up)
        else
            state=down
        fi
        printf '%-16s %-8s %-7s %s\n' "$name" "$(cat "$pid_file" 2>/dev/null || echo -)" "$state" \
            "api http://127.0.0.1:$http  admin http://127.0.0.1:$admin/health/ready /metrics"
    done
    local pg_state
    pg_state=$(bash "$root/scripts/postgres.sh" status "$run_dir/postgres" >/dev/null 2>&1 && echo up || echo down)
    printf '%-16s %-8s %-7s %s\n' postgres - "$pg_state" "postgresql://127.0.0.1:$pg_port/careloop (logs $run_dir/postgres/postgres.log)"
    echo "logs: $run_dir/logs/"
}

logs() {
    if [ $# -gt 0 ]; then tail -n 200 -f "$run_dir/logs/$1.log"; else tail -n 20 "$run_dir"/logs/*.log; fi
}

command=${1:-status}; shift || true
case $command in
    up) up ;;
    down) down ;;
    status) status ;;
    logs) logs "$@" ;;
    *) echo "usage: $0 up|down|status|logs [name]" >&2; exit 2 ;;
esac
