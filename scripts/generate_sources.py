"""Generate the dbt sources of the landed tables from the collection registry, or check the committed ones.

The collection registry (``oversight.collections*``) is the one declaration of the landing schema: every landed
table, its data columns, their types and how each is read from the published file, followed by the lineage
columns of ``oversight.landing``. This script writes it out as dbt sources, one source per publisher folder of
``models/staging``, in ``models/staging/<publisher>/_<publisher>__sources.yml`` beside the staging models that
read it. A collection belongs to the staging folder its name starts with (``nhse_ae_monthly`` -> ``nhse_ae``;
a folder's plural ``s`` aside: ``nof_input_hcai`` -> ``nof_inputs``). Every column is described from the
registry: the published header, the type, the checks landing applies to its values.

``--check`` (the default) exits 1 and names every file and column that differs from what the registry generates
(run by tests/python/test_landing_sources.py); ``--write`` rewrites the files and removes stale ones.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from oversight.collection_model import FRESHNESS_DAYS
from oversight.collections import (
    COLLECTIONS,
    Collection,
    Field,
    FileNameDateOrMax,
    Layout,
    NonNegative,
    NotAbove,
    PeriodOf,
    SingleDistinctMatch,
    Within,
)
from oversight.landing import LINEAGE_COLUMNS

STAGING = Path(__file__).resolve().parents[1] / "models" / "staging"
SOURCES_GLOB = "_*__sources.yml"
HEADER = (
    "# Generated from the collection registry (src/oversight/collections*.py) by scripts/generate_sources.py --write.\n"
    "# Edit the registry, not this file: tests/python/test_landing_sources.py fails when the two differ.\n"
)
#: The relation dbt-duckdb reads for ``source()`` (``dbt source freshness``): the landing zone as the ``landing_dir``
#: var defaults to it.
#: Not ``var("landing_dir")``: in a properties file that renders to the var's unrendered text.
EXTERNAL_LOCATION = (
    'read_parquet(\'{{ env_var("OVERSIGHT_LANDING_DIR", "warehouse/landing") }}/{name}/*.parquet\', '
    "union_by_name = true)"
)

#: The lineage columns every landed row carries (oversight.landing), described once.
LINEAGE_DESCRIPTIONS: dict[str, str] = {
    "_source_file": "Name of the raw file the row was landed from.",
    "_source_path": "Path of the raw file, relative to the data directory.",
    "_source_sha256": "SHA-256 checksum of the raw file: which revision of the file the row comes from.",
    "_source_line": (
        "The row's line in the published file (1-based, a header line counted); for a spreadsheet its sheet row, "
        "for a ZIP member its line in the member."
    ),
    "_landed_at": "When the file was landed (UTC).",
    "_period_key": "The period the file covers, as the collection's period-key rule names it (one Parquet per key).",
    "_synthetic": "True when the raw file is synthetic (scale tests); never published.",
}
#: A column's type in the sources yml: `string` for text, which both DuckDB (an alias of VARCHAR) and Spark read
#: (Spark rejects a VARCHAR without a length); the landed_empty macro casts to these types.
_YML_TYPES = {"VARCHAR": "string"}
_SQL_WORDS = {"VARCHAR": "text", "DOUBLE": "number", "DATE": "date", "INTEGER": "integer", "TIMESTAMP": "timestamp"}


def publisher_of(collection: str, folders: Iterable[str]) -> str:
    """The staging folder a collection belongs to: the one its name starts with (a plural ``s`` aside)."""
    found = [
        folder
        for folder in folders
        if collection == folder or any(collection.startswith(f"{stem}_") for stem in {folder, folder.rstrip("s")})
    ]
    if len(found) != 1:
        raise ValueError(
            f"collection {collection!r} matches staging folders {found}: its name must start with exactly one "
            f"publisher folder of models/staging (create models/staging/<publisher>/ for a new publisher)"
        )
    return found[0]


def staging_folders(staging: Path = STAGING) -> list[str]:
    return sorted(p.name for p in staging.iterdir() if p.is_dir())


def _plain(text: str) -> str:
    """Docstring text without reStructuredText markup, on one line."""
    return " ".join(text.replace("``", "'").split())


def _sentence(text: str) -> str:
    """``text`` with its first letter in upper case (the rest as written)."""
    return text[:1].upper() + text[1:]


def _derivation(rule: object) -> str:
    if isinstance(rule, SingleDistinctMatch):
        scope = " and ".join(f"{column} = '{value}'" for column, value in rule.where) or "any row"
        what = rule.description or f"a value matching {rule.pattern}"
        return f"the file's single {rule.source} that is {what} on rows where {scope}"
    if isinstance(rule, FileNameDateOrMax):
        return f"the date in the file name, else the latest of {', '.join(rule.fallback_max_of)} in the file"
    first_paragraph = (inspect.getdoc(rule) or type(rule).__name__).split("\n\n")[0]
    return re.sub(r"^'field' = ", "", _plain(first_paragraph)).rstrip(".")


def _origin(layout: Layout, name: str) -> str:
    """Where one layout takes a field from: its published column, or the per-file rule that derives it."""
    column = layout.column_for(name)
    if column is not None and layout.has_header:
        return f"published column '{column}'"
    if column is not None:
        return f"column {layout.columns.index(column) + 1} of the header-less file (documented as '{column}')"
    (rule,) = [d for d in layout.derived if d.field == name]
    return f"derived per file: {_derivation(rule)}"


def _origins(collection: Collection, name: str) -> str:
    by_origin: dict[str, list[str]] = {}
    for layout in collection.layouts:
        by_origin.setdefault(_origin(layout, name), []).append(layout.name)
    if len(by_origin) == 1:
        return _sentence(next(iter(by_origin)))
    return _sentence("; ".join(f"{origin} (layout {', '.join(layouts)})" for origin, layouts in by_origin.items()))


def _checks(collection: Collection, field: Field) -> list[str]:
    """What landing checks or changes on a field's values, in words."""
    out = ["required" if field.required else ""]
    out.append(f"values {field.pattern_description}" if field.pattern_description else "")
    out.append(f"one of {', '.join(repr(v) for v in field.allowed)}" if field.allowed else "")
    published = any(layout.column_for(field.name) for layout in collection.layouts)
    out.append(f"dates published as {field.date_description}" if field.kind == "date" and published else "")
    out += [f"'{old}' lands as '{new}'" for old, new in field.value_map]
    for rule in collection.plausibility:
        if isinstance(rule, NonNegative) and field.name in rule.fields:
            out.append("not negative")
        elif isinstance(rule, Within) and field.name in rule.fields:
            out.append(f"{rule.what}, from {rule.low:g} to {rule.high:g}")
        elif isinstance(rule, NotAbove) and rule.part == field.name:
            out.append(f"not above {rule.total}")
        elif isinstance(rule, PeriodOf) and field.name in rule.fields:
            out.append("its period lies in the landing window")
    out.append("part of the key" if field.name in collection.key else "")
    return [text for text in out if text]


