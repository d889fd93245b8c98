"""Reliability cases of the publish side (issue 11): what a hostile publisher or an unlucky operator can do after
landing. Each case runs on a temporary copy and asserts the message, the exit code and that the warehouse and
``releases/latest`` are byte for byte unchanged.

One real build per module (``hostile_build``): the embedded data with formula-like trust names injected where trust
names come from (NHS England's NOF data file, the ODS reference) and one trust closed in ODS, landed, built, gated and
published. The fault cases replace dbt with a stand-in that puts that build's warehouse in the scratch file and its
dbt artifacts in the build's target folder (``oversight.pipeline._run_child``), so each costs a landing of unchanged
files, not a dbt build.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from publish_cases import HOSTILE_NAMES, HOSTILE_ODS_NAMES, NOT_IN_ODS_AT_QUARTER, hostile_data

from oversight import exports, paths
from oversight import pipeline as pipeline_module
from oversight import publish as publish_module
from oversight.artifacts import target_dir_for
from oversight.cli import main
from oversight.publish import PublishResult, publish
from oversight.sanitise import FORMULA_TRIGGERS, UnsafeValueError, checked_ods_code, safe_csv_cell
from oversight.site import render_site


@dataclass(frozen=True)
class HostileBuild:
    data: Path
    landing: Path
    warehouse: Path
    releases: Path
    result: PublishResult


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    work = tmp_path_factory.mktemp("hostile_build")
    data = hostile_data(paths.default_data_dir(), work / "data")
    landing, warehouse, releases = work / "landing", work / "warehouse" / "oversight.duckdb", work / "releases"
    result = publish(data, landing, warehouse, releases)
    return HostileBuild(data, landing, warehouse, releases, result)


def _snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file and the target of every symbolic link under ``folder`` (lock files excluded)."""
    listing = {}
    for path in sorted(folder.rglob("*")):
        if path.name == ".lock":
            continue
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            listing[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            listing[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return listing


@dataclass
class Copy:
    """A temporary copy of the hostile build: its current warehouse differs from the build's (a marker table),
    so a swap of the candidate in would show."""

    data: Path
    landing: Path
    warehouse: Path
    releases: Path

    def argv(self, *extra: str) -> list[str]:
        return [
            "publish",
            "--data-dir",
            str(self.data),
            "--landing-dir",
            str(self.landing),
            "--warehouse",
            str(self.warehouse),
            "--releases-dir",
            str(self.releases),
            *extra,
        ]

    def state(self) -> tuple[str, dict[str, str], dict[str, str]]:
        return (
            hashlib.sha256(self.warehouse.read_bytes()).hexdigest(),
            _snapshot(self.releases),
            _snapshot(self.landing),
        )


@pytest.fixture
def copy(hostile_build: HostileBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Copy:
    landing = tmp_path / "landing"
    shutil.copytree(hostile_build.landing, landing)
    warehouse = tmp_path / "warehouse" / "oversight.duckdb"
    warehouse.parent.mkdir()
    shutil.copy2(hostile_build.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table main.previous_warehouse_marker as select 1 as marker")
    releases = tmp_path / "releases"
    shutil.copytree(hostile_build.releases, releases, symlinks=True)

    def fake_dbt(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
        shutil.copyfile(hostile_build.warehouse, env[paths.DUCKDB_PATH_ENV])
        # the build's artifacts (manifest.json, run_results.json) into the target folder the build was given
        target = Path(command[list(command).index("--target-path") + 1])
        shutil.copytree(target_dir_for(hostile_build.warehouse), target, dirs_exist_ok=True)
        return 0, "12:00:00  Done. PASS=1 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=1"

    monkeypatch.setattr(pipeline_module, "_run_child", fake_dbt)
    return Copy(hostile_build.data, landing, warehouse, releases)


def _no_leftovers(copy: Copy) -> None:
    assert not list((copy.releases / ".incomplete").glob("*"))
    assert not list(copy.warehouse.parent.glob("*.building*")) and not list(copy.warehouse.parent.glob("*.previous"))


# --- formula injection -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-1.5", "-1.5"),
        ("+2", "+2"),
        ("-3e-05", "-3e-05"),
        ("Leeds = good", "Leeds = good"),
        ("", ""),
        (None, None),
    ],
)
def test_safe_csv_cell_neutralises_formulas_and_keeps_numbers(cell: str | None, expected: str | None) -> None:
    assert safe_csv_cell(cell) == expected


def test_every_exported_csv_neutralises_formula_trust_names(hostile_build: HostileBuild) -> None:
    release = hostile_build.result.release
    csv_files = sorted(release.rglob("*.csv"))
    assert {p.parent.name for p in csv_files} == {"csv", "nhse"} and len(csv_files) >= 11
    cells = []
    for path in csv_files:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
            cells += [(path.name, cell) for cell in row]
    executable = [
        (name, cell)
        for name, cell in cells
        if cell.startswith(FORMULA_TRIGGERS) and safe_csv_cell(cell) != cell  # a number is not neutralised
    ]
    assert executable == []
    written = {cell for _, cell in cells}
    # every injected name reached the warehouse (the NOF names in the league table and the trust dimension, the ODS
    # names in the trust dimension; landing trims a leading tab or carriage return) and the CSV files neutralised it
    injected = {**HOSTILE_NAMES, **HOSTILE_ODS_NAMES}
    stored = duckdb.sql(
        f"""
        select trust_code, trust_name from '{release / "marts" / "parquet" / "rpt_league_table.parquet"}'
        union select trust_code, trust_name from '{release / "marts" / "parquet" / "dim_trust.parquet"}'
        """
    ).fetchall()
    # the Parquet exports keep the names as published (the returns route names trusts from the cohort seed)
    names = {code: name for code, name in stored if code in injected and name.strip() == injected[code].strip()}
    assert sorted(names) == sorted(injected)
    for code, name in names.items():
        assert "'" + name in written and name not in written, code


# --- trusts with no ODS record at the quarter ---------------------------------------------------------------------


def test_a_trust_with_no_ods_record_at_the_quarter_is_reported(hostile_build: HostileBuild) -> None:
    result = hostile_build.result
    assert [t["trust_code"] for t in result.absent_from_ods] == [NOT_IN_ODS_AT_QUARTER]
    assert f"warning: trust {NOT_IN_ODS_AT_QUARTER} (" in result.summary()
    manifest = json.loads((result.release / "manifest.json").read_text(encoding="utf-8"))
    assert [t["trust_code"] for t in manifest["trusts_absent_from_ods"]] == [NOT_IN_ODS_AT_QUARTER]
    # still ranked, with no ICB
    with duckdb.connect(str(hostile_build.warehouse), read_only=True) as con:
        icbs = con.execute(
            "select distinct icb_code from marts.rpt_league_table where trust_code = ?", [NOT_IN_ODS_AT_QUARTER]
        ).fetchall()
    assert icbs == [(None,)]


# --- trust codes that would become paths ----------------------------------------------------------------------


def test_a_trust_code_that_is_not_an_ods_code_never_becomes_a_path(hostile_build: HostileBuild, tmp_path: Path) -> None:
    assert checked_ods_code("G6V2S") == "G6V2S"
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(hostile_build.warehouse.read_bytes())
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.rpt_league_table set trust_code = '../../x' where trust_code = 'R0A'")
    site = tmp_path / "out" / "site"
    with pytest.raises(UnsafeValueError, match=r"trust code '\.\./\.\./x' is not an ODS organisation code"):
        render_site(warehouse, site, settings={})
    assert not list(tmp_path.rglob("x.html"))


# --- faults after landing -------------------------------------------------------------------------------------


def test_a_full_releases_disk_is_an_error_and_changes_nothing(
    copy: Copy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = copy.state()

    def full_disk(path: Path, header: list[str], rows: list[list[str]]) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(exports, "_write", full_disk)
    assert main(copy.argv()) == 1
    err = capsys.readouterr().err
    assert "error: the release could not be written: " in err
    assert "/nhse/nhs-oversight-framework-" in err and ": No space left on device" in err
    assert "nothing was published; the previous release is untouched (" in err and "Traceback" not in err
    assert copy.state() == before
    _no_leftovers(copy)


def test_a_quarter_folder_blocked_by_a_file_is_an_error_and_changes_nothing(
    copy: Copy, capsys: pytest.CaptureFixture[str]
) -> None:
    (copy.releases / "2025-26-Q1").write_text("not a folder\n", encoding="utf-8")
    before = copy.state()
    assert main(copy.argv("--quarter", "Q1 2025/26")) == 1
    err = capsys.readouterr().err
    assert f"error: {copy.releases.resolve() / '2025-26-Q1'} exists and is not a folder: move it away" in err
    assert "Traceback" not in err
    assert copy.state() == before
    _no_leftovers(copy)


def test_a_failure_after_the_swap_puts_the_previous_warehouse_back(
    copy: Copy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = copy.state()

    def latest_fails(releases: Path, release: Path) -> None:
        assert not (copy.warehouse.parent / "oversight.duckdb.building").exists()  # the candidate is in place
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(releases / "latest"))

    monkeypatch.setattr(publish_module, "_point_latest", latest_fails)
    assert main(copy.argv()) == 1
    err = capsys.readouterr().err
    assert f"error: the release could not be written: {copy.releases.resolve() / 'latest'}: Input/output error" in err
    assert copy.state() == before  # the warehouse swapped in was swapped back; the placed release withdrawn
    _no_leftovers(copy)


_KILLED_BUILD = textwrap.dedent(
    """
    import sys
    from oversight import pipeline
    from oversight.cli import main

    pid_file = sys.argv[3]
    sleeper = f"import os, time; open({pid_file!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    pipeline.dbt_command = lambda: [sys.executable, "-c", sleeper]
    sys.exit(main(["build", "--landing-dir", sys.argv[1], "--warehouse", sys.argv[2]]))
    """
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_killed_build_takes_its_dbt_child_with_it(copy: Copy, tmp_path: Path, sig: signal.Signals) -> None:
    before = copy.state()
    pid_file = tmp_path / "dbt.pid"
    parent = subprocess.Popen(
        [sys.executable, "-c", _KILLED_BUILD, str(copy.landing), str(copy.warehouse), str(pid_file)],
        stderr=subprocess.PIPE,
        text=True,
    )
    child = None
    try:
        for _ in range(600):  # the child writes its pid once it runs (no timing is asserted)
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        child = int(pid_file.read_text())
        parent.send_signal(sig)
        _, err = parent.communicate(timeout=120)
        assert parent.returncode == 128 + sig
        assert f"error: stopped by {sig.name}" in err and "Traceback" not in err
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)
    finally:
        parent.kill()
        if child is not None:
            with_child = Path(f"/proc/{child}")
            if with_child.exists():
                os.kill(child, signal.SIGKILL)
    assert copy.state() == before
    _no_leftovers(copy)
