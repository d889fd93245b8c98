"""The national-scale benchmark: how close the pipeline runs to the cost of reading its raw bytes once.

On a synthetic data set (:mod:`oversight.synthetic`, never publishable) of ``months`` months it measures, in
one run and in this order:

(a) **floor**: DuckDB scanning every raw byte once, ``count(*)`` over each raw CSV; a ZIP or spreadsheet is
    first turned into its CSV by the same container code the landing step uses, and that time is included;
(b) **landing** of every file into an empty landing directory;
(c) **dbt build** of an empty warehouse on what was landed;
(d) the **bootstrap** of likely ranges at the configured replicates, from dbt's own timing of
    ``int_likely_ranges__bootstrapped`` in (c), per quarter and route;
(e) the **full rebuild**: (b) + (c), end to end;
(f) **adding one month**: the next month's files are generated into the same folder and the pipeline run
    again on the built warehouse (unchanged files are skipped by checksum, incremental models add the month);

plus the peak resident memory of this process and of its largest child (dbt). The ratios full / floor and
add-a-month / full are the figures the targets are stated in (README "Performance"). Nothing here is a timed
test: the test suite only runs a small-scale smoke of it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from oversight import paths, settings
from oversight.collections import COLLECTIONS, match_collections
from oversight.landing import land
from oversight.pipeline import build, vars_for_data_dir
from oversight.synthetic import generate

__all__ = ["BenchmarkResult", "run_benchmark"]

BOOTSTRAP_NODE = "model.oversight.int_likely_ranges__bootstrapped"


@dataclass
class BenchmarkResult:
    months: int
    scale: float
    end_month: str
    raw_files: int
    raw_bytes: int
    csv_bytes: int
    generate_seconds: float
    floor_seconds: float
    floor_extract_seconds: float
    landing_seconds: float
    dbt_build_seconds: float
    full_rebuild_seconds: float
    bootstrap_seconds: float
    bootstrap_quarters: int
    bootstrap_trust_quarters: int
    bootstrap_max_trusts_in_a_quarter: int
    add_month_seconds: float
    add_month_landing_seconds: float
    add_month_dbt_seconds: float
    add_month_bootstrap_seconds: float
    add_month_files_landed: int
    add_month_files_skipped: int
    peak_rss_self_mb: float
    peak_rss_children_mb: float
    landed_rows: int
    threads: int
    memory_limit: str
    machine: dict[str, Any] = field(default_factory=dict)

    @property
    def full_over_floor(self) -> float:
        return self.full_rebuild_seconds / self.floor_seconds if self.floor_seconds else float("inf")

    @property
    def add_month_over_full(self) -> float:
        return self.add_month_seconds / self.full_rebuild_seconds if self.full_rebuild_seconds else float("inf")

    @property
    def peak_rss_mb(self) -> float:
        return max(self.peak_rss_self_mb, self.peak_rss_children_mb)

    @property
    def bootstrap_seconds_per_quarter(self) -> float:
        return self.bootstrap_seconds / self.bootstrap_quarters if self.bootstrap_quarters else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            full_over_floor=round(self.full_over_floor, 3),
            add_month_over_full=round(self.add_month_over_full, 4),
            peak_rss_mb=round(self.peak_rss_mb, 1),
            bootstrap_seconds_per_quarter=round(self.bootstrap_seconds_per_quarter, 2),
        )
        return data

    def report(self) -> str:
        gb = 1024**3
        lines = [
            f"benchmark: {self.months} months at scale {self.scale} (to {self.end_month}), {self.raw_files} raw "
            f"files, {self.raw_bytes / gb:.2f} GB as published, {self.csv_bytes / gb:.2f} GB of CSV",
            f"  settings          DuckDB threads {self.threads}, memory_limit {self.memory_limit}",
            f"  generate          {self.generate_seconds:8.1f} s   (not part of any figure below)",
            f"  (a) floor         {self.floor_seconds:8.1f} s   "
            f"(of which ZIP/XLSX to CSV {self.floor_extract_seconds:.1f} s)",
            f"  (b) landing       {self.landing_seconds:8.1f} s   ({self.landed_rows:,} rows)",
            f"  (c) dbt build     {self.dbt_build_seconds:8.1f} s",
            f"  (d) bootstrap     {self.bootstrap_seconds:8.1f} s   ({self.bootstrap_quarters} route-quarters, "
            f"{self.bootstrap_trust_quarters} trust-quarters; "
            f"{self.bootstrap_seconds_per_quarter:.1f} s per quarter, "
            f"up to {self.bootstrap_max_trusts_in_a_quarter} trusts in one)",
            f"  (e) full rebuild  {self.full_rebuild_seconds:8.1f} s   = {self.full_over_floor:.2f} x floor "
            "(target <= 3)",
            f"  (f) add a month   {self.add_month_seconds:8.1f} s   = {self.add_month_over_full:.1%} of full "
            f"(target <= 15%): landing {self.add_month_landing_seconds:.1f} s "
            f"({self.add_month_files_landed} landed, {self.add_month_files_skipped} skipped by checksum), "
            f"dbt {self.add_month_dbt_seconds:.1f} s (bootstrap {self.add_month_bootstrap_seconds:.1f} s)",
            f"  peak RSS          {self.peak_rss_mb:8.0f} MB  (this process {self.peak_rss_self_mb:.0f} MB, "
            f"largest child {self.peak_rss_children_mb:.0f} MB; target <= 4096)",
        ]
        return "\n".join(lines)


def _say(message: str) -> None:
    print(f"  ... {message}", flush=True)


def run_benchmark(
    work_dir: Path,
    *,
    months: int,
    end_month: date,
    scale: float = 1.0,
    seed: int = 0,
    dbt_args: Sequence[str] = (),
    dbt_vars: dict[str, object] | None = None,
    keep: bool = False,
) -> BenchmarkResult:
    """Generate, then measure (a)-(f) in ``work_dir`` (emptied first; removed afterwards unless ``keep``)."""
    work_dir = Path(work_dir)
    if work_dir.exists():
        shutil.rmtree(work_dir)
    data, landing, duckdb_path = work_dir / "data", work_dir / "landing", work_dir / "warehouse" / "oversight.duckdb"
    limits = settings.duckdb_settings()
    try:
        started = time.perf_counter()
        generated = generate(data, months=months, end_month=end_month, scale=scale, seed=seed)
        generate_seconds = time.perf_counter() - started
        _say(f"generated {len(generated)} files in {generate_seconds:.1f} s")

        floor_seconds, extract_seconds, csv_bytes = scan_floor(data, work_dir / "floor")
        _say(f"floor {floor_seconds:.1f} s")

        started = time.perf_counter()
        land(data, landing)
        landing_seconds = time.perf_counter() - started
        _say(f"landing {landing_seconds:.1f} s")
        vars_ = vars_for_data_dir(data, dbt_vars)
        started_build = time.perf_counter()
        build(landing, duckdb_path, dbt_args=dbt_args, dbt_vars=vars_)
        dbt_seconds = time.perf_counter() - started_build
        full_seconds = landing_seconds + dbt_seconds
        _say(f"dbt build {dbt_seconds:.1f} s")
        boot = _bootstrap_timing()
        quarters, trust_quarters, max_trusts = _bootstrap_extent(duckdb_path)
        landed_rows = _landed_rows(landing)

        next_month = _add_months(end_month, 1)
        generate(data, months=months + 1, end_month=next_month, scale=scale, seed=seed)
        started = time.perf_counter()
        added = land(data, landing)
        add_landing = time.perf_counter() - started
        _say(f"add a month: landing {add_landing:.1f} s")
        started_build = time.perf_counter()
        build(landing, duckdb_path, dbt_args=dbt_args, dbt_vars=vars_)
        add_dbt = time.perf_counter() - started_build
        add_boot = _bootstrap_timing()

        return BenchmarkResult(
            months=months,
            scale=scale,
            end_month=end_month.strftime("%Y-%m"),
            raw_files=len(generated),
            raw_bytes=sum(f.path.stat().st_size for f in generated),
            csv_bytes=csv_bytes,
            generate_seconds=round(generate_seconds, 2),
            floor_seconds=round(floor_seconds, 2),
            floor_extract_seconds=round(extract_seconds, 2),
            landing_seconds=round(landing_seconds, 2),
            dbt_build_seconds=round(dbt_seconds, 2),
            full_rebuild_seconds=round(full_seconds, 2),
            bootstrap_seconds=round(boot, 2),
            bootstrap_quarters=quarters,
            bootstrap_trust_quarters=trust_quarters,
            bootstrap_max_trusts_in_a_quarter=max_trusts,
            add_month_seconds=round(add_landing + add_dbt, 2),
            add_month_landing_seconds=round(add_landing, 2),
            add_month_dbt_seconds=round(add_dbt, 2),
            add_month_bootstrap_seconds=round(add_boot, 2),
            add_month_files_landed=len(added.landed) + len(added.replaced),
            add_month_files_skipped=len(added.unchanged),
            peak_rss_self_mb=_maxrss_mb(resource.RUSAGE_SELF),
            peak_rss_children_mb=_maxrss_mb(resource.RUSAGE_CHILDREN),
            landed_rows=landed_rows,
            threads=limits.threads,
            memory_limit=limits.memory_limit,
            machine={"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        )
    finally:
        if not keep:
            shutil.rmtree(work_dir, ignore_errors=True)


def scan_floor(data_dir: Path, scratch: Path) -> tuple[float, float, int]:
    """(a): seconds to scan every raw byte once, of which seconds spent turning containers into CSV; CSV bytes.

    Each file is read by DuckDB's CSV reader (``count(*)``, every column as text); a ZIP member or a sheet
    is first extracted by its collection's container, as landing does.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    limits = settings.duckdb_settings()
    total = extract = 0.0
    csv_bytes = 0
    with (
        tempfile.TemporaryDirectory(dir=scratch) as tmp,
        duckdb.connect(config={"threads": limits.threads, "memory_limit": limits.memory_limit}) as con,
    ):
        con.execute("SET enable_progress_bar = false")
        for index, path in enumerate(sorted(p for p in data_dir.rglob("*") if p.is_file())):
            matched = match_collections(path.name, COLLECTIONS)
            if not matched:
                continue
            started = time.perf_counter()
            container = matched[0].container
            csv_path = path
            if container is not None:
                csv_path = container.extract(path, Path(tmp) / str(index)).path
                extract += time.perf_counter() - started
            con.execute(
                "SELECT count(*) FROM read_csv(?, all_varchar = true, header = false, null_padding = true, "
                "strict_mode = false)",
                [str(csv_path)],
            ).fetchone()
            total += time.perf_counter() - started
            csv_bytes += csv_path.stat().st_size
            if csv_path != path:
                csv_path.unlink()
    return total, extract, csv_bytes


def _bootstrap_timing() -> float:
    """dbt's execution time of the bootstrap model in the last build (``target/run_results.json``)."""
    results = json.loads((paths.repo_root() / "target" / "run_results.json").read_text())
    return sum(r["execution_time"] for r in results["results"] if r["unique_id"] == BOOTSTRAP_NODE)


def _bootstrap_extent(duckdb_path: Path) -> tuple[int, int, int]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        row = con.execute(
            # a quarter is drawn once per engine scenario (the final table and the provisional ones)
            "SELECT count(DISTINCT (scenario, data_source, quarter)), count(*), "
            "(SELECT max(n) FROM (SELECT count(*) AS n FROM intermediate.int_likely_ranges__bootstrapped "
            "GROUP BY scenario, data_source, quarter)) FROM intermediate.int_likely_ranges__bootstrapped"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2] or 0)


def _landed_rows(landing: Path) -> int:
    with duckdb.connect() as con:
        row = con.execute(
            "SELECT sum(num_rows) FROM parquet_file_metadata(?)", [str(landing / "*" / "*.parquet")]
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _maxrss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # KiB on Linux


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)
