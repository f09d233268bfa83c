#!/usr/bin/env bash
# Load on the dev server: at least 10,000 requests over 100 concurrent connections with wrk
# (Debian's package), on the real catalogue; prints wrk's report, including errors.
#   benches/serve-load.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
bin=target/release/marketplace
[ -x "$bin" ] || cargo build --release --quiet
out=$(mktemp)
"$bin" serve --port 0 >"$out" 2>/dev/null &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q http "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$out")
for path in modules/satsr/index.html static/style.css search-index.json; do
  echo "== wrk -t2 -c100 -d${1:-10}s ${url}${path}"
  wrk -t2 -c100 -d"${1:-10}"s "${url}${path}"
done
