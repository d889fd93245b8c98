"""Reproducible builds (issue 11): two builds of the same landed inputs give identical marts and releases.

The session's build of ``data/`` (``embedded``) is the first build; this module makes a second one from a copy of
the same landing zone (one more ``dbt build``, gate and release) and compares them: every mart with ``EXCEPT ALL``
both ways, and every release file byte for byte apart from the timestamps a release records on purpose (the
manifest's ``created_at``, the site's "generated" line, the Great Expectations run identifiers in Data Docs).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from oversight import paths
from oversight.publish import PublishResult, publish

if TYPE_CHECKING:
    from conftest import EmbeddedBuild

#: Release files that carry the time of the run by design: compared after removing the timestamp.
_GENERATED = re.compile(rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


@pytest.fixture(scope="module")
def second_build(embedded: EmbeddedBuild, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PublishResult]:
    """A second land (nothing new), build, gate and release of the same landed inputs: (warehouse, result)."""
    work = tmp_path_factory.mktemp("second_build")
    landing = embedded.copy_landing(work / "warehouse" / "landing")
    warehouse = work / "warehouse" / "oversight.duckdb"
    return warehouse, publish(paths.default_data_dir(), landing, warehouse, work / "releases")


def _tables(con: duckdb.DuckDBPyConnection, database: str, schema: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
            "union select view_name from duckdb_views() where database_name = ? and schema_name = ? order by 1",
            [database, schema, database, schema],
        ).fetchall()
    ]


def test_two_builds_of_the_same_landed_inputs_give_identical_marts(
    embedded: EmbeddedBuild, second_build: tuple[Path, PublishResult]
) -> None:
    second = second_build[0]
    con = duckdb.connect()
    con.execute(f"attach '{embedded.warehouse}' as first_build (read_only)")
    con.execute(f"attach '{second}' as second_build (read_only)")
    compared = {}
    for schema in ("marts", "intermediate"):
        tables = _tables(con, "first_build", schema)
        assert tables == _tables(con, "second_build", schema)
        for table in tables:
            first, other = f"first_build.{schema}.{table}", f"second_build.{schema}.{table}"
            only_first = con.execute(f"select count(*) from (from {first} except all from {other})").fetchone()
            only_second = con.execute(f"select count(*) from (from {other} except all from {first})").fetchone()
            compared[f"{schema}.{table}"] = (only_first[0], only_second[0])  # type: ignore[index]
    assert "marts.rpt_league_table" in compared and "marts.fct_metric_scores" in compared
    assert {table: rows for table, rows in compared.items() if rows != (0, 0)} == {}


def _release_files(release: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(release.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(release).as_posix()
        content = path.read_bytes()
        if rel == "manifest.json":
            manifest = json.loads(content)
            manifest.pop("created_at")
            # the site's pages and Data Docs carry the run's time (compared below without it)
            manifest["files"] = {
                name: entry for name, entry in manifest["files"].items() if not name.startswith(("site/", "data_docs/"))
            }
            content = json.dumps(manifest, sort_keys=True).encode()
        elif rel.startswith("data_docs/"):
            # Great Expectations names each run's pages by its time: compared by count only
            files["data_docs/ (pages)"] = str(int(files.get("data_docs/ (pages)", b"0")) + 1).encode()
            continue
        elif rel.startswith("site/") and rel.endswith(".html"):
            content = _GENERATED.sub(b"<generated>", content)
        files[rel] = content
    return files


def test_two_builds_of_the_same_landed_inputs_give_identical_releases(
    embedded: EmbeddedBuild, second_build: tuple[Path, PublishResult]
) -> None:
    first = _release_files(embedded.result.release)
    second = _release_files(second_build[1].release)
    assert sorted(first) == sorted(second)
    assert any(name.startswith("marts/csv/") for name in first) and any(name.startswith("nhse/") for name in first)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
