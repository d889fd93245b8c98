"""The one helper for each file-system chore the package repeats: exclusive locks and SHA-256 checksums.

* :func:`exclusive_lock`: an advisory ``flock`` held for a ``with`` block (the landing folder, the warehouse,
  the releases folder, a landing scratch folder's owner file). Written on ``fcntl`` rather than a locking library
  because one caller locks a folder in place (the landing directory: nothing may be created inside it, or a
  failed first landing could not remove the folder it made) and because a stale-folder check must tell "held"
  from "free" without waiting; the lock ends with its process however it ends (``kill -9`` included). A call
  that has to wait says so first (``on_wait``, by default a log line), so a waiting run never looks hung.
* :func:`sha256_file`: the hex SHA-256 of a file, read in chunks (the landing's ``_source_sha256``, the release
  manifest's checksums).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from oversight.errors import OversightError

__all__ = ["LockHeld", "exclusive_lock", "sha256_file"]

log = logging.getLogger(__name__)


class LockHeld(OversightError):
    """Another holder has the lock (raised by ``exclusive_lock(..., wait=False)``)."""


@contextlib.contextmanager
def exclusive_lock(
    path: Path,
    *,
    wait: bool = True,
    mode: int = 0o644,
    on_wait: Callable[[Path], None] | None = None,
) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the ``with`` block, against other processes and other calls in this
    one (each call opens its own descriptor).

    ``path`` is a lock file (created with ``mode`` if missing and kept afterwards: removing it would let a waiter
    lock a file that is no longer at ``path``) or an existing folder (locked in place, nothing is created in it).
    ``wait=False`` raises :class:`LockHeld` at once when the lock is held;
    otherwise the call waits for it, calling ``on_wait(path)`` once first if the lock is held (by default a log
    line "waiting for the lock on ..."), so a waiting run never looks hung.
    """
    path = Path(path)
    fd = os.open(path, os.O_RDONLY) if path.is_dir() else os.open(path, os.O_CREAT | os.O_RDWR, mode)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            if not wait:
                raise LockHeld(f"{path} is locked by another process") from exc
            (on_wait or _say_waiting)(path)
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _say_waiting(path: Path) -> None:
    log.info("waiting for the lock on %s (another run holds it)", path)


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of the file at ``path``."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
