"""The main job: land the raw files, build the warehouse with dbt, summarise what came out.

The build never touches the last good warehouse until it has passed: dbt builds into a scratch copy of the
DuckDB file next to it, and only a fully successful ``dbt build`` (models, data tests, unit tests and the
reconciliation gate) replaces the warehouse, with an atomic rename. ``candidate_warehouse`` lets a caller
(``oversight.publish``) use the candidate first and swap it in last; a swap followed by a failure is undone. dbt
runs in a process group of its own that is terminated when this process is interrupted or terminated. A second
run started while one is going waits for the first (an exclusive lock on the warehouse folder).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from oversight import paths, settings
from oversight.artifacts import ArtifactsError, DbtArtifacts, dbt_command, project_vars, target_dir_for
from oversight.errors import OversightError
from oversight.files import exclusive_lock
from oversight.landing import LandingReport, land
from oversight.progress import step
from oversight.quality import load_config
from oversight.signals import terminate_as_exit

log = logging.getLogger(__name__)

__all__ = [
    "RECONCILING_CUT_POINT_METHODS",
    "BuildError",
    "CandidateWarehouse",
    "ReconciliationRow",
    "RunResult",
    "build",
    "candidate_warehouse",
    "check_reconciliation_gate",
    "league_quarters",
    "merged_vars",
    "run",
    "summarise",
    "vars_for_data_dir",
    "warehouse_lock",
]


class BuildError(OversightError):
    """``dbt build`` failed; the previous warehouse is untouched."""


@dataclass(frozen=True)
class ReconciliationRow:
    data_source: str
    check_name: str
    compared: int
    matched: int
    match_rate: float
    min_match_rate: float
    meets_threshold: bool


@dataclass
class RunResult:
    """What one run produced."""

    warehouse: Path
    landing: LandingReport | None = None
    dbt: str = ""
    cohorts: dict[str, int] = field(default_factory=dict)
    quarters: list[str] = field(default_factory=list)
    data_sources: list[str] = field(default_factory=list)
    reconciliation: list[ReconciliationRow] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"warehouse: {self.warehouse}"]
        if self.dbt:
            lines.append(f"dbt build: {self.dbt}")
        lines.append("data sources: " + (", ".join(self.data_sources) or "none"))
        lines.append("quarters: " + (", ".join(self.quarters) or "none"))
        lines.append("cohorts: " + (", ".join(f"{c} ({n} trusts)" for c, n in self.cohorts.items()) or "none"))
        if self.reconciliation:
            lines.append("reconciliation with NHS England's published figures (all quarters, or [the quarter judged]):")
            lines.append(f"  {'source':<9} {'check':<42} {'compared':>8} {'matched':>8} {'rate':>8} {'required':>9}")
            for row in self.reconciliation:
                flag = "" if row.meets_threshold else "  BELOW THRESHOLD"
                lines.append(
                    f"  {row.data_source:<9} {row.check_name:<42} {row.compared:>8} {row.matched:>8}"
                    f" {row.match_rate:>8.1%} {row.min_match_rate:>9.0%}{flag}"
                )
        return "\n".join(lines)


@contextlib.contextmanager
def warehouse_lock(folder: Path) -> Iterator[None]:
    """Exclusive lock on the warehouse folder (``<folder>/.lock``): a second run waits for the first, saying so."""
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(
        folder / ".lock",
        on_wait=lambda path: log.info("another run is using the warehouse in %s: waiting for it to finish", folder),
    ):
        yield


class CandidateWarehouse:
    """A warehouse built by ``dbt build`` into a scratch file next to the warehouse, not yet swapped in.

    :meth:`swap` puts it in place with an atomic rename and keeps the previous file (a hard link) until the
    :func:`candidate_warehouse` block ends, so :meth:`undo` can put the previous warehouse back byte for byte.
    """

    def __init__(self, scratch: Path, target: Path, dbt_summary: str) -> None:
        self.scratch = scratch
        self.target = target
        self.dbt_summary = dbt_summary
        #: the build's manifest and run results (its own target folder, ``<warehouse>.dbt/``)
        self.artifacts: DbtArtifacts | None = None
        self.previous = target.with_name(target.name + ".previous")
        self.swapped = False
        self.had_previous = False

    def swap(self) -> None:
        """Rename the candidate over the warehouse; the previous file is kept until the block ends."""
        self.previous.unlink(missing_ok=True)
        try:
            if self.target.exists():
                try:
                    os.link(self.target, self.previous)
                except OSError:  # a file system without hard links: keep a copy instead
                    shutil.copy2(self.target, self.previous)
                self.had_previous = True
            os.replace(self.scratch, self.target)
        except OSError as exc:
            self.previous.unlink(missing_ok=True)
            raise BuildError(
                f"the new warehouse could not be put in place ({_os_problem(exc, self.target)}); "
                f"the warehouse {self.target} was left as it was"
            ) from exc
        self.swapped = True

    def undo(self) -> None:
        """Put the previous warehouse back (a later step failed)."""
        if not self.swapped:
            return
        if self.had_previous:
            os.replace(self.previous, self.target)
        else:
            self.target.unlink(missing_ok=True)
        self.swapped = False
        log.info("a step after the build failed: the previous warehouse %s was put back", self.target)


@contextlib.contextmanager
def candidate_warehouse(
    landing_dir: Path,
    duckdb_path: Path,
    dbt_args: Sequence[str] = (),
    dbt_vars: dict[str, object] | None = None,
    unit_tests: bool = False,
) -> Iterator[CandidateWarehouse]:
    """Run ``dbt build`` into a scratch copy of ``duckdb_path`` and yield it, not swapped in.

    dbt's unit tests (hand computations on mocked inputs: they check the SQL, not the data) are excluded unless
    ``unit_tests``: they run in ``make test`` (tests/python/test_dbt_unit_tests.py), not in every production build.

    Inside the block the caller checks and uses ``candidate.scratch`` and calls ``candidate.swap()`` when
    everything it needs has succeeded. If the block raises (or is interrupted), a swap already made is undone
    and the scratch file removed: the warehouse is as it was before. dbt runs in a child process (so that its
    DuckDB connection is closed and checkpointed before the swap) in a process group of its own, which is
    killed if this process is interrupted or terminated.
    """
    root = paths.repo_root()
    check_reconciliation_gate(merged_vars(dbt_args, dbt_vars)[1])
    duckdb_path = duckdb_path.resolve()
    scratch = duckdb_path.with_name(duckdb_path.name + ".building")
    leftovers = (scratch, scratch.with_name(scratch.name + ".wal"))
    try:
        duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        if duckdb_path.exists():
            shutil.copy2(duckdb_path, scratch)
    except OSError as exc:
        for leftover in leftovers:
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise BuildError(
            f"the scratch copy of the warehouse could not be made ({_os_problem(exc, scratch)}); "
            f"the warehouse {duckdb_path} was left as it was"
        ) from exc
    target = target_dir_for(duckdb_path)
    command = _build_command(root, target, dbt_args, dbt_vars, unit_tests)
    env = _build_env(scratch, landing_dir)
    candidate = CandidateWarehouse(scratch, duckdb_path, "dbt build passed")
    try:
        (target / "run_results.json").unlink(missing_ok=True)
        with step("dbt build"):
            returncode, output = _run_child(command, cwd=root, env=env)
        artifacts = _artifacts(target)
        if returncode != 0:
            (target / "run_results.json").unlink(missing_ok=True)  # not the results of the warehouse kept
            raise BuildError(
                _describe_failure(output, artifacts)
                + _keep_failed(scratch, artifacts)
                + f"\nthe warehouse {duckdb_path} was left as it was"
            )
        if artifacts is None:
            raise BuildError(f"dbt build wrote no artifacts into {target}; the warehouse {duckdb_path} was left as is")
        candidate.artifacts = artifacts
        candidate.dbt_summary = artifacts.summary()
        yield candidate
    except BaseException:
        candidate.undo()
        raise
    finally:
        for leftover in (*leftovers, candidate.previous):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


def build(
    landing_dir: Path,
    duckdb_path: Path,
    dbt_args: Sequence[str] = (),
    dbt_vars: dict[str, object] | None = None,
    validate: Callable[[Path], object] | None = None,
    unit_tests: bool = False,
) -> str:
    """Run ``dbt build`` into a scratch copy of ``duckdb_path`` and swap it in only if everything passed.

    ``validate`` (e.g. the publication gate) is called on the scratch file after dbt and may raise: the
    warehouse is then left as it was. Returns dbt's closing line (``Done. PASS=... ERROR=...``).
    """
    with candidate_warehouse(landing_dir, duckdb_path, dbt_args, dbt_vars, unit_tests) as candidate:
        if validate is not None:
            validate(candidate.scratch)
        candidate.swap()
    return candidate.dbt_summary


def _build_command(
    root: Path, target: Path, dbt_args: Sequence[str], dbt_vars: dict[str, object] | None, unit_tests: bool
) -> list[str]:
    """``dbt build`` of the project with its artifacts and log in ``target`` (a folder per warehouse), and one
    ``--vars``: the pipeline's (``dbt_vars``) merged with any the caller put among ``dbt_args`` (theirs win)."""
    command = [*dbt_command(), "build", "--project-dir", str(root), "--profiles-dir", str(root)]
    command += ["--target-path", str(target), "--log-path", str(target)]
    if not unit_tests:
        command += ["--exclude-resource-type", "unit_test"]
    args, merged = merged_vars(dbt_args, dbt_vars)
    command += args
    if merged:
        command += ["--vars", json.dumps(merged)]
    return command


