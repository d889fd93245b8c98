"""DuckDB thread and memory settings shared by the landing step and the dbt profile.

Chosen by measurement (``scripts/benchmark.py``; README "Performance"): DuckDB uses every core for one query,
so ``threads`` is the machine's core count, and ``memory_limit`` keeps the peak resident memory of a full
rebuild under the 4 GB target on a 2-core, 24 GB machine (DuckDB spills to disk beyond it). Override with
``OVERSIGHT_DUCKDB_THREADS`` and ``OVERSIGHT_DUCKDB_MEMORY_LIMIT`` (``profiles.yml`` reads the same variables).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["DEFAULT_MEMORY_LIMIT", "MEMORY_LIMIT_ENV", "THREADS_ENV", "DuckDBSettings", "duckdb_settings"]

THREADS_ENV = "OVERSIGHT_DUCKDB_THREADS"
MEMORY_LIMIT_ENV = "OVERSIGHT_DUCKDB_MEMORY_LIMIT"

#: DuckDB's own default is 80% of RAM; far above the 4 GB peak-memory target.
DEFAULT_MEMORY_LIMIT = "2GB"


@dataclass(frozen=True)
class DuckDBSettings:
    threads: int
    memory_limit: str


def duckdb_settings() -> DuckDBSettings:
    """The settings in force: environment overrides, else the measured defaults."""
    threads = int(os.environ.get(THREADS_ENV) or os.cpu_count() or 1)
    return DuckDBSettings(max(1, threads), os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT)
