"""Check that models/staging/_landing__sources.yml declares the landed tables exactly as the collection registry does.

The collection registry (``oversight.collections*``) is the one declaration of the landing schema: every landed
table, its data columns and their DuckDB types, followed by the lineage columns of ``oversight.landing``. The dbt
sources file must list the same tables, the same columns in the same order and the same types; this script reports
every difference (``--check``, the default, exits 1 on any) and is run by tests/python/test_landing_sources.py.
Descriptions and tests in the yml are dbt's and are not compared.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from oversight.collections import COLLECTIONS
from oversight.landing import LINEAGE_COLUMNS

SOURCES_YML = Path(__file__).resolve().parents[1] / "models" / "staging" / "_landing__sources.yml"


def registry_tables() -> dict[str, list[tuple[str, str]]]:
    """Landed table -> [(column, type)] from the collection registry (types lower case, as dbt writes them)."""
    return {
        c.name: [(name, sql_type.lower()) for name, sql_type in (*c.output_columns(), *LINEAGE_COLUMNS)]
        for c in COLLECTIONS
    }


def declared_tables(path: Path = SOURCES_YML) -> dict[str, list[tuple[str, str]]]:
    """Table -> [(column, data_type)] of the ``landing`` source in the dbt sources file."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    (source,) = [s for s in doc["sources"] if s["name"] == "landing"]
    return {
        t["name"]: [(col["name"], str(col.get("data_type", "")).lower()) for col in t.get("columns", [])]
        for t in source["tables"]
    }


def differences(path: Path = SOURCES_YML) -> list[str]:
    """Every way the sources file differs from the registry, one sentence each (empty when they agree)."""
    registry, declared = registry_tables(), declared_tables(path)
    out = [
        f"{name}: landed by the collection registry, missing from {path.name}"
        for name in registry.keys() - declared.keys()
    ]
    out += [f"{name}: in {path.name}, not a collection in the registry" for name in declared.keys() - registry.keys()]
    for name in sorted(registry.keys() & declared.keys()):
        if registry[name] != declared[name]:
            want, have = registry[name], declared[name]
            missing = [c for c in want if c not in have]
            extra = [c for c in have if c not in want]
            detail = f"missing {missing}, not landed {extra}" if missing or extra else "same columns, other order"
            out.append(f"{name}: columns differ from the registry ({detail})")
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", default=True, help="report differences, exit 1 on any")
    parser.add_argument("--sources", type=Path, default=SOURCES_YML)
    args = parser.parse_args(argv)
    found = differences(args.sources)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