def merged_vars(dbt_args: Sequence[str], dbt_vars: dict[str, object] | None) -> tuple[list[str], dict[str, object]]:
    """``dbt_args`` without their ``--vars`` (``--vars X`` or ``--vars=X``), and ``dbt_vars`` updated with the vars
    those gave, in order: dbt reads only the last ``--vars`` of a command line, so a user's vars passed beside the
    pipeline's would otherwise be dropped without a word."""
    args = list(dbt_args)
    rest: list[str] = []
    merged: dict[str, object] = dict(dbt_vars or {})
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--vars" or arg.startswith("--vars="):
            value = arg.partition("=")[2] if arg.startswith("--vars=") else (args[i + 1] if i + 1 < len(args) else "")
            i += 1 if arg.startswith("--vars=") else 2
            parsed = yaml.safe_load(value) if value.strip() else {}
            if not isinstance(parsed, dict):
                raise BuildError(f"--vars {value!r}: expected a YAML mapping, e.g. '{{bootstrap_seed: 1}}'")
            merged.update(parsed)
            continue
        rest.append(arg)
        i += 1
    return rest, merged


#: The segment cut-point methods that reproduce NHS England's published segments. The reconciliation gate
#: (tests/singular/assert_reconciliation_meets_thresholds.sql; the seed reconciliation_checks requires every
#: published segment to match) cannot pass with another method: such a build is refused before it starts unless
#: the gate is waived (var ``reconciliation_gate: false``, ``--no-reconciliation-gate``), and is then published
#: as an alternative method, marked as such.
RECONCILING_CUT_POINT_METHODS = ("inferred_from_published",)


