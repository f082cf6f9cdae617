#!/usr/bin/env bash
# Builds ThreatExchange's C++ PDQ reference hasher, pdq-photo-hasher, into .cache/pdq-reference/
# for tests/media/test_pdq_reference.py, which checks darkroom's PDQ hashes against it.
# The source is the pdqhash 0.2.8 sdist from PyPI, fetched with `pip download` and pinned by
# SHA-256; it vendors ThreatExchange's pdq/cpp with CImg.h, and CImg reads the PPM test images
# natively, so neither X11 nor ImageMagick is needed. Idempotent: with the binary in place it
# returns at once. Needs python3 with pip or venv, and g++ (installed through apt-get when
# missing, as root or via sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-sdist.sh
source scripts/lib-sdist.sh

version=0.2.8
sdist_sha256=eb9a9de36745937ce3e481a02ce933fe907c84e0b1748c9dfea52c12ca5c1e35
out=.cache/pdq-reference
binary="$out/pdq-photo-hasher"
stamp="$out/built-from-sha256"

if [ -x "$binary" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sdist_sha256" ]; then
  exit 0
fi

if ! command -v g++ >/dev/null 2>&1; then
  echo "pdq-reference: installing g++"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends g++
fi

mkdir -p "$out"
# Keep the whole cache out of git without touching the project's .gitignore.
[ -f .cache/.gitignore ] || printf '*\n' > .cache/.gitignore
work=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

sdist=$(fetch_pinned_sdist pdq-reference pdqhash "$version" "$sdist_sha256" "$work")

tar -xzf "$sdist" -C "$work" "pdqhash-${version}/ThreatExchange/pdq/cpp"
root="$work/pdqhash-${version}/ThreatExchange"
cpp="$root/pdq/cpp"

echo "pdq-reference: compiling pdq-photo-hasher"
g++ -O2 -std=c++14 -Dcimg_display=0 -I"$root" -I"$cpp" \
  -o "$work/pdq-photo-hasher" \
  "$cpp/bin/pdq-photo-hasher.cpp" \
  "$cpp/io/pdqio.cpp" \
  "$cpp/common/pdqhashtypes.cpp" \
  "$cpp/common/pdqhamming.cpp" \
  "$cpp/common/pdqutils.cpp" \
  "$cpp/hashing/pdqhashing.cpp" \
  "$cpp/hashing/torben.cpp" \
  "$cpp/downscaling/downscaling.cpp" \
  -lpthread

mv "$work/pdq-photo-hasher" "$binary"
echo "$sdist_sha256" > "$stamp"
echo "pdq-reference: built $binary"
