"""Mental-health and community returns (MHSDS, CSDS), the NOF input templates and ``oversight fetch``.

Real data: the team's MHSDS April 2026 and CSDS March 2026 RDY-only copies and the first 119 rows of the raw
MHSDS 4-week-waits file (data/, tests/python/fixtures/mhsds/); NHS England's NOF files (data/nhse_nof/).
Synthetic data (labelled where used): small HTTP responses for the fetch tests, since the machine is offline.
"""

from __future__ import annotations

import csv
import io
import shutil
import urllib.error
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from oversight.collections import COLLECTIONS, match_collection
from oversight.collections_mhc import MHC_COLLECTIONS
from oversight.errors import LandingError
from oversight.fetch import PUBLICATIONS, FetchError, fetch, page_period, parse_links
from oversight.landing import land
from oversight_dev.inputs import build_input_templates

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
MHSDS_MAIN = DATA / "mhsds" / "MHSDS Data_AprPerf_2026__RDY_only.csv"
MHSDS_OAPS = DATA / "mhsds" / "MHSDS Data_OAPs_acute_AprPerf_2026__RDY_only.csv"
CSDS = DATA / "csds" / "csds-mar26-exp-core-data__RDY_only.csv"
FOUR_WEEK_WAITS = REPO / "tests/python/fixtures/mhsds/MHSDS Data_4WW_SepPerf_2024__first_119_rows.csv"
PAGES = REPO / "tests/python/fixtures/publisher_pages"
Q3_DERIVED = DATA / "nof_inputs_q3_derived" / "nof_q3_2025_26_input_metrics_cqc_nss25_from_trustpulse.csv"
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _land(files: list[Path], tmp_path: Path, names: list[str] | None = None) -> tuple[Path, object]:
    data = tmp_path / "data"
    data.mkdir()
    for i, f in enumerate(files):
        shutil.copyfile(f, data / (names[i] if names else f.name))
    landing = tmp_path / "landing"
    return landing, land(data, landing, REPO / "seeds", NOW, collections=MHC_COLLECTIONS)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path


# ----------------------------------------------------------------------------------------------------
# Registry


def test_collections_are_registered_and_match_the_publishers_names() -> None:
    names = [c.name for c in COLLECTIONS]
    assert names[-len(MHC_COLLECTIONS) :] == [c.name for c in MHC_COLLECTIONS]
    expected = {
        "MHSDS Data_AprPerf_2026.csv": "mhsds_monthly",
        "MHSDS Data_OAPs_acute_AprPerf_2026.csv": "mhsds_monthly",
        "MHSDS Data_OAPs_non_acute_AprPerf_2026.csv": "mhsds_monthly",
        "MHSDS Data_4WW_SepPerf_2024.csv": "mhsds_monthly",
        "csds-mar26-exp-core-data.csv": "csds_core",
        "nof-input-finance.csv": "nof_input_finance",
        "nof-input-hcai-2026.csv": "nof_input_hcai",
    }
    for name, collection in expected.items():
        found = match_collection(name)
        assert found is not None and found.name == collection, name
    assert match_collection("MHSDS Data_time_series.csv") is None  # not a monthly layout file


# ----------------------------------------------------------------------------------------------------
# Landing real files


