#!/usr/bin/env bash
# Prints the gzipped size of the wasm + JS glue as shipped in extension/pkg. With --check, fails
# when it exceeds the budget (150 KB = 150 * 1024 bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=$((150 * 1024))
wasm=$(gzip -9 -c extension/pkg/why402_bg.wasm | wc -c)
glue=$(gzip -9 -c extension/pkg/why402.js | wc -c)
total=$((wasm + glue))
raw=$(( $(wc -c < extension/pkg/why402_bg.wasm) + $(wc -c < extension/pkg/why402.js) ))
printf 'wasm+glue: %d bytes raw, %d bytes gzipped (wasm %d + glue %d); budget %d\n' \
  "$raw" "$total" "$wasm" "$glue" "$BUDGET"
if [ "${1:-}" = "--check" ] && [ "$total" -gt "$BUDGET" ]; then
  echo "size budget exceeded: $total > $BUDGET bytes gzipped" >&2
  exit 1
fi
