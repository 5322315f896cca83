#!/usr/bin/env bash
# `make bench-cli`: `why402 diagnose --format json` against jq and a serde_json whole-file parse
# on a generated browser-like HAR (scripts/gen-har.py), file in the page cache. Prints, in one
# run, the median wall time of BENCH_RUNS alternated runs per command, MB/s, the ratio to
# why402, and the peak RSS (from /usr/bin/time). A benchmark, not a test: nothing here fails
# on a number.
#
# Environment: BENCH_MB (HAR size, default 400), BENCH_RUNS (default 5), BENCH_HAR (where the
# HAR is written, default target/bench/browser-<MB>mb.har), WHY402_BASELINE (another why402
# binary to add as a row, e.g. one built from an older commit).
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${BENCH_MB:-400}
RUNS=${BENCH_RUNS:-5}
HAR=${BENCH_HAR:-target/bench/browser-${MB}mb.har}

need() {
  if ! command -v "$1" >/dev/null; then
    echo "== installing $2 (apt)" >&2
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
  fi
}
need jq jq
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

# The same build as scripts/build.sh: the CLI at opt-level 3 (the wasm keeps "z").
cargo build --quiet --release --bin why402 --example serde_parse --config 'profile.release.opt-level=3'

if [ ! -f "$HAR" ]; then
  mkdir -p "$(dirname "$HAR")"
  python3 scripts/gen-har.py "$HAR" --size-mb "$MB" >&2
fi
SIZE=$(stat -c %s "$HAR")
cat "$HAR" >/dev/null   # into the page cache

names=(why402 jq serde_json cat)
cmds=(
  "target/release/why402 diagnose --format json $HAR"
  "jq [.log.entries[]|select(.response.status==402)]|length $HAR"
  "target/release/examples/serde_parse $HAR"
  "cat $HAR"
)
if [ -n "${WHY402_BASELINE:-}" ]; then
  names+=("why402 (baseline)")
  cmds+=("$WHY402_BASELINE diagnose --format json $HAR")
fi

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
n=${#names[@]}
echo "$(basename "$HAR"): $SIZE bytes; $RUNS rounds of $n commands, order rotated each round" >&2
for ((round = 0; round < RUNS; round++)); do
  for ((k = 0; k < n; k++)); do
    i=$(((k + round) % n))
    read -r -a argv <<<"${cmds[$i]}"
    rc=0
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time" "${argv[@]}" >/dev/null 2>"$OUT/err" || rc=$?
    # Exit status 1 is why402's "payment problems found"; any other failure stops the bench.
    if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 1 ] && [[ ${names[$i]} == why402* ]]; }; then
      echo "${names[$i]} failed (exit $rc):" >&2
      cat "$OUT/err" >&2
      exit 1
    fi
    tail -n 1 "$OUT/time" >>"$OUT/$i"
  done
done

python3 - "$OUT" "$SIZE" "${names[@]}" <<'PY'
import statistics, sys
out, size, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = []
for i, name in enumerate(names):
    runs = [tuple(map(float, line.split())) for line in open(f"{out}/{i}")]
    wall = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    cpu = statistics.median(r[2] + r[3] for r in runs)
    rows.append((name, wall, rss, cpu))
base = rows[0][1]
cpu_base = rows[0][3]
print("| command | wall (median) | MB/s | time vs why402 | CPU user+sys (median) | CPU vs why402 | peak RSS |")
print("|---|---|---|---|---|---|---|")
for name, wall, rss, cpu in rows:
    speed = size / 1e6 / wall if wall > 0 else float("inf")
    ratio = wall / base if base > 0 else float("nan")
    cpu_ratio = cpu / cpu_base if cpu_base > 0 else float("nan")
    print(f"| {name} | {wall:.2f} s | {speed:,.0f} | {ratio:.2f}x | {cpu:.2f} s | {cpu_ratio:.2f}x | {rss / 1024:,.0f} MB |")
PY
