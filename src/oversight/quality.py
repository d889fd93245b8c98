"""The publication gate: Great Expectations suites on the public marts, run by one checkpoint.

The suites are code (``build_suites``), not notebooks. The gate reads the built DuckDB file read-only, writes
one Parquet frame per mart and per derived check into a work folder, validates them with a Checkpoint in an
ephemeral GX context (a pandas filesystem data source over that folder) and renders Data Docs to HTML there.

What is checked (issue 4, item 1):

- every public mart: its key (the ``unique_combination`` test of ``models/marts/_marts__models.yml``, read
  from there rather than repeated) unique and complete;
- ``rpt_league_table``: average score in [1, 4]; unadjusted and adjusted segments in 1-4, final segment in
  1-5; likely ranges contain the point estimates; the financial override implies adjusted segment >= 3;
- ``fct_metric_scores`` scores and ``fct_domain_scores`` domain scores in [1, 4];
- ``rpt_reconciliation``: every judged check (over all quarters, or the quarter its seed row names) meets its
  threshold (the thresholds are the ``reconciliation_checks`` seed, through ``meets_threshold``; a check only has
  rows where NHS England's figures are present; explained, dated exceptions of ``config/quality_gate.yml`` are
  left out of the rates and listed);
- ``check_league_order``: league ranks per data source, cohort and quarter start at 1, are competition ranks
  (rank = 1 + trusts strictly ahead) and follow (adjusted segment, 2-dp average score);
- ``check_trust_coverage``: every trust of the reference list is present per cohort and quarter, or its
  absence is explained in ``config/quality_gate.yml``;
- ``check_quarter_on_quarter``: row counts and segment counts within the configured tolerances of the
  previous quarter.

Every frame carries ``row_id`` (its key in words), so a failure names the rows.
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

__all__ = [
    "ExpectationFailure",
    "GateConfig",
    "GateResult",
    "QualityGateError",
    "ReconciliationException",
    "load_config",
    "mart_keys",
    "run_gate",
]

PUBLIC_MARTS = (
    "rpt_league_table",
    "fct_metric_scores",
    "fct_domain_scores",
    "dim_trust",
    "dim_metric",
    "fct_persistent_underperformers",
    "fct_icb_aggregates",
    "rpt_reconciliation",
    "rpt_metric_value_reconciliation",
    # issue 13: beyond the official tables
    "fct_rank_movements",
    "fct_rank_movement_contributions",
    "fct_department_performance",
    "rpt_hidden_variation",
    "fct_league_vintages",
)
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
    #: (the raw-returns route while its metric coverage is partial) get every other expectation.
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
            ReconciliationException(*(str(entry[f]).strip() for f in fields[:-1]), recorded=recorded.isoformat())
        )
    return GateConfig(
        reconciliation_exceptions=tuple(exceptions),
        max_row_count_change_share=float(qoq.get("max_row_count_change_share", 0.10)),
        max_segment_count_change_share=float(qoq.get("max_segment_count_change_share", 0.15)),
        explained_absences=tuple(absences),
        completeness_data_sources=tuple(str(d) for d in raw.get("completeness_data_sources", ["nhse_nof"])),
    )


def mart_keys(models_yml: Path | None = None) -> dict[str, list[str]]:
    """Each public mart's key, as declared by its ``unique_combination`` test."""
    models_yml = models_yml or paths.repo_root() / "models" / "marts" / "_marts__models.yml"
    spec = yaml.safe_load(models_yml.read_text(encoding="utf-8"))
    keys: dict[str, list[str]] = {}
    for model in spec["models"]:
        for test in model.get("data_tests") or []:
            if isinstance(test, dict) and "unique_combination" in test:
                keys[model["name"]] = list(test["unique_combination"]["arguments"]["columns"])
    missing = [m for m in PUBLIC_MARTS if m not in keys]
    if missing:
        raise QualityGateError(f"{models_yml}: no unique_combination key declared for {', '.join(missing)}")
    return keys


@dataclass(frozen=True)
class ExpectationFailure:
    suite: str
    expectation: str
    arguments: str
    unexpected_count: int
    rows: tuple[str, ...]
    observed: str = ""

    def describe(self) -> str:
        lines = [f"- {self.suite}: {self.expectation}({self.arguments}) failed: {self.unexpected_count} row(s)"]
        lines += [f"    {row}" for row in self.rows[:ROWS_SHOWN]]
        if len(self.rows) > ROWS_SHOWN:
            lines.append(f"    ... and {len(self.rows) - ROWS_SHOWN} more")
        if self.observed:
            lines.append(f"    observed: {self.observed}")
        return "\n".join(lines)


@dataclass
class GateResult:
    success: bool
    data_docs: Path
    evaluated: int = 0
    failures: list[ExpectationFailure] = field(default_factory=list)

    def report(self) -> str:
        if self.success:
            return f"quality gate passed: {self.evaluated} expectations; Data Docs {self.data_docs / 'index.html'}"
        return "\n".join(
            [
                f"quality gate FAILED: {len(self.failures)} of {self.evaluated} expectations not met "
                f"(Data Docs: {self.data_docs / 'index.html'})",
                *(failure.describe() for failure in self.failures),
            ]
        )


