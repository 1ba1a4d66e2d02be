"""Checks spreadsheets that a spreadsheet program made from a guarded checklist or export
CSV: no cell is a formula, and every holder and email reads as text. And checks the
checklist workbooks cutover writes (checklist.xlsx, beside checklist.csv): a drop-down of
exactly the policy's decisions, a date-validated `requested` column, sheet protection with
no password, only the decision and requested cells unlocked, the CSV's rows, no formula.

Usage: check.py "LABEL=FILE.xlsx" ... [--workbooks DECISIONS FILE.xlsx ...]
DECISIONS is comma-separated, as the policy allows them (`move,stay` or `move`).
Prints each failure, then `spreadsheet: N passed, M failed`; exits 1 on any failure.
"""

import csv
import datetime
import os
import re
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


# The workbook's columns people fill in; every other cell is locked.
OPEN_COLUMNS = ("decision", "requested")


def as_csv(value):
    """A workbook cell's value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, str):
        # A control character is written `_xHHHH_` (ECMA-376), which Excel and
        # LibreOffice read back and openpyxl leaves as it is.
        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)
    return str(value)


def check_workbook(path, decisions):
    """(passed, failures) for one checklist.xlsx that cutover wrote, against the
    checklist.csv beside it and the decisions the policy allows."""
    label = path
    passed, failures = 0, []

    def expect(ok, message):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(f"{label}: {message}")

    book = openpyxl.load_workbook(path)
    expect(book.sheetnames == ["Lines", "What to do"], f"sheets {book.sheetnames}")
    sheet = book["Lines"]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    unit = os.path.basename(os.path.dirname(path))
    with open(os.path.join(os.path.dirname(path), "checklist.csv"), newline="") as f:
        records = list(csv.reader(f))
    expect(len(rows) == len(records), f"{len(rows)} rows, the CSV {len(records)}")
    expect(len(rows) > 1, "no lines")
    expect(header[0] == "unit", f"first column {header[0]!r}, not unit")
    # The CSV's columns, in its order: either file comes back as an answer.
    expect(
        header == records[0],
        f"columns {header} against the CSV's {records[0]}",
    )
    for row, record in zip(rows[1:], records[1:]):
        cells = dict(zip(header, row))
        expect(cells["unit"].value == unit, f"row {row[0].row}: unit {cells['unit'].value!r}")
        for name, want in zip(records[0], record):
            got = as_csv(cells[name].value)
            # The CSV guards a formula-looking text with an apostrophe; a workbook's text
            # cell needs no guard.
            expect(
                got == want or "'" + got == want,
                f"row {row[0].row}: {name} {got!r}, the CSV {want!r}",
            )
        for name in ("move_date", "requested"):
            c = cells.get(name)
            if c is not None and c.value is not None:
                expect(c.is_date, f"row {c.row}: {name} {c.value!r} is not a date")
        holder = cells["holder"]
        if holder.value is not None:
            expect(holder.data_type == "s", f"{holder.coordinate} is type {holder.data_type}")
        for c in row:
            want_open = header[c.column - 1] in OPEN_COLUMNS
            expect(
                c.protection.locked != want_open,
                f"{c.coordinate} ({header[c.column - 1]}) is "
                f"{'locked' if c.protection.locked else 'unlocked'}",
            )
    expect(not [c for r in rows for c in r if c.data_type == "f"], "a cell is a formula")

    expect(sheet.protection.sheet, "the sheet is not protected")
    expect(not sheet.protection.password, "the sheet has a password")
    last = len(rows)
    column = {name: openpyxl.utils.get_column_letter(header.index(name) + 1) for name in OPEN_COLUMNS}
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    decision = validations.get(f"{column['decision']}2:{column['decision']}{last}")
    expect(
        decision is not None
        and decision.type == "list"
        and decision.formula1 == '"' + ",".join(decisions) + '"',
        f"decision drop-down {decision and decision.formula1!r}, not {decisions}",
    )
    requested = validations.get(f"{column['requested']}2:{column['requested']}{last}")
    expect(requested is not None and requested.type == "date", "requested is not date-validated")

    guide = {r[0].value: r[1].value for r in book["What to do"].iter_rows() if r[0].value}
    expect(guide.get("Unit") == unit, f"the guide names unit {guide.get('Unit')!r}")
    expect(isinstance(guide.get("Answer by"), datetime.datetime), "no deadline as a date")
    expect(bool(guide.get("What to do")) and bool(guide.get("Send it to")), f"guide {guide}")
    return passed, failures


def formula_looking_holders(paths):
    """(passed, failures): that some workbook holds a holder written as a formula, as
    text, so that the checks above are about such a holder."""
    for path in paths:
        sheet = openpyxl.load_workbook(path)["Lines"]
        header = [c.value for c in next(sheet.iter_rows())]
        at = header.index("holder")
        for row in sheet.iter_rows(min_row=2):
            c = row[at]
            if isinstance(c.value, str) and c.value.startswith("=") and c.data_type == "s":
                return 1, []
    return 0, ["no workbook holds a holder starting with = as text"]


def main():
    passed, failed = 0, 0
    args = sys.argv[1:]
    workbooks = []
    if "--workbooks" in args:
        at = args.index("--workbooks")
        args, (decisions, *workbooks) = args[:at], args[at + 1 :]
        results = [check_workbook(p, decisions.split(",")) for p in workbooks]
        results.append(formula_looking_holders(workbooks))
    else:
        results = []
    for arg in args:
        label, path = arg.rsplit("=", 1)
        results.append(check(label, path))
    for ok, failures in results:
        passed += ok
        failed += len(failures)
        for f in failures:
            print(f"FAIL {f}")
    print(f"spreadsheet: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
