#!/usr/bin/env bash
# Builds the librdkafka the dev broker runs on: Debian's librdkafka 2.0.2 source with CareLoop's patch to its mock
# cluster (Shared/DevBroker/librdkafka/mock-fetch.patch), into .build/devbroker-librdkafka/librdkafka.so.1, where the
# careloop-devbroker executable finds it (its run path). Idempotent: skipped when the library there was built from
# this patch. Only the dev broker loads it; the services and tests keep the system's librdkafka.
#
# Without it (another librdkafka version on the system, no network, a failed build) the dev broker runs on the
# system's librdkafka: everything works, the mock broker just costs more CPU as its logs grow. This script then
# warns and exits 0, so setup carries on.
set -uo pipefail
cd "$(dirname "$0")/.."
version=2.0.2
tarball_sha256=f321bcb1e015a34114c83cf1aa7b99ee260236aab096b85c003170c90a47ca9d
url="http://deb.debian.org/debian/pool/main/libr/librdkafka/librdkafka_${version}.orig.tar.gz"
patch_file=Shared/DevBroker/librdkafka/mock-fetch.patch
out=.build/devbroker-librdkafka
stamp="$out/PATCH"

warn() { echo "devbroker-librdkafka: $*; the dev broker will run on the system's librdkafka" >&2; exit 0; }

system_version=$(pkg-config --modversion rdkafka 2>/dev/null || true)
[ "$system_version" = "$version" ] || warn "the patch is for librdkafka $version, the system has '${system_version:-none}'"
patch_sha=$(sha256sum "$patch_file" | cut -d' ' -f1)
if [ -f "$out/librdkafka.so.1" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version $patch_sha" ]; then
    echo "devbroker-librdkafka: up to date ($out/librdkafka.so.1)"
    exit 0
fi
for tool in cc make patch curl; do
    command -v "$tool" >/dev/null 2>&1 || warn "'$tool' is missing"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "devbroker-librdkafka: building librdkafka $version with the mock patch (about 30 s on 2 cores)"
curl -fsS --retry 3 --max-time 120 -o "$work/src.tar.gz" "$url" || warn "cannot download $url"
echo "$tarball_sha256  $work/src.tar.gz" | sha256sum -c --quiet - || warn "$url does not have the expected SHA-256"
tar -xzf "$work/src.tar.gz" -C "$work" || warn "cannot unpack the source"
src="$work/librdkafka-$version"
patch -s -p1 -d "$src" < "$patch_file" || warn "the patch does not apply"
(cd "$src" && ./configure --disable-ssl --disable-gssapi --disable-curl --disable-zstd --disable-zlib >"$work/configure.log" 2>&1) ||
    warn "configure failed (see a rerun with bash -x)"
make -s -j"$(nproc)" -C "$src/src" librdkafka.so.1 >"$work/make.log" 2>&1 || { tail -n 20 "$work/make.log" >&2; warn "the build failed"; }
mkdir -p "$out"
{ cp "$src/src/librdkafka.so.1" "$out/librdkafka.so.1.tmp" && mv -f "$out/librdkafka.so.1.tmp" "$out/librdkafka.so.1" &&
    echo "$version $patch_sha" > "$stamp"; } || warn "cannot write $out"
echo "devbroker-librdkafka: built $out/librdkafka.so.1"
