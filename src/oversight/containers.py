"""Files that are not plain CSV: a sheet of a spreadsheet (XLSX/XLS/XLSB) or a CSV inside a ZIP.

A collection with a ``container`` hands the landing step a plain CSV written into a scratch folder; the
generic CSV code then validates and types it. The CSV's first line is the header; a data line plus
``line_offset`` is the row (sheet) or line (ZIP member) in the original, which is what ``_source_line`` and
error messages name, and the file is named with the sheet or ZIP member it came from, e.g.
``file.xlsx [sheet 'THEMES'], line 7, column '...'``. Spreadsheets are read with ``python-calamine``
(DuckDB's excel extension cannot be downloaded here). One workbook may feed several collections, one per
sheet (:func:`oversight.collections.match_collections`).
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

__all__ = ["Container", "ContainerError", "Converted", "Sheet", "ZipMember", "cell_text", "qualify_repeated_names"]


class ContainerError(Exception):
    """The file cannot be opened or does not hold the expected sheet or member; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Converted:
    """A plain CSV produced from a container file."""

    path: Path
    #: Added to a data line's number (line 2 on; line 1 is the header) to give the row (sheet) or line (ZIP
    #: member) in the original.
    line_offset: int
    #: Where in the original file the rows come from, e.g. ``sheet 'Provider'``.
    where: str


class Container(Protocol):
    def extract(self, path: Path, scratch: Path) -> Converted: ...


