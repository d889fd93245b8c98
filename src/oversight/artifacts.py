"""dbt's own metadata, read from the artifacts of a build: ``manifest.json`` and ``run_results.json``.

Python does not keep its own copy of what dbt declares. From the manifest: the public marts (the models of the
``nof_outputs`` group with ``access: public``, ``models/marts/_marts__groups.yml``), the marts each exposure reads
(``models/marts/_marts__exposures.yml``; the release exports are the ``release_exports`` exposure), and each model's
primary key (its ``unique_combination`` test, or a column with both ``unique`` and ``not_null``). From the run
results: every node's status, timing and message, the build's closing counts (``PASS=... ERROR=...``) and the
tests that failed, with the table holding their failing rows (``store_failures``), and the vars the build ran with
(``args.vars``, over the project's defaults); what each var sets is a doc block ``var__<name>`` in the manifest.

Each build writes its artifacts to a target folder of its own (``dbt build --target-path``, see
:func:`oversight.pipeline.candidate_warehouse`), so two builds never read or overwrite each other's artifacts.
A warehouse gated as it is (not rebuilt) is described by its build's target folder if it is still there, else by
``dbt parse`` of the project into a folder of the caller's (no database needed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oversight import paths
from oversight.errors import OversightError

__all__ = [
    "INSIGHTS_EXPOSURE",
    "PUBLIC_GROUP",
    "RELEASE_EXPOSURE",
    "SITE_EXPOSURE",
    "ArtifactsError",
    "DbtArtifacts",
    "NodeResult",
    "dbt_command",
    "for_warehouse",
    "parse_project",
    "project_vars",
    "target_dir_for",
]

PUBLIC_GROUP = "nof_outputs"
RELEASE_EXPOSURE = "release_exports"
SITE_EXPOSURE = "league_table_website"
INSIGHTS_EXPOSURE = "website_insights"
#: dbt's closing line counts these statuses under these names (``Done. PASS=... WARN=... ERROR=...``).
_COUNTED = {"success": "PASS", "pass": "PASS", "warn": "WARN", "error": "ERROR", "fail": "ERROR", "skipped": "SKIP"}


class ArtifactsError(OversightError):
    """dbt's artifacts are missing or unreadable."""


@dataclass(frozen=True)
class NodeResult:
    """One node of ``run_results.json``."""

    unique_id: str
    status: str
    execution_time: float
    message: str
    failures: int | None
    relation: str | None

    @property
    def resource_type(self) -> str:
        return self.unique_id.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The node's name (a unit test's own name; a data test's name without its hash)."""
        parts = self.unique_id.split(".")
        return parts[-1] if parts[0] == "unit_test" else parts[2]


