#!/usr/bin/env bash
# Prints the gzipped size of the wasm + JS glue as shipped in extension/pkg, against the budget
# of 150 KB (150 * 1024 bytes). With --check, fails above CEILING.
#
# The 150 KB budget is NOT met yet (about 189 KiB now; see README "Size budget"). Until it is,
# CEILING is a ratchet just above the current size so that no change makes it worse: lower it
# as cuts land, down to BUDGET.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=$((150 * 1024))
CEILING=$BUDGET
wasm=$(gzip -9 -c extension/pkg/why402_bg.wasm | wc -c)
glue=$(gzip -9 -c extension/pkg/why402.js | wc -c)
total=$((wasm + glue))
raw=$(( $(wc -c < extension/pkg/why402_bg.wasm) + $(wc -c < extension/pkg/why402.js) ))
printf 'wasm+glue: %d bytes raw, %d bytes gzipped (wasm %d + glue %d); budget %d, ceiling %d\n' \
  "$raw" "$total" "$wasm" "$glue" "$BUDGET" "$CEILING"
if [ "$total" -gt "$BUDGET" ]; then
  echo "note: over the 150 KB budget by $((total - BUDGET)) bytes" >&2
fi
if [ "${1:-}" = "--check" ] && [ "$total" -gt "$CEILING" ]; then
  echo "size ceiling exceeded: $total > $CEILING bytes gzipped" >&2
  exit 1
fi
