"""Issue 12 items 2, 5 and 6 on the release published from the embedded real data: coverage in each table's header,
the quality report (``data_docs/``) opening with networking disabled, the trust page's history charts showing every
quarter, the search, the links between a trust's routes, the downloads page and ICB names as ODS spells them.

The browser tests open the release from the file system (``file://``, as a reader who downloaded it would) in
headless Chromium, Debian's ``chromium`` and ``chromium-driver`` as in ``test_site.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import duckdb
import pytest
from test_site import screenshot, start_chromium

from oversight.site import league_path, provisional_path, sensitivity_path, trust_path

if TYPE_CHECKING:
    from conftest import EmbeddedBuild


@pytest.fixture(scope="module")
def release(embedded: EmbeddedBuild) -> Path:
    return embedded.result.release


@pytest.fixture(scope="module")
def site_root(embedded: EmbeddedBuild) -> Path:
    return embedded.result.site_index.parent


@pytest.fixture(scope="module")
def con(embedded: EmbeddedBuild) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(embedded.warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """Headless Chromium that logs every network request (performance log) and can be taken offline (CDP)."""
    browser = start_chromium(performance_log=True)
    yield browser
    browser.quit()


def requested_urls(driver: Any) -> list[str]:
    """The URLs of the requests sent since the performance log was last read (Network.requestWillBeSent)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


# ------------------------------------------------------------------------------ item 5: quality report offline


