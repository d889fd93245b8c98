"""Landing step: raw NHS files -> typed Parquet with lineage, idempotent and append-only.

``land(data_dir, landing_dir)`` finds every file under ``data_dir``, matches it to a collection
(:mod:`oversight.collections`), reads it with DuckDB (every field as text), validates and types it with
set-based SQL, and writes one Parquet per (collection, period key)::

    <landing_dir>/<collection>/<safe period key>.parquet
    <landing_dir>/<collection>/_superseded/<safe period key>__<old sha256[:12]>.parquet
    <landing_dir>/_manifest.jsonl                     (append-only event log)

Guarantees:

* **All or nothing.** Every discovered file is parsed and validated, and its Parquet written under a temporary
  name in ``<landing_dir>/.incoming``; only when every file is valid are they renamed into the collection
  folders. Any problem raises :class:`~oversight.errors.LandingError` naming the file, the line (header =
  line 1) and the column, the temporary files are removed, and the landing directory is left exactly as it was.
* **Idempotent, and cheap when nothing changed.** A file whose SHA-256 is the current one for its collection
  (per the manifest) is hashed but not read again; it adds no manifest line and rewrites nothing.
* **Append-only.** A different file for the same (collection, period key) replaces the current Parquet; the
  previous one is moved to ``_superseded/``, never deleted. Renames (``os.replace``) are atomic, so readers
  never see a half-written file.
* **Plausible.** Each collection declares, with its layouts, what its values may be
  (:attr:`oversight.collections.Collection.plausibility`: counts not negative and below a trillion, parts not
  above their totals, published percentages and proportions in range, every row's period inside
  :class:`PeriodWindow`). The rules run as SQL over the whole file; a violation is a :class:`LandingError` naming
  the file, the line and the column(s), found before anything becomes current.
* **A transaction, recovered after a kill.** The commit first writes a journal (``_manifest.pending.json``: every
  rename and manifest event to come), then renames, then appends the events and removes the journal. The next run
  undoes a commit killed before its renames were all done, and completes one killed after them; a torn last
  manifest line is cut off (kept as ``_manifest.jsonl.torn-<time>``) with a warning. A landed file whose Parquet
  the manifest does not record is landed again.
* **Nothing lost, nothing kept silently.** A current landed file whose source is gone from ``data_dir`` is
  reported (``report.missing`` and a warning); :func:`retire` (``oversight land --retire <file>``) moves it to
  ``<collection>/_retired/`` and records a ``retired`` event. An older revision of a file (by its name:
  ``revised``, ``v2`` ...) never replaces a newer one. A data directory with no recognised file is an error.
* **Errors, never tracebacks.** OS and parser errors (unreadable file, CR-only or mixed line endings, a line over
  2 MB) become :class:`LandingError` with the file and, where there is one, the line; a symbolic link to a file
  outside ``data_dir`` is reported, never read.
* **Clean.** The scratch folder (``$TMPDIR/oversight-landing-*``) is removed on every exit path (SIGTERM included);
  folders of killed runs (their owner lock is free) are removed by the next run.
* **Bounded.** One file at a time is staged in a scratch DuckDB database (threads and memory limit from
  :mod:`oversight.settings`) and dropped once written, so memory does not grow with the number of files.

Every landed row carries the lineage columns ``_source_file``, ``_source_path`` (relative to ``data_dir``),
``_source_sha256``, ``_source_line`` (INTEGER, the row's line in the file), ``_landed_at`` (TIMESTAMP, UTC),
``_period_key`` and ``_synthetic`` (BOOLEAN: the file's path names it synthetic, :func:`is_synthetic`; such
rows can never be published, :func:`synthetic_sources`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, NoReturn

import duckdb

from oversight import paths, settings
from oversight.collections import (
    COLLECTIONS,
    NUMBER_PATTERN,
    Collection,
    CsvDialect,
    Field,
    Layout,
    NonNegative,
    NotAbove,
    PeriodOf,
    RegistryIds,
    Within,
    match_collections,
    revision_in_file_name,
)
from oversight.containers import ContainerError
from oversight.errors import LandingError, LandingProblem
from oversight.files import LockHeld, exclusive_lock, sha256_file
from oversight.signals import terminate_as_exit

__all__ = [
    "EARLIEST_PERIOD_ENV",
    "JOURNAL_NAME",
    "LINEAGE_COLUMNS",
    "MANIFEST_NAME",
    "MONTHS_AHEAD_ENV",
    "RETIRED_DIR",
    "SCRATCH_PREFIX",
    "SUPERSEDED_DIR",
    "LandedFile",
    "LandingReport",
    "PeriodWindow",
    "is_synthetic",
    "land",
    "retire",
    "safe_period_key",
    "synthetic_sources",
]

log = logging.getLogger(__name__)

MANIFEST_NAME = "_manifest.jsonl"
#: Written (and synced) before a commit renames anything, removed once the manifest holds the commit's events;
#: a run that finds it completes or undoes the interrupted commit (:func:`_recover`).
JOURNAL_NAME = "_manifest.pending.json"
SUPERSEDED_DIR = "_superseded"
#: Parquet taken out of the current set by ``oversight land --retire`` (kept, never deleted).
RETIRED_DIR = "_retired"
#: Scratch folders in the temporary directory; one whose owner lock is free belongs to a killed run.
SCRATCH_PREFIX = "oversight-landing-"
_SCRATCH_OWNER = ".owner"
#: Earliest month a landed row may report on (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); default 2010-01.
EARLIEST_PERIOD_ENV = "OVERSIGHT_EARLIEST_PERIOD"
#: How many months after the run date's month a row may report on (default 0: none).
MONTHS_AHEAD_ENV = "OVERSIGHT_PERIOD_MONTHS_AHEAD"
DEFAULT_EARLIEST_PERIOD = date(2010, 1, 1)
#: Parquet being written by a running ``land`` (renamed into the collection folders only when all are valid).
INCOMING_DIR = ".incoming"
#: Lineage columns appended to every landed row, with their DuckDB types.
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_source_file", "VARCHAR"),
    ("_source_path", "VARCHAR"),
    ("_source_sha256", "VARCHAR"),
    ("_source_line", "INTEGER"),
    ("_landed_at", "TIMESTAMP"),
    ("_period_key", "VARCHAR"),
    ("_synthetic", "BOOLEAN"),
)
#: Problems collected per file before giving up on it.
MAX_PROBLEMS_PER_FILE = 25
#: Characters trimmed from both ends of every value: ASCII whitespace, NBSP, figure/narrow NBSP, ZWSP, BOM.
TRIM_CHARACTERS = " \t\r\n\v\f\u00a0\u2007\u202f\u200b\ufeff"

_CHUNK = 1 << 20
_DIGIT_UNDERSCORE = re.compile(rb"_(?=\d)(?<=\d_)")  # led by the literal: 10x faster than r"\d_\d"
#: zstd level of landed Parquet: 1 writes about twice as fast as the default 3 for a few per cent more bytes.
PARQUET_ZSTD_LEVEL = 1


# ----------------------------------------------------------------------------------------------------
# Public results


class LandedFile(NamedTuple):
    """One input file's outcome: which collection and period it feeds, and where it came from."""

    collection: str
    period_key: str
    source_path: str