# ---------------------------------------------------------------------------------------------------------
# Frames


def _row_id(columns: list[str]) -> str:
    return " || ' | ' || ".join(f"coalesce(cast({c} as varchar), 'NULL')" for c in columns)


def _write_frames(con: duckdb.DuckDBPyConnection, folder: Path, keys: dict[str, list[str]], config: GateConfig) -> None:
    for mart in PUBLIC_MARTS:
        _copy(con, f"select {_row_id(keys[mart])} as row_id, * from marts.{mart}", folder / f"{mart}.parquet")
    league_key = "data_source, quarter, cohort"
    _copy(
        con,
        f"""
        select
            data_source || ' | ' || quarter || ' | ' || cohort || ' | ' || trust_code
                || ' (rank ' || coalesce(cast(league_rank as varchar), 'NULL') || ', segment '
                || adjusted_segment || ', average ' || average_score_rounded || ')' as row_id,
            league_rank,
            rank() over (partition by {league_key} order by adjusted_segment, average_score_rounded)
                as expected_rank,
            1 + count(*) over (
                partition by {league_key} order by league_rank range between unbounded preceding and 1 preceding
            ) as competition_rank,
            min(league_rank) over (partition by {league_key}) as first_rank
        from marts.rpt_league_table
        """,
        folder / "check_league_order.parquet",
    )
    con.execute("create or replace temp table completeness_sources (data_source varchar)")
    if config.completeness_data_sources:
        con.executemany("insert into completeness_sources values (?)", [(d,) for d in config.completeness_data_sources])
    con.execute("create or replace temp table explained (trust_code varchar, quarter varchar, reason varchar)")
    if config.explained_absences:
        con.executemany("insert into explained values (?, ?, ?)", list(config.explained_absences))
    _copy(
        con,
        """
        with
        quarters as (
            select distinct data_source, quarter, quarter_start_date, cohort from marts.rpt_league_table
            where data_source in (select data_source from completeness_sources)
        ),
        reference as (
            -- every trust NHS England has placed in a cohort (dim_trust), open at some point of the quarter
            select trust_code, any_value(cohort) as cohort, min(open_date) as open_date,
                max(coalesce(close_date, date '9999-12-31')) as close_date
            from marts.dim_trust where cohort is not null group by trust_code
        ),
        expected as (
            select quarters.data_source, quarters.quarter, quarters.cohort, reference.trust_code
            from quarters inner join reference
                on quarters.cohort = reference.cohort
                and coalesce(reference.open_date, date '1900-01-01') <= quarters.quarter_start_date + interval 3 month
                and reference.close_date >= quarters.quarter_start_date
        )
        select
            expected.data_source || ' | ' || expected.quarter || ' | ' || expected.cohort || ' | '
                || expected.trust_code as row_id,
            case
                when league.trust_code is not null then 'present'
                when explained.trust_code is not null then 'explained'
                else 'missing'
            end as status,
            explained.reason
        from expected
        left join marts.rpt_league_table as league
            on expected.data_source = league.data_source and expected.quarter = league.quarter
            and expected.trust_code = league.trust_code
        left join explained
            on expected.trust_code = explained.trust_code and explained.quarter in (expected.quarter, '*')
        """,
        folder / "check_trust_coverage.parquet",
    )
    _copy(
        con,
        f"""
        with
        measures as (
            select data_source, cohort, quarter, any_value(quarter_start_date) as quarter_start_date,
                'rpt_league_table rows' as measure, count(*) as measured, count(*) as cohort_size
            from marts.rpt_league_table group by all
            union all
            select quarters.data_source, quarters.cohort, quarters.quarter, quarters.quarter_start_date,
                'trusts in final segment ' || segments.segment, count(league.final_segment), null
            from (select distinct data_source, cohort, quarter, quarter_start_date from marts.rpt_league_table)
                as quarters
            cross join range(1, 6) as segments (segment)
            left join marts.rpt_league_table as league
                on quarters.data_source = league.data_source and quarters.cohort = league.cohort
                and quarters.quarter = league.quarter and league.final_segment = segments.segment
            group by all
            union all
            select scores.data_source, scores.cohort, scores.quarter, any_value(league.quarter_start_date),
                'fct_metric_scores rows', count(*), null
            from marts.fct_metric_scores as scores
            inner join (select distinct quarter, quarter_start_date from marts.rpt_league_table) as league
                on scores.quarter = league.quarter
            group by all
        ),
        sized as (
            select *, max(cohort_size) over (partition by data_source, cohort, quarter) as trusts
            from measures
        ),
        compared as (
            select *,
                lag(measured) over w as previous,
                lag(trusts) over w as previous_trusts,
                lag(quarter) over w as previous_quarter
            from sized
            window w as (partition by data_source, cohort, measure order by quarter_start_date)
        )
        select
            data_source || ' | ' || cohort || ' | ' || quarter || ' vs ' || previous_quarter || ' | ' || measure
                || ': ' || previous || ' -> ' || measured as row_id,
            abs(measured - previous) as change,
            cast(case
                when measure like 'trusts in final segment%'
                    then ceil({config.max_segment_count_change_share} * previous_trusts)
                else ceil({config.max_row_count_change_share} * previous)
            end as bigint) as allowed_change
        from compared
        where previous is not null and data_source in (select data_source from completeness_sources)
        """,
        folder / "check_quarter_on_quarter.parquet",
    )


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    con.execute(f"copy ({query}) to '{target.as_posix()}' (format parquet)")


