"""``oversight publish``: land, ``dbt build``, run the quality gate, and only then write a release.

A release is ``releases/<quarter>/<timestamp>/`` (quarter as ``2025-26-Q4``, timestamp UTC) holding:

- ``marts/parquet/<mart>.parquet`` and ``marts/csv/<mart>.csv``: every public mart;
- ``nhse/``: the quarter's data file and league table per cohort in NHS England's own layouts;
- ``site/``: the website (``oversight.site.render_site``);
- ``data_docs/``: the Great Expectations Data Docs of the gate that passed;
- ``manifest.json``: row counts, SHA-256 of every file, the git commit, the dbt and package versions, the
  methodology settings (the vars dbt ran the build with: ``run_results.json`` over the project's defaults) and
  whether the reconciliation gate was enforced or waived (``--no-reconciliation-gate``: an alternative method,
  bannered on every page of the site).

The release is written into ``releases/.incomplete/<name>/`` and renamed into place in one step; then the
symbolic link ``releases/latest`` is replaced atomically (a new link renamed over the old). A failure at any
step (landing, dbt, the gate, an export, the site) raises before the rename: nothing is published, the
previous release and ``latest`` are untouched, and a half-written folder (also one left by a killed process)
is removed on the next run. One publish at a time: ``releases/.lock`` is held for the whole run (a second
run waits, or with ``wait=False`` fails at once), and the warehouse lock of ``oversight.pipeline`` is held
from landing to the last export, so the release is exported from exactly the warehouse that passed the gate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb

from oversight import paths
from oversight.artifacts import DbtArtifacts, for_warehouse, project_vars
from oversight.errors import OversightError
from oversight.exports import export_marts, export_nhse_layouts
from oversight.files import LockHeld, exclusive_lock, sha256_file
from oversight.landing import LandingReport, is_synthetic, land, synthetic_sources
from oversight.pipeline import (
    candidate_warehouse,
    check_reconciliation_gate,
    league_quarters,
    merged_vars,
    vars_for_data_dir,
    warehouse_lock,
)
from oversight.progress import step
from oversight.quality import GateConfig, GateResult, QualityGateError, load_config, run_gate

__all__ = [
    "PublishError",
    "PublishResult",
    "default_releases_dir",
    "methodology_settings",
    "publish",
    "reconciliation_gate",
]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

INCOMPLETE = ".incomplete"
LATEST = "latest"
PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb", "great_expectations", "pandas", "oversight")


class PublishError(OversightError):
    """Publishing failed: nothing was published and the previous release is untouched."""


@dataclass
class PublishResult:
    release: Path
    site_index: Path
    quarter: str
    gate: GateResult
    landing: LandingReport | None = None
    dbt: str = ""
    row_counts: dict[str, int] = field(default_factory=dict)
    #: league-table trusts with no ODS record valid at the quarter (no ICB; UNMAPPED in the ICB aggregates)
    absent_from_ods: list[dict[str, str]] = field(default_factory=list)
    #: the build's dbt tests (``run_results.json``), as the release manifest records them
    dbt_tests: dict[str, object] = field(default_factory=dict)
    #: the vars the build ran with (the release manifest's ``methodology_settings``)
    settings: dict[str, object] = field(default_factory=dict)

    def summary(self) -> str:
        gate_waived = self.settings.get("reconciliation_gate") is False
        warnings = [
            f"warning: trust {t['trust_code']} ({t['trust_name']}) has no ODS record valid at {t['quarters']} "
            "(ODS reference etr.csv): ranked, but with no ICB (UNMAPPED in the ICB aggregates)"
            for t in self.absent_from_ods
        ]
        return "\n".join(
            [
                *warnings,
                f"release: {self.release}",
                f"quarter: {self.quarter}",
                f"dbt build: {self.dbt}",
                "dbt tests: " + _describe_tests(self.dbt_tests),
                f"segment cut-point method: {self.settings.get('segment_cut_point_method')}; reconciliation gate: "
                + ("WAIVED (an alternative method, marked on every page)" if gate_waived else "enforced"),
                f"quality gate passed: {self.gate.evaluated} expectations; "
                f"Data Docs {self.release / 'data_docs' / 'index.html'}",
                "rows: " + ", ".join(f"{mart} {count}" for mart, count in self.row_counts.items()),
                f"site: {self.site_index}",
            ]
        )


def _describe_tests(report: dict[str, object]) -> str:
    """``412 (pass 410, warn 2)`` from the release manifest's ``dbt_tests``."""
    statuses = report.get("statuses")
    if not isinstance(statuses, dict):
        return str(report.get("note") or "none")
    return f"{report.get('tests')} (" + ", ".join(f"{k} {v}" for k, v in statuses.items()) + ")"


