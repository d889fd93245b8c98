"""The publication gate and releases, on the embedded real data (NHS England's MH&C NOF files, 2025/26).

The session's one build of ``data/`` (``embedded`` in conftest.py: landed, built, gated and published once) is
the first release; every gate test corrupts a copy of its warehouse with SQL and publishes that copy as it is
(``rebuild=False``) into a copy of its releases folder, so that the previous release can be compared byte for
byte. Expectations come from NHS England's published files, from invariants, or from the corruption the test
made, never from the gate's own output.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from oversight import paths
from oversight import publish as publish_module
from oversight.artifacts import DbtArtifacts, target_dir_for
from oversight.cli import main
from oversight.exports import DATA_COLUMNS, LEAGUE_COLUMNS
from oversight.pipeline import run
from oversight.publish import PublishError, publish
from oversight.quality import QualityGateError, load_config, run_gate

if TYPE_CHECKING:
    from conftest import EmbeddedBuild

NHSE_LEAGUE = "nhs-oversight-framework-mental-health-and-community-trust-league-table-q4-25-26.csv"
EXPORTED_DATA = "nhs-oversight-framework-mental-health-and-community-trust-data-q4-25-26.csv"
FAST = ["--exclude", "test_type:unit"]  # the unit tests run in the session's build of data/


def _artifacts(embedded: EmbeddedBuild) -> DbtArtifacts:
    """The manifest and run results of the session's build (its own target folder beside the warehouse)."""
    return DbtArtifacts.load(target_dir_for(embedded.warehouse))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _releases_state(releases: Path) -> tuple[str, dict[str, str], list[str]]:
    latest = releases / "latest"
    return (
        os.readlink(latest),
        _digest(latest.resolve()),
        sorted(str(p.relative_to(releases)) for p in releases.glob("[0-9]*/*")),  # published releases
    )


@pytest.fixture()
def copy(embedded: EmbeddedBuild, tmp_path: Path) -> Path:
    """A copy of the published warehouse, free to corrupt, with its build's dbt artifacts beside it."""
    warehouse = embedded.copy_warehouse(tmp_path / "warehouse" / "oversight.duckdb")
    shutil.copytree(target_dir_for(embedded.warehouse), target_dir_for(warehouse))
    return warehouse


@pytest.fixture()
def releases(embedded: EmbeddedBuild, tmp_path: Path) -> Path:
    """A copy of the releases folder holding the first release (``latest`` points to it), free to publish into."""
    return embedded.copy_releases(tmp_path / "releases")


# ---------------------------------------------------------------------------------------------------------
# The release


def test_release_layout_latest_and_site(embedded: EmbeddedBuild) -> None:
    result, releases = embedded.result, embedded.releases
    assert result.quarter == "Q4 2025/26"
    assert result.release.parent == releases / "2025-26-Q4"
    assert (releases / "latest").is_symlink() and (releases / "latest").resolve() == result.release
    assert result.site_index == result.release / "site" / "index.html" and result.site_index.is_file()
    assert (result.release / "data_docs" / "index.html").is_file()
    for mart in _artifacts(embedded).exported_marts():
        assert (result.release / "marts" / "parquet" / f"{mart}.parquet").is_file()
        assert (result.release / "marts" / "csv" / f"{mart}.csv").is_file()
    assert not any((releases / ".incomplete").iterdir())


