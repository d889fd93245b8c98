"""The landing schema has one declaration: the collection registry. The dbt sources file must agree with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_landing_sources", ROOT / "scripts" / "check_landing_sources.py")
assert _spec and _spec.loader
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def test_sources_file_declares_what_the_registry_lands() -> None:
    assert check.differences() == []
    assert check.main([]) == 0


def _mutated(tmp_path: Path, change) -> Path:
    doc = yaml.safe_load(check.SOURCES_YML.read_text(encoding="utf-8"))
    change(doc["sources"][0]["tables"])
    out = tmp_path / "_landing__sources.yml"
    out.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return out


def test_check_reports_a_dropped_column_a_changed_type_and_a_stray_table(tmp_path: Path) -> None:
    def change(tables: list[dict]) -> None:
        first = tables[0]
        dropped = first["columns"].pop(1)["name"]
        first["columns"][0]["data_type"] = "bigint"
        tables.append({"name": "not_a_collection", "columns": [{"name": "x", "data_type": "varchar"}]})
        change.dropped = (first["name"], dropped)

    path = _mutated(tmp_path, change)
    found = check.differences(path)
    table, column = change.dropped
    assert any(line.startswith(f"{table}: columns differ") and column in line and "bigint" in line for line in found)
    assert any(line.startswith("not_a_collection: in") for line in found)
    assert check.main(["--sources", str(path)]) == 1


def test_check_reports_a_table_the_registry_lands_but_the_sources_file_omits(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda tables: tables.pop())
    (line,) = check.differences(path)
    assert "missing from" in line
