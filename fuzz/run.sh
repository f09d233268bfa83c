#!/usr/bin/env bash
# Both fuzz targets, each in two phases (fuzz/README.md):
#   1. small inputs: the committed seeds, -max_len=65536, libFuzzer's length control;
#   2. inputs at the module file limit: the seeds plus benches/adversarial.py's hostile
#      shapes at 1 MiB, -max_len=1048576 with no length control, so that mutations of
#      deep nesting, long runs and many headings are tried at full size.
# In both, a slow input is a finding (artifacts/<target>/timeout-*), as is a crash: slower
# than TIMEOUT seconds (default 5) in phase 1, LARGE_TIMEOUT (default 15) in phase 2, where
# AddressSanitizer and debug assertions make a 1 MiB input about 10x slower than the
# release build (0.4-0.6 s there, 6-7 s here, measured), so 15 s is about 1.5 s of a build.
# Usage: fuzz/run.sh [SMALL_SECONDS [LARGE_SECONDS]]   (default 600 300)
set -euo pipefail
cd "$(dirname "$0")"
SMALL=${1:-600}
LARGE=${2:-300}
TIMEOUT=${TIMEOUT:-5}
LARGE_TIMEOUT=${LARGE_TIMEOUT:-15}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet

found=0
for target in module_file markdown; do
  mkdir -p "corpus/$target" "corpus-large/$target" "artifacts/$target"
  cp -n "seeds/$target/"* "corpus/$target/"
  seeds=(--write-seeds "corpus-large/$target")
  [ "$target" = module_file ] && seeds+=(--module-files)
  python3 ../benches/adversarial.py "${seeds[@]}" >/dev/null
  # Findings: crashes, timeouts, out-of-memory; libFuzzer's slow-unit-* notes are not.
  findings() { ls "artifacts/$target" | grep -Ev '^slow-unit-' | wc -l; }
  before=$(findings)
  echo "==> $target: ${SMALL} s at -max_len=65536"
  cargo fuzz run "$target" "corpus/$target" -- -dict=module.dict -max_len=65536 -timeout="$TIMEOUT" \
    -jobs=1 -max_total_time="$SMALL" -print_final_stats=1 -artifact_prefix="artifacts/$target/" || true
  echo "==> $target: ${LARGE} s at -max_len=1048576 (the file limit)"
  cargo fuzz run "$target" "corpus-large/$target" "corpus/$target" -- -dict=module.dict -max_len=1048576 \
    -len_control=0 -timeout="$LARGE_TIMEOUT" -rss_limit_mb=4096 -jobs=1 -max_total_time="$LARGE" \
    -print_final_stats=1 -artifact_prefix="artifacts/$target/" || true
  after=$(findings)
  if [ "$after" -gt "$before" ]; then
    echo "FINDING: $target wrote $((after - before)) new artifact(s):"; ls -t "artifacts/$target" | grep -Ev '^slow-unit-' | head -n $((after - before))
    found=1
  fi
done
exit $found
