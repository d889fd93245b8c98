"""Fill the NOF input templates (``data/inputs/nof-input-*.csv``) from published values.

A development tool, not part of the pipeline (hence here, outside the runtime package): it prepares the embedded
default data once (``scripts/build_inputs.py``); the pipeline then lands the templates like any user-filled input.

The public statistical returns do not carry finance, Recovery Support Programme membership, CQC ratings or
HCAI counts; a user fills those templates in. The embedded default is built here, with set-based DuckDB SQL,
from two published sources only:

* NHS England's NOF data files (``data/nhse_nof/``): OF0079, OF0081, OF5004 (financial override) and OF5007
  (RSP membership), every quarter the files carry, and the value and score of every metric that no public return
  in the embedded data carries (``NO_PUBLIC_RETURN_HERE``), into the metric-values template;
* the team's Q3 2025/26 derived inputs file (``data/nof_inputs_q3_derived/``): a third-party derived copy of
  NHS England's Q3 published values (finance, HCAI) plus CQC location-level safe ratings.

What neither carries stays out of the templates (the metric is then excluded, the NOF missing-data rule).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from oversight.collections import match_collection

__all__ = ["Q3_DERIVED_ORIGIN", "build_input_templates"]

Q3_DERIVED_ORIGIN = (
    "third-party derived copy of NHS England's Q3 2025/26 published values "
    "(larsen-analyst/trustpulse @89a24481, data/processed/trust_profiles.csv)"
)


@dataclass(frozen=True)
class _Template:
    file_name: str
    sql: str

    @property
    def header(self) -> tuple[str, ...]:
        """The template's columns as the landing registry declares them (its collection's one layout)."""
        collection = match_collection(self.file_name)
        if collection is None or len(collection.layouts) != 1:
            raise ValueError(f"{self.file_name}: no single registry layout to write")
        return collection.layouts[0].columns


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: Registry metrics no public return in the embedded data carries for the quarters NHS England's files cover:
#: the embedded metric-values template takes them from NHS England's NOF data files (labelled as such).
#: RTT OF0003/OF0023 (June 2025 not here: only a November 2024 excerpt), 12 hours in the department OF0014 (ECDS
#: supplementary analysis), MHSDS/CSDS metrics OF0016/OF0041/OF0057/OF0063 (only April 2026 RDY excerpts),
#: HCAI OF0020/OF0048/OF0088, discharge delays OF0025, conveyance OF0028, productivity OF0085, relative cost
#: OF0086, planned vs actual RTT OF0106 (needs the plans), score-only OF1035/OF1046/OF1067/OF1069.
NO_PUBLIC_RETURN_HERE = (
    "OF0003",
    "OF0014",
    "OF0016",
    "OF0020",
    "OF0023",
    "OF0025",
    "OF0028",
    "OF0035",
    "OF0041",
    "OF0046",
    "OF0048",
    "OF0057",
    "OF0063",
    "OF0067",
    "OF0069",
    "OF0085",
    "OF0086",
    "OF0088",
    "OF0106",
)


def _nof_relation(nof_glob: str) -> str:
    """NHS England's NOF data files as one relation, every Quarter filled in.

    NHS England's Q1 2025/26 release has no Quarter column: its quarter is the summary rows' Reporting_date.
    """
    return f"""(
        select * replace (coalesce(Quarter, file_quarter) as Quarter)
        from (
            select *, parse_filename(filename) as file,
                max(case when Domain = 'Summary' and regexp_full_match(Reporting_date, 'Q[1-4] [0-9]{{4}}/[0-9]{{2}}')
                    then Reporting_date end) over (partition by filename) as file_quarter
            from read_csv({_lit(nof_glob)}, all_varchar = true, filename = true, union_by_name = true)
        )
    )"""


def _q3_relation(q3_file: str) -> str:
    """The third party's Q3 2025/26 derived file."""
    return f"(select * from read_csv({_lit(q3_file)}, all_varchar = true))"


#: The Source column of a row taken from NHS England's NOF data files.
_NOF_SOURCE = (
    "'NHS England NOF data file ' || any_value(file) || ': ' || string_agg(distinct Metric_ID, '/' order by Metric_ID)"
)


def _finance_sql(nof: str, q3: str) -> str:
    """nof-input-finance.csv: OF0079/OF0081/OF5004 from the NOF files, then the Q3 derived rows."""
    origin = _lit(Q3_DERIVED_ORIGIN)
    return f"""
        with nof_rows as (
            select Quarter, Trust_code,
                max(Value) filter (where Metric_ID = 'OF0079' and Units in ('%', 'percent')) as plan_pct,
                max(Reporting_date) filter (where Metric_ID = 'OF0079') as plan_date,
                max(Value) filter (where Metric_ID = 'OF0081' and Units in ('%', 'percent')) as ytd_pct,
                max(Reporting_date) filter (where Metric_ID = 'OF0081') as ytd_date,
                max(case Value when '1.0' then 'Yes' when '0.0' then 'No' end)
                    filter (where Metric_ID = 'OF5004') as override,
                {_NOF_SOURCE} as source
            from {nof}
            where Metric_ID in ('OF0079', 'OF0081', 'OF5004')
            group by all
        ),
        q3_rows as (
            select 'Q3 2025/26', org_code, planned_surplus_deficit_pct, null, variance_to_financial_plan_pct, null,
                null, {origin} || ': planned_surplus_deficit_pct (OF0079), variance_to_financial_plan_pct (OF0081)'
            from {q3}
            where planned_surplus_deficit_pct is not null or variance_to_financial_plan_pct is not null
        )
        select * from nof_rows where coalesce(plan_pct, ytd_pct, override) is not null
        union all select * from q3_rows
        order by 1, 2
    """


