"""The landing schema has one declaration: the collection registry. The dbt sources files are generated from it."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("generate_sources", ROOT / "scripts" / "generate_sources.py")
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


def test_committed_sources_files_are_what_the_registry_generates() -> None:
    assert gen.differences() == []
    assert gen.main([]) == 0


def test_one_source_per_publisher_folder_beside_its_models() -> None:
    for path in gen.generate():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        (source,) = doc["sources"]
        assert path == gen.STAGING / source["name"] / f"_{source['name']}__sources.yml"
        assert any(path.parent.glob("stg_*.sql")), f"{path}: no staging model beside it"
    assert not (gen.STAGING / "_landing__sources.yml").exists()


def test_every_source_column_is_typed_and_described() -> None:
    for text in gen.generate().values():
        for table in yaml.safe_load(text)["sources"][0]["tables"]:
            assert table["description"]
            for column in table["columns"]:
                assert column["data_type"] and column["description"], (table["name"], column["name"])


def test_collections_belong_to_the_folder_their_name_starts_with() -> None:
    folders = gen.staging_folders()
    assert gen.publisher_of("nhse_ae_monthly", folders) == "nhse_ae"
    assert gen.publisher_of("nhse_ambsys_time_series", folders) == "nhse_ambsys"
    assert gen.publisher_of("nof_input_hcai", folders) == "nof_inputs"
    assert gen.publisher_of("chs_waiting_list_total", folders) == "chs_waiting_lists"
    with pytest.raises(ValueError, match="exactly one publisher folder"):
        gen.publisher_of("new_publisher_table", folders)


@pytest.fixture
def staging_copy(tmp_path: Path) -> Path:
    """A copy of models/staging holding only the sources files."""
    staging = tmp_path / "staging"
    for folder in gen.staging_folders():
        (staging / folder).mkdir(parents=True)
        for path in (gen.STAGING / folder).glob(gen.SOURCES_GLOB):
            shutil.copy(path, staging / folder / path.name)
    return staging


def _edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc["sources"][0]["tables"])
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_check_reports_a_dropped_column_a_changed_type_and_a_stray_table(staging_copy: Path) -> None:
    path = gen.sources_path(staging_copy, "nhse_nof")

    def change(tables: list[dict]) -> None:
        tables[0]["columns"].pop(1)
        tables[0]["columns"][0]["data_type"] = "bigint"
        tables.append({"name": "not_a_collection", "columns": [{"name": "x", "data_type": "varchar"}]})

    _edit(path, change)
    found = gen.differences(staging_copy)
    (differ,) = [line for line in found if "nhse_nof.nhse_nof_data: columns differ" in line]
    assert "region" in differ and "bigint" in differ
    assert any("nhse_nof.not_a_collection: declared, not a collection" in line for line in found)
    assert gen.main(["--staging", str(staging_copy)]) == 1


def test_check_reports_missing_stale_and_hand_edited_files(staging_copy: Path) -> None:
    gen.sources_path(staging_copy, "ods").unlink()
    (staging_copy / "_landing__sources.yml").write_text("version: 2\n", encoding="utf-8")
    edited = gen.sources_path(staging_copy, "csds")
    edited.write_text(edited.read_text(encoding="utf-8").replace("Name of the raw file", "Raw file"), "utf-8")
    found = gen.differences(staging_copy)
    assert any(line.endswith("_ods__sources.yml: missing (the registry lands ods.ods_etr)") for line in found)
    assert any("_landing__sources.yml: not generated from the registry" in line for line in found)
    assert any("_csds__sources.yml: descriptions or layout differ" in line for line in found)
    assert len(found) == 3


def test_write_regenerates_every_file_and_removes_stale_ones(staging_copy: Path) -> None:
    gen.sources_path(staging_copy, "ods").unlink()
    (staging_copy / "_landing__sources.yml").write_text("version: 2\n", encoding="utf-8")
    assert gen.main(["--write", "--staging", str(staging_copy)]) == 0
    assert gen.differences(staging_copy) == []
    assert gen.write(staging_copy) == []
