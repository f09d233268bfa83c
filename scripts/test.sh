#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (Debian's Chromium, a
# Java runtime for the Nu HTML checker, the npm packages of package-lock.json), then runs
# the Rust tests, the Node tests of the search client, the browser tests and the quality
# gates. With CI set, a missing browser or Java is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
  step "installing Chromium from Debian's packages"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || {
    if [ -n "${CI:-}" ]; then echo "error: Chromium could not be installed" >&2; exit 1; fi
    echo "warning: Chromium could not be installed; browser tests will be skipped" >&2
  }
fi

if ! command -v java >/dev/null 2>&1; then
  step "installing a Java runtime from Debian's packages (for the Nu HTML checker)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null || {
    if [ -n "${CI:-}" ]; then echo "error: Java could not be installed" >&2; exit 1; fi
    echo "warning: Java could not be installed; the HTML checker will be skipped" >&2
  }
fi

step "installing npm packages"
npm ci --no-audit --no-fund --loglevel=error

step "cargo test"
cargo test --quiet

step "building the release binary"
cargo build --release --quiet

step "node tests (search client, browser)"
npm test --silent
