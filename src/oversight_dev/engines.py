"""The same models on DuckDB and on a local Apache Spark, timed side by side on one landed data set (issue 16).

One landing (:func:`oversight.landing.land`, Python, engine-independent) feeds two builds of the same models with
the same vars, each ``dbt seed`` + ``dbt run`` (no tests; the models of
:data:`oversight.spark.NOT_ON_LOCAL_SPARK` left out on both): the ``dev`` DuckDB target into an empty file, and the
``spark`` target (dbt-spark's session method, ``local[*]``) into an empty Spark warehouse. Each build's wall time,
and dbt's own timing of the bootstrap model, are measured; then every table of the marts and exports schemas is
compared across the engines (:func:`oversight.spark.compare_engines`), so the timing is of two builds known to
agree. Nothing here is a timed test: ``scripts/benchmark_engines.py`` prints and writes the figures.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from oversight import paths, settings
from oversight.artifacts import DbtArtifacts
from oversight.landing import land
from oversight.pipeline import vars_for_data_dir
from oversight.spark import build_on_spark, comparable_tables, compare_engines, seed_and_run
from oversight_dev.benchmark import bootstrap_seconds

__all__ = ["EngineTimes", "time_engines"]


@dataclass(frozen=True)
class EngineTimes:
    """Wall times of the two builds of one landing, the bootstrap's share, and how far their tables agree."""

    data_dir: str
    landed_bytes: int
    landing_seconds: float
    duckdb_seconds: float
    spark_seconds: float
    duckdb_bootstrap_seconds: float
    spark_bootstrap_seconds: float
    duckdb_summary: str
    spark_summary: str
    tables_compared: int
    tables_equal: int
    differences: list[str]
    duckdb_threads: int
    duckdb_memory_limit: str
    cpus: int | None

    def report(self) -> str:
        ratio = self.spark_seconds / self.duckdb_seconds if self.duckdb_seconds else float("nan")
        lines = [
            f"engines on {self.data_dir} ({self.landed_bytes / 1e6:,.0f} MB landed Parquet, "
            + (f"landing {self.landing_seconds:.1f} s" if self.landing_seconds else "an existing landing")
            + f"; {self.cpus} cores)",
            f"  {'':<34}{'DuckDB':>10}{'Spark':>10}",
            f"  {'dbt seed + run (s)':<34}{self.duckdb_seconds:>10.1f}{self.spark_seconds:>10.1f}"
            f"   Spark = {ratio:.1f} x DuckDB",
            f"  {'of which the bootstrap model (s)':<34}{self.duckdb_bootstrap_seconds:>10.1f}"
            f"{self.spark_bootstrap_seconds:>10.1f}",
            f"  DuckDB: {self.duckdb_summary}",
            f"  Spark:  {self.spark_summary}",
            f"  tables equal across engines: {self.tables_equal} of {self.tables_compared}",
            *(f"    {d}" for d in self.differences),
        ]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _bootstrap_seconds(target: Path) -> float:
    """dbt's execution time of the bootstrap model in the run whose artifacts are in ``target``."""
    return bootstrap_seconds(json.loads((target / "run_results.json").read_text(encoding="utf-8")))


def time_engines(data_dir: Path, work_dir: Path, *, landing_dir: Path | None = None, keep: bool = False) -> EngineTimes:
    """Land ``data_dir`` (or reuse ``landing_dir``), build it on DuckDB then on Spark, compare; ``work_dir`` is
    emptied first and removed afterwards unless ``keep``."""
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    try:
        landing_seconds = 0.0
        if landing_dir is None:
            landing_dir = work_dir / "landing"
            started = time.perf_counter()
            land(data_dir, landing_dir)
            landing_seconds = time.perf_counter() - started
        landed_bytes = sum(p.stat().st_size for p in landing_dir.rglob("*.parquet"))
        dbt_vars = vars_for_data_dir(data_dir)

        duckdb_path = work_dir / "duckdb" / "oversight.duckdb"
        duckdb_path.parent.mkdir(parents=True)
        env = dict(os.environ)
        env[paths.LANDING_DIR_ENV] = str(landing_dir.resolve())
        env[paths.DUCKDB_PATH_ENV] = str(duckdb_path.resolve())
        duckdb_target = work_dir / "duckdb" / "target"
        duckdb_summary, duckdb_seconds = seed_and_run("dev", env, duckdb_target, dbt_vars)

        spark = build_on_spark(landing_dir, work_dir / "spark", dbt_vars)

        keys = DbtArtifacts.load(duckdb_target).keys()
        results = compare_engines(duckdb_path, spark.warehouse, comparable_tables(duckdb_path), keys)
        limits = settings.duckdb_settings()
        return EngineTimes(
            data_dir=str(data_dir),
            landed_bytes=landed_bytes,
            landing_seconds=round(landing_seconds, 1),
            duckdb_seconds=round(duckdb_seconds, 1),
            spark_seconds=round(spark.seconds, 1),
            duckdb_bootstrap_seconds=round(_bootstrap_seconds(duckdb_target), 1),
            spark_bootstrap_seconds=round(_bootstrap_seconds(spark.target), 1),
            duckdb_summary=duckdb_summary,
            spark_summary=spark.summary,
            tables_compared=len(results),
            tables_equal=sum(r.equal for r in results),
            differences=[r.describe() for r in results if not r.equal],
            duckdb_threads=limits.threads,
            duckdb_memory_limit=limits.memory_limit,
            cpus=os.cpu_count(),
        )
    finally:
        if not keep:
            shutil.rmtree(work_dir, ignore_errors=True)