def _recovery_support_sql(nof: str) -> str:
    """nof-input-recovery-support.csv: OF5007 from the NOF files."""
    return f"""
        select Quarter, Trust_code, case max(Value) when '1.0' then 'Yes' when '0.0' then 'No' end, {_NOF_SOURCE}
        from {nof}
        where Metric_ID = 'OF5007' and Value is not null
        group by Quarter, Trust_code
        order by 1, 2
    """


def _cqc_safe_sql(q3: str) -> str:
    """nof-input-cqc-safe.csv: the Q3 derived file's CQC safe ratings."""
    origin = _lit(Q3_DERIVED_ORIGIN)
    return f"""
        select 'Q3 2025/26', org_code, rating_safe, 'location', strftime(cast(publication_date as date), '%Y-%m-%d'),
            {origin} || ': CQC Latest ratings 05 May 2026, Locations sheet, one location per trust chosen by '
            || 'the third party (location ' || location_id || '); approximate, not the provider-level rating'
        from {q3}
        where rating_safe in ('Outstanding', 'Good', 'Requires improvement', 'Inadequate')
        order by 2
    """


def _hcai_sql(q3: str) -> str:
    """nof-input-hcai.csv: the Q3 derived file's MRSA, E. coli and C. difficile figures."""
    origin = _lit(Q3_DERIVED_ORIGIN)
    return f"""
        select 'Q3 2025/26', org_code, metric_id, count, rate, null, {origin} || ': ' || column_name
        from (
            select org_code, 'OF0020' as metric_id, mrsa_cases_count as count, null as rate,
                'mrsa_cases_count' as column_name
            from {q3} where mrsa_cases_count is not null
            union all
            select org_code, 'OF0048', null, ecoli_bacteraemia_rate, 'ecoli_bacteraemia_rate'
            from {q3} where ecoli_bacteraemia_rate is not null
            union all
            select org_code, 'OF0088', null, cdiff_infection_rate, 'cdiff_infection_rate'
            from {q3} where cdiff_infection_rate is not null
        )
        order by 2, 3
    """


def _metric_values_sql(nof: str) -> str:
    """nof-input-metric-values.csv, in one pass over the files: a metric's value row (OF00xx/OF01xx) and score row
    (OF10xx/OF11xx) meet on the id."""
    value_ids = ", ".join(_lit(metric_id) for metric_id in NO_PUBLIC_RETURN_HERE)
    score_ids = ", ".join(_lit("OF1" + metric_id[3:]) for metric_id in NO_PUBLIC_RETURN_HERE)
    return f"""
        select Quarter, Trust_code, 'OF0' || substr(Metric_ID, 4) as value_id,
            max(Value) filter (where substr(Metric_ID, 3, 1) = '0'),
            max(Units) filter (where substr(Metric_ID, 3, 1) = '0'),
            max(Value) filter (where substr(Metric_ID, 3, 1) = '1'),
            coalesce(
                max(Reporting_date) filter (where substr(Metric_ID, 3, 1) = '0'),
                max(Reporting_date) filter (where substr(Metric_ID, 3, 1) = '1')
            ),
            'NHS England NOF data file ' || any_value(file) || ': ' || string_agg(Metric_ID, '/' order by Metric_ID)
        from {nof}
        where Metric_ID in ({value_ids}, {score_ids}) and Value is not null
        group by Quarter, Trust_code, value_id
        order by 1, 2, 3
    """


def _templates(nof_glob: str, q3_file: str) -> list[_Template]:
    nof, q3 = _nof_relation(nof_glob), _q3_relation(q3_file)
    return [
        _Template(
            "nof-input-metric-values.csv",
            _metric_values_sql(nof),
        ),
        _Template(
            "nof-input-finance.csv",
            _finance_sql(nof, q3),
        ),
        _Template(
            "nof-input-recovery-support.csv",
            _recovery_support_sql(nof),
        ),
        _Template(
            "nof-input-cqc-safe.csv",
            _cqc_safe_sql(q3),
        ),
        _Template(
            "nof-input-hcai.csv",
            _hcai_sql(q3),
        ),
    ]


def build_input_templates(nof_dir: Path, q3_file: Path, out_dir: Path) -> dict[str, int]:
    """Write the templates into ``out_dir``; return the number of data rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect()
    try:
        for template in _templates(str(nof_dir / "nhs-oversight-framework-*-trust-data*.csv"), str(q3_file)):
            rows = con.sql(template.sql).fetchall()
            target = out_dir / template.file_name
            with target.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(template.header)
                writer.writerows(["" if v is None else v for v in row] for row in rows)
            counts[template.file_name] = len(rows)
    finally:
        con.close()
    return counts
