"""Tests of the landing step (oversight.landing) on the team's real files and small fixtures."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import duckdb
import pytest

from oversight import paths
from oversight.collections import COLLECTIONS, match_collection, quarter_sort_key, slug
from oversight.errors import LandingError, OversightError
from oversight.landing import MANIFEST_NAME, LandedFile, LandingReport, land, safe_period_key

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
REAL_NOF = DATA / "nhse_nof" / "nhs-oversight-framework-mental-health-and-community-trust-data__Q1_Q2.csv"
REAL_ETR = DATA / "reference" / "etr.csv"
REAL_MAPPING = DATA / "reference" / "System-Mapping.csv"
FIXTURES = Path(__file__).parent / "fixtures"
Q1_DATA_FIXTURE = FIXTURES / "nof_q1_release" / "nhs-oversight-framework-non-acute-hospital-trust-data.csv"
LEAGUE_Q4_FIXTURE = (
    FIXTURES / "league_table" / "nhs-oversight-framework-mental-health-and-community-trust-league-table-q4-25-26.csv"
)
LEAGUE_Q1_FIXTURE = FIXTURES / "league_table" / "nhs-oversight-framework-non-acute-hospital-trust-league-table.csv"

NOW = datetime(2025, 11, 20, 9, 30, 15, tzinfo=UTC)
MHC_Q2 = "mental-health-and-community|Q2 2025/26"
NOF_PARQUET = Path("nhse_nof_data") / "mental-health-and-community__Q2_2025-26.parquet"
NBSP = "\u00a0"
SNAPSHOT = date(2024, 12, 31)  # etr.csv has no date in its name: greatest open/close date (RAP closed 20241231)

VALUE_SCORE_PAIRS = [
    ("OF0005", "OF1005"),
    ("OF0016", "OF1016"),
    ("OF0041", "OF1041"),
    ("OF0057", "OF1057"),
    ("OF0061", "OF1061"),
    ("OF0063", "OF1063"),
    ("OF0079", "OF1079"),
    ("OF0081", "OF1081"),
    ("OF0082", "OF1082"),
    ("OF0084", "OF1084"),
    ("OF0086", "OF1086"),
    ("", "OF1067"),
    ("", "OF1035"),
    ("", "OF1080"),
]
SUMMARY_IDS = [
    "OF4000",
    "OF4002",
    "OF4003",
    "OF4004",
    "OF4005",
    "OF4100",
    "OF4102",
    "OF4103",
    "OF4104",
    "OF4105",
    "OF5000",
    "OF5002",
    "OF5003",
    "OF5004",
    "OF5005",
    "OF5007",
]


# ------------------------------------------------------------------------------------------------------------
# Helpers and fixtures


@pytest.fixture(scope="session")
def registry_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lead's seeds when present, else a minimal registry holding the ids of the real NOF file."""
    seeds = REPO / "seeds"
    if (seeds / "metric_registry.csv").is_file() and (seeds / "nof_summary_metrics.csv").is_file():
        return seeds
    folder = tmp_path_factory.mktemp("registry")
    with (folder / "metric_registry.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["metric_id", "score_id", "metric_name"])
        writer.writerows([value, score, f"metric {value or score}"] for value, score in VALUE_SCORE_PAIRS)
    with (folder / "nof_summary_metrics.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["metric_id", "metric_name"])
        writer.writerows([i, f"summary {i}"] for i in SUMMARY_IDS)
    return folder


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    return rows[0], rows[1:]


@cache
def _real_nof_rows() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    header, rows = read_rows(REAL_NOF)
    return tuple(header), tuple(tuple(r) for r in rows)


def real_nof() -> tuple[list[str], list[list[str]]]:
    """Fresh, mutable copies of the real NOF header and rows (row i is on line i + 2)."""
    header, rows = _real_nof_rows()
    return list(header), [list(r) for r in rows]


def write_csv(path: Path, header: list[str] | None, rows: list[list[str]], *, quote_all: bool = False) -> Path:
    """Write like NHS England does: UTF-8 BOM (when there is a header), CRLF, minimal quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if header is not None else b"") + buffer.getvalue().encode("utf-8"))
    return path


def snapshot(folder: Path) -> dict[str, str] | None:
    """Every file (sha256) and folder under ``folder``; None if it does not exist."""
    if not folder.exists():
        return None
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return out


def manifest(landing: Path) -> list[dict[str, object]]:
    path = landing / MANIFEST_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def query(sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect() as con:
        return con.execute(sql, params or []).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding copies of the three real files."""
    folder = tmp_path / "data"
    (folder / "nhse_nof").mkdir(parents=True)
    (folder / "reference").mkdir()
    shutil.copy2(REAL_NOF, folder / "nhse_nof" / REAL_NOF.name)
    shutil.copy2(REAL_ETR, folder / "reference" / "etr.csv")
    shutil.copy2(REAL_MAPPING, folder / "reference" / "System-Mapping.csv")
    return folder


@pytest.fixture(scope="module")
def landed_real(tmp_path_factory: pytest.TempPathFactory, registry_dir: Path) -> tuple[Path, LandingReport]:
    """The three real files landed once (read-only for the tests that use it)."""
    root = tmp_path_factory.mktemp("real")
    (root / "data" / "nhse_nof").mkdir(parents=True)
    (root / "data" / "reference").mkdir()
    shutil.copy2(REAL_NOF, root / "data" / "nhse_nof" / REAL_NOF.name)
    shutil.copy2(REAL_ETR, root / "data" / "reference" / "etr.csv")
    shutil.copy2(REAL_MAPPING, root / "data" / "reference" / "System-Mapping.csv")
    report = land(root / "data", root / "landing", registry_dir, now=NOW)
    return root / "landing", report


# ------------------------------------------------------------------------------------------------------------
# Real files


def test_real_files_land_with_expected_counts(landed_real: tuple[Path, LandingReport]) -> None:
    landing, report = landed_real
    assert sorted(report.landed) == sorted(
        [
            LandedFile("nhse_nof_data", MHC_Q2, f"nhse_nof/{REAL_NOF.name}"),
            LandedFile("ods_etr", "etr|2024-12-31", "reference/etr.csv"),
            LandedFile("nhse_ae_system_mapping", "system-mapping|undated", "reference/System-Mapping.csv"),
        ]
    )
    assert not report.replaced and not report.unchanged and not report.ignored
    nof = landing / NOF_PARQUET
    rows = query(
        "SELECT count(*), count(DISTINCT trust_code), list(DISTINCT quarter ORDER BY quarter) FROM read_parquet(?)",
        [str(nof)],
    )
    assert rows == [(4502, 61, ["Q1 2025/26", "Q2 2025/26"])]
    assert query("SELECT count(*) FROM read_parquet(?)", [str(landing / "ods_etr" / "etr__2024-12-31.parquet")]) == [
        (210,)
    ]
    mapping = landing / "nhse_ae_system_mapping" / "system-mapping__undated.parquet"
    assert query("SELECT count(*) FROM read_parquet(?)", [str(mapping)]) == [(208,)]
    events = manifest(landing)
    assert [(e["event"], e["collection"], e["rows"]) for e in events] == [
        ("landed", "nhse_nof_data", 4502),
        ("landed", "nhse_ae_system_mapping", 208),
        ("landed", "ods_etr", 210),
    ]
    assert events[0]["sha256"] == sha256(REAL_NOF)
    assert events[0]["parquet"] == NOF_PARQUET.as_posix()
    assert events[0]["landed_at"] == "2025-11-20T09:30:15.000000Z"
    assert events[0]["replaces_sha256"] is None


def test_real_nof_values_types_and_lineage(landed_real: tuple[Path, LandingReport]) -> None:
    landing, _ = landed_real
    nof = str(landing / NOF_PARQUET)
    rdy = query(
        "SELECT value, rank, median_value, _source_line, _source_file, _source_path, _source_sha256, "
        "_landed_at, "
        "_period_key FROM read_parquet(?) WHERE trust_code = 'RDY' AND metric_id = 'OF0016' "
        "AND quarter = 'Q1 2025/26'",
        [nof],
    )
    expected_line = next(
        i
        for i, line in enumerate(REAL_NOF.read_text(encoding="utf-8-sig").splitlines(), start=1)
        if line.startswith("Q1 2025/26,") and ",RDY," in line and ",OF0016," in line
    )
    assert rdy == [
        (
            54.31,
            26.0,
            58.0,
            expected_line,
            REAL_NOF.name,
            f"nhse_nof/{REAL_NOF.name}",
            sha256(REAL_NOF),
            datetime(2025, 11, 20, 9, 30, 15),
            MHC_Q2,
        )
    ]
    types = dict(query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [nof]))
    assert types["value"] == types["rank"] == types["median_value"] == "DOUBLE"
    assert types["units"] == types["metric_description"] == types["trust_type_as_published"] == "VARCHAR"
    assert types["_source_line"] == "INTEGER"
    assert types["_landed_at"] == "TIMESTAMP"
    assert list(types)[:4] == ["quarter", "region", "trust_type", "trust_type_as_published"]
    assert list(types)[-7:] == [
        "_source_file",
        "_source_path",
        "_source_sha256",
        "_source_line",
        "_landed_at",
        "_period_key",
        "_synthetic",
    ]
    assert types["_synthetic"] == "BOOLEAN"
    # OF0084/OF1084 descriptions end in U+00A0 in the file; landed trimmed.
    descriptions = query("SELECT DISTINCT metric_description FROM read_parquet(?) WHERE metric_id LIKE 'OF_084'", [nof])
    assert descriptions == [("NHS staff survey engagement theme sub-score",)]
    assert "sub-score" + NBSP + "," in REAL_NOF.read_text(encoding="utf-8-sig")
    # Blank numeric cells are NULL (score rows have no median), lines are unique and cover the file.
    assert query(
        "SELECT count(*) FROM read_parquet(?) WHERE metric_id = 'OF1016' AND median_value IS NOT NULL", [nof]
    ) == [(0,)]
    assert query(
        "SELECT min(_source_line), max(_source_line), count(DISTINCT _source_line) FROM read_parquet(?)",
        [nof],
    ) == [(2, 4503, 4502)]
    # Names with commas (quoted in the file) survive.
    assert query("SELECT DISTINCT trust_name FROM read_parquet(?) WHERE trust_code = 'RX3'", [nof]) == [
        ("Tees, Esk and Wear Valleys NHS Foundation Trust",)
    ]


def test_real_reference_files(landed_real: tuple[Path, LandingReport]) -> None:
    landing, report = landed_real
    etr = str(landing / "ods_etr" / "etr__2024-12-31.parquet")
    assert query(
        "SELECT organisation_code, name, national_grouping, high_level_health_geography, postcode, "
        "open_date, "
        "close_date, gor_code, snapshot_date, _source_line FROM read_parquet(?) "
        "WHERE organisation_code IN ('RDY', 'R1C') ORDER BY 1",
        [etr],
    ) == [
        (
            "R1C",
            "SOLENT NHS TRUST",
            "Y59",
            "QRL",
            "SO19 8BR",
            date(2011, 4, 1),
            date(2024, 9, 30),
            "J",
            SNAPSHOT,
            6,
        ),
        (
            "RDY",
            "DORSET HEALTHCARE UNIVERSITY NHS FOUNDATION TRUST",
            "Y58",
            "QVV",
            "BH17 0RB",
            date(1992, 4, 1),
            None,
            "K",
            SNAPSHOT,
            42,
        ),
    ]
    assert query("SELECT count(*) FROM read_parquet(?) WHERE close_date IS NULL", [etr]) == [(205,)]

    mapping = str(landing / "nhse_ae_system_mapping" / "system-mapping__undated.parquet")
    assert query("SELECT icb_code, region_name FROM read_parquet(?) WHERE code = 'RDY'", [mapping]) == [
        ("QVV", "South West Commissioning Region")
    ]
    # The team's DERIVED copy repeats NNFA7 verbatim on lines 115-116: kept as published, with a warning.
    assert query(
        "SELECT list(_source_line ORDER BY _source_line) FROM read_parquet(?) WHERE code = 'NNFA7'", [mapping]
    ) == [([115, 116],)]
    assert any("NNFA7" in w and "115" in w and "116" in w for w in report.warnings)


# ------------------------------------------------------------------------------------------------------------
# Idempotency and replacement


def test_second_land_is_a_no_op(data_dir: Path, tmp_path: Path, registry_dir: Path) -> None:
    landing = tmp_path / "landing"
    first = land(data_dir, landing, registry_dir, now=NOW)
    assert len(first.landed) == 3
    before = snapshot(landing)
    mtimes = {p: p.stat().st_mtime_ns for p in landing.rglob("*.parquet")}
    manifest_bytes = (landing / MANIFEST_NAME).read_bytes()

    second = land(data_dir, landing, registry_dir, now=datetime(2025, 12, 1, tzinfo=UTC))
    assert not second.landed and not second.replaced and not second.changed
    assert sorted(second.unchanged) == sorted(first.landed)
    assert snapshot(landing) == before
    assert {p: p.stat().st_mtime_ns for p in landing.rglob("*.parquet")} == mtimes
    assert (landing / MANIFEST_NAME).read_bytes() == manifest_bytes
    assert "3 unchanged" in second.summary()


def test_changed_file_replaces_and_supersedes(data_dir: Path, tmp_path: Path, registry_dir: Path) -> None:
    landing = tmp_path / "landing"
    land(data_dir, landing, registry_dir, now=NOW)
    source = data_dir / "nhse_nof" / REAL_NOF.name
    old_sha = sha256(source)
    old_manifest = (landing / MANIFEST_NAME).read_text(encoding="utf-8")

    # A revised release of the same file: RDY's Q1 OF0016 value corrected (same period key).
    header, rows = real_nof()
    target = next(r for r in rows if r[0] == "Q1 2025/26" and r[4] == "RDY" and r[8] == "OF0016")
    target[12] = "55.5"
    write_csv(source, header, rows)
    new_sha = sha256(source)
    later = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    report = land(data_dir, landing, registry_dir, now=later)

    assert report.replaced == [LandedFile("nhse_nof_data", MHC_Q2, f"nhse_nof/{REAL_NOF.name}")]
    assert not report.landed and len(report.unchanged) == 2
    superseded = (
        landing / "nhse_nof_data" / "_superseded" / f"mental-health-and-community__Q2_2025-26__{old_sha[:12]}.parquet"
    )
    assert superseded.is_file()
    value_sql = (
        "SELECT value, _source_sha256, _landed_at FROM read_parquet(?) "
        "WHERE trust_code = 'RDY' AND metric_id = 'OF0016' AND quarter = 'Q1 2025/26'"
    )
    assert query(value_sql, [str(superseded)]) == [(54.31, old_sha, datetime(2025, 11, 20, 9, 30, 15))]
    assert query(value_sql, [str(landing / NOF_PARQUET)]) == [(55.5, new_sha, datetime(2025, 12, 1, 8, 0))]
    # The current folder still holds one Parquet for the period (dbt globs <collection>/*.parquet).
    assert sorted(p.name for p in (landing / "nhse_nof_data").glob("*.parquet")) == [NOF_PARQUET.name]

    # Append-only manifest: old lines untouched, one `replaced` event added.
    text = (landing / MANIFEST_NAME).read_text(encoding="utf-8")
    assert text.startswith(old_manifest)
    event = json.loads(text[len(old_manifest) :])
    assert event == {
        "event": "replaced",
        "collection": "nhse_nof_data",
        "period_key": MHC_Q2,
        "source_path": f"nhse_nof/{REAL_NOF.name}",
        "sha256": new_sha,
        "rows": 4502,
        "parquet": NOF_PARQUET.as_posix(),
        "landed_at": "2025-12-01T08:00:00.000000Z",
        "replaces_sha256": old_sha,
        "superseded_parquet": superseded.relative_to(landing).as_posix(),
    }

    # Landing the revision again changes nothing; going back to the original supersedes the revision.
    assert not land(data_dir, landing, registry_dir).changed
    shutil.copy2(REAL_NOF, source)
    back = land(data_dir, landing, registry_dir)
    assert len(back.replaced) == 1
    assert len(list((landing / "nhse_nof_data" / "_superseded").glob("*.parquet"))) == 2
    assert [e["event"] for e in manifest(landing)] == ["landed", "landed", "landed", "replaced", "replaced"]


def test_identical_copies_land_once(data_dir: Path, tmp_path: Path, registry_dir: Path) -> None:
    shutil.copy2(REAL_ETR, data_dir / "etr_copy.csv")  # same bytes, same snapshot date -> same period key
    report = land(data_dir, tmp_path / "landing", registry_dir, now=NOW)
    assert [f.source_path for f in report.landed if f.collection == "ods_etr"] == ["etr_copy.csv"]
    assert report.unchanged == [LandedFile("ods_etr", "etr|2024-12-31", "reference/etr.csv")]


# ------------------------------------------------------------------------------------------------------------
# Layout variants, renames, number formats, file-name rules


def test_q1_release_layout_without_quarter(tmp_path: Path, registry_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(Q1_DATA_FIXTURE.parent, data / "nhse_nof")
    report = land(data, tmp_path / "landing", registry_dir, now=NOW)
    assert report.landed == [
        LandedFile("nhse_nof_data", "mental-health-and-community|Q1 2025/26", f"nhse_nof/{Q1_DATA_FIXTURE.name}")
    ]
    parquet = tmp_path / "landing" / "nhse_nof_data" / "mental-health-and-community__Q1_2025-26.parquet"
    assert query(
        "SELECT count(*), list(DISTINCT quarter), list(DISTINCT trust_type), "
        "list(DISTINCT trust_type_as_published), "
        "count(*) FILTER (WHERE domain = 'Summary') FROM read_parquet(?)",
        [str(parquet)],
    ) == [(77, ["Q1 2025/26"], ["Mental health and community trust"], ["Non-acute hospital trust"], 12)]
    assert query(
        "SELECT value, rank, _source_line FROM read_parquet(?) WHERE trust_code = 'RDY' AND metric_id = 'OF0016'",
        [str(parquet)],
    ) == [(54.31, 26.0, _line_of(Q1_DATA_FIXTURE, ",RDY,", ",OF0016,"))]
    # Same columns, in the same order, as the 17-column layout.
    assert _columns(parquet) == _columns_of_layout_with_quarter(tmp_path, registry_dir)


def _line_of(path: Path, *parts: str) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return next(i for i, line in enumerate(lines, 1) if all(p in line for p in parts))


def _columns(parquet: Path) -> list[str]:
    return [r[0] for r in query("SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))", [str(parquet)])]


def _columns_of_layout_with_quarter(tmp_path: Path, registry_dir: Path) -> list[str]:
    header, rows = real_nof()
    data = tmp_path / "with_quarter"
    write_csv(data / "nhs-oversight-framework-mental-health-and-community-trust-data.csv", header, rows[:40])
    land(data, tmp_path / "landing_wq", registry_dir)
    return _columns(next((tmp_path / "landing_wq" / "nhse_nof_data").glob("*.parquet")))


def test_league_table_layouts_and_rename(tmp_path: Path, registry_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAGUE_Q4_FIXTURE.parent, data)
    landing = tmp_path / "landing"
    report = land(data, landing, registry_dir, now=NOW)
    assert sorted(f.period_key for f in report.landed) == [
        "mental-health-and-community|Q1 2025/26",
        "mental-health-and-community|Q4 2025/26",
    ]
    folder = landing / "nhse_nof_league_table"
    q1 = folder / "mental-health-and-community__Q1_2025-26.parquet"
    q4 = folder / "mental-health-and-community__Q4_2025-26.parquet"
    assert _columns(q1) == _columns(q4)
    assert query(
        "SELECT quarter, trust_type, trust_type_as_published, trust_name, average_score, "
        "likely_range_of_average_score, segment, trust_in_financial_deficit, rank, likely_range_of_rank, "
        "_source_line "
        "FROM read_parquet(?) WHERE trust_code = 'RX3'",
        [str(q1)],
    ) == [
        (
            "Q1 2025/26",
            "Mental health and community trust",
            "Non-acute hospital trust",
            "Tees, Esk and Wear Valleys NHS Foundation Trust",
            2.11,
            "1.52 to 2.74",
            2.0,
            "No",
            15.0,
            "2 to 49",
            _line_of(LEAGUE_Q1_FIXTURE, ",RX3,"),
        )
    ]
    assert query("SELECT list(DISTINCT trust_type_as_published) FROM read_parquet(?)", [str(q4)]) == [
        (["Mental health and community trust"],)
    ]


def test_number_formats_trimming_and_nulls(tmp_path: Path, registry_dir: Path) -> None:
    header, rows = real_nof()
    rows = [r for r in rows if r[4] == "RDY" and r[0] == "Q1 2025/26"][:5]
    rows[0][12], rows[1][12], rows[2][12], rows[3][12], rows[4][12] = "1,234.5", "1e-3", "-3.26", " 2. ", ""
    rows[0][11] = "%" + NBSP
    rows[1][11] = "  "
    write_csv(
        tmp_path / "data" / "nhs-oversight-framework-mental-health-and-community-trust-data-q1-25-26.csv",
        header,
        rows,
    )
    land(tmp_path / "data", tmp_path / "landing", registry_dir)
    parquet = next((tmp_path / "landing" / "nhse_nof_data").glob("*.parquet"))
    assert query("SELECT value, units FROM read_parquet(?) ORDER BY _source_line", [str(parquet)]) == [
        (1234.5, "%"),
        (0.001, None),
        (-3.26, rows[2][11]),
        (2.0, rows[3][11]),
        (None, rows[4][11]),
    ]


def test_blank_lines_and_multiline_fields_keep_line_numbers(tmp_path: Path, registry_dir: Path) -> None:
    header, rows = read_rows(LEAGUE_Q4_FIXTURE)
    rows[1][5] = "Central and North West London\nNHS Foundation Trust"
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(rows[0])  # line 2
    body.write("\r\n")  # line 3: blank (DuckDB skips it)
    writer.writerow(rows[1])  # lines 4-5: quoted line break
    writer.writerow(rows[2])  # line 6
    path = tmp_path / "data" / LEAGUE_Q4_FIXTURE.name
    path.parent.mkdir()
    path.write_text(body.getvalue(), encoding="utf-8")
    land(tmp_path / "data", tmp_path / "landing", registry_dir)
    parquet = next((tmp_path / "landing" / "nhse_nof_league_table").glob("*.parquet"))
    assert query("SELECT trust_code, _source_line FROM read_parquet(?) ORDER BY 2", [str(parquet)]) == [
        ("RYY", 2),
        ("RV3", 4),
        ("RX3", 6),
    ]
    # ... and errors after them name the physical line.
    rows[2][6] = "n/a"
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(rows[0])
    body.write("\r\n")
    writer.writerow(rows[1])
    writer.writerow(rows[2])
    path.write_text(body.getvalue(), encoding="utf-8")
    with pytest.raises(LandingError, match=r"line 6, column 'Average_score': 'n/a' is not a number"):
        land(tmp_path / "data", tmp_path / "landing", registry_dir)


def test_file_name_rules_ignored_files_and_dates(tmp_path: Path, registry_dir: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(REAL_ETR, data / "ETR_20250131.CSV")  # case-insensitive match; snapshot date from the name
    shutil.copy2(REAL_ETR, data / "geographic_etr.csv")  # a different file: ignored
    shutil.copy2(REAL_MAPPING, data / "System-Mapping-2025-06-01.csv")
    (data / "notes.txt").write_text("not data\n")
    report = land(data, tmp_path / "landing", registry_dir)
    assert sorted((f.collection, f.period_key) for f in report.landed) == [
        ("nhse_ae_system_mapping", "system-mapping|2025-06-01"),
        ("ods_etr", "etr|2025-01-31"),
    ]
    assert report.ignored == ["geographic_etr.csv", "notes.txt"]
    assert "2 ignored" in report.summary()
    etr = tmp_path / "landing" / "ods_etr" / "etr__2025-01-31.parquet"
    assert query("SELECT DISTINCT snapshot_date FROM read_parquet(?)", [str(etr)]) == [(date(2025, 1, 31),)]


@pytest.mark.parametrize(
    ("name", "collection"),
    [
        ("nhs-oversight-framework-acute-trust-data.csv", "nhse_nof_data"),
        ("nhs-oversight-framework-mental-health-and-community-trust-data-q3-25-26-v2.csv", "nhse_nof_data"),
        ("NHS-Oversight-Framework-Ambulance-Trust-Data__Q1_Q2.CSV", "nhse_nof_data"),
        ("nhs-oversight-framework-non-acute-hospital-trust-league-table.csv", "nhse_nof_league_table"),
        ("nhs-oversight-framework-acute-trust-league-table-q2-25-26.csv", "nhse_nof_league_table"),
        ("etr.csv", "ods_etr"),
        ("etr-2025-06-30.csv", "ods_etr"),
        ("System-Mapping.csv", "nhse_ae_system_mapping"),
        ("geographic_etr.csv", None),
        ("nhs-oversight-framework-acute-trust-data.xlsx", None),
        ("SICBL22_ICB22_NHSER22_Lookup_July_2022.csv", None),
    ],
)
def test_match_collection(name: str, collection: str | None) -> None:
    found = match_collection(name)
    assert (found.name if found else None) == collection


def test_registry_helpers() -> None:
    # The first four; other groups' collections are appended after them (collections.py's last lines).
    assert [c.name for c in COLLECTIONS][:4] == [
        "nhse_nof_data",
        "nhse_nof_league_table",
        "ods_etr",
        "nhse_ae_system_mapping",
    ]
    assert slug("Mental health and community trust") == "mental-health-and-community"
    assert slug("Acute trust") == "acute"
    assert sorted(["Q1 2025/26", "Q4 2024/25", "Q3 2025/26", "Q2 2025/26"], key=quarter_sort_key) == [
        "Q4 2024/25",
        "Q1 2025/26",
        "Q2 2025/26",
        "Q3 2025/26",
    ]
    assert safe_period_key(MHC_Q2) == "mental-health-and-community__Q2_2025-26"
    assert safe_period_key("etr|2024-12-31") == "etr__2024-12-31"


# ------------------------------------------------------------------------------------------------------------
# Bad input: LandingError naming file, line and column; landing directory untouched

NOF_BAD = "nhs-oversight-framework-mental-health-and-community-trust-data-q2-25-26.csv"
LEAGUE_BAD = "nhs-oversight-framework-mental-health-and-community-trust-league-table-q4-25-26.csv"


def _nof_with(
    change: Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]]]],
) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        header, rows = real_nof()
        header, rows = change(header, rows)
        return write_csv(data / "nhse_nof" / NOF_BAD, header, rows)

    return build


