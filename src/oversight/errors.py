"""Project exceptions.

Every error the pipeline raises on purpose derives from :class:`OversightError`, so callers (the CLI, the
orchestrator) can tell a data or configuration problem from a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["MAX_PROBLEMS_SHOWN", "LandingError", "LandingProblem", "OversightError"]

#: How many problems a :class:`LandingError` message lists before summarising the rest.
MAX_PROBLEMS_SHOWN = 50


class OversightError(Exception):
    """Base class of every deliberate error of the oversight pipeline."""


@dataclass(frozen=True)
class LandingProblem:
    """One problem found in an input file, located as precisely as the file allows.

    ``path`` is the file as shown to the user, ``line`` the 1-based line in the file (the header is line 1;
    ``None`` when the problem is about the whole file) and ``columns`` the column names as written in the
    file's header (for header-less files, the documented field names).
    """

    path: str
    line: int | None
    columns: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if len(self.columns) == 1:
            parts.append(f"column '{self.columns[0]}'")
        elif self.columns:
            parts.append("columns " + ", ".join(f"'{c}'" for c in self.columns))
        return ", ".join(parts) + f": {self.message}"


class LandingError(OversightError):
    """Input files could not be landed; nothing was written.

    ``problems`` holds every problem found (each names the file, the line and the column); the message lists
    the first :data:`MAX_PROBLEMS_SHOWN` of them, one per line.
    """

    def __init__(self, problems: Sequence[LandingProblem] | str, *, extra: Iterable[str] = ()) -> None:
        if isinstance(problems, str):
            self.problems: tuple[LandingProblem, ...] = ()
            message = problems
        else:
            self.problems = tuple(problems)
            message = _format(self.problems)
        extra_lines = list(extra)
        if extra_lines:
            message = "\n".join([message, *extra_lines])
        super().__init__(message)


def _format(problems: Sequence[LandingProblem]) -> str:
    if len(problems) == 1:
        return str(problems[0])
    files = len({p.path for p in problems})
    lines = [f"{len(problems)} problems in {files} file(s); nothing was landed:"]
    lines += [f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
    return "\n".join(lines)
