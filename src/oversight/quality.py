"""The publication gate: Great Expectations suites over the gate's check tables, run by one checkpoint.

One test system: whatever dbt can assert is a dbt test, run by ``dbt build`` (keys unique and complete, scores,
average scores and segments in range, likely ranges containing their estimates, the financial override capping
the segment, competition ranks, reconciliation thresholds; failing rows kept in the ``dbt_test__audit`` schema,
``store_failures``). Great Expectations checks only what needs the gate's own configuration, over the dbt models
of ``models/qa`` (views over the marts, so they always show the warehouse as it is):

- ``qa_trust_coverage``: every trust of the reference list is in its cohort's league table each quarter, or its
  absence is explained in ``config/quality_gate.yml`` (``explained_absences``);
- ``qa_quarter_on_quarter``: row counts and segment counts within the configured tolerances of the previous
  quarter (``quarter_on_quarter``).

The routes held to those two checks (``completeness_data_sources``) reach the qa models as a dbt var. The suites
are code (``build_suites``), not notebooks. The gate reads the built DuckDB file read-only, writes one Parquet frame
per qa model into a work folder, validates them with a Checkpoint in an ephemeral GX context (a pandas filesystem
data source over that folder) and renders the results as the release's quality report there (``data_docs/``,
``oversight.quality_report``: one page that opens offline, unlike GX's own Data Docs). Every frame carries
``row_id`` (its key in words), so a failure names the rows. The release report shows both: dbt's test results
(``run_results.json``) and this gate's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml

from oversight import paths
from oversight.errors import OversightError
from oversight.quality_report import CheckedExpectation, render_quality_report

__all__ = [
    "CheckedExpectation",
    "GateConfig",
    "GateResult",
    "QualityGateError",
    "ReconciliationException",
    "load_config",
    "run_gate",
]

ROWS_SHOWN = 10


class QualityGateError(OversightError):
    """The gate failed: nothing is published."""


@dataclass(frozen=True)
class ReconciliationException:
    data_source: str
    check_name: str
    quarter: str
    trust_code: str
    reason: str
    recorded: str

    def as_var(self) -> dict[str, str]:
        return dict(vars(self))


@dataclass(frozen=True)
class GateConfig:
    max_row_count_change_share: float = 0.10
    max_segment_count_change_share: float = 0.15
    explained_absences: tuple[tuple[str, str, str], ...] = ()
    #: Data sources held to the completeness checks (trust coverage, quarter-on-quarter stability); the others
    #: (the raw-returns route while its metric coverage is partial) are not. Applied by the qa models (dbt var
    #: gate_completeness_data_sources, passed by :func:`oversight.pipeline.vars_for_data_dir`).
    completeness_data_sources: tuple[str, ...] = ("nhse_nof",)
    #: Explained, dated differences from NHS England's figures that the gate accepts: one comparison each
    #: (data source, check, quarter, trust), left out of rpt_reconciliation's rates and listed with its reason.
    reconciliation_exceptions: tuple[ReconciliationException, ...] = ()


def default_config_path() -> Path:
    return paths.repo_root() / "config" / "quality_gate.yml"


def load_config(path: Path | None = None) -> GateConfig:
    """Read ``config/quality_gate.yml`` (tolerances, explained absences, reconciliation exceptions)."""
    path = path or default_config_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise QualityGateError(f"{path}: cannot read the gate configuration: {exc}") from exc
    qoq = raw.get("quarter_on_quarter") or {}
    absences = []
    for i, entry in enumerate(raw.get("explained_absences") or [], start=1):
        if not isinstance(entry, dict) or not {"trust_code", "quarter", "reason"} <= set(entry):
            raise QualityGateError(
                f"{path}: explained_absences entry {i} needs trust_code, quarter ('*' = all) and reason"
            )
        absences.append((str(entry["trust_code"]), str(entry["quarter"]), str(entry["reason"])))
    exceptions = []
    fields = ("data_source", "check_name", "quarter", "trust_code", "reason", "recorded")
    for i, entry in enumerate(raw.get("reconciliation_exceptions") or [], start=1):
        complete = isinstance(entry, dict) and set(fields) <= set(entry)
        if not complete or not all(str(entry[f]).strip() for f in fields):
            raise QualityGateError(f"{path}: reconciliation_exceptions entry {i} needs {', '.join(fields)}")
        try:
            recorded = date.fromisoformat(str(entry["recorded"]))
        except ValueError as exc:
            raise QualityGateError(
                f"{path}: reconciliation_exceptions entry {i}: recorded {entry['recorded']!r} is not a date "
                "like 2026-12-04"
            ) from exc
        exceptions.append(
            ReconciliationException(**{f: str(entry[f]).strip() for f in fields[:-1]}, recorded=recorded.isoformat())
        )
    return GateConfig(
        reconciliation_exceptions=tuple(exceptions),
        max_row_count_change_share=float(qoq.get("max_row_count_change_share", 0.10)),
        max_segment_count_change_share=float(qoq.get("max_segment_count_change_share", 0.15)),
        explained_absences=tuple(absences),
        completeness_data_sources=tuple(str(d) for d in raw.get("completeness_data_sources", ["nhse_nof"])),
    )


@dataclass
class GateResult:
    success: bool
    data_docs: Path
    evaluated: int = 0
    failures: list[CheckedExpectation] = field(default_factory=list)

    def report(self) -> str:
        if self.success:
            return f"quality gate passed: {self.evaluated} expectations; Data Docs {self.data_docs / 'index.html'}"
        return "\n".join(
            [
                f"quality gate FAILED: {len(self.failures)} of {self.evaluated} expectations not met "
                f"(Data Docs: {self.data_docs / 'index.html'})",
                *(failure.describe(ROWS_SHOWN) for failure in self.failures),
            ]
        )


# ---------------------------------------------------------------------------------------------------------
# Frames and suites (code, not notebooks)

#: The gate's check tables: dbt models of ``models/qa`` (schema ``qa``); the frame name is the suite name.
QA_MODELS = ("qa_trust_coverage", "qa_quarter_on_quarter")


def _write_frames(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """One Parquet frame per qa model; returns the quarters the coverage check covers."""
    for model in QA_MODELS:
        con.execute(f"copy (select * from qa.{model}) to '{(folder / f'{model}.parquet').as_posix()}' (format parquet)")
    return [q for (q,) in con.execute("select distinct quarter from qa.qa_trust_coverage order by 1").fetchall()]


def explained_absences(config: GateConfig, quarters: list[str]) -> list[str]:
    """The absences the configuration explains, as ``qa_trust_coverage.absence`` writes them (quarter ``*`` = every
    quarter of ``quarters``)."""
    return sorted(
        {
            f"{trust} | {q}"
            for trust, quarter, _reason in config.explained_absences
            for q in (quarters if quarter == "*" else [quarter])
        }
    )


def build_suites(config: GateConfig, quarters: list[str]) -> dict[str, list[Any]]:
    """Expectations per qa model (what dbt's tests cannot express: they take the gate's configuration)."""
    from great_expectations.expectations.core.expect_column_values_to_be_between import (
        ExpectColumnValuesToBeBetween,
    )
    from great_expectations.expectations.core.expect_column_values_to_be_in_set import ExpectColumnValuesToBeInSet
    from great_expectations.expectations.row_conditions import Column

    explained = explained_absences(config, quarters) or ["(no absence explained)"]
    return {
        "qa_trust_coverage": [ExpectColumnValuesToBeInSet(column="absence", value_set=explained)],
        "qa_quarter_on_quarter": [
            ExpectColumnValuesToBeBetween(
                column="share_needed",
                max_value=share,
                strict_max=True,
                row_condition=Column("measure_kind") == kind,
            )
            for kind, share in (
                ("rows", config.max_row_count_change_share),
                ("segment", config.max_segment_count_change_share),
            )
        ],
    }


# ---------------------------------------------------------------------------------------------------------
# Checkpoint


@contextlib.contextmanager
def _quiet_gx() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ("GX_ANALYTICS_ENABLED", "TQDM_DISABLE")}
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    os.environ["TQDM_DISABLE"] = "1"
    gx_logger = logging.getLogger("great_expectations")
    level = gx_logger.level
    gx_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        gx_logger.setLevel(level)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_gate(duckdb_path: Path, work_dir: Path, config: GateConfig | None = None) -> GateResult:
    """Validate the qa models of ``duckdb_path`` (opened read-only); Data Docs go to ``work_dir/data_docs``."""
    config = config or load_config()
    frames = work_dir / "frames"
    docs = work_dir / "data_docs"
    for folder in (frames, docs):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            quarters = _write_frames(con, frames)
    except duckdb.Error as exc:
        raise QualityGateError(f"{duckdb_path}: cannot read the marts for the quality gate: {exc}") from exc

    with _quiet_gx():
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        for name, site in list((context.variables.data_docs_sites or {}).items()):
            # the ephemeral context's default Data Docs site (a fresh temporary folder) is not used: the report
            # is oversight.quality_report's, which opens offline (GX's pages load their assets from CDNs)
            context.delete_data_docs_site(name)
            base = site.get("store_backend", {}).get("base_directory")
            if base and Path(base).is_dir() and Path(base) != docs:
                shutil.rmtree(base, ignore_errors=True)
        source = context.data_sources.add_pandas_filesystem("marts", base_directory=frames)
        definitions = []
        for name, expectations in build_suites(config, quarters).items():
            asset = source.add_parquet_asset(name)
            batch = asset.add_batch_definition_path(name, path=f"{name}.parquet")
            suite = context.suites.add(gx.ExpectationSuite(name=name))
            for expectation in expectations:
                suite.add_expectation(expectation)
            definitions.append(
                context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
            )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name="publication_gate",
                validation_definitions=definitions,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row_id"]},
            )
        )
        outcome = checkpoint.run()

    result = GateResult(success=bool(outcome.success), data_docs=docs)
    checked = []
    for validation in outcome.run_results.values():
        suite_name = validation.suite_name
        for item in validation.results:
            result.evaluated += 1
            expectation = _checked(suite_name, item)
            checked.append(expectation)
            if not expectation.success:
                result.failures.append(expectation)
    render_quality_report(checked, docs)
    return result


def _checked(suite: str, item: Any) -> CheckedExpectation:
    config = item.expectation_config
    arguments = {
        k: v
        for k, v in config.kwargs.items()
        if k not in {"batch_id", "result_format", "condition_parser", "row_condition"} and v is not None
    }
    condition = config.kwargs.get("row_condition")
    where = ""
    if isinstance(condition, dict) and condition.get("type") == "comparison":
        where = f" where {condition['column']['name']} {condition['operator']} {condition['parameter']!r}"
    elif condition:
        where = f" where {condition}"
    res = item.result or {}
    rows = tuple(str(entry.get("row_id", entry)) for entry in res.get("unexpected_index_list") or [])
    observed = ""
    if item.exception_info and item.exception_info.get("raised_exception"):
        observed = str(item.exception_info.get("exception_message"))
    elif "observed_value" in res:
        observed = str(res["observed_value"])
    success = bool(item.success)
    # an unmet expectation counts at least one row when it names none (its observed value says why)
    count = int(res.get("unexpected_count") or len(rows) or (0 if observed or success else 1))
    return CheckedExpectation(
        suite=suite,
        success=success,
        expectation=config.type,
        arguments=", ".join(f"{k}={v!r}" for k, v in arguments.items()) + where,
        unexpected_count=count,
        rows=rows,
        observed=observed,
    )


def gate_or_raise(duckdb_path: Path, work_dir: Path, config: GateConfig | None = None) -> GateResult:
    """``run_gate``, raising ``QualityGateError`` with the readable report when it fails."""
    result = run_gate(duckdb_path, work_dir, config)
    if not result.success:
        raise QualityGateError(result.report())
    return result
