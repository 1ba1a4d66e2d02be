"""Turns a synthetic site (`cargo run --example synth`) into the same site with its lines
from the phone database's export, for measuring `lines_from` against YAML.

    cargo run --example synth -- --units 200 --lines-per-unit 50 --out /tmp/yaml-site
    python3 bench/export_site.py /tmp/yaml-site /tmp/export-site csv    # or xlsx (openpyxl)
    cutover build --root /tmp/yaml-site --out /tmp/a --today 2022-04-20
    cutover build --root /tmp/export-site --out /tmp/b --today 2022-04-20

Each line's ext, holder, email, ms_teams and uses go to the export (one row a line); its
other keys (decision, pilot, requested, ...) stay in its unit file, under its ext, so
every line is merged. The two sites build the same pages.
"""

import csv
import pathlib
import shutil
import sys

import yaml

EXPORTED = ["ext", "holder", "email", "ms_teams", "uses"]
HEADER = ["Extension", "Department", "Name", "Email", "MS Teams", "Features", "Room"]


def main(source, target, kind):
    source, target = pathlib.Path(source), pathlib.Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    rows = []
    for path in sorted((target / "data/units").glob("*.yaml")):
        unit = yaml.safe_load(path.read_text())
        kept = []
        for line in unit.get("lines", []):
            rows.append([
                str(line["ext"]),
                path.stem,
                line.get("holder") or "",
                line.get("email") or "",
                "yes" if line.get("ms_teams") else "",
                ", ".join(line.get("uses", [])),
                "R" + str(len(rows)),
            ])
            rest = {k: v for k, v in line.items() if k not in EXPORTED}
            if rest:
                kept.append({"ext": str(line["ext"]), **rest})
        unit["lines"] = kept
        path.write_text(yaml.safe_dump(unit, sort_keys=False, allow_unicode=True))
    name = f"phone-export.{kind}"
    if kind == "csv":
        with open(target / "data" / name, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(rows)
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Extensions")
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        book.save(target / "data" / name)
    site = target / "data/site.yaml"
    site.write_text(
        site.read_text()
        + f"lines_from:\n  file: {name}\n"
        + "  columns: {ext: Extension, unit: Department, holder: Name, email: Email, "
        + "ms_teams: MS Teams, uses: Features}\n"
    )
    print(f"{len(rows)} rows into {target / 'data' / name}")


if __name__ == "__main__":
    main(*sys.argv[1:])
