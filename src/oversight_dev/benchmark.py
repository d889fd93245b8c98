"""The national-scale benchmark: how close the pipeline runs to the cost of reading its raw bytes once.

On a synthetic data set (:mod:`oversight_dev.synthetic`, never publishable) of ``months`` months it measures, in
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

(g) **dbt's fixed cost**, for (c) and (f): dbt's own wall time split, from the build's ``run_results.json``, into
    start-up and parsing (the process's wall time less ``elapsed_time``: start-up, parsing, the copy of the
    warehouse the build works on), and the per-node compile and execute phases (summed over nodes);
(h) **the peers**: a plain pandas and a plain polars script (``scripts/peers/``) computing A&E 4-hour %,
    RTT 18-week %, cancer 28-day % and diagnostics 6-week % per provider and month from the same raw files,
    each timed end to end as a child process, against ours for the same metrics: landing those four
    collections into an empty landing directory, building only the models that compute them (and their data
    tests) into an empty warehouse, and reading the values back. Every value must equal ours
    (``peer_values_equal``; the first differences are listed in ``peer_mismatches``);

plus the peak resident memory of this process and of its largest child (dbt), taken before the peers run.
Every time is also given per GB of raw files as published (``*_seconds_per_raw_gb``), so runs of different
lengths compare. The ratios full / floor and add-a-month / full are the figures the targets are stated in
(README "Performance"). Nothing here is a timed test: the test suite only runs a small-scale smoke of it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from oversight import paths, settings
from oversight.artifacts import target_dir_for
from oversight.collections import COLLECTIONS, collection_by_name, match_collections
from oversight.landing import land
from oversight.pipeline import build, vars_for_data_dir
from oversight_dev.synthetic import generate

__all__ = ["BOOTSTRAP_NODE", "BenchmarkResult", "bootstrap_seconds", "run_benchmark"]

BOOTSTRAP_NODE = "model.oversight.int_likely_ranges__bootstrapped"
GB = 1024**3

#: The collections the peers read, and the models that compute the shared metrics from them.
PEER_COLLECTIONS = ("nhse_ae_monthly", "nhse_rtt_full_extract", "nhse_cwt_provider", "nhse_dm01_full_extract")
PEER_MODELS = (
    "stg_nhse_ae__monthly_provider",
    "int_rtt_incomplete_pathways__monthly",
    "int_cancer_waits__monthly",
    "stg_nhse_dm01__full_extract",
)
#: Our values of the peers' metrics: numerator and denominator per provider and month, from the models above.
OURS_SQL = """
SELECT 'ae_4_hour' AS metric, org_code, strftime(month_start, '%Y-%m-%d') AS month,
       sum(attendances_all - over_4_hours_all) AS numerator, sum(attendances_all) AS denominator
FROM staging.stg_nhse_ae__monthly_provider WHERE NOT is_england_total GROUP BY ALL
UNION ALL
SELECT 'rtt_18_week', provider_org_code, strftime(month_start, '%Y-%m-%d'), within_18_weeks, waiting_list
FROM intermediate.int_rtt_incomplete_pathways__monthly
UNION ALL
SELECT 'cancer_28_day', org_code, strftime(month_start, '%Y-%m-%d'), within_standard, total_treated
FROM intermediate.int_cancer_waits__monthly WHERE metric_id = 'OF0010'
UNION ALL
SELECT 'diagnostics_6_week', provider_org_code, strftime(month_start, '%Y-%m-%d'),
       sum(total_waiting_list - waiting_6_plus_weeks), sum(total_waiting_list)
