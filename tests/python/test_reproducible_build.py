"""Reproducible builds (issue 11): two builds of the same landed inputs give identical marts and releases.

The session's build of ``data/`` (``embedded``) is the first build; this module makes a second one from a copy of
the same landing zone (one more ``dbt build``, gate and release) and compares them: every mart and intermediate
table with ``EXCEPT ALL`` both ways, and every release file, apart from the times a build records on purpose: the
manifest's ``created_at``, the site's "generated" line, the Great Expectations run pages in Data Docs, and the
build times the league-table snapshots record (``fct_league_vintages.first_built_at`` / ``current_since``, the only
TIMESTAMP columns of the marts, and the "Built first ..." line of the trust pages).
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

#: A date with a time of day (a build or run time; plain dates such as quarter starts are kept).
_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC)?")


@pytest.fixture(scope="module")
def second_build(embedded: EmbeddedBuild, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PublishResult]:
    """A second land (nothing new), build, gate and release of the same landed inputs: (warehouse, result)."""
    work = tmp_path_factory.mktemp("second_build")
    landing = embedded.copy_landing(work / "warehouse" / "landing")
    warehouse = work / "warehouse" / "oversight.duckdb"
    return warehouse, publish(paths.default_data_dir(), landing, warehouse, work / "releases")


def _columns_without_times(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The select list of ``relation`` without its TIMESTAMP columns (build times recorded by the snapshots)."""
    columns = con.execute(f"describe select * from {relation}").fetchall()
    return ", ".join(f'"{name}"' for name, kind, *_ in columns if not str(kind).startswith("TIMESTAMP"))


def _differing_rows(con: duckdb.DuckDBPyConnection, first: str, second: str) -> tuple[int, int]:
    """Rows only in ``first`` and rows only in ``second`` (EXCEPT ALL both ways), TIMESTAMP columns left out."""
    columns = _columns_without_times(con, first)
    assert columns == _columns_without_times(con, second)
    a, b = f"select {columns} from {first}", f"select {columns} from {second}"
    only_first = con.execute(f"select count(*) from ({a} except all {b})").fetchone()
    only_second = con.execute(f"select count(*) from ({b} except all {a})").fetchone()
    return only_first[0], only_second[0]


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
            compared[f"{schema}.{table}"] = _differing_rows(
                con, f"first_build.{schema}.{table}", f"second_build.{schema}.{table}"
            )
    assert "marts.rpt_league_table" in compared and "marts.fct_metric_scores" in compared
    assert {table: rows for table, rows in compared.items() if rows != (0, 0)} == {}


def _release_files(release: Path) -> dict[str, bytes]:
    """Every release file's content with run and build times replaced (Parquet files are compared apart)."""
    files = {}
    for path in sorted(release.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(release).as_posix()
        content = path.read_bytes()
        if rel == "manifest.json":
            manifest = json.loads(content)
            manifest.pop("created_at")
            # each file is compared below; Data Docs page names carry the run time
            manifest["files"] = sorted(name for name in manifest["files"] if not name.startswith("data_docs/"))
            content = json.dumps(manifest, sort_keys=True).encode()
        elif rel.startswith("data_docs/"):
            # Great Expectations names each run's pages by its time: compared by count only
            files["data_docs/ (pages)"] = str(int(files.get("data_docs/ (pages)", b"0")) + 1).encode()
            continue
        elif rel.endswith(".parquet"):
            content = b""  # compared by content in the test
        elif rel.endswith((".csv", ".html")):
            content = _TIME.sub(b"<time>", content)
        files[rel] = content
    return files


def test_two_builds_of_the_same_landed_inputs_give_identical_releases(
    embedded: EmbeddedBuild, second_build: tuple[Path, PublishResult]
) -> None:
    first_release, second_release = embedded.result.release, second_build[1].release
    first, second = _release_files(first_release), _release_files(second_release)
    assert sorted(first) == sorted(second)
    assert any(name.startswith("marts/csv/") for name in first) and any(name.startswith("nhse/") for name in first)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    parquet = [name for name in first if name.endswith(".parquet")]
    assert parquet
    con = duckdb.connect()
    differing_parquet = {
        name: rows
        for name in parquet
        if (
            rows := _differing_rows(
                con, f"read_parquet('{first_release / name}')", f"read_parquet('{second_release / name}')"
            )
        )
        != (0, 0)
    }
    assert differing_parquet == {}