def cell_text(value: object) -> str:
    """One spreadsheet cell as CSV text: integers without ``.0``, other floats round-trip exact, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value.total_seconds())
    return str(value)


def qualify_repeated_names(header: list[str]) -> list[str]:
    """Make a header name the sheet repeats unique by prefixing the code of the column before it.

    The staff survey's ``Base (number of responses)`` follows every score: ``PP3_2 - score`` then
    ``PP3_2 - Base (number of responses)`` (the code is the text before the first `` - ``). Every occurrence of
    a repeated name is qualified; a name after a blank header cell is left as it is.
    """
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


@dataclass(frozen=True)
class Sheet:
    """One sheet of an XLSX/XLS/XLSB file, by name, whose header row is fixed or found by content.

    Give exactly one of ``header_row`` (1-based, e.g. the staff survey's row 5) and ``header_cell`` (the header
    row is the first row holding a cell equal to it, trimmed and case-insensitive).
    With ``group_row``, the row above holds group labels (merged cells: carried right until the next label)
    and each column is named ``<group> | <name>``. With ``qualify_repeated``, a repeated header name is
    made unique (:func:`qualify_repeated_names`). Columns whose header and every cell are blank (spacers) are
    dropped; another blank header is named ``Unnamed <n>`` (n = 1-based column in the sheet's used range).
    ``keep_columns`` (if set) keeps only those header names, in the sheet's order, for very wide sheets.
    ``section_labels`` are rows between blocks of data, e.g. ``Raw data``, skipped like blank rows.
    ``filler_rows_blank_in`` names a kept column: a row blank there whose other kept cells are all blank or 0
    is template filler past the data (e.g. formula rows under A&E's 'Acute Trust Mapping') and is skipped like
    a blank row; a row blank there that carries any other value is still written (and fails its checks).
    ``title_fields`` copies a title-block value (the first non-blank cell right of a cell equal to the label,
    above the header) into a new column on every row, e.g. ``("Period:", "Title Period")``; ``title_rows`` copies
    the first non-blank cell of an unlabelled title row (1-based, above the header), e.g. the cancer workbooks'
    row 2 ``Aug-25``: ``((2, "Title Period"),)``.
    Blank rows are written as blank lines, so every data line keeps its sheet row (``line_offset``).
    """

    sheet: str
    header_cell: str | None = None
    header_row: int | None = None
    group_row: bool = False
    qualify_repeated: bool = False
    keep_columns: tuple[str, ...] = ()
    title_fields: tuple[tuple[str, str], ...] = ()
    #: Section-label rows inside the data (a label in the first cell, the rest blank) are skipped.
    section_labels: tuple[str, ...] = ()
    title_rows: tuple[tuple[int, str], ...] = ()
    #: Sections that repeat the header row (and the group-label row above it) are read past: such rows are
    #: skipped like blank rows (the cancer workbooks' Parts A-E).
    skip_repeated_header: bool = False
    filler_rows_blank_in: str | None = None

    def __post_init__(self) -> None:
        if (self.header_cell is None) == (self.header_row is None):
            raise ValueError(f"sheet '{self.sheet}': give exactly one of header_cell and header_row")
        if self.header_row is not None and self.header_row < 1:
            raise ValueError(f"sheet '{self.sheet}': header_row is 1-based, got {self.header_row}")
        if any(row < 1 for row, _ in self.title_rows):
            raise ValueError(f"sheet '{self.sheet}': title_rows are 1-based, got {self.title_rows}")

    def extract(self, path: Path, scratch: Path) -> Converted:
        from python_calamine import CalamineWorkbook  # imported lazily: only spreadsheet collections need it

        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for every unreadable file
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ContainerError(f"cannot be opened as a spreadsheet (cannot be read as a workbook: {first})") from None
        if self.sheet not in workbook.sheet_names:
            raise ContainerError(f"has no sheet '{self.sheet}' (sheets: {', '.join(workbook.sheet_names)})")
        try:
            rows = workbook.get_sheet_by_name(self.sheet).to_python(skip_empty_area=False)
        except Exception as exc:
            raise ContainerError(f"sheet '{self.sheet}' cannot be read: {exc}") from None
        header_index = self._header_index(rows)
        width = max(len(r) for r in rows)
        grid = [[cell_text(c) for c in r] + [""] * (width - len(r)) for r in rows]
        header = [h.strip() for h in grid[header_index]]
        if self.group_row and header_index > 0:
            group, groups = "", []
            for cell in grid[header_index - 1]:
                group = cell.strip() or group
                groups.append(group)
            header = [f"{g} | {h}" if g and h else h for g, h in zip(groups, header, strict=True)]
        if self.qualify_repeated:
            header = qualify_repeated_names(header)
        body = grid[header_index + 1 :]
        keep = []
        for i, name in enumerate(header):
            if not name and all(not row[i].strip() for row in body):
                continue  # spacer column
            keep.append(i)
        header = [name or f"Unnamed {i + 1}" for i, name in enumerate(header)]
        if self.keep_columns:
            wanted_names = {c.casefold() for c in self.keep_columns}
            first_at: dict[str, int] = {}
            for i in keep:  # a wide sheet may repeat a name further right: keep its first occurrence
                first_at.setdefault(header[i].casefold(), i)
            keep = sorted(i for name, i in first_at.items() if name in wanted_names)
        extra_values = [self._title_value(grid[:header_index], label) for label, _ in self.title_fields]
        filler_at = None
        if self.filler_rows_blank_in is not None:
            kept_names = [header[i].casefold() for i in keep]
            if self.filler_rows_blank_in.casefold() not in kept_names:
                raise ContainerError(f"sheet '{self.sheet}' has no column '{self.filler_rows_blank_in}'", 1)
            filler_at = kept_names.index(self.filler_rows_blank_in.casefold())
        for row_number, name in self.title_rows:
            if row_number > header_index:
                raise ContainerError(
                    f"sheet '{self.sheet}': title row {row_number} ({name}) is not above the header", 1
                )
            extra_values.append(next((v.strip() for v in grid[row_number - 1] if v.strip()), ""))
        extra_names = [name for _, name in self.title_fields] + [name for _, name in self.title_rows]
        out = scratch / f"{path.stem}.{re.sub(r'[^A-Za-z0-9]+', '_', self.sheet)}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([header[i] for i in keep] + extra_names)
            labels = {label.casefold() for label in self.section_labels}
            repeated = [grid[header_index]] + ([grid[header_index - 1]] if header_index > 0 else [])
            repeated = [[c.strip() for c in r] for r in repeated if any(c.strip() for c in r)]
            for row in body:
                values = [row[i] for i in keep]
                filled = [v.strip() for v in row if v.strip()]
                if len(filled) == 1 and row[0].strip().casefold() in labels:
                    values = []
                if self.skip_repeated_header and [c.strip() for c in row] in repeated:
                    values = []
                filler = filler_at is not None and values and not values[filler_at].strip()
                if filler and all(v.strip() in ("", "0") for v in values):
                    values = []
                if any(v.strip() for v in values):
                    writer.writerow(values + extra_values)
                else:
                    handle.write("\n")  # keep line numbers aligned with sheet rows
        return Converted(out, header_index, f"sheet '{self.sheet}'")

    def _header_index(self, rows: Sequence[Sequence[object]]) -> int:
        """0-based index of the header row; ContainerError (line 1, the header) if there is none."""
        if self.header_row is not None:
            index = self.header_row - 1
            if index < len(rows) and any(cell_text(c).strip() for c in rows[index]):
                return index
            raise ContainerError(f"sheet '{self.sheet}' has no header row (row {self.header_row} is empty)", 1)
        wanted = str(self.header_cell).strip().casefold()
        for i, row in enumerate(rows):
            if any(cell_text(c).strip().casefold() == wanted for c in row):
                return i
        raise ContainerError(f"sheet '{self.sheet}' has no header row (no cell '{self.header_cell}')", 1)

    @staticmethod
    def _title_value(rows: list[list[str]], label: str) -> str:
        for row in rows:
            for i, cell in enumerate(row):
                if cell.strip().casefold() == label.strip().casefold():
                    return next((v.strip() for v in row[i + 1 :] if v.strip()), "")
        return ""


@dataclass(frozen=True)
class ZipMember:
    """The single CSV member of a ZIP whose name matches ``member_pattern`` (case-insensitive).

    A file that is itself named like the member (the CSV as extracted from the ZIP, which is what
    ``oversight fetch`` writes) is read as it is: ``where`` is then empty.
    """

    member_pattern: str = r".+\.csv"

    def extract(self, path: Path, scratch: Path) -> Converted:
        if re.fullmatch(self.member_pattern, path.name, flags=re.IGNORECASE):
            return Converted(path, 0, "")
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if re.fullmatch(self.member_pattern, n, flags=re.IGNORECASE)]
                if len(names) != 1:
                    raise ContainerError(
                        f"expected one member matching {self.member_pattern}, found {names or 'none'} "
                        f"(members: {', '.join(archive.namelist()) or 'none'})"
                    )
                out = scratch / Path(names[0]).name
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(names[0]) as source, out.open("wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise ContainerError(f"is not a readable ZIP (truncated or corrupt?): {exc}") from None
        except zipfile.error as exc:  # pragma: no cover - other zipfile failures
            raise ContainerError(f"cannot be read as a ZIP: {exc}") from None
        return Converted(out, 0, f"member '{names[0]}'")