def _set(rows: list[list[str]], index: int, column: int, value: str) -> list[list[str]]:
    rows[index][column] = value
    return rows


def _league_with(line: int, column: str, value: str) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        header, rows = read_rows(LEAGUE_Q4_FIXTURE)
        rows[line - 2][header.index(column)] = value
        return write_csv(data / "league" / LEAGUE_BAD, header, rows)

    return build


def _league_bytes(old: bytes, new: bytes) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        content = LEAGUE_Q4_FIXTURE.read_bytes()
        assert old in content
        path = data / "league" / LEAGUE_BAD
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.replace(old, new, 1))
        return path

    return build


def _etr_bad_count(data: Path) -> Path:
    rows = [r for r in csv.reader(io.StringIO(REAL_ETR.read_text(), newline=""))]
    rows[4] = rows[4][:-1]  # line 5: 26 columns
    return write_csv(data / "reference" / "etr.csv", None, rows, quote_all=True)


def _etr_bad_date(data: Path) -> Path:
    rows = [r for r in csv.reader(io.StringIO(REAL_ETR.read_text(), newline=""))]
    rows[2][10] = "20241301"  # line 3, Open Date
    return write_csv(data / "reference" / "etr.csv", None, rows, quote_all=True)


def _mapping_conflict(data: Path) -> Path:
    header, rows = read_rows(REAL_MAPPING)
    rows[8][0] = rows[0][0]  # line 10 reuses line 2's code with another name
    return write_csv(data / "reference" / "System-Mapping.csv", header, rows)


