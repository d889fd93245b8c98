"""Fixtures shared by the test modules.

``embedded``: the embedded default data (``data/``) landed, built (``dbt build`` with every model and data test;
dbt's unit tests are excluded from builds and run on this one by test_dbt_unit_tests), gated and published ONCE
per test session, into a temporary folder. Building the warehouse is what makes the suite slow, and
test_pipeline, test_publish and test_site all need the same build of the same input.

The build is shared read-only. A test that changes a warehouse, a landing zone or a releases folder works on a
copy (``copy_landing``, ``copy_warehouse``, ``copy_releases``); at the end of the session the shared folder is
checked against the listing taken when it was built, so a test that writes into it fails loudly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from oversight import paths
from oversight.publish import PublishResult, publish


@dataclass(frozen=True)
class EmbeddedBuild:
    """The session's build and release of ``data/``: read it, never write to it (copy first)."""

    work: Path
    landing: Path  # the landing zone the build read
    warehouse: Path  # the built DuckDB file (passed the quality gate)
    releases: Path  # one release, pointed to by ``releases/latest``
    result: PublishResult

    def copy_landing(self, target: Path) -> Path:
        """A copy of the landing zone at ``target`` (lineage is stored relative to it, so the copy is complete)."""
        shutil.copytree(self.landing, target)
        return target

    def copy_warehouse(self, target: Path) -> Path:
        """A copy of the warehouse file at ``target`` (dbt closed it, so there is no WAL to copy)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.warehouse, target)
        return target

    def copy_releases(self, target: Path) -> Path:
        """A copy of the releases folder at ``target``; ``latest`` stays a relative link to the copied release."""
        shutil.copytree(self.releases, target, symlinks=True)
        return target


def _listing(folder: Path) -> dict[str, tuple[int, int] | str]:
    """Every file (size, mtime) and symbolic link (target) under ``folder``; lock files excluded."""
    listing: dict[str, tuple[int, int] | str] = {}
    for path in sorted(folder.rglob("*")):
        if path.name == ".lock":
            continue
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            listing[rel] = os.readlink(path)
        elif path.is_file():
            stat = path.stat()
            listing[rel] = (stat.st_size, stat.st_mtime_ns)
    return listing


@pytest.fixture(scope="session")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBuild]:
    """``data/`` landed, built, gated and published once (``oversight publish`` with the default options)."""
    work = tmp_path_factory.mktemp("embedded")
    landing = work / "warehouse" / "landing"
    warehouse = work / "warehouse" / "oversight.duckdb"
    releases = work / "releases"
    result = publish(paths.default_data_dir(), landing, warehouse, releases)
    before = _listing(work)
    yield EmbeddedBuild(work=work, landing=landing, warehouse=warehouse, releases=releases, result=result)
    after = _listing(work)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"a test wrote into the shared build of data/ (copy it first): {changed[:10]}"
