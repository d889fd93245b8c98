"""Finding one's way round the site (issue 12.6): the release's downloads page, the trust search and the links
between a trust's pages in each route.

- ``downloads.html``: the files of the release the site is part of (``site/`` sits in the release folder beside
  ``marts/``, ``nhse/``, ``data_docs/`` and ``manifest.json``), linked relatively so they open offline;
- ``search.html`` with ``assets/search-index.js``: a client-side index of every trust by name and code (a script,
  not JSON, so it loads from the file system too), each entry linking to the trust's latest page in each route.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from oversight.site_labels import quarter_slug

__all__ = ["DOWNLOADS_PATH", "SEARCH_PATH", "render_navigation_pages", "route_links"]

Row = dict[str, Any]

DOWNLOADS_PATH = "downloads.html"
SEARCH_PATH = "search.html"


def _trust_page(data_source: str, quarter: str, trust_code: str) -> str:
    # the trust pages' layout (oversight.site.trust_path; the code is checked there when the page is written)
    return f"{data_source}/{quarter_slug(quarter)}/trust/{trust_code}.html"


def route_links(league: list[Row]) -> dict[tuple[str, str, str], list[Row]]:
    """Per (data source, quarter, trust): the trust's page in every route, the same quarter where that route has
    it, else that route's latest quarter of the trust (``same_quarter`` says which)."""
    pages: dict[tuple[str, str], list[Row]] = {}
    for row in sorted(league, key=lambda r: (r["trust_code"], r["data_source"], r["quarter_start_date"])):
        pages.setdefault((row["trust_code"], row["data_source"]), []).append(row)
    sources = sorted({r["data_source"] for r in league})
    links: dict[tuple[str, str, str], list[Row]] = {}
    for row in league:
        entries = []
        for source in sources:
            history = pages.get((row["trust_code"], source))
            if not history:
                continue
            same = [h for h in history if h["quarter"] == row["quarter"]]
            target = same[0] if same else history[-1]
            entries.append(
                {
                    "data_source": source,
                    "quarter": target["quarter"],
                    "same_quarter": bool(same),
                    "current": source == row["data_source"],
                    "path": _trust_page(source, target["quarter"], row["trust_code"]),
                }
            )
        links[(row["data_source"], row["quarter"], row["trust_code"])] = entries
    return links


def _search_index(league: list[Row]) -> list[dict[str, object]]:
    """One entry per trust: its latest name and code, and its latest page in each route."""
    latest: dict[str, Row] = {}
    routes: dict[str, dict[str, Row]] = {}
    for row in sorted(league, key=lambda r: (r["quarter_start_date"], r["data_source"], r["trust_code"])):
        latest[row["trust_code"]] = row
        routes.setdefault(row["trust_code"], {})[row["data_source"]] = row
    return [
        {
            "code": code,
            "name": latest[code]["trust_name"],
            "pages": [
                {"source": source, "quarter": r["quarter"], "path": _trust_page(source, r["quarter"], code)}
                for source, r in sorted(routes[code].items())
            ],
        }
        for code in sorted(latest)
    ]


@dataclass(frozen=True)
class _Download:
    label: str
    path: str
    size: int


def _downloads(release: Path) -> dict[str, list[_Download]]:
    """The release's files by group, linked from ``site/`` (``../``); empty when the site is not in a release."""
    if not (release / "marts").is_dir():
        return {}

    def listed(folder: str, pattern: str) -> list[_Download]:
        return [
            _Download(p.name, f"../{p.relative_to(release).as_posix()}", p.stat().st_size)
            for p in sorted((release / folder).glob(pattern))
            if p.is_file()
        ]

    return {
        "csv": listed("marts/csv", "*.csv"),
        "parquet": listed("marts/parquet", "*.parquet"),
        "nhse": listed("nhse", "*"),
    }


def render_navigation_pages(
    env: jinja2.Environment, out_dir: Path, league: list[Row], common: Mapping[str, Any]
) -> None:
    """Write ``downloads.html``, ``search.html`` and ``assets/search-index.js`` into the site folder ``out_dir``."""
    index = json.dumps(_search_index(league), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    (out_dir / "assets").mkdir(parents=True, exist_ok=True)
    (out_dir / "assets" / "search-index.js").write_text(f"window.TRUST_SEARCH_INDEX = {index};\n", encoding="utf-8")
    (out_dir / SEARCH_PATH).write_text(env.get_template("search.html").render(root="", **common), encoding="utf-8")
    release = out_dir.resolve().parent
    (out_dir / DOWNLOADS_PATH).write_text(
        env.get_template("downloads.html").render(
            root="",
            downloads=_downloads(release),
            # written by the release after the site (its SHA-256 list covers the site): linked when in a release
            in_release=(release / "marts").is_dir(),
            **common,
        ),
        encoding="utf-8",
    )
