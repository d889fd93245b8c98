"""Release exports: every public mart as Parquet and CSV, and CSV files in NHS England's own layouts.

NHS England's layouts (methodology.md 9.2-9.3) are dbt models, one row per line of a file
(``models/exports/rpt_nhse__data_file.sql``, ``rpt_nhse__league_table_file.sql``: the file names, quartiles, ranks,
summary rows, likely ranges and ``Yes``/``No`` are theirs). This module only writes their rows: UTF-8 with BOM,
CRLF, quotes only where needed, numbers as floats (``2.0``), empty cells for nulls. The files re-land through
``oversight.landing`` unchanged.

Every CSV cell goes through :func:`oversight.sanitise.safe_csv_cell` (the one rule): text a spreadsheet would run
as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+1+1``) is written with a leading ``'``; numbers are not touched.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import duckdb

from oversight.collections import NOF_DATA_COLUMNS, NOF_LEAGUE_TABLE_COLUMNS
from oversight.errors import OversightError
from oversight.sanitise import safe_csv_cell

__all__ = ["DATA_COLUMNS", "LEAGUE_COLUMNS", "NHSE_FILE_MODELS", "export_marts", "export_nhse_layouts"]

#: The layouts landing reads are the layouts exports write (one definition, in the collection registry).
DATA_COLUMNS = list(NOF_DATA_COLUMNS)
LEAGUE_COLUMNS = list(NOF_LEAGUE_TABLE_COLUMNS)
#: The models of NHS England's files (schema ``exports``) and the header each file carries. A model's columns are
#: ``data_source, cohort, file_name, file_row`` and then the file's columns in order.
NHSE_FILE_MODELS = {"rpt_nhse__data_file": DATA_COLUMNS, "rpt_nhse__league_table_file": LEAGUE_COLUMNS}


def export_marts(con: duckdb.DuckDBPyConnection, folder: Path, marts: Sequence[str]) -> list[Path]:
    """``<folder>/parquet/<mart>.parquet`` and ``<folder>/csv/<mart>.csv`` for every mart of ``marts``.

    Rows are sorted on every column (``order by all``), so two builds of the same inputs give the same files.
    The Parquet files hold the marts as they are; in the CSV files every text column goes through
    :func:`oversight.sanitise.safe_csv_cell` (a DuckDB function of this connection that calls it).
    """
    written = []
    con.create_function(_SAFE_CELL_SQL, safe_csv_cell, [duckdb.sqltype("varchar")], duckdb.sqltype("varchar"))
    try:
        for kind, options in (("parquet", "format parquet"), ("csv", "format csv, header true")):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            for mart in marts:
                target = folder / kind / f"{mart}.{kind}"
                columns = "*" if kind == "parquet" else _safe_columns(con, mart)
                con.execute(
                    f"copy (select {columns} from marts.{mart} order by all) to '{target.as_posix()}' ({options})"
                )
                written.append(target)
    finally:
        con.remove_function(_SAFE_CELL_SQL)
    return written


_SAFE_CELL_SQL = "oversight_safe_csv_cell"


def _safe_columns(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The select list of ``mart`` with every text column passed through the safe-cell function."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [mart],
    ).fetchall()
    return ", ".join(
        f'{_SAFE_CELL_SQL}("{name}") as "{name}"' if data_type == "VARCHAR" else f'"{name}"'
        for name, data_type in columns
    )


def _cell(value: object) -> str:
    """A value as NHS England writes it: empty for null, a float as ``2.0`` / ``54.31``, text as it is."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _write(path: Path, header: Sequence[str], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows([safe_csv_cell(_cell(cell)) for cell in row] for row in rows)


def export_nhse_layouts(
    con: duckdb.DuckDBPyConnection, folder: Path, quarter: str, data_source: str = "nhse_nof"
) -> list[Path]:
    """The data file and the league table of ``quarter`` for each cohort, named as NHS England names them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for model, header in NHSE_FILE_MODELS.items():
        files: dict[str | None, list[tuple[object, ...]]] = {}
        for file_name, *row in con.execute(
            f"select * exclude (data_source, cohort, file_row) from exports.{model}"
            " where data_source = ? and quarter = ? order by file_name, file_row",
            [data_source, quarter],
        ).fetchall():
            files.setdefault(file_name, []).append(tuple(row))
        for file_name, rows in files.items():
            if file_name is None or len(rows[0]) != len(header):
                raise OversightError(
                    f"exports.{model}: rows with no file name, or not the {len(header)} columns of its layout"
                )
            _write(folder / file_name, header, rows)
            written.append(folder / file_name)
    return written
