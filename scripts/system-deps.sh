#!/usr/bin/env bash
# Installs the Debian packages darkroom needs when they are missing: libmagic (file typing),
# hashdeep (the reference tool of bench/intake.py), Chromium (browser tests of the web app, driven
# by Playwright), poppler-utils (pdftotext reads rendered reports back in tests), DejaVu fonts (WeasyPrint)
# and python3-venv where Python lacks ensurepip. Root or sudo is needed only when
# something is missing.
set -euo pipefail
needed=(libmagic1 hashdeep chromium poppler-utils fonts-dejavu-core)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Debian's own Python needs python3-venv for `python3 -m venv` (ensurepip).
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$python" -c "import ensurepip" 2>/dev/null; then
  missing+=("python3-venv")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