def test_real_mhsds_and_csds_files_land_row_for_row(tmp_path: Path) -> None:
    landing, report = _land([MHSDS_MAIN, MHSDS_OAPS, CSDS, FOUR_WEEK_WAITS], tmp_path)
    keys = sorted(item.period_key for item in report.landed)
    assert keys == [
        "csds-main|2026-03-31",
        "mhsds-4ww|2024-09-30",
        "mhsds-main|2026-04-30",
        "mhsds-oaps_acute|2026-04-30",
    ]
    con = duckdb.connect()
    for source in (MHSDS_MAIN, MHSDS_OAPS, FOUR_WEEK_WAITS):
        _, rows = _rows(source)
        stars = sum(1 for r in rows if r[10].strip() == "*")
        landed = con.execute(
            "select count(*), count(*) filter (where measure_value = '*') "
            f"from read_parquet('{landing}/mhsds_monthly/*.parquet') where _source_file = ?",
            [source.name],
        ).fetchone()
        assert landed == (len(rows), stars), source.name
    _, csds_rows = _rows(CSDS)
    total = con.execute(
        f"select count(*), sum(measure_value) from read_parquet('{landing}/csds_core/*.parquet')"
    ).fetchone()
    assert total is not None and total[0] == len(csds_rows)
    assert total[1] == pytest.approx(sum(float(r[11]) for r in csds_rows))
    # The 4WW excerpt is the raw publication: unquoted, with '*' suppression (10 of its 119 rows).
    assert con.execute(
        f"select count(*) from read_parquet('{landing}/mhsds_monthly/*.parquet') "
        "where _source_file like '%4WW%' and measure_value = '*'"
    ).fetchone() == (sum(1 for r in _rows(FOUR_WEEK_WAITS)[1] if r[10] == "*"),)


def test_mixed_periods_are_kept_apart(tmp_path: Path) -> None:
    landing, _ = _land([MHSDS_MAIN], tmp_path)
    periods = duckdb.sql(
        "select reporting_period_start, reporting_period_end, count(*) "
        f"from read_parquet('{landing}/mhsds_monthly/*.parquet') "
        "group by all order by 1"
    ).fetchall()
    assert [(str(a), str(b), n) for a, b, n in periods] == [
        ("2025-05-01", "2026-04-30", 167),
        ("2026-02-01", "2026-04-30", 265),
        ("2026-04-01", "2026-04-30", 985),
    ]


# ----------------------------------------------------------------------------------------------------
# Rejections: each names the file, line and column, and nothing is landed


def _expect_rejection(tmp_path: Path, path: Path, *fragments: str) -> None:
    landing = tmp_path / "landing"
    with pytest.raises(LandingError) as caught:
        land(path.parent, landing, REPO / "seeds", NOW, collections=MHC_COLLECTIONS)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert not any(landing.rglob("*.parquet"))


def test_rejects_renamed_column(tmp_path: Path) -> None:
    header, rows = _rows(MHSDS_MAIN)
    header[9] = "MEASURE_DESCRIPTION"
    (tmp_path / "in").mkdir()
    path = _write(tmp_path / "in" / MHSDS_MAIN.name, header, rows[:5])
    _expect_rejection(tmp_path, path, MHSDS_MAIN.name, "line 1")


def test_rejects_a_value_that_is_neither_number_nor_star(tmp_path: Path) -> None:
    header, rows = _rows(MHSDS_MAIN)
    rows[2][10] = "n/a"
    (tmp_path / "in").mkdir()
    path = _write(tmp_path / "in" / MHSDS_MAIN.name, header, rows[:5])
    _expect_rejection(tmp_path, path, "line 4", "column 'MEASURE_VALUE'", "'n/a'")


def test_rejects_a_file_named_for_another_month(tmp_path: Path) -> None:
    header, rows = _rows(MHSDS_MAIN)
    (tmp_path / "in").mkdir()
    path = _write(tmp_path / "in" / "MHSDS Data_MarPerf_2026.csv", header, rows[:5])
    _expect_rejection(tmp_path, path, "MHSDS Data_MarPerf_2026.csv", "REPORTING_PERIOD_END", "wrong file")


def test_rejects_a_duplicated_row(tmp_path: Path) -> None:
    header, rows = _rows(CSDS)
    (tmp_path / "in").mkdir()
    path = _write(tmp_path / "in" / CSDS.name, header, [*rows[:4], rows[1]])
    _expect_rejection(tmp_path, path, CSDS.name, "line 6")