@dataclass
class LandingReport:
    """What :func:`land` did. ``source_path`` values and ``ignored`` are relative to ``data_dir``."""

    landed: list[LandedFile] = field(default_factory=list)
    replaced: list[LandedFile] = field(default_factory=list)
    unchanged: list[LandedFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    #: Things worth knowing that are not errors (e.g. rows repeated verbatim in a file, kept as published).
    warnings: list[str] = field(default_factory=list)
    #: Current landed files whose source is no longer in the data directory (still current: see the warning).
    missing: list[LandedFile] = field(default_factory=list)
    #: Landed files taken out of the current set by :func:`retire`.
    retired: list[LandedFile] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.landed or self.replaced or self.retired)

    def summary(self) -> str:
        """A few human-readable lines: counts, then one line per file."""
        lines = [
            f"landing: {len(self.landed)} landed, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged, {len(self.ignored)} ignored"
        ]
        if self.retired:
            lines[0] += f", {len(self.retired)} retired"
        if self.missing:
            lines[0] += f", {len(self.missing)} missing from the data directory"
        for label, items in (
            ("landed", self.landed),
            ("replaced", self.replaced),
            ("unchanged", self.unchanged),
            ("retired", self.retired),
            ("missing", self.missing),
        ):
            lines += [f"  {label:<9} {i.collection} [{i.period_key}] <- {i.source_path}" for i in items]
        lines += [f"  ignored   {p}" for p in self.ignored]
        lines += [f"  warning   {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class PeriodWindow:
    """The months a landed row may report on (:class:`oversight.collections.PeriodOf`): from ``earliest`` to
    ``latest`` (first days of months), both included."""

    earliest: date
    latest: date

    @classmethod
    def around(cls, run_date: date | None = None) -> PeriodWindow:
        """The configured window around ``run_date`` (default: today, UTC): from ``$OVERSIGHT_EARLIEST_PERIOD``
        (default 2010-01) to the run date's month plus ``$OVERSIGHT_PERIOD_MONTHS_AHEAD`` months (default 0)."""
        run_date = run_date or datetime.now(UTC).date()
        text = (os.environ.get(EARLIEST_PERIOD_ENV) or "").strip()
        earliest = DEFAULT_EARLIEST_PERIOD
        if text:
            match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-\d{2})?", text)
            try:
                if match is None:
                    raise ValueError(text)
                earliest = date(int(match.group(1)), int(match.group(2) or 1), 1)
            except ValueError:
                raise LandingError(f"${EARLIEST_PERIOD_ENV}={text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD") from None
        ahead_text = (os.environ.get(MONTHS_AHEAD_ENV) or "0").strip()
        if not re.fullmatch(r"\d{1,3}", ahead_text):
            raise LandingError(f"${MONTHS_AHEAD_ENV}={ahead_text!r}: expected a whole number of months (0 or more)")
        month = run_date.year * 12 + run_date.month - 1 + int(ahead_text)
        return cls(earliest, date(month // 12, month % 12 + 1, 1))


def is_synthetic(path: str | Path) -> bool:
    """Whether a raw file is synthetic: the generator (:mod:`oversight_dev.synthetic`) puts ``SYNTHETIC`` in every
    name it writes, and a folder named so marks everything under it."""
    return "synthetic" in Path(path).as_posix().casefold()


def synthetic_sources(landing_dir: Path) -> list[str]:
    """Source paths of the current landed files whose rows are synthetic (empty when there are none)."""
    found: set[str] = set()
    files = sorted(Path(landing_dir).glob("*/*.parquet")) if Path(landing_dir).is_dir() else []
    with duckdb.connect() as con:
        for parquet in files:
            columns = {row[0] for row in con.execute("SELECT name FROM parquet_schema(?)", [str(parquet)]).fetchall()}
            if "_synthetic" in columns:
                rows = con.execute(
                    "SELECT DISTINCT _source_path FROM read_parquet(?) WHERE _synthetic", [str(parquet)]
                ).fetchall()
                found.update(str(row[0]) for row in rows)
    return sorted(found)


def safe_period_key(period_key: str) -> str:
    """File-name form of a period key: ``mental-health-and-community|Q2 2025/26`` ->
    ``mental-health-and-community__Q2_2025-26``."""
    text = period_key.replace("|", "__").replace("/", "-").replace(" ", "_")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")


# ----------------------------------------------------------------------------------------------------
# Entry point


def land(
    data_dir: Path,
    landing_dir: Path,
    registry_dir: Path | None = None,
    now: datetime | None = None,
    *,
    collections: Sequence[Collection] = COLLECTIONS,
    period_window: PeriodWindow | None = None,
) -> LandingReport:
    """Land every recognised file under ``data_dir`` into ``landing_dir``.

    Args:
        data_dir: searched recursively; files matching no collection are listed in ``report.ignored``. It must
            hold at least one recognised file (an empty data directory is an error, not "nothing changed").
        landing_dir: receives one folder per collection and ``_manifest.jsonl``; created when needed.
        registry_dir: folder with ``metric_registry.csv`` and ``nof_summary_metrics.csv`` (metric-id check);
            defaults to ``<repo>/seeds``.
        now: landing timestamp (``_landed_at`` and the manifest); default the current time. Naive values are
            taken as UTC.
        collections: the collection registry (tests may pass a subset).
        period_window: the months a row may report on; default :meth:`PeriodWindow.around` today.

    Raises:
        LandingError: any input problem (nothing is written), or a failure while writing (rolled back).
    """
    try:
        return _land(data_dir, landing_dir, registry_dir, now, collections, period_window)
    except OSError as exc:  # any OS error not met where it happens still names its file, never a traceback
        where = Path(str(exc.filename)) if exc.filename else Path(landing_dir)
        raise LandingError(f"{_display(where)}: {_os_reason(exc)}; nothing was landed") from exc


def _land(
    data_dir: Path,
    landing_dir: Path,
    registry_dir: Path | None,
    now: datetime | None,
    collections: Sequence[Collection],
    period_window: PeriodWindow | None,
) -> LandingReport:
    data_dir = Path(data_dir)
    landing_dir = Path(landing_dir)
    registry_dir = Path(registry_dir) if registry_dir is not None else paths.default_registry_dir()
    landed_at = _utc_naive(now)
    window = period_window or PeriodWindow.around()
    if not data_dir.is_dir():
        raise LandingError(f"{_display(data_dir)}: data directory not found")

    report = LandingReport()
    sources, problems = _discover(data_dir, landing_dir, collections, report)
    if not sources and not problems:
        what = "it is empty"
        if report.ignored:
            what = f"no file matches a known collection ({len(report.ignored)} ignored)"
        raise LandingError(
            f"{_display(data_dir)}: nothing to land, {what}; the landed data is unchanged "
            "(point --data-dir at the folder of NHS files)"
        )

    created: list[Path] = []
    if not landing_dir.exists():
        _mkdir(landing_dir, created)
    actions: list[_Action] = []
    try:
        with exclusive_lock(landing_dir), _scratch_dir() as tmp, terminate_as_exit():
            report.warnings.extend(_recover(landing_dir))
            _clear_incoming(landing_dir)
            events = _read_manifest(landing_dir)
            current = _current_events(events, landing_dir)
            _report_missing(current, sources, data_dir, report)
            with _connect(Path(tmp)) as con:
                stager = _Stager(con, registry_dir, landed_at, Path(tmp), window)
                staged = _stage_sources(con, stager, sources, landing_dir, current, report, problems, actions, created)
                report.warnings.extend(stager.warnings)
                problems.extend(_cross_file_problems(staged))
                if problems:
                    raise LandingError(problems)
            _commit_all(actions, landing_dir, landed_at, report)
            with contextlib.suppress(OSError):
                (landing_dir / INCOMING_DIR).rmdir()
    except BaseException:
        _rollback(actions, created)
        raise
    for warning in report.warnings:
        log.warning("%s", warning)
    return report


def _stage_sources(
    con: duckdb.DuckDBPyConnection,
    stager: _Stager,
    sources: list[_Source],
    landing_dir: Path,
    current: dict[tuple[str, str], dict[str, Any]],
    report: LandingReport,
    problems: list[LandingProblem],
    actions: list[_Action],
    created: list[Path],
) -> list[_Staged]:
    """Stage every source in turn and, while nothing has failed, plan its commit and write its Parquet under a
    temporary name (``actions``, ``created``); a file whose checksum is the current landing of its period is not
    read again. Problems are collected in ``problems``; returns every file staged, for the cross-file checks."""
    by_checksum = {(c, e["sha256"]): k for (c, k), e in current.items()}
    staged: list[_Staged] = []
    seen: set[tuple[str, str]] = set()
    digests: dict[Path, str] = {}
    for index, source in enumerate(sources):
        source.sha256 = _checksum(source, digests, problems)
        if not source.sha256:
            continue
        coll_name = source.collection.name
        unchanged = by_checksum.get((coll_name, source.sha256))
        parquet = landing_dir / current[(coll_name, unchanged)]["parquet"] if unchanged else landing_dir
        if unchanged is not None and _holds(con, parquet, source.sha256):
            # the current landed file of its period: not read again
            seen.add((source.collection.name, unchanged))
            staged.append(_Staged(source, unchanged, 0, ""))  # still one side of the cross-file checks
            report.unchanged.append(LandedFile(source.collection.name, unchanged, source.rel))
            continue
        try:
            item = stager.stage(index, source)
        except LandingError as exc:
            stager.drop(index)
            if not exc.problems:
                raise
            problems.extend(exc.problems)
            continue
        staged.append(item)
        if not problems:  # once anything fails, the rest is only validated
            try:
                action = _plan(con, item, landing_dir, seen, current, report)
            except LandingError as exc:
                if not exc.problems:
                    raise
                problems.extend(exc.problems)
                action = None
            if action is not None:
                actions.append(action)
                _write_partial(con, action, created)
        stager.drop(index)
    return staged


def _checksum(source: _Source, digests: dict[Path, str], problems: list[LandingProblem]) -> str:
    """The source file's SHA-256, computed once per file (several collections may read one workbook); ``""`` with a
    problem recorded when the file cannot be read."""
    if source.path not in digests:
        try:
            digests[source.path] = sha256_file(source.path)
        except OSError as exc:
            problems.append(LandingProblem(source.display, None, (), f"cannot be read: {_os_reason(exc)}"))
            digests[source.path] = ""
    return digests[source.path]


def retire(
    data_dir: Path,
    landing_dir: Path,
    source_paths: Sequence[str],
    now: datetime | None = None,
) -> LandingReport:
    """Take the landed files that came from ``source_paths`` (relative to ``data_dir``, as the landing report
    and the manifest name them) out of the current set: each Parquet moves to ``<collection>/_retired/`` and a
    ``retired`` event is appended to the manifest, in one transaction. The source must be gone from
    ``data_dir`` (else the next run would land it again). Nothing is deleted."""
    try:
        return _retire(Path(data_dir), Path(landing_dir), source_paths, now)
    except OSError as exc:
        where = Path(str(exc.filename)) if exc.filename else Path(landing_dir)
        raise LandingError(f"{_display(where)}: {_os_reason(exc)}; nothing was retired") from exc


def _retire(data_dir: Path, landing_dir: Path, source_paths: Sequence[str], now: datetime | None) -> LandingReport:
    at = _utc_naive(now)
    report = LandingReport()
    if not (landing_dir / MANIFEST_NAME).is_file():
        raise LandingError(f"{_display(landing_dir)}: nothing has been landed here (no {MANIFEST_NAME})")
    actions: list[_Action] = []
    with exclusive_lock(landing_dir), terminate_as_exit():
        report.warnings.extend(_recover(landing_dir))
        current = _current_events(_read_manifest(landing_dir), landing_dir)
        problems = []
        for wanted in source_paths:
            rel = Path(wanted).as_posix()
            with contextlib.suppress(ValueError):  # a path naming the data directory, e.g. data/nhse_ae/x.csv
                rel = Path(wanted).resolve().relative_to(data_dir.resolve()).as_posix()
            found = [(k, e) for k, e in current.items() if e.get("source_path") == rel]
            if not found:
                problems.append(LandingProblem(rel, None, (), "no current landed file comes from it"))
            elif (data_dir / rel).exists():
                problems.append(
                    LandingProblem(
                        _display(data_dir / rel),
                        None,
                        (),
                        "is still in the data directory: remove it first, or the next run would land it again",
                    )
                )
            for (coll, period_key), event in found:
                target = landing_dir / event["parquet"]
                folder = target.parent / RETIRED_DIR
                dest = _free_name(folder, f"{target.stem}__{event['sha256'][:12]}")
                retired = dict(event, event="retired", landed_at=_iso(at))
                retired["retired_parquet"] = dest.relative_to(landing_dir).as_posix()
                retired.pop("replaces_sha256", None)
                retired.pop("superseded_parquet", None)
                actions.append(_Action(None, "retired", target, event=retired, moved_to=dest))
                report.retired.append(LandedFile(coll, period_key, rel))
        if problems:
            raise LandingError(problems)
        _commit_all(actions, landing_dir, at, report)
    for warning in report.warnings:
        log.warning("%s", warning)
    return report


def _discover(
    data_dir: Path, landing_dir: Path, collections: Sequence[Collection], report: LandingReport
) -> tuple[list[_Source], list[LandingProblem]]:
    """The files to land (one per matching collection) and the problems found while listing them.

    A symbolic link to a file outside the data directory is never read (its content could be anything, e.g. a
    system file, and error messages quote header cells): it is reported instead.
    """
    sources: list[_Source] = []
    problems: list[LandingProblem] = []
    landing_resolved = landing_dir.resolve()
    data_resolved = data_dir.resolve()
    try:
        candidates = sorted(p for p in data_dir.rglob("*") if p.is_file())
    except OSError as exc:
        raise LandingError(f"{_display(data_dir)}: the data directory cannot be listed: {_os_reason(exc)}") from None
    for path in candidates:
        resolved = path.resolve()
        if resolved.is_relative_to(landing_resolved):
            continue  # a landing dir inside the data dir holds our own output
        rel = path.relative_to(data_dir).as_posix()
        try:
            matched = match_collections(path.name, collections)
        except ValueError as exc:
            raise LandingError(f"{_display(path)}: {exc}") from None
        if not matched:
            report.ignored.append(rel)
            continue
        if path.is_symlink() and not resolved.is_relative_to(data_resolved):
            problems.append(
                LandingProblem(
                    _display(path),
                    None,
                    (),
                    "is a symbolic link to a file outside the data directory; not read (copy the file in instead)",
                )
            )
            continue
        for collection in matched:
            sources.append(_Source(path, rel, _display(path), collection))
    return sources, problems


def _report_missing(
    current: dict[tuple[str, str], dict[str, Any]], sources: list[_Source], data_dir: Path, report: LandingReport
) -> None:
    """Current landed files whose source file is gone from the data directory: reported, never dropped."""
    present = {(s.collection.name, s.rel) for s in sources}
    for (coll, period_key), event in sorted(current.items()):
        rel = event.get("source_path")
        if not rel or (coll, rel) in present or (data_dir / rel).exists():
            continue
        report.missing.append(LandedFile(coll, period_key, rel))
        report.warnings.append(
            f"{rel}: landed as {coll} [{period_key}] but no longer in {_display(data_dir)}; its rows are still "
            f"current. Put the file back, or retire them: oversight land --retire '{rel}'"
        )


def _connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    """The scratch database, on disk in ``scratch``.

    Measured: an in-memory database reads a wide CSV faster but scans it 4-5 times slower afterwards (its
    tables are not compressed), and every file is scanned several times (checks, keys, the Parquet write).
    """
    limits = settings.duckdb_settings()
    con = duckdb.connect(
        str(scratch / "staging.duckdb"),
        config={"preserve_insertion_order": True, "threads": limits.threads, "memory_limit": limits.memory_limit},
    )
    con.execute("SET enable_progress_bar = false")
    con.execute(f"CREATE MACRO clean_text(x) AS nullif(trim(x, {_lit(TRIM_CHARACTERS)}), '')")
    return con


def _clear_incoming(landing_dir: Path) -> None:
    """Remove what an interrupted run left in ``.incoming`` (never pointed to; the lock is held)."""
    incoming = landing_dir / INCOMING_DIR
    if incoming.is_dir():
        for leftover in incoming.glob("*.partial"):
            leftover.unlink()
        with contextlib.suppress(OSError):
            incoming.rmdir()


def _read_manifest(landing_dir: Path) -> list[dict[str, Any]]:
    """Every event of the manifest, in order (:func:`_recover` has already cut a torn last line)."""
    manifest = landing_dir / MANIFEST_NAME
    if not manifest.exists():
        return []
    events = []
    try:
        with manifest.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                    _ = (event["collection"], event["period_key"])  # every event names both
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise LandingError(f"{_display(manifest)}, line {number}: not a landing event ({exc})") from None
                events.append(event)
    except (OSError, UnicodeDecodeError) as exc:
        raise LandingError(f"{_display(manifest)}: cannot be read: {_os_reason(exc)}") from None
    return events


def _current_events(events: list[dict[str, Any]], landing_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """``(collection, period key) -> event`` of every landed file that is current: the last event per key wins,
    a ``retired`` event leaves the key with none, and the Parquet must be on disk."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        latest[(event["collection"], event["period_key"])] = event
    return {
        key: event
        for key, event in latest.items()
        if event.get("event") != "retired" and (landing_dir / event["parquet"]).exists()
    }


def _parquet_identity(con: duckdb.DuckDBPyConnection, parquet: Path) -> tuple[str, str] | None:
    """(source sha256, period key) a landed Parquet holds, or ``None`` when it is missing or unreadable."""
    if not parquet.is_file():
        return None
    try:
        row = con.execute(
            f"SELECT _source_sha256, _period_key FROM read_parquet({_lit(str(parquet))}) LIMIT 1"
        ).fetchone()
    except duckdb.Error:
        return None
    return (str(row[0]), str(row[1])) if row else None


def _holds(con: duckdb.DuckDBPyConnection, parquet: Path, sha256: str) -> bool:
    """Whether the Parquet on disk is the landing of ``sha256`` (the manifest and the folder agree)."""
    found = _parquet_identity(con, parquet)
    return found is not None and found[0] == sha256


# ----------------------------------------------------------------------------------------------------
# Recovery of interrupted runs


def _recover(landing_dir: Path) -> list[str]:
    """Bring the landing directory back to a committed state after a killed run; returns warnings.

    * A torn last manifest line (a run killed while appending) is cut off and kept next to the manifest.
    * A pending commit journal is completed when every rename had been done (the manifest then gets the events
      it lacks) and undone otherwise (each Parquet already swapped in goes back to what it replaced; a newly
      landed one is removed; its source is still in the data directory, so this run lands it again).
    """
    warnings = []
    manifest = landing_dir / MANIFEST_NAME
    try:
        if manifest.is_file():
            data = manifest.read_bytes()
            if data and not data.endswith(b"\n") and _is_event(data[data.rfind(b"\n") + 1 :]):
                with manifest.open("ab") as handle:  # a whole event whose line break was not written
                    handle.write(b"\n")
                    os.fsync(handle.fileno())
                warnings.append(f"{_display(manifest)}: its last event lacked its line break; completed")
            elif data and not data.endswith(b"\n"):
                cut = data.rfind(b"\n") + 1
                kept = landing_dir / f"{MANIFEST_NAME}.torn-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
                kept.write_bytes(data[cut:])
                with manifest.open("r+b") as handle:
                    handle.truncate(cut)
                    os.fsync(handle.fileno())
                warnings.append(
                    f"{_display(manifest)}: its last line was cut short by an interrupted run "
                    f"({len(data) - cut} bytes, kept in {kept.name}); removed, and the landing recovered"
                )
        journal = landing_dir / JOURNAL_NAME
        if journal.is_file():
            warnings.append(_recover_journal(landing_dir, journal))
    except OSError as exc:
        raise LandingError(f"{_display(landing_dir)}: recovering an interrupted run failed: {_os_reason(exc)}") from exc
    return warnings


def _is_event(line: bytes) -> bool:
    try:
        event = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(event, dict) and {"event", "collection", "period_key", "sha256", "parquet"} <= event.keys()


def _recover_journal(landing_dir: Path, journal: Path) -> str:
    lines = journal.read_text(encoding="utf-8").splitlines()
    try:
        plan = json.loads(lines[0])
    except (IndexError, json.JSONDecodeError):
        journal.unlink()  # torn while being written: nothing had been renamed yet
        return f"{_display(journal)}: an interrupted run had not started its commit; nothing to undo"
    renamed = any(line.strip() == json.dumps({"renamed": plan["txn"]}) for line in lines[1:])
    steps = plan["actions"]
    if renamed:
        have = {
            (e.get("event"), e.get("parquet"), e.get("sha256"), e.get("landed_at")) for e in _read_manifest(landing_dir)
        }
        todo = [
            s["event"]
            for s in steps
            if (s["event"]["event"], s["event"]["parquet"], s["event"]["sha256"], s["event"]["landed_at"]) not in have
        ]
        _append_events(landing_dir, todo)
        journal.unlink()
        return (
            f"{_display(landing_dir)}: completed a commit interrupted after its files were in place "
            f"({len(todo)} manifest event(s) recorded)"
        )
    with duckdb.connect() as con:
        for step in reversed(steps):
            target = landing_dir / step["target"]
            other = landing_dir / step["other"] if step.get("other") else None
            kind = step["event"]["event"]
            if kind == "retired":
                if other is not None and other.exists() and not target.exists():
                    os.replace(other, target)
                continue
            swapped = _holds(con, target, step["event"]["sha256"])
            if swapped and other is not None and other.exists():
                os.replace(other, target)  # the superseded copy goes back into place
            elif swapped:
                target.unlink()  # newly landed: its source is still in data/
            elif other is not None and other.exists():
                if not target.exists():
                    os.replace(other, target)
                elif os.path.samefile(other, target):
                    other.unlink()  # the link made before the swap, never recorded
            if other is not None:
                with contextlib.suppress(OSError):
                    other.parent.rmdir()  # a _superseded/ folder this commit created
    journal.unlink()
    _clear_incoming(landing_dir)
    return (
        f"{_display(landing_dir)}: undid a commit interrupted before its files were all in place "
        f"({len(steps)} file(s) restored to the last committed state; they are landed again from the data directory)"
    )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The first column of the single row an aggregate query (``count(*)``, ...) returns."""
    row = con.execute(sql).fetchone()
    if row is None:  # pragma: no cover - an aggregate without GROUP BY always returns one row
        raise RuntimeError(f"no row from {sql}")
    return row[0]


def _csv_options(dialect: CsvDialect, index: int, n_columns: int, types: dict[int, str], header: bool) -> str:
    """DuckDB ``read_csv`` options for a file of ``n_columns`` columns ``c0``...: no sniffing, the collection's dialect,
    ``types`` for some columns (the others text), every rejected line kept in ``rejects_<index>``."""
    columns = "{" + ", ".join(f"'c{i}': '{types.get(i, 'VARCHAR')}'" for i in range(n_columns)) + "}"
    return ", ".join(
        [
            "auto_detect = false",
            "all_varchar = false" if types else "all_varchar = true",
            f"header = {'true' if header else 'false'}",
            f"delim = {_lit(dialect.delimiter)}",
            f"quote = {_lit(dialect.quote)}",
            f"escape = {_lit(dialect.escape)}",
            f"encoding = {_lit(dialect.encoding)}",
            f"columns = {columns}",
            "ignore_errors = true",
            "store_rejects = true",
            f"rejects_table = 'rejects_{index}'",
            f"rejects_scan = 'rejects_scan_{index}'",
        ]
    )


def _reject_text(error_type: object, message: str | None, n_columns: int, dialect: CsvDialect) -> str:
    """What a line DuckDB's CSV reader rejected is wrong with, in the landing's words."""
    found = re.search(r"Found:\s*(\d+)", message or "")
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS") and found:
        return f"layout error: expected {n_columns} columns, found {found.group(1)}"
    if error_type == "INVALID ENCODING":
        return f"the line is not valid {dialect.encoding} text"
    if error_type == "LINE SIZE OVER MAXIMUM":
        size = re.search(r"Actual Size:\s*(\d+)", message or "")
        return (
            f"the line is {int(size.group(1)) if size else 'too many'} bytes long, more than a line may "
            "hold (2,000,000 bytes): a cell that large is not a value"
        )
    return f"malformed CSV ({str(error_type).lower()}): {message}"


# ----------------------------------------------------------------------------------------------------
# Scratch folders and termination


@contextlib.contextmanager
def _scratch_dir() -> Iterator[str]:
    """A scratch folder in the temporary directory, removed on every exit path; folders of killed runs (their
    owner lock is free) are removed first."""
    _remove_stale_scratch()
    folder = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
    try:
        with exclusive_lock(Path(folder) / _SCRATCH_OWNER, wait=False, mode=0o600):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_stale_scratch() -> None:
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        owner = folder / _SCRATCH_OWNER
        if not owner.is_file():
            # No owner file: a killed run of a version without one, or a run between mkdtemp and its lock.
            with contextlib.suppress(OSError):
                if datetime.now(UTC).timestamp() - folder.stat().st_mtime > 3600:
                    shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            with exclusive_lock(owner, wait=False):
                pass
        except (LockHeld, OSError):
            continue  # a running landing owns it (or it went away meanwhile)
        shutil.rmtree(folder, ignore_errors=True)
        log.info("removed the scratch folder of a killed landing run: %s", folder)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGTERM and SIGINT wait until a commit's renames and manifest events are written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)


# ----------------------------------------------------------------------------------------------------
# Staging: read, validate and type one file in the scratch DuckDB database


@dataclass
class _Source:
    path: Path
    rel: str
    display: str
    collection: Collection
    sha256: str = ""
    size: int = 0
    blank_lines: list[int] = field(default_factory=list)
    first_line: bytes | None = None
    #: The CSV actually read: ``path`` itself, or a CSV extracted from a spreadsheet or ZIP.
    read_path: Path | None = None
    #: Added to a data line of ``read_path`` to give the row/line in the original file (see :meth:`line_in_file`).
    line_offset: int = 0
    #: Stray empty trailing columns the file carries beyond its layout (``Layout.stray_trailing_columns``).
    stray_columns: int = 0
    #: Non-blank physical lines of ``read_path`` (one per record unless a quoted field spans lines).
    lines: int = 0
    #: Whether a digit, an underscore and a digit follow each other somewhere in ``read_path`` ('1_000'): DuckDB's
    #: typed CSV reader takes that for a number, the landing check does not (see :meth:`_Stager._stage_typed`).
    digit_underscore: bool = False

    def line_in_file(self, line: int) -> int:
        """A line of ``read_path`` as the published file's row/line: line 1 (the header) stays line 1.

        ``_line`` in the staged tables is already mapped (:meth:`_Stager._build_source_table`).
        """
        return line + self.line_offset if line > 1 else line


@dataclass
class _Staged:
    source: _Source
    period_key: str
    rows: int
    select_sql: str


class _FileContext:
    """:class:`oversight.collections.FileContext` for one file being staged."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: _Source, labels: dict[str, str]) -> None:
        self.con = con
        self.source = source
        self.labels = labels
        self.table = ""

    @property
    def file_name(self) -> str:
        return self.source.path.name

    def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    def label(self, field_name: str) -> str:
        """The file's header name for a field; for a field this layout lacks, another layout's name."""
        if field_name in self.labels:
            return self.labels[field_name]
        for layout in self.source.collection.layouts:
            if (column := layout.column_for(field_name)) is not None:
                return column
        return field_name

    def problem(self, line: int | None, field_names: Sequence[str], message: str) -> LandingProblem:
        """``line``: the published file's line (header = 1), as ``_line`` holds it."""
        return LandingProblem(self.source.display, line, tuple(self.label(f) for f in field_names), message)

    def fail(self, line: int | None, field_names: Sequence[str], message: str) -> NoReturn:
        raise LandingError([self.problem(line, field_names, message)])


class _Stager:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        registry_dir: Path,
        landed_at: datetime,
        scratch: Path,
        window: PeriodWindow,
    ) -> None:
        self.con = con
        self.registry_dir = registry_dir
        self.landed_at = landed_at
        self.scratch = scratch
        self.window = window
        self.warnings: list[str] = []
        self._header_width = 0
        self._registry_cache: dict[RegistryIds, frozenset[str]] = {}

    def stage(self, index: int, source: _Source) -> _Staged:
        """Validate and type one file; raise LandingError with its problems."""
        try:
            return self._stage(index, source)
        except OSError as exc:
            reason = f"cannot be read: {_os_reason(exc)}"
            raise LandingError([LandingProblem(source.display, None, (), reason)]) from exc
        except (duckdb.Error, csv.Error, UnicodeError) as exc:  # unexpected: still name the file
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LandingError([LandingProblem(source.display, None, (), f"could not be read: {first}")]) from exc

    def _stage(self, index: int, source: _Source) -> _Staged:
        coll = source.collection
        ctx = _FileContext(self.con, source, {})
        if coll.container is not None:
            size = source.path.stat().st_size  # of the file as published
            if size == 0:
                ctx.fail(1, (), "the file is empty")
            try:
                converted = coll.container.extract(source.path, self.scratch / f"container_{index}")
            except ContainerError as exc:
                ctx.fail(exc.line, (), str(exc))
            source.read_path, source.line_offset = converted.path, converted.line_offset
            if converted.where:  # empty: the file is the CSV itself (e.g. a ZIP member as extracted)
                source.display = f"{source.display} [{converted.where}]"
            _scan(source)
            source.size = size
        else:
            _scan(source)
        if source.size == 0 or source.first_line is None:
            ctx.fail(1, (), "the file is empty (expected a header row and data rows)")
        if b"\r" in source.first_line:
            ctx.fail(
                1,
                (),
                "a carriage return (CR) ends no line: the file's lines end with CR alone (classic Mac OS), which "
                "is not read; save it with LF or CRLF line endings",
            )
        layout, positions = self._choose_layout(ctx)
        ctx.labels = {name: label for name, (_, label) in positions.items()}
        n_columns = len(layout.columns) if layout.other_columns == "error" else self._header_width

        # The common case in one typed read; any file it does not take whole goes the text way, which names
        # each problem (file, line, column, what was wrong) and so gives exactly today's messages.
        warnings = len(self.warnings)
        data_rows = self._stage_typed(ctx, index, layout, positions, n_columns)
        in_order = data_rows is not None  # one table in the file's order: the write need not sort
        if data_rows is None:
            log.debug("%s: read the text way (the typed read did not take it whole)", source.display)
            del self.warnings[warnings:]
            self.drop(index)
            data_rows = self._stage_text(ctx, index, layout, positions, n_columns)
        full = f"full_{index}"
        period_key = coll.period_key.resolve(ctx)
        if not safe_period_key(period_key):
            ctx.fail(None, (), f"period key {period_key!r} has no usable characters for a file name")

        lineage = {
            "_source_file": _lit(source.path.name),
            "_source_path": _lit(source.rel),
            "_source_sha256": _lit(source.sha256),
            "_source_line": "_line",
            "_landed_at": f"CAST({_lit(self.landed_at.isoformat(sep=' '))} AS TIMESTAMP)",
            "_period_key": _lit(period_key),
            "_synthetic": "TRUE" if is_synthetic(source.rel) else "FALSE",
        }
        select_columns = [f'"{name}"' for name, _ in coll.output_columns()]
        select_columns += [f'CAST({lineage[name]} AS {sql_type}) AS "{name}"' for name, sql_type in LINEAGE_COLUMNS]
        select_sql = f"SELECT {', '.join(select_columns)} FROM {full}" + ("" if in_order else " ORDER BY _line")
        return _Staged(source, period_key, data_rows, select_sql)

    def _stage_text(
        self, ctx: _FileContext, index: int, layout: Layout, positions: dict[str, tuple[int, str]], n_columns: int
    ) -> int:
        """Read every column as text, check each cell, type the checked text: the way that names every problem."""
        source, coll = ctx.source, ctx.source.collection
        raw, src, typed = (f"{t}_{index}" for t in ("raw", "src", "typed"))
        self._read_csv(ctx, index, raw, n_columns + source.stray_columns)
        if source.stray_columns:
            self._check_stray_columns(ctx, raw, n_columns, source.stray_columns)
        data_rows = int(_scalar(self.con, f"SELECT count(*) FROM {raw}")) - int(layout.has_header)
        if data_rows <= 0:
            ctx.fail(1, (), "the file has no data rows")

        self._build_source_table(ctx, index, raw, src, layout, positions, data_rows + int(layout.has_header))
        self._check_values(ctx, src, [coll.get_field(name) for name in positions])

        # Typed values are views over the cleaned text: computed while checked and written, never stored.
        typed_columns = ", ".join(self._typed_expr(coll.get_field(name)) for name in positions)
        self.con.execute(f"CREATE VIEW {typed} AS SELECT _line, {typed_columns} FROM {src}")
        problems = self._derive_and_check(ctx, index, layout)
        if problems:
            raise LandingError(problems)
        return data_rows

    def _stage_typed(
        self, ctx: _FileContext, index: int, layout: Layout, positions: dict[str, tuple[int, str]], n_columns: int
    ) -> int | None:
        """One typed read: number fields read as DOUBLE by DuckDB's CSV reader, the rest as text cleaned and typed
        as :meth:`_stage_text` does, only the landed columns kept. The data rows, or ``None`` when the file needs
        the text way: DuckDB rejected a line (its reject table), a check found a problem, or the file has what
        only the text way handles (stray columns, blank lines, a record over several lines, '1_000').

        The typed values equal the text way's: DuckDB's cast of a number cell is the text way's
        ``CAST(... AS DOUBLE)`` of the trimmed cell; what the two could differ on is sent the text way (a
        thousands separator and a cell with a non-breaking space are rejected by the reader, a non-finite value
        is caught here, digit separators ('1_000', which the reader takes) by :func:`_scan`).
        """
        source, coll = ctx.source, ctx.source.collection
        if source.stray_columns or source.blank_lines or source.digit_underscore:
            return None
        fields = {name: coll.get_field(name) for name in positions}
        numbers = self._plain_numbers(coll, fields)
        fast, src, typed = (f"{t}_{index}" for t in ("fast", "src", "typed"))
        types = {position: "DOUBLE" for name, (position, _) in positions.items() if name in numbers}
        try:
            self._read_csv(
                ctx,
                index,
                fast,
                n_columns,
                types=types,
                keep=sorted({p for p, _ in positions.values()}),
                header=layout.has_header,
                temporary=True,
            )
        except LandingError:
            return None
        if _scalar(self.con, f"SELECT count(*) FROM (SELECT 1 FROM rejects_{index} LIMIT 1)"):
            return None
        data_rows = _scalar(self.con, f"SELECT count(*) FROM {fast}")
        if data_rows <= 0 or source.lines != data_rows + int(layout.has_header):
            return None
        first_line = int(layout.has_header) + 1 + int(source.line_offset)
        self._clean_fast(coll, positions, numbers, fast, src, first_line)
        flags = [f'NOT isfinite("{name}")' for name in numbers]
        flags += [f'"{name}" IS NULL' for name in numbers if fields[name].required]
        bad = f"SELECT count(*) FROM (SELECT 1 FROM {src} WHERE {' OR '.join(flags)} LIMIT 1)"
        if flags and _scalar(self.con, bad):
            return None
        try:
            self._check_values(ctx, src, [f for name, f in fields.items() if name not in numbers])
        except LandingError:
            return None
        typed_columns = ", ".join(
            f'"{name}"' if name in numbers else self._typed_expr(fields[name]) for name in positions
        )
        self.con.execute(f"CREATE VIEW {typed} AS SELECT _line, {typed_columns} FROM {src}")
        try:
            problems = self._derive_and_check(ctx, index, layout)
        except LandingError:
            return None
        return None if problems else data_rows

    def _plain_numbers(self, coll: Collection, fields: dict[str, Field]) -> set[str]:
        """The number fields DuckDB's CSV reader may type as DOUBLE: no value map, pattern or allowed list, no kept
        published value, and no null token of the collection that would itself read as a number."""
        castable_null = self.con.execute(
            "SELECT bool_or(TRY_CAST(t AS DOUBLE) IS NOT NULL) FROM unnest(?::VARCHAR[]) AS u(t)",
            [list(coll.null_tokens)],
        ).fetchone()
        return {
            name
            for name, f in fields.items()
            if f.kind == "number"
            and not (f.keep_published_as or f.value_map or f.pattern or f.allowed)
            and not (castable_null and castable_null[0])
        }

    def _clean_fast(
        self,
        coll: Collection,
        positions: dict[str, tuple[int, str]],
        numbers: set[str],
        fast: str,
        src: str,
        first_line: int,
    ) -> None:
        """``src``: the typed read ``fast`` with text cells cleaned (and null tokens NULL), numbers as read, and
        ``_line``; cleaned once into a table (the checks and the write each scan it), in the file's order."""
        cleaned = []
        for name, (position, _label) in positions.items():
            if name in numbers:
                cleaned.append(f'c{position} AS "{name}"')
                continue
            expr = f"clean_text(c{position})"
            if coll.null_tokens:
                expr = f"CASE WHEN {expr} IN ({', '.join(map(_lit, coll.null_tokens))}) THEN NULL ELSE {expr} END"
            cleaned.append(f'{expr} AS "{name}"')
        self.con.execute(
            f"CREATE TEMP TABLE {src} AS SELECT CAST(rowid + {first_line} AS INTEGER) AS _line, "
            f"{', '.join(cleaned)} FROM {fast}"
        )
        self.con.execute(f"DROP TABLE {fast}")

    def _derive_and_check(self, ctx: _FileContext, index: int, layout: Layout) -> list[LandingProblem]:
        """``full_<index>``: ``typed_<index>`` plus the layout's derived constants; the whole-file checks' problems."""
        coll = ctx.source.collection
        typed, full = f"typed_{index}", f"full_{index}"
        ctx.table = typed
        constants: dict[str, object] = {}
        for rule in layout.derived:
            constants[rule.field] = rule.resolve(ctx)
        derived_sql = "".join(
            f', CAST({_sql_literal(value)} AS {coll.get_field(name).sql_type}) AS "{name}"'
            for name, value in constants.items()
        )
        self.con.execute(f"CREATE VIEW {full} AS SELECT *{derived_sql} FROM {typed}")
        ctx.table = full
        return self._check_plausibility(ctx, full) + self._check_keys(ctx, full) + self._check_references(ctx, full)

    def drop(self, index: int) -> None:
        """Free the scratch objects of file ``index`` (views first: they depend on the tables)."""
        for name in (
            f"{prefix}_{index}"
            for prefix in ("full", "typed", "src", "raw", "fast", "blanks", "rejects", "rejects_scan")
        ):
            found = self.con.execute(
                "SELECT 'VIEW' FROM duckdb_views() WHERE view_name = $1 "
                "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $1",
                [name],
            ).fetchone()
            if found:
                self.con.execute(f"DROP {found[0]} {name}")

    # -- layout ------------------------------------------------------------------------------

    def _choose_layout(self, ctx: _FileContext) -> tuple[Layout, dict[str, tuple[int, str]]]:
        """The layout the file follows, and for each landed field its column index and the file's label."""
        coll = ctx.source.collection
        field_names = {f.name for f in coll.fields}
        if not coll.layouts[0].has_header:
            layout = coll.layouts[0]
            positions = {
                layout.field_for(c): (i, c) for i, c in enumerate(layout.columns) if layout.field_for(c) in field_names
            }
            return layout, positions

        assert ctx.source.first_line is not None
        try:
            text = ctx.source.first_line.decode(_python_encoding(coll.dialect.encoding))
        except UnicodeDecodeError:
            ctx.fail(1, (), f"the header is not valid {coll.dialect.encoding} text")
        dialect = coll.dialect
        try:
            header = next(csv.reader([text], delimiter=dialect.delimiter, quotechar=dialect.quote))
        except csv.Error as exc:
            ctx.fail(1, (), f"the header cannot be read as CSV: {exc}")
        header = [h.strip(TRIM_CHARACTERS) for h in header]
        for layout in coll.layouts:
            stray = len(header) - len(layout.columns)
            if 0 < stray <= layout.stray_trailing_columns and [h.casefold() for h in header[:-stray]] == [
                c.casefold() for c in layout.columns
            ]:
                ctx.source.stray_columns = stray
                positions = {
                    layout.field_for(c): (i, header[i])
                    for i, c in enumerate(layout.columns)
                    if layout.field_for(c) in field_names
                }
                return layout, positions
        normalised = [h.casefold() for h in header]
        repeated = sorted({h for h, n in zip(header, normalised, strict=True) if normalised.count(n) > 1})
        if repeated:
            ctx.fail(1, repeated, "the header repeats column name(s)")

        best: tuple[int, Layout, list[str], list[str]] | None = None
        for layout in coll.layouts:
            wanted = {c.casefold(): c for c in layout.columns}
            missing = [c for k, c in wanted.items() if k not in normalised]
            extra = [h for h, n in zip(header, normalised, strict=True) if n not in wanted]
            if not missing and (not extra or layout.other_columns == "ignore"):
                self._header_width = len(header)
                by_norm = {n: i for i, n in enumerate(normalised)}
                positions = {
                    layout.field_for(c): (by_norm[c.casefold()], header[by_norm[c.casefold()]])
                    for c in layout.columns
                    if layout.field_for(c) in field_names
                }
                return layout, positions
            score = len(missing) + len(extra)
            if best is None or score < best[0]:
                best = (score, layout, missing, extra)
        assert best is not None
        _, layout, missing, extra = best
        details = []
        if missing:
            details.append("missing column(s) " + ", ".join(f"'{c}'" for c in missing))
        if extra:
            # Header cells as written (each shortened), never more than a few: the file may not be what it says.
            extra = [_quote_value(c)[1:-1] for c in extra]
            shown = ", ".join(f"'{c}'" for c in extra[:10])
            if len(extra) > 10:
                shown += f" and {len(extra) - 10} more"
            details.append("unexpected column(s) " + shown)
            extra = extra[:10]
        known = "; ".join(f"{lay.name} ({len(lay.columns)} columns)" for lay in coll.layouts)
        ctx.fail(
            1,
            missing + extra,
            f"header matches no known {coll.name} layout; closest is {layout.name}: {'; '.join(details)} "
            f"(known layouts: {known})",
        )

    # -- reading ------------------------------------------------------------------------------

    def _check_stray_columns(self, ctx: _FileContext, raw: str, first: int, count: int) -> None:
        """Stray trailing columns must be empty on every data row (their header cell may hold anything)."""
        filled = " OR ".join(f"clean_text(c{i}) IS NOT NULL" for i in range(first, first + count))
        rows = self.con.execute(
            f"SELECT rowid + 1, {', '.join(f'clean_text(c{i}) IS NOT NULL' for i in range(first, first + count))} "
            f"FROM {raw} WHERE rowid >= 1 AND ({filled}) ORDER BY rowid LIMIT {MAX_PROBLEMS_PER_FILE}"
        ).fetchall()
        if rows:
            raise LandingError(
                [
                    LandingProblem(
                        ctx.source.display,
                        ctx.source.line_in_file(int(row[0])),
                        (f"column {first + next(i for i, f in enumerate(row[1:]) if f) + 1}",),
                        "a stray column after the layout's last column holds a value",
                    )
                    for row in rows
                ]
            )

    def _read_csv(
        self,
        ctx: _FileContext,
        index: int,
        table: str,
        n_columns: int,
        types: dict[int, str] | None = None,
        keep: Sequence[int] | None = None,
        header: bool = False,
        temporary: bool = False,
    ) -> None:
        """``table``: the file's records, columns ``c0``...; every line DuckDB rejects raises, named.

        ``types``: a type for some columns (the others text); ``keep``: the columns kept in ``table`` (default
        all); ``header``: skip the first line (else it is read as a record); ``temporary``: a temporary table (in
        memory, spilled when large: a third faster to fill with typed columns, while text is scanned faster from
        the compressed on-disk table)."""
        source = ctx.source
        dialect = source.collection.dialect
        path = source.read_path or source.path
        if any(ch in str(path) for ch in "*?[]{}"):  # DuckDB would treat these as a glob
            link = self.scratch / f"input_{index}.csv"
            try:
                link.symlink_to(path.resolve())
            except OSError:
                shutil.copyfile(path, link)
            path = link
        kept = "*" if keep is None else ", ".join(f"c{i}" for i in keep)
        options = _csv_options(dialect, index, n_columns, types or {}, header)
        try:
            self.con.execute(
                f"CREATE {'TEMP ' if temporary else ''}TABLE {table} AS "
                f"SELECT {kept} FROM read_csv({_lit(str(path))}, {options})"
            )
        except duckdb.Error as exc:
            changed = _line_ending_change(path)
            if changed is not None:
                line, ending, first = changed
                ctx.fail(
                    ctx.source.line_in_file(line),
                    (),
                    f"the line ends with {ending} but line 1 with {first}: mixed line endings are not read; "
                    "save the file with one kind",
                )
            ctx.fail(None, (), f"cannot be read as CSV: {str(exc).splitlines()[0]}")
        rejects = self.con.execute(
            # DuckDB may log one MISSING COLUMNS row per absent column of a line: keep the first per line (a
            # whole-line error has no column).
            "SELECT line, arg_min(error_type, coalesce(column_idx, -1)), "
            "arg_min(error_message, coalesce(column_idx, -1)) "
            f"FROM rejects_{index} GROUP BY line ORDER BY line LIMIT {MAX_PROBLEMS_PER_FILE}"
        ).fetchall()
        if rejects:
            raise LandingError(
                [
                    ctx.problem(ctx.source.line_in_file(int(line)), (), _reject_text(kind, message, n_columns, dialect))
                    for line, kind, message in rejects
                ]
            )

    def _build_source_table(
        self,
        ctx: _FileContext,
        index: int,
        raw: str,
        src: str,
        layout: Layout,
        positions: dict[str, tuple[int, str]],
        records: int,
    ) -> None:
        """``src``: ``_line`` (the row's line in the published file) plus one cleaned text column per landed field.

        DuckDB numbers records, not lines: add the line breaks inside quoted fields of earlier records and the
        blank lines DuckDB skipped (found while hashing the file) to get the physical line, then the container's
        ``line_offset`` (data lines only: :meth:`_Source.line_in_file`).
        """
        n_columns = len(layout.columns) if layout.other_columns == "error" else self._header_width
        # As many records as non-blank physical lines: no record spans lines, and no column need be searched.
        has_embedded = ctx.source.lines != records
        if has_embedded:
            any_newline = " OR ".join(f"contains(c{i}, chr(10))" for i in range(n_columns))
            found = _scalar(self.con, f"SELECT count(*) FROM (SELECT 1 FROM {raw} WHERE {any_newline} LIMIT 1)")
            has_embedded = bool(found)
        if has_embedded:
            newlines = " + ".join(
                f"coalesce(length(c{i}) - length(replace(c{i}, chr(10), '')), 0)" for i in range(n_columns)
            )
            record_line = (
                "_rid + 1 + coalesce(sum(_nl) OVER (ORDER BY _rid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"
            )
        else:
            newlines, record_line = "0", "_rid + 1"
        blank_term = ""
        if ctx.source.blank_lines:
            # k-th blank line (0-based) at physical line b sits after (b - k - 1) non-blank lines.
            adjusted = [b - k for k, b in enumerate(ctx.source.blank_lines)]
            self.con.execute(f"CREATE TEMP TABLE blanks_{index} AS SELECT unnest(?::BIGINT[]) AS b", [adjusted])
            blank_term = f" + (SELECT count(*) FROM blanks_{index} WHERE b <= n._n)"
        offset = int(ctx.source.line_offset)  # data lines are line 2 on: a container always writes a header
        nulls = ctx.source.collection.null_tokens
        cleaned = []
        for name, (position, _label) in positions.items():
            expr = f"clean_text(c{position})"
            if nulls:
                expr = f"CASE WHEN {expr} IN ({', '.join(map(_lit, nulls))}) THEN NULL ELSE {expr} END"
            cleaned.append(f'{expr} AS "{name}"')
        # A view (cleaned while checked and written) unless line numbers need a window or a subquery per row.
        kind = "TABLE" if has_embedded or blank_term else "VIEW"
        self.con.execute(
            f"""
            CREATE {kind} {src} AS
            WITH r AS (SELECT rowid AS _rid, *, {newlines} AS _nl FROM {raw}),
                 n AS (SELECT *, {record_line} AS _n FROM r)
            SELECT CAST(n._n{blank_term} + {offset} AS INTEGER) AS _line, {", ".join(cleaned)}
            FROM n WHERE _rid >= {int(layout.has_header)}
            """
        )

    # -- checks ------------------------------------------------------------------------------

    def _check_values(self, ctx: _FileContext, src: str, fields: list[Field]) -> None:
        checks: list[tuple[Field, str, str]] = []  # (field, kind of check, SQL condition that flags a row)
        for f in fields:
            col = f'"{f.name}"'
            if f.required:
                checks.append((f, "required", f"{col} IS NULL"))
            if f.kind == "number":
                # Any finite value DuckDB casts (no '_' digit separators) matches the pattern; the regular
                # expression (4x slower) decides only the rest, e.g. '1,234', 'nan', '*'.
                # A number too large for a DOUBLE ('1e309') would land as infinity: rejected like 'inf'.
                checks.append(
                    (
                        f,
                        "number",
                        f"CASE WHEN isfinite(TRY_CAST({col} AS DOUBLE)) AND NOT contains({col}, '_') THEN false "
                        f"WHEN regexp_full_match({col}, {_lit(NUMBER_PATTERN)}) "
                        f"THEN NOT coalesce(isfinite(TRY_CAST(replace({col}, ',', '') AS DOUBLE)), false) "
                        "ELSE true END",
                    )
                )
            elif f.kind == "date":
                bad_date = (
                    f"NOT regexp_full_match({col}, {_lit(f.date_pattern)}) "
                    f"OR try_strptime({col}, {_lit(f.date_format)}) IS NULL"
                )
                checks.append((f, "date", bad_date))
            if f.pattern:
                checks.append((f, "pattern", f"NOT regexp_full_match({col}, {_lit(f.pattern)})"))
            if f.allowed:
                checks.append((f, "allowed", f"{col} NOT IN ({', '.join(map(_lit, f.allowed))})"))
        if not checks:
            return
        flags = " OR ".join(
            f"({cond})" if kind == "required" else f'("{f.name}" IS NOT NULL AND ({cond}))' for f, kind, cond in checks
        )
        if not _scalar(self.con, f"SELECT count(*) FROM (SELECT 1 FROM {src} WHERE {flags} LIMIT 1)"):
            return
        union = " UNION ALL ".join(
            f'SELECT _line, {i} AS check_no, "{f.name}" AS value FROM {src} WHERE '
            + (cond if kind == "required" else f'"{f.name}" IS NOT NULL AND ({cond})')
            for i, (f, kind, cond) in enumerate(checks)
        )
        rows = self.con.execute(
            f"SELECT * FROM ({union}) ORDER BY _line, check_no LIMIT {MAX_PROBLEMS_PER_FILE}"
        ).fetchall()
        if not rows:
            return
        problems = []
        for line, check_no, value in rows:
            f, kind, _ = checks[check_no]
            shown = _quote_value(value)
            message = {
                "required": "a value is required but the cell is empty",
                "number": f"{shown} is not a number"
                + (" (too large: it would be infinite)" if re.fullmatch(NUMBER_PATTERN, str(value)) else ""),
                "date": f"{shown} is not a date ({f.date_description})",
                "pattern": f"{shown} is not {f.pattern_description or 'matching ' + str(f.pattern)}",
                "allowed": f"{shown} is not one of {', '.join(map(_quote_value, f.allowed))}",
            }[kind]
            problems.append(ctx.problem(line, [f.name], message))
        raise LandingError(problems)

    @staticmethod
    def _typed_expr(f: Field) -> str:
        col = f'"{f.name}"'
        if f.kind == "number":
            expr = f"CAST(replace({col}, ',', '') AS DOUBLE)"
        elif f.kind == "date":
            expr = f"CAST(strptime({col}, {_lit(f.date_format)}) AS DATE)"
        elif f.value_map:
            whens = " ".join(f"WHEN lower({col}) = lower({_lit(a)}) THEN {_lit(b)}" for a, b in f.value_map)
            expr = f"CASE {whens} ELSE {col} END"
        else:
            expr = col
        out = f'{expr} AS "{f.name}"'
        if f.keep_published_as:
            out += f', {col} AS "{f.keep_published_as}"'
        return out

    def _check_plausibility(self, ctx: _FileContext, table: str) -> list[LandingProblem]:
        """The collection's plausibility rules over the whole file: one scan to find whether any row breaks one,
        then one query listing the first violations by line (set-based; no per-row Python)."""
        coll = ctx.source.collection
        checks: list[tuple[tuple[str, ...], str, str, str, str]] = []  # (fields, condition, a, b, message kind)

        def number(name: str) -> str:
            col = f'"{name}"'
            return col if coll.get_field(name).kind == "number" else f"TRY_CAST(replace({col}, ',', '') AS DOUBLE)"

        for rule in coll.plausibility:
            if isinstance(rule, NonNegative):
                for name in rule.fields:
                    value = number(name)
                    condition = f"({value} < 0 OR {value} >= {rule.below!r} OR NOT isfinite({value}))"
                    checks.append(((name,), condition, value, "NULL", f"count:{rule.below:g}"))
            elif isinstance(rule, NotAbove):
                part, total = number(rule.part), number(rule.total)
                checks.append(((rule.part, rule.total), f"{part} > {total}", part, total, "above"))
            elif isinstance(rule, Within):
                for name in rule.fields:
                    value = number(name)
                    condition = f"NOT ({value} BETWEEN {rule.low!r} AND {rule.high!r})"
                    checks.append(((name,), condition, value, "NULL", f"within:{rule.what}"))
            elif isinstance(rule, PeriodOf):
                month_sql = f"CAST(date_trunc('month', CAST(({rule.expression}) AS DATE)) AS DATE)"
                earliest, latest = _sql_literal(self.window.earliest), _sql_literal(self.window.latest)
                condition = f"{month_sql} NOT BETWEEN {earliest} AND {latest}"
                checks.append((rule.fields, condition, f"epoch_ms({month_sql})", "NULL", "period"))
        if not checks:
            return []
        any_flag = " OR ".join(f"coalesce({c[1]}, false)" for c in checks)
        found = self.con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {any_flag} LIMIT 1)").fetchone()
        if not found or not found[0]:
            return []
        # One pass: each flagged row lists the rules it breaks, with the values to show (a UNION ALL of one
        # branch per rule took seconds to plan on RTT's 216 rules).
        flagged = ", ".join(
            f"CASE WHEN coalesce({condition}, false) THEN struct_pack(n := {i}, a := CAST({a} AS DOUBLE), "
            f"b := CAST({b} AS DOUBLE)) END"
            for i, (_, condition, a, b, _) in enumerate(checks)
        )
        rows = self.con.execute(
            f"SELECT _line, v.n, v.a, v.b FROM (SELECT _line, unnest(list_filter([{flagged}], "
            f"lambda x: x IS NOT NULL)) AS v FROM {table} WHERE {any_flag}) "
            f"ORDER BY _line, v.n LIMIT {MAX_PROBLEMS_PER_FILE}"
        ).fetchall()
        problems = []
        for line, check_no, a, b in rows:
            fields, _, _, _, kind = checks[check_no]
            labels = [ctx.label(f) for f in fields]
            if kind.startswith("count:"):
                limit = kind.removeprefix("count:")
                message = f"{_number_text(a)} is not a plausible count (expected 0 or more and below {limit})"
            elif kind == "above":
                message = (
                    f"{labels[0]} ({_number_text(a)}) is above {labels[1]} ({_number_text(b)}), a part above its total"
                )
            elif kind.startswith("within:"):
                message = f"{_number_text(a)} is not {kind.removeprefix('within:')}"
            else:
                month = datetime.fromtimestamp(a / 1000, UTC).date()
                if month > self.window.latest:
                    where = (
                        f"after {self.window.latest:%B %Y}, the latest month the run date allows "
                        f"(${MONTHS_AHEAD_ENV} months ahead)"
                    )
                else:
                    where = f"before {self.window.earliest:%B %Y}, the earliest configured (${EARLIEST_PERIOD_ENV})"
                message = f"the row reports on {month:%B %Y}, {where}: wrong file or a mistyped period"
            problems.append(ctx.problem(line, fields, message))
        return problems

    def _check_keys(self, ctx: _FileContext, table: str) -> list[LandingProblem]:
        coll = ctx.source.collection
        if not coll.key:
            return []
        keys = ", ".join(f'"{k}"' for k in coll.key)
        duplicated = self.con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} GROUP BY {keys} HAVING count(*) > 1 LIMIT 1)"
        ).fetchone()
        if not duplicated or not duplicated[0]:
            return []
        everything = ", ".join(f'"{name}"' for name, _ in coll.output_columns())
        rows = self.con.execute(
            f"SELECT {keys}, list(_line ORDER BY _line) AS lines, "
            f"count(DISTINCT struct_pack({everything})) AS variants "
            f"FROM {table} GROUP BY {keys} HAVING count(*) > 1 ORDER BY lines[1] "
            f"LIMIT {MAX_PROBLEMS_PER_FILE}"
        ).fetchall()
        problems = []
        for row in rows:
            values, lines, variants = row[: len(coll.key)], row[-2], row[-1]
            described = ", ".join(f"{ctx.label(k)}={_quote_value(v)}" for k, v in zip(coll.key, values, strict=True))
            others = ", ".join(str(n) for n in lines if n != lines[1])
            if coll.identical_duplicates == "keep" and variants == 1:
                self.warnings.append(
                    f"{ctx.source.display}, lines {', '.join(map(str, lines))}: the same row is repeated "
                    f"verbatim ({described}); kept as published"
                )
                continue
            problems.append(ctx.problem(lines[1], coll.key, f"duplicate key ({described}): also on line {others}"))
        return problems

    def _check_references(self, ctx: _FileContext, table: str) -> list[LandingProblem]:
        problems = []
        for check in ctx.source.collection.reference_checks:
            if check not in self._registry_cache:
                self._registry_cache[check] = check.load(self.registry_dir)
            ids = sorted(self._registry_cache[check])
            rows = self.con.execute(
                f'SELECT "{check.field}", min(_line), count(*) FROM {table} '
                f'WHERE "{check.field}" IS NOT NULL AND NOT list_contains(?::VARCHAR[], "{check.field}") '
                f"GROUP BY 1 ORDER BY 2 LIMIT {MAX_PROBLEMS_PER_FILE}",
                [ids],
            ).fetchall()
            for value, line, count in rows:
                problems.append(
                    ctx.problem(
                        line,
                        [check.field],
                        f"unknown {check.field} {_quote_value(value)} ({count} row(s)); not in "
                        f"{check.describe()} under {self.registry_dir}{check.suggestion(str(value))}",
                    )
                )
        return problems


