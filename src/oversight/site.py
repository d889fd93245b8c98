"""The static website: league tables, trust pages, ICB pages and the methodology, from the built warehouse.

Everything is read from the marts (a read-only DuckDB connection) and written as plain HTML files that open
from the file system with no network: the sorting and filtering script, the style sheet and the plotting
library (plotly.js, copied once from the ``plotly`` package into ``assets/``) are all referenced relatively.

Layout of the output folder::

    index.html                                  the quarters and cohorts, with links; reconciliation summary
    downloads.html                              the release's files (marts, NHS England layouts, manifest)
    search.html                                 find a trust by name or code (assets/search-index.js)
    methodology.html                            the metric registry and the settings used
    assets/                                     plotly.min.js, site.css, site.js
    <data_source>/<quarter>/league-<cohort>.html   one league table per quarter and cohort
    <data_source>/<quarter>/trust/<code>.html      one page per trust and quarter
    <data_source>/<quarter>/icb/<code>.html        one page per ICB and quarter
    provisional/league-<cohort>.html               ours, provisional: the latest quarter from its months so far
    sensitivity/<data_source>/<quarter>/<cohort>.html  the table under each method variant

Quarters are written as slugs (``Q1 2025/26`` -> ``q1-2025-26``).
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from oversight.artifacts import DbtArtifacts, for_warehouse
from oversight.errors import OversightError
from oversight.sanitise import checked_ods_code
from oversight.site_insights import Insights, load_insights, render_insight_pages
from oversight.site_labels import cohort_label, quarter_slug
from oversight.site_navigation import render_navigation_pages, route_links
from oversight.templating import template_environment

__all__ = [
    "SiteError",
    "cohort_label",
    "league_path",
    "print_provisional_status",
    "provisional_path",
    "provisional_status",
    "quarter_slug",
    "render_provisional_pages",
    "render_sensitivity_pages",
    "render_site",
    "sensitivity_path",
    "trust_path",
]

Row = dict[str, Any]

#: Shown where a figure is missing (an en dash).
DASH = "\u2013"

_SOURCE_LABELS = {
    "nhse_nof": "NHS England's published NOF files",
    "returns": "computed from the raw statistical returns",
}
# A 2-dp figure differs from another 2-dp figure when they are at least one unit of the last place apart.
_TWO_DP_TOLERANCE = 0.005 + 1e-9
#: The ICB aggregates' row for trusts with no ODS record at the quarter (fct_icb_aggregates, fct_icb_metric_values).
UNMAPPED_ICB = "UNMAPPED"


class SiteError(OversightError):
    """The warehouse cannot be rendered (missing file or mart)."""


def league_path(data_source: str, quarter: str, cohort: str) -> str:
    """Path of a league table page, relative to the site root."""
    return f"{data_source}/{quarter_slug(quarter)}/league-{cohort}.html"


def trust_path(data_source: str, quarter: str, trust_code: str) -> str:
    """Path of a trust page, relative to the site root (the code must be an ODS code: it becomes a file name)."""
    return f"{data_source}/{quarter_slug(quarter)}/trust/{checked_ods_code(trust_code, 'trust code')}.html"


def icb_path(data_source: str, quarter: str, icb_code: str) -> str:
    """Path of an ICB page, relative to the site root (the code must be an ODS code, or ``UNMAPPED`` for the trusts
    with no ICB: it becomes a file name)."""
    code = icb_code if icb_code == UNMAPPED_ICB else checked_ods_code(icb_code, "ICB code")
    return f"{data_source}/{quarter_slug(quarter)}/icb/{code}.html"


# ---------------------------------------------------------------------------------------------- formatting


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fmt(value: object, places: int = 2) -> str:
    """A number for display: fixed decimals, an en dash when missing."""
    if _is_missing(value):
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{places}f}"
    return str(value)


def _fmt_value(value: object) -> str:
    """A metric value: up to 4 significant decimals, trailing zeros dropped."""
    if _is_missing(value):
        return DASH
    if isinstance(value, float):
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def _sort_key(value: object) -> str:
    """The ``data-sort`` attribute of a table cell: numbers as they are, missing values empty."""
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return repr(value) if isinstance(value, float) else str(value)


def _differs(ours: object, theirs: object, tolerance: float = 0.0) -> bool:
    """True when both figures exist and differ by more than the tolerance."""
    if _is_missing(ours) or _is_missing(theirs):
        return False
    if isinstance(ours, int | float) and isinstance(theirs, int | float):
        return abs(float(ours) - float(theirs)) > tolerance
    return ours != theirs


def _differs_2dp(ours: object, theirs: object) -> bool:
    return _differs(ours, theirs, _TWO_DP_TOLERANCE)


@dataclass(frozen=True)
class _Interval:
    """An inline SVG interval on a fixed scale: the likely range as a bar, the estimate as a dot."""

    low: float | None
    point: float | None
    high: float | None
    scale_low: float = 1.0
    scale_high: float = 4.0
    width: int = 120
    height: int = 18

    def x(self, value: float) -> float:
        span = self.scale_high - self.scale_low
        share = (min(max(value, self.scale_low), self.scale_high) - self.scale_low) / span
        return round(4 + share * (self.width - 8), 1)

    @property
    def drawable(self) -> bool:
        return not any(_is_missing(v) for v in (self.low, self.point, self.high))


def _interval(low: object, point: object, high: object) -> _Interval:
    def number(value: Any) -> float | None:
        return None if _is_missing(value) else float(value)

    return _Interval(number(low), number(point), number(high))


# ---------------------------------------------------------------------------------------------- reading


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Iterable[object] = ()) -> list[Row]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class _Warehouse:
    league: list[Row]
    metrics: list[Row]
    domains: list[Row]
    registry: list[Row]
    icbs: list[Row]
    reconciliation: list[Row]
    reconciliation_detail: list[Row]
    methodology_year: str


def _read(duckdb_path: Path, settings: Mapping[str, object], marts: Iterable[str]) -> _Warehouse:
    if not duckdb_path.is_file():
        raise SiteError(f"no warehouse at {duckdb_path}: build it first (oversight run)")
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        present = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = [name for name in marts if name not in present]
        if missing:
            raise SiteError(f"{duckdb_path}: marts missing: {', '.join(missing)} (is the build complete?)")
        years = [y for (y,) in con.execute("select distinct methodology_year from marts.dim_metric").fetchall()]
        year = str(settings.get("methodology_year") or (max(years) if years else ""))
        league = _rows(
            con,
            """
            select
                l.*,
                coalesce(p.is_persistent_underperformer, false) as is_persistent_underperformer,
                p.triggered_rules,
                p.quarters_in_segment_4_or_5,
                p.segment_window_quarters,
                p.segment_rule_quarters,
                p.consecutive_bottom_quarters,
                p.rank_rule_quarters
            from marts.rpt_league_table as l
            left join marts.fct_persistent_underperformers as p
                on l.data_source = p.data_source and l.quarter = p.quarter and l.trust_code = p.trust_code
            order by l.data_source, l.quarter_start_date, l.cohort, l.league_rank, l.adjusted_segment,
                l.average_score_rounded, l.trust_code
            """,
        )
        metrics = _rows(
            con,
            """
            select
                s.*,
                m.metric_name,
                m.domain,
                m.sub_domain,
                m.value_units,
                m.direction
            from marts.fct_metric_scores as s
            left join marts.dim_metric as m
                on s.metric_id = m.metric_id and m.methodology_year = ?
            order by s.data_source, s.quarter, s.trust_code, m.domain, m.sub_domain, s.metric_id
            """,
            [year],
        )
        domains = _rows(con, "select * from marts.fct_domain_scores order by data_source, quarter, trust_code, domain")
        registry = _rows(
            con,
            "select * from marts.dim_metric where methodology_year = ? order by domain, sub_domain, metric_id",
            [year],
        )
        icbs = _rows(con, "select * from marts.fct_icb_aggregates order by data_source, quarter, icb_code")
        # the checks as the gate judges them; then every check over all quarters and per quarter (quarter None)
        reconciliation = _rows(
            con,
            "select * from marts.rpt_reconciliation order by data_source, judged_quarter nulls first, check_name",
        )
        overall = _rows(con, "select * from marts.rpt_reconciliation_overall order by data_source, check_name")
        by_quarter = _rows(
            con, "select * from marts.rpt_reconciliation_by_quarter order by data_source, quarter, check_name"
        )
    finally:
        con.close()
    detail = sorted(
        [{**r, "quarter": None} for r in overall] + by_quarter,
        key=lambda r: (r["data_source"], r["quarter"] is not None, r["quarter"] or "", r["check_name"]),
    )
    return _Warehouse(league, metrics, domains, registry, icbs, reconciliation, detail, year)


# ---------------------------------------------------------------------------------------------- charts


def _published_segment(row: Row) -> object:
    """NHS England's final segment where published, else its (adjusted) segment."""
    final = row.get("published_final_segment")
    return row.get("published_segment") if _is_missing(final) else final


