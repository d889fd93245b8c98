"""Landing of the acute-sector returns (oversight.collections_acute) on the real files in data/, and the
rejection of malformed ones: truncated ZIP, empty file, renamed or missing column, a file of the wrong
collection, a duplicated month, mixed periods. Every error must name the file, the line/row and the column,
and leave the landing directory untouched."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from oversight.collections import match_collection, match_collections
from oversight.containers import ContainerError, Sheet, cell_text
from oversight.errors import LandingError
from oversight.landing import land

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SEEDS = REPO / "seeds"
AE_JUNE = DATA / "nhse_ae" / "Monthly-AE-June-2025-1-1.csv"
AE_JULY = DATA / "nhse_ae" / "July-2025-CSV-9jfy4.csv"
AE_XLSX = DATA / "nhse_ae" / "June-2025-AE-by-provider-3euC4-1.xlsx"
CWT = DATA / "nhse_cwt" / "CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx"
AMBSYS_CSV = DATA / "nhse_ambsys" / "AmbSYS-to-Apr-2026__excerpt.csv"
AMBSYS_XLSX = DATA / "nhse_ambsys" / "AmbSYS-Time-Series-until-20250831.xlsx"
DM01_JUNE = DATA / "nhse_dm01" / "Monthly-Diagnostics-Web-File-Provider-June-2025_45KNG.xls"
DM01_ZIP = DATA / "nhse_dm01" / "DM01-MARCH-2026-full-extract_32W3L.zip"


def query(sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    return duckdb.connect().execute(sql, params or []).fetchall()


def stage(tmp_path: Path, *files: tuple[Path | bytes, str]) -> Path:
    """A data folder with the given files (a real path to copy, or bytes) under the given names."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    for content, name in files:
        target = folder / name
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
    return folder


def rejected(data: Path, tmp_path: Path) -> str:
    """Land ``data`` into a landing dir that already holds a good landing; it must fail and change nothing."""
    landing = tmp_path / "landing"
    good = tmp_path / "good"
    good.mkdir(exist_ok=True)
    shutil.copyfile(AE_JULY, good / AE_JULY.name)
    land(good, landing, SEEDS)
    before = sorted((p.relative_to(landing).as_posix(), p.stat().st_mtime_ns) for p in landing.rglob("*"))
    with pytest.raises(LandingError) as info:
        land(data, landing, SEEDS)
    after = sorted((p.relative_to(landing).as_posix(), p.stat().st_mtime_ns) for p in landing.rglob("*"))
    assert after == before, "a rejected file must leave the landing directory untouched"
    return str(info.value)


# ------------------------------------------------------------------------------------------------------------
# Real files


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("acute")
    data = root / "data"
    data.mkdir()
    for path in (AE_JUNE, AE_XLSX, CWT, AMBSYS_CSV, AMBSYS_XLSX, DM01_JUNE, DM01_ZIP):
        shutil.copyfile(path, data / path.name)
    report = land(data, root / "landing", SEEDS)
    assert len(report.landed) == 7 and not report.ignored
    return root / "landing"


def count(landing: Path, collection: str, where: str = "true") -> int:
    return int(query(f"SELECT count(*) FROM read_parquet('{landing}/{collection}/*.parquet') WHERE {where}")[0][0])