FROM staging.stg_nhse_dm01__full_extract WHERE is_total_row GROUP BY ALL
"""


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
    dbt_parse_seconds: float
    dbt_compile_seconds: float
    dbt_execute_seconds: float
    dbt_nodes: int
    add_month_dbt_parse_seconds: float
    add_month_dbt_compile_seconds: float
    add_month_dbt_execute_seconds: float
    peer_pandas_seconds: float
    peer_polars_seconds: float
    peer_ours_seconds: float
    peer_ours_landing_seconds: float
    peer_ours_dbt_seconds: float
    peer_pandas_rss_mb: float
    peer_polars_rss_mb: float
    peer_rows: int
    peer_values_equal: bool
    peer_mismatches: list[str]
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
    def landing_over_floor(self) -> float:
        return self.landing_seconds / self.floor_seconds if self.floor_seconds else float("inf")

    @property
    def raw_gb(self) -> float:
        return self.raw_bytes / GB

    def per_raw_gb(self, seconds: float) -> float:
        return seconds / self.raw_gb if self.raw_bytes else float("inf")

    @property
    def bootstrap_seconds_per_quarter(self) -> float:
        return self.bootstrap_seconds / self.bootstrap_quarters if self.bootstrap_quarters else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            full_over_floor=round(self.full_over_floor, 3),
            landing_over_floor=round(self.landing_over_floor, 3),
            raw_gb=round(self.raw_gb, 4),
            floor_seconds_per_raw_gb=round(self.per_raw_gb(self.floor_seconds), 2),
            landing_seconds_per_raw_gb=round(self.per_raw_gb(self.landing_seconds), 2),
            dbt_build_seconds_per_raw_gb=round(self.per_raw_gb(self.dbt_build_seconds), 2),
            full_rebuild_seconds_per_raw_gb=round(self.per_raw_gb(self.full_rebuild_seconds), 2),
            peer_pandas_over_ours=round(self.peer_pandas_seconds / self.peer_ours_seconds, 3),
            peer_polars_over_ours=round(self.peer_polars_seconds / self.peer_ours_seconds, 3),
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
            f"  (b) landing       {self.landing_seconds:8.1f} s   = {self.landing_over_floor:.2f} x floor "
            f"(target <= 1.5; {self.landed_rows:,} rows)",
            f"  (c) dbt build     {self.dbt_build_seconds:8.1f} s   ({self.dbt_nodes} nodes; start-up and parse "
            f"{self.dbt_parse_seconds:.1f} s, node compile {self.dbt_compile_seconds:.1f} s, "
            f"node execute {self.dbt_execute_seconds:.1f} s)",
            f"  (d) bootstrap     {self.bootstrap_seconds:8.1f} s   ({self.bootstrap_quarters} route-quarters, "
            f"{self.bootstrap_trust_quarters} trust-quarters; "
            f"{self.bootstrap_seconds_per_quarter:.1f} s per quarter, "
            f"up to {self.bootstrap_max_trusts_in_a_quarter} trusts in one)",
            f"  (e) full rebuild  {self.full_rebuild_seconds:8.1f} s   = {self.full_over_floor:.2f} x floor "
            "(target <= 2.5)",
            f"  (f) add a month   {self.add_month_seconds:8.1f} s   = {self.add_month_over_full:.1%} of full "
            f"(target <= 8%): landing {self.add_month_landing_seconds:.1f} s "
            f"({self.add_month_files_landed} landed, {self.add_month_files_skipped} skipped by checksum), "
            f"dbt {self.add_month_dbt_seconds:.1f} s (bootstrap {self.add_month_bootstrap_seconds:.1f} s; start-up "
            f"and parse {self.add_month_dbt_parse_seconds:.1f} s, node compile "
            f"{self.add_month_dbt_compile_seconds:.1f} s, node execute {self.add_month_dbt_execute_seconds:.1f} s)",
            f"  per raw GB        floor {self.per_raw_gb(self.floor_seconds):.1f} s, landing "
            f"{self.per_raw_gb(self.landing_seconds):.1f} s, dbt build "
            f"{self.per_raw_gb(self.dbt_build_seconds):.1f} s, full rebuild "
            f"{self.per_raw_gb(self.full_rebuild_seconds):.1f} s",
            f"  (h) peers         ours {self.peer_ours_seconds:.1f} s (landing {self.peer_ours_landing_seconds:.1f} s, "
            f"dbt {self.peer_ours_dbt_seconds:.1f} s), pandas {self.peer_pandas_seconds:.1f} s "
            f"({self.peer_pandas_seconds / self.peer_ours_seconds:.2f} x ours, {self.peer_pandas_rss_mb:.0f} MB), "
            f"polars {self.peer_polars_seconds:.1f} s ({self.peer_polars_seconds / self.peer_ours_seconds:.2f} x ours, "
            f"{self.peer_polars_rss_mb:.0f} MB); {self.peer_rows:,} provider-months, values "
            + ("equal" if self.peer_values_equal else "DIFFER: " + "; ".join(self.peer_mismatches)),
            f"  peak RSS          {self.peak_rss_mb:8.0f} MB  (this process {self.peak_rss_self_mb:.0f} MB, "
            f"largest child {self.peak_rss_children_mb:.0f} MB; target <= 3072)",
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

        vars_ = vars_for_data_dir(data, dbt_vars)
        first = _first_build(data, landing, duckdb_path, dbt_args, vars_)
        added = _add_a_month(data, landing, duckdb_path, months, end_month, scale, seed, dbt_args, vars_)
        rss_self, rss_children = _maxrss_mb(resource.RUSAGE_SELF), _maxrss_mb(resource.RUSAGE_CHILDREN)

        peers = run_peers(data, work_dir / "peers", dbt_args=dbt_args, dbt_vars=vars_)
        _say(
            f"peers: ours {peers.ours_seconds:.1f} s, pandas {peers.pandas_seconds:.1f} s, "
            f"polars {peers.polars_seconds:.1f} s"
        )

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
            **first,
            **added,
            **_peer_figures(peers),
            peak_rss_self_mb=rss_self,
            peak_rss_children_mb=rss_children,
            threads=limits.threads,
            memory_limit=limits.memory_limit,
            machine={"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        )
    finally:
        if not keep:
            shutil.rmtree(work_dir, ignore_errors=True)


def _first_build(
    data: Path, landing: Path, duckdb_path: Path, dbt_args: Sequence[str], vars_: dict[str, object]
) -> dict[str, Any]:
    """(b)-(e): land every file, then ``dbt build``; the figures, by :class:`BenchmarkResult` field."""
    started = time.perf_counter()
    land(data, landing)
    landing_seconds = time.perf_counter() - started
    _say(f"landing {landing_seconds:.1f} s")
    started_build = time.perf_counter()
    build(landing, duckdb_path, dbt_args=dbt_args, dbt_vars=vars_)
    dbt_seconds = time.perf_counter() - started_build
    _say(f"dbt build {dbt_seconds:.1f} s")
    results = _run_results(duckdb_path)
    boot = bootstrap_seconds(results)
    parse, compile_, execute, nodes = dbt_phases(dbt_seconds, results)
    quarters, trust_quarters, max_trusts = _bootstrap_extent(duckdb_path)
    return {
        "landing_seconds": round(landing_seconds, 2),
        "dbt_build_seconds": round(dbt_seconds, 2),
        "full_rebuild_seconds": round(landing_seconds + dbt_seconds, 2),
        "bootstrap_seconds": round(boot, 2),
        "bootstrap_quarters": quarters,
        "bootstrap_trust_quarters": trust_quarters,
        "bootstrap_max_trusts_in_a_quarter": max_trusts,
        "dbt_parse_seconds": round(parse, 2),
        "dbt_compile_seconds": round(compile_, 2),
        "dbt_execute_seconds": round(execute, 2),
        "dbt_nodes": nodes,
        "landed_rows": _landed_rows(landing),
    }


def _add_a_month(
    data: Path,
    landing: Path,
    duckdb_path: Path,
    months: int,
    end_month: date,
    scale: float,
    seed: int,
    dbt_args: Sequence[str],
    vars_: dict[str, object],
) -> dict[str, Any]:
    """(f): generate the next month beside the others, land and build again; the figures, by field."""
    generate(data, months=months + 1, end_month=_add_months(end_month, 1), scale=scale, seed=seed)
    started = time.perf_counter()
    added = land(data, landing)
    add_landing = time.perf_counter() - started
    _say(f"add a month: landing {add_landing:.1f} s")
    started_build = time.perf_counter()
    build(landing, duckdb_path, dbt_args=dbt_args, dbt_vars=vars_)
    add_dbt = time.perf_counter() - started_build
    results = _run_results(duckdb_path)
    add_boot = bootstrap_seconds(results)
    add_parse, add_compile, add_execute, _ = dbt_phases(add_dbt, results)
    _say(f"add a month: dbt {add_dbt:.1f} s")
    return {
        "add_month_seconds": round(add_landing + add_dbt, 2),
        "add_month_landing_seconds": round(add_landing, 2),
        "add_month_dbt_seconds": round(add_dbt, 2),
        "add_month_bootstrap_seconds": round(add_boot, 2),
        "add_month_files_landed": len(added.landed) + len(added.replaced),
        "add_month_files_skipped": len(added.unchanged),
        "add_month_dbt_parse_seconds": round(add_parse, 2),
        "add_month_dbt_compile_seconds": round(add_compile, 2),
        "add_month_dbt_execute_seconds": round(add_execute, 2),
    }


def _peer_figures(peers: PeerResult) -> dict[str, Any]:
    """The peers' figures, by :class:`BenchmarkResult` field."""
    return {
        "peer_pandas_seconds": round(peers.pandas_seconds, 2),
        "peer_polars_seconds": round(peers.polars_seconds, 2),
        "peer_ours_seconds": round(peers.ours_seconds, 2),
        "peer_ours_landing_seconds": round(peers.ours_landing_seconds, 2),
        "peer_ours_dbt_seconds": round(peers.ours_dbt_seconds, 2),
        "peer_pandas_rss_mb": peers.pandas_rss_mb,
        "peer_polars_rss_mb": peers.polars_rss_mb,
        "peer_rows": peers.rows,
        "peer_values_equal": not peers.mismatches,
        "peer_mismatches": peers.mismatches,
    }


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