def default_releases_dir() -> Path:
    """``$OVERSIGHT_RELEASES_DIR`` or ``<repo>/releases``."""
    value = os.environ.get("OVERSIGHT_RELEASES_DIR", "").strip()
    if value:
        path = Path(value).expanduser()
        return path if path.is_absolute() else paths.repo_root() / path
    return paths.repo_root() / "releases"


def methodology_settings(artifacts: DbtArtifacts | None = None) -> dict[str, object]:
    """The methodology choices in force: the vars dbt ran the build with (``run_results.json`` ``args.vars`` over
    the project's defaults, :meth:`DbtArtifacts.vars_used`), never read from a command line; without artifacts, the
    project's defaults. ``landing_dir`` (a path of the machine that built) is left out."""
    used = artifacts.vars_used() if artifacts is not None else project_vars()
    return {name: value for name, value in sorted(used.items()) if name != "landing_dir"}


def reconciliation_gate(settings: dict[str, object]) -> dict[str, object]:
    """The release manifest's record of the reconciliation gate: enforced, or waived for an alternative method."""
    if settings.get("reconciliation_gate") is False:
        return {
            "enforced": False,
            "note": "waived (--no-reconciliation-gate): an alternative method, not checked against NHS England's "
            f"published figures (segment_cut_point_method {settings.get('segment_cut_point_method')!r})",
        }
    return {"enforced": True}


@contextlib.contextmanager
def _publish_lock(releases: Path, wait: bool) -> Iterator[None]:
    """``releases/.lock``, held for the whole publish: a second run waits (saying so), or with ``wait=False``
    fails at once."""
    releases.mkdir(parents=True, exist_ok=True)
    lock = releases / ".lock"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(
                exclusive_lock(
                    lock,
                    wait=wait,
                    on_wait=lambda path: log.info("another publish is running (%s is held): waiting for it", path),
                )
            )
        except LockHeld as exc:
            raise PublishError(f"another publish is running ({lock} is held); nothing was done") from exc
        yield


def _clean_incomplete(releases: Path) -> None:
    incomplete = releases / INCOMPLETE
    if incomplete.exists():
        for leftover in incomplete.iterdir():
            log.info("removing a half-written release left by an earlier run: %s", leftover)
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink()
    for stale in releases.glob(f".{LATEST}.*"):
        stale.unlink(missing_ok=True)


def _git_commit() -> dict[str, object]:
    root = paths.repo_root()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _release_quarter(con: duckdb.DuckDBPyConnection, quarter: str | None) -> str:
    quarters = league_quarters(con)
    if not quarters:
        raise PublishError("the warehouse has no league table rows: nothing to publish")
    if quarter is None:
        return quarters[-1]
    if quarter not in quarters:
        raise PublishError(f"quarter {quarter!r} is not in the warehouse (it has {', '.join(quarters)})")
    return quarter


def _folder_name(quarter: str) -> str:
    """``Q4 2025/26`` -> ``2025-26-Q4`` (sorts by year, then quarter)."""
    q, year = quarter.split(" ")
    return f"{year.replace('/', '-')}-{q}"