def _cross_file_problems(staged: list[_Staged]) -> list[LandingProblem]:
    """Two different files for the same (collection, period key), or two keys sharing a file name."""
    problems = []
    by_key: dict[tuple[str, str], _Staged] = {}
    by_safe: dict[tuple[str, str], _Staged] = {}
    for item in staged:
        coll = item.source.collection.name
        first = by_key.setdefault((coll, item.period_key), item)
        if first is not item and first.source.sha256 != item.source.sha256:
            problems.append(
                LandingProblem(
                    item.source.display,
                    None,
                    (),
                    f"holds the same {coll} period '{item.period_key}' as {first.source.display} "
                    f"but the files differ (sha256 {item.source.sha256[:12]} vs "
                    f"{first.source.sha256[:12]}); keep only one",
                )
            )
        clash = by_safe.setdefault((coll, safe_period_key(item.period_key)), item)
        if clash.period_key != item.period_key:
            problems.append(
                LandingProblem(
                    item.source.display,
                    None,
                    (),
                    f"period key '{item.period_key}' and '{clash.period_key}' ({clash.source.display}) "
                    f"map to the same file name {safe_period_key(item.period_key)}.parquet",
                )
            )
    return problems


# ----------------------------------------------------------------------------------------------------
# Writing


@dataclass
class _Action:
    staged: _Staged | None
    kind: Literal["landed", "replaced", "retired"]
    target: Path
    old_sha256: str | None = None
    tmp: Path | None = None
    #: The manifest event (retire: given; land/replace: built at commit).
    event: dict[str, Any] | None = None
    #: Where a retired Parquet goes, or where a replaced one is kept (``_superseded/``).
    moved_to: Path | None = None


