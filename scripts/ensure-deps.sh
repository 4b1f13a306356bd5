#!/usr/bin/env bash
# Installs what `npm test` and `npm run demo` need and a fresh clone lacks:
# the npm dependencies (exactly as locked) and pyarrow for the Parquet read-back
# tests. Quick no-op when both are already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[deps] installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

if [[ -f requirements-test.txt ]] && ! python3 -c 'import pyarrow' 2>/dev/null; then
  echo "[deps] installing Python test dependencies (pyarrow)"
  if ! python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt; then
    # Debian's system Python refuses global installs (PEP 668): use the user site.
    python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages -r requirements-test.txt
  fi
fi