def test_real_acute_files_land_with_their_rows(landed: Path) -> None:
    # A&E June 2025: 201 organisations + the footer total row (raw_formats 1.1).
    assert count(landed, "nhse_ae_monthly") == 202
    assert count(landed, "nhse_ae_monthly", "period = 'TOTAL'") == 1
    # XLSX Provider Level Data: England + 201 providers, percentages '-' -> NULL where no attendances.
    assert count(landed, "nhse_ae_provider_xlsx") == 202
    assert count(landed, "nhse_ae_provider_xlsx", "code IS NULL AND name = 'England'") == 1
    assert count(landed, "nhse_ae_provider_xlsx", "pct_within_4_hours_all IS NULL") == 10  # '-' markers
    # CWT Apr-Jul 2025: 41,013 rows; '' and NULL modality both NULL; fractional counts kept.
    assert count(landed, "nhse_cwt_provider") == 41013
    assert count(landed, "nhse_cwt_provider", "total_treated <> floor(total_treated)") > 0
    # AmbSYS excerpt: 6 rows; '.' is NULL (England A112 is '.', raw_formats 4.1).
    assert count(landed, "nhse_ambsys") == 6
    # AmbSYS time series: England + 7 regions + 11 trusts per month, Aug 2017 - Aug 2025 (97 months)...
    assert count(landed, "nhse_ambsys_time_series", "concatenated = '2025-26AUGUSTRX8'") == 1
    # DM01 June 2025 provider sheet: England total + providers; the full extract: 149,057 rows (16 tests).
    assert count(landed, "nhse_dm01_provider", "provider_name = 'Total' AND provider_code IS NULL") == 1
    assert count(landed, "nhse_dm01_full_extract") == 149056


def test_sheet_rows_keep_their_row_numbers(landed: Path) -> None:
    # Lineage points at the sheet row: Bedfordshire (RC9) is on row 19 of 'Provider Level Data' (1.2) and
    # DM01's England total on row 15 of 'Provider' (5.1).
    rc9 = query(f"SELECT _source_line FROM read_parquet('{landed}/nhse_ae_provider_xlsx/*.parquet') WHERE code = 'RC9'")
    assert rc9 == [(19,)]
    total = query(
        f"SELECT _source_line FROM read_parquet('{landed}/nhse_dm01_provider/*.parquet') WHERE provider_code IS NULL"
    )
    assert total == [(15,)]


@pytest.mark.parametrize(
    ("name", "collection"),
    [
        ("Monthly-AE-March-2026-revised-flkg42.csv", "nhse_ae_monthly"),
        ("July-2025-CSV-9jfy4.csv", "nhse_ae_monthly"),
        ("August-2025-CSV-g5tyh-v2.0.csv", "nhse_ae_monthly"),
        ("Monthly-AE-Nov-25-CSV-revised.csv", "nhse_ae_monthly"),
        ("June-2025-AE.csv", None),  # the DERIVED sheet-as-CSV export (raw_formats 1.3) is not landed
        ("June-2025-AE-by-provider-3euC4-1.xlsx", "nhse_ae_provider_xlsx"),
        ("CWT-CRS-Apr-2024-to-Sep-2024-Data-Extract-Provider-Final.xlsx", "nhse_cwt_provider"),
        ("AmbSYS-to-Jun-2026-b4Uah.csv", "nhse_ambsys"),
        ("AmbSYS-for-December-2022.csv", "nhse_ambsys"),
        ("Monthly-Diagnostics-Web-File-Provider-May-2025.xls", "nhse_dm01_provider"),
        ("DM01-MARCH-2026-full-extract_32W3L.zip", "nhse_dm01_full_extract"),
        ("DM01-MARCH-2026-full-extract-CDC_x.zip", None),
        ("Full-CSV-data-file-Mar26-ZIP-4M-Dc1i9U.zip", "nhse_rtt_full_extract"),
    ],
)
def test_publisher_file_names(name: str, collection: str | None) -> None:
    found = match_collection(name)
    assert (found.name if found else None) == collection


def test_cell_text_round_trips_numbers_and_dates() -> None:
    from datetime import date

    assert cell_text(16839.0) == "16839"
    assert cell_text(0.7324813041585883) == "0.7324813041585883"
    assert cell_text(4.5) == "4.5"
    assert cell_text(date(2025, 4, 1)) == "2025-04-01"
    assert cell_text(None) == ""


# ------------------------------------------------------------------------------------------------------------
# Malformed files