def _plan(
    con: duckdb.DuckDBPyConnection,
    item: _Staged,
    landing_dir: Path,
    seen: set[tuple[str, str]],
    current: dict[tuple[str, str], dict[str, Any]],
    report: LandingReport,
) -> _Action | None:
    """What writing ``item`` means: a new period, a replacement, or nothing (``None``: already current).

    An older revision of a file (by its name: :func:`oversight.collections.revision_in_file_name`) never replaces
    the current one.
    """
    coll = item.source.collection.name
    outcome = LandedFile(coll, item.period_key, item.source.rel)
    if (coll, item.period_key) in seen:  # a copy of a file already planned (a different one: _cross_file_problems)
        report.unchanged.append(outcome)
        return None
    seen.add((coll, item.period_key))
    target = landing_dir / coll / f"{safe_period_key(item.period_key)}.parquet"
    on_disk = _current_parquet(con, target)
    if on_disk is None:
        return _Action(item, "landed", target)
    if on_disk[1] != item.period_key:
        raise LandingError(
            f"{_display(target)}: holds period '{on_disk[1]}', not '{item.period_key}' "
            f"(two period keys share a file name); nothing was landed"
        )
    recorded = current.get((coll, item.period_key))
    if on_disk[0] == item.source.sha256 and recorded is not None and recorded["sha256"] == on_disk[0]:
        report.unchanged.append(outcome)
        return None
    if recorded is not None and recorded["sha256"] != item.source.sha256:
        old_name = Path(str(recorded.get("source_path") or "")).name
        if old_name and revision_in_file_name(item.source.path.name) < revision_in_file_name(old_name):
            raise LandingError(
                [
                    LandingProblem(
                        item.source.display,
                        None,
                        (),
                        f"is an older revision of {coll} [{item.period_key}] than the landed "
                        f"{recorded.get('source_path')} (its name marks a later revision); an older revision never "
                        "replaces a newer one: remove it, or retire the landed file first (oversight land --retire)",
                    )
                ]
            )
    # A Parquet the manifest does not record (a run killed between the two by an older version) is replaced too.
    return _Action(item, "replaced", target, old_sha256=on_disk[0])