def field_description(collection: Collection, field: Field) -> str:
    kind = _SQL_WORDS[field.sql_type]
    checks = _checks(collection, field)
    return f"{_origins(collection, field.name)}; {kind}." + (f" {_sentence('; '.join(checks))}." if checks else "")


def table_description(collection: Collection) -> str:
    text = collection.description.rstrip(".") + "."
    if collection.key:
        text += f" One row per {' x '.join(collection.key)} in a file."
    if collection.null_tokens:
        text += f" Cells {', '.join(repr(t) for t in collection.null_tokens)} land as NULL."
    return text + f" Collection `{collection.name}` of the registry."


def table_columns(collection: Collection) -> list[dict[str, str]]:
    columns: list[dict[str, str]] = []
    for field in collection.fields:
        columns.append(
            {
                "name": field.name,
                "data_type": _YML_TYPES.get(field.sql_type, field.sql_type.lower()),
                "description": field_description(collection, field),
            }
        )
        if field.keep_published_as:
            what = f"{field.name} as published, before landing renames its values"
            columns.append({"name": field.keep_published_as, "data_type": "string", "description": f"{what}."})
    for name, sql_type in LINEAGE_COLUMNS:
        columns.append(
            {
                "name": name,
                "data_type": _YML_TYPES.get(sql_type, sql_type.lower()),
                "description": LINEAGE_DESCRIPTIONS[name],
            }
        )
    return columns


def table_properties(collection: Collection) -> dict[str, Any]:
    """One landed table: description and columns; for a collection with a publication cadence, its freshness
    (``dbt source freshness``): the last day of the latest period landed, against the cadence's thresholds."""
    table: dict[str, Any] = {"name": collection.name, "description": table_description(collection)}
    loaded_at = collection.period_end_sql()
    if collection.cadence is not None and loaded_at is not None:
        warn, error = FRESHNESS_DAYS[collection.cadence]
        table["description"] += (
            f" Published {collection.cadence}: freshness warns {warn} days and errors {error} days after the end of"
            " the latest period landed."
        )
        table["config"] = {
            "loaded_at_field": loaded_at,
            "freshness": {
                "warn_after": {"count": warn, "period": "day"},
                "error_after": {"count": error, "period": "day"},
            },
        }
    table["columns"] = table_columns(collection)
    return table


