"""Synthetic data is marked at landing (``_synthetic`` lineage) and can never reach a release."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from oversight import paths
from oversight.landing import is_synthetic, land, synthetic_sources
from oversight.publish import PublishError, publish

AE_JULY = paths.repo_root() / "data" / "nhse_ae" / "July-2025-CSV-9jfy4.csv"
SEEDS = paths.repo_root() / "seeds"


def test_is_synthetic_reads_the_name_and_the_folder() -> None:
    assert is_synthetic("Monthly-AE-July-2025-SYNTHETIC.csv")
    assert is_synthetic("synthetic/July-2025-CSV-9jfy4.csv")
    assert not is_synthetic("nhse_ae/July-2025-CSV-9jfy4.csv")


def test_landing_marks_synthetic_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "real").mkdir(parents=True)
    shutil.copyfile(AE_JULY, data / "real" / AE_JULY.name)
    (data / "fake").mkdir()
    fake = data / "fake" / "August-2025-CSV-SYNTHETIC.csv"
    fake.write_bytes(AE_JULY.read_bytes().replace(b"MSitAE-JULY-2025", b"MSitAE-AUGUST-2025"))
    landing = tmp_path / "landing"
    land(data, landing, SEEDS)
    rows = duckdb.sql(
        f"SELECT _source_file, bool_and(_synthetic), bool_or(_synthetic), count(*) "
        f"FROM read_parquet('{landing}/nhse_ae_monthly/*.parquet') GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("August-2025-CSV-SYNTHETIC.csv", True, True),
        (AE_JULY.name, False, False),
    ]
    assert synthetic_sources(landing) == ["fake/August-2025-CSV-SYNTHETIC.csv"]


def test_publish_refuses_a_data_dir_with_synthetic_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(AE_JULY, data / "July-2025-CSV-SYNTHETIC.csv")
    releases = tmp_path / "releases"
    with pytest.raises(PublishError, match="synthetic"):
        publish(data, tmp_path / "landing", tmp_path / "warehouse" / "w.duckdb", releases)
    assert not (tmp_path / "landing").exists(), "refused before landing anything"
    assert not (releases / "latest").exists()


def test_publish_refuses_a_landing_dir_holding_synthetic_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(AE_JULY, data / "July-2025-CSV-SYNTHETIC.csv")
    landing = tmp_path / "landing"
    land(data, landing, SEEDS)
    warehouse = tmp_path / "warehouse" / "w.duckdb"
    warehouse.parent.mkdir()
    duckdb.connect(str(warehouse)).close()
    releases = tmp_path / "releases"
    with pytest.raises(PublishError, match=r"July-2025-CSV-SYNTHETIC\.csv"):
        publish(landing_dir=landing, duckdb_path=warehouse, releases_dir=releases, rebuild=False)
    assert not (releases / "latest").exists()
