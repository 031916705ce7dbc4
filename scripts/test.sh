#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Kiln and runs every test:
# the lit suite (IR round-trips, invalid IR, passes, tools, end-to-end) and
# the GoogleTest unit tests, all through `ninja check-kiln`.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${KILN_BUILD_DIR:-build}
start=$(date +%s)
bash scripts/setup.sh
log=$(mktemp)
status=0
LIT_OPTS="${LIT_OPTS:--sv}" cmake --build "$BUILD_DIR" --target check-kiln 2>&1 | tee "$log" || status=$?
count() { grep -E "^ *$1 *: *[0-9]+" "$log" | grep -oE '[0-9]+' | head -1 || true; }
passed=$(count Passed); failed=$(count Failed); unsupported=$(count Unsupported)
echo "== $(($(date +%s) - start)) s in all"
echo "kiln: ${passed:-0} passed, ${failed:-0} failed, ${unsupported:-0} skipped"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
  exit 1
fi