def _write_partial(con: duckdb.DuckDBPyConnection, action: _Action, created: list[Path]) -> None:
    """Write the file's Parquet under a temporary name in ``<landing_dir>/.incoming`` (renamed into place by
    :func:`_commit_all` once every file is valid; the collection folders are not touched before that)."""
    assert action.staged is not None
    folder = action.target.parent.parent / INCOMING_DIR
    try:
        if not folder.exists():
            _mkdir(folder, created)
        action.tmp = folder / f"{action.target.parent.name}.{action.target.stem}.{uuid.uuid4().hex}.partial"
        con.execute(
            f"COPY ({action.staged.select_sql}) TO {_lit(str(action.tmp))} "
            f"(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL {PARQUET_ZSTD_LEVEL})"
        )
    except (OSError, duckdb.Error) as exc:
        raise LandingError(f"{_display(folder)}: writing failed, nothing was landed: {exc}") from exc


def _commit_all(actions: list[_Action], landing_dir: Path, landed_at: datetime, report: LandingReport) -> None:
    """Make every action current and record it, as one transaction.

    1. The journal (every rename and every manifest event to come) is written and synced.
    2. The renames: a replaced Parquet is first linked under ``_superseded/``, then the new one renamed over it;
       a retired one is renamed into ``_retired/``. A ``renamed`` mark is then added to the journal.
    3. The events are appended to the manifest (synced), and the journal removed.
    A run killed anywhere is recovered by the next one (:func:`_recover`): undone before the mark, completed
    after it. SIGTERM and SIGINT wait until step 3 is done.
    """
    if not actions:
        return
    for action in actions:
        if action.kind == "retired":
            continue
        item = action.staged
        assert item is not None
        if action.kind == "replaced":
            assert action.old_sha256 is not None
            stem = f"{action.target.stem}__{action.old_sha256[:12]}"
            action.moved_to = _free_name(action.target.parent / SUPERSEDED_DIR, stem)
        action.event = {
            "event": action.kind,
            "collection": item.source.collection.name,
            "period_key": item.period_key,
            "source_path": item.source.rel,
            "sha256": item.source.sha256,
            "rows": item.rows,
            "parquet": action.target.relative_to(landing_dir).as_posix(),
            "landed_at": _iso(landed_at),
            "replaces_sha256": action.old_sha256,
            "superseded_parquet": action.moved_to.relative_to(landing_dir).as_posix() if action.moved_to else None,
        }
    txn = uuid.uuid4().hex
    journal = landing_dir / JOURNAL_NAME
    plan = {
        "txn": txn,
        "actions": [
            {
                "target": a.target.relative_to(landing_dir).as_posix(),
                "other": a.moved_to.relative_to(landing_dir).as_posix() if a.moved_to else None,
                "event": a.event,
            }
            for a in actions
        ],
    }
    try:
        _write_synced(journal, json.dumps(plan, ensure_ascii=False) + "\n")
    except OSError as exc:
        with contextlib.suppress(OSError):
            journal.unlink()
        raise LandingError(f"{_display(journal)}: cannot be written, nothing was landed: {_os_reason(exc)}") from exc
    with _signals_deferred():
        try:
            for action in actions:
                _commit(action)
            with journal.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"renamed": txn}) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            detail = _recover_journal(landing_dir, journal)
            raise LandingError(
                f"{_display(landing_dir)}: moving the landed files into place failed ({_os_reason(exc)}); {detail}"
            ) from exc
        try:
            _append_events(landing_dir, [a.event for a in actions if a.event is not None])
            journal.unlink()
        except OSError as exc:
            raise LandingError(
                f"{_display(landing_dir / MANIFEST_NAME)}: recording the landing failed ({_os_reason(exc)}); the files "
                f"are in place and the next run records them ({JOURNAL_NAME} is kept)"
            ) from exc
    for action in actions:
        event = action.event
        assert event is not None
        outcome = LandedFile(event["collection"], event["period_key"], event["source_path"])
        if action.kind != "retired":
            (report.landed if action.kind == "landed" else report.replaced).append(outcome)
        log.info("%s %s [%s] <- %s (%s rows)", action.kind, outcome[0], outcome[1], outcome[2], event.get("rows"))


