"""The same dbt project on Apache Spark (issue 16): a build on the ``spark`` target and its parity with DuckDB.

:func:`build_on_spark` runs ``dbt seed`` and ``dbt run`` with the ``spark`` target of ``profiles.yml`` (dbt-spark's
session method: a local PySpark in the dbt process) over the same landed Parquet as a DuckDB build; its tables are
Parquet folders under a Spark warehouse folder (``<warehouse>/<schema>.db/<table>/``). :func:`compare_engines` then
reads those folders with DuckDB and compares each mart with the DuckDB warehouse's: the same rows (matched on the
mart's primary key), text and dates equal, numbers equal within a tolerance (1e-9, relative to the larger of 1 and
the value). Nothing here changes a DuckDB warehouse.

Spark packages are not in ``requirements.lock``: ``make test-spark`` installs ``requirements-spark.lock`` and Java.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from oversight import paths
from oversight.artifacts import dbt_command
from oversight.pipeline import BuildError, _run_child, _strip_ansi

__all__ = [
    "JAVA_HOME_DEFAULT",
    "NOT_ON_LOCAL_SPARK",
    "SPARK_METASTORE_ENV",
    "SPARK_WAREHOUSE_ENV",
    "SparkBuild",
    "TableParity",
    "build_on_spark",
    "comparable_tables",
    "compare_engines",
    "published_tables",
    "seed_and_run",
    "spark_table_files",
]

SPARK_WAREHOUSE_ENV = "OVERSIGHT_SPARK_WAREHOUSE"
SPARK_METASTORE_ENV = "OVERSIGHT_SPARK_METASTORE"
#: Debian's Java 17 (``default-jre-headless``), used when JAVA_HOME is not set and it is there (else PySpark runs
#: the ``java`` on the PATH).
JAVA_HOME_DEFAULT = "/usr/lib/jvm/java-17-openjdk-amd64"
#: Models the local Spark session cannot build, and why (README "Outgrowing one machine"); the build excludes them.
NOT_ON_LOCAL_SPARK: dict[str, str] = {
    "fct_league_vintages": (
        "reads the snapshots snp_league_table and snp_metric_scores, and dbt-spark snapshots only Delta, Iceberg or "
        "Hudi tables, none of which a local PySpark has without downloading their jars (Databricks has Delta); its "
        "rows are build history (dbt_valid_from), different on every warehouse whatever the engine"
    ),
}
_NUMERIC = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "HUGEINT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT")


@dataclass(frozen=True)
class SparkBuild:
    """A finished Spark build: where its tables are, dbt's closing line and how long seed + run took."""

    warehouse: Path
    target: Path
    summary: str
    seconds: float


@dataclass(frozen=True)
class TableParity:
    """One mart compared across engines: rows on each side, rows matched on the key, and the differing cells."""

    table: str
    key: tuple[str, ...]
    duckdb_rows: int
    spark_rows: int
    unmatched_rows: int
    differing_cells: int
    examples: tuple[str, ...]

    @property
    def equal(self) -> bool:
        return self.duckdb_rows == self.spark_rows and not self.unmatched_rows and not self.differing_cells

    def describe(self) -> str:
        state = "equal" if self.equal else "DIFFERENT"
        detail = "; ".join(self.examples)
        return (
            f"{self.table}: {state} (DuckDB {self.duckdb_rows} rows, Spark {self.spark_rows}, "
            f"{self.unmatched_rows} unmatched on ({', '.join(self.key)}), {self.differing_cells} differing cells)"
            + (f": {detail}" if detail else "")
        )


def _spark_env(landing_dir: Path, work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env[paths.LANDING_DIR_ENV] = str(landing_dir.resolve())
    env[SPARK_WAREHOUSE_ENV] = str((work / "warehouse").resolve())
    env[SPARK_METASTORE_ENV] = str(work.resolve())
    if not env.get("JAVA_HOME") and Path(JAVA_HOME_DEFAULT).is_dir():
        env["JAVA_HOME"] = JAVA_HOME_DEFAULT
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def build_on_spark(
    landing_dir: Path,
    work: Path,
    dbt_vars: Mapping[str, object] | None = None,
    select: Sequence[str] = (),
) -> SparkBuild:
    """``dbt seed`` then ``dbt run`` on the ``spark`` target over ``landing_dir``; tables under ``work/warehouse``.

    ``select`` narrows the run (dbt selection arguments, e.g. ``("--selector", "nhse_nof")``); the models of
    :data:`NOT_ON_LOCAL_SPARK` are left out. Raises :class:`oversight.pipeline.BuildError` with dbt's failing nodes
    when either command fails.
    """
    work.mkdir(parents=True, exist_ok=True)
    env = _spark_env(landing_dir, work)
    summary, seconds = seed_and_run("spark", env, work / "target", dbt_vars, select)
    return SparkBuild(work / "warehouse", work / "target", summary, seconds)


def seed_and_run(
    target: str,
    env: dict[str, str],
    target_path: Path,
    dbt_vars: Mapping[str, object] | None = None,
    select: Sequence[str] = (),
) -> tuple[str, float]:
    """``dbt seed`` then ``dbt run`` (no tests) on a ``profiles.yml`` target, without the models of
    :data:`NOT_ON_LOCAL_SPARK` whatever the engine, so that engines build the same models; dbt's closing line and
    the seconds both took. Raises :class:`oversight.pipeline.BuildError` when either command fails."""
    root = paths.repo_root()
    common = ["--project-dir", str(root), "--profiles-dir", str(root), "--target", target]
    common += ["--target-path", str(target_path), "--log-path", str(target_path)]
    if dbt_vars:
        common += ["--vars", json.dumps(dict(dbt_vars))]
    excluded = [arg for model in NOT_ON_LOCAL_SPARK for arg in ("--exclude", model)]
    started = time.monotonic()
    summary = ""
    for command in (["seed"], ["run", *select, *excluded]):
        code, output = _run_child([*dbt_command(), *command, *common], root, env)
        lines = [line.strip() for line in _strip_ansi(output).splitlines() if line.strip()]
        summary = next((line for line in reversed(lines) if "Done. PASS=" in line), lines[-1] if lines else "")
        if code != 0:
            tail = "\n".join("  " + line for line in lines[-40:])
            raise BuildError(f"dbt {command[0]} on {target} failed (exit {code}):\n{tail}")
    return summary, time.monotonic() - started


def spark_table_files(warehouse: Path, schema: str, table: str) -> Path:
    """The Parquet folder of a Spark managed table (``<warehouse>/<schema>.db/<table>``)."""
    return warehouse / f"{schema}.db" / table


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in con.execute(f"describe {relation}").fetchall()}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row is not None else 0


