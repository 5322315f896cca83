#!/usr/bin/env bash
# Runs every check: formatting, clippy, native tests, the fixture table in wasm (Node), the
# wasm size budget, the browser tests (Debian's Chromium driven by playwright-core, Debian's
# Firefox ESR over Marionette) and `web-ext lint` of the Firefox build.
# Installs what it needs; builds first when the extension has not been built. Every check runs
# even when an earlier one failed; the last line sums them up and the exit code is non-zero if
# any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# Debian's Chromium and Firefox ESR for the browser tests; openssl makes the scenario server's
# throwaway TLS certificates, and certutil (libnss3-tools) trusts the test CA in Firefox's profile.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
command -v certutil >/dev/null || missing+=(libnss3-tools)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt)"
  apt-get update
  apt-get install -y "${missing[@]}"
fi

if [ ! -f extension/pkg/why402_bg.wasm ] || [ ! -f extension/manifest.json ] || [ ! -f dist/firefox/manifest.json ] \
  || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "building first"
  scripts/build.sh
fi

# dist/firefox is a copy of extension/ with its own manifest: refresh it so that the Firefox
# checks see the current sources.
node scripts/manifests.mjs

passed=()
failed=()
check() {
  local name=$1
  shift
  log "$name: $*"
  if "$@"; then passed+=("$name"); else failed+=("$name"); fi
}

check fmt cargo fmt --check
check clippy cargo clippy --all-targets -- -D warnings
check cargo-test cargo test
check wasm-fixtures cargo test --target wasm32-unknown-unknown --test fixture_table
check size-budget scripts/size.sh --check
check e2e node --test tests/e2e/*.test.mjs
check e2e-firefox node --test tests/e2e/firefox/
check web-ext-lint npx --no-install web-ext lint --source-dir dist/firefox --warnings-as-errors

printf '\npassed: %s\n' "${passed[*]:-none}"
if [ ${#failed[@]} -gt 0 ]; then printf 'FAILED: %s\n' "${failed[*]}"; fi
printf 'checks: %d passed, %d failed\n' "${#passed[@]}" "${#failed[@]}"
[ ${#failed[@]} -eq 0 ]