def _q1_summary_quarters(value_for: Callable[[int], str]) -> Callable[[Path], Path]:
    def build(data: Path) -> Path:
        header, rows = read_rows(Q1_DATA_FIXTURE)
        summary = [r for r in rows if r[header.index("Domain")] == "Summary"]
        for i, row in enumerate(summary):
            row[header.index("Reporting_date")] = value_for(i)
        return write_csv(data / "nhse_nof" / Q1_DATA_FIXTURE.name, header, rows)

    return build


def _empty(data: Path) -> Path:
    path = data / "nhse_nof" / NOF_BAD
    path.write_bytes(b"")
    return path


def _header_only(data: Path) -> Path:
    header, _ = real_nof()
    return write_csv(data / "nhse_nof" / NOF_BAD, header, [])


def _drop_column(name: str) -> Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]]]]:
    def change(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
        i = header.index(name)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return change


def _unknown_layout(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    header = ["Valu" if h == "Value" else h for h in header] + ["Comment"]
    return header, [[*r, ""] for r in rows]


Q1_LINES = [
    i
    for i, line in enumerate(Q1_DATA_FIXTURE.read_text(encoding="utf-8-sig").splitlines(), 1)
    if ",Summary,Summary," in line
]

BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "non_numeric_value": (
        _nof_with(lambda h, r: (h, _set(r, 15, 12, "abc"))),
        ["line 17, column 'Value': 'abc' is not a number"],
    ),
    "non_numeric_rank": (
        _nof_with(lambda h, r: (h, _set(r, 40, 16, "1 234"))),
        ["line 42, column 'Rank': '1 234' is not a number"],
    ),
    "unknown_metric_id": (
        _nof_with(lambda h, r: (h, _set(r, 28, 8, "OF9999"))),
        ["line 30, column 'Metric_ID': unknown metric_id 'OF9999'", "metric_registry.csv"],
    ),
    "duplicate_key": (
        _nof_with(lambda h, r: (h, [*r, r[3]])),
        [
            "line 4504",
            "columns 'Quarter', 'Trust_code', 'Metric_ID', 'Units'",
            "duplicate key",
            "also on line 5",
        ],
    ),
    "missing_trust_code": (
        _nof_with(lambda h, r: (h, _set(r, 9, 4, " "))),
        ["line 11, column 'Trust_code': a value is required"],
    ),
    "unknown_layout": (
        _nof_with(_unknown_layout),
        [
            "line 1",
            "header matches no known nhse_nof_data layout",
            "missing column(s) 'Value'",
            "unexpected column(s) 'Valu', 'Comment'",
        ],
    ),
    "missing_column": (
        _nof_with(_drop_column("Rank")),
        ["line 1", "column 'Rank'", "missing column(s) 'Rank'"],
    ),
    "empty_file": (_empty, ["line 1", "empty"]),
    "header_only": (_header_only, ["line 1", "no data rows"]),
    "malformed_range": (
        _league_with(3, "Likely_range_of_average_score", "1.28 - 1.84"),
        ["line 3, column 'Likely_range_of_average_score': '1.28 - 1.84' is not a range like '1.2 to 1.89'"],
    ),
    "malformed_rank_range": (
        _league_with(5, "Likely_range_of_rank", "1 to"),
        ["line 5, column 'Likely_range_of_rank': '1 to' is not a range"],
    ),
    "deficit_not_yes_no": (
        _league_with(4, "Trust_in_financial_deficit", "Maybe"),
        ["line 4, column 'Trust_in_financial_deficit': 'Maybe' is not one of 'Yes', 'No'"],
    ),
    "league_bad_score": (
        _league_with(2, "Average_score", "1.5x"),
        ["line 2, column 'Average_score': '1.5x' is not a number"],
    ),
    "league_duplicate_trust": (
        _league_with(6, "Trust_code", "RYY"),
        ["line 6, columns 'Quarter', 'Trust_code'", "also on line 2"],
    ),
    "league_not_utf8": (_league_bytes(b"Kent", b"K\xe9nt"), ["line 2", "not valid utf-8"]),
    "league_unterminated_quote": (
        _league_bytes(b'Trust",2.11', b"Trust,2.11"),
        ["line 4", "unterminated quote"],
    ),
    "league_short_row": (
        _league_bytes(b"\r\nQ4 2025/26,London", b"\r\n   \r\nQ4 2025/26,London"),
        ["line 3: layout error: expected 12 columns, found 1"],
    ),
    "etr_column_count": (_etr_bad_count, ["line 5", "expected 27 columns, found 26"]),
    "etr_bad_date": (_etr_bad_date, ["line 3, column 'Open Date': '20241301' is not a date (YYYYMMDD)"]),
    "mapping_conflicting_duplicate": (_mapping_conflict, ["line 10, column 'Code'", "also on line 2"]),
    "q1_several_summary_quarters": (
        _q1_summary_quarters(lambda i: "Q2 2025/26" if i == 3 else "Q1 2025/26"),
        [f"line {Q1_LINES[3]}, column 'Reporting_date'", "'Q1 2025/26'", "'Q2 2025/26'"],
    ),
    "q1_no_summary_quarter": (
        _q1_summary_quarters(lambda i: "Jun-25"),
        ["line 1, column 'Reporting_date'", "no 'Quarter' column"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_raises_and_changes_nothing(case: str, data_dir: Path, tmp_path: Path, registry_dir: Path) -> None:
    landing = tmp_path / "landing"
    land(data_dir, landing, registry_dir, now=NOW)
    before = snapshot(landing)
    build, expected = BAD_INPUTS[case]
    bad = build(data_dir)
    with pytest.raises(LandingError) as caught:
        land(data_dir, landing, registry_dir, now=datetime(2025, 12, 1, tzinfo=UTC))
    message = str(caught.value)
    assert isinstance(caught.value, OversightError)
    assert bad.name in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert caught.value.problems and all(p.line is not None for p in caught.value.problems)
    assert snapshot(landing) == before


def test_bad_input_into_a_new_landing_dir_creates_nothing(tmp_path: Path, registry_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAGUE_Q4_FIXTURE.parent, data)
    _league_with(3, "Segment", "two")(data)
    with pytest.raises(LandingError, match=r"line 3, column 'Segment': 'two' is not a number"):
        land(data, tmp_path / "landing", registry_dir)
    assert not (tmp_path / "landing").exists()


def test_two_files_for_one_period_with_different_content(data_dir: Path, tmp_path: Path, registry_dir: Path) -> None:
    header, rows = real_nof()
    write_csv(data_dir / "elsewhere" / NOF_BAD, header, _set(rows, 0, 12, "9.04"))
    with pytest.raises(LandingError) as caught:
        land(data_dir, tmp_path / "landing", registry_dir)
    message = str(caught.value)
    assert NOF_BAD in message and REAL_NOF.name in message and MHC_Q2 in message
    assert not (tmp_path / "landing").exists()


def test_every_problem_is_reported(data_dir: Path, tmp_path: Path, registry_dir: Path) -> None:
    header, rows = real_nof()
    _set(rows, 15, 12, "abc")
    _set(rows, 99, 13, "x")
    write_csv(data_dir / "nhse_nof" / REAL_NOF.name, header, rows)
    _league_with(3, "Segment", "two")(data_dir)
    with pytest.raises(LandingError) as caught:
        land(data_dir, tmp_path / "landing", registry_dir)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("3 problems in 2 file(s)")
    assert any("line 17, column 'Value'" in line for line in lines)
    assert any("line 101, column 'Median_value': 'x'" in line for line in lines)
    assert any("line 3, column 'Segment'" in line for line in lines)


def test_missing_registry_is_an_error(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(LandingError, match=r"metric_registry\.csv: registry file not found"):
        land(data_dir, tmp_path / "landing", tmp_path / "no-registry")
    assert not (tmp_path / "landing").exists()


# ------------------------------------------------------------------------------------------------------------
# Paths


def test_paths_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = paths.repo_root()
    assert (root / "dbt_project.yml").is_file() and root == REPO
    for name in (paths.DATA_DIR_ENV, paths.LANDING_DIR_ENV, paths.DUCKDB_PATH_ENV):
        monkeypatch.delenv(name, raising=False)
    assert paths.resolve_data_dir() == REPO / "data"
    assert paths.resolve_landing_dir() == REPO / "warehouse" / "landing"
    assert paths.resolve_duckdb_path() == REPO / "warehouse" / "oversight.duckdb"
    assert paths.default_registry_dir() == REPO / "seeds"

    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "d"))
    monkeypatch.setenv(paths.LANDING_DIR_ENV, "scratch/landing")
    monkeypatch.setenv(paths.DUCKDB_PATH_ENV, str(tmp_path / "w.duckdb"))
    assert paths.resolve_data_dir() == tmp_path / "d"
    assert paths.resolve_landing_dir() == REPO / "scratch" / "landing"
    assert paths.resolve_duckdb_path() == tmp_path / "w.duckdb"
    assert paths.resolve_data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    assert paths.resolve_landing_dir("x") == Path("x")


def test_landing_dir_inside_data_dir_is_not_read_back(tmp_path: Path, registry_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAGUE_Q4_FIXTURE.parent, data)
    first = land(data, data / "landing", registry_dir)
    second = land(data, data / "landing", registry_dir)
    assert len(first.landed) == 2 and not second.changed and len(second.unchanged) == 2
    assert first.ignored == second.ignored == []