def test_manifest_counts_checksums_and_provenance(embedded: EmbeddedBuild) -> None:
    result = embedded.result
    manifest = json.loads((result.release / "manifest.json").read_text())
    exported = _artifacts(embedded).exported_marts()
    assert list(manifest["row_counts"]) == list(exported)
    with duckdb.connect(str(embedded.warehouse), read_only=True) as con:
        for mart in exported:
            count = con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            assert manifest["row_counts"][mart] == count, mart
            parquet = (result.release / "marts" / "parquet" / f"{mart}.parquet").as_posix()
            assert con.execute(f"select count(*) from '{parquet}'").fetchone()[0] == count
        published_route = con.execute(
            "select count(*) from marts.rpt_league_table where data_source = 'nhse_nof'"
        ).fetchone()
    # NHS England's files: 61 MH&C trusts x Q1, Q2, Q4 and 134 acute trusts x Q1 (the returns add the rest)
    assert published_route == (183 + 134,)
    files = {str(p.relative_to(result.release)) for p in result.release.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == files - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((result.release / name).read_bytes()).hexdigest() == entry["sha256"], name
    assert len(manifest["git"]["commit"]) == 40
    assert manifest["versions"]["dbt-core"] and manifest["versions"]["great_expectations"]
    assert manifest["methodology_settings"]["segment_cut_point_method"] == "inferred_from_published"
    assert manifest["methodology_settings"]["bootstrap_replicates"] == 10000
    assert "seeds/reconciliation_checks.csv" in manifest["configuration_files"]
    assert manifest["quality_gate"]["passed"] is True
    # the release report shows dbt's tests of the build (run_results.json) beside the gate's expectations
    tests = manifest["dbt_tests"]
    assert (
        tests["tests"] > 100
        and set(tests["statuses"]) <= {"pass", "warn"}
        and sum(tests["statuses"].values()) == tests["tests"]
    )
    assert manifest["dbt_build"].startswith("PASS=") and " ERROR=0 " in manifest["dbt_build"]


def test_nhse_league_table_layout_matches_nhs_englands_file(embedded: EmbeddedBuild) -> None:
    """Same bytes of header, BOM and CRLF as NHS England's Q4 file; segments equal, averages within 0.01."""
    result = embedded.result
    ours = (result.release / "nhse" / NHSE_LEAGUE).read_bytes()
    theirs = (paths.default_data_dir() / "nhse_nof" / NHSE_LEAGUE).read_bytes()
    assert ours.startswith(b"\xef\xbb\xbf") and ours.split(b"\r\n")[0] == theirs.split(b"\r\n")[0]
    assert b"\n" not in ours.replace(b"\r\n", b"")
    ours_rows = {r["Trust_code"]: r for r in csv.DictReader(ours.decode("utf-8-sig").splitlines())}
    theirs_rows = {r["Trust_code"]: r for r in csv.DictReader(theirs.decode("utf-8-sig").splitlines())}
    assert list(next(iter(ours_rows.values()))) == LEAGUE_COLUMNS
    assert set(ours_rows) == set(theirs_rows) and len(ours_rows) == 61
    for code, row in theirs_rows.items():
        mine = ours_rows[code]
        assert mine["Segment"] == row["Segment"], code  # written '2.0' like NHS England's
        assert abs(float(mine["Average_score"]) - float(row["Average_score"])) <= 0.01 + 1e-9, code
        assert mine["Trust_in_financial_deficit"] == row["Trust_in_financial_deficit"], code
        assert mine["Rank"].endswith(".0") and " to " in mine["Likely_range_of_rank"]
        low, high = (float(x) for x in mine["Likely_range_of_average_score"].split(" to "))
        assert low <= float(mine["Average_score"]) <= high
        assert not mine["Likely_range_of_average_score"].split(" to ")[0].endswith("0")
    same_rank = sum(ours_rows[c]["Rank"] == r["Rank"] for c, r in theirs_rows.items())
    assert same_rank / 61 >= 0.95  # the engine's league_rank acceptance bar


def test_nhse_data_file_layout(embedded: EmbeddedBuild) -> None:
    result = embedded.result
    text = (result.release / "nhse" / EXPORTED_DATA).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == DATA_COLUMNS
    by_id: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_id.setdefault(row["Metric_ID"], []).append(row)
    assert {"OF5000", "OF5002", "OF5003", "OF5004", "OF5005", "OF5007", "OF4000", "OF1016", "OF0016"} <= set(by_id)
    assert not any(i.startswith("OF41") for i in by_id)  # domain segments are NHS England's, not recomputed
    assert all(len(by_id[i]) == 61 for i in ("OF5000", "OF5002", "OF4002"))
    assert {r["Sub-domain"] for r in by_id["OF4002"]} == {"Patient safety"}
    assert {r["Domain"] for r in by_id["OF5000"]} == {"Summary"}
    # RDY's Q4 OF0016 value as NHS England published it, with the Q4 median of the trust type (QUARTILE.INC)
    rdy = next(r for r in by_id["OF0016"] if r["Trust_code"] == "RDY")
    assert rdy["Value"] == "65.54" and rdy["Units"] == "%" and rdy["Rank"].endswith(".0")
    values = sorted(float(r["Value"]) for r in by_id["OF0016"] if r["Value"])
    n = len(values)
    position = (n - 1) * 0.5
    median = values[int(position)] + (values[min(int(position) + 1, n - 1)] - values[int(position)]) * (
        position - int(position)
    )
    assert float(rdy["Median_value"]) == pytest.approx(round(median, 2), abs=1e-9)


def test_round_trip_through_our_own_landing_and_staging(embedded: EmbeddedBuild, tmp_path: Path) -> None:
    """The exported NHS England-layout files, landed and built afresh, give the same Q4 league table."""
    result = embedded.result
    data = tmp_path / "data"
    shutil.copytree(paths.default_data_dir() / "reference", data / "reference")
    shutil.copytree(result.release / "nhse", data / "nhse_nof")
    run(data, tmp_path / "landing", tmp_path / "oversight.duckdb", dbt_args=FAST)
    columns = (
        "trust_code, cohort, trust_type, region, round(average_score_rounded, 2), unadjusted_segment, "
        "financial_override, adjusted_segment, final_segment, league_rank, league_rank_low, league_rank_high, "
        "round(average_score_low, 2), round(average_score_high, 2)"
    )
    query = (
        f"select {columns} from marts.rpt_league_table "
        "where data_source = 'nhse_nof' and quarter = 'Q4 2025/26' order by trust_code"
    )
    with duckdb.connect(str(embedded.warehouse), read_only=True) as con:
        original = con.execute(query).fetchall()
    with duckdb.connect(str(tmp_path / "oversight.duckdb"), read_only=True) as con:
        again = con.execute(query).fetchall()
        scores = con.execute(
            "select count(*), count(*) filter (where score_rounded = published_score) from marts.fct_metric_scores"
        ).fetchone()
    assert len(original) == 61
    assert again == original
    assert scores is not None and scores[0] == scores[1] > 0  # every re-imported score reproduced


# ---------------------------------------------------------------------------------------------------------
# The gate


# Corruptions of the marts that dbt's own tests catch (the gate's duplicates of them are gone): test name, and a
# column value of the failing row that dbt keeps in dbt_test__audit (store_failures).
DBT_CORRUPTIONS = {
    "duplicate_rank": (
        "update marts.rpt_league_table set league_rank = 1 where quarter = 'Q4 2025/26' and trust_code = 'RV3'",
        "assert_league_ranks_are_competition_ranks",
        ("trust_code", "RV3"),
    ),
    "score_of_5": (
        "update marts.fct_metric_scores set score = 5 "
        "where quarter = 'Q4 2025/26' and trust_code = 'RDY' and metric_id = 'OF0061'",
        "value_between_fct_metric_scores_score__4__1",
        ("score", 5.0),
    ),
    "override_in_segment_1": (
        "update marts.rpt_league_table set adjusted_segment = 1 where quarter = 'Q2 2025/26' and trust_code = 'RWR'",
        "assert_override_caps_segment",
        ("trust_code", "RWR"),
    ),
    "average_outside_likely_range": (
        "update marts.rpt_league_table set average_score_high = average_score - 0.1 "
        "where quarter = 'Q4 2025/26' and trust_code = 'RYY'",
        "range_contains_rpt_league_table_average_score__average_score_high__average_score_low",
        ("average_score_high", None),
    ),
    "reconciliation_below_threshold": (
        "update marts.rpt_reconciliation set meets_threshold = false "
        "where judged_quarter is null and check_name = 'league_rank'",
        "assert_reconciliation_meets_thresholds",
        ("check_name", "league_rank"),
    ),
    "duplicate_key": (
        # The contract's primary-key constraint refuses a plain insert (test below); a table rewritten without its
        # constraints (as a hand-load would) is caught by the key's dbt test.
        "create or replace table marts.dim_metric as select * from marts.dim_metric "
        "union all select * from marts.dim_metric where metric_id = 'OF0016'",
        "unique_combination_dim_metric_metric_id__methodology_year",
        ("metric_id", "OF0016"),
    ),
    "league_table_emptied_of_an_average": (
        "update marts.rpt_league_table set average_score = null where quarter = 'Q4 2025/26' and trust_code = 'RDY'",
        "assert_league_table_is_complete",
        ("trust_code", "RDY"),
    ),
}


def test_contract_constraints_refuse_a_duplicate_key_and_a_null_key(copy: Path) -> None:
    """The public marts' primary-key and not-null constraints are enforced by DuckDB itself."""
    with duckdb.connect(str(copy)) as con:
        with pytest.raises(duckdb.ConstraintException, match="primary key"):
            con.execute("insert into marts.dim_metric select * from marts.dim_metric where metric_id = 'OF0016'")
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
            con.execute("update marts.rpt_league_table set trust_code = null where trust_code = 'RDY'")


def test_corrupted_marts_fail_their_dbt_tests_and_the_failing_rows_are_kept(
    embedded: EmbeddedBuild, copy: Path, tmp_path: Path
) -> None:
    """Each corruption fails the dbt test that owns the rule; its failing rows are queryable (store_failures)."""
    with duckdb.connect(str(copy)) as con:
        for statement, _, _ in DBT_CORRUPTIONS.values():
            con.execute(statement)
    target = tmp_path / "target"
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env[paths.DUCKDB_PATH_ENV], env[paths.LANDING_DIR_ENV] = str(copy), str(embedded.landing)
    root = paths.repo_root()
    marts = "rpt_league_table fct_metric_scores rpt_reconciliation dim_metric"
    command = [str(Path(sys.executable).with_name("dbt")), "test", "--select", *marts.split()]
    command += ["--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"]
    command += ["--project-dir", str(root), "--profiles-dir", str(root), "--target-path", str(target)]
    completed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 1, completed.stdout[-3000:]
    failed = {r.name: r for r in DbtArtifacts.load(target).failures()}
    with duckdb.connect(str(copy), read_only=True) as con:
        for case, (_, test, (column, value)) in DBT_CORRUPTIONS.items():
            assert test in failed, (case, sorted(failed))
            relation = failed[test].relation
            assert relation and relation.split(".")[-2].strip('"') == "dbt_test__audit", relation
            rows = con.execute(f"select {column} from {relation}").fetchall()
            assert rows and (value is None or (value,) in rows), (case, rows)


def test_missing_trust_fails_the_gate_and_publishes_nothing(releases: Path, copy: Path) -> None:
    before = _releases_state(releases)
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from marts.rpt_league_table where quarter = 'Q4 2025/26' and trust_code = 'RDY'")
    with pytest.raises(QualityGateError) as excinfo:
        publish(duckdb_path=copy, releases_dir=releases, rebuild=False)
    message = str(excinfo.value)
    assert "quality gate FAILED" in message and "- qa_trust_coverage: " in message
    assert "expect_column_values_to_be_in_set(column='absence'" in message
    assert "nhse_nof | Q4 2025/26 | mental_health_community | RDY" in message, message
    assert _releases_state(releases) == before  # latest -> the same release, byte for byte
    assert not any((releases / ".incomplete").iterdir())


def test_cli_publish_reports_the_failure_and_exits_non_zero(
    releases: Path, copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from marts.rpt_league_table where quarter = 'Q4 2025/26' and trust_code = 'RDY'")
    code = main(["publish", "--no-rebuild", "--warehouse", str(copy), "--releases-dir", str(releases)])
    err = capsys.readouterr().err
    assert code == 1
    assert "expect_column_values_to_be_in_set(column='absence'" in err and "mental_health_community | RDY" in err
    assert "nothing was published" in err and "latest -> 2025-26-Q4/" in err


def test_quarter_on_quarter_tolerance_is_configuration(embedded: EmbeddedBuild, tmp_path: Path) -> None:
    """Segment 2 went from 10 to 16 trusts between Q2 and Q4 (NHS England's published segments): a 5% share
    tolerance (ceil(0.05 x 61) = 4) stops it, the configured 15% (10) lets it through."""
    warehouse = embedded.warehouse  # the gate opens it read-only and writes its work files under tmp_path
    strict = replace(load_config(), max_segment_count_change_share=0.05)
    result = run_gate(warehouse, tmp_path / "strict", strict)
    assert not result.success
    rows = [r for f in result.failures if f.suite == "qa_quarter_on_quarter" for r in f.rows]
    assert rows == [
        "nhse_nof | mental_health_community | Q4 2025/26 vs Q2 2025/26 | trusts in final segment 2: 10 -> 16"
    ]
    assert run_gate(warehouse, tmp_path / "configured").success


def test_explained_absence_passes_and_is_configuration(copy: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from marts.rpt_league_table where quarter = 'Q4 2025/26' and trust_code = 'RDY'")
    assert not run_gate(copy, tmp_path / "unexplained").success
    for quarter in ("Q4 2025/26", "*"):
        explained = replace(load_config(), explained_absences=(("RDY", quarter, "test: merged"),))
        result = run_gate(copy, tmp_path / f"gate{len(quarter)}", explained)
        # only coverage is the gate's: the broken competition ranks behind RDY are dbt's to catch
        assert result.success, result.report()


def test_metadata_comes_from_dbt_artifacts(embedded: EmbeddedBuild) -> None:
    """Public marts, keys, exposures and results are dbt's (manifest.json, run_results.json), not Python lists."""
    artifacts = _artifacts(embedded)
    keys = artifacts.keys()
    assert keys["rpt_league_table"] == ["data_source", "quarter", "trust_code"]
    assert keys["fct_metric_scores"] == ["data_source", "quarter", "trust_code", "metric_id"]
    public = artifacts.public_marts()
    assert "rpt_league_table" in public and "rpt_nhse__data_file" not in public
    assert set(public) <= set(keys)
    assert set(artifacts.exported_marts()) <= set(public)
    exposures = artifacts.exposures()
    assert exposures["release_nhse_files"] == ("rpt_nhse__data_file", "rpt_nhse__league_table_file")
    assert set(exposures["publication_quality_gate"]) == {"qa_trust_coverage", "qa_quarter_on_quarter"}
    results = artifacts.results()
    assert results and not artifacts.failures()
    assert any(r.name == "rpt_league_table" and r.execution_time > 0 for r in results)
    assert artifacts.summary() == embedded.result.dbt


def test_bad_gate_configuration_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "gate.yml"
    config.write_text("explained_absences:\n  - trust_code: RDY\n")
    with pytest.raises(QualityGateError, match="entry 1 needs trust_code, quarter"):
        load_config(config)


# ---------------------------------------------------------------------------------------------------------
# Bad input: half-written releases, failures while writing, concurrent runs


def test_a_warehouse_without_its_build_artifacts_is_described_by_dbt_parse(
    embedded: EmbeddedBuild, releases: Path, tmp_path: Path
) -> None:
    """Published as it is with no target folder of its build: the marts come from ``dbt parse``'s manifest and the
    release says that no dbt results of the build were at hand."""
    bare = embedded.copy_warehouse(tmp_path / "bare" / "oversight.duckdb")
    result = publish(duckdb_path=bare, releases_dir=releases, rebuild=False)
    manifest = json.loads((result.release / "manifest.json").read_text())
    assert list(manifest["row_counts"]) == list(_artifacts(embedded).exported_marts())
    assert manifest["dbt_tests"]["tests"] is None and "no dbt results" in manifest["dbt_tests"]["note"]
    assert (tmp_path / "bare" / "quality" / "dbt" / "manifest.json").is_file()
    assert _digest(result.release / "nhse") == _digest(embedded.result.release / "nhse")


def test_half_written_release_is_never_pointed_to_and_is_cleaned_up(releases: Path, copy: Path) -> None:
    leftover = releases / ".incomplete" / "2025-26-Q4-20250101T000000Z-99999"
    (leftover / "marts").mkdir(parents=True)
    (leftover / "marts" / "partial.csv").write_text("half")
    result = publish(duckdb_path=copy, releases_dir=releases, rebuild=False)
    assert not leftover.exists()
    assert (releases / "latest").resolve() == result.release != leftover
    assert (result.release / "manifest.json").is_file()


def test_failure_while_writing_leaves_the_previous_release(
    releases: Path, copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _releases_state(releases)

    def broken_site(duckdb_path: Path, out_dir: Path, settings: dict[str, object], artifacts: DbtArtifacts) -> Path:
        out_dir.mkdir(parents=True)
        (out_dir / "index.html").write_text("<html>half")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(publish_module, "_render_site", broken_site)
    with pytest.raises(PublishError, match=r"the release could not be written: .*: disk full \(simulated\)"):
        publish(duckdb_path=copy, releases_dir=releases, rebuild=False)
    assert _releases_state(releases) == before
    assert not any((releases / ".incomplete").iterdir())


def test_second_publish_fails_clearly_or_waits(releases: Path, copy: Path) -> None:
    fd = os.open(releases / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        before = _releases_state(releases)
        with pytest.raises(PublishError, match="another publish is running"):
            publish(duckdb_path=copy, releases_dir=releases, rebuild=False, wait=False)
        assert _releases_state(releases) == before
        released_at: list[float] = []

        def release_later() -> None:
            time.sleep(1.0)
            released_at.append(time.monotonic())
            fcntl.flock(fd, fcntl.LOCK_UN)

        thread = threading.Thread(target=release_later)
        thread.start()
        result = publish(duckdb_path=copy, releases_dir=releases, rebuild=False)
        finished = time.monotonic()
        thread.join()
    finally:
        os.close(fd)
    assert released_at and finished >= released_at[0]  # it waited for the first one
    assert (releases / "latest").resolve() == result.release


def _publish_process(warehouse: Path, releases: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(paths.repo_root() / "src"))
    command = [sys.executable, "-m", "oversight.cli", "publish", "--no-rebuild", "--warehouse", str(warehouse)]
    return subprocess.Popen(
        [*command, "--releases-dir", str(releases)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_publish_processes_at_once_leave_consistent_releases(releases: Path, copy: Path) -> None:
    processes = [_publish_process(copy, releases) for _ in range(2)]
    outputs = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    made = [
        Path(line.removeprefix("release: "))
        for out, _ in outputs
        for line in out.splitlines()
        if line.startswith("release: ")
    ]
    assert len(set(made)) == 2 and all(m.is_dir() for m in made)
    assert (releases / "latest").resolve() in set(made)
    for release in made:
        manifest = json.loads((release / "manifest.json").read_text())
        for name, entry in manifest["files"].items():
            assert hashlib.sha256((release / name).read_bytes()).hexdigest() == entry["sha256"]


def test_killed_publish_is_never_pointed_to_and_is_cleaned_up(releases: Path, copy: Path) -> None:
    """SIGKILL a publish while it writes its release; the next publish removes what it left."""
    before = _releases_state(releases)
    process = _publish_process(copy, releases)
    incomplete = releases / ".incomplete"
    deadline = time.monotonic() + 300
    while not any(incomplete.iterdir()) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    leftovers = list(incomplete.iterdir())
    process.kill()
    process.communicate()
    assert leftovers, "the publish finished before it could be killed"
    assert _releases_state(releases) == before  # nothing half-written is pointed to or published
    assert all(leftover.exists() for leftover in leftovers)
    result = publish(duckdb_path=copy, releases_dir=releases, rebuild=False)
    assert not any(incomplete.iterdir())
    assert (releases / "latest").resolve() == result.release


# ---------------------------------------------------------------------------------------------------------
# Settings that take effect: a user's --vars, recorded from what dbt ran with


def _setting_cell(page: str, name: str) -> str:
    row = page.split(f'<tr data-setting="{name}">', 1)[1].split("</tr>", 1)[0]
    return row.split("<td>")[2].split("</td>")[0]


def test_another_cut_point_method_takes_effect_and_is_recorded(
    embedded: EmbeddedBuild, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The README's example (``--dbt-arg=--vars --dbt-arg='{segment_cut_point_method: pooled_quartiles}'``): refused
    before building while the reconciliation gate holds; with ``--no-reconciliation-gate`` the method is the one
    used (the league table changes), and the release manifest and methodology page record it, from dbt's
    run_results.json; every page carries the alternative-method banner."""
    landing = embedded.copy_landing(tmp_path / "landing")
    warehouse = embedded.copy_warehouse(tmp_path / "warehouse" / "oversight.duckdb")
    releases = embedded.copy_releases(tmp_path / "releases")
    before = _releases_state(releases)
    args = ["publish", "--landing-dir", str(landing), "--warehouse", str(warehouse), "--releases-dir", str(releases)]
    args += ["--dbt-arg=--vars", "--dbt-arg={segment_cut_point_method: pooled_quartiles}"]

    assert main(args) == 1
    assert "'pooled_quartiles' cannot pass the reconciliation gate" in capsys.readouterr().err
    assert _releases_state(releases) == before

    caplog.set_level(logging.INFO, logger="oversight.progress")
    assert main([*args, "--no-reconciliation-gate"]) == 0
    out = capsys.readouterr().out
    progress = [r.getMessage() for r in caplog.records if r.name == "oversight.progress"]
    steps = ["landing", "dbt build", "quality gate", "exports", "website"]  # each announced, then timed, in order
    done = [next(i for i, line in enumerate(progress) if line.startswith(s) and ": done in " in line) for s in steps]
    assert done == sorted(done) and all(progress[i - 1].endswith(" ...") for i in done)
    assert out.index("landing: ") < out.index("segment cut-point method: pooled_quartiles") < out.index("published: ")
    assert out.rstrip().splitlines()[-1].startswith("published: ")
    release = (releases / "latest").resolve()
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["methodology_settings"]["segment_cut_point_method"] == "pooled_quartiles"
    assert manifest["methodology_settings"]["reconciliation_gate"] is False
    assert manifest["reconciliation_gate"]["enforced"] is False
    assert "not checked against NHS England" in manifest["reconciliation_gate"]["note"]
    ran_with = DbtArtifacts.load(target_dir_for(warehouse)).cli_vars() or {}
    assert ran_with["segment_cut_point_method"] == "pooled_quartiles" and ran_with["check_embedded_data"] is True

    site = release / "site"
    methodology = (site / "methodology.html").read_text(encoding="utf-8")
    assert _setting_cell(methodology, "segment_cut_point_method") == "pooled_quartiles"
    assert "Only inferred_from_published reproduces" in methodology  # its description, from the var__ doc block
    pages = [site / "index.html", site / "methodology.html", *sorted(site.glob("*/*/league-*.html"))[:3]]
    pages += sorted(site.glob("*/*/trust/*.html"))[:3]
    for page in pages:
        assert 'data-reconciliation-gate="waived"' in page.read_text(encoding="utf-8"), page
    first = (embedded.result.site_index).read_text(encoding="utf-8")
    assert "data-reconciliation-gate" not in first  # the embedded release kept the gate

    # the output changed: the quarters NHS England segments are now cut at pooled quartiles
    query = "select data_source, quarter, trust_code, final_segment, cut_point_method from marts.rpt_league_table"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        now = {r[:3]: r[3:] for r in con.execute(query).fetchall()}
    with duckdb.connect(str(embedded.warehouse), read_only=True) as con:
        then = {r[:3]: r[3:] for r in con.execute(query).fetchall()}
    assert now.keys() == then.keys()
    assert "pooled_quartiles" in {m for _, m in now.values()}
    assert "inferred_from_published" not in {m for _, m in now.values()}
    assert sum(now[k][0] != then[k][0] for k in now) > 0


def test_embedded_release_records_the_vars_dbt_ran_with(embedded: EmbeddedBuild) -> None:
    """The release's settings are run_results.json's vars over the project's defaults, described by the manifest."""
    artifacts = _artifacts(embedded)
    manifest = json.loads((embedded.result.release / "manifest.json").read_text())
    assert manifest["methodology_settings"] == publish_module.methodology_settings(artifacts)
    assert manifest["methodology_settings"]["check_embedded_data"] is True  # a var only the orchestrator passes
    assert manifest["reconciliation_gate"] == {"enforced": True}
    notes = artifacts.var_descriptions()
    assert notes["bootstrap_seed"].startswith("Likely ranges")
    assert set(artifacts.site_marts()) >= {"rpt_league_table", "dim_metric", "rpt_reconciliation"}
    assert "fct_rank_movements" in artifacts.insight_marts()
    page = (embedded.result.site_index.parent / "methodology.html").read_text(encoding="utf-8")
    assert notes["bootstrap_replicates"] in page
