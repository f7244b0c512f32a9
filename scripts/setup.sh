#!/usr/bin/env bash
# Create .venv and install the pinned packages; re-install only when a requirements file changed.
# Usage: scripts/setup.sh [dev]   ("dev" adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
req=requirements.txt
[ "${1:-}" = "dev" ] && req=requirements-dev.txt
python3 -m venv .venv 2>/dev/null || python3 -m venv --without-pip .venv
.venv/bin/python -m pip --version >/dev/null 2>&1 || {
  echo "setup: .venv has no pip; install Debian's python3-venv (apt-get install python3-venv) and run again" >&2
  exit 1
}
stamp=".venv/.installed-$(cat requirements.txt "$req" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$req"
  touch "$stamp"
fi
