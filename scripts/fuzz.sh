#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for SECS seconds each (default 60):
#   scripts/fuzz.sh [SECS] [TARGET...]      (make fuzz SECS=60, or make fuzz 60)
# Installs what is missing: the nightly toolchain (rustup) and cargo-fuzz (crates.io). Without
# nightly (no rustup, or static.rust-lang.org unreachable) it falls back to the stable compiler
# with RUSTC_BOOTSTRAP=1 and no sanitizer (libFuzzer still runs; memory errors are not caught,
# which matters little for safe Rust). New inputs go to fuzz/corpus-work (ignored by git); the
# seeds in fuzz/corpus are read only. A crash is copied into fuzz/corpus/<target>/ so that
# `cargo test` (tests/fuzz_regressions.rs) replays it until it is fixed. Prints a table of
# executions per target; exit status 1 if any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true
case $secs in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECS] [TARGET...]" >&2; exit 2 ;; esac

toolchain=(+nightly)
sanitizer=()
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "== installing the nightly toolchain (rustup)"
  if ! rustup toolchain install nightly --profile minimal; then
    echo "== nightly unavailable: stable with RUSTC_BOOTSTRAP=1, no sanitizer"
    toolchain=()
    sanitizer=(--sanitizer none)
    export RUSTC_BOOTSTRAP=1
  fi
fi
if ! command -v cargo-fuzz >/dev/null; then
  echo "== installing cargo-fuzz (crates.io)"
  cargo install cargo-fuzz --locked || exit 2
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(ls fuzz/fuzz_targets | sed 's/\.rs$//')
fi

cargo "${toolchain[@]}" fuzz build -O "${sanitizer[@]}" || exit 2

log=$(mktemp -d)
crashed=()
printf '%-18s %12s %8s %s\n' target executions seconds result > "$log/table"
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus-work/$t" "fuzz/corpus/$t"
  echo "== $t: ${secs}s"
  cargo "${toolchain[@]}" fuzz run -O "${sanitizer[@]}" "$t" "fuzz/corpus-work/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 > "$log/$t.txt" 2>&1
  rc=$?
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log/$t.txt" | tail -1)
  execs=$(echo "$runs" | awk '{print $2}')
  took=$(echo "$runs" | awk '{print $5}')
  result=ok
  if [ $rc -ne 0 ]; then
    result="CRASH (exit $rc)"
    crashed+=("$t")
    # The last executed count libFuzzer printed before stopping.
    execs=$(grep -o '^#[0-9]*' "$log/$t.txt" | tail -1 | tr -d '#')
    for f in fuzz/artifacts/"$t"/*; do
      [ -f "$f" ] && cp "$f" "fuzz/corpus/$t/regression-$(basename "$f")"
    done
    tail -30 "$log/$t.txt"
  fi
  printf '%-18s %12s %8s %s\n' "$t" "${execs:-?}" "${took:-?}" "$result" >> "$log/table"
done
echo
cat "$log/table"
[ ${#crashed[@]} -eq 0 ] || { echo "crashed: ${crashed[*]} (inputs copied into fuzz/corpus/<target>/)"; exit 1; }
