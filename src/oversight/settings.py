"""DuckDB thread and memory settings shared by the landing step and the dbt profile.

Chosen by measurement on the 2-core, 24 GB machine (README "Performance"):

* ``threads`` = the machine's cores. The bootstrap (the heaviest query) took 16 s with 2 threads and 145 s
  with 1 (804 trust-quarters, 10,000 replicates); every landing and staging query scans in parallel.
* ``memory_limit`` = 2 GB. The bootstrap took 18.7 / 15.9 / 18.1 / 19.0 s at 1 / 2 / 3 / 4 GB with a peak
  resident memory of 1.0-1.15 GB: more memory buys nothing, and 2 GB keeps a full 12-month rebuild at a peak of
  2.2 GB (dbt) against the 4 GB target; DuckDB spills to disk beyond the limit. (DuckDB's own default, 80% of
  RAM, would let one process take 19 GB.)

Override with ``OVERSIGHT_DUCKDB_THREADS`` and ``OVERSIGHT_DUCKDB_MEMORY_LIMIT`` (``profiles.yml`` reads the same
variables; :func:`oversight.pipeline.build` passes these settings to dbt).
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
