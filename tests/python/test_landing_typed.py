"""Single-pass landing (issue 15): a file is read once, typed, by DuckDB's CSV reader; a file that read does not
take whole goes the text way, which names each problem. These tests hold the two ways to the same result: the
same Parquet content for every embedded file, and today's message for the inputs only the text way can judge.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from oversight.errors import LandingError
from oversight.landing import _Stager, land

REPO = Path(__file__).resolve().parents[2]
AE_MAY = REPO / "data" / "nhse_ae" / "Monthly-AE-May-2025.csv"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
TEXT_WAY = "read the text way"


def _contents(landing: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every landed Parquet's rows in order, all columns but ``_landed_at``, with its column names and types."""
    out = {}
    with duckdb.connect() as con:
        for parquet in sorted(landing.rglob("*.parquet")):
            query = f"SELECT * EXCLUDE (_landed_at) FROM read_parquet('{parquet}')"
            described = con.execute(f"DESCRIBE {query}").fetchall()
            out[str(parquet.relative_to(landing))] = [tuple(described), *con.execute(query).fetchall()]
    return out


def test_typed_and_text_ways_land_the_same_parquet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    data = REPO / "data"
    with caplog.at_level(logging.DEBUG, logger="oversight.landing"):
        land(data, tmp_path / "typed", now=NOW)
    text_way = {r.getMessage().split(": read the text way")[0] for r in caplog.records if TEXT_WAY in r.message}
    monkeypatch.setattr(_Stager, "_stage_typed", lambda *args, **kwargs: None)
    land(data, tmp_path / "text", now=NOW)
    typed, text = _contents(tmp_path / "typed"), _contents(tmp_path / "text")
    assert typed.keys() == text.keys() and len(typed) > 20
    assert [name for name in typed if typed[name] != text[name]] == []
    # The typed read took the big CSVs (RTT, A&E monthly, MHSDS): the comparison above compared the two ways.
    assert not any("Monthly-AE-" in name or "RTT-" in name or "MHSDS Data_" in name for name in text_way), text_way


def _ae_with(tmp_path: Path, line: int, column: str, value: str) -> Path:
    data = tmp_path / "data"
    (data / "nhse_ae").mkdir(parents=True)
    target = data / "nhse_ae" / AE_MAY.name
    shutil.copy2(AE_MAY, target)
    raw = target.read_bytes()
    ending = b"\r\n" if b"\r\n" in raw else b"\n"
    rows = raw.split(ending)
    header = rows[0].decode("utf-8-sig").split(",")
    cells = rows[line - 1].split(b",")
    cells[header.index(column)] = value.encode()
    rows[line - 1] = b",".join(cells)
    target.write_bytes(ending.join(rows))
    return data


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # DuckDB's typed reader takes '1_000' for 1000 and 'inf', 'nan', '1e309' as numbers: the landing does not.
        ("1_000", "'1_000' is not a number"),
        ("inf", "'inf' is not a number"),
        ("nan", "'nan' is not a number"),
        ("1e309", "'1e309' is not a number (too large: it would be infinite)"),
        # The typed reader rejects these; the text way lands a thousands separator and names the rest.
        ("0x10", "'0x10' is not a number"),
        ("12 3", "'12 3' is not a number"),
    ],
)
def test_numbers_only_the_text_way_judges(tmp_path: Path, value: str, message: str) -> None:
    column = "A&E attendances Type 1"
    data = _ae_with(tmp_path, 5, column, value)
    with pytest.raises(LandingError) as caught:
        land(data, tmp_path / "landing", now=NOW)
    assert f"line 5, column '{column}': {message}" in str(caught.value)


def test_a_thousands_separator_lands_as_its_number(tmp_path: Path) -> None:
    column = "A&E attendances Type 1"
    data = _ae_with(tmp_path, 5, column, '"1,234"')
    land(data, tmp_path / "landing", now=NOW)
    parquet = next((tmp_path / "landing").rglob("*.parquet"))
    with duckdb.connect() as con:
        row = con.execute("SELECT att_type1 FROM read_parquet(?) WHERE _source_line = 5", [str(parquet)]).fetchone()
    assert row == (1234.0,)
