#!/usr/bin/env bash
# Installs what is missing, builds once, starts one throw-away PostgreSQL cluster for the run and
# runs every test (Swift Testing runs suites in parallel). Slow soak and benchmark runs are not here.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bash "$root/scripts/setup.sh"
cd "$root"
echo "test: building (debug, with tests)"
# Progress lines are dropped; errors and the summary are kept. pipefail makes a failed build fail here.
swift build --build-tests 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Applying)' || true; }
echo "test: static checks of deploy/ and docker-compose.yml"
python3 "$root/deploy/validate.py" | tail -n 1
test_dir=$(mktemp -d /tmp/careloop-test.XXXXXX)
chmod 755 "$test_dir"  # the postgres user must reach the cluster folder inside
pg_test_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { bash "$root/scripts/postgres.sh" stop "$test_dir/postgres" >/dev/null 2>&1 || true; rm -rf "$test_dir"; }
trap cleanup EXIT
bash "$root/scripts/postgres.sh" start "$test_dir/postgres" "$pg_test_port"
export CARELOOP_TEST_PG_HOST=127.0.0.1 CARELOOP_TEST_PG_PORT=$pg_test_port
export CARELOOP_TEST_BIN_DIR=$root/.build/debug
echo "test: running (PostgreSQL on 127.0.0.1:$pg_test_port)"
swift test --skip-build "$@"
