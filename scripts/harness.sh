#!/usr/bin/env bash
# Builds every service, the dev broker and careloop-harness in release, then runs `careloop-harness <command>`
# against the release binaries (each scenario starts its own PostgreSQL, dev broker and services on loopback).
#
#   scripts/harness.sh bench [options]   throughput and latency, report in reports/bench-<time>/
#   scripts/harness.sh chaos [options]   every fault scenario, report in reports/chaos-<time>/
#   scripts/harness.sh soak              10 minutes at 300/s, memory over time
#
# A last-resort bound stops the run (SIGINT: processes stopped, folders removed) after CARELOOP_HARNESS_LIMIT
# (default 45m); the harness bounds every step itself well before that.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ $# -ge 1 ]] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
bash "$root/scripts/setup.sh"
cd "$root"
products=(careloop-devbroker careloop-intake careloop-routing careloop-repair-dispatch careloop-survey careloop-notification careloop-harness)
echo "harness: building ${products[*]} (release)"
for product in "${products[@]}"; do
    # Progress lines are dropped; errors are kept. pipefail makes a failed build fail here.
    swift build -c release --product "$product" 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Applying)|^Building|^Build of product' || true; }
done
command=$1
shift
case $command in
    soak) set -- bench --only soak --soak 10m "$@" ;;
    *) set -- "$command" "$@" ;;
esac
export CARELOOP_TEST_BIN_DIR=$root/.build/release
exec timeout --signal=INT --kill-after=90 "${CARELOOP_HARNESS_LIMIT:-45m}" "$root/.build/release/careloop-harness" "$@"
