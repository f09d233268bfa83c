#!/usr/bin/env bash
# Load on the dev server: 200 keep-alive connections make 20,000 requests for pages and
# assets while a module file is edited 10 times; see benches/serve-load.js (Node's standard
# library only) and benches/README.md. Options are passed through:
#   benches/serve-load.sh [--site DIR] [--connections N] [--requests R] [--edits E]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node benches/serve-load.js "$@"
