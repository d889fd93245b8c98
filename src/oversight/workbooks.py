"""Read one sheet of a published spreadsheet (xlsx, xls, xlsb) as the CSV the generic landing code reads.

NHS England publishes some collections only as spreadsheets (the NHS Staff Survey detailed results, the
community health services waiting lists). DuckDB's excel extension cannot be installed on the team's
machines, so the sheet is read with python-calamine and written to a scratch CSV that keeps the sheet's row
numbers: the header row becomes line 1 and data row ``r`` stays on line ``r`` (the rows between are written
blank, which the landing code skips while counting them), so every problem the landing code reports names
the sheet's own row.

Cells are written as text: numbers with Python's shortest round-trip ``repr`` (no precision lost), dates in
ISO format, empty cells empty. A header name the sheet repeats (the staff survey's ``Base (number of
responses)`` after every score) is made unique by prefixing the code of the column before it:
``PP3_2 - score`` then ``PP3_2 - Base (number of responses)``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from python_calamine import CalamineWorkbook

from oversight.errors import LandingError, LandingProblem

__all__ = ["SheetSpec", "sheet_to_csv"]


@dataclass(frozen=True)
class SheetSpec:
    """Where a collection's table sits in a workbook: sheet name and 1-based header row."""

    sheet: str
    header_row: int

    def describe(self, display: str) -> str:
        return f"{display} [sheet '{self.sheet}']"


def _cell_text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value.total_seconds())
    return str(value)


def _unique_header(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for name in header:
        key = name.strip().casefold()
        seen[key] = seen.get(key, 0) + 1
    out: list[str] = []
    for i, name in enumerate(header):
        if name.strip() and seen[name.strip().casefold()] > 1 and i > 0 and out[i - 1].strip():
            code = out[i - 1].split(" - ", 1)[0].strip()
            out.append(f"{code} - {name.strip()}")
        else:
            out.append(name)
    return out


def sheet_to_csv(path: Path, display: str, spec: SheetSpec, target: Path) -> None:
    """Write ``spec``'s sheet of the workbook at ``path`` to ``target`` (UTF-8 CSV, LF), keeping row numbers.

    Raises:
        LandingError: the file is not a readable workbook, lacks the sheet, or the sheet has no header row.
    """
    where = spec.describe(display)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every unreadable file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LandingError([LandingProblem(display, None, (), f"cannot be read as a workbook: {first}")]) from None
    if spec.sheet not in workbook.sheet_names:
        raise LandingError(
            [
                LandingProblem(
                    display,
                    None,
                    (),
                    f"the workbook has no sheet '{spec.sheet}' (sheets: {', '.join(workbook.sheet_names)})",
                )
            ]
        )
    try:
        rows = workbook.get_sheet_by_name(spec.sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise LandingError([LandingProblem(where, None, (), f"the sheet cannot be read: {exc}")]) from None
    if len(rows) < spec.header_row or not any(_cell_text(c).strip() for c in rows[spec.header_row - 1]):
        raise LandingError(
            [LandingProblem(where, spec.header_row, (), f"no header on row {spec.header_row} (the sheet is empty)")]
        )
    header = _unique_header([_cell_text(c) for c in rows[spec.header_row - 1]])
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1  # trailing empty header cells: formatting, not columns
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header[:width])
        handle.write("\n" * (spec.header_row - 1))
        for row in rows[spec.header_row :]:
            cells = [_cell_text(c) for c in row]
            if not any(c.strip() for c in cells):
                handle.write("\n")
                continue
            if any(c.strip() for c in cells[width:]):
                extra = next(i for i in range(width, len(cells)) if cells[i].strip())
                writer.writerow(cells[:width] + cells[width : extra + 1])  # reported as a layout error
            else:
                writer.writerow(cells[:width] + [""] * (width - len(cells)))
