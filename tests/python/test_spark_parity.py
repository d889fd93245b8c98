"""The embedded data built on Apache Spark equals the DuckDB build, mart by mart (issue 16).

The session's DuckDB build of ``data/`` (fixture ``embedded``) is rebuilt from the same landed Parquet with the
``spark`` target (dbt-spark's session method, a local PySpark) and the same vars; every mart is then compared:
the same rows matched on the mart's primary key, text and dates equal, numbers equal to 1e-9; so is every
NHS England-layout file (schema exports). fct_league_vintages alone is not built (oversight.spark.NOT_ON_LOCAL_SPARK).
The SQL dbt compiled for Spark is also scanned for DuckDB-only constructs (tests/python/test_cross_engine_sql.py).

Marked ``spark``: ``make test`` (and ``make test-spark``, this group alone) installs Java and
requirements-spark.lock and selects it; a bare ``pytest`` leaves it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from test_cross_engine_sql import findings_in

from oversight import artifacts
from oversight.spark import (
    NOT_ON_LOCAL_SPARK,
    SparkBuild,
    build_on_spark,
    comparable_tables,
    compare_engines,
    published_tables,
)

if TYPE_CHECKING:
    from conftest import EmbeddedBuild

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_build(embedded: EmbeddedBuild, tmp_path_factory: pytest.TempPathFactory) -> SparkBuild:
    pytest.importorskip("pyspark", reason="make test-spark installs requirements-spark.lock")
    built = artifacts.DbtArtifacts.load(artifacts.target_dir_for(embedded.warehouse))
    work = tmp_path_factory.mktemp("spark")
    result = build_on_spark(embedded.landing, work, dbt_vars=built.cli_vars() or {})
    print(f"\nSpark build of the embedded data: {result.seconds:.0f} s ({result.summary})")
    return result


def test_every_mart_is_the_same_on_spark_and_duckdb(embedded: EmbeddedBuild, spark_build: SparkBuild) -> None:
    keys = artifacts.DbtArtifacts.load(artifacts.target_dir_for(embedded.warehouse)).keys()
    tables = published_tables(embedded.warehouse)
    compared = comparable_tables(embedded.warehouse)
    assert len(tables) - len(compared) == len(NOT_ON_LOCAL_SPARK), "a model left out of Spark is not a table here"
    results = compare_engines(embedded.warehouse, spark_build.warehouse, compared, keys)
    print("\n".join(r.describe() for r in results))
    assert len(results) == len(compared) > 20
    assert any(t.startswith("exports.") for t in compared)
    assert all(r.duckdb_rows > 0 for r in results), "a mart is empty: the comparison would prove nothing"
    different = [r.describe() for r in results if not r.equal]
    assert not different, "marts differ between Spark and DuckDB:\n" + "\n".join(different)


def test_the_sql_compiled_for_spark_holds_no_duckdb_only_construct(spark_build: SparkBuild) -> None:
    compiled = sorted((spark_build.target / "compiled").rglob("*.sql"))
    assert len(compiled) > 50
    found = {str(p.relative_to(spark_build.target)): sorted(findings_in(p.read_text())) for p in compiled}
    found = {path: names for path, names in found.items() if names}
    assert not found, f"DuckDB-only SQL compiled for Spark: {found}"
