"""The command line and its plumbing, without a build: help and version, one name per collection, the vars a build
is given (the user's merged with the pipeline's), the reconciliation gate's check before building, progress lines,
the lock helper's ``on_wait`` and the settings read from dbt's artifacts.

The build with another cut-point method (the settings taking effect and recorded) is in test_publish.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import threading
import time
from pathlib import Path

import pytest

from oversight import collections, pipeline
from oversight.artifacts import DbtArtifacts, project_vars
from oversight.cli import COMMANDS, _parser, main, quiet_libraries
from oversight.fetch import PUBLICATIONS, FetchError, publication_for
from oversight.files import exclusive_lock
from oversight.pipeline import BuildError, _build_command, check_reconciliation_gate, merged_vars
from oversight.progress import step
from oversight.publish import methodology_settings, reconciliation_gate

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from generate_sources import publisher_of, staging_folders  # noqa: E402

# ---------------------------------------------------------------------------------------------------------
# help, version


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("oversight ") and out.split()[1][0].isdigit()


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_subcommand_has_a_description_and_help_has_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    parser = _parser()
    subcommands = _subparsers(parser)
    assert set(subcommands) == set(COMMANDS) == {"run", "publish", "land", "build", "fetch"}
    texts = [parser.format_help()]
    for name, sub in subcommands.items():
        assert sub.description and len(sub.description) > 40, name
        texts.append(sub.format_help())
    for text in texts:
        assert "``" not in text and ":func:" not in text and ":class:" not in text
    assert all(name in texts[0] for name in COMMANDS)


def test_no_reconciliation_gate_option_on_building_commands() -> None:
    for name in ("run", "publish", "build"):
        args = _parser().parse_args([name, "--no-reconciliation-gate"])
        assert args.no_reconciliation_gate is True
        assert _parser().parse_args([name]).no_reconciliation_gate is False


# ---------------------------------------------------------------------------------------------------------
# one name per collection


def test_fetch_names_collections_as_the_landing_registry_does() -> None:
    registry = {c.name for c in collections.COLLECTIONS}
    folders = staging_folders()
    for key, publication in PUBLICATIONS.items():
        assert key == publication.collection
        for name in (publication.collection, *publication.also_lands):
            assert name in registry, f"fetch names {name!r}, the landing registry does not"
            assert publication_for(name) is publication
            # its folder of data/ is its publisher's folder of models/staging (and of the embedded data/)
            assert publication.folder == publisher_of(name, folders), name
    assert publication_for("nhs_sickness_absence").folder == "nhs_sickness_absence"
    with pytest.raises(FetchError, match="unknown collection 'nhsd_sickness_absence'"):
        publication_for("nhsd_sickness_absence")


def test_no_other_name_for_a_collection_in_the_code() -> None:
    """The names fetch used before (and their folders) are gone from the package and scripts."""
    old = ("nhsd_sickness_absence", "nhse_chs_waiting_lists", "workforce_sickness_absence")
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not [name for name in old if name in text], path


# ---------------------------------------------------------------------------------------------------------
# vars: the user's merged with the pipeline's


def test_user_vars_merge_with_the_pipelines_and_win() -> None:
    pipeline_vars = {"check_embedded_data": True, "segment_cut_point_method": "inferred_from_published"}
    args = ["--vars", "{segment_cut_point_method: pooled_quartiles}", "--threads", "1", "--vars={bootstrap_seed: 7}"]
    rest, merged = merged_vars(args, pipeline_vars)
    assert rest == ["--threads", "1"]
    assert merged == {"check_embedded_data": True, "segment_cut_point_method": "pooled_quartiles", "bootstrap_seed": 7}
    assert pipeline_vars["segment_cut_point_method"] == "inferred_from_published"  # not changed in place
    command = _build_command(ROOT, ROOT / "target", args, pipeline_vars, unit_tests=False)
    assert command.count("--vars") == 1 and not any(a.startswith("--vars=") for a in command)
    assert json.loads(command[command.index("--vars") + 1]) == merged
    assert "--threads" in command
    with pytest.raises(BuildError, match="expected a YAML mapping"):
        merged_vars(["--vars", "[1, 2]"], None)


def test_a_method_that_cannot_reconcile_is_refused_before_building() -> None:
    assert project_vars()["segment_cut_point_method"] in pipeline.RECONCILING_CUT_POINT_METHODS
    check_reconciliation_gate({})  # the project's default method reconciles
    with pytest.raises(BuildError, match=r"'pooled_quartiles' cannot pass the reconciliation gate.*no-reconciliation"):
        check_reconciliation_gate({"segment_cut_point_method": "pooled_quartiles"})
    check_reconciliation_gate({"segment_cut_point_method": "pooled_quartiles", "reconciliation_gate": False})


def test_the_cli_refuses_before_landing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    landing = tmp_path / "landing"
    code = main(
        [
            "run",
            "--landing-dir",
            str(landing),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--releases-dir",
            str(tmp_path / "releases"),
            "--dbt-arg=--vars",
            "--dbt-arg={segment_cut_point_method: fixed}",
        ]
    )
    assert code == 1
    assert "'fixed' cannot pass the reconciliation gate" in capsys.readouterr().err
    assert not landing.exists() and not (tmp_path / "w.duckdb").exists()


# ---------------------------------------------------------------------------------------------------------
# settings from dbt's artifacts


def _artifacts(cli_vars: dict[str, object] | None) -> DbtArtifacts:
    manifest = {
        "metadata": {"project_name": "oversight"},
        "nodes": {},
        "docs": {
            "oversight.var__segment_cut_point_method": {
                "name": "var__segment_cut_point_method",
                "package_name": "oversight",
                "block_contents": "Segment\n  cut-points.",
            },
            "oversight.doc_other": {"name": "trust_code", "package_name": "oversight", "block_contents": "x"},
            "dbt.var__x": {"name": "var__x", "package_name": "dbt", "block_contents": "not ours"},
        },
    }
    results = None if cli_vars is None else {"args": {"vars": cli_vars}, "results": []}
    return DbtArtifacts(manifest=manifest, run_results=results)


def test_settings_are_the_vars_dbt_ran_with() -> None:
    defaults = project_vars()
    built = _artifacts({"segment_cut_point_method": "fixed", "reconciliation_gate": False})
    settings = methodology_settings(built)
    assert settings["segment_cut_point_method"] == "fixed"
    assert settings["bootstrap_replicates"] == defaults["bootstrap_replicates"]
    assert "landing_dir" not in settings
    assert reconciliation_gate(settings)["enforced"] is False
    assert methodology_settings(_artifacts(None))["segment_cut_point_method"] == defaults["segment_cut_point_method"]
    assert reconciliation_gate(methodology_settings(_artifacts({}))) == {"enforced": True}
    assert built.var_descriptions() == {"segment_cut_point_method": "Segment cut-points."}


def test_every_var_is_documented_by_a_doc_block() -> None:
    """Each var of dbt_project.yml (and the orchestrator's) has its ``var__<name>`` doc block in models/_vars.md."""
    text = (ROOT / "models" / "_vars.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"{%\s*docs\s+var__(\w+)\s*%}", text))
    passed = {"check_embedded_data", "reconciliation_exceptions", "reconciliation_gate"}
    assert documented == set(project_vars()) | passed


# ---------------------------------------------------------------------------------------------------------
# progress, locks


def test_progress_lines_with_elapsed_time(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="oversight.progress")
    with step("dbt build"):
        pass
    with pytest.raises(RuntimeError), step("quality gate"):
        raise RuntimeError("boom")
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "dbt build ..."
    assert lines[1].startswith("dbt build: done in ") and lines[1].endswith(" s")
    assert lines[3].startswith("quality gate: failed after ")


def test_a_held_lock_says_it_is_waiting(tmp_path: Path) -> None:
    lock = tmp_path / ".lock"
    waited: list[Path] = []
    acquired = threading.Event()

    def second() -> None:
        with exclusive_lock(lock, on_wait=waited.append):
            acquired.set()

    with exclusive_lock(lock):
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 10
        while not waited and time.monotonic() < deadline:
            time.sleep(0.01)
        assert waited == [lock] and not acquired.is_set()
    thread.join(10)
    assert acquired.is_set()
    waited.clear()
    with exclusive_lock(lock, on_wait=waited.append):
        pass
    assert waited == []  # a free lock: no waiting line


def test_the_default_waiting_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="oversight.files")
    lock = tmp_path / ".lock"

    def second() -> None:
        with exclusive_lock(lock):
            pass

    with exclusive_lock(lock):
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 10
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.01)
    thread.join(10)
    assert any(f"waiting for the lock on {lock}" in r.getMessage() for r in caplog.records)


def test_publish_uses_the_one_lock_helper() -> None:
    source = (ROOT / "src" / "oversight" / "publish.py").read_text(encoding="utf-8")
    assert "fcntl" not in source and "exclusive_lock(" in source
    for path in (ROOT / "src").rglob("*.py"):
        if path.name != "files.py":
            assert "fcntl" not in path.read_text(encoding="utf-8"), path


def test_great_expectations_information_lines_are_silenced() -> None:
    def record(name: str, level: int) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, "message", None, None)

    # great_expectations.data_context.types.base sets its own logger to INFO: a filter, not a level, silences it
    assert not quiet_libraries(record("great_expectations.data_context.types.base", logging.INFO))
    assert quiet_libraries(record("great_expectations.core", logging.WARNING))
    assert quiet_libraries(record("oversight.progress", logging.INFO))
    assert quiet_libraries(record("oversight.landing", logging.INFO))