def _commit(action: _Action) -> None:
    """Swap one Parquet: a replaced one is kept under ``_superseded/``; a retired one moves to ``_retired/``."""
    if action.kind == "retired":
        assert action.moved_to is not None
        action.moved_to.parent.mkdir(exist_ok=True)
        os.replace(action.target, action.moved_to)
        return
    assert action.tmp is not None
    action.target.parent.mkdir(exist_ok=True)
    if action.kind == "replaced":
        assert action.moved_to is not None
        action.moved_to.parent.mkdir(exist_ok=True)
        try:
            os.link(action.target, action.moved_to)  # keeps the current file readable until the swap below
        except OSError:
            os.replace(action.target, action.moved_to)
    os.replace(action.tmp, action.target)


def _append_events(landing_dir: Path, events: list[dict[str, Any]]) -> None:
    if not events:
        return
    with (landing_dir / MANIFEST_NAME).open("a", encoding="utf-8") as manifest:
        manifest.write("".join(json.dumps(event, ensure_ascii=False) + "\n" for event in events))
        manifest.flush()
        os.fsync(manifest.fileno())


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    with contextlib.suppress(OSError):
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _free_name(folder: Path, stem: str) -> Path:
    """``<folder>/<stem>.parquet``, or ``<stem>__2.parquet`` and so on when taken."""
    candidate, n = folder / f"{stem}.parquet", 2
    while candidate.exists():
        candidate, n = folder / f"{stem}__{n}.parquet", n + 1
    return candidate


