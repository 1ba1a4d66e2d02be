#!/usr/bin/env bash
# The CSV formula guard, as a real spreadsheet program reads it: builds the fixture site in
# tests/spreadsheet/site (whose holders and emails are written to be formulas: = + - @,
# after blanks, after a TAB or CR, full-width), has LibreOffice open its checklist.csv and
# save it as xlsx, then checks with openpyxl that no cell became a formula. The exports
# (tranche-N.csv, emails-YYYY-MM-DD.csv) of the same lines likewise. Then checks every
# checklist.xlsx cutover writes, with the default policy and with `stay: false`
# (check.py --workbooks), and has LibreOffice convert each without error.
# Needs LibreOffice's `soffice` (Debian: apt-get install libreoffice-calc-nogui) and
# openpyxl (pip); `.ci/run` installs what is missing. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."

python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install --quiet openpyxl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! log=$(cargo run --quiet -- build --root tests/spreadsheet/site --out "$work/site" \
  --today 2022-04-20 2>&1); then
  echo "$log" >&2
  exit 1
fi
aud="$work/site/coordinators"
csvs=("$aud/units/formulas/checklist.csv" "$aud"/exports/*.csv)
[ "${#csvs[@]}" -ge 3 ] || { echo "no exports in $aud/exports" >&2; exit 1; }

# LibreOffice's CSV import options: comma, double quote, UTF-8, from line 1, default cell
# formats and language, quoted fields not forced to text, special numbers detected; then
# the 11th, "trim spaces" (a box people tick, and which makes " =1+1" read as "=1+1"), and
# the 13th, "evaluate formulas", on. Its own profile, so as not to touch the user's.
sheets=()
for trim in false true; do
  out="$work/trim-$trim"
  soffice --headless "-env:UserInstallation=file://$work/profile" \
    --infilter="CSV:44,34,76,1,,0,false,true,false,false,$trim,-1,true" \
    --convert-to xlsx --outdir "$out" "${csvs[@]}" >/dev/null 2>&1 || true
  for csv in "${csvs[@]}"; do
    name=$(basename "$csv" .csv)
    [ -f "$out/$name.xlsx" ] || { echo "LibreOffice made no $out/$name.xlsx" >&2; exit 1; }
    sheets+=("LibreOffice, $name, trim spaces $trim=$out/$name.xlsx")
  done
done
python3 tests/spreadsheet/check.py "${sheets[@]}"

# The workbooks: the fixture as it is (people may stay), and a copy where everyone moves.
cp -r tests/spreadsheet/site "$work/everyone"
printf 'stay: false\n' >"$work/everyone/data/migration.yaml"
if ! log=$(cargo run --quiet -- build --root "$work/everyone" --out "$work/everyone-site" \
  --today 2022-04-20 2>&1); then
  echo "$log" >&2
  exit 1
fi
for policy in "move,stay=$work/site" "move=$work/everyone-site"; do
  mapfile -t books < <(find "${policy#*=}" -name checklist.xlsx | sort)
  [ "${#books[@]}" -gt 0 ] || { echo "no checklist.xlsx in ${policy#*=}" >&2; exit 1; }
  python3 tests/spreadsheet/check.py --workbooks "${policy%%=*}" "${books[@]}"
  for book in "${books[@]}"; do
    out="$work/converted/$(basename "$(dirname "$book")")"
    soffice --headless "-env:UserInstallation=file://$work/profile" \
      --convert-to csv --outdir "$out" "$book" >/dev/null 2>&1 || true
    head -c 8 "$out/checklist.csv" 2>/dev/null | grep -q '^unit,ext' ||
      { echo "LibreOffice could not convert $book" >&2; exit 1; }
  done
  echo "LibreOffice converted ${#books[@]} workbook(s) of ${policy#*=}"
done