@dataclass(frozen=True)
class DbtArtifacts:
    """The manifest (and, after a build, the run results) of one dbt invocation."""

    manifest: dict[str, Any]
    run_results: dict[str, Any] | None = None

    @classmethod
    def load(cls, target: Path, *, run_results: bool = True) -> DbtArtifacts:
        """Read ``target/manifest.json`` (and ``target/run_results.json`` if ``run_results`` and present)."""
        try:
            manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
            results_path = target / "run_results.json"
            results = (
                json.loads(results_path.read_text(encoding="utf-8")) if run_results and results_path.is_file() else None
            )
        except (OSError, ValueError) as exc:
            raise ArtifactsError(f"{target}: cannot read dbt's artifacts: {exc}") from exc
        return cls(manifest=manifest, run_results=results)

    # -- the manifest -------------------------------------------------------------------------------------

    def models(self) -> dict[str, dict[str, Any]]:
        """Every model node of this project, by unique id."""
        return {uid: n for uid, n in self.manifest["nodes"].items() if n.get("resource_type") == "model"}

    def public_marts(self, group: str = PUBLIC_GROUP) -> tuple[str, ...]:
        """The models of ``group`` with ``access: public``, by name."""
        return tuple(
            sorted(
                node["name"]
                for node in self.models().values()
                if node.get("access") == "public" and (node.get("group") or node["config"].get("group")) == group
            )
        )

    def exposure(self, name: str) -> tuple[str, ...]:
        """The models exposure ``name`` depends on, in the order its yml lists them."""
        for exposure in self.manifest.get("exposures", {}).values():
            if exposure["name"] == name:
                return tuple(dict.fromkeys(ref["name"] for ref in exposure.get("refs") or []))
        raise ArtifactsError(f"the manifest has no exposure {name!r}")

    def exposures(self) -> dict[str, tuple[str, ...]]:
        """Every exposure and the models it depends on."""
        return {e["name"]: self.exposure(e["name"]) for e in self.manifest.get("exposures", {}).values()}

    def exported_marts(self) -> tuple[str, ...]:
        """The marts a release exports (the ``release_exports`` exposure)."""
        return self.exposure(RELEASE_EXPOSURE)

    def keys(self) -> dict[str, list[str]]:
        """Each model's primary key from its tests: ``unique_combination``, else a ``unique`` + ``not_null`` column."""
        names = {uid: node["name"] for uid, node in self.models().items()}
        combined: dict[str, list[str]] = {}
        unique: dict[str, set[str]] = {}
        not_null: dict[str, set[str]] = {}
        for node in self.manifest["nodes"].values():
            model = names.get(node.get("attached_node") or "")
            meta = node.get("test_metadata") or {}
            if node.get("resource_type") != "test" or model is None:
                continue
            kwargs = meta.get("kwargs") or {}
            column = node.get("column_name") or kwargs.get("column_name")
            if meta.get("name") == "unique_combination":
                combined.setdefault(model, list(kwargs.get("columns") or []))
            elif meta.get("name") in ("unique", "not_null") and column:
                (unique if meta["name"] == "unique" else not_null).setdefault(model, set()).add(column)
        keys = {m: sorted(unique[m] & not_null.get(m, set()))[:1] for m in unique}
        keys = {m: k for m, k in keys.items() if k}
        keys.update(combined)
        return keys

    def site_marts(self) -> tuple[str, ...]:
        """The marts the release website reads (the ``league_table_website`` exposure)."""
        return self.exposure(SITE_EXPOSURE)

    def insight_marts(self) -> tuple[str, ...]:
        """The marts of the website's insight pages (the ``website_insights`` exposure)."""
        return self.exposure(INSIGHTS_EXPOSURE)

    def var_descriptions(self) -> dict[str, str]:
        """What each dbt var sets: the project's doc blocks ``var__<name>`` (``models/_vars.md``), one line each."""
        found: dict[str, str] = {}
        for doc in self.manifest.get("docs", {}).values():
            name = str(doc.get("name") or "")
            if doc.get("package_name") == self.manifest["metadata"].get("project_name") and name.startswith("var__"):
                found[name.removeprefix("var__")] = " ".join(str(doc.get("block_contents") or "").split())
        return dict(sorted(found.items()))

    # -- the run results ----------------------------------------------------------------------------------

    def cli_vars(self) -> dict[str, Any] | None:
        """The ``--vars`` the build ran with (``run_results.json`` ``args.vars``; None when not a build's)."""
        if self.run_results is None:
            return None
        value = (self.run_results.get("args") or {}).get("vars") or {}
        return dict(value) if isinstance(value, dict) else {}

    def vars_used(self) -> dict[str, Any]:
        """The vars in force in the build, as dbt resolves them: the project's (``dbt_project.yml``) overridden by
        the build's ``--vars`` (``run_results.json``); the project's alone when these are not a build's."""
        return {**project_vars(), **(self.cli_vars() or {})}

    def results(self) -> list[NodeResult]:
        """Every node the invocation ran, in the order dbt reported them (none if nothing ran)."""
        return [
            NodeResult(
                unique_id=r["unique_id"],
                status=str(r["status"]),
                execution_time=float(r.get("execution_time") or 0.0),
                message=str(r.get("message") or ""),
                failures=r.get("failures"),
                relation=r.get("relation_name"),
            )
            for r in (self.run_results or {}).get("results", [])
        ]

    def summary(self) -> str:
        """dbt's closing counts, ``PASS=n WARN=n ERROR=n SKIP=n TOTAL=n``."""
        results = self.results()
        counts = Counter(_COUNTED.get(r.status, r.status.upper()) for r in results)
        parts = [f"{name}={counts.pop(name, 0)}" for name in ("PASS", "WARN", "ERROR", "SKIP")]
        parts += [f"{name}={n}" for name, n in sorted(counts.items())]
        return " ".join([*parts, f"TOTAL={len(results)}"])

    def test_summary(self) -> dict[str, object]:
        """The data and unit tests of the run: counts per status and the ones not passed (no timings: the release
        manifest holding this is the same for two builds of the same inputs; timings are in :meth:`results`)."""
        tests = [r for r in self.results() if r.resource_type in ("test", "unit_test")]
        return {
            "tests": len(tests),
            "statuses": dict(sorted(Counter(r.status for r in tests).items())),
            "not_passed": [  # in name order (dbt's threads finish in any order)
                {"test": r.name, "status": r.status, "failures": r.failures, "failing_rows": r.relation}
                for r in sorted(tests, key=lambda r: r.unique_id)
                if r.status != "pass"
            ],
        }

    def failures(self) -> list[NodeResult]:
        """Nodes that errored or failed."""
        return [r for r in self.results() if r.status in ("error", "fail")]

    def describe_failures(self) -> str:
        """The failing nodes and dbt's messages, one paragraph each (where the failing rows are kept)."""
        lines = []
        for r in self.failures():
            lines.append(f"  {r.status.upper()} {r.resource_type} {r.name}: {r.message.strip()}")
            if r.relation and r.resource_type == "test":
                lines.append(f"    failing rows: select * from {r.relation}")
        return "\n".join(lines)


def dbt_command() -> list[str]:
    """dbt of this environment (next to the Python running), else the first ``dbt`` on the PATH."""
    dbt = Path(sys.executable).with_name("dbt")
    return [str(dbt) if dbt.exists() else "dbt"]


def target_dir_for(duckdb_path: Path) -> Path:
    """The target folder of the builds of ``duckdb_path``: ``<warehouse>.dbt/`` beside it."""
    return duckdb_path.with_name(duckdb_path.name + ".dbt")


def project_vars() -> dict[str, Any]:
    """The vars ``dbt_project.yml`` declares (dbt's defaults, which a build's ``--vars`` override)."""
    try:
        project = yaml.safe_load((paths.repo_root() / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ArtifactsError(f"dbt_project.yml cannot be read: {exc}") from exc
    return dict(project.get("vars") or {})


def parse_project(target: Path) -> DbtArtifacts:
    """``dbt parse`` of the project into ``target`` (no warehouse needed); its manifest."""
    root = paths.repo_root()
    target.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    command = [*dbt_command(), "parse", "--project-dir", str(root), "--profiles-dir", str(root)]
    command += ["--target-path", str(target), "--log-path", str(target)]
    completed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise ArtifactsError(f"dbt parse failed:\n{completed.stdout[-4000:]}")
    return DbtArtifacts.load(target, run_results=False)


def for_warehouse(duckdb_path: Path, scratch: Path) -> DbtArtifacts:
    """The artifacts of the build of ``duckdb_path`` if its target folder is there, else ``dbt parse`` into
    ``scratch``."""
    target = target_dir_for(duckdb_path)
    if (target / "manifest.json").is_file():
        return DbtArtifacts.load(target)
    return parse_project(scratch)
