"""One rule for termination signals: SIGTERM and SIGHUP become :class:`Terminated` so that clean-up code runs.

Landing (scratch folders, journaled commits) and the build (the dbt child, the candidate warehouse) both rely on
it; the CLI turns :class:`Terminated` into ``error: stopped by SIG...`` and exit status ``128 + signal``.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_TERMINATING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(SystemExit):
    """This process received SIGTERM or SIGHUP; exits with ``128 + signal`` once clean-up code has run."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signal_name = signal.Signals(signum).name


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (``SystemExit(128 + signal)``) so that
    clean-up code runs.

    Only where Python's default action (die at once) is in force and only in the main thread (where handlers
    can be installed); the previous handlers are restored on the way out.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _TERMINATING_SIGNALS}
    for sig, handler in previous.items():
        if handler in (signal.SIG_DFL, None):
            signal.signal(sig, _exit_on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler in (signal.SIG_DFL, None):
                signal.signal(sig, handler or signal.SIG_DFL)
