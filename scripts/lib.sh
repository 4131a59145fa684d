# Shared settings of the local stack scripts (sourced, not run).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run_dir=${CARELOOP_RUN_DIR:-$root/.run}
build_config=${CARELOOP_BUILD_CONFIGURATION:-debug}
bin_dir=$root/.build/$build_config
pg_port=${CARELOOP_DEV_PG_PORT:-54329}
bootstrap_file=$run_dir/devbroker.bootstrap
# name:schema:http-port:admin-port
services=(
    "intake:intake:8081:9101"
    "routing:routing:8082:9102"
    "repair-dispatch:repair_dispatch:8083:9103"
    "survey:survey:8084:9104"
    "notification:notification:8085:9105"
)

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_http() { # url seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}
