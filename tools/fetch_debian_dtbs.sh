#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch the device tree blobs of Debian's 32-bit ARM kernel package
# (linux-image-6.1.0-*-armmp, armhf) for the device-tree corpus test
# (tests/drivers/test_dtb_corpus.py).
#
# Usage: tools/fetch_debian_dtbs.sh [DEST]
#   DEST defaults to tests/data/cache/debian-dtbs/ (git-ignored).
#   CMAPORT_KPKG names the package (default: the newest linux-image-6.1.0-*-armmp apt
#   knows, the same choice as shared/oracle/boot-real-kernel.sh).
#
# It adds the armhf architecture to dpkg and runs `apt-get update` only when armhf is not
# known yet (that needs root), downloads the one .deb with `apt-get download`, and extracts
# only usr/lib/linux-image-*/**/*.dtb (the DTBs keep their path below that directory).
# Running it again with the DTBs in place does nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/tests/data/cache/debian-dtbs}

log() { echo "fetch_debian_dtbs: $*" >&2; }
die() { log "$*"; exit 1; }

if [ -f "$dest/PACKAGE" ] && ls "$dest"/*.dtb >/dev/null 2>&1; then
    log "DTBs already in $dest ($(cat "$dest/PACKAGE")); nothing to do"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found (a Debian system is needed)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"

if ! dpkg --print-foreign-architectures | grep -qx armhf; then
    [ "$(id -u)" = 0 ] || die "armhf is not a dpkg architecture yet; run as root once"
    log "adding dpkg architecture armhf"
    dpkg --add-architecture armhf
    # A mirror caught mid-sync makes apt-get update fail for one index; what it did
    # fetch is still usable, so go on and let the package search decide.
    apt-get update >&2 || log "apt-get update reported errors; going on with what it fetched"
fi

kpkg=${CMAPORT_KPKG:-}
if [ -z "$kpkg" ]; then
    kpkg=$(apt-cache search '^linux-image-6\.1\.0-[0-9]+-armmp$' 2>/dev/null |
           awk '{print $1}' | sort -V | tail -n1)
    if [ -z "$kpkg" ] && [ "$(id -u)" = 0 ]; then
        log "apt knows no linux-image-6.1.0-*-armmp yet; running apt-get update"
        apt-get update >&2 || log "apt-get update reported errors; going on with what it fetched"
        kpkg=$(apt-cache search '^linux-image-6\.1\.0-[0-9]+-armmp$' 2>/dev/null |
               awk '{print $1}' | sort -V | tail -n1)
    fi
    [ -n "$kpkg" ] || die "no linux-image-6.1.0-*-armmp package found by apt-cache"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "downloading $kpkg:armhf"
(cd "$work" && apt-get download "$kpkg:armhf" >&2)
deb=$(ls "$work"/*.deb | head -n1)
[ -n "$deb" ] || die "apt-get download produced no .deb"

mkdir -p "$work/x"
dpkg-deb --fsys-tarfile "$deb" |
    tar -x -C "$work/x" --wildcards --no-anchored 'usr/lib/linux-image-*.dtb'

mkdir -p "$dest"
n=0
for dir in "$work"/x/usr/lib/linux-image-*; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' f; do
        rel=${f#"$dir"/}
        mkdir -p "$dest/$(dirname "$rel")"
        cp "$f" "$dest/$rel"
        n=$((n + 1))
    done < <(find "$dir" -name '*.dtb' -print0)
done
[ "$n" -gt 0 ] || die "no DTBs found in $deb"
basename "$deb" > "$dest/PACKAGE"
log "extracted $n DTBs from $(basename "$deb") into $dest"
