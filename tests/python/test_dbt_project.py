"""Plain dbt as a first-class way in (issue 12 items 3 and 4): the project's own metadata, read from ``dbt parse``
(macros documented, selectors, targets, source freshness from the registry, contracts with constraints, every mart
joined to dim_quarter, exposures, the semantic layer), and plain dbt commands run on the session's landing zone
(an unlanded build says "land first", ``dbt build -s +rpt_league_table`` on a fresh warehouse, ``dbt source
freshness``, the README's "Using dbt directly" commands).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest
import yaml

from oversight import paths
from oversight.collections import COLLECTIONS

if TYPE_CHECKING:
    from conftest import EmbeddedBuild

ROOT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
LAND_FIRST = "nothing is landed: run `oversight land` first"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_")}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.update(extra)
    return env


def _dbt(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [DBT, *args, "--project-dir", str(cwd), "--profiles-dir", str(cwd)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The target folder of a ``dbt parse`` of the project (manifest.json, semantic_manifest.json)."""
    target = tmp_path_factory.mktemp("project_target")
    completed = _dbt(["parse", "--target-path", str(target)], _env())
    assert completed.returncode == 0, completed.stdout[-3000:]
    yield target


@pytest.fixture(scope="module")
def manifest(parsed: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((parsed / "manifest.json").read_text())
    return loaded


def _public_marts(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n.get("access") == "public" and n.get("group") == "nof_outputs"
    }


def _tests_of(manifest: dict[str, Any], model: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n.get("attached_node") == model["unique_id"]
    ]


# -- the project's metadata -------------------------------------------------------------------------------


_SIGNATURE = re.compile(r"{%-?\s*(macro|test)\s+(\w+)\s*\(([^)]*)\)")


def test_every_macro_is_documented(manifest: dict[str, Any]) -> None:
    """macros/_macros.yml describes every macro of the project and each of its arguments."""
    problems = []
    macros = [m for m in manifest["macros"].values() if m["package_name"] == "oversight"]
    assert len(macros) > 30
    for macro in macros:
        found = _SIGNATURE.search(macro["macro_sql"])
        assert found, macro["name"]
        wanted = [a.split("=")[0].strip() for a in found.group(3).split(",") if a.strip()]
        documented = {a["name"]: a.get("description") for a in macro.get("arguments") or []}
        if not macro.get("description"):
            problems.append(f"{macro['name']}: no description")
        if sorted(documented) != sorted(wanted) or not all(documented.values()):
            problems.append(f"{macro['name']}: arguments {wanted}, documented {documented}")
    assert not problems, "\n".join(problems)


def test_release_exports_every_public_mart(manifest: dict[str, Any]) -> None:
    exposure = next(e for e in manifest["exposures"].values() if e["name"] == "release_exports")
    exported = {ref["name"] for ref in exposure["refs"]}
    assert set(_public_marts(manifest)) == exported


def _key(manifest: dict[str, Any], model: dict[str, Any]) -> list[str]:
    for test in _tests_of(manifest, model):
        meta = test.get("test_metadata") or {}
        if meta.get("name") == "unique_combination":
            return list(meta["kwargs"]["columns"])
    unique = {
        t["column_name"] for t in _tests_of(manifest, model) if (t.get("test_metadata") or {}).get("name") == "unique"
    }
    not_null = {
        t["column_name"] for t in _tests_of(manifest, model) if (t.get("test_metadata") or {}).get("name") == "not_null"
    }
    return sorted(unique & not_null)[:1]


def test_public_marts_declare_primary_key_and_not_null_constraints(manifest: dict[str, Any]) -> None:
    """Each public mart's contract carries its tested key as a primary-key constraint, key columns not null."""
    problems = []
    for name, model in sorted(_public_marts(manifest).items()):
        key = _key(manifest, model)
        primary = [c["columns"] for c in model.get("constraints") or [] if c["type"] == "primary_key"]
        if primary != [key]:
            problems.append(f"{name}: primary key constraint {primary}, tested key {key}")
        for column in key:
            kinds = [c["type"] for c in model["columns"][column].get("constraints") or []]
            if "not_null" not in kinds:
                problems.append(f"{name}.{column}: no not_null constraint")
    assert not problems, "\n".join(problems)


def test_every_mart_with_a_quarter_relates_to_dim_quarter(manifest: dict[str, Any]) -> None:
    missing = []
    for name, model in sorted(_public_marts(manifest).items()):
        if "quarter" not in model["columns"] or name == "dim_quarter":
            continue
        related = [
            t
            for t in _tests_of(manifest, model)
            if (t.get("test_metadata") or {}).get("name") == "relationships"
            and t.get("column_name") == "quarter"
            and "model.oversight.dim_quarter" in t["depends_on"]["nodes"]
        ]
        if not related:
            missing.append(name)
    assert not missing


def test_semantic_layer_defines_the_league_table_metrics(parsed: Path) -> None:
    semantic = json.loads((parsed / "semantic_manifest.json").read_text())
    models = {m["name"]: m for m in semantic["semantic_models"]}
    assert models["league_table"]["node_relation"]["alias"] == "rpt_league_table"
    metrics = {m["name"] for m in semantic["metrics"]}
    segments = {f"trusts_in_segment_{n}" for n in range(1, 6)}
    assert {"average_score", "league_rank", "trusts_placed"} | segments <= metrics
    spines = {s["primary_column"]["time_granularity"] for s in semantic["project_configuration"]["time_spines"]}
    assert {"day", "quarter"} <= spines


def test_sources_freshness_follows_the_registry_cadence(manifest: dict[str, Any]) -> None:
    """Freshness comes from the collection registry's cadence (scripts/generate_sources.py), never by hand."""
    sources = {s["name"]: s for s in manifest["sources"].values()}
    for collection in COLLECTIONS:
        source = sources[collection.name]
        freshness = source["config"].get("freshness") or {}
        if collection.cadence is None:
            assert not (freshness.get("warn_after") or {}).get("count"), collection.name
            continue
        assert source["loaded_at_field"] == collection.period_end_sql(), collection.name
        assert freshness["warn_after"]["count"] < freshness["error_after"]["count"], collection.name


def test_profiles_have_dev_ci_and_prod_targets() -> None:
    profile = yaml.safe_load((ROOT / "profiles.yml").read_text())["oversight"]
    assert profile["target"] == "embedded"
    outputs = profile["outputs"]
    duckdb_targets = {"embedded", "dev", "ci", "prod"}
    assert set(outputs) == duckdb_targets | {"spark"}
    assert all(outputs[t]["type"] == "duckdb" and "OVERSIGHT_DUCKDB_PATH" in outputs[t]["path"] for t in duckdb_targets)
    assert outputs["spark"]["type"] == "spark" and outputs["spark"]["method"] == "session"
    assert "dev.duckdb" in outputs["dev"]["path"] and "ci.duckdb" in outputs["ci"]["path"]


@pytest.mark.parametrize("selector", ["nhse_nof", "returns", "staging", "intermediate", "marts"])
def test_each_selector_selects_models(selector: str, parsed: Path) -> None:
    completed = _dbt(
        ["ls", "--selector", selector, "--resource-type", "model", "--output", "name", "--target-path", str(parsed)],
        _env(),
    )
    assert completed.returncode == 0, completed.stdout[-2000:]
    names = [line.strip() for line in completed.stdout.splitlines() if re.fullmatch(r"\s*\w+\s*", line)]
    assert names, completed.stdout[-2000:]
    if selector in ("staging", "intermediate", "marts"):
        prefix = {"staging": "stg_", "intermediate": "int_", "marts": ("fct_", "dim_", "rpt_")}[selector]
        assert all(n.startswith(prefix) for n in names), names


# -- plain dbt commands -----------------------------------------------------------------------------------


def test_unlanded_build_says_land_first(tmp_path: Path) -> None:
    """Plain ``dbt build`` on a fresh directory stops at once with the message, not with failing tests."""
    empty = tmp_path / "landing"
    empty.mkdir()
    env = _env(OVERSIGHT_LANDING_DIR=str(empty), OVERSIGHT_DUCKDB_PATH=str(tmp_path / "fresh.duckdb"))
    completed = _dbt(["build", "--target-path", str(tmp_path / "target")], env)
    assert completed.returncode != 0
    assert LAND_FIRST in completed.stdout, completed.stdout[-3000:]
    assert "Got 7 results" not in completed.stdout


def test_source_freshness_reports_on_the_landed_data(embedded: EmbeddedBuild, tmp_path: Path) -> None:
    """``dbt source freshness`` checks every collection with a cadence and reports its age (stale or not)."""
    env = _env(OVERSIGHT_LANDING_DIR=str(embedded.landing), OVERSIGHT_DUCKDB_PATH=str(tmp_path / "fresh.duckdb"))
    target = tmp_path / "target"
    completed = _dbt(["source", "freshness", "--target-path", str(target)], env)
    output = target / "sources.json"
    assert output.is_file(), completed.stdout[-3000:]
    results = {r["unique_id"].split(".")[-1]: r for r in json.loads(output.read_text())["results"]}
    with_cadence = {c.name for c in COLLECTIONS if c.cadence is not None}
    assert set(results) == with_cadence
    statuses = {name: r["status"] for name, r in results.items()}
    assert set(statuses.values()) <= {"pass", "warn", "error"}, statuses  # no runtime error
    assert all(r["max_loaded_at"] for r in results.values())


def _readme_commands() -> list[str]:
    """The commands of the README's "Using dbt directly" code block (comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using dbt directly", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def _project_copy(target: Path) -> Path:
    """The dbt project (not the data, the virtual environment or any warehouse) copied to ``target``."""
    target.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy2(ROOT / name, target / name)
    for name in ("models", "macros", "seeds", "snapshots", "tests"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "python"))
    (target / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (target / "data").symlink_to(paths.default_data_dir())
    return target


def test_readme_dbt_commands_run_on_a_fresh_copy(embedded: EmbeddedBuild, tmp_path: Path) -> None:
    """The README's plain-dbt commands, run as written in a copy of the project: land (the session's landing
    copied in first, so landing only checks it), ``dbt build -s +rpt_league_table`` on a fresh warehouse (tests
    that reach models outside the selection must not run), freshness, a selector."""
    commands = _readme_commands()
    assert commands[0].startswith(".venv/bin/oversight land")
    assert any("build" in c and "+rpt_league_table" in c for c in commands)
    copy = _project_copy(tmp_path / "project")
    embedded.copy_landing(copy / "warehouse" / "landing")
    env = _env(OVERSIGHT_LANDING_DIR=str(copy / "warehouse" / "landing"), OVERSIGHT_DATA_DIR=str(copy / "data"))
    for command in commands:
        completed = subprocess.run(command, shell=True, cwd=copy, env=env, capture_output=True, text=True, check=False)
        stale = "source freshness" in command and completed.returncode == 1 and "ERROR STALE" in completed.stdout
        assert completed.returncode == 0 or stale, f"{command}\n{completed.stdout[-4000:]}\n{completed.stderr[-2000:]}"
    with duckdb.connect(str(copy / "warehouse" / "dev.duckdb"), read_only=True) as con:
        built = con.sql("select count(*) from marts.rpt_league_table").fetchall()
    assert built[0][0] > 0