def test_quality_report_opens_offline_styled_with_no_local_path(
    driver: Any, release: Path, embedded: EmbeddedBuild
) -> None:
    docs = release / "data_docs"
    page = docs / "index.html"
    text = page.read_text(encoding="utf-8")
    for local in {str(embedded.work), str(release), str(Path.home()), "/tmp/"}:
        assert local not in text, f"the quality report shows a local path ({local})"
    for html in docs.rglob("*.html"):
        assert "http://" not in html.read_text(encoding="utf-8").replace("http://www.w3.org", "")
        assert "https://" not in html.read_text(encoding="utf-8")

    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    try:
        requested_urls(driver)  # drop what came before
        driver.get(page.as_uri())
        urls = requested_urls(driver)
        header = driver.execute_script(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        status = driver.find_element("id", "gate-status").text
        suites = driver.execute_script("return document.querySelectorAll('section.suite tbody tr').length")
        met_counts = driver.execute_script(
            "return Array.from(document.querySelectorAll('section.suite tr.passed td.num')).map(c => c.textContent)"
        )
        screenshot(driver, "quality_report")
    finally:
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
    assert urls, "no request logged"
    other_hosts = [u for u in urls if urlsplit(u).scheme not in ("file", "data")]
    assert not other_hosts, other_hosts
    assert header == "rgb(0, 94, 184)", "the site's style sheet was applied (NHS blue header)"
    assert status == "Quality gate: passed"
    assert suites >= 3
    assert met_counts and set(met_counts) == {"0"}, met_counts


# ------------------------------------------------------------------------------ item 2: coverage in the table


def test_each_table_header_states_its_source_and_coverage(site_root: Path, con: duckdb.DuckDBPyConnection) -> None:
    tables = con.execute(
        "select data_source, quarter, cohort, any_value(table_metric_coverage), any_value(table_status) "
        "from marts.rpt_league_table group by all order by all"
    ).fetchall()
    assert any(status != "ranked" for *_, status in tables), "the embedded data has incomplete returns tables"
    for source, quarter, cohort, coverage, status in tables:
        html = (site_root / league_path(source, quarter, cohort)).read_text(encoding="utf-8")
        header = html.split('id="table-coverage"', 1)[1].split("</p>", 1)[0]
        assert f"({source})" in header
        assert f"{round(coverage * 100, 1)}%" in header
        assert ("incomplete: not ranked" in header) == (status != "ranked"), (source, quarter, cohort)


def test_provisional_header_states_its_coverage_and_status(site_root: Path, con: duckdb.DuckDBPyConnection) -> None:
    """The provisional page of each cohort (the latest quarter on the most months) states its table's coverage and
    status like the league pages, and shows no rank when the table is incomplete."""
    tables = con.execute(
        """
        select cohort, any_value(table_metric_coverage), any_value(table_status), count(league_rank)
        from marts.rpt_league_table_provisional
        where is_latest_quarter
          and months_available = (
              select max(months_available) from marts.rpt_league_table_provisional where is_latest_quarter
          )
        group by cohort
        order by cohort
        """
    ).fetchall()
    assert tables
    for cohort, coverage, status, ranked in tables:
        html = (site_root / provisional_path(cohort)).read_text(encoding="utf-8")
        header = html.split('id="table-coverage"', 1)[1].split("</p>", 1)[0]
        assert f'data-status="{status}"' in header
        assert f"{round(coverage * 100, 1)}%" in header
        assert ("incomplete: not ranked" in header) == (status != "ranked"), cohort
        shown = re.findall(r'<td class="num rank" data-sort="[^"]*">(\d+)</td>', html)
        assert len(shown) == ranked and (status == "ranked" or ranked == 0), cohort


def test_method_sensitivity_withholds_the_ranks_of_incomplete_tables(
    site_root: Path, con: duckdb.DuckDBPyConnection
) -> None:
    """rpt_method_sensitivity judges each variant's table by the league table's coverage rule: an incomplete table's
    ranks are null, its sensitivity page says so and shows no rank range."""
    counts = con.execute(
        """
        select
            count(*) filter (where table_status = 'incomplete: not ranked'),
            count(*) filter (where table_status = 'incomplete: not ranked' and league_rank is not null),
            count(*) filter (where published_method_table_status <> 'ranked' and published_method_rank is not null)
        from marts.rpt_method_sensitivity
        """
    ).fetchone()
    assert counts is not None
    incomplete, ranked_incomplete, ranked_published = counts
    assert incomplete > 0, "the embedded data has incomplete returns tables"
    assert ranked_incomplete == 0 and ranked_published == 0
    row = con.execute(
        "select data_source, quarter, cohort from marts.rpt_method_sensitivity "
        "where published_method_table_status <> 'ranked' group by all order by all limit 1"
    ).fetchone()
    assert row is not None
    html = (site_root / sensitivity_path(*row)).read_text(encoding="utf-8")
    assert 'id="sensitivity-status"' in html and "incomplete: not ranked" in html
    assert "None" not in html
    ranges = re.findall(r'<td class="num nowrap rank-range"[^>]*>([^<]*)</td>', html)
    assert ranges and set(ranges) == {"\u2013"}


def test_readme_examples_filter_the_route_and_name_the_table_status() -> None:
    """The README's SQL examples on the league table filter data_source (each trust comes once per route) and the
    README names table_status and the coverage rule."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sql|python)\n(.*?)```", readme, flags=re.DOTALL)
    league_examples = [b for b in blocks if "rpt_league_table" in b]
    assert league_examples
    for block in league_examples:
        assert "data_source = '" in block, block
    assert "table_status" in readme and "incomplete: not ranked" in readme
    assert "league_min_metric_coverage" in readme


# ------------------------------------------------------------------------------ item 6: the site


@pytest.fixture(scope="module")
def trust_with_history(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str, list[str]]:
    """An NHS England-route trust with the most quarters, its latest quarter, and those quarters in order."""
    row = con.execute(
        """
        select trust_code, arg_max(quarter, quarter_start_date), list(quarter order by quarter_start_date)
        from marts.rpt_league_table
        where data_source = 'nhse_nof'
        group by trust_code
        order by count(*) desc, trust_code
        limit 1
        """
    ).fetchone()
    assert row is not None
    return "nhse_nof", row[1], row[0], list(row[2])


def test_trust_history_charts_show_every_quarter(driver: Any, site_root: Path, trust_with_history: Any) -> None:
    source, quarter, code, quarters = trust_with_history
    assert len(quarters) >= 3
    driver.get((site_root / trust_path(source, quarter, code)).as_uri())
    for chart in ("segment-history", "average-history"):
        shown = driver.execute_script(
            """
            var chart = document.getElementById(arguments[0]);
            var box = chart.getBoundingClientRect();
            return Array.from(chart.querySelectorAll('.xtick text'))
              .filter(function (t) { var r = t.getBoundingClientRect();
                return r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1; })
              .map(function (t) { return t.textContent; });
            """,
            chart,
        )
        assert shown == quarters, (chart, shown)
        width = driver.execute_script(
            "var c = document.getElementById(arguments[0]); "
            "return [c.querySelector('.main-svg').getBoundingClientRect().width, c.parentElement.clientWidth]",
            chart,
        )
        assert width[0] <= width[1] + 1, f"{chart} is wider than its cell: {width}"
    screenshot(driver, "trust_history")


def test_search_by_name_reaches_the_trust_page(driver: Any, site_root: Path, con: duckdb.DuckDBPyConnection) -> None:
    from selenium.webdriver.common.by import By

    code, name = con.execute(
        "select trust_code, arg_max(trust_name, quarter_start_date) from marts.rpt_league_table "
        "where trust_name ilike '%mental health%' group by trust_code order by trust_code limit 1"
    ).fetchone() or ("", "")
    driver.get((site_root / "index.html").as_uri())
    driver.find_element(By.ID, "nav-search").click()
    box = driver.find_element(By.ID, "trust-search")
    box.send_keys(name.lower()[:-3])  # part of the name, in another case
    first = driver.find_element(By.CSS_SELECTOR, f'#search-results li[data-trust="{code}"] a.search-result')
    first.click()
    assert code in driver.find_element(By.ID, "trust-name").text
    box_code = None
    driver.find_element(By.ID, "nav-search").click()
    box_code = driver.find_element(By.ID, "trust-search")
    box_code.send_keys(code)
    results = driver.find_elements(By.CSS_SELECTOR, "#search-results li")
    assert results and results[0].get_attribute("data-trust") == code


def test_trust_pages_link_across_routes(site_root: Path, con: duckdb.DuckDBPyConnection) -> None:
    both = con.execute(
        """
        select quarter, trust_code from marts.rpt_league_table
        group by quarter, trust_code having count(distinct data_source) = 2
        order by quarter, trust_code limit 5
        """
    ).fetchall()
    assert both
    for quarter, code in both:
        for source, other in (("nhse_nof", "returns"), ("returns", "nhse_nof")):
            page = site_root / trust_path(source, quarter, code)
            html = page.read_text(encoding="utf-8")
            target = trust_path(other, quarter, code)
            assert f'data-source="{other}" href="../../../{target}"' in html
            assert (site_root / target).is_file()


def test_downloads_page_links_every_release_file(release: Path, site_root: Path) -> None:
    html = (site_root / "downloads.html").read_text(encoding="utf-8")
    assert 'href="downloads.html"' in (site_root / "index.html").read_text(encoding="utf-8")
    files = [
        *(release / "marts" / "csv").glob("*.csv"),
        *(release / "marts" / "parquet").glob("*.parquet"),
        *(release / "nhse").glob("*"),
        release / "manifest.json",
        release / "data_docs" / "index.html",
    ]
    assert len(files) > 10
    for file in files:
        assert file.is_file()
        assert f'href="../{file.relative_to(release).as_posix()}"' in html, file


def test_icb_names_as_ods_spells_them(con: duckdb.DuckDBPyConnection) -> None:
    names = {
        n for (n,) in con.execute("select distinct icb_name from marts.dim_trust where icb_name is not null").fetchall()
    }
    assert "NHS Kent and Medway Integrated Care Board" in names
    assert not [n for n in names if " And " in n or " Of " in n or " The " in n], names