def check_reconciliation_gate(build_vars: dict[str, object]) -> None:
    """Stop, before building, a build whose settings cannot pass the reconciliation gate (unless it is waived)."""
    if build_vars.get("reconciliation_gate", True) is False:
        return
    method = build_vars.get("segment_cut_point_method", project_vars().get("segment_cut_point_method"))
    if method not in RECONCILING_CUT_POINT_METHODS:
        raise BuildError(
            f"segment_cut_point_method {method!r} cannot pass the reconciliation gate: only "
            f"{', '.join(RECONCILING_CUT_POINT_METHODS)} reproduces NHS England's published segments, which the "
            "gate requires for every trust. Nothing was built. To publish this method as an alternative, run again "
            "with --no-reconciliation-gate (var reconciliation_gate: false): the release records it and every page "
            "of its site says so."
        )


def _build_env(scratch: Path, landing_dir: Path) -> dict[str, str]:
    """The environment of ``dbt build``: the scratch warehouse, the landing zone and the DuckDB limits."""
    env = dict(os.environ)
    env[paths.DUCKDB_PATH_ENV] = str(scratch)
    env[paths.LANDING_DIR_ENV] = str(landing_dir.resolve())
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    limits = settings.duckdb_settings()  # profiles.yml reads these, so dbt and landing share one setting
    env.setdefault(settings.THREADS_ENV, str(limits.threads))
    env.setdefault(settings.MEMORY_LIMIT_ENV, limits.memory_limit)
    return env


def _keep_failed(scratch: Path, artifacts: DbtArtifacts | None) -> str:
    """Keep a build whose tests failed as ``<warehouse>.failed`` (their failing rows are in its ``dbt_test__audit``
    schema); the line saying where, or nothing if there is nothing to query."""
    if artifacts is None or not any(r.relation for r in artifacts.failures()) or not scratch.is_file():
        return ""
    failed = scratch.with_name(scratch.name.removesuffix(".building") + ".failed")
    try:
        os.replace(scratch, failed)
    except OSError as exc:
        log.warning("the failed build could not be kept: %s", _os_problem(exc, failed))
        return ""
    return f"\nthe failed build is kept in {failed}: query its failing rows there"


def _artifacts(target: Path) -> DbtArtifacts | None:
    """The manifest and run results dbt wrote into ``target`` (None if it stopped before writing them)."""
    if not (target / "run_results.json").is_file():
        return None
    try:
        return DbtArtifacts.load(target)
    except ArtifactsError as exc:
        log.warning("%s", exc)
        return None


def _os_problem(exc: OSError, default: Path) -> str:
    """``<path>: <reason>`` of an operating-system error (the path it names, else ``default``)."""
    return f"{exc.filename or default}: {exc.strerror or exc}"


