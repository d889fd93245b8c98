"""Synthetic raw returns (oversight_dev.synthetic) at a small scale: every file is in its collection's published layout,
lands unchanged, is reproducible month by month, and the staging models build over it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from oversight.collections import collection_by_name, match_collections
from oversight.landing import MANIFEST_NAME, land
from oversight.pipeline import build
from oversight_dev.synthetic import COLLECTIONS, GeneratedFile, generate

SCALE = 0.01
SEED = 7
END = date(2026, 3, 1)
CHS_SHEETS = {"chs_waiting_list_total", "chs_waiting_list_52_104_weeks", "chs_waiting_list_over_104_weeks"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[GeneratedFile]]:
    out = tmp_path_factory.mktemp("synthetic") / "data"
    return out, generate(out, months=2, end_month=END, scale=SCALE, seed=SEED)


@pytest.fixture(scope="module")
def landed(generated: tuple[Path, list[GeneratedFile]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = generated
    landing = tmp_path_factory.mktemp("landing")
    land(out, landing)
    return landing


def data_files(files: list[GeneratedFile]) -> list[GeneratedFile]:
    return [f for f in files if f.month is not None]


def text_of(item: GeneratedFile) -> bytes:
    """The CSV bytes as published: the file itself or the single CSV inside its ZIP."""
    if item.path.suffix == ".zip":
        with zipfile.ZipFile(item.path) as archive:
            (name,) = archive.namelist()
            return archive.read(name)
    return item.path.read_bytes()


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def by_collection(files: list[GeneratedFile], name: str) -> list[GeneratedFile]:
    found = [f for f in data_files(files) if f.collection == name]
    assert found, name
    return found


def test_every_collection_every_month_and_names_match_their_collection(
    generated: tuple[Path, list[GeneratedFile]],
) -> None:
    out, files = generated
    months = Counter((f.collection, f.month) for f in data_files(files))
    for name in COLLECTIONS:
        expected = 4 if name == "mhsds_monthly" else 1  # main, OAPs acute, OAPs non-acute, 4-week waits
        assert months[(name, END)] == expected and months[(name, date(2026, 2, 1))] == expected, name
    for item in files:
        assert item.path.is_file() and item.bytes == item.path.stat().st_size and item.rows > 0
        matched = {c.name for c in match_collections(item.path.name)}
        assert matched == (CHS_SHEETS if item.collection in CHS_SHEETS else {item.collection}), item.path.name
        if item.month is not None:
            assert "SYNTHETIC" in item.path.name
    assert {f.path.name for f in files if f.month is None} == {"etr.csv", "System-Mapping.csv"}
    readme = (out / "SYNTHETIC_README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and f"seed: {SEED}" in readme and "scale: 0.01" in readme


def test_headers_are_the_collection_layouts(generated: tuple[Path, list[GeneratedFile]]) -> None:
    _, files = generated
    for item in data_files(files):
        layout = collection_by_name(item.collection).layouts[0]
        if item.path.suffix == ".xlsx":
            sheet = "CWT CRS Provider Extract" if item.collection == "nhse_cwt_provider" else "Table 4"
            rows = sheet_rows(item.path, sheet)
            header = rows[0] if item.collection == "nhse_cwt_provider" else rows[4]
        else:
            first = text_of(item).split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
            header = next(csv.reader([first]))
        assert tuple(header) == layout.columns, item.path.name


def test_line_endings_quoting_and_markers(generated: tuple[Path, list[GeneratedFile]]) -> None:
    _, files = generated
    for name, crlf in (
        ("nhse_ae_monthly", True),
        ("csds_core", True),
        ("nhs_sickness_absence", True),
        ("nhse_dm01_full_extract", False),
        ("mhsds_monthly", False),
        ("nhse_rtt_full_extract", False),
        ("nhse_ambsys", False),
    ):
        for item in by_collection(files, name):
            data = text_of(item)
            assert data.count(b"\n") == item.rows + 1, item.path.name
            assert data.count(b"\r\n") == (data.count(b"\n") if crlf else 0), item.path.name

    for item in by_collection(files, "nhse_dm01_full_extract"):  # every field quoted, blanks as ""
        lines = text_of(item).decode().splitlines()
        assert all(re.fullmatch(r'"[^"]*"(,"[^"]*")*', line) for line in lines)
        assert all(len(next(csv.reader([line]))) == 30 for line in lines[:50])

    for item in by_collection(files, "nhse_ae_monthly"):
        lines = text_of(item).decode().splitlines()
        rows = list(csv.reader(lines))
        assert rows[-1][0].strip().upper() == "TOTAL"  # footer, in one of its published spellings
        for column in range(4, 22):
            assert sum(int(r[column]) for r in rows[1:-1]) == int(rows[-1][column])
        assert {r[2] for r in rows[1:-1]} >= {"NHS ENGLAND LONDON", "NHS ENGLAND SOUTH WEST ", "NHS ENGLAND MIDLANDS "}
        for line, row in zip(lines, rows, strict=True):  # quotes only around names with commas
            assert ('"' in line) == any("," in cell for cell in row)

    for item in by_collection(files, "csds_core"):
        rows = list(csv.reader(io.StringIO(text_of(item).decode())))
        assert item.month is not None
        assert {r[0] for r in rows[1:]} == {item.month.isoformat()}
        assert all(re.fullmatch(r"\d+\.\d", r[11]) for r in rows[1:])  # floats like 60.0

    statuses: Counter[str] = Counter()
    starts: set[str] = set()
    for item in by_collection(files, "mhsds_monthly"):
        rows = list(csv.reader(io.StringIO(text_of(item).decode())))
        statuses.update("*" if r[10] == "*" else "number" for r in rows[1:])
        starts.update(r[0] for r in rows[1:] if item.month == END)
        assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", r[1]) for r in rows[1:])
    assert statuses["*"] > 0 and statuses["number"] > 0
    assert starts == {"01/03/2026", "01/01/2026", "01/04/2025"}  # month, rolling quarter, rolling 12 months

    for item in by_collection(files, "nhse_ambsys"):
        rows = list(csv.reader(io.StringIO(text_of(item).decode())))
        assert item.month is not None
        assert rows[1][:5] == ["2026", str(item.month.month), "Eng", "Eng", "England"]
        assert any("." in r[5:] for r in rows[1:])


def test_rtt_blanks_and_totals_follow_the_part(generated: tuple[Path, list[GeneratedFile]]) -> None:
    _, files = generated
    rtt = by_collection(files, "nhse_rtt_full_extract")[-1]
    rows = list(csv.DictReader(io.StringIO(text_of(rtt).decode())))
    bands = [c for c in rows[0] if c.startswith("Gt ")]
    assert len(bands) == 105 and len(rows[0]) == 121
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in rows:
        part = row["RTT Part Type"]
        assert row["Total All"] != ""
        if part == "Part_3":
            assert all(row[b] == "" for b in bands) and row["Total"] == ""
        elif part in ("Part_2", "Part_2A"):
            assert row["Total"] == "" and row["Patients with unknown clock start date"] == ""
            assert sum(int(row[b] or 0) for b in bands) == int(row["Total All"])
        else:
            assert int(row["Total"]) == sum(int(row[b] or 0) for b in bands)
        key = (row["Provider Org Code"], row["Commissioner Org Code"], part)
        groups.setdefault(key, []).append(row)
    for key, group in groups.items():
        (total,) = [r for r in group if r["Treatment Function Code"] == "C_999"]
        detail = [r for r in group if r["Treatment Function Code"] != "C_999"]
        assert detail, key
        assert int(total["Total All"]) == sum(int(r["Total All"]) for r in detail), key
        assert int(total[bands[20]] or 0) == sum(int(r[bands[20]] or 0) for r in detail), key


def test_cwt_cuts_agree_and_counts_are_consistent(generated: tuple[Path, list[GeneratedFile]]) -> None:
    _, files = generated
    for item in by_collection(files, "nhse_cwt_provider"):
        rows = sheet_rows(item.path, "CWT CRS Provider Extract")[1:]
        assert {r[0] for r in rows} == {item.month}
        cuts: Counter[tuple[object, object, str]] = Counter()
        for r in rows:
            assert 0 <= r[9] <= r[8] and r[10] == r[8] - r[9]
            if r[3] != "28-day FDS":
                cuts[(r[4], r[5], "type" if r[6] == "ALL MODALITIES" else "modality")] += r[8]
        for (org, route, cut), total in cuts.items():
            if cut == "type":
                assert cuts[(org, route, "modality")] == total


def test_files_depend_only_on_collection_month_scale_and_seed(
    generated: tuple[Path, list[GeneratedFile]], tmp_path: Path
) -> None:
    _, files = generated
    longer = generate(tmp_path / "three", months=3, end_month=END, scale=SCALE, seed=SEED)
    digests = {f.path.name: hashlib.sha256(f.path.read_bytes()).hexdigest() for f in longer}
    for item in files:
        assert digests[item.path.name] == hashlib.sha256(item.path.read_bytes()).hexdigest(), item.path.name
    assert len(data_files(longer)) == len(data_files(files)) * 3 // 2
    other = generate(tmp_path / "other-seed", months=1, end_month=END, scale=SCALE, seed=SEED + 1, collections=["ae"])
    (ae,) = [f for f in by_collection(files, "nhse_ae_monthly") if f.month == END]
    assert other[0].path.read_bytes() != ae.path.read_bytes()


def test_landing_accepts_every_file_and_lands_its_rows(
    generated: tuple[Path, list[GeneratedFile]], landed: Path
) -> None:
    out, files = generated
    events = [json.loads(line) for line in (landed / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()]
    rows = {(e["collection"], e["source_path"]): e["rows"] for e in events}
    for item in files:
        source = item.path.relative_to(out).as_posix()
        names = CHS_SHEETS if item.collection in CHS_SHEETS else {item.collection}
        for name in names:
            assert rows.get((name, source)) == item.rows, (name, source)
    assert len(events) == len(files) + 2 * len(by_collection(files, "chs_waiting_list_total"))


def test_staging_models_build_over_the_synthetic_data(landed: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "synthetic.duckdb"
    build(
        landed,
        warehouse,
        dbt_args=["--select", "staging", "--indirect-selection", "cautious"],
        dbt_vars={"check_embedded_data": False},
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = {
            model: con.execute(f"select count(*), count(distinct {month}) from staging.{model}").fetchone()
            for model, month in (
                ("stg_nhse_rtt__full_extract", "month_start"),
                ("stg_nhse_dm01__full_extract", "month_start"),
                ("stg_csds__core", "reporting_period_end"),
                ("stg_mhsds__measures", "reporting_period_end"),
                ("stg_nhse_ae__monthly_provider", "month_start"),
                ("stg_nhse_cwt__provider_extract", "month_start"),
                ("stg_nhse_ambsys__csv_response_times", "month_start"),
                ("stg_nhs_sickness_absence__monthly_rates", "month_end_date"),
                ("stg_chs_waiting_lists__total_waits", "month_end_date"),
            )
        }
        suppressed = con.execute("select count(*) from staging.stg_mhsds__measures where is_suppressed").fetchone()
    for model, row in counts.items():
        assert row is not None and row[0] > 0 and row[1] == 2, (model, row)
    assert suppressed is not None and suppressed[0] > 0