def _render_site(duckdb_path: Path, out_dir: Path, settings: dict[str, object], artifacts: DbtArtifacts) -> Path:
    try:
        from oversight.site import render_site  # owned by the website work; imported lazily
    except ImportError as exc:
        raise PublishError(f"the website cannot be built: {exc}") from exc
    return Path(render_site(duckdb_path, out_dir, settings=settings, artifacts=artifacts))


@dataclass
class _Publication:
    """One publish run: its settings and what it learns on the way (the gate's result, trusts without ODS)."""

    releases: Path
    work: Path
    config: GateConfig
    quarter: str | None
    #: the vars the build ran with (:func:`methodology_settings`), known once the build's artifacts are
    settings: dict[str, object] = field(default_factory=dict)
    dbt_summary: str = "not rebuilt (gated as it was)"
    gates: list[GateResult] = field(default_factory=list)
    absent: list[dict[str, str]] = field(default_factory=list)
    dbt_tests: dict[str, object] = field(default_factory=dict)


def _dbt_report(artifacts: DbtArtifacts) -> dict[str, object]:
    """The dbt side of the release report: the build's tests from ``run_results.json`` (none when not rebuilt)."""
    if artifacts.run_results is None:
        return {"tests": None, "note": "the warehouse was published as built: no dbt results of its build at hand"}
    return artifacts.test_summary()


