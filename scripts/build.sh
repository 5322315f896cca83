#!/usr/bin/env bash
# Builds everything from a fresh Debian machine with Rust: the native CLI, the wasm library with
# its JS glue (extension/pkg and www/pkg), and the per-browser extension manifests. Installs what
# is missing first; safe to rerun. Ends by running the CLI on the sample HAR.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# Node is needed for the manifests (and the tests); Debian's nodejs is enough.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing nodejs and npm (apt)"
  apt-get update
  apt-get install -y nodejs npm
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate exactly: take the version from Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WB_VERSION" ]; then
  echo "wasm-bindgen not found in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (a few minutes)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# node_modules is stale when the lock changed after the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

log "native CLI (release)"
# The CLI is built for speed (it streams HAR files of hundreds of MB); the wasm stays "z".
cargo build --release --bin why402 --config 'profile.release.opt-level=3'

# The wasm library twice: as the extension ships it, and with the playground's extra exports
# (feature "playground", www/pkg). Cargo keeps both builds cached.
wasm_bindgen() {
  # Names and producer info only help debugging; they are not shipped.
  wasm-bindgen --target web --remove-name-section --remove-producers-section \
    --out-dir "$1" --out-name why402 target/wasm32-unknown-unknown/release/why402.wasm
}

log "wasm library for the extension (release)"
cargo build --release --lib --target wasm32-unknown-unknown
wasm_bindgen extension/pkg

# No wasm-opt: measured on this crate, binaryen's -Oz/-Os shrink the raw wasm by 6-12% but grow
# the gzipped size by 2-5% (rustc's opt-level "z" + LTO is already tight), and gzipped is what
# the budget counts and what users download.

log "wasm library for the playground (release, feature playground)"
cargo build --release --lib --target wasm32-unknown-unknown --features playground
wasm_bindgen www/pkg
# The payment-candidate statuses and body caps, from the crate into the scripts.
node scripts/limits.mjs
# One stylesheet for the extension and the playground: extension/ui.css is the source.
cp extension/ui.css www/ui.css

log "extension manifests"
node scripts/manifests.mjs

log "size (gzip -9)"
scripts/size.sh

log "target/release/why402 diagnose examples/sample.har"
# Exit 1 means "payment problems found", which is what the sample shows.
status=0
target/release/why402 diagnose examples/sample.har || status=$?
if [ "$status" -gt 1 ]; then
  echo "why402 diagnose failed with exit code $status" >&2
  exit "$status"
fi