def _run_results(duckdb_path: Path) -> dict[str, Any]:
    """The ``run_results.json`` of the last build of ``duckdb_path`` (each warehouse's builds write their own
    target folder, ``<warehouse>.dbt/``)."""
    return dict(json.loads((target_dir_for(duckdb_path) / "run_results.json").read_text()))


def dbt_phases(wall_seconds: float, results: dict[str, Any]) -> tuple[float, float, float, int]:
    """The last build's start-up and parse seconds (``wall_seconds`` less dbt's ``elapsed_time``), the seconds
    of every node's compile and of every node's execute phase (summed over nodes: they overlap when dbt runs
    threads in parallel) and the number of nodes, from the build's ``run_results.json``."""
    phases = {"compile": 0.0, "execute": 0.0}
    for result in results["results"]:
        for timing in result.get("timing", []):
            if timing.get("name") in phases and timing.get("started_at") and timing.get("completed_at"):
                started = datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00"))
                completed = datetime.fromisoformat(timing["completed_at"].replace("Z", "+00:00"))
                phases[timing["name"]] += (completed - started).total_seconds()
    parse = max(wall_seconds - float(results.get("elapsed_time", 0.0)), 0.0)
    return parse, phases["compile"], phases["execute"], len(results["results"])


@dataclass
class PeerResult:
    pandas_seconds: float
    polars_seconds: float
    ours_seconds: float
    ours_landing_seconds: float
    ours_dbt_seconds: float
    pandas_rss_mb: float
    polars_rss_mb: float
    rows: int
    mismatches: list[str]


