"""Progress of the long steps of a run (landing, dbt, the gate, the exports, the site), as log lines.

``with step("dbt build"):`` logs ``dbt build ...`` when the step starts and ``dbt build: done in 41.2 s`` (or
``failed after ...``) when it ends, on the ``oversight.progress`` logger, which the command line prints; a library
caller sees nothing unless it configures logging.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

__all__ = ["step"]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """Log the start of step ``name`` and, when it ends, its elapsed time."""
    log.info("%s ...", name)
    started = time.monotonic()
    try:
        yield
    except BaseException:
        log.info("%s: failed after %.1f s", name, time.monotonic() - started)
        raise
    log.info("%s: done in %.1f s", name, time.monotonic() - started)
