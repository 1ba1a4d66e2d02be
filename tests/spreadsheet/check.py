"""Checks spreadsheets that a spreadsheet program made from a guarded checklist or export
CSV: no cell is a formula, and every holder and email reads as text.

Usage: check.py "LABEL=FILE.xlsx" ...
Prints each failure, then `spreadsheet: N passed, M failed`; exits 1 on any failure.
"""

import sys
import warnings

import openpyxl

# LibreOffice's xlsx has no default style, which openpyxl mentions on every load.
warnings.filterwarnings("ignore", message="Workbook contains no default style")

TEXT_COLUMNS = ("holder", "email")

# The fixture's lines (tests/spreadsheet/site/data/units/formulas.yaml), all moving in its
# one tranche, so in every export too: a sheet with fewer rows lost some, and proves
# nothing about them.
EXPECTED_ROWS = 20


def check(label, path):
    """(passed, failures) for one spreadsheet."""
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    columns = [header.index(name) for name in TEXT_COLUMNS]
    # The exports put the columns in another order.
    ext_at = header.index("ext")
    passed, failures = 0, []
    if len(rows) - 1 != EXPECTED_ROWS:
        failures.append(f"{label}: {len(rows) - 1} lines, not {EXPECTED_ROWS}")
    formulas = [c for row in rows for c in row if c.data_type == "f"]
    if formulas:
        for c in formulas:
            failures.append(f"{label}: {c.coordinate} became a formula: {c.value!r}")
    else:
        passed += 1
    for row in rows[1:]:
        ext = row[ext_at].value
        for name, at in zip(TEXT_COLUMNS, columns):
            c = row[at]
            if c.value is None:
                continue
            if c.data_type == "s":
                passed += 1
            else:
                failures.append(
                    f"{label}: ext {ext}: {name} {c.value!r} reads as "
                    f"{'a formula' if c.data_type == 'f' else 'type ' + c.data_type}, not text"
                )
    return passed, failures


def main():
    passed, failed = 0, 0
    for arg in sys.argv[1:]:
        label, path = arg.rsplit("=", 1)
        ok, failures = check(label, path)
        passed += ok
        failed += len(failures)
        for f in failures:
            print(f"FAIL {f}")
    print(f"spreadsheet: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
