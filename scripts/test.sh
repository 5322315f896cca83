#!/usr/bin/env bash
# Runs every check: formatting, clippy, native tests, the fixture table in wasm (Node), the
# wasm size budget, and the browser tests (Debian's Chromium driven by playwright-core).
# Installs what it needs; builds first when the extension has not been built.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
passed=()
current=setup
# One closing line either way, e.g. "checks: 6 passed, 0 failed".
trap 'status=$?; if [ $status -ne 0 ]; then printf "\nfailed at: %s\nchecks: %d passed, 1 failed\n" "$current" "${#passed[@]}"; fi' EXIT

if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium (apt)"
  apt-get update
  apt-get install -y chromium
fi

if [ ! -f extension/pkg/why402_bg.wasm ] || [ ! -f extension/manifest.json ] \
  || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "building first"
  scripts/build.sh
fi

current=fmt; log "cargo fmt --check"
cargo fmt --check
passed+=(fmt)

current=clippy; log "cargo clippy"
cargo clippy --all-targets -- -D warnings
passed+=(clippy)

current=cargo-test; log "cargo test"
cargo test
passed+=(cargo-test)

current=wasm-fixtures; log "fixture table in wasm (wasm-bindgen-test, Node)"
cargo test --target wasm32-unknown-unknown --test fixture_table
passed+=(wasm-fixtures)

current=size; log "size budget"
scripts/size.sh --check
passed+=(size)

current=e2e; log "browser tests"
node --test --test-concurrency=1 tests/e2e/
passed+=(e2e)

printf '\nchecks run: %s\nchecks: %d passed, 0 failed\n' "${passed[*]}" "${#passed[@]}"