def _comparable_segment(row: Row) -> object:
    """Our segment at the stage NHS England's published one is at: final where it publishes one, else adjusted."""
    return row.get("adjusted_segment") if _is_missing(row.get("published_final_segment")) else row.get("final_segment")


def _segment_history_figure(history: list[Row]) -> dict[str, object]:
    quarters = [r["quarter"] for r in history]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Final segment (ours)",
                "x": quarters,
                "y": [r["final_segment"] for r in history],
                "line": {"color": "#005eb8", "width": 3},
                "marker": {"size": 10},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Published by NHS England",
                "x": quarters,
                "y": [_published_segment(r) for r in history],
                "marker": {"size": 16, "symbol": "circle-open", "color": "#d5281b", "line": {"width": 2}},
            },
        ],
        "layout": {
            "height": 260,
            "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
            "yaxis": {
                "title": {"text": "Segment (1 = best)"},
                "range": [5.5, 0.5],
                "dtick": 1,
                "zeroline": False,
            },
            "xaxis": {"type": "category"},
            "legend": {"orientation": "h", "y": -0.25},
            "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
        },
    }


def _average_history_figure(history: list[Row]) -> dict[str, object]:
    quarters = [r["quarter"] for r in history]

    def gap(upper: Any, lower: Any) -> float | None:
        return None if _is_missing(upper) or _is_missing(lower) else float(upper) - float(lower)

    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Average metric score with likely range (ours)",
                "x": quarters,
                "y": [r["average_score"] for r in history],
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [gap(r["average_score_high"], r["average_score"]) for r in history],
                    "arrayminus": [gap(r["average_score"], r["average_score_low"]) for r in history],
                    "color": "#768692",
                    "thickness": 2,
                    "width": 8,
                },
                "line": {"color": "#005eb8", "width": 3},
                "marker": {"size": 10},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Published by NHS England",
                "x": quarters,
                "y": [r["published_average_score"] for r in history],
                "marker": {"size": 16, "symbol": "circle-open", "color": "#d5281b", "line": {"width": 2}},
            },
        ],
        "layout": {
            "height": 260,
            "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
            "yaxis": {"title": {"text": "Score (1 = best)"}, "range": [4.05, 0.95], "zeroline": False},
            "xaxis": {"type": "category"},
            "legend": {"orientation": "h", "y": -0.25},
            "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
        },
    }


