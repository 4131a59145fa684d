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
# A watchdog: a test that hangs must fail the run with its name, not stall CI. Output goes to the log too, so the
# tests that started and never finished can be named.
limit=${CARELOOP_TEST_TIME_LIMIT:-1500}
log="$test_dir/swift-test.log"
set +e
timeout --signal=TERM --kill-after=30 "$limit" stdbuf -oL -eL swift test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "test: the run exceeded ${limit}s and was stopped. Tests that started and did not finish:" >&2
  python3 - "$log" >&2 <<'PY'
import re, sys
started, ended = [], set()
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r'Test "(.*)" (started|passed|failed|recorded)', line)
    if m and m.group(2) == "started": started.append(m.group(1))
    elif m: ended.add(m.group(1))
for name in started:
    if name not in ended: print("  - " + name)
PY
fi
exit "$status"
