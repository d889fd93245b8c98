"""Landing of the workforce and community returns (sickness absence CSV, staff survey and CHS workbooks) on the
real files as published, and the loaders' rejection of malformed files (file, row and column named; nothing
written). Workbook fixtures are the real workbooks with one part of their XML changed."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from oversight.collections import COLLECTIONS, match_collections
from oversight.containers import Sheet
from oversight.errors import LandingError
from oversight.landing import land

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SICKNESS = DATA / "nhs_sickness_absence"
SICKNESS_MARCH = SICKNESS / "NHS Sickness Absence rates CSV, March 2025.csv"
NSS = DATA / "nhs_staff_survey" / "NSS24 detailed spreadsheets organisational results.xlsx"
CHS = DATA / "chs_waiting_lists" / "Community-health-services-waiting-lists-2025-26-June.xlsx"
REGISTRY = REPO / "seeds"
NOW = datetime(2025, 11, 20, 9, 30, tzinfo=UTC)
NEW = [
    "nhs_sickness_absence",
    "nhs_staff_survey_people_promise",
    "nhs_staff_survey_themes",
    "chs_waiting_list_total",
    "chs_waiting_list_52_104_weeks",
    "chs_waiting_list_over_104_weeks",
]


def rows_of(landing: Path, collection: str, sql: str = "select count(*) from t") -> list[tuple[object, ...]]:
    with duckdb.connect() as con:
        con.execute(f"create view t as select * from read_parquet('{landing}/{collection}/*.parquet')")
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workforce")
    for source in (SICKNESS, NSS.parent):
        shutil.copytree(source, root / "data" / source.name)
    (root / "data" / CHS.parent.name).mkdir()  # June only: October is landed in test_cancer_workbook.py
    shutil.copy2(CHS, root / "data" / CHS.parent.name / CHS.name)
    report = land(root / "data", root / "landing", REGISTRY, now=NOW)
    assert sorted({f.collection for f in report.landed}) == sorted(NEW)
    return root / "landing"


def test_registry_appends_the_six_collections() -> None:
    assert [c.name for c in COLLECTIONS if c.name in NEW] == NEW
    assert [c.name for c in match_collections(NSS.name)] == NEW[1:3]
    assert [c.name for c in match_collections(CHS.name)] == NEW[3:]


def test_sickness_absence_lands_every_row_typed(landed: Path) -> None:
    published = list(csv.reader(io.StringIO(SICKNESS_MARCH.read_text(encoding="utf-8"), newline="")))
    march = rows_of(
        landed,
        "nhs_sickness_absence",
        "select org_code, org_type, fte_days_lost, fte_days_available, _source_line from t "
        "where month_end_date = date '2025-03-31' order by _source_line",
    )
    assert len(march) == len(published) - 1 == 280
    rdy = next(r for r in march if r[0] == "RDY")
    line = rdy[4]
    assert published[line - 1][5] == "RDY"
    assert (rdy[1], rdy[2], rdy[3]) == ("Mental Health", 8396.86378, 179885.75175)  # raw_formats 7.1 sample
    months = rows_of(landed, "nhs_sickness_absence", "select distinct _period_key from t order by 1")
    assert [m for (m,) in months] == [f"sickness-absence|2025-0{i}-{d}" for i, d in ((1, 31), (2, 28), (3, 31))]


def test_staff_survey_rows_keep_the_sheet_row_numbers(landed: Path) -> None:
    sheet = CalamineWorkbook.from_path(str(NSS)).get_sheet_by_name("THEMES").to_python()
    landed_rows = rows_of(
        landed, "nhs_staff_survey_themes", "select ods_code, staff_engagement_score, survey_year, _source_line from t"
    )
    assert len(landed_rows) == len(sheet) - 5 == 263
    for code, score, year, row in landed_rows:
        assert sheet[row - 1][0] == code  # _source_line is the sheet's own row number
        assert score == (sheet[row - 1][6] if sheet[row - 1][6] != "" else None)  # full precision
        assert year == "2024"
    rdy = next(r for r in landed_rows if r[0] == "RDY")
    assert str(rdy[1]).startswith("7.18583")  # raw_formats 7.2 sample
    concerns = rows_of(landed, "nhs_staff_survey_people_promise", "select count(raising_concerns_score) from t")
    assert concerns[0][0] > 250


def test_chs_tables_land_per_sheet_with_blanks_kept(landed: Path) -> None:
    total = rows_of(
        landed,
        "chs_waiting_list_total",
        "select organisation_type, organisation_code, a_adult_safeguarding, a_audiology, month_end_date, "
        "_source_line from t order by _source_line",
    )
    assert total[0] == ("National", None, 1550.0, 17080.0, date(2025, 6, 30), 6)
    assert total[1][:4] == ("Region", "Y61", None, 1563.0)  # blank = no submission, not zero
    assert sum(1 for r in total if r[0] == "Provider") == 143  # raw_formats 6.3
    for collection in NEW[4:]:
        assert rows_of(landed, collection)[0][0] == len(total)


# ------------------------------------------------------------------------------------------------------------
# Bad input


def _zip_edit(source: Path, member: str, edit: Callable[[str], str]) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        target = data / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                content = zin.read(item.filename)
                if item.filename == member:
                    changed = edit(content.decode("utf-8"))
                    assert changed != content.decode("utf-8")
                    content = changed.encode("utf-8")
                zout.writestr(item, content)
        return target

    return build


def _truncated(source: Path) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        target = data / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
        return target

    return build


def _sickness(edit: Callable[[str], str], name: str = SICKNESS_MARCH.name) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        target = data / "nhs_sickness_absence" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = SICKNESS_MARCH.read_bytes().decode("utf-8")
        changed = edit(text)
        assert changed != text
        target.write_bytes(changed.encode("utf-8"))
        return target

    return build


def _line(text: str, number: int, edit: Callable[[list[str]], list[str]]) -> str:
    lines = text.split("\r\n")
    lines[number - 1] = ",".join(edit(lines[number - 1].split(",")))
    return "\r\n".join(lines)


def _cell(xml: str, ref: str, text: str) -> str:
    inline = rf'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    return re.sub(rf'<c r="{ref}"([^>]*)><v>[^<]*</v></c>', inline, xml)


BAD: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "sickness_renamed_column": (
        _sickness(lambda t: t.replace("ORG_CODE", "ORGANISATION_CODE", 1)),
        ["line 1", "missing column(s) 'ORG_CODE'", "unexpected column(s) 'ORGANISATION_CODE'"],
    ),
    "sickness_extra_column": (
        _sickness(lambda t: t.replace("SICKNESS_ABSENCE_RATE_PERCENT", "SICKNESS_ABSENCE_RATE_PERCENT,NOTE", 1)),
        ["line 1", "unexpected column(s) 'NOTE'"],
    ),
    "sickness_period_format_changed": (
        _sickness(lambda t: _line(t, 7, lambda c: ["2025-03-31", *c[1:]])),
        ["line 7, column 'DATE': '2025-03-31' is not a date (dd/mm/yyyy)"],
    ),
    "sickness_not_a_number": (
        _sickness(lambda t: _line(t, 12, lambda c: [*c[:8], "n/a", *c[9:]])),
        ["line 12, column 'FTE_DAYS_LOST': 'n/a' is not a number"],
    ),
    "sickness_missing_cell": (
        _sickness(lambda t: _line(t, 20, lambda c: c[:-1])),
        ["line 20", "expected 11 columns, found 10"],
    ),
    "sickness_duplicated_organisation": (
        _sickness(lambda t: _line(t, 30, lambda c: [*c[:5], "RDY", *c[6:]])),
        ["column 'ORG_CODE': duplicate key (ORG_CODE='RDY')"],
    ),
    "sickness_two_months_in_one_file": (
        _sickness(lambda t: _line(t, 3, lambda c: ["28/02/2025", *c[1:]])),
        ["column 'DATE'", "expected one month_end_date for the file"],
    ),
    "sickness_duplicated_month_with_other_content": (
        _sickness(
            lambda t: _line(t, 2, lambda c: [*c[:8], "1.5", *c[9:]]),
            name="NHS Sickness Absence rates CSV, March 2025 (revised).csv",
        ),
        ["sickness-absence|2025-03-31"],
    ),
    "sickness_empty_file": (
        _sickness(lambda t: ""),
        ["the file is empty"],
    ),
    "staff_survey_truncated_workbook": (_truncated(NSS), ["cannot be read as a workbook"]),
    "staff_survey_missing_sheet": (
        _zip_edit(NSS, "xl/workbook.xml", lambda x: x.replace('name="THEMES"', 'name="THEMES 2024"')),
        ["has no sheet 'THEMES'"],
    ),
    "staff_survey_renamed_measure": (
        _zip_edit(NSS, "xl/sharedStrings.xml", lambda x: x.replace("Staff Engagement - score", "Engagement - score")),
        ["[sheet 'THEMES'], line 1", "missing column(s) 'Staff Engagement - score'"],
    ),
    "staff_survey_text_in_a_score": (
        _zip_edit(NSS, "xl/worksheets/sheet17.xml", lambda x: _cell(x, "G7", "7.1*")),
        ["[sheet 'THEMES'], line 7, column 'Staff Engagement - score': '7.1*' is not a number"],
    ),
    "staff_survey_duplicated_organisation": (
        _zip_edit(NSS, "xl/worksheets/sheet17.xml", lambda x: _cell(x, "A8", "0CX")),
        ["[sheet 'THEMES'], line 8, column 'ODS code': duplicate key (ODS code='0CX'): also on line 7"],
    ),
    "chs_renamed_service": (
        _zip_edit(CHS, "xl/sharedStrings.xml", lambda x: x.replace("(A) Podiatry and podiatric", "(A) Podiatry")),
        [
            "[sheet 'Table 4'], line 1",
            "missing column(s) '(A) Podiatry and podiatric surgery'",
            "unexpected column(s) '(A) Podiatry surgery'",
        ],
    ),
    "chs_month_not_in_file_name": (
        lambda data: shutil.copy2(CHS, _mkdir(data / "chs") / CHS.name.replace("June", "Q1")),
        ["does not say which month it covers"],
    ),
}


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_files_are_rejected_and_nothing_is_written(case: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SICKNESS, data / "nhs_sickness_absence")
    landing = tmp_path / "landing"
    land(data, landing, REGISTRY, now=NOW)  # the last good landing
    before = sorted((p.relative_to(landing).as_posix(), p.stat().st_mtime_ns) for p in landing.rglob("*"))
    build, expected = BAD[case]
    bad_file = Path(build(data))
    with pytest.raises(LandingError) as caught:
        land(data, landing, REGISTRY, now=NOW)
    message = str(caught.value)
    assert bad_file.name in message
    for fragment in expected:
        assert fragment in message, message
    after = sorted((p.relative_to(landing).as_posix(), p.stat().st_mtime_ns) for p in landing.rglob("*"))
    assert after == before


def test_sheet_keeps_row_numbers_and_makes_repeated_headers_unique(tmp_path: Path) -> None:
    converted = Sheet("THEMES", header_row=5, qualify_repeated=True).extract(NSS, tmp_path)
    lines = converted.path.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    assert header[6:8] == ["Staff Engagement - score", "Staff Engagement - Base (number of responses)"]
    assert converted.line_offset == 4  # header on row 5: data line n is sheet row n + 4
    assert lines[1].startswith("0AR,NHS North of England CSU,CSUs,-,-,Unweighted,6.362526248516388,1217,")


class _NameOnly:
    """A FileContext stand-in for rules that read only the file name."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, line: int | None, field_names: list[str], message: str) -> None:
        raise LandingError(message)


@pytest.mark.parametrize(
    ("name", "month_end"),
    [
        ("Community-health-services-waiting-lists-2025-26-June.xlsx", date(2025, 6, 30)),
        ("Community-health-services-waiting-lists-2025-26-December.xlsx", date(2025, 12, 31)),
        # January-March belong to the second calendar year of the financial year
        ("Community-health-services-waiting-lists-2025-26-February-revised.xlsx", date(2026, 2, 28)),
        ("Community-health-services-waiting-lists-2023-24-February.xlsx", date(2024, 2, 29)),
    ],
)
def test_chs_month_comes_from_the_financial_year_in_the_file_name(name: str, month_end: date) -> None:
    from oversight.collections_workforce_community import FinancialYearMonthInFileName

    assert FinancialYearMonthInFileName("month_end_date").resolve(_NameOnly(name)) == month_end