def _compare_table(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    spark_files: Path,
    key: Sequence[str],
    tolerance: float,
) -> TableParity:
    con.execute(f"create or replace temp view s as select * from read_parquet('{spark_files}/*.parquet')")
    con.execute(f"create or replace temp view d as select * from duck.{schema}.{table}")
    columns = _columns(con, "d")
    spark_columns = _columns(con, "s")
    numeric = {c for c, t in columns.items() if t.startswith(_NUMERIC)}
    # without a declared key, the row is its own key (all columns but the floating-point ones)
    key = tuple(key) or tuple(c for c in columns if c not in numeric or not columns[c].startswith(("DOUBLE", "FLOAT")))
    missing = sorted(set(columns) ^ set(spark_columns))
    on = " and ".join(f"d.{c} is not distinct from s.{c}" for c in key)
    joined = f"from d full join s on {on}"
    unmatched = _scalar(con, f"select count(*) {joined} where d.{key[0]} is null or s.{key[0]} is null")
    checks = []
    for column in (c for c in columns if c in spark_columns and c not in key):
        if column in numeric:
            differ = (
                f"(d.{column} is null) <> (s.{column} is null) or abs(d.{column}::double - s.{column}::double) "
                f"> {tolerance} * greatest(1, abs(d.{column}::double))"
            )
        else:
            differ = f"d.{column}::string is distinct from s.{column}::string"
        checks.append((column, differ))
    matched = f"{joined} where d.{key[0]} is not null and s.{key[0]} is not null"
    differing = sum(_scalar(con, f"select count(*) {matched} and ({sql})") for _, sql in checks)
    examples = [f"columns only on one side: {', '.join(missing)}"] if missing else []
    for column, sql in checks:
        row = con.execute(f"select d.{column}::string, s.{column}::string {matched} and ({sql}) limit 1").fetchone()
        if row is not None and len(examples) < 3:
            examples.append(f"{column}: DuckDB {row[0]} vs Spark {row[1]}")
    return TableParity(
        table=f"{schema}.{table}",
        key=key,
        duckdb_rows=_scalar(con, "select count(*) from d"),
        spark_rows=_scalar(con, "select count(*) from s"),
        unmatched_rows=unmatched,
        differing_cells=differing + len(missing),
        examples=tuple(examples),
    )


def published_tables(duckdb_path: Path) -> list[str]:
    """Every table of the marts and exports schemas of a DuckDB warehouse (the public marts and the NHS
    England-layout files), as ``schema.name``: what :func:`compare_engines` holds the engines to."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('marts', 'exports') and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def comparable_tables(duckdb_path: Path) -> list[str]:
    """:func:`published_tables` but those of the models of :data:`NOT_ON_LOCAL_SPARK`: what both engines build."""
    return [t for t in published_tables(duckdb_path) if t.rpartition(".")[2] not in NOT_ON_LOCAL_SPARK]


def compare_engines(
    duckdb_path: Path,
    spark_warehouse: Path,
    tables: Sequence[str],
    keys: Mapping[str, Sequence[str]],
    tolerance: float = 1e-9,
) -> list[TableParity]:
    """Each of ``tables`` in the DuckDB warehouse against the Spark build's Parquet folder.

    A table is ``schema.name`` or a bare name of schema ``marts``; ``keys`` holds primary keys by bare name.
    """
    con = duckdb.connect()
    con.execute(f"attach '{duckdb_path}' as duck (read_only)")
    results = []
    for qualified in tables:
        schema, _, table = qualified.rpartition(".")
        schema = schema or "marts"
        files = spark_table_files(spark_warehouse, schema, table)
        if not any(files.glob("*.parquet")):
            results.append(TableParity(qualified, tuple(keys.get(table, ())), -1, 0, 0, 0, ("not built on Spark",)))
            continue
        results.append(_compare_table(con, schema, table, files, keys.get(table, ()), tolerance))
    con.close()
    return results
