# Sourced by the scripts that take test material from a PyPI sdist (pdq-reference.sh,
# pdq-vectors.sh): one way to fetch an sdist pinned by SHA-256.

# fetch_pinned_sdist TAG NAME VERSION SHA256 WORK_DIR
# Downloads NAME==VERSION as an sdist into WORK_DIR with any pip at hand (the project's venv,
# python3's own, else a throwaway venv in WORK_DIR), checks its SHA-256 and prints its path;
# exits 1 with the two digests when they differ. TAG prefixes the messages.
fetch_pinned_sdist() {
  local tag=$1 name=$2 version=$3 sha256=$4 work=$5
  local pip_cmd
  if [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
    pip_cmd=(.venv/bin/python -m pip)
  elif python3 -m pip --version >/dev/null 2>&1; then
    pip_cmd=(python3 -m pip)
  else
    python3 -m venv "$work/venv"
    pip_cmd=("$work/venv/bin/python" -m pip)
  fi
  echo "$tag: downloading the $name $version sdist" >&2
  # --no-binary for this package only: its build requirements may come as wheels.
  "${pip_cmd[@]}" download --quiet --no-deps --no-binary "$name" -d "$work" "$name==$version" >&2
  local sdist="$work/$name-$version.tar.gz" actual
  actual=$(sha256sum "$sdist" | cut -d' ' -f1)
  if [ "$actual" != "$sha256" ]; then
    echo "$tag: SHA-256 of $sdist is $actual, expected $sha256" >&2
    exit 1
  fi
  echo "$sdist"
}
