#!/usr/bin/env bash
# Installs the Debian packages darkroom needs when they are missing: libmagic (file typing)
# and hashdeep (the reference tool of bench/intake.py). Root or sudo is needed only when
# something is missing.
set -euo pipefail
needed=(libmagic1 hashdeep)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
