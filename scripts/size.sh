#!/usr/bin/env bash
# Prints the gzipped size of the wasm + JS glue as shipped in extension/pkg, against the budget
# of 150 KB (150 * 1024 bytes). With --check, fails above it.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=$((150 * 1024))
wasm=$(gzip -9 -c extension/pkg/why402_bg.wasm | wc -c)
glue=$(gzip -9 -c extension/pkg/why402.js | wc -c)
total=$((wasm + glue))
raw=$(( $(wc -c < extension/pkg/why402_bg.wasm) + $(wc -c < extension/pkg/why402.js) ))
printf 'wasm+glue: %d bytes raw, %d bytes gzipped (wasm %d + glue %d); budget %d, %d to spare\n' \
  "$raw" "$total" "$wasm" "$glue" "$BUDGET" "$((BUDGET - total))"
if [ "$total" -gt "$BUDGET" ]; then
  echo "over the 150 KB budget by $((total - BUDGET)) bytes (see README, Size budget)" >&2
  [ "${1:-}" = "--check" ] && exit 1
fi
exit 0