def source_document(publisher: str, collections: Iterable[Collection]) -> dict[str, Any]:
    """The dbt properties document of one publisher's source."""
    description = (
        f"The {publisher} collections landed by the Python landing step (`oversight.landing`): typed Parquet, one "
        "folder per collection under the `landing_dir` var. Every row carries lineage: source file, its sha256, "
        "its line number and when it was landed. Landing is idempotent and append-only; superseded revisions are "
        "kept under `_superseded/`."
    )
    tables = [table_properties(c) for c in collections]
    source = {"name": publisher, "description": description, "meta": {"external_location": EXTERNAL_LOCATION}}
    return {"version": 2, "sources": [{**source, "tables": tables}]}


def sources_path(staging: Path, publisher: str) -> Path:
    return staging / publisher / f"_{publisher}__sources.yml"


def generate(staging: Path = STAGING, collections: Iterable[Collection] = COLLECTIONS) -> dict[Path, str]:
    """Every sources file the registry generates: path -> text."""
    folders = staging_folders(staging)
    by_publisher: dict[str, list[Collection]] = {}
    for collection in collections:
        by_publisher.setdefault(publisher_of(collection.name, folders), []).append(collection)
    return {
        sources_path(staging, publisher): HEADER
        + yaml.safe_dump(source_document(publisher, members), sort_keys=False, allow_unicode=True, width=116)
        for publisher, members in sorted(by_publisher.items())
    }


def _tables(text: str) -> dict[str, list[tuple[str, str]]]:
    """Table -> [(column, data_type)] of a sources file."""
    doc = yaml.safe_load(text) or {}
    return {
        f"{source['name']}.{table['name']}": [
            (column["name"], str(column.get("data_type", "")).lower()) for column in table.get("columns", [])
        ]
        for source in doc.get("sources", [])
        for table in source.get("tables", [])
    }


def _column_differences(path: Path, want: str, have: str) -> list[str]:
    wanted, declared = _tables(want), _tables(have)
    out = [f"{path}: {name}: landed by the collection registry, missing" for name in wanted.keys() - declared.keys()]
    out += [f"{path}: {name}: declared, not a collection of this folder" for name in declared.keys() - wanted.keys()]
    for name in wanted.keys() & declared.keys():
        if wanted[name] != declared[name]:
            missing = [c for c in wanted[name] if c not in declared[name]]
            extra = [c for c in declared[name] if c not in wanted[name]]
            detail = f"missing {missing}, not landed {extra}" if missing or extra else "same columns, other order"
            out.append(f"{path}: {name}: columns differ from the registry ({detail})")
    return out or [f"{path}: descriptions or layout differ from what the registry generates"]


def differences(staging: Path = STAGING) -> list[str]:
    """Every way the committed sources files differ from the registry, one sentence each (empty when they agree)."""
    wanted = generate(staging)
    present = set(staging.rglob(SOURCES_GLOB))
    out = [f"{path}: not generated from the registry (stale: remove it)" for path in present - wanted.keys()]
    for path, text in wanted.items():
        if path not in present:
            out.append(f"{path}: missing (the registry lands {', '.join(_tables(text))})")
        elif (have := path.read_text(encoding="utf-8")) != text:
            out += _column_differences(path, text, have)
    return sorted(out)


def write(staging: Path = STAGING) -> list[Path]:
    """Write every generated sources file and remove stale ones; the paths changed."""
    wanted = generate(staging)
    changed = [path for path in staging.rglob(SOURCES_GLOB) if path not in wanted]
    for path in changed:
        path.unlink()
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return sorted(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report differences, exit 1 on any (the default)")
    mode.add_argument("--write", action="store_true", help="rewrite the sources files from the registry")
    parser.add_argument("--staging", type=Path, default=STAGING, help="the models/staging folder")
    args = parser.parse_args(argv)
    if args.write:
        for path in write(args.staging):
            print(f"wrote {path}" if path.is_file() else f"removed {path}")
        return 0
    found = differences(args.staging)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print("run: python scripts/generate_sources.py --write", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