def run_peers(
    data_dir: Path, work_dir: Path, *, dbt_args: Sequence[str] = (), dbt_vars: dict[str, object] | None = None
) -> PeerResult:
    """(h): ours (land the peers' four collections, build the models computing their metrics, read the values)
    against the pandas and polars scripts, each from the same raw files; values compared row by row."""
    work_dir.mkdir(parents=True, exist_ok=True)
    collections = [collection_by_name(name) for name in PEER_COLLECTIONS]
    landing, warehouse = work_dir / "landing", work_dir / "warehouse" / "oversight.duckdb"
    started = time.perf_counter()
    land(data_dir, landing, collections=collections)
    ours_landing = time.perf_counter() - started
    selection = ["--select", *(f"+{model}" for model in PEER_MODELS), "--indirect-selection", "cautious"]
    build(landing, warehouse, dbt_args=[*dbt_args, *selection], dbt_vars=dbt_vars)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ours = con.execute(OURS_SQL).fetchall()
    ours_seconds = time.perf_counter() - started
    timings: dict[str, tuple[float, float]] = {}
    peers: dict[str, list[tuple[Any, ...]]] = {}
    for peer in ("pandas", "polars"):
        out = work_dir / f"peer_{peer}.csv"
        script = paths.repo_root() / "scripts" / "peers" / f"peer_{peer}.py"
        timings[peer] = _timed_child(script, str(data_dir), str(out))
        with duckdb.connect() as con:
            peers[peer] = con.execute(
                "SELECT metric, org_code, month, numerator, denominator FROM read_csv(?, all_varchar = true)",
                [str(out)],
            ).fetchall()
    mismatches = []
    for peer, rows in peers.items():
        mismatches += [f"{peer}: {m}" for m in compare_values(ours, rows)]
    return PeerResult(
        pandas_seconds=timings["pandas"][0],
        polars_seconds=timings["polars"][0],
        ours_seconds=ours_seconds,
        ours_landing_seconds=ours_landing,
        ours_dbt_seconds=ours_seconds - ours_landing,
        pandas_rss_mb=timings["pandas"][1],
        polars_rss_mb=timings["polars"][1],
        rows=len(_nonzero(ours)),
        mismatches=mismatches[:10],
    )