def _write_release(
    duckdb_path: Path, target: Path, quarter: str, run: _Publication, artifacts: DbtArtifacts
) -> tuple[Path, dict[str, int]]:
    target.mkdir(parents=True)
    marts = artifacts.exported_marts()
    with step("exports (Parquet, CSV, NHS England layouts)"), duckdb.connect(str(duckdb_path), read_only=True) as con:
        export_marts(con, target / "marts", marts)
        export_nhse_layouts(con, target / "nhse", quarter)
        row_counts = {mart: int(con.sql(f"select count(*) from marts.{mart}").fetchall()[0][0]) for mart in marts}
    gate = run.gates[-1]
    run.dbt_tests = _dbt_report(artifacts)
    shutil.copytree(gate.data_docs, target / "data_docs")
    with step("website"):
        site_index = _render_site(duckdb_path, target / "site", run.settings, artifacts)
    if not site_index.is_file():
        raise PublishError(f"the website was not written: {site_index} is missing")
    files = {
        str(p.relative_to(target)): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(target.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "quarter": quarter,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": _git_commit(),
        "versions": _versions(),
        "methodology_settings": run.settings,
        "reconciliation_gate": reconciliation_gate(run.settings),
        "configuration_files": {
            str(p.relative_to(paths.repo_root())): sha256_file(p)
            for p in sorted([*(paths.repo_root() / "seeds").glob("*.csv"), *(paths.repo_root() / "config").glob("*")])
            if p.is_file()
        },
        "dbt_build": run.dbt_summary,
        "dbt_tests": run.dbt_tests,
        "quality_gate": {"expectations": gate.evaluated, "passed": gate.success},
        "row_counts": row_counts,
        "trusts_absent_from_ods": list(run.absent),
        "files": files,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return site_index, row_counts


def _refuse_synthetic(files: Sequence[str], where: str) -> None:
    """Synthetic data (scale tests) can never reach a release."""
    synthetic = [f for f in files if is_synthetic(f)]
    if synthetic:
        shown = ", ".join(synthetic[:5]) + (f" and {len(synthetic) - 5} more" if len(synthetic) > 5 else "")
        raise PublishError(f"{where} holds synthetic data ({shown}); synthetic files are never published")


def _point_latest(releases: Path, release: Path) -> None:
    link = releases / LATEST
    new = releases / f".{LATEST}.{os.getpid()}"
    new.unlink(missing_ok=True)
    new.symlink_to(release.relative_to(releases), target_is_directory=True)
    os.replace(new, link)


def _absent_from_ods(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """League-table trusts with no ODS record valid at the quarter (dbt model ``qa_trusts_absent_from_ods``):
    reported in the run's output and the release manifest rather than left to be found."""
    rows = con.execute(
        "select trust_code, trust_name, quarters from qa.qa_trusts_absent_from_ods order by trust_code"
    ).fetchall()
    return [{"trust_code": code, "trust_name": name, "quarters": quarters} for code, name, quarters in rows]


def _place_release(releases: Path, staging: Path, quarter: str, stamp: str) -> Path:
    """Rename the written release into ``releases/<quarter>/<stamp>`` (a new name if taken); return it."""
    folder = releases / _folder_name(quarter)
    if folder.exists() and not folder.is_dir():
        raise PublishError(f"{folder} exists and is not a folder: move it away to publish {quarter}")
    final = folder / stamp
    suffix = 1
    while final.exists():
        final = folder / f"{stamp}-{suffix}"
        suffix += 1
    folder.mkdir(parents=True, exist_ok=True)
    os.rename(staging, final)
    return final


def _withdraw(releases: Path, final: Path) -> None:
    """Remove a release placed by a run that then failed (and its quarter folder if that is left empty)."""
    shutil.rmtree(final, ignore_errors=True)
    with contextlib.suppress(OSError):
        final.parent.rmdir()  # only if empty
    for stale in releases.glob(f".{LATEST}.*"):
        with contextlib.suppress(OSError):
            stale.unlink()


#: What placing a release gives: the release folder, the site index (relative), the quarter, the row counts.
_Placed = tuple[Path, Path, str, dict[str, int]]


def _release(run: _Publication, warehouse: Path, artifacts: DbtArtifacts, swap: Callable[[], None]) -> _Placed:
    """Gate ``warehouse``, write the release from it, place it, call ``swap``, point ``latest`` at it."""
    run.settings = methodology_settings(artifacts)
    with step("quality gate (Great Expectations)"):
        gate = run_gate(warehouse, run.work, run.config)
    run.gates.append(gate)
    if not gate.success:
        raise QualityGateError(gate.report())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        release_quarter = _release_quarter(con, run.quarter)
        run.absent.extend(_absent_from_ods(con))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{_folder_name(release_quarter)}-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging = run.releases / INCOMPLETE / name
    final: Path | None = None
    try:
        site_index, row_counts = _write_release(warehouse, staging, release_quarter, run, artifacts)
        final = _place_release(run.releases, staging, release_quarter, stamp)
        swap()
        _point_latest(run.releases, final)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if final is not None:
            _withdraw(run.releases, final)
        if isinstance(exc, OSError):
            raise PublishError(f"the release could not be written: {_os_problem(exc, staging)}") from exc
        raise
    return final, site_index.relative_to(staging), release_quarter, row_counts


def _rebuild_and_release(
    run: _Publication,
    data_dir: Path | None,
    landing_dir: Path | None,
    duckdb_path: Path,
    dbt_args: Sequence[str],
    dbt_vars: dict[str, object] | None,
) -> tuple[LandingReport, _Placed]:
    """Land, build a candidate warehouse and release from it (swapped in once the release is placed)."""
    resolved_data_dir = paths.resolve_data_dir(data_dir)
    _refuse_synthetic(
        [p.relative_to(resolved_data_dir).as_posix() for p in resolved_data_dir.rglob("*") if p.is_file()],
        f"the data directory {resolved_data_dir}",
    )
    resolved_landing = paths.resolve_landing_dir(landing_dir)
    with step("landing"):
        report = land(resolved_data_dir, resolved_landing)
    with candidate_warehouse(
        resolved_landing, duckdb_path, dbt_args=dbt_args, dbt_vars=vars_for_data_dir(resolved_data_dir, dbt_vars)
    ) as candidate:
        run.dbt_summary = candidate.dbt_summary
        artifacts = candidate.artifacts
        if artifacts is None:
            raise PublishError("dbt build left no manifest: nothing was published")
        placed = _with_os_errors(lambda: _release(run, candidate.scratch, artifacts, candidate.swap), candidate.scratch)
    return report, placed


def _release_as_is(run: _Publication, landing_dir: Path | None, duckdb_path: Path) -> _Placed:
    """Gate and release the warehouse as it is (its build's artifacts, else the project's manifest)."""
    if not duckdb_path.is_file():
        raise PublishError(f"no warehouse at {duckdb_path}: run without rebuild=False first")
    resolved_landing = paths.resolve_landing_dir(landing_dir)
    _refuse_synthetic(synthetic_sources(resolved_landing), f"the landing directory {resolved_landing}")
    artifacts = _with_os_errors(lambda: for_warehouse(duckdb_path, run.work / "dbt"), duckdb_path)
    return _with_os_errors(lambda: _release(run, duckdb_path, artifacts, lambda: None), duckdb_path)


def publish(
    data_dir: Path | None = None,
    landing_dir: Path | None = None,
    duckdb_path: Path | None = None,
    releases_dir: Path | None = None,
    *,
    rebuild: bool = True,
    quarter: str | None = None,
    dbt_args: Sequence[str] = (),
    dbt_vars: dict[str, object] | None = None,
    wait: bool = True,
    enforce_reconciliation: bool = True,
) -> PublishResult:
    """Land, build, gate and publish; or, with ``rebuild=False``, gate and publish the warehouse as it is.

    The release is written from the candidate warehouse (dbt's scratch copy) and placed before the candidate is
    swapped in; ``releases/latest`` moves last. A failure at any step after landing (dbt, the gate, an export,
    the site, a full disk, a blocked folder) leaves the warehouse and ``releases/latest`` as they were, and an
    operating-system error is reported as a :class:`PublishError` naming the path.

    ``dbt_vars`` and any ``--vars`` among ``dbt_args`` are merged into one (the latter win); a method that cannot
    pass the reconciliation gate is refused before building unless ``enforce_reconciliation=False`` (var
    ``reconciliation_gate: false``), which the release manifest records and every page of the site shows.
    """
    if not enforce_reconciliation:
        dbt_vars = {**(dbt_vars or {}), "reconciliation_gate": False}
    if rebuild:  # before landing: a build that cannot pass says so at once
        check_reconciliation_gate(merged_vars(dbt_args, dbt_vars)[1])
    duckdb_path = paths.resolve_duckdb_path(duckdb_path).resolve()
    run = _Publication(
        releases=(releases_dir or default_releases_dir()).resolve(),
        work=duckdb_path.parent / "quality",
        config=load_config(),
        quarter=quarter,
    )
    report = None
    with _publish_lock(run.releases, wait):
        _clean_incomplete(run.releases)
        with warehouse_lock(duckdb_path.parent):
            if rebuild:
                report, placed = _rebuild_and_release(run, data_dir, landing_dir, duckdb_path, dbt_args, dbt_vars)
            else:
                placed = _release_as_is(run, landing_dir, duckdb_path)
    final, site_rel, release_quarter, row_counts = placed
    return PublishResult(
        release=final,
        site_index=final / site_rel,
        quarter=release_quarter,
        gate=run.gates[-1],
        landing=report,
        dbt=run.dbt_summary,
        row_counts=row_counts,
        absent_from_ods=run.absent,
        dbt_tests=run.dbt_tests,
        settings=run.settings,
    )


def _with_os_errors(step: Callable[[], _T], warehouse: Path) -> _T:
    """``step()`` with an operating-system error (the gate's work folder, the releases folder) reported as a
    :class:`PublishError` naming the path."""
    try:
        return step()
    except OSError as exc:
        raise PublishError(f"publishing stopped: {_os_problem(exc, warehouse)}") from exc


def _os_problem(exc: OSError, default: Path) -> str:
    """``<path>: <reason>`` of an operating-system error (the path it names, else ``default``)."""
    return f"{exc.filename or default}: {exc.strerror or exc}"