def test_rejects_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / CSDS.name
    path.write_bytes(b"")
    _expect_rejection(tmp_path, path, "empty")


def test_rejects_a_bad_template_flag(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    header, rows = _rows(DATA / "inputs" / "nof-input-finance.csv")
    rows[0][6] = "Maybe"
    path = _write(tmp_path / "in" / "nof-input-finance.csv", header, rows[:3])
    _expect_rejection(tmp_path, path, "line 2", "column 'Financial_override'", "'Maybe'")


# ----------------------------------------------------------------------------------------------------
# Input templates: the embedded default is NHS England's published values, nothing else


def test_templates_are_reproducible(tmp_path: Path) -> None:
    counts = build_input_templates(DATA / "nhse_nof", Q3_DERIVED, tmp_path)
    for name, rows in counts.items():
        assert (tmp_path / name).read_bytes() == (DATA / "inputs" / name).read_bytes(), name
        assert rows == len(_rows(DATA / "inputs" / name)[1])


def test_finance_and_flags_equal_the_published_rows() -> None:
    published: dict[tuple[str, str, str], str] = {}
    for q, t, metric, units, value in _published_rows():
        if metric in ("OF0079", "OF0081", "OF5004", "OF5007") and units in ("%", "percent", "flag"):
            published[(q, t, metric)] = value
    _, finance = _rows(DATA / "inputs" / "nof-input-finance.csv")
    _, rsp = _rows(DATA / "inputs" / "nof-input-recovery-support.csv")
    flag = {"Yes": "1.0", "No": "0.0", "": ""}
    compared = 0
    for q, t, plan, _, ytd, _, override, _ in finance:
        if q == "Q3 2025/26":
            continue
        assert published.get((q, t, "OF0079"), "") == plan
        assert published.get((q, t, "OF0081"), "") == ytd
        assert published.get((q, t, "OF5004"), "") == flag[override]
        compared += 1
    for q, t, member, _ in rsp:
        assert published[(q, t, "OF5007")] == flag[member]
    assert compared == 183 + 134  # 61 MH&C trusts x Q1, Q2, Q4 2025/26; 134 acute trusts x Q1
    assert len(rsp) == 122 + 134  # OF5007: the MH&C Q1/Q2 file (the Q4 excerpt stops at OF5004) and acute Q1


def _published_rows() -> list[tuple[str, str, str, str, str]]:
    """(quarter, trust, metric id, units, value) of every NOF data file in data/nhse_nof/; the acute Q1 release
    has no Quarter column, its quarter is the summary rows' Reporting_date."""
    out = []
    for path in sorted((DATA / "nhse_nof").glob("*-trust-data*.csv")):
        header, rows = _rows(path)
        i = {h: n for n, h in enumerate(header)}
        if "Quarter" in i:
            quarters = [r[i["Quarter"]] for r in rows]
        else:
            summary = {r[i["Reporting_date"]] for r in rows if r[i["Domain"]] == "Summary" and r[i["Reporting_date"]]}
            (quarter,) = summary
            quarters = [quarter] * len(rows)
        out += [
            (q, r[i["Trust_code"]], r[i["Metric_ID"]], r[i["Units"]], r[i["Value"]])
            for q, r in zip(quarters, rows, strict=True)
        ]
    return out


def test_metric_values_template_copies_nhs_englands_rows_and_says_so() -> None:
    published = {(q, t, m): (units, value) for q, t, m, units, value in _published_rows()}
    header, rows = _rows(DATA / "inputs" / "nof-input-metric-values.csv")
    assert header == ["Quarter", "Trust_code", "Metric_ID", "Value", "Units", "Score", "Reporting_date", "Source"]
    acute_q1 = 0
    for q, t, metric, value, units, score, _, source in rows:
        assert source.startswith("NHS England NOF data file "), source
        if value:
            assert published[(q, t, metric)] == (units, value)
        if score:
            assert published[(q, t, "OF1" + metric[3:])][1] == score
        acute_q1 += q == "Q1 2025/26" and "acute" in source
    # every acute trust has its RTT (OF0003/OF0023 for 131 trusts), SHMI (118), CQC inpatient survey (130), ...
    assert acute_q1 > 134 * 8


def test_q3_values_are_the_derived_file_values() -> None:
    header, rows = _rows(Q3_DERIVED)
    i = {h: n for n, h in enumerate(header)}
    by_trust = {r[i["org_code"]]: r for r in rows}
    _, hcai = _rows(DATA / "inputs" / "nof-input-hcai.csv")
    column = {"OF0020": "mrsa_cases_count", "OF0048": "ecoli_bacteraemia_rate", "OF0088": "cdiff_infection_rate"}
    for q, t, metric, count, rate, _, source in hcai:
        assert q == "Q3 2025/26" and "third-party derived copy" in source
        assert float(count or rate) == float(by_trust[t][i[column[metric]]])
    assert len(hcai) == sum(1 for r in rows for c in column.values() if r[i[c]])


# ----------------------------------------------------------------------------------------------------
# fetch


def test_fetch_offline_says_so_and_writes_nothing(tmp_path: Path) -> None:
    calls: list[str] = []
    sleeps: list[float] = []

    def offline(url: str, timeout: float) -> bytes:
        calls.append(url)
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    with pytest.raises(FetchError) as caught:
        fetch("mhsds_monthly", "2026-04", tmp_path, opener=offline, retries=3, backoff=1.5, sleep=sleeps.append)
    assert "offline or unreachable" in str(caught.value) and "performance-april-2026" in str(caught.value)
    assert len(calls) == 3 and sleeps == [1.5, 3.0]
    assert not any(tmp_path.iterdir())


def test_fetch_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="unknown collection"):
        fetch("nope", "2026-04", tmp_path)
    with pytest.raises(FetchError, match="YYYY-MM"):
        fetch("csds_core", "April 2026", tmp_path)


