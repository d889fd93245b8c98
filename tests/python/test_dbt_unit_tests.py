"""dbt's unit tests (hand computations on mocked inputs, ``unit_tests:`` in the models' yml) run here, in
``make test``: production builds exclude them (:func:`oversight.pipeline.build`), so this is what enforces them.

They run as ``dbt test --select test_type:unit`` on a copy of the session's build of ``data/``: dbt reads the
column types of each mocked input from the built relations, so the warehouse must exist.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from oversight import paths

if TYPE_CHECKING:
    from conftest import EmbeddedBuild


def test_every_dbt_unit_test_passes(embedded: EmbeddedBuild, tmp_path: Path) -> None:
    warehouse = embedded.copy_warehouse(tmp_path / "warehouse" / "oversight.duckdb")
    root = paths.repo_root()
    env = dict(os.environ)
    env[paths.DUCKDB_PATH_ENV] = str(warehouse)
    env[paths.LANDING_DIR_ENV] = str(embedded.landing)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "test", "--select", "test_type:unit", "--project-dir", str(root), "--profiles-dir", str(root)]
    completed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout[-4000:]
    # A selection that matched nothing would also succeed: every unit test the project defines ran and passed.
    defined = json.loads((root / "target" / "manifest.json").read_text())["unit_tests"]
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    statuses = Counter(r["status"] for r in results if r["unique_id"] in defined)
    assert len(defined) > 0
    assert statuses == Counter({"pass": len(defined)}), statuses
