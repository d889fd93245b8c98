"""Where things live: the repository root, the input data, the landing zone and the warehouse file.

Resolution order for each location: an explicit argument, then an environment variable, then the default
under the repository root. Relative environment values are taken relative to the repository root (dbt runs
from there, so ``warehouse/landing`` means the same thing to Python and to dbt); relative explicit arguments
keep the usual meaning (relative to the current directory).
"""

from __future__ import annotations

import os
from pathlib import Path

from oversight.errors import OversightError

__all__ = [
    "DATA_DIR_ENV",
    "DUCKDB_PATH_ENV",
    "LANDING_DIR_ENV",
    "default_data_dir",
    "default_duckdb_path",
    "default_landing_dir",
    "default_registry_dir",
    "repo_root",
    "resolve_data_dir",
    "resolve_duckdb_path",
    "resolve_landing_dir",
]

DATA_DIR_ENV = "OVERSIGHT_DATA_DIR"
LANDING_DIR_ENV = "OVERSIGHT_LANDING_DIR"
DUCKDB_PATH_ENV = "OVERSIGHT_DUCKDB_PATH"

_MARKER = "dbt_project.yml"


def repo_root() -> Path:
    """The repository root: the nearest directory holding ``dbt_project.yml``.

    Looked for above this package first (editable install, ``PYTHONPATH=src``), then above the current
    directory (non-editable install run from a checkout).
    """
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / _MARKER).is_file():
                return candidate
    raise OversightError(
        f"cannot find the repository root: no {_MARKER} above {Path(__file__).resolve().parent} "
        f"or above the current directory {Path.cwd()}"
    )


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else repo_root() / path


def default_data_dir() -> Path:
    """``<repo>/data``."""
    return repo_root() / "data"


def default_landing_dir() -> Path:
    """``<repo>/warehouse/landing``."""
    return repo_root() / "warehouse" / "landing"


def default_duckdb_path() -> Path:
    """``<repo>/warehouse/oversight.duckdb``."""
    return repo_root() / "warehouse" / "oversight.duckdb"


def default_registry_dir() -> Path:
    """``<repo>/seeds``: the dbt seeds that double as the landing step's metric registry."""
    return repo_root() / "seeds"


def resolve_data_dir(explicit: Path | str | None = None) -> Path:
    """Explicit argument, else ``$OVERSIGHT_DATA_DIR``, else ``<repo>/data``."""
    if explicit is not None:
        return Path(explicit).expanduser()
    return _from_env(DATA_DIR_ENV) or default_data_dir()


def resolve_landing_dir(explicit: Path | str | None = None) -> Path:
    """Explicit argument, else ``$OVERSIGHT_LANDING_DIR``, else ``<repo>/warehouse/landing``."""
    if explicit is not None:
        return Path(explicit).expanduser()
    return _from_env(LANDING_DIR_ENV) or default_landing_dir()


def resolve_duckdb_path(explicit: Path | str | None = None) -> Path:
    """Explicit argument, else ``$OVERSIGHT_DUCKDB_PATH``, else ``<repo>/warehouse/oversight.duckdb``."""
    if explicit is not None:
        return Path(explicit).expanduser()
    return _from_env(DUCKDB_PATH_ENV) or default_duckdb_path()
