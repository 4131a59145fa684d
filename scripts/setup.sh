#!/usr/bin/env bash
# Installs what CareLoop needs on a Debian/Ubuntu machine, only what is missing. Idempotent.
# The Swift toolchain (6.x) must already be on PATH: it is not an apt package.
set -euo pipefail
packages=(librdkafka-dev libpq-dev pkg-config postgresql postgresql-contrib curl kcat python3 python3-yaml gcc make patch)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift 6 toolchain is not on PATH (install it from swift.org, then run this again)" >&2
    exit 1
fi
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
    echo "setup: installing PyYAML for deploy/validate.py"
    python3 -m pip install --quiet pyyaml
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
    echo "setup: no PostgreSQL server binaries under /usr/lib/postgresql" >&2
    exit 1
fi
# The dev broker's librdkafka (the mock cluster with CareLoop's patch); warns and carries on without it.
bash "$(dirname "$0")/devbroker-librdkafka.sh"
echo "setup: ok (swift $(swift --version 2>/dev/null | grep -o 'version [0-9.]*' | head -n1 | cut -d' ' -f2), postgres $(basename "$(dirname "$pg_bin")"), librdkafka $(pkg-config --modversion rdkafka))"
