"""Smoke run of the national-scale benchmark on a tiny synthetic data set (scale 0.01, Q4 2025/26).

The benchmark itself is not a timed test: this only checks that every figure is measured and consistent, that
adding a month lands only the new month's files (the rest are skipped by checksum) and that the incremental
staging models hold every month afterwards, all from synthetic files.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from oversight_dev.benchmark import compare_values, run_benchmark

FAST: list[str] = []  # builds exclude dbt's unit tests (test_dbt_unit_tests runs them)


def test_benchmark_smoke(tmp_path: Path) -> None:
    result = run_benchmark(
        tmp_path / "bench",
        months=3,
        end_month=date(2026, 3, 1),
        scale=0.01,
        dbt_args=FAST,
        dbt_vars={"bootstrap_replicates": 200},
        keep=True,
    )
    figures = result.to_json()
    json.dumps(figures)  # serialisable as written by scripts/benchmark.py
    assert result.raw_files > 0 and result.raw_bytes > 0 and result.csv_bytes >= result.raw_bytes * 0.5
    for name in ("floor_seconds", "landing_seconds", "dbt_build_seconds", "add_month_seconds"):
        assert figures[name] > 0, name
    assert abs(result.full_rebuild_seconds - result.landing_seconds - result.dbt_build_seconds) < 0.02
    assert figures["full_over_floor"] == round(result.full_rebuild_seconds / result.floor_seconds, 3)
    assert 0 < result.peak_rss_mb < 24 * 1024
    assert result.landed_rows > 0
    # Adding April: its files are landed, every January-March file is skipped by checksum.
    assert result.add_month_files_landed > 0
    assert result.add_month_files_skipped >= result.add_month_files_landed
    assert result.bootstrap_quarters >= 1 and result.bootstrap_trust_quarters > 0
    # dbt's phases come from run_results.json: together no more than the build's wall time (nodes summed).
    assert result.dbt_nodes > 0 and result.dbt_execute_seconds > 0
    assert result.dbt_parse_seconds < result.dbt_build_seconds
    # The peers computed the four metrics from the same raw files, and every value equals ours.
    assert result.peer_values_equal, result.peer_mismatches
    assert result.peer_rows > 0 and result.peer_pandas_seconds > 0 and result.peer_polars_seconds > 0
    assert result.peer_ours_seconds > result.peer_ours_landing_seconds > 0
    assert figures["landing_seconds_per_raw_gb"] == round(result.landing_seconds / (result.raw_bytes / 1024**3), 2)
    warehouse = tmp_path / "bench" / "warehouse" / "oversight.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        months = con.execute(
            "SELECT DISTINCT month_start FROM staging.stg_nhse_rtt__full_extract ORDER BY 1"
        ).fetchall()
        assert [m[0] for m in months] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
        synthetic = con.execute(
            "SELECT count(*) FROM staging.stg_nhse_rtt__full_extract WHERE source_file NOT ILIKE '%synthetic%'"
        ).fetchone()
        assert synthetic == (0,)


def test_compare_values_names_every_difference() -> None:
    ours = [
        ("ae_4_hour", "RJ1", "2026-01-01", 90.0, 100.0),
        ("ae_4_hour", "RJ2", "2026-01-01", 0.0, 0.0),  # no percentage: not compared
        ("rtt_18_week", "RJ1", "2026-01-01", 5.0, 10.0),
    ]
    theirs = [
        ("ae_4_hour", "RJ1", "2026-01-01", "90", "100"),
        ("rtt_18_week", "RJ1", "2026-01-01", "6", "10"),
        ("cancer_28_day", "RJ1", "2026-01-01", "1", "2"),
    ]
    assert compare_values(ours, ours) == []
    assert compare_values(ours, theirs) == [
        "('cancer_28_day', 'RJ1', '2026-01-01') only in the peer's",
        "('rtt_18_week', 'RJ1', '2026-01-01'): ours (5.0, 10.0), the peer's (6.0, 10.0)",
    ]
