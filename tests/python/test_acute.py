"""The acute league table of Q1 2025/26, against NHS England's acute data file (``data/nhse_nof/``).

Expectations are NHS England's published figures (read here straight from the raw CSV, not from the
warehouse) and the press's account of the first tables (methodology.md 13.2): Moorfields (RP6) first, the
Royal National Orthopaedic (RAN) second, The Christie (RBV) third, Northumbria (RTF) the best large acute trust
at ninth. Both routes are judged: the NHS England route (our engine over NHS England's values) and the
raw-returns route (values from the statistical returns, the rest from the input templates, labelled).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from oversight import paths
from oversight.errors import LandingError
from oversight.landing import land
from oversight.pipeline import build
from oversight.quality import QualityGateError, load_config

if TYPE_CHECKING:
    from conftest import EmbeddedBuild

ACUTE_FILE = paths.default_data_dir() / "nhse_nof" / "nhs-oversight-framework-acute-trust-data.csv"
Q1 = "Q1 2025/26"


def _published() -> dict[str, dict[str, tuple[float, float | None]]]:
    """NHS England's acute Q1 file: trust -> metric id -> (value, rank), read with the csv module."""
    out: dict[str, dict[str, tuple[float, float | None]]] = {}
    with ACUTE_FILE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Value"] == "" or (row["Units"] == "count" and row["Metric_ID"] in ("OF0048", "OF0088")):
                continue
            rank = float(row["Rank"]) if row["Rank"] else None
            out.setdefault(row["Trust_code"], {})[row["Metric_ID"]] = (float(row["Value"]), rank)
    return out


@pytest.fixture(scope="module")
def published() -> dict[str, dict[str, tuple[float, float | None]]]:
    return _published()


@pytest.fixture(scope="module")
def con(embedded: EmbeddedBuild) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(embedded.warehouse), read_only=True)
    yield connection
    connection.close()


def _league(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple]:
    return con.execute(
        "select trust_code, trust_subtype, league_rank, adjusted_segment, unadjusted_segment, final_segment, "
        "average_score, metrics_scored, metrics_from_raw_returns, metrics_from_inputs "
        "from marts.rpt_league_table where data_source = ? and quarter = ? and cohort = 'acute' order by league_rank",
        [source, Q1],
    ).fetchall()


def test_the_acute_file_lands_and_the_league_table_reproduces_the_press(
    con: duckdb.DuckDBPyConnection, published: dict
) -> None:
    league = _league(con, "nhse_nof")
    assert len(league) == 134 == len(published)
    assert [row[0] for row in league[:3]] == ["RP6", "RAN", "RBV"]
    assert league[8][0] == "RTF" and league[8][2] == 9
    non_specialist = [row[0] for row in league if row[1] != "Acute - Specialist"]
    assert non_specialist[:10] == ["RTF", "RRV", "RYJ", "RWF", "RA7", "RJ1", "RTE", "REF", "RWH", "RH5"]


def test_nhse_route_reproduces_every_published_acute_figure(con: duckdb.DuckDBPyConnection, published: dict) -> None:
    league = {row[0]: row for row in _league(con, "nhse_nof")}
    exact_rank = 0
    for trust, metrics in published.items():
        _, rank = metrics["OF5000"]
        row = league[trust]
        assert row[3] == metrics["OF5000"][0], trust  # adjusted segment
        assert row[4] == metrics["OF5003"][0], trust  # unadjusted segment
        assert row[5] == metrics["OF5005"][0], trust  # final segment (RSP)
        assert abs(round(row[6] + 1e-9, 2) - metrics["OF5002"][0]) <= 0.01 + 1e-9, trust
        assert rank is not None and abs(row[2] - rank) <= 2, trust
        exact_rank += row[2] == rank
    assert exact_rank / len(published) >= 0.95
    scores = con.execute(
        "select trust_code, metric_id, score_rounded, published_score from marts.fct_metric_scores "
        "where data_source = 'nhse_nof' and quarter = ? and cohort = 'acute' and score_method = 'computed'",
        [Q1],
    ).fetchall()
    # every acute score the engine recomputes equals NHS England's (the specialist trusts' HCAI counts, score-only
    # metrics, cross-cohort ties at the 2-dp value and populations without the ambulance trusts are published)
    assert len(scores) >= 134 * 15
    assert [s for s in scores if s[3] is not None and s[2] != s[3]] == []
    for trust, metric, score, _ in scores:
        score_id = "OF1" + metric[3:]
        if score_id in published[trust]:
            assert score == published[trust][score_id][0], (trust, metric)


def test_the_acute_registry_is_verified_where_it_reproduces(con: duckdb.DuckDBPyConnection, published: dict) -> None:
    registry = dict(
        con.execute("select metric_id, verified from reference.metric_registry where cohorts like '%acute%'").fetchall()
    )
    published_ids = {m for metrics in published.values() for m in metrics if m[:3] in ("OF0", "OF1") and m[2] in "01"}
    value_ids = {"OF0" + m[3:] for m in published_ids}
    assert value_ids <= set(registry), value_ids - set(registry)
    assert not [m for m in registry if m.startswith("PROV")]
    # recomputed to 100% where the population is in the file: verified; the two ambulance-population metrics of
    # one acute trust (OF0017, OF0028) cannot be checked without the ambulance file
    assert {m for m, v in registry.items() if not v} == {"OF0017", "OF0028"}