def test_saved_pages_name_their_period() -> None:
    mhsds = (PAGES / "mhsds_performance_april_2026.txt").read_text(encoding="utf-8")
    csds = (PAGES / "csds_march_2026.txt").read_text(encoding="utf-8")
    assert page_period(mhsds, PUBLICATIONS["mhsds_monthly"], 2026, 4)
    assert not page_period(mhsds, PUBLICATIONS["mhsds_monthly"], 2026, 5)
    assert page_period(csds, PUBLICATIONS["csds_core"], 2026, 3)
    assert not page_period(csds, PUBLICATIONS["csds_core"], 2026, 4)
    assert (
        PUBLICATIONS["csds_core"]
        .page_for(2026, 3)
        .endswith("community-services-statistics-for-children-young-people-and-adults/march-2026")
    )


# SYNTHETIC: a minimal page in the publisher's HTML style (no stored copy carries the resource links).
_SYNTHETIC_PAGE = """<html><head><title>Community Services Statistics, March 2026 - NHS England Digital</title></head>
<body><h1>Community Services Statistics, March 2026</h1>
<a href="https://files.digital.nhs.uk/AB/CDEF/csds_march-2026_csds_data.zip">CSDS data</a>
<a href='/data-and-information/publications/statistical/{CSDS_PAGE}february-2026'>previous</a>
<a href="https://files.digital.nhs.uk/AB/CDEF/csds_march-2026_csds_data.zip">again</a>
</body></html>""".replace("{CSDS_PAGE}", "community-services-statistics-for-children-young-people-and-adults/")


def _zip_of(path: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, "csds-mar26-exp-core-data.csv")
    return buffer.getvalue()


def test_parse_links_resolves_and_deduplicates() -> None:
    base = PUBLICATIONS["csds_core"].page_for(2026, 3)
    links = parse_links(_SYNTHETIC_PAGE, base)
    assert links == [
        "https://files.digital.nhs.uk/AB/CDEF/csds_march-2026_csds_data.zip",
        "https://digital.nhs.uk/data-and-information/publications/statistical/"
        "community-services-statistics-for-children-young-people-and-adults/february-2026",
    ]


