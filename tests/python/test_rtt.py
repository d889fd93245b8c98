"""RTT full CSV extract on REAL data: the excerpt of November 2024 (the publication's 121-column header and all
512 rows of provider RBD, ``data/nhse_rtt/20241130-RTT-November-2024-RBD.csv``), and ``oversight fetch``'s link
discovery on NHS England's real RTT index pages (link lists in ``fixtures/publisher_pages/``; no network).

Test constructions, labelled where used: a ZIP built here around the real rows (the publication's ZIP is not
held), the November rows relabelled December 2024 (to exercise a quarter's last month and the incremental build),
one extra 'revised' link, and the HTML rendering of the real link lists.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from oversight.collections import match_collection
from oversight.collections_acute import NHSE_RTT_FULL_EXTRACT, RTT_WEEK_BANDS
from oversight.fetch import PUBLICATIONS, FetchError, Link, discover_files, discover_page, fetch, parse_anchors
from oversight.landing import land
from oversight.pipeline import build

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
EXCERPT = REPO / "data" / "nhse_rtt" / "20241130-RTT-November-2024-RBD.csv"
PAGES = REPO / "tests" / "python" / "fixtures" / "publisher_pages"
INDEX_LINKS = PAGES / "rtt-waiting-times_index__links_from_NHSRtt_test_mock.csv"
YEAR_LINKS = PAGES / "rtt-data-2025-26__links_from_NHSRtt_test_mock.csv"
RTT = PUBLICATIONS["nhse_rtt_full_extract"]
UPLOADS = "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2"

# The hand computation (Python's csv module over the raw file; repeated below and in
# tests/singular/assert_rtt_matches_hand_computation.sql): RBD, November 2024, Part_2, C_999 rows.
HAND = {
    "within_18_weeks": 12534,  # English commissioners (40; NONC excluded)
    "over_52_weeks": 647,
    "waiting_list": 21693,
    "waiting_list_nonc": 9,  # NONC: 9 pathways, 5 within 18 weeks, none over 52
    "within_18_nonc": 5,
    "over_52_nonc": 0,
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _query(sql: str) -> list[tuple[object, ...]]:
    return duckdb.connect().execute(sql).fetchall()


# ----------------------------------------------------------------------------------------------------
# The real header and file names


def test_real_header_is_the_documented_layout() -> None:
    """No drift: the publication's header is exactly raw_formats 2.1's 121 columns, in order."""
    header = EXCERPT.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(NHSE_RTT_FULL_EXTRACT.layouts[0].columns)
    assert len(header) == 121 and header[13:118] == list(RTT_WEEK_BANDS)


@pytest.mark.parametrize(
    "name",
    [
        "Full-CSV-data-file-Nov24-ZIP-4M-12345.zip",  # the publication (raw_formats 2.1)
        "Full-CSV-data-file-Apr25-ZIP-4M-revised.zip",
        "20241130-RTT-November-2024-full-extract.csv",  # its member, as `oversight fetch` extracts it
        "20240630-RTT-June-2024-full-extract-revised.csv",
        "20241130-RTT-November-2024-RBD.csv",  # the excerpt
    ],
)
def test_rtt_file_names(name: str) -> None:
    found = match_collection(name)
    assert found is not None and found.name == "nhse_rtt_full_extract"


# ----------------------------------------------------------------------------------------------------
# Landing: the bare CSV and a ZIP around it


def _zip_of_excerpt(folder: Path, member: str = "20241130-RTT-November-2024-full-extract.csv") -> Path:
    """TEST CONSTRUCTION: the real rows zipped under the publication's member name (the real ZIP is not held)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "Full-CSV-data-file-Nov24-ZIP-4M-TESTZIP.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.write(EXCERPT, member)
    return archive