def test_truncated_zip_is_rejected(tmp_path: Path) -> None:
    data = stage(tmp_path, (DM01_ZIP.read_bytes()[: DM01_ZIP.stat().st_size // 2], DM01_ZIP.name))
    message = rejected(data, tmp_path)
    assert DM01_ZIP.name in message and "not a readable ZIP" in message


def test_zip_without_the_expected_member_is_rejected(tmp_path: Path) -> None:
    archive = tmp_path / DM01_ZIP.name
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "nothing here")
    message = rejected(stage(tmp_path, (archive, DM01_ZIP.name)), tmp_path)
    assert "expected one member" in message and "readme.txt" in message


@pytest.mark.parametrize(
    "name",
    [
        AE_JUNE.name,
        AE_XLSX.name,
        CWT.name,
        AMBSYS_CSV.name,
        AMBSYS_XLSX.name,
        DM01_JUNE.name,
        DM01_ZIP.name,
        "Full-CSV-data-file-Mar26-ZIP-4M-Dc1i9U.zip",
    ],
)
def test_empty_file_is_rejected(name: str, tmp_path: Path) -> None:
    message = rejected(stage(tmp_path, (b"", name)), tmp_path)
    assert name in message and "line 1" in message and "empty" in message


def test_renamed_column_is_rejected_naming_line_and_column(tmp_path: Path) -> None:
    text = AE_JUNE.read_bytes().replace(b",Org Code,", b",Org Kode,", 1)
    message = rejected(stage(tmp_path, (text, AE_JUNE.name)), tmp_path)
    assert f"{AE_JUNE.name}, line 1" in message
    assert "missing column(s) 'Org Code'" in message and "unexpected column(s) 'Org Kode'" in message


def test_missing_column_is_rejected(tmp_path: Path) -> None:
    lines = AE_JUNE.read_bytes().split(b"\r\n")
    cut = b"\r\n".join(line.rsplit(b",", 1)[0] if line else line for line in lines)
    message = rejected(stage(tmp_path, (cut, AE_JUNE.name)), tmp_path)
    assert "line 1" in message and "missing column(s) 'Other emergency admissions'" in message


def test_file_of_another_collection_under_a_known_name_is_rejected(tmp_path: Path) -> None:
    # An A&E CSV where AmbSYS is expected, an A&E workbook named like a cancer extract, and a DM01 .xls
    # workbook saved as .xlsx.
    message = rejected(
        stage(
            tmp_path,
            (AE_JUNE, "AmbSYS-to-Jun-2025.csv"),
            (AE_XLSX, "CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx"),
            (DM01_JUNE, "Monthly-Diagnostics-Web-File-Provider-June-2025.xlsx"),
        ),
        tmp_path,
    )
    assert "AmbSYS-to-Jun-2025.csv, line 1" in message and "header matches no known nhse_ambsys layout" in message
    assert "has no sheet 'CWT CRS Provider Extract'" in message
    assert "June-2025.xlsx: cannot be opened as a spreadsheet" in message


def test_duplicated_month_is_rejected(tmp_path: Path) -> None:
    # A revised June next to the original: same period, different bytes.
    revised = AE_JUNE.read_bytes().replace(b"MSitAE-JUNE-2025,RJ1,", b"MSitAE-JUNE-2025,RJ1,", 1)
    revised = revised.replace(b"\r\nTOTAL", b"\r\nTOTAL ", 1)
    assert revised != AE_JUNE.read_bytes()
    message = rejected(
        stage(tmp_path, (AE_JUNE, AE_JUNE.name), (revised, "Monthly-AE-June-2025-revised.csv")), tmp_path
    )
    assert "holds the same nhse_ae_monthly period 'ae-monthly|MSitAE-JUNE-2025'" in message


def test_mixed_periods_in_one_file_are_rejected(tmp_path: Path) -> None:
    text = AE_JUNE.read_bytes().replace(b"MSitAE-JUNE-2025,RJ1,", b"MSitAE-MAY-2025,RJ1,", 1)
    message = rejected(stage(tmp_path, (text, AE_JUNE.name)), tmp_path)
    line = 1 + AE_JUNE.read_bytes().split(b"\r\n").index(
        next(x for x in AE_JUNE.read_bytes().split(b"\r\n") if x.startswith(b"MSitAE-JUNE-2025,RJ1,"))
    )
    assert f"line {line}, column 'Period'" in message and "must cover one Period" in message


def test_text_in_a_number_column_is_rejected_with_its_line(tmp_path: Path) -> None:
    lines = AE_JUNE.read_bytes().split(b"\r\n")
    fields = lines[5].split(b",")
    fields[-1] = b"n/a"
    lines[5] = b",".join(fields)
    message = rejected(stage(tmp_path, (b"\r\n".join(lines), AE_JUNE.name)), tmp_path)
    assert "line 6, column 'Other emergency admissions': 'n/a' is not a number" in message


def test_sheet_header_is_found_by_content(tmp_path: Path) -> None:
    converted = Sheet("Provider", header_cell="Provider Code").extract(DM01_JUNE, tmp_path)
    assert converted.line_offset == 13  # header on row 14 (raw_formats 5.1)
    header = converted.path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Regional Team Code,Regional Team Name,Provider Code,Provider Name,Total Waiting List")
    assert ",," not in header  # spacer columns dropped


# ------------------------------------------------------------------------------------------------------------
# Publisher quirks on real fixtures (tests/python/fixtures/ae_monthly, raw_formats 1.1)

AE_FIXTURES = Path(__file__).parent / "fixtures" / "ae_monthly"
AE_SEP_2024 = AE_FIXTURES / "Monthly-AE-September-2024.csv"
AE_MAY_2026 = AE_FIXTURES / "May-2026-CSV-F4flrg.csv"


def test_stray_trailing_columns_and_footer_spellings_land(tmp_path: Path) -> None:
    land(AE_FIXTURES, tmp_path / "landing", SEEDS)
    rows = query(
        f"SELECT _period_key, period, org_code, att_type1, _source_line FROM "
        f"read_parquet('{tmp_path}/landing/nhse_ae_monthly/*.parquet') WHERE upper(period) = 'TOTAL' ORDER BY 1"
    )
    # Footers 'Total,Total ,Total,Total' (Sep 2024) and 'TOTAL ,TOTAL ,...' (May 2026) land trimmed.
    assert rows == [
        ("ae-monthly|MSitAE-MAY-2026", "TOTAL", "TOTAL", rows[0][3], 194),
        ("ae-monthly|MSitAE-SEPTEMBER-2024", "Total", "Total", 1335923.0, 199),
    ]


def test_a_value_in_a_stray_column_is_rejected(tmp_path: Path) -> None:
    lines = AE_SEP_2024.read_bytes().split(b"\r\n")
    lines[2] += b"7"  # the last (28th) field of line 3
    message = rejected(stage(tmp_path, (b"\r\n".join(lines), AE_SEP_2024.name)), tmp_path)
    assert f"{AE_SEP_2024.name}, line 3, column 'column 28'" in message and "stray column" in message


def test_more_stray_columns_than_tolerated_are_a_layout_error(tmp_path: Path) -> None:
    lines = [line + b"," if line else line for line in AE_SEP_2024.read_bytes().split(b"\r\n")]
    message = rejected(stage(tmp_path, (b"\r\n".join(lines), AE_SEP_2024.name)), tmp_path)
    assert "line 1" in message and "the header repeats column name(s)" in message


def test_rtt_full_extract_layout_lands_from_a_zip(tmp_path: Path) -> None:
    """SYNTHETIC values in the documented layout (raw_formats 2.1; the team has no real RTT full extract):
    the 121-column header, a Part_2 row and a Part_3 row whose week bands and Total are blank, not zero."""
    from oversight.collections_acute import NHSE_RTT_FULL_EXTRACT

    header = NHSE_RTT_FULL_EXTRACT.layouts[0].columns
    assert len(header) == 121
    dims = (
        "RTT-June-2024,QH8,NHS MID AND SOUTH ESSEX INTEGRATED CARE BOARD,RAJ,MID AND SOUTH ESSEX NHS FOUNDATION TRUST"
    )
    part2 = f"{dims},,,NONC,,Part_2,Incomplete Pathways,C_999,Total," + ",".join(["0"] * 52 + ["1"] + ["0"] * 52)
    part3 = f"{dims},,,NONC,,Part_3,New RTT Periods - All Patients,C_999,Total," + "," * 104
    text = "\r\n".join([",".join(header), part2 + ",,,44", part3 + ",,,9"]) + "\r\n"
    archive = tmp_path / "Full-CSV-data-file-Jun24-ZIP-3M-x1.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("20240630-RTT-June-2024-full-extract.csv", text)
    data = stage(tmp_path, (archive, archive.name))
    report = land(data, tmp_path / "landing", SEEDS)
    assert [f.period_key for f in report.landed] == ["rtt-extract|RTT-June-2024"]
    rows = query(
        f"SELECT rtt_part_type, gt_52_to_53_weeks_sum_1, gt_00_to_01_weeks_sum_1, total, total_all, _source_line "
        f"FROM read_parquet('{tmp_path}/landing/nhse_rtt_full_extract/*.parquet') ORDER BY _source_line"
    )
    assert rows == [("Part_2", 1.0, 0.0, None, 44.0, 2), ("Part_3", None, None, None, 9.0, 3)]


def _zip_of(member: str, content: Path, tmp_path: Path) -> Path:
    archive = tmp_path / f"{member}.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(content, member)
    return archive


@pytest.mark.parametrize(
    ("collection", "name", "content", "expected"),
    [
        ("nhse_ae_monthly", "Monthly-AE-June-2025.csv", AMBSYS_CSV, "header matches no known nhse_ae_monthly layout"),
        ("nhse_ae_provider_xlsx", "June-2025-AE-by-provider-x.xlsx", CWT, "has no sheet 'Provider Level Data'"),
        ("nhse_cwt_provider", CWT.name, AE_XLSX, "has no sheet 'CWT CRS Provider Extract'"),
        ("nhse_ambsys", "AmbSYS-to-Jun-2025.csv", AE_JUNE, "header matches no known nhse_ambsys layout"),
        ("nhse_ambsys_time_series", AMBSYS_XLSX.name, CWT, "has no sheet 'Raw'"),
        ("nhse_dm01_provider", "Monthly-Diagnostics-Web-File-Provider-June-2025.xlsx", AE_XLSX, "no sheet 'Provider'"),
        ("nhse_dm01_full_extract", DM01_ZIP.name, "zip:DM01-MARCH-2026-full-extract.csv", "header matches no known"),
        ("nhse_rtt_full_extract", "Full-CSV-data-file-Mar26-ZIP-4M-x.zip", DM01_ZIP, "expected one member"),
    ],
)
def test_each_loader_rejects_a_file_of_another_collection(
    collection: str, name: str, content: Path | str, expected: str, tmp_path: Path
) -> None:
    found = match_collection(name)
    assert found is not None and found.name == collection
    if isinstance(content, str):  # an A&E CSV zipped under the member name the collection expects
        content = _zip_of(content.removeprefix("zip:"), AE_JUNE, tmp_path)
    message = rejected(stage(tmp_path, (content, name)), tmp_path)
    assert name in message and expected in message


# ------------------------------------------------------------------------------------------------------------
# A&E by-provider workbook (.xls): 'Acute Trust Mapping' and 'Acute Trust Footprint Data' sheets

AE_XLS_JUNE = DATA / "nhse_ae" / "June-2025-AE-by-provider-CkkTE-revised.xls"


def test_ae_workbook_feeds_the_mapping_and_footprint_collections() -> None:
    found = sorted(c.name for c in match_collections(AE_XLS_JUNE.name))
    assert found == ["nhse_ae_acute_trust_footprint", "nhse_ae_acute_trust_mapping"]
    for name in (
        "February-2024-AE-revised-130624-by-provider-kL472-1.xls",
        "March-2024-AE-revised-by-provider-dmurT.xls",
        "August-2025-AE-by-provider-0G7Wh-revised-v2-1.xls",
    ):
        assert len(match_collections(name)) == 2, name
    # The .xlsx of the same month feeds only the 'Provider Level Data' collection (one file a month each).
    assert [c.name for c in match_collections(AE_XLSX.name)] == ["nhse_ae_provider_xlsx"]


def test_real_ae_workbook_lands_its_mapping_and_footprint(tmp_path: Path) -> None:
    report = land(stage(tmp_path, (AE_XLS_JUNE, AE_XLS_JUNE.name)), tmp_path / "landing", SEEDS)
    assert len(report.landed) == 2
    landing = tmp_path / "landing"
    # June 2025: 221 provider -> acute trust rows (the formula rows of zeros under them are not landed), the
    # month from the file name; Clacton Hospital (NQ108) maps wholly to RDE on sheet row 7.
    assert count(landing, "nhse_ae_acute_trust_mapping") == 221
    assert count(landing, "nhse_ae_acute_trust_mapping", "month_start <> DATE '2025-06-01'") == 0
    nq108 = query(
        f"SELECT acute_code, proportion, _source_line FROM "
        f"read_parquet('{landing}/nhse_ae_acute_trust_mapping/*.parquet') WHERE code = 'NQ108'"
    )
    assert nq108 == [("RDE", 1.0, 7)]
    # Kent Community Health (RYY) is split between East Kent (RVV) and Medway (RPA): shares add to 1.
    shares = query(
        f"SELECT sum(proportion) FROM read_parquet('{landing}/nhse_ae_acute_trust_mapping/*.parquet') "
        "WHERE code = 'RYY'"
    )
    assert shares[0][0] == pytest.approx(1.0)
    # Footprint sheet: England ('-' -> NULL code) + 123 acute trusts; RC9 on row 19 with 2,269 mapped attendances.
    assert count(landing, "nhse_ae_acute_trust_footprint") == 124
    assert count(landing, "nhse_ae_acute_trust_footprint", "code IS NULL AND name = 'England'") == 1
    rc9 = query(
        f"SELECT attendances_total, mapped_attendances, period, revised, _source_line FROM "
        f"read_parquet('{landing}/nhse_ae_acute_trust_footprint/*.parquet') WHERE code = 'RC9'"
    )
    assert rc9 == [(27542.0, 2269.0, "June 2025", "13th November 2025", 19)]


def test_duplicated_mapping_row_is_rejected_naming_sheet_rows_and_columns(tmp_path: Path) -> None:
    # Fryatt Hospital (NQ106, row 10) relabelled as Clacton Hospital (NQ108, row 7): both map to RDE.
    content = AE_XLS_JUNE.read_bytes()
    assert content.count(b"NQ106") == 1
    message = rejected(stage(tmp_path, (content.replace(b"NQ106", b"NQ108"), AE_XLS_JUNE.name)), tmp_path)
    assert f"{AE_XLS_JUNE.name} [sheet 'Acute Trust Mapping']" in message
    assert "line 10" in message
    assert "'Code'" in message and "'Acute Code'" in message


def test_mapping_without_a_month_in_its_file_name_is_rejected(tmp_path: Path) -> None:
    name = "Jun-2025x-AE-by-provider.xls"
    assert [c.name for c in match_collections(name)] == []  # not even claimed
    odd = "Junio-2025-AE-by-provider-x.xls"
    message = rejected(stage(tmp_path, (AE_XLS_JUNE, odd)), tmp_path)
    assert f"{odd} [sheet 'Acute Trust Mapping']" in message
    assert "must start with '<Month>-<YYYY>-'" in message


def test_filler_rows_are_skipped_but_a_row_with_values_and_no_code_is_not(tmp_path: Path) -> None:
    converted = Sheet(
        "Acute Trust Mapping", header_cell="Proportion of Attends Acute 1", filler_rows_blank_in="Code"
    ).extract(AE_XLS_JUNE, tmp_path)
    lines = converted.path.read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in lines[1:] if line.strip()) == 221
    with pytest.raises(ContainerError, match="has no column 'Nope'"):
        Sheet("Acute Trust Mapping", header_cell="Code", filler_rows_blank_in="Nope").extract(AE_XLS_JUNE, tmp_path)
