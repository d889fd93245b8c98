"""The static website, rendered from a warehouse built from the embedded real data, checked against the marts.

Part one reads the rendered files (every trust-quarter has a page, nothing points at the network, every link
resolves, the methodology lists the registry and the settings). Part two serves the site on 127.0.0.1 and drives
headless Chromium (Debian's ``chromium`` and ``chromium-driver``; ``make test`` installs them when missing): it
loads a league table, sorts and filters it, opens a trust page and checks its numbers against the marts, and
saves a screenshot of each page to ``test-artifacts/screenshots/``.

Expectations come from the marts through SQL written here, never from the rendered pages themselves.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import duckdb
import pytest

from oversight import paths
from oversight.publish import methodology_settings
from oversight.site import league_path, render_site, sensitivity_path, trust_path
from oversight.site_insights import departments_path, movers_path

if TYPE_CHECKING:
    from conftest import EmbeddedBuild

DASH = "\u2013"  # the en dash the site shows for a missing figure and between the ends of a range
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = paths.repo_root() / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


@pytest.fixture(scope="module")
def warehouse(embedded: EmbeddedBuild) -> Path:
    """The warehouse of the release published from the embedded real data (the session's build; read-only)."""
    return embedded.warehouse


@pytest.fixture(scope="module")
def site(embedded: EmbeddedBuild) -> Path:
    """The index page of the release's website."""
    return embedded.result.site_index


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def latest_table(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str]:
    row = con.execute(
        "select data_source, quarter, cohort from marts.rpt_league_table "
        "order by quarter_start_date desc, data_source, cohort limit 1"
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


# ------------------------------------------------------------------------------------------ the files


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_trust_quarter_has_a_page_rendered_in_seconds(
    warehouse: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    started = time.perf_counter()
    index = render_site(warehouse, tmp_path / "site", settings=methodology_settings())
    seconds = time.perf_counter() - started
    root = index.parent
    expected = con.execute("select data_source, quarter, trust_code from marts.rpt_league_table").fetchall()
    # 61 mental health and community trusts x 3 published quarters and 134 acute trusts x Q1 from NHS England's files
    assert sum(source == "nhse_nof" for source, _, _ in expected) == 183 + 134
    missing = [key for key in expected if not (root / trust_path(*key)).is_file()]
    assert not missing
    assert len(list(root.glob("*/*/trust/*.html"))) == len(expected)
    tables = con.execute("select distinct data_source, quarter, cohort from marts.rpt_league_table").fetchall()
    assert all((root / league_path(*key)).is_file() for key in tables)
    icbs = con.execute("select count(*) from marts.fct_icb_aggregates").fetchone()
    assert icbs is not None
    assert len(list(root.glob("*/*/icb/*.html"))) == icbs[0]
    assert seconds < 30, f"rendering took {seconds:.1f} s"


def test_site_is_self_contained_and_every_link_resolves(site: Path) -> None:
    index = site
    root = index.parent
    assert (root / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    broken: list[str] = []
    pages = sorted(root.rglob("*.html"))
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            assert not urlsplit(link).scheme and not link.startswith("//"), f"{page}: network link {link}"
            target = urldefrag(link).url
            if target and not (page.parent / target).resolve().is_file():
                broken.append(f"{page.relative_to(root)} -> {link}")
    assert not broken, broken[:10]
    assert len(pages) > 183


def test_methodology_lists_the_registry_and_the_settings(site: Path, con: duckdb.DuckDBPyConnection) -> None:
    index = site
    html = (index.parent / "methodology.html").read_text(encoding="utf-8")
    metric_ids = [m for (m,) in con.execute("select metric_id from marts.dim_metric").fetchall()]
    assert len(metric_ids) >= 20
    for metric_id in metric_ids:
        assert f'data-metric="{metric_id}"' in html, metric_id
    for name, value in methodology_settings().items():
        if isinstance(value, str | int | float):
            cells = rf'data-setting="{name}"><td><code>{name}</code></td><td>{re.escape(str(value))}<'
            assert re.search(cells, html), name


def test_differences_from_nhs_england_are_flagged(site: Path, con: duckdb.DuckDBPyConnection) -> None:
    """The league-rank card carries the difference flag exactly where the rank differs from NHS England's."""
    index = site
    rows = con.execute(
        "select data_source, quarter, trust_code, league_rank is distinct from published_rank "
        "from marts.rpt_league_table where published_rank is not null and data_source = 'nhse_nof'"
    ).fetchall()
    differing = 0
    for source, quarter, trust, differs in rows:
        html = (index.parent / trust_path(source, quarter, trust)).read_text(encoding="utf-8")
        card = html.split('<div class="label">League rank</div>', 1)[1].split('<div class="card">', 1)[0]
        assert ("≠" in card) == differs, (quarter, trust)
        differing += differs
    reconciled = con.execute(
        "select sum(compared - matched) from marts.rpt_reconciliation_overall "
        "where check_name = 'league_rank' and data_source = 'nhse_nof'"
    ).fetchone()
    assert reconciled is not None
    assert differing == reconciled[0] > 0  # 10 of 317 ranks differ from NHS England's (tolerance 0), all by 1


def test_each_data_source_gets_its_own_pages_and_labels(
    warehouse: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The embedded data has two routes (NHS England's files and the raw returns): both get pages and labels; a
    warehouse with one route shows no data-source column."""
    trust, quarter = con.execute(
        "select trust_code, quarter from marts.rpt_league_table where data_source = 'nhse_nof' "
        "intersect select trust_code, quarter from marts.rpt_league_table where data_source = 'returns' "
        "order by all limit 1"
    ).fetchone()
    tables = con.execute("select count(distinct (data_source, quarter, cohort)) from marts.rpt_league_table").fetchone()
    index = render_site(warehouse, tmp_path / "site", settings=methodology_settings())
    root = index.parent
    assert (root / trust_path("returns", quarter, trust)).is_file()
    assert (root / trust_path("nhse_nof", quarter, trust)).is_file()
    home = index.read_text(encoding="utf-8")
    assert "<th>Data source</th>" in home
    assert tables is not None and home.count('class="league-link"') == tables[0]
    page = (root / trust_path("returns", quarter, trust)).read_text(encoding="utf-8")
    assert 'class="source-tag"' in page and "computed from the raw statistical returns" in page
    single_source = tmp_path / "one_source.duckdb"
    shutil.copyfile(warehouse, single_source)
    with duckdb.connect(str(single_source)) as rw:
        for (mart,) in rw.execute(
            "select table_name from information_schema.columns "
            "where table_schema = 'marts' and column_name = 'data_source'"
        ).fetchall():
            rw.execute(f"delete from marts.{mart} where data_source = 'returns'")
    single = render_site(single_source, tmp_path / "single", settings={}).read_text(encoding="utf-8")
    assert "<th>Data source</th>" not in single


# ------------------------------------------------------------------------------------------ the browser


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    index = site
    handler = functools.partial(_QuietHandler, directory=str(index.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def start_chromium(*, performance_log: bool = False) -> Any:
    """Headless Debian Chromium through chromium-driver; with ``performance_log``, every network request is logged."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for binary in (CHROMIUM, CHROMEDRIVER):
        assert binary.exists(), f"{binary} missing: apt-get install chromium chromium-driver (make test does this)"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if performance_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    driver = start_chromium()
    yield driver
    driver.quit()


def screenshot(driver: object, name: str) -> Path:
    """A full-page PNG of the current page in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(int(height) + 140, 800), 8000))
    time.sleep(0.3)
    path = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), path
    driver.set_window_size(1400, 1000)
    return path


def visible_trusts(driver: object) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#league-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.dataset.trust)"
    )


def assert_loaded_offline(driver: object, base_url: str) -> None:
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources, "no resources loaded"
    assert all(name.startswith(base_url) for name in resources), resources


@pytest.fixture(scope="module")
def league_page(browser: object, server: str, con: duckdb.DuckDBPyConnection) -> object:
    """The browser on the latest league table, reached from the home page."""
    from selenium.webdriver.common.by import By

    source, quarter, cohort = latest_table(con)
    browser.get(server + "index.html")
    screenshot(browser, "index")
    link = browser.find_element(By.CSS_SELECTOR, f'a.league-link[href="{league_path(source, quarter, cohort)}"]')
    link.click()
    assert quarter in browser.title
    return browser


def test_league_table_loads_and_sorts(league_page: object, server: str, con: duckdb.DuckDBPyConnection) -> None:
    from selenium.webdriver.common.by import By

    driver = league_page
    source, quarter, cohort = latest_table(con)
    marts = records(
        con,
        "select trust_code, trust_name, league_rank, average_score, final_segment from marts.rpt_league_table "
        "where data_source = ? and quarter = ? and cohort = ?",
        [source, quarter, cohort],
    )
    by_code = {r["trust_code"]: r for r in marts}
    shown = visible_trusts(driver)
    assert sorted(shown) == sorted(by_code)
    ranks = [by_code[t]["league_rank"] for t in shown]
    assert ranks == sorted(ranks), "the table opens in league order"
    shown_ranks = [int(e.text) for e in driver.find_elements(By.CSS_SELECTOR, "#league-table tbody td.rank")]
    assert shown_ranks == ranks
    assert_loaded_offline(driver, server)

    def click(column: str) -> None:
        driver.find_element(By.CSS_SELECTOR, f'#league-table th[data-key="{column}"] button').click()

    click("average")
    scores = [by_code[t]["average_score"] for t in visible_trusts(driver)]
    assert scores == sorted(scores), "ascending average score"
    assert scores[0] == min(r["average_score"] for r in marts)
    click("average")
    scores = [by_code[t]["average_score"] for t in visible_trusts(driver)]
    assert scores == sorted(scores, reverse=True), "descending average score"
    click("trust")
    names = [str(by_code[t]["trust_name"]).lower() for t in visible_trusts(driver)]
    assert names == sorted(names)
    click("rank")
    shown = visible_trusts(driver)
    assert [by_code[t]["league_rank"] for t in shown] == sorted(r["league_rank"] for r in marts)
    screenshot(driver, "league_table")


def test_league_table_filters(league_page: object, con: duckdb.DuckDBPyConnection) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = league_page
    source, quarter, cohort = latest_table(con)
    where = "where data_source = ? and quarter = ? and cohort = ?"
    params: list[object] = [source, quarter, cohort]
    table = f"from marts.rpt_league_table {where}"
    segment_4 = {t for (t,) in con.execute(f"select trust_code {table} and final_segment = 4", params).fetchall()}
    region, in_region = con.execute(
        f"select region, list(trust_code) {table} group by region order by count(*) desc limit 1", params
    ).fetchone()
    assert segment_4, "the latest table has segment-4 trusts"
    Select(driver.find_element(By.ID, "filter-segment")).select_by_value("4")
    assert set(visible_trusts(driver)) == segment_4
    Select(driver.find_element(By.ID, "filter-segment")).select_by_value("")
    Select(driver.find_element(By.ID, "filter-region")).select_by_value(region)
    assert set(visible_trusts(driver)) == set(in_region)
    count = driver.find_element(By.ID, "filter-count").text
    assert count.startswith(f"Showing {len(in_region)} of ")
    Select(driver.find_element(By.ID, "filter-region")).select_by_value("")
    icb, in_icb = con.execute(
        f"select icb_code, list(trust_code) {table} group by icb_code order by count(*) desc, icb_code limit 1", params
    ).fetchone()
    Select(driver.find_element(By.ID, "filter-icb")).select_by_value(icb)
    assert set(visible_trusts(driver)) == set(in_icb)
    Select(driver.find_element(By.ID, "filter-icb")).select_by_value("")
    everyone = con.execute(f"select count(*) {table}", params).fetchone()
    assert everyone is not None
    assert len(visible_trusts(driver)) == everyone[0] > 0


def test_trust_page_numbers_equal_the_marts(league_page: object, server: str, con: duckdb.DuckDBPyConnection) -> None:
    from selenium.webdriver.common.by import By

    driver = league_page
    source, quarter, cohort = latest_table(con)
    # A trust with the most to explain: persistent underperformer or financial override, if any.
    trust = records(
        con,
        """
        select l.*, coalesce(p.is_persistent_underperformer, false) as persistent
        from marts.rpt_league_table as l
        left join marts.fct_persistent_underperformers as p using (data_source, quarter, trust_code)
        where l.data_source = ? and l.quarter = ? and l.cohort = ?
        order by persistent desc, l.financial_override desc, l.league_rank desc
        limit 1
        """,
        [source, quarter, cohort],
    )[0]
    driver.get(server + league_path(source, quarter, cohort))
    driver.find_element(By.CSS_SELECTOR, f'tr[data-trust="{trust["trust_code"]}"] a.trust-link').click()
    assert str(trust["trust_name"]) in driver.find_element(By.ID, "trust-name").text

    def text(element_id: str) -> str:
        return str(driver.find_element(By.ID, element_id).text).strip()

    assert text("average-score") == f"{trust['average_score_rounded']:.2f}"
    assert float(text("average-score")) == pytest.approx(float(trust["average_score"]), abs=0.005)
    assert text("final-segment") == str(trust["final_segment"])
    assert text("league-rank") == str(trust["league_rank"])
    assert text("rank-range") == f"{trust['league_rank_low']}{DASH}{trust['league_rank_high']}"
    if trust["published_average_score"] is not None:
        assert text("published-average-score") == f"{trust['published_average_score']:.2f}"
    status = text("persistent-status")
    assert status.startswith("Persistent underperformer") == bool(trust["persistent"])

    key = [source, quarter, trust["trust_code"]]
    metrics = records(
        con,
        "select metric_id, score, score_method, score_note from marts.fct_metric_scores "
        "where data_source = ? and quarter = ? and trust_code = ?",
        key,
    )
    assert len(metrics) >= 5
    for metric in metrics:
        row = driver.find_element(By.CSS_SELECTOR, f'#metrics tr[data-metric="{metric["metric_id"]}"]')
        shown = row.find_element(By.CSS_SELECTOR, "td.metric-score").text.replace("≠", "").strip()
        if metric["score"] is None:
            assert shown == DASH
        else:
            assert float(shown) == pytest.approx(float(metric["score"]), abs=0.005), metric["metric_id"]
        how = row.find_element(By.CSS_SELECTOR, "td.how").text
        assert how.startswith(str(metric["score_method"]))
        assert str(metric["score_note"] or "") in how
    domains = records(
        con,
        "select domain, domain_score from marts.fct_domain_scores "
        "where data_source = ? and quarter = ? and trust_code = ?",
        key,
    )
    assert domains
    for domain in domains:
        cell = driver.find_element(By.XPATH, f"//table[@id='domains']//tr[@data-domain=\"{domain['domain']}\"]/td[2]")
        assert float(cell.text.replace("≠", "")) == pytest.approx(float(domain["domain_score"]), abs=0.005)
    charts = driver.execute_script("return document.querySelectorAll('.chart .main-svg').length")
    assert charts >= 2, "plotly drew the history charts from the local copy"
    assert_loaded_offline(driver, server)
    screenshot(driver, "trust_page")

    driver.find_element(By.ID, "icb-link").click()
    icb_trusts = {
        t
        for (t,) in con.execute(
            "select trust_code from marts.rpt_league_table where data_source = ? and quarter = ? and icb_code = ?",
            [source, quarter, trust["icb_code"]],
        ).fetchall()
    }
    shown_trusts = {
        e.get_attribute("data-trust") for e in driver.find_elements(By.CSS_SELECTOR, "#icb-trusts tbody tr")
    }
    assert shown_trusts == icb_trusts
    screenshot(driver, "icb_page")

    driver.get(server + "methodology.html")
    screenshot(driver, "methodology")
    for name in ("index", "league_table", "trust_page", "icb_page", "methodology"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name


# ------------------------------------------------------------------ beyond the official tables (issue 13)


def test_trust_page_explains_what_moved_its_departments_and_vintages(
    browser: object, server: str, con: duckdb.DuckDBPyConnection
) -> None:
    """The what-moved, departments and vintages panels of the trust that moved most into Q1's successor with
    departments in the bottom decile, against the marts."""
    from selenium.webdriver.common.by import By

    driver = browser
    m = records(
        con,
        """
        with departments as (
            select quarter, trust_code, count(*) filter (where is_bottom_decile) as bottom
            from marts.fct_department_performance
            where is_assessed
            group by all
        )
        select m.*
        from marts.fct_rank_movements as m
        inner join departments as d on m.quarter_to = d.quarter and m.trust_code = d.trust_code
        order by d.bottom > 0 desc, abs(m.rank_change) desc, m.data_source, m.trust_code
        limit 1
        """,
    )[0]
    key = [m["data_source"], m["quarter_to"], m["trust_code"]]
    driver.get(server + trust_path(*key))

    def value(element_id: str) -> str:
        return str(driver.find_element(By.ID, element_id).get_attribute("data-value"))

    assert int(value("moved-rank-own")) == m["rank_change_own_movement"]
    assert int(value("moved-rank-others")) == m["rank_change_others_movement"]
    assert int(value("moved-rank-own")) + int(value("moved-rank-others")) == m["league_rank_to"] - m["league_rank_from"]
    assert float(value("moved-average-change")) == pytest.approx(m["average_score_change"], abs=1e-12)
    assert driver.find_element(By.ID, "moved-segment-reason").text == m["segment_change_reason"]
    contributions = records(
        con,
        "select metric_id, kind, contribution from marts.fct_rank_movement_contributions "
        "where data_source = ? and quarter_to = ? and trust_code = ? and contribution != 0 "
        "order by abs(contribution) desc limit 8",
        key,
    )
    shown = [
        (e.get_attribute("data-metric"), e.get_attribute("data-kind"))
        for e in driver.find_elements(By.CSS_SELECTOR, "#contributions tbody tr[data-metric]")
    ]
    assert shown == [(c["metric_id"], c["kind"]) for c in contributions]

    departments = records(
        con,
        "select department, is_bottom_decile from marts.fct_department_performance "
        "where quarter = ? and trust_code = ? and is_assessed",
        [m["quarter_to"], m["trust_code"]],
    )
    dots = driver.find_elements(By.CSS_SELECTOR, "#departments-dotplot g.dept")
    assert len(dots) == len(departments) > 0
    red = {
        e.get_attribute("data-department")
        for e in driver.find_elements(By.CSS_SELECTOR, "#departments-dotplot g.bottom")
    }
    assert red == {d["department"] for d in departments if d["is_bottom_decile"]}
    listed = {
        e.get_attribute("data-department")
        for e in driver.find_elements(By.CSS_SELECTOR, "#bottom-decile-departments tbody tr[data-department]")
    }
    assert listed == red

    vintage = records(
        con,
        "select is_revised from marts.fct_league_vintages where data_source = ? and quarter = ? and trust_code = ?",
        key,
    )[0]
    revised = driver.find_elements(By.ID, "vintage-revised")
    assert bool(revised) == vintage["is_revised"]
    assert_loaded_offline(driver, server)
    screenshot(driver, "trust_page_insights")

    driver.find_element(By.ID, "movers-link").click()
    assert driver.current_url.endswith(movers_path(m["data_source"], m["quarter_to"], m["cohort"]))
    movers = records(
        con,
        "select trust_code, rank_change from marts.fct_rank_movements where data_source = ? and quarter_to = ? "
        "and cohort = ? order by abs(rank_change) desc, league_rank_to, trust_code limit 25",
        [m["data_source"], m["quarter_to"], m["cohort"]],
    )
    rows = driver.find_elements(By.CSS_SELECTOR, "#movers-table tbody tr")
    assert [r.get_attribute("data-trust") for r in rows] == [r["trust_code"] for r in movers]
    screenshot(driver, "movers_page")


def test_cohort_page_lists_well_ranked_trusts_with_bottom_decile_departments(
    browser: object, server: str, con: duckdb.DuckDBPyConnection
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(server + "insights.html")
    path = departments_path("Q1 2025/26", "acute")
    driver.find_element(By.CSS_SELECTOR, f'#departments-links a[href="{path}"]').click()
    expected = {
        t
        for (t,) in con.execute(
            "select trust_code from marts.rpt_hidden_variation where quarter = 'Q1 2025/26' and cohort = 'acute' "
            "and final_segment in (1, 2) and departments_in_bottom_decile > 0"
        ).fetchall()
    }
    shown = {
        e.get_attribute("data-trust")
        for e in driver.find_elements(By.CSS_SELECTOR, "#hidden-table tbody tr[data-trust]")
    }
    assert shown == expected and len(expected) >= 10  # 17 of the 27 acute trusts in segments 1 and 2
    assert driver.find_element(By.ID, "hidden-count").text == str(len(expected))
    minimum = con.execute("select max(min_denominator) from marts.fct_department_performance").fetchone()
    assert minimum is not None
    assert driver.find_element(By.ID, "min-denominator").text == f"{minimum[0]:.0f}"
    assert_loaded_offline(driver, server)
    screenshot(driver, "hidden_variation_page")


def test_league_table_shows_method_sensitivity_and_links_to_its_page(
    browser: object, server: str, con: duckdb.DuckDBPyConnection
) -> None:
    """The league page's "rank over methods" column and the cohort's method-sensitivity page, against
    rpt_method_sensitivity (the ranked table with most trusts changing segment under some variant; an incomplete
    table's ranks are withheld, test_site_help)."""
    from selenium.webdriver.common.by import By

    driver = browser
    row = con.execute(
        "select data_source, quarter, cohort from marts.rpt_method_sensitivity "
        "where published_method_table_status = 'ranked' "
        "group by all order by max(trusts_changing_segment) desc, data_source, quarter, cohort limit 1"
    ).fetchone()
    assert row is not None
    source, quarter, cohort = row
    where = "where data_source = ? and quarter = ? and cohort = ?"
    trusts = {
        r["trust_code"]: r
        for r in records(
            con,
            f"select trust_code, best_rank, worst_rank from marts.rpt_method_sensitivity {where} and variant = 'final'",
            [source, quarter, cohort],
        )
    }
    driver.get(server + league_path(source, quarter, cohort))
    shown = {
        e.find_element(By.XPATH, "..").get_attribute("data-trust"): e.text
        for e in driver.find_elements(By.CSS_SELECTOR, "#league-table tbody td.method-range")
    }
    assert shown == {code: f"{t['best_rank']}{DASH}{t['worst_rank']}" for code, t in trusts.items()}
    driver.find_element(By.CSS_SELECTOR, '#league-table th[data-key="method-range"] button').click()
    spreads = [trusts[t]["worst_rank"] - trusts[t]["best_rank"] for t in visible_trusts(driver)]
    assert spreads == sorted(spreads), "ascending spread of ranks over the methods"

    driver.find_element(By.ID, "sensitivity-page-link").click()
    assert driver.current_url.endswith(sensitivity_path(source, quarter, cohort))
    variants = dict(
        con.execute(
            f"select distinct variant, trusts_changing_segment from marts.rpt_method_sensitivity {where}",
            [source, quarter, cohort],
        ).fetchall()
    )
    listed = {
        e.get_attribute("data-variant"): int(e.find_element(By.CSS_SELECTOR, "td.changing").text)
        for e in driver.find_elements(By.CSS_SELECTOR, "#sensitivity-variants tbody tr")
    }
    assert listed == variants and max(listed.values()) > 0
    ranges = {
        e.get_attribute("data-trust"): e.find_element(By.CSS_SELECTOR, "td.rank-range").text
        for e in driver.find_elements(By.CSS_SELECTOR, "#sensitivity-trusts tbody tr")
    }
    assert ranges == shown
    assert_loaded_offline(driver, server)
    screenshot(driver, "sensitivity_page")