def _nonzero(rows: Sequence[tuple[Any, ...]]) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(metric, provider, month) -> (numerator, denominator), for rows with a non-zero denominator (a
    percentage exists): a provider with only NONC rows in RTT is kept by our model with 0 of 0."""
    kept = {}
    for metric, org, month, numerator, denominator in rows:
        if denominator is not None and float(denominator) != 0:
            kept[(str(metric), str(org), str(month))] = (float(numerator), float(denominator))
    return kept


def compare_values(ours: Sequence[tuple[Any, ...]], theirs: Sequence[tuple[Any, ...]]) -> list[str]:
    """Differences between two sets of (metric, provider, month, numerator, denominator) rows: a key on one side
    only, or a numerator or denominator that differs (the percentage is 100 x numerator / denominator on both)."""
    a, b = _nonzero(ours), _nonzero(theirs)
    problems = [f"{k} only in ours" for k in sorted(a.keys() - b.keys())]
    problems += [f"{k} only in the peer's" for k in sorted(b.keys() - a.keys())]
    problems += [f"{k}: ours {a[k]}, the peer's {b[k]}" for k in sorted(a.keys() & b.keys()) if a[k] != b[k]]
    return problems


#: Runs a peer script as ``__main__``, then writes its peak resident memory (VmHWM of its own address space: the
#: kernel's ``ru_maxrss`` of a child would carry the parent's size over from fork and exec) to the file argv[1].
_PEER_RUNNER = """
import runpy, sys
hwm_file, script = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[2:]
runpy.run_path(script, run_name="__main__")
status = open("/proc/self/status").read()
hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), "0")
open(hwm_file, "w").write(hwm)
"""


def _timed_child(script: Path, *args: str) -> tuple[float, float]:
    """Seconds (interpreter start included) and peak resident MB of a Python script run as a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        log, hwm = Path(tmp) / "log", Path(tmp) / "hwm"
        started = time.perf_counter()
        with log.open("wb") as out:
            code = subprocess.call(
                [sys.executable, "-c", _PEER_RUNNER, str(hwm), str(script), *args], stdout=out, stderr=out
            )
        seconds = time.perf_counter() - started
        if code != 0:
            raise RuntimeError(f"{script.name} failed ({code}):\n{log.read_text(errors='replace')[-2000:]}")
        return seconds, round(int(hwm.read_text() or 0) / 1024, 1)


def bootstrap_seconds(results: dict[str, Any]) -> float:
    """dbt's execution time of the bootstrap model in the build whose ``run_results.json`` is ``results``."""
    return float(sum(r["execution_time"] for r in results["results"] if r["unique_id"] == BOOTSTRAP_NODE))


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