def test_fetch_downloads_extracts_and_records_checksums(tmp_path: Path) -> None:
    body = _zip_of(CSDS)  # the real CSDS RDY rows, zipped here (synthetic archive)

    def online(url: str, timeout: float) -> bytes:
        return _SYNTHETIC_PAGE.encode() if "digital.nhs.uk/data-and-information" in url else body

    report = fetch("csds_core", "2026-03", tmp_path, opener=online, now=NOW)
    extracted = tmp_path / "csds" / "csds-mar26-exp-core-data.csv"
    assert extracted.read_bytes() == CSDS.read_bytes()
    import hashlib
    import json

    entries = [json.loads(line) for line in (tmp_path / "csds" / "_fetch_manifest.jsonl").read_text().splitlines()]
    assert [e["sha256"] for e in entries] == [hashlib.sha256(CSDS.read_bytes()).hexdigest()]
    assert entries[0]["from_zip"] == "csds_march-2026_csds_data.zip"
    assert entries[0]["members"][0]["bytes"] == CSDS.stat().st_size
    assert len(report.files) == 1
    # What fetch wrote lands.
    landed = land(tmp_path, tmp_path / "landing", REPO / "seeds", NOW, collections=MHC_COLLECTIONS)
    assert [i.period_key for i in landed.landed] == ["csds-main|2026-03-31"]


def test_fetch_rejects_a_truncated_zip_and_writes_nothing(tmp_path: Path) -> None:
    body = _zip_of(CSDS)

    def online(url: str, timeout: float) -> bytes:
        return _SYNTHETIC_PAGE.encode() if "digital.nhs.uk/data-and-information" in url else body[: len(body) // 2]

    with pytest.raises(FetchError, match="truncated"):
        fetch("csds_core", "2026-03", tmp_path, opener=online, now=NOW)
    assert not (tmp_path / "csds").exists()


def test_fetch_refuses_another_months_page(tmp_path: Path) -> None:
    def online(url: str, timeout: float) -> bytes:
        return _SYNTHETIC_PAGE.encode()

    with pytest.raises(FetchError, match="does not name April 2026"):
        fetch("csds_core", "2026-04", tmp_path, opener=online, now=NOW)


def test_a_revised_file_replaces_the_earlier_one_and_keeps_it(tmp_path: Path) -> None:
    """NHS England Digital re-issues a file with a _v2 suffix: same period, so it replaces the first one, which
    moves to _superseded/ (append-only)."""
    data = tmp_path / "data"
    data.mkdir()
    header, rows = _rows(MHSDS_MAIN)
    _write(data / "MHSDS Data_AprPerf_2026.csv", header, rows)
    landing = tmp_path / "landing"
    first = land(data, landing, REPO / "seeds", NOW, collections=MHC_COLLECTIONS)
    assert [i.period_key for i in first.landed] == ["mhsds-main|2026-04-30"]
    (data / "MHSDS Data_AprPerf_2026.csv").unlink()
    rows[0][10] = "40" if rows[0][10] != "40" else "45"
    _write(data / "MHSDS Data_AprPerf_2026_v2.csv", header, rows)
    second = land(data, landing, REPO / "seeds", NOW, collections=MHC_COLLECTIONS)
    assert [i.source_path for i in second.replaced] == ["MHSDS Data_AprPerf_2026_v2.csv"]
    assert len(list((landing / "mhsds_monthly" / "_superseded").glob("*.parquet"))) == 1
    value = duckdb.sql(
        f"select measure_value from read_parquet('{landing}/mhsds_monthly/*.parquet') where _source_line = 2"
    ).fetchall()
    assert value == [(rows[0][10],)]
