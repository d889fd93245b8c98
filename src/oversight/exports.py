"""Release exports: every public mart as Parquet and CSV, and CSV files in NHS England's own layouts.

NHS England's layouts (methodology.md 9.2-9.3): UTF-8 with BOM, CRLF, quotes only where needed, numbers as
floats (``2.0``), likely ranges as ``"<lo> to <hi>"`` with trailing zeros dropped, ``Yes``/``No`` for the
financial deficit. The data file carries what the warehouse knows: metric values (OF00xx, with median,
quartiles and rank within trust type), metric scores (OF10xx), domain scores (OF40xx) and the summary rows
(OF5000, OF5002, OF5003, OF5004, OF5005, OF5007). Domain segments (OF41xx) are NHS England's and are not
recomputed, so they are not exported. The files re-land through ``oversight.landing`` unchanged.

Every CSV cell goes through :func:`oversight.sanitise.safe_csv_cell` (the one rule): text a spreadsheet would run
as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+1+1``) is written with a leading ``'``; numbers are not touched.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from oversight.collections import NOF_DATA_COLUMNS, NOF_LEAGUE_TABLE_COLUMNS
from oversight.quality import PUBLIC_MARTS
from oversight.sanitise import safe_csv_cell

__all__ = ["DATA_COLUMNS", "LEAGUE_COLUMNS", "export_marts", "export_nhse_layouts", "quarter_slug"]

#: The layouts landing reads are the layouts exports write (one definition, in the collection registry).
DATA_COLUMNS = list(NOF_DATA_COLUMNS)
LEAGUE_COLUMNS = list(NOF_LEAGUE_TABLE_COLUMNS)
COHORT_SLUGS = {
    "acute": "acute",
    "mental_health_community": "mental-health-and-community",
    "ambulance": "ambulance",
}


def quarter_slug(quarter: str) -> str:
    """``Q4 2025/26`` -> ``q4-25-26`` (NHS England's file-name suffix)."""
    q, year = quarter.split(" ")
    start, end = year.split("/")
    return f"{q.lower()}-{start[2:]}-{end}"


def export_marts(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """``<folder>/parquet/<mart>.parquet`` and ``<folder>/csv/<mart>.csv`` for every public mart.

    Rows are sorted on every column (``order by all``), so two builds of the same inputs give the same files.
    The Parquet files hold the marts as they are; in the CSV files every text column goes through
    :func:`oversight.sanitise.safe_csv_cell` (a DuckDB function of this connection that calls it).
    """
    written = []
    con.create_function(_SAFE_CELL_SQL, safe_csv_cell, [duckdb.sqltype("varchar")], duckdb.sqltype("varchar"))
    try:
        for kind, options in (("parquet", "format parquet"), ("csv", "format csv, header true")):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            for mart in PUBLIC_MARTS:
                target = folder / kind / f"{mart}.{kind}"
                columns = "*" if kind == "parquet" else _safe_columns(con, mart)
                con.execute(
                    f"copy (select {columns} from marts.{mart} order by all) to '{target.as_posix()}' ({options})"
                )
                written.append(target)
    finally:
        con.remove_function(_SAFE_CELL_SQL)
    return written


_SAFE_CELL_SQL = "oversight_safe_csv_cell"


def _safe_columns(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The select list of ``mart`` with every text column passed through the safe-cell function."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [mart],
    ).fetchall()
    return ", ".join(
        f'{_SAFE_CELL_SQL}("{name}") as "{name}"' if data_type == "VARCHAR" else f'"{name}"'
        for name, data_type in columns
    )


_DATA_FILE_SQL = """
with
league as (
    select * from marts.rpt_league_table where data_source = $source and quarter = $quarter and cohort = $cohort
),
metrics as (
    select * from marts.dim_metric where methodology_year = (select max(methodology_year) from marts.dim_metric)
),
scores as (
    select scores.*, league.region, league.trust_type, league.trust_subtype, league.trust_name,
        metrics.domain, metrics.sub_domain, metrics.metric_name, metrics.value_units, metrics.direction
    from marts.fct_metric_scores as scores
    inner join league on scores.trust_code = league.trust_code
    left join metrics on scores.metric_id = metrics.metric_id
    where scores.data_source = $source and scores.quarter = $quarter and scores.metric_id like 'OF%'
),
value_rows as (
    select
        region, trust_type, trust_subtype, trust_code, trust_name, domain, sub_domain,
        metric_id, metric_name as metric_description, reporting_date, value_units as units, value,
        round(quantile_cont(value, 0.5) over by_metric, 2) as median_value,
        round(quantile_cont(value, 0.25) over by_metric, 2) as lower_quartile,
        round(quantile_cont(value, 0.75) over by_metric, 2) as upper_quartile,
        -- competition rank within trust type, best first, on unrounded values (methodology.md 9.2): the
        -- engine's own rank where it ranked the metric within the cohort (it breaks ties of rounded values
        -- as NHS England's Rank does), else a competition rank of the exported value
        case when ranking_population = 'cohort' then ranking_population_rank end as engine_rank,
        case when direction = 'lower' then value when direction = 'higher' then -value end as signed_value,
        1 as family_order
    from scores
    window by_metric as (partition by trust_type, metric_id)
),
ranked_values as (
    select * exclude (signed_value, engine_rank),
        coalesce(engine_rank, case when signed_value is not null then rank() over (
            partition by trust_type, metric_id, signed_value is null order by signed_value
        ) end) as rank
    from value_rows
),
score_rows as (
    select
        region, trust_type, trust_subtype, trust_code, trust_name, domain, sub_domain,
        score_id as metric_id, metric_name as metric_description, reporting_date, 'score' as units,
        score_rounded as value, null as median_value, null as lower_quartile, null as upper_quartile,
        null as rank, 2 as family_order
    from scores
    where score_id is not null and score_rounded is not null
),
summary_ids as (
    select * from reference.nof_summary_metrics
),
domain_rows as (
    select
        league.region, league.trust_type, league.trust_subtype, league.trust_code, league.trust_name,
        domains.domain,
        case when ids.metric_id = 'OF4002' then 'Patient safety' else ids.metric_name end as sub_domain,
        ids.metric_id, ids.metric_name as metric_description, league.quarter as reporting_date, 'score' as units,
        domains.domain_score_rounded as value, null as median_value, null as lower_quartile,
        null as upper_quartile,
        rank() over (partition by league.trust_type, ids.metric_id order by domains.domain_score_rounded) as rank,
        3 as family_order
    from marts.fct_domain_scores as domains
    inner join league on domains.trust_code = league.trust_code
    inner join summary_ids as ids on ids.family = 'domain_score' and domains.domain = ids.domain
    where domains.data_source = $source and domains.quarter = $quarter
),
summary_values as (
    select league.*, ids.metric_id, ids.metric_name, ids.units,
        case ids.metric_id
            when 'OF5000' then league.adjusted_segment
            when 'OF5002' then league.average_score_rounded
            when 'OF5003' then league.unadjusted_segment
            when 'OF5004' then cast(league.financial_override as integer)
            when 'OF5005' then league.final_segment
            when 'OF5007' then cast(league.recovery_support as integer)
        end as summary_value,
        case ids.metric_id
            when 'OF5000' then league.league_rank
            when 'OF5002' then rank() over (
                partition by league.trust_type, ids.metric_id order by league.average_score_rounded
            )
        end as summary_rank
    from league
    inner join summary_ids as ids on ids.family = 'summary'
),
summary_rows as (
    select
        region, trust_type, trust_subtype, trust_code, trust_name, 'Summary' as domain, 'Summary' as sub_domain,
        metric_id, metric_name as metric_description, quarter as reporting_date, units,
        cast(summary_value as double) as value, null as median_value, null as lower_quartile,
        null as upper_quartile, summary_rank as rank, 4 as family_order
    from summary_values
),
all_rows as (
    select * from ranked_values
    union all by name select * from score_rows
    union all by name select * from domain_rows
    union all by name select * from summary_rows
)
select
    $quarter as quarter, region, trust_type, trust_subtype, trust_code, trust_name, domain, sub_domain, metric_id,
    metric_description, reporting_date, units, cast(value as double) as value,
    cast(median_value as double) as median_value, cast(lower_quartile as double) as lower_quartile,
    cast(upper_quartile as double) as upper_quartile, cast(rank as double) as rank
from all_rows
order by family_order, metric_id, trust_code
"""

_LEAGUE_FILE_SQL = """
select
    quarter, region, trust_type, trust_subtype, trust_code, trust_name, average_score_rounded,
    average_score_low, average_score_high, cast(adjusted_segment as double),
    case when financial_override then 'Yes' else 'No' end,
    cast(league_rank as double), league_rank_low, league_rank_high
from marts.rpt_league_table
where data_source = $source and quarter = $quarter and cohort = $cohort
order by league_rank, trust_code
"""


def _number(value: object) -> str:
    """A float as NHS England writes it: ``2.0``, ``54.31``; empty for null."""
    if value is None:
        return ""
    return repr(float(value))  # type: ignore[arg-type]


def _range_end(value: object, digits: int) -> str:
    """One end of an ``x to y`` range: rounded, trailing zeros dropped (``1.40`` -> ``1.4``, ``2.00`` -> ``2``)."""
    if value is None:
        return ""
    text = f"{float(value):.{digits}f}"  # type: ignore[arg-type]
    return text.rstrip("0").rstrip(".") if "." in text else text


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows([safe_csv_cell(cell) for cell in row] for row in rows)


def export_nhse_layouts(
    con: duckdb.DuckDBPyConnection, folder: Path, quarter: str, data_source: str = "nhse_nof"
) -> list[Path]:
    """The data file and the league table of ``quarter`` for each cohort, named as NHS England names them."""
    folder.mkdir(parents=True, exist_ok=True)
    cohorts = [
        c
        for (c,) in con.execute(
            "select distinct cohort from marts.rpt_league_table where data_source = ? and quarter = ? order by 1",
            [data_source, quarter],
        ).fetchall()
    ]
    written = []
    for cohort in cohorts:
        params = {"source": data_source, "quarter": quarter, "cohort": cohort}
        stem = f"nhs-oversight-framework-{COHORT_SLUGS[cohort]}-trust"
        data_rows = [
            [*("" if v is None else str(v) for v in row[:12]), *(_number(v) for v in row[12:])]
            for row in con.execute(_DATA_FILE_SQL, params).fetchall()
        ]
        data_path = folder / f"{stem}-data-{quarter_slug(quarter)}.csv"
        _write(data_path, DATA_COLUMNS, data_rows)
        league_rows = []
        for row in con.execute(_LEAGUE_FILE_SQL, params).fetchall():
            (q, region, ttype, subtype, code, name, avg, avg_lo, avg_hi, segment, deficit, rank, r_lo, r_hi) = row
            league_rows.append(
                [
                    q,
                    region or "",
                    ttype or "",
                    subtype or "",
                    code,
                    name or "",
                    _number(avg),
                    f"{_range_end(avg_lo, 2)} to {_range_end(avg_hi, 2)}" if avg_lo is not None else "",
                    _number(segment),
                    deficit,
                    _number(rank),
                    f"{r_lo} to {r_hi}" if r_lo is not None else "",
                ]
            )
        league_path = folder / f"{stem}-league-table-{quarter_slug(quarter)}.csv"
        _write(league_path, LEAGUE_COLUMNS, league_rows)
        written += [data_path, league_path]
    return written