def _icb_segments_figure(history: list[Row]) -> dict[str, object]:
    colours = {1: "#007f3b", 2: "#78be20", 3: "#ffb81c", 4: "#d5281b", 5: "#330072"}
    quarters = [r["quarter"] for r in history]
    return {
        "data": [
            {
                "type": "bar",
                "name": f"Segment {segment}",
                "x": quarters,
                "y": [r[f"trusts_final_segment_{segment}"] for r in history],
                "marker": {"color": colour},
            }
            for segment, colour in colours.items()
        ],
        "layout": {
            "barmode": "stack",
            "legend": {"orientation": "h", "y": -0.25, "traceorder": "normal"},
            "height": 260,
            "margin": {"l": 60, "r": 20, "t": 10, "b": 40},
            "yaxis": {"title": {"text": "Trusts"}, "dtick": 1},
            "xaxis": {"type": "category"},
            "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
        },
    }


# ---------------------------------------------------------------------------------------------- rendering


def _environment() -> jinja2.Environment:
    env = template_environment()
    env.filters["fmt"] = _fmt
    env.filters["fmt_value"] = _fmt_value
    env.filters["sort_key"] = _sort_key
    env.filters["cohort_label"] = cohort_label
    env.globals.update(
        differs=_differs,
        differs_2dp=_differs_2dp,
        interval=_interval,
        missing=_is_missing,
        published_segment=_published_segment,
        comparable_segment=_comparable_segment,
        league_path=league_path,
        trust_path=trust_path,
        icb_path=icb_path,
        source_label=lambda source: _SOURCE_LABELS.get(source, source),
        source_labels=_SOURCE_LABELS,
    )
    return env