def _run_child(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``command`` in a process group of its own; return its exit code and its output (stdout + stderr).

    If this process is interrupted (Ctrl-C, SIGINT) or terminated (SIGTERM, SIGHUP) while it waits, the child's
    whole group is terminated (then killed after a grace period) before the interruption goes on, so a killed
    ``oversight build`` never leaves dbt running. SIGTERM and SIGHUP are turned into ``SystemExit(128 + signal)``
    while the child runs when no other handler is installed (``oversight.cli`` installs the same for the whole run).
    """
    with terminate_as_exit():
        child = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = child.communicate()
        except BaseException:
            _stop_group(child)
            raise
    return child.returncode, _strip_ansi(output or "")


def _stop_group(child: subprocess.Popen[str]) -> None:
    """Terminate the child's process group; kill it if it has not gone after a grace period."""
    for sig, grace in ((signal.SIGTERM, CHILD_GRACE_SECONDS), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, sig)
        try:
            child.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


#: Seconds a terminated dbt child gets to exit before it is killed.
CHILD_GRACE_SECONDS = 10.0


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _describe_failure(output: str, artifacts: DbtArtifacts | None = None) -> str:
    """The failing nodes and their messages: from ``run_results.json``, else the tail of dbt's log (dbt stopped
    before running a node, e.g. a compilation error)."""
    failed = artifacts.describe_failures() if artifacts is not None else ""
    if failed:
        return "dbt build failed:\n" + failed
    lines = output.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if "Completed with" in line or "Encountered an error" in line),
        None,
    )
    tail = lines[start:] if start is not None else lines[-60:]
    return "dbt build failed:\n" + "\n".join("  " + line.strip() for line in tail if line.strip())


def league_quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The quarters the built league table holds, in time order (the release's quarter is the last)."""
    query = "select quarter from marts.rpt_league_table group by quarter order by min(quarter_start_date)"
    return [quarter for (quarter,) in con.execute(query).fetchall()]


def summarise(duckdb_path: Path) -> RunResult:
    """Read the figures the run prints from the built marts."""
    result = RunResult(warehouse=duckdb_path)
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        result.data_sources = [
            r[0] for r in con.execute("select distinct data_source from marts.rpt_league_table order by 1").fetchall()
        ]
        result.quarters = league_quarters(con)
        result.cohorts = dict(
            con.execute(
                "select cohort, count(distinct trust_code) from marts.rpt_league_table group by cohort order by cohort"
            ).fetchall()
        )
        result.reconciliation = [
            ReconciliationRow(source, check + (f" [{quarter}]" if quarter else ""), *rates)
            for source, check, quarter, *rates in con.execute(
                "select data_source, check_name, judged_quarter, compared, matched, match_rate, min_match_rate,"
                " meets_threshold from marts.rpt_reconciliation order by data_source, check_name"
            ).fetchall()
        ]
    return result


def vars_for_data_dir(data_dir: Path, dbt_vars: dict[str, object] | None = None) -> dict[str, object]:
    """dbt vars for a build of ``data_dir``: the acceptance checks of the embedded real files (named trusts and
    months, tagged ``embedded_data``) run only when the input is the embedded default ``data/``; the gate's
    reconciliation exceptions (``config/quality_gate.yml``) reach the reconciliation marts and its completeness data
    sources the qa models."""
    config = load_config()
    merged: dict[str, object] = {
        "check_embedded_data": data_dir.resolve() == paths.default_data_dir().resolve(),
        # explained, dated differences from NHS England's figures (config/quality_gate.yml)
        "reconciliation_exceptions": [e.as_var() for e in config.reconciliation_exceptions],
        # the routes the gate's qa models hold to coverage and quarter-on-quarter stability
        "gate_completeness_data_sources": list(config.completeness_data_sources),
    }
    merged.update(dbt_vars or {})
    return merged


def run(
    data_dir: Path | None = None,
    landing_dir: Path | None = None,
    duckdb_path: Path | None = None,
    dbt_args: Sequence[str] = (),
    dbt_vars: dict[str, object] | None = None,
    enforce_reconciliation: bool = True,
) -> RunResult:
    """Land every file under the data directory, build the warehouse, return the run's summary (see
    :func:`oversight.publish.publish` for ``enforce_reconciliation``)."""
    if not enforce_reconciliation:
        dbt_vars = {**(dbt_vars or {}), "reconciliation_gate": False}
    check_reconciliation_gate(merged_vars(dbt_args, dbt_vars)[1])  # before landing: say so at once
    data_dir = paths.resolve_data_dir(data_dir)
    landing_dir = paths.resolve_landing_dir(landing_dir)
    duckdb_path = paths.resolve_duckdb_path(duckdb_path)
    with warehouse_lock(duckdb_path.parent):
        with step("landing"):
            report = land(data_dir, landing_dir)
        done = build(landing_dir, duckdb_path, dbt_args=dbt_args, dbt_vars=vars_for_data_dir(data_dir, dbt_vars))
    result = summarise(duckdb_path)
    result.landing = report
    result.dbt = done
    return result