def test_cross_cohort_scores_name_the_missing_trusts(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "select count(*), count(*) filter (where score_method = 'published'), any_value(score_note), "
        "max(abs(score_over_present_population - published_score)) from marts.fct_metric_scores "
        "where data_source = 'nhse_nof' and quarter = ? and metric_id = 'OF0082'",
        [Q1],
    ).fetchone()
    assert row is not None
    count, published_count, note, largest = row
    assert count == published_count == 195  # 134 acute + 61 MH&C; the 10 ambulance trusts are not in the input
    assert "missing ambulance (10 trusts)" in note and "195 trusts present" in note
    assert 0.05 < largest < 0.2  # ranked over 195 instead of 205, scores move by up to about 0.11
    # OF0005 (acute + MH&C, N = 121) is recomputed now that both cohorts are in the input
    of0005 = con.execute(
        "select min(ranking_population_size), count(*) filter (where score_method = 'computed') "
        "from marts.fct_metric_scores where data_source = 'nhse_nof' and quarter = ? and metric_id = 'OF0005'",
        [Q1],
    ).fetchone()
    assert of0005 is not None and of0005[0] == 121 and of0005[1] >= 110


def test_returns_route_acute_table_is_complete_and_labelled(con: duckdb.DuckDBPyConnection) -> None:
    returns = {row[0]: row for row in _league(con, "returns")}
    nhse = {row[0]: row for row in _league(con, "nhse_nof")}
    assert set(returns) == set(nhse)
    same_segment = sum(returns[t][3] == nhse[t][3] for t in nhse)
    assert same_segment / len(nhse) >= 0.95
    for trust, row in returns.items():
        assert row[7] == row[8] + row[9], trust  # every metric is from a raw return or an input, and says so
    assert sum(row[8] for row in returns.values()) > 134 * 4
    origins = con.execute(
        "select count(*) from marts.fct_metric_scores where data_source = 'returns' and quarter = ? "
        "and value_source = 'input_template' and value_origin not like 'input template%NHS England NOF data file%' "
        "and value_origin not like 'input template%third-party%'",
        [Q1],
    ).fetchone()
    assert origins == (0,)


def test_unknown_acute_metric_id_names_file_line_column_and_registry_row(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    lines = ACUTE_FILE.read_bytes().split(b"\r\n")
    lines[5] = lines[5].replace(b",OF0003,", b",OF0999,")
    (data / ACUTE_FILE.name).write_bytes(b"\r\n".join(lines))
    with pytest.raises(LandingError) as caught:
        land(data, tmp_path / "landing")
    message = str(caught.value)
    assert ACUTE_FILE.name in message and "line 6" in message and "column 'Metric_ID'" in message
    assert "unknown metric_id 'OF0999'" in message
    assert "add a row to seeds/metric_registry.csv with metric_id OF0999, score_id OF1999" in message
    assert not (tmp_path / "landing" / "nhse_nof_data").exists() or not any(
        (tmp_path / "landing" / "nhse_nof_data").glob("*.parquet")
    )


def test_reconciliation_exception_is_left_out_of_the_rate_and_recorded(embedded: EmbeddedBuild, tmp_path: Path) -> None:
    """config/quality_gate.yml reconciliation_exceptions reach rpt_reconciliation (dbt var): the comparison leaves
    the rate, is counted as excepted and listed with its reason and date."""
    config = tmp_path / "quality_gate.yml"
    config.write_text(
        "reconciliation_exceptions:\n"
        "  - {data_source: nhse_nof, check_name: league_rank, quarter: Q1 2025/26, trust_code: RBD,\n"
        "     reason: 'ties on 2-dp scores put RBD 47th, NHS England 48th', recorded: 2026-12-04}\n",
        encoding="utf-8",
    )
    exceptions = [e.as_var() for e in load_config(config).reconciliation_exceptions]
    assert exceptions[0]["trust_code"] == "RBD" and exceptions[0]["recorded"] == "2026-12-04"
    warehouse = embedded.copy_warehouse(tmp_path / "oversight.duckdb")
    landing = embedded.copy_landing(tmp_path / "landing")
    build(
        landing,
        warehouse,
        dbt_args=["--select", "int_reconciliation__compared+", "--exclude", "test_type:unit"],
        dbt_vars={"reconciliation_exceptions": exceptions},
    )
    with duckdb.connect(str(warehouse), read_only=True) as c:
        before = (
            duckdb.connect(str(embedded.warehouse), read_only=True)
            .execute(
                "select compared, matched from marts.rpt_reconciliation_overall "
                "where data_source = 'nhse_nof' and check_name = 'league_rank'"
            )
            .fetchone()
        )
        after = c.execute(
            "select compared, matched, excepted, exceptions_applied from marts.rpt_reconciliation_overall "
            "where data_source = 'nhse_nof' and check_name = 'league_rank'"
        ).fetchone()
    assert before is not None and after is not None
    assert after[:3] == (before[0] - 1, before[1], 1)  # RBD's rank differs: out of the rate, not a match
    assert after[3] == "Q1 2025/26 RBD: ties on 2-dp scores put RBD 47th, NHS England 48th (recorded 2026-12-04)"


def test_reconciliation_exception_needs_every_field(tmp_path: Path) -> None:
    config = tmp_path / "quality_gate.yml"
    config.write_text(
        "reconciliation_exceptions:\n  - {data_source: nhse_nof, check_name: league_rank, quarter: Q1 2025/26}\n",
        encoding="utf-8",
    )
    with pytest.raises(QualityGateError, match=r"reconciliation_exceptions entry 1 needs .*trust_code.*recorded"):
        load_config(config)
    config.write_text(
        "reconciliation_exceptions:\n  - {data_source: nhse_nof, check_name: league_rank, quarter: Q1 2025/26,\n"
        "     trust_code: RBD, reason: x, recorded: last week}\n",
        encoding="utf-8",
    )
    with pytest.raises(QualityGateError, match="recorded 'last week' is not a date"):
        load_config(config)