def _copy_assets(out_dir: Path) -> None:
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    static = resources.files("oversight") / "templates" / "assets"
    for name in ("site.css", "site.js"):
        (assets / name).write_text(static.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    plotly_js = resources.files("plotly") / "package_data" / "plotly.min.js"
    target = assets / "plotly.min.js"
    with resources.as_file(plotly_js) as source:
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _group(rows: Iterable[Row], *keys: str) -> dict[tuple[Any, ...], list[Row]]:
    grouped: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        grouped[tuple(row[k] for k in keys)].append(row)
    return grouped


def _distinct(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def render_site(
    duckdb_path: Path, out_dir: Path, *, settings: dict[str, object], artifacts: DbtArtifacts | None = None
) -> Path:
    """Render the whole static site from the built warehouse into ``out_dir``; return the path of index.html.

    ``settings`` are the methodology settings the warehouse was built with (the dbt vars: segment cut-point
    method, bootstrap replicates, ...); the methodology page lists them beside the metric registry, described by
    the project's doc blocks. ``artifacts`` (dbt's manifest: the marts the site reads, the vars' descriptions) are
    the warehouse's build's (``<warehouse>.dbt/``, else a parse of the project) if not given. A build that waived
    the reconciliation gate (``reconciliation_gate: false``) is flagged by a banner on every page.
    """
    out_dir = Path(out_dir)
    artifacts = artifacts or _artifacts_of(Path(duckdb_path))
    data = _read(Path(duckdb_path), settings, artifacts.site_marts())
    out_dir.mkdir(parents=True, exist_ok=True)
    _copy_assets(out_dir)
    env = _environment()
    insights = load_insights(Path(duckdb_path), artifacts.insight_marts())

    quarters = _distinct(r["quarter"] for r in sorted(data.league, key=lambda r: r["quarter_start_date"]))
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    multi_source = len(_distinct(r["data_source"] for r in data.league)) > 1
    common = {
        "multi_source": multi_source,
        "generated": generated,
        "quarters_all": quarters,
        "reconciliation_gate_waived": settings.get("reconciliation_gate") is False,
    }
    by_table = _group(data.league, "data_source", "quarter", "cohort")

    provisional_pages = render_provisional_pages(duckdb_path, out_dir, common)
    sensitivity_pages, sensitivity = render_sensitivity_pages(duckdb_path, out_dir, common)
    index = out_dir / "index.html"
    _write(
        index,
        env.get_template("index.html").render(
            root="",
            tables=_table_summaries(by_table, quarters),
            reconciliation=data.reconciliation,
            sources=_distinct(r["data_source"] for r in data.league),
            provisional_pages=provisional_pages,
            sensitivity_pages=sensitivity_pages,
            **common,
        ),
    )
    _write(
        out_dir / "methodology.html",
        env.get_template("methodology.html").render(
            root="",
            registry=data.registry,
            methodology_year=data.methodology_year,
            settings=sorted(settings.items()),
            setting_notes=artifacts.var_descriptions(),
            cut_point_methods=_distinct((r["quarter"], r["cut_point_method"]) for r in data.league),
            reconciliation=data.reconciliation_detail,
            **common,
        ),
    )
    _render_league_pages(env, out_dir, by_table, quarters, sensitivity, common)
    _render_trust_pages(env, out_dir, data, insights, common)
    _render_icb_pages(env, out_dir, data, quarters, common)
    render_insight_pages(insights, env, out_dir, data.league, common)
    render_navigation_pages(env, out_dir, data.league, common)
    return index


def _artifacts_of(duckdb_path: Path) -> DbtArtifacts:
    """The manifest of the warehouse's build, else of a ``dbt parse`` into a scratch folder (removed after)."""
    with tempfile.TemporaryDirectory(prefix="oversight-site-parse-") as tmp:
        return for_warehouse(duckdb_path, Path(tmp))


def _table_summaries(by_table: Mapping[tuple[Any, ...], list[Row]], quarters: list[str]) -> list[dict[str, Any]]:
    """The index page's list of league tables: newest quarter first within a source, then by cohort."""
    quarter_order = {q: i for i, q in enumerate(quarters)}
    return [
        {
            "data_source": source,
            "quarter": quarter,
            "cohort": cohort,
            "path": league_path(source, quarter, cohort),
            "trusts": len(rows),
            "table_metric_coverage": rows[0].get("table_metric_coverage"),
            "table_status": rows[0].get("table_status", "ranked"),
            "segments": {s: sum(1 for r in rows if r["final_segment"] == s) for s in range(1, 6)},
            "persistent": sum(1 for r in rows if r["is_persistent_underperformer"]),
        }
        for (source, quarter, cohort), rows in sorted(
            by_table.items(), key=lambda kv: (kv[0][0], -quarter_order[kv[0][1]], kv[0][2])
        )
    ]


def _render_league_pages(
    env: jinja2.Environment,
    out_dir: Path,
    by_table: Mapping[tuple[Any, ...], list[Row]],
    quarters: list[str],
    sensitivity: Mapping[tuple[Any, ...], Any],
    common: Mapping[str, Any],
) -> None:
    template = env.get_template("league.html")
    for (source, quarter, cohort), rows in by_table.items():
        _write(
            out_dir / league_path(source, quarter, cohort),
            template.render(
                root="../../",
                data_source=source,
                quarter=quarter,
                cohort=cohort,
                rows=rows,
                regions=sorted(_distinct(r["region"] for r in rows if r["region"])),
                icbs=sorted(_distinct((r["icb_name"], r["icb_code"]) for r in rows if r["icb_code"])),
                other_quarters=[q for q in quarters if (source, q, cohort) in by_table],
                sensitivity=sensitivity.get((source, quarter, cohort), {}),
                sensitivity_page=sensitivity_path(source, quarter, cohort),
                **common,
            ),
        )


def _render_trust_pages(
    env: jinja2.Environment, out_dir: Path, data: _Warehouse, insights: Insights, common: Mapping[str, Any]
) -> None:
    by_trust = _group(data.league, "data_source", "trust_code")
    metrics = _group(data.metrics, "data_source", "quarter", "trust_code")
    domains = _group(data.domains, "data_source", "quarter", "trust_code")
    routes = route_links(data.league)
    template = env.get_template("trust.html")
    for row in data.league:
        key = (row["data_source"], row["quarter"], row["trust_code"])
        history = sorted(by_trust[(row["data_source"], row["trust_code"])], key=lambda r: r["quarter_start_date"])
        _write(
            out_dir / trust_path(*key),
            template.render(
                root="../../../",
                t=row,
                metrics=metrics.get(key, []),
                domains=domains.get(key, []),
                history=history,
                segment_figure=_segment_history_figure(history),
                average_figure=_average_history_figure(history),
                insights=insights.for_trust(*key),
                routes=routes.get(key, []),
                **common,
            ),
        )


def _render_icb_pages(
    env: jinja2.Environment, out_dir: Path, data: _Warehouse, quarters: list[str], common: Mapping[str, Any]
) -> None:
    quarter_order = {q: i for i, q in enumerate(quarters)}
    by_icb_quarter = _group(data.league, "data_source", "quarter", "icb_code")
    icb_history = _group(data.icbs, "data_source", "icb_code")
    template = env.get_template("icb.html")
    for aggregate in data.icbs:
        key = (aggregate["data_source"], aggregate["quarter"], aggregate["icb_code"])
        history = sorted(
            icb_history[(aggregate["data_source"], aggregate["icb_code"])], key=lambda r: quarter_order[r["quarter"]]
        )
        _write(
            out_dir / icb_path(*key),
            template.render(
                root="../../../",
                icb=aggregate,
                trusts=sorted(by_icb_quarter.get(key, []), key=_cohort_rank_order),
                history=history,
                figure=_icb_segments_figure(history),
                **common,
            ),
        )


def _cohort_rank_order(row: Row) -> tuple[Any, ...]:
    """By cohort, then league rank (an incomplete table's trusts have none: by average score), then code."""
    rank = row.get("league_rank")
    average = row.get("average_score")
    return (
        row["cohort"],
        _is_missing(rank),
        0 if _is_missing(rank) else rank,
        _is_missing(average),
        0.0 if _is_missing(average) else average,
        row["trust_code"],
    )


# ------------------------------------------------------------------------------------ provisional tables


def provisional_path(cohort: str) -> str:
    """The page of a cohort's provisional league table (issue 14)."""
    return f"provisional/league-{cohort}.html"


def provisional_status(duckdb_path: Path) -> str | None:
    """One line: which quarter is provisional and on how many months, or None when the warehouse has no
    provisional table (e.g. a build from before issue 14)."""
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        rows = _provisional_rows(
            con, "max(months_available) as months, arg_max(months_used, months_available) as months_used"
        )
    finally:
        con.close()
    if not rows:
        return None
    lines = []
    for row in rows:
        lines.append(
            f"provisional ({row['data_source']}): {row['quarter']} on {row['months']} of 3 months of the monthly "
            f"returns ({row['months_used']}); ours, not NHS England's"
        )
    return "\n".join(lines)


def _provisional_rows(con: duckdb.DuckDBPyConnection, aggregate: str) -> list[Row]:
    present = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'rpt_league_table_provisional'"
    ).fetchall()[0][0]
    if not present:
        return []
    return _rows(
        con,
        f"""
        select data_source, quarter, {aggregate}
        from marts.rpt_league_table_provisional
        where is_latest_quarter
        group by data_source, quarter
        order by data_source
        """,
    )


def render_provisional_pages(duckdb_path: Path, out_dir: Path, common: Mapping[str, object]) -> list[str]:
    """The provisional league table of the latest quarter the monthly returns reach, one page per cohort, on the
    most months in, with the back-test of every earlier quarter beside it. Returns the pages written (none when the
    warehouse has no provisional table)."""
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        latest = _provisional_rows(con, "max(months_available) as months")
        if not latest:
            return []
        rows = []
        for current in latest:
            rows += _rows(
                con,
                """
                select * from marts.rpt_league_table_provisional
                where data_source = ? and quarter = ? and months_available = ?
                order by cohort, league_rank, adjusted_segment, average_score_rounded, trust_code
                """,
                [current["data_source"], current["quarter"], current["months"]],
            )
        # The pooled figures (no quarter) first, then each quarter's, for each subject and cohort.
        backtest = _rows(
            con,
            """
            select *, cast(null as varchar) as quarter, cast(null as varchar) as months_used
            from marts.rpt_provisional_backtest_pooled
            union all by name
            select * from marts.rpt_provisional_backtest
            order by subject <> 'league_table', subject, cohort, quarter nulls first, months_available
            """,
        )
    finally:
        con.close()
    env = _environment()
    template = env.get_template("provisional.html")
    by_cohort = _group(rows, "cohort")
    cohorts = sorted(c for (c,) in by_cohort)
    written = []
    for cohort in cohorts:
        cohort_rows = by_cohort[(cohort,)]
        page = provisional_path(cohort)
        _write(
            Path(out_dir) / page,
            template.render(
                root="../",
                cohort=cohort,
                cohorts=cohorts,
                rows=cohort_rows,
                first=cohort_rows[0],
                table_backtest=[b for b in backtest if b["subject"] == "league_table" and b["cohort"] == cohort],
                metric_backtest=[b for b in backtest if b["subject"] != "league_table" and b["cohort"] == cohort],
                provisional_path=provisional_path,
                **common,
            ),
        )
        written.append(page)
    return written


def print_provisional_status(duckdb_path: Path) -> None:
    """The closing line of ``oversight run``: which quarter is provisional and on how many months."""
    status = provisional_status(Path(duckdb_path))
    if status:
        print(status)


# ------------------------------------------------------------------------------------ method sensitivity


def sensitivity_path(data_source: str, quarter: str, cohort: str) -> str:
    """The method-sensitivity page of a cohort and quarter (issue 13.3)."""
    return f"sensitivity/{data_source}/{quarter_slug(quarter)}/{cohort}.html"


def render_sensitivity_pages(
    duckdb_path: Path, out_dir: Path, common: Mapping[str, object]
) -> tuple[list[str], dict[tuple[str, str, str], dict[str, Row]]]:
    """One page per data source, quarter and cohort: how many trusts each method variant moves to another segment,
    and per trust the published-method rank beside its best and worst rank and segment over the variants. Returns
    the pages written and, per (data source, quarter, cohort), each trust's published-method row of
    rpt_method_sensitivity by trust code (for the league page's sensitivity column); both empty when the
    warehouse has no rpt_method_sensitivity."""
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        present = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'rpt_method_sensitivity'"
        ).fetchall()[0][0]
        if not present:
            return [], {}
        rows = _rows(
            con,
            "select * from marts.rpt_method_sensitivity "
            "order by data_source, quarter_start_date, cohort, published_method_rank, published_method_segment, "
            "trust_code, variant",
        )
    finally:
        con.close()
    template = _environment().get_template("sensitivity.html")
    written = []
    by_table: dict[tuple[str, str, str], dict[str, Row]] = {}
    for (source, quarter, cohort), table in _group(rows, "data_source", "quarter", "cohort").items():
        variants = [
            {
                "variant": r["variant"],
                "method_choice": r["method_choice"],
                "description": r["variant_description"],
                "trusts_changing_segment": r["trusts_changing_segment"],
                "unranked": sum(1 for t in table if t["variant"] == r["variant"] and not t["is_ranked"]),
            }
            for r in _distinct_by(table, "variant")
        ]
        trusts = [r for r in table if r["variant"] == "final"]
        by_table[(source, quarter, cohort)] = {t["trust_code"]: t for t in trusts}
        page = sensitivity_path(source, quarter, cohort)
        _write(
            Path(out_dir) / page,
            template.render(
                root="../../../",
                data_source=source,
                quarter=quarter,
                cohort=cohort,
                variants=variants,
                trusts=trusts,
                **common,
            ),
        )
        written.append(page)
    return written, by_table


def _distinct_by(rows: Iterable[Row], key: str) -> list[Row]:
    seen: dict[Any, Row] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())