# ---------------------------------------------------------------------------------------------------------
# Suites (code, not notebooks)


def build_suites(keys: dict[str, list[str]]) -> dict[str, list[Any]]:
    """Expectations per frame. The frame name is the suite name."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    suites: dict[str, list[Any]] = {}
    for mart in PUBLIC_MARTS:
        key = keys[mart]
        expectations: list[Any] = [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in key]
        if len(key) > 1:
            expectations.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=key))
        else:
            expectations.append(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
        suites[mart] = expectations
    suites["rpt_league_table"] += [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="average_score"),
        gxe.ExpectColumnValuesToBeBetween(column="average_score", min_value=1, max_value=4),
        gxe.ExpectColumnValuesToBeBetween(column="average_score_rounded", min_value=1, max_value=4),
        gxe.ExpectColumnValuesToBeInSet(column="unadjusted_segment", value_set=[1, 2, 3, 4]),
        gxe.ExpectColumnValuesToBeInSet(column="adjusted_segment", value_set=[1, 2, 3, 4]),
        gxe.ExpectColumnValuesToBeInSet(column="final_segment", value_set=[1, 2, 3, 4, 5]),
        gxe.ExpectColumnValuesToBeBetween(
            column="adjusted_segment",
            min_value=3,
            row_condition=Column("financial_override") == True,  # noqa: E712
        ),
        *(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=a, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing"
            )
            for a, b in (
                ("average_score", "average_score_low"),
                ("average_score_high", "average_score"),
                ("league_rank", "league_rank_low"),
                ("league_rank_high", "league_rank"),
            )
        ),
    ]
    suites["fct_metric_scores"].append(gxe.ExpectColumnValuesToBeBetween(column="score", min_value=1, max_value=4))
    suites["fct_domain_scores"].append(
        gxe.ExpectColumnValuesToBeBetween(column="domain_score", min_value=1, max_value=4)
    )
    suites["rpt_reconciliation"].append(
        gxe.ExpectColumnValuesToBeInSet(
            column="meets_threshold",
            value_set=[True],
            row_condition=Column("is_judged") == True,  # noqa: E712
        )
    )
    suites["check_league_order"] = [
        gxe.ExpectColumnValuesToNotBeNull(column="league_rank"),
        gxe.ExpectColumnValuesToBeBetween(column="first_rank", min_value=1, max_value=1),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="league_rank", column_B="competition_rank"),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="league_rank", column_B="expected_rank"),
    ]
    suites["check_trust_coverage"] = [
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["present", "explained"]),
    ]
    suites["check_quarter_on_quarter"] = [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="allowed_change", column_B="change", or_equal=True),
    ]
    return suites


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
    """Validate the marts of ``duckdb_path`` (opened read-only); Data Docs go to ``work_dir/data_docs``."""
    config = config or load_config()
    keys = mart_keys()
    frames = work_dir / "frames"
    docs = work_dir / "data_docs"
    for folder in (frames, docs):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            _write_frames(con, frames, keys, config)
    except duckdb.Error as exc:
        raise QualityGateError(f"{duckdb_path}: cannot read the marts for the quality gate: {exc}") from exc

    with _quiet_gx():
        import great_expectations as gx

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
        for name, site in list((context.variables.data_docs_sites or {}).items()):
            # the ephemeral context's default site is a fresh temporary folder: drop it, ours is below
            context.delete_data_docs_site(name)
            base = site.get("store_backend", {}).get("base_directory")
            if base and Path(base).is_dir() and Path(base) != docs:
                shutil.rmtree(base, ignore_errors=True)
        context.add_data_docs_site(
            site_name="release",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        source = context.data_sources.add_pandas_filesystem("marts", base_directory=frames)
        definitions = []
        for name, expectations in build_suites(keys).items():
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
        # once for all suites (an UpdateDataDocsAction would rebuild the whole site after every suite)
        context.build_data_docs(site_names=["release"])

    result = GateResult(success=bool(outcome.success), data_docs=docs)
    for validation in outcome.run_results.values():
        suite_name = validation.suite_name
        for item in validation.results:
            result.evaluated += 1
            if item.success:
                continue
            result.failures.append(_failure(suite_name, item))
    return result


def _failure(suite: str, item: Any) -> ExpectationFailure:
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
    count = int(res.get("unexpected_count") or len(rows) or (0 if observed else 1))
    return ExpectationFailure(
        suite=suite,
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
