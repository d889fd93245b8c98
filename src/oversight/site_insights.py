"""Pages and trust-page panels beyond the official tables (issue 13): why a rank moved, what a rank hides, vintages.

Read from the marts ``fct_rank_movements``, ``fct_rank_movement_contributions``, ``fct_department_performance``,
``rpt_hidden_variation`` and ``fct_league_vintages``. A warehouse without them (built before issue 13) renders
without the panels and pages. ``render_site`` (site.py) calls :func:`load_insights`, passes
:meth:`Insights.for_trust` to each trust page and calls :func:`render_insight_pages` once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from oversight.site_labels import cohort_label, quarter_slug

__all__ = [
    "Insights",
    "departments_path",
    "load_insights",
    "movers_path",
    "render_insight_pages",
]

Row = dict[str, Any]

#: Contributions shown on a trust page's "what moved" panel (the largest by size; the rest are summed).
CONTRIBUTIONS_SHOWN = 8
#: Movers listed on a biggest-movers page.
MOVERS_SHOWN = 25

_KIND_LABELS = {
    "changed": "score changed",
    "entered": "entered the average",
    "left": "left the average",
    "weight": "weight changed",
}


def movers_path(data_source: str, quarter: str, cohort: str) -> str:
    """Path of the biggest-movers page of a cohort into ``quarter``, relative to the site root."""
    return f"{data_source}/{quarter_slug(quarter)}/movers-{cohort}.html"


def departments_path(quarter: str, cohort: str) -> str:
    """Path of the cohort page of well-ranked trusts with departments in the national bottom decile."""
    return f"departments/{quarter_slug(quarter)}/hidden-{cohort}.html"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _grouped(rows: list[Row], *keys: str) -> dict[tuple[Any, ...], list[Row]]:
    grouped: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        grouped[tuple(row[k] for k in keys)].append(row)
    return grouped


@dataclass
class Insights:
    """The issue-13 marts, grouped for the pages."""

    movements: dict[tuple[Any, ...], list[Row]] = field(default_factory=dict)
    contributions: dict[tuple[Any, ...], list[Row]] = field(default_factory=dict)
    departments: dict[tuple[Any, ...], list[Row]] = field(default_factory=dict)
    hidden: list[Row] = field(default_factory=list)
    vintages: dict[tuple[Any, ...], list[Row]] = field(default_factory=dict)
    min_denominator: object = None
    available: bool = False

    def for_trust(self, data_source: str, quarter: str, trust_code: str) -> dict[str, object]:
        """The panels of one trust page: what moved, departments, vintages (each may be empty)."""
        if not self.available:
            return {"available": False}
        movement = next(iter(self.movements.get((data_source, quarter, trust_code), [])), None)
        contributions = sorted(
            (c for c in self.contributions.get((data_source, quarter, trust_code), []) if c["contribution"]),
            key=lambda c: (-abs(c["contribution"]), c["metric_id"], c["kind"]),
        )
        shown = contributions[:CONTRIBUTIONS_SHOWN]
        rest = sum(c["contribution"] for c in contributions[CONTRIBUTIONS_SHOWN:])
        departments = sorted(
            self.departments.get((quarter, trust_code), []),
            key=lambda d: (d["national_percentile"], d["department_group"], d["department"]),
        )
        vintage = next(iter(self.vintages.get((data_source, quarter, trust_code), [])), None)
        return {
            "available": True,
            "movement": movement,
            "contributions": shown,
            "contributions_rest": rest,
            "contributions_more": len(contributions) - len(shown),
            "kind_labels": _KIND_LABELS,
            "departments": departments,
            "dot_plot": _dot_plot(departments),
            "min_denominator": self.min_denominator,
            "vintage": vintage,
            "movers_link": movers_path(data_source, quarter, movement["cohort"]) if movement else None,
        }


def load_insights(duckdb_path: Path, marts: Iterable[str]) -> Insights:
    """The issue-13 marts of a built warehouse (``marts``: the manifest's ``website_insights`` exposure; empty when
    the warehouse lacks one of them)."""
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        present = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        if not set(marts) <= present:
            return Insights()
        movements = _rows(con, "select * from marts.fct_rank_movements")
        contributions = _rows(
            con,
            """
            select c.*, m.metric_name
            from marts.fct_rank_movement_contributions as c
            left join (select distinct metric_id, metric_name from marts.dim_metric) as m
                on c.metric_id = m.metric_id
            """,
        )
        departments = _rows(con, "select * from marts.fct_department_performance where is_assessed")
        hidden = _rows(
            con,
            "select * from marts.rpt_hidden_variation order by quarter_start_date, cohort, league_rank, trust_code",
        )
        vintages = _rows(con, "select * from marts.fct_league_vintages")
        denominators = con.execute("select max(min_denominator) from marts.fct_department_performance").fetchone()
    finally:
        con.close()
    return Insights(
        movements=_grouped(movements, "data_source", "quarter_to", "trust_code"),
        contributions=_grouped(contributions, "data_source", "quarter_to", "trust_code"),
        departments=_grouped(departments, "quarter", "trust_code"),
        hidden=hidden,
        vintages=_grouped(vintages, "data_source", "quarter", "trust_code"),
        min_denominator=denominators[0] if denominators else None,
        available=True,
    )


def _dot_plot(departments: list[Row]) -> dict[str, object]:
    """An inline SVG dot plot: one line per department, its national percentile (0 worst, 100 best) as a dot,
    the national bottom decile shaded."""
    left, width, step = 330, 400, 18
    rows = []
    for i, d in enumerate(departments):
        label = f"{d['department_group']}: {d['department']}"
        rows.append(
            {
                "y": 20 + i * step,
                "x": left + width * float(d["national_percentile"]),
                "label": label if len(label) <= 52 else label[:51] + "\u2026",
                "title": f"{label}: {d['value']:.1f}% (national median {d['national_median']:.1f}%, "
                f"{d['peers_assessed']} trusts), percentile {100 * float(d['national_percentile']):.0f}",
                "bottom": bool(d["is_bottom_decile"]),
                "department": d["department"],
            }
        )
    return {
        "left": left,
        "width": width,
        "height": 40 + len(rows) * step,
        "decile": width * 0.1,
        "rows": rows,
    }


def render_insight_pages(
    insights: Insights, env: jinja2.Environment, out_dir: Path, league: list[Row], common: dict[str, object]
) -> list[dict[str, str]]:
    """Write the biggest-movers pages (per data source, cohort and quarter) and the departments cohort pages (per
    quarter and cohort); return the links for the index."""
    links: list[dict[str, str]] = []
    if not insights.available:
        _write_insights_index(env, out_dir, links, common)
        return links
    names = {(r["data_source"], r["quarter"], r["trust_code"]): r["trust_name"] for r in league}
    by_table = _grouped([m for ms in insights.movements.values() for m in ms], "data_source", "quarter_to", "cohort")
    template = env.get_template("movers.html")
    for (source, quarter, cohort), rows in sorted(by_table.items()):
        movers = sorted(rows, key=lambda m: (-abs(m["rank_change"]), m["league_rank_to"], m["trust_code"]))
        for m in movers:
            m["trust_name"] = names.get((source, quarter, m["trust_code"]), m["trust_code"])
            top = sorted(
                (c for c in insights.contributions.get((source, quarter, m["trust_code"]), []) if c["contribution"]),
                key=lambda c: (-abs(c["contribution"]), c["metric_id"], c["kind"]),
            )
            m["top_contribution"] = top[0] if top else None
        path = movers_path(source, quarter, cohort)
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / path).write_text(
            template.render(
                root="../../",
                data_source=source,
                quarter=quarter,
                cohort=cohort,
                quarter_from=rows[0]["quarter_from"],
                movers=movers[:MOVERS_SHOWN],
                moved=sum(1 for m in rows if m["rank_change"]),
                segment_moved=sum(1 for m in rows if m["final_segment_change"]),
                total=len(rows),
                kind_labels=_KIND_LABELS,
                **common,
            ),
            encoding="utf-8",
        )
        links.append({"kind": "movers", "label": f"{quarter} · {cohort_label(cohort)} ({source})", "path": path})
    template = env.get_template("hidden_variation.html")
    for (quarter, cohort), rows in sorted(_grouped(insights.hidden, "quarter", "cohort").items()):
        if not cohort:
            continue
        flagged = [r for r in rows if r["is_well_ranked"] and r["departments_in_bottom_decile"]]
        path = departments_path(quarter, cohort)
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / path).write_text(
            template.render(
                root="../../",
                quarter=quarter,
                cohort=cohort,
                rows=flagged,
                well_ranked=sum(1 for r in rows if r["is_well_ranked"]),
                trusts=len(rows),
                min_denominator=insights.min_denominator,
                **common,
            ),
            encoding="utf-8",
        )
        links.append({"kind": "departments", "label": f"{quarter} · {cohort_label(cohort)}", "path": path})
    _write_insights_index(env, out_dir, links, common)
    return links


def _write_insights_index(
    env: jinja2.Environment, out_dir: Path, links: list[dict[str, str]], common: dict[str, object]
) -> None:
    template = env.get_template("insights.html")
    (out_dir / "insights.html").write_text(template.render(root="", links=links, **common), encoding="utf-8")