@pytest.mark.parametrize("form", ["bare_csv", "zip"])
def test_excerpt_lands_as_csv_or_zip(form: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    if form == "zip":
        _zip_of_excerpt(data)
    else:
        data.mkdir()
        (data / EXCERPT.name).write_bytes(EXCERPT.read_bytes())
    report = land(data, tmp_path / "landing", SEEDS)
    assert [f.period_key for f in report.landed] == ["rtt-extract|RTT-November-2024"]
    landed = f"read_parquet('{tmp_path}/landing/nhse_rtt_full_extract/*.parquet')"
    assert _query(f"SELECT count(*), min(_source_line), max(_source_line), sum(total_all) FROM {landed}") == [
        (512, 2, 513, 72992.0)  # every row; Total All summed over all parts, read off the file with csv
    ]
    # Blank is NULL, not 0 (raw_formats 2.1 'Blank vs zero'): Part_3 bands, Part_2 Total and unknown.
    assert _query(
        f"SELECT rtt_part_type, count(*) FILTER (WHERE gt_00_to_01_weeks_sum_1 IS NULL), count(*) FILTER "
        f"(WHERE total IS NULL), count(*) FILTER (WHERE patients_with_unknown_clock_start_date IS NULL), count(*) "
        f"FROM {landed} GROUP BY 1 ORDER BY 1"
    ) == [
        ("Part_1A", 0, 0, 0, 44),
        ("Part_1B", 0, 0, 0, 94),
        ("Part_2", 0, 202, 202, 202),
        ("Part_2A", 0, 72, 72, 72),
        ("Part_3", 100, 100, 100, 100),
    ]


def test_hand_computation_from_the_raw_file() -> None:
    """Independent of landing and dbt: Python's csv module, then DuckDB's own CSV reader, over the raw file."""
    rows = [r for r in _rows(EXCERPT) if r["RTT Part Type"] == "Part_2"]
    within = [f"Gt {i:02d} To {i + 1:02d} Weeks SUM 1" for i in range(18)]
    over = [f"Gt {i:02d} To {i + 1:02d} Weeks SUM 1" for i in range(52, 104)] + ["Gt 104 Weeks SUM 1"]

    def sums(selected: list[dict[str, str]]) -> tuple[int, int, int]:
        return (
            sum(int(r[c]) for r in selected for c in within),
            sum(int(r[c]) for r in selected for c in over),
            sum(int(r["Total All"]) for r in selected),
        )

    totals = [r for r in rows if r["Treatment Function Code"] == "C_999"]
    functions = [r for r in rows if r["Treatment Function Code"] != "C_999"]
    english = [r for r in totals if r["Commissioner Org Code"] != "NONC"]
    nonc = [r for r in totals if r["Commissioner Org Code"] == "NONC"]
    assert sums(english) == (HAND["within_18_weeks"], HAND["over_52_weeks"], HAND["waiting_list"])
    assert sums(nonc) == (HAND["within_18_nonc"], HAND["over_52_nonc"], HAND["waiting_list_nonc"])
    assert len(english) == 40 and len(nonc) == 1
    # C_999 rows and the sum of the treatment functions agree (all commissioners): 12,539 / 647 / 21,702.
    assert sums(totals) == sums(functions) == (12539, 647, 21702)
    # Part_2 'Total All' is the sum of the 105 bands on every row; 'Total' and unknown are blank.
    assert all(sum(int(r[c]) for c in RTT_WEEK_BANDS) == int(r["Total All"]) for r in rows)
    assert {(r["Total"], r["Patients with unknown clock start date"]) for r in rows} == {("", "")}

    # The same with DuckDB's CSV reader, columns by name.
    def band_sum(columns: list[str]) -> str:
        return " + ".join(f'"{c}"' for c in columns)

    assert _query(
        f"""SELECT sum({band_sum(within)}), sum({band_sum(over)}), sum("Total All")
        FROM read_csv('{EXCERPT}', header = true, all_varchar = false)
        WHERE "RTT Part Type" = 'Part_2' AND "Treatment Function Code" = 'C_999'
          AND "Commissioner Org Code" <> 'NONC'"""
    ) == [(HAND["within_18_weeks"], HAND["over_52_weeks"], HAND["waiting_list"])]
    # The dbt acceptance test holds the same figures.
    singular = (REPO / "tests/singular/assert_rtt_matches_hand_computation.sql").read_text(encoding="utf-8")
    assert "('RBD', date '2024-11-01', 12534.0, 647.0, 21693.0, 9.0, 40, 57.7790, 2.9825)" in singular
    assert round(100 * 12534 / 21693, 4) == 57.779 and round(100 * 647 / 21693, 4) == 2.9825


# ----------------------------------------------------------------------------------------------------
# dbt: staging (incremental, built twice), the monthly figures and the NOF values

_SELECT = [
    "--select",
    "+int_metric_values__rtt +int_rtt_incomplete_pathways__monthly",
    "--indirect-selection",
    "cautious",
]


def _build(landing: Path, warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    build(landing, warehouse, dbt_args=_SELECT)  # dbt build: models, unit tests, data and singular tests
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "staged": con.execute(
                "SELECT month_start, count(*), sum(total_all), count(DISTINCT source_sha256) "
                "FROM staging.stg_nhse_rtt__full_extract GROUP BY 1 ORDER BY 1"
            ).fetchall(),
            "monthly": con.execute(
                "SELECT month_start, provider_org_code, within_18_weeks, over_52_weeks, waiting_list, "
                "waiting_list_nonc, commissioners, round(pct_within_18_weeks, 4), round(pct_over_52_weeks, 4) "
                "FROM intermediate.int_rtt_incomplete_pathways__monthly ORDER BY 1"
            ).fetchall(),
            "values": con.execute(
                "SELECT quarter, trust_code, metric_id, round(value, 4), numerator, denominator, value_status, "
                "reporting_date FROM intermediate.int_metric_values__rtt ORDER BY metric_id"
            ).fetchall(),
        }
    finally:
        con.close()


def test_model_equals_the_hand_computation_and_builds_incrementally(tmp_path: Path) -> None:
    data, landing, warehouse = tmp_path / "data", tmp_path / "landing", tmp_path / "wh" / "oversight.duckdb"
    data.mkdir()
    (data / EXCERPT.name).write_bytes(EXCERPT.read_bytes())
    land(data, landing, SEEDS)
    november = (
        date(2024, 11, 1),
        "RBD",
        float(HAND["within_18_weeks"]),
        float(HAND["over_52_weeks"]),
        float(HAND["waiting_list"]),
        float(HAND["waiting_list_nonc"]),
        40,
        57.779,
        2.9825,
    )
    first = _build(landing, warehouse)
    assert first["monthly"] == [november]
    assert first["staged"] == [(november[0], 512, 72992.0, 1)]
    assert first["values"] == []  # November is not a quarter's last month: no NOF value, as expected
    # Built again with nothing new: the incremental staging reads no file and the figures are unchanged.
    assert _build(landing, warehouse) == first

    # TEST CONSTRUCTION: the same rows relabelled December 2024 (a quarter's last month, Q3 2024/25).
    december = data / "20241231-RTT-December-2024-RBD.csv"
    december.write_text(EXCERPT.read_text(encoding="utf-8").replace("RTT-November-2024", "RTT-December-2024"))
    land(data, landing, SEEDS)
    third = _build(landing, warehouse)
    dec = date(2024, 12, 1)
    assert third["staged"] == [(november[0], 512, 72992.0, 1), (dec, 512, 72992.0, 1)]
    assert third["monthly"] == [november, (dec, *november[1:])]
    assert third["values"] == [
        ("Q3 2024/25", "RBD", "OF0003", 2.9825, 647.0, 21693.0, "reported", "Dec-24"),
        ("Q3 2024/25", "RBD", "OF0023", 57.779, 12534.0, 21693.0, "reported", "Dec-24"),
    ]


# ----------------------------------------------------------------------------------------------------
# fetch: discovery on NHS England's real RTT pages (as link lists)


def _links(path: Path) -> list[Link]:
    return [Link(" ".join(r["link_text"].split()), r["href"]) for r in _rows(path)]


def _as_html(path: Path) -> bytes:
    """TEST CONSTRUCTION: the real (link text, href) pairs rendered as the anchors of an HTML page."""
    anchors = "\n".join(
        f'<li><a href="{html.escape(r["href"])}">{html.escape(r["link_text"])}</a></li>' for r in _rows(path)
    )
    return f"<html><body><ul>\n{anchors}\n</ul></body></html>".encode()


@pytest.mark.parametrize(
    ("period", "page"),
    [
        ((2025, 6), "https://www.england.nhs.uk/statistics/statistical-work-areas/rtt-waiting-times/rtt-data-2025-26"),
        ((2024, 11), "https://www.england.nhs.uk/statistics/statistical-work-areas/rtt-waiting-times/rtt-data-2024-25"),
        ((2025, 3), "https://www.england.nhs.uk/statistics/statistical-work-areas/rtt-waiting-times/rtt-data-2024-25"),
        ((2014, 6), "https://www.england.nhs.uk/statistics/rtt-data-2014-15/"),  # not the usual address
    ],
)
def test_the_years_page_is_found_on_the_real_index(period: tuple[int, int], page: str) -> None:
    assert discover_page(_links(INDEX_LINKS), RTT, *period) == page


@pytest.mark.parametrize(
    ("period", "urls"),
    [
        ((2025, 6), [f"{UPLOADS}/2025/08/Full-CSV-data-file-Jun25-ZIP-4M-94367.zip"]),
        ((2025, 7), [f"{UPLOADS}/2025/09/Full-CSV-data-file-Jul25-ZIP-4M-92707.zip"]),  # listed twice
        ((2025, 4), [f"{UPLOADS}/2025/06/Full-CSV-data-file-Apr25-ZIP-4M-77252.zip"]),
        ((2025, 8), []),  # not yet published when the page was captured
        ((2024, 6), []),  # Jun24 is on the 2024-25 page; Jun25 must not match it
    ],
)
def test_the_months_full_csv_zip_is_found_on_the_real_year_page(period: tuple[int, int], urls: list[str]) -> None:
    links = _links(YEAR_LINKS)
    assert discover_files(links, RTT, *period) == urls
    # The same from the HTML rendering of the page (parse_anchors keeps text and href).
    assert discover_files(parse_anchors(_as_html(YEAR_LINKS).decode(), RTT.page_for(*period)), RTT, *period) == urls


def test_a_revised_file_is_preferred_and_two_originals_are_an_error() -> None:
    links = _links(YEAR_LINKS)
    # TEST CONSTRUCTION: one extra link in the publisher's style for a revision of June 2025.
    revised = f"{UPLOADS}/2025/09/Full-CSV-data-file-Jun25-ZIP-4M-revised-1234.zip"
    assert discover_files([*links, Link("Full CSV data file Jun25 (ZIP, 4M) revised", revised)], RTT, 2025, 6) == [
        revised
    ]
    other = f"{UPLOADS}/2025/09/Full-CSV-data-file-Jun25-ZIP-4M-5678.zip"
    with pytest.raises(FetchError, match="2 links for June 2025"):
        discover_files([*links, Link("Full CSV data file Jun25 (ZIP, 4M)", other)], RTT, 2025, 6)


def test_fetch_follows_the_real_index_and_year_pages(tmp_path: Path) -> None:
    """``oversight fetch --collection nhse_rtt_full_extract --period 2025-06`` with the pages served from the real
    link lists. TEST CONSTRUCTION: the ZIP served for the Jun25 URL holds the real November 2024 RBD rows (the
    real Jun25 ZIP is not held), so what lands is November 2024."""
    body = _zip_of_excerpt(tmp_path / "zips").read_bytes()
    requested: list[str] = []

    def online(url: str, timeout: float) -> bytes:
        requested.append(url)
        if url == RTT.index_url:
            return _as_html(INDEX_LINKS)
        if url.rstrip("/").endswith("rtt-data-2025-26"):
            return _as_html(YEAR_LINKS)
        if url == f"{UPLOADS}/2025/08/Full-CSV-data-file-Jun25-ZIP-4M-94367.zip":
            return body
        raise AssertionError(f"unexpected request {url}")

    data = tmp_path / "data"
    report = fetch("nhse_rtt_full_extract", "2025-06", data, opener=online)
    assert requested == [
        RTT.index_url,
        "https://www.england.nhs.uk/statistics/statistical-work-areas/rtt-waiting-times/rtt-data-2025-26",
        f"{UPLOADS}/2025/08/Full-CSV-data-file-Jun25-ZIP-4M-94367.zip",
    ]
    written = data / "nhse_rtt" / "20241130-RTT-November-2024-full-extract.csv"
    assert written.read_bytes() == EXCERPT.read_bytes() and len(report.files) == 1
    (entry,) = [json.loads(line) for line in (data / "nhse_rtt" / "_fetch_manifest.jsonl").read_text().splitlines()]
    assert entry["from_zip"] == "Full-CSV-data-file-Jun25-ZIP-4M-94367.zip"
    assert entry["sha256"] == hashlib.sha256(EXCERPT.read_bytes()).hexdigest()
    # What fetch wrote (the ZIP's CSV, extracted) lands in the RTT collection.
    landed = land(data, tmp_path / "landing", SEEDS)
    assert [(i.collection, i.period_key) for i in landed.landed] == [
        ("nhse_rtt_full_extract", "rtt-extract|RTT-November-2024")
    ]


def test_fetch_names_the_missing_month(tmp_path: Path) -> None:
    def online(url: str, timeout: float) -> bytes:
        return _as_html(INDEX_LINKS) if url == RTT.index_url else _as_html(YEAR_LINKS)

    with pytest.raises(FetchError, match=r"no link matches .*Full-CSV-data-file-Aug25.* or link text"):
        fetch("nhse_rtt_full_extract", "2025-08", tmp_path, opener=online)
    assert not any(tmp_path.iterdir())


def test_csv_reader_sees_quoted_names() -> None:
    """Names with commas are quoted in the real file (the only quoting): the csv reader keeps 121 fields."""
    assert {len(r) for r in csv.reader(io.StringIO(EXCERPT.read_text(encoding="utf-8")))} == {121}
