#!/usr/bin/env bash
# Prints the gzipped size of the wasm + JS glue as shipped in extension/pkg, against a ceiling of
# 256 KB (256 * 1024 bytes): a guard against bloat, not a target. With --check, fails above it.
set -euo pipefail
cd "$(dirname "$0")/.."
CEILING=$((256 * 1024))
wasm=$(gzip -9 -c extension/pkg/why402_bg.wasm | wc -c)
glue=$(gzip -9 -c extension/pkg/why402.js | wc -c)
total=$((wasm + glue))
raw=$(( $(wc -c < extension/pkg/why402_bg.wasm) + $(wc -c < extension/pkg/why402.js) ))
printf 'wasm+glue: %d bytes raw, %d bytes gzipped (wasm %d + glue %d); ceiling %d, %d below it\n' \
  "$raw" "$total" "$wasm" "$glue" "$CEILING" "$((CEILING - total))"
if [ "$total" -gt "$CEILING" ]; then
  echo "over the 256 KB ceiling by $((total - CEILING)) bytes (see README, Size)" >&2
  [ "${1:-}" = "--check" ] && exit 1
fi
exit 0
