"""Landing of the Cancer Waiting Times monthly provider workbooks (August and September 2025, real files in
data/nhse_cwt/) and the October 2025 community waiting-list workbook, and the rejection of a malformed
workbook with file, sheet, row and column named."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from oversight.collections import match_collections
from oversight.errors import LandingError
from oversight.landing import land
from oversight_dev.synthetic import _Sheet, _write_xlsx

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SEEDS = REPO / "seeds"
AUGUST = DATA / "nhse_cwt" / "AUGUST-2025-CWT-CRS-PROVIDER-WORKBOOK-FINAL.xlsx"
SEPTEMBER = DATA / "nhse_cwt" / "SEPTEMBER-2025-CWT-CRS-PROVIDER-WORKBOOK-FINAL.xlsx"
CHS_OCTOBER = DATA / "chs_waiting_lists" / "Community-health-services-waiting-lists-2025-26-October.xlsx"
FDS_SHEET = "28-DAY FDS (ALL ROUTES)"
SIXTY_TWO_SHEET = "62-DAY (ALL CANCER)"


def query(sql: str) -> list[tuple[object, ...]]:
    return duckdb.connect().execute(sql).fetchall()


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cwt_workbooks")
    data = root / "data"
    data.mkdir()
    for path in (AUGUST, SEPTEMBER, CHS_OCTOBER):
        shutil.copyfile(path, data / path.name)
    report = land(data, root / "landing", SEEDS)
    assert len(report.landed) == 7 and not report.ignored  # 2 x 2 cancer sheets + 3 CHS tables
    return root / "landing"


def rows(landing: Path, collection: str, where: str = "true", columns: str = "count(*)") -> list[tuple[object, ...]]:
    return query(f"SELECT {columns} FROM read_parquet('{landing}/{collection}/*.parquet') WHERE {where}")


def test_file_names_claim_both_cancer_sheets() -> None:
    names = [c.name for c in match_collections("OCTOBER-2025-CWT-CRS-PROVIDER-WORKBOOK-FINAL.xlsx")]
    assert names == ["nhse_cwt_workbook_fds", "nhse_cwt_workbook_62_day"]
    assert match_collections("OCTOBER-2025-CWT-CRS-COMMISSIONER-WORKBOOK-FINAL.xlsx") == []


def test_workbook_rows_periods_and_lineage(landed: Path) -> None:
    # FDS all routes: 142 (Aug) and 143 (Sep) providers + one national row without an ODS code.
    fds = query(
        "SELECT period::varchar, count(*), count(org_code) "
        f"FROM read_parquet('{landed}/nhse_cwt_workbook_fds/*.parquet') GROUP BY 1"
    )
    assert sorted(fds) == [("2025-08-01", 143, 142), ("2025-09-01", 144, 143)]
    # 62-day Part A: 149 / 150 providers (shared/data/real SOURCES.md); the repeated headers of Parts B-E skipped.
    part_a = query(
        f"SELECT period::varchar, count(org_code) FROM read_parquet('{landed}/nhse_cwt_workbook_62_day/*.parquet') "
        "WHERE referral_route = 'ALL ROUTES' GROUP BY 1"
    )
    assert sorted(part_a) == [("2025-08-01", 149), ("2025-09-01", 150)]
    # Airedale's rows sit on sheet row 10 of both sheets (header on row 9); its August 62-day figures as published.
    assert rows(landed, "nhse_cwt_workbook_fds", "org_code = 'RCF' AND period = '2025-08-01'", "_source_line") == [
        (10,)
    ]
    rcf = rows(
        landed,
        "nhse_cwt_workbook_62_day",
        "org_code = 'RCF' AND period = '2025-08-01' AND referral_route = 'ALL ROUTES'",
        "_source_line, total_treated, within_standard, breaches",
    )
    assert rcf == [(10, 89.0, 71.0, 18.0)]


def test_october_community_waits_land_as_a_month(landed: Path) -> None:
    found = rows(
        landed,
        "chs_waiting_list_total",
        "organisation_type = 'Provider'",
        "min(month_end_date)::varchar, max(month_end_date)::varchar, count(*)",
    )
    assert found == [("2025-10-31", "2025-10-31", 139)]


def _copy_of_august(target: Path, *, period: str = "Aug-25", drop_sheet: str | None = None) -> None:
    """The August workbook's two landed sheets re-written (numbers and text as read), row 2 replaced by ``period``."""
    workbook = CalamineWorkbook.from_path(str(AUGUST))
    sheets = []
    for name in (FDS_SHEET, SIXTY_TWO_SHEET):
        if name == drop_sheet:
            continue
        grid = [list(r) for r in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        grid[1][0] = period
        sheets.append(_Sheet(name, [[c if c != "" else None for c in r] for r in grid]))
    _write_xlsx(target, sheets)


def test_a_workbook_whose_title_row_is_not_a_month_is_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _copy_of_august(data / AUGUST.name, period="August 2025")
    with pytest.raises(LandingError) as info:
        land(data, tmp_path / "landing", SEEDS)
    message = str(info.value)
    assert f"{AUGUST.name} [sheet '{FDS_SHEET}'], line 10, column 'Title Period'" in message
    assert "Mon-yy" in message
    assert not (tmp_path / "landing" / "nhse_cwt_workbook_fds").exists()


def test_a_workbook_without_the_62_day_sheet_is_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _copy_of_august(data / AUGUST.name, drop_sheet=SIXTY_TWO_SHEET)
    with pytest.raises(LandingError) as info:
        land(data, tmp_path / "landing", SEEDS)
    assert f"has no sheet '{SIXTY_TWO_SHEET}'" in str(info.value)
