"""Issue 14 and 13.3 on the embedded real data: the provisional tables, their back-test, the method variants and
their pages, checked against the marts through SQL written here (never against the rendered pages' own numbers).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from oversight.site import print_provisional_status, provisional_path, sensitivity_path

if TYPE_CHECKING:
    from conftest import EmbeddedBuild


@pytest.fixture(scope="module")
def con(embedded: EmbeddedBuild) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(embedded.warehouse), read_only=True)
    yield connection
    connection.close()


def test_a_and_e_months_give_four_back_tested_quarters(con: duckdb.DuckDBPyConnection) -> None:
    """The embedded A&E CSVs run April 2025 to March 2026: OF0013 is back-tested on Q1-Q4 2025/26, 123 acute
    footprints each, after one and two months; after three months the provisional score is the final one."""
    rows = con.execute(
        "select months_available, trusts_compared, share_score_within_0_1, mean_abs_score_change "
        "from marts.rpt_provisional_backtest_pooled where subject = 'OF0013' order by 1"
    ).fetchall()
    assert [(m, n) for m, n, _, _ in rows] == [(1, 4 * 123), (2, 4 * 123), (3, 4 * 123)]
    after_one, after_two, after_three = rows
    assert after_one[2] < after_two[2] < after_three[2] == 1.0
    assert after_three[3] == 0.0


def test_provisional_table_has_the_league_table_columns_and_its_months(con: duckdb.DuckDBPyConnection) -> None:
    league = [r[0] for r in con.execute("describe marts.rpt_league_table").fetchall()]
    provisional = [r[0] for r in con.execute("describe marts.rpt_league_table_provisional").fetchall()]
    assert provisional[: len(league)] == league
    assert {"months_available", "months_used", "metrics_provisional", "metrics_carried_forward"} <= set(provisional)
    wider = con.execute(
        "select count(*) from marts.rpt_league_table_provisional where league_rank < league_rank_low "
        "or league_rank > league_rank_high or average_score < average_score_low - 1e-9 "
        "or average_score > average_score_high + 1e-9"
    ).fetchone()
    assert wider == (0,)


def test_closing_line_and_pages_name_the_provisional_quarter(
    embedded: EmbeddedBuild, con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]
) -> None:
    quarter, months, months_used = con.execute(
        "select quarter, max(months_available), arg_max(months_used, months_available) "
        "from marts.rpt_league_table_provisional where is_latest_quarter group by quarter"
    ).fetchone()
    print_provisional_status(embedded.warehouse)
    line = capsys.readouterr().out
    assert f"{quarter} on {months} of 3 months" in line and months_used in line
    root = Path(embedded.result.site_index).parent
    for (cohort,) in con.execute(
        "select distinct cohort from marts.rpt_league_table_provisional where is_latest_quarter"
    ).fetchall():
        page = (root / provisional_path(cohort)).read_text(encoding="utf-8")
        assert "Provisional, and ours." in page and months_used in page
        ranks = [
            r[0]
            for r in con.execute(
                "select league_rank from marts.rpt_league_table_provisional where is_latest_quarter "
                "and cohort = ? and months_available = ? order by league_rank, trust_code",
                [cohort, months],
            ).fetchall()
        ]
        shown = [int(x) for x in re.findall(r'<td class="num rank" data-sort="[^"]*">(\d+)</td>', page)]
        assert shown == ranks


def test_method_sensitivity_pages_count_the_segment_changes(
    embedded: EmbeddedBuild, con: duckdb.DuckDBPyConnection
) -> None:
    root = Path(embedded.result.site_index).parent
    counts = con.execute(
        "select data_source, quarter, cohort, variant, count(*) filter (where is_segment_changed) "
        "from marts.rpt_method_sensitivity group by all"
    ).fetchall()
    assert {v for _, _, _, v, _ in counts} >= {"final", "method_no_financial_override", "method_equal_weights"}
    assert all(n == 0 for _, _, _, v, n in counts if v == "final")
    page = (root / sensitivity_path("nhse_nof", "Q1 2025/26", "acute")).read_text(encoding="utf-8")
    for source, quarter, cohort, variant, n in counts:
        if (source, quarter, cohort) == ("nhse_nof", "Q1 2025/26", "acute"):
            label = variant.replace("method_", "").replace("_", " ")
            assert re.search(rf">{re.escape(label)}</td>\s*<td class=\"num changing\">{n}</td>", page), variant
