#!/usr/bin/env bash
# Stages the published PDQ test-vector images that PyPI ships into .cache/pdq-vectors/ThreatExchange/,
# laid out as a ThreatExchange checkout, for tests/media/test_pdq_vectors.py and
# `darkroom media pdq-check`. The source is the threatexchange 1.2.17 sdist (SHA-256 pinned),
# fetched with `pip download`: its data/sample-b.jpg (SHA-256 pinned too, as ThreatExchange's own
# test_sha256 pins it) is the image of python-threatexchange's CLI test, and the same picture as
# pdq/data/misc-images/b.jpg and pdq/data/reg-test-input/dih/bridge-1-original.jpg: each published
# hash of those two is reproduced bit for bit from it (README, "Checking PDQ against the
# reference"). The other vector images are on no registry this project reaches. Idempotent: with
# the images in place it returns at once. Needs python3 with pip or venv.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-sdist.sh
source scripts/lib-sdist.sh

version=1.2.17
sdist_sha256=95689bbf7fbc24d5a68e6d6470a931c006b45e3be75e8ae069189c19af5437af
image_sha256=b5b0799616df52d475a3968dc7e54f1d0724c912244ffa6175bc786375dd7298
out=.cache/pdq-vectors
checkout="$out/ThreatExchange"
stamp="$out/staged-from-sha256"
targets=(
  python-threatexchange/data/sample-b.jpg
  pdq/data/misc-images/b.jpg
  pdq/data/reg-test-input/dih/bridge-1-original.jpg
)

staged() {
  [ "$(cat "$stamp" 2>/dev/null)" = "$sdist_sha256" ] || return 1
  for target in "${targets[@]}"; do
    [ "$(sha256sum "$checkout/$target" 2>/dev/null | cut -d' ' -f1)" = "$image_sha256" ] || return 1
  done
}
if staged; then
  exit 0
fi

mkdir -p "$out"
# Keep the whole cache out of git without touching the project's .gitignore.
[ -f .cache/.gitignore ] || printf '*\n' > .cache/.gitignore
work=$(mktemp -d "$out/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

sdist=$(fetch_pinned_sdist pdq-vectors threatexchange "$version" "$sdist_sha256" "$work")

member="threatexchange-${version}/data/sample-b.jpg"
tar -xzf "$sdist" -C "$work" "$member"
actual=$(sha256sum "$work/$member" | cut -d' ' -f1)
if [ "$actual" != "$image_sha256" ]; then
  echo "pdq-vectors: SHA-256 of $member is $actual, expected $image_sha256" >&2
  exit 1
fi

rm -rf "$checkout"
for target in "${targets[@]}"; do
  mkdir -p "$(dirname "$checkout/$target")"
  cp "$work/$member" "$checkout/$target"
done
cat > "$checkout/SOURCES.txt" <<EOF
Staged by scripts/pdq-vectors.sh from PyPI's threatexchange ${version} sdist
(SHA-256 ${sdist_sha256}), member data/sample-b.jpg (SHA-256 ${image_sha256}),
copied to:
$(printf '  %s\n' "${targets[@]}")
Only these three paths of a ThreatExchange checkout are present; every other published vector
image is reported missing.
EOF
echo "$sdist_sha256" > "$stamp"
echo "pdq-vectors: staged ${#targets[@]} images under $checkout"