def _current_parquet(con: duckdb.DuckDBPyConnection, target: Path) -> tuple[str, str] | None:
    """(source sha256, period key) of an already landed Parquet, or ``None``."""
    if not target.exists():
        return None
    try:
        row = con.execute(
            f"SELECT _source_sha256, _period_key FROM read_parquet({_lit(str(target))}) LIMIT 1"
        ).fetchone()
    except duckdb.Error as exc:
        raise LandingError(f"{_display(target)}: existing landed file cannot be read: {exc}") from exc
    if row is None:
        raise LandingError(f"{_display(target)}: existing landed file has no rows")
    return str(row[0]), str(row[1])


def _rollback(actions: list[_Action], created: list[Path]) -> None:
    for action in actions:
        if action.tmp is not None:
            with contextlib.suppress(OSError):
                action.tmp.unlink()
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _mkdir(folder: Path, created: list[Path]) -> None:
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    created.extend(reversed(missing))


# ----------------------------------------------------------------------------------------------------
# Helpers


def _scan(source: _Source) -> None:
    """Size, blank lines (which DuckDB skips), non-blank line count and the first non-blank line of the CSV read.

    One streaming pass; blank lines are found with ``bytes.find`` (they are rare), not a per-line loop.
    """
    size = 0
    line_no = 1  # physical line number at the start of the pending region
    lines = 0
    carry = b""
    blanks: list[int] = []
    first: bytes | None = None
    digit_underscore = False
    with (source.read_path or source.path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            buffer = carry + chunk
            cut = buffer.rfind(b"\n")
            if cut < 0:
                carry = buffer
                continue
            region, carry = buffer[: cut + 1], buffer[cut + 1 :]
            # Regions start at a line start, so a blank line starts at 0 or right after a line break.
            starts = sorted({i + 1 for needle in (b"\n\n", b"\n\r\n") for i in _find_all(region, needle)})
            if region.startswith((b"\n", b"\r\n")):
                starts.insert(0, 0)
            position, newlines = 0, 0
            for start in starts:  # one iteration per blank line, not per row
                newlines += region.count(b"\n", position, start)
                position = start
                blanks.append(line_no + newlines)
            if not digit_underscore and b"_" in region:
                digit_underscore = _DIGIT_UNDERSCORE.search(region) is not None
            if first is None and (content := region.lstrip(b"\r\n")):
                first = content.split(b"\n", 1)[0].rstrip(b"\r")
            count = region.count(b"\n")
            line_no += count
            lines += count
    if carry.strip(b"\r\n"):
        lines += 1
        digit_underscore = digit_underscore or _DIGIT_UNDERSCORE.search(carry) is not None
        if first is None:
            first = carry.rstrip(b"\r")
    if first is not None and first.startswith(b"\xef\xbb\xbf") and not first[3:].strip():
        first = None  # a BOM and nothing else
    source.size, source.blank_lines, source.first_line = size, blanks, first
    source.lines = lines - len(blanks)
    source.digit_underscore = digit_underscore


def _find_all(data: bytes, needle: bytes) -> Iterator[int]:
    start = data.find(needle)
    while start >= 0:
        yield start
        start = data.find(needle, start + 1)


def _sql_literal(value: object) -> str:
    """A Python constant as a SQL literal (the derived constants of a file, inlined into its scratch view)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP {_lit(value.isoformat(sep=' '))}"
    if isinstance(value, date):
        return f"DATE {_lit(value.isoformat())}"
    return _lit(str(value))


def _os_reason(exc: BaseException) -> str:
    """An OS error without the path (messages name the file themselves): ``Permission denied``."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _line_ending_change(path: Path) -> tuple[int, str, str] | None:
    """The first line whose ending differs from line 1's (LF vs CRLF), as (line, its ending, line 1's ending);
    ``None`` when every line ends alike. Asked only after the CSV reader failed."""
    names = {True: "CRLF", False: "LF"}
    first: bool | None = None
    line = 0
    carry = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            buffer = carry + chunk
            start = 0
            while (end := buffer.find(b"\n", start)) >= 0:
                line += 1
                crlf = end > 0 and buffer[end - 1 : end] == b"\r"
                if first is None:
                    first = crlf
                elif crlf != first:
                    return line, names[crlf], names[first]
                start = end + 1
            carry = buffer[start:][-1:]  # one byte is enough to see a CR before the next LF
            if start == 0 and len(buffer) > 1:
                carry = buffer[-1:]
    return None


def _number_text(value: float | None) -> str:
    """A checked value as shown in messages: ``5000``, ``-3.5``, ``inf``."""
    if value is None:
        return "NULL"
    if abs(value) < 1e15 and value == int(value):
        return str(int(value))
    return repr(value)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds") + "Z"


def _utc_naive(now: datetime | None) -> datetime:
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).replace(tzinfo=None)


def _display(path: Path) -> str:
    """A path as shown in messages: relative to the current directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _lit(text: str) -> str:
    """SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _quote_value(value: object) -> str:
    if isinstance(value, date | datetime):
        value = value.isoformat()
    text = str(value) if value is not None else "NULL"
    if len(text) > 80:
        text = text[:77] + "..."
    return "'" + text + "'"


def _python_encoding(name: str) -> str:
    return "utf-8-sig" if name.replace("_", "-").lower() in ("utf-8", "utf8") else name
