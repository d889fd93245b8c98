"""The vocabulary the collection registry is written in: :class:`Collection`, :class:`Layout`, :class:`Field`,
per-file rules and plausibility rules (the registry itself is :mod:`oversight.collections`).

A :class:`Collection` says how to recognise a file (file-name regex), which physical layouts it may have
(:class:`Layout`: header variants, or a header-less column list), which typed columns it lands
(:class:`Field`), which columns form its key, how to name the period a file covers (a period-key rule) and
which reference checks apply. :mod:`oversight.landing` reads every collection with the same generic code, so a
new collection is one more entry in :data:`oversight.collections.COLLECTIONS`.

Per-file rules that need the data (a quarter taken from the Summary rows, a snapshot date, the period key)
are small frozen dataclasses with a ``resolve(ctx)`` method; ``ctx`` is a :class:`FileContext` that lets them
query the file's typed rows (DuckDB table ``ctx.table``, one row per data line, with ``_line`` and one column
per field) and report a problem located by line and column.

The registry and its per-group modules (``collections_acute``, ``collections_mhc``,
``collections_workforce_community``) import this module; it imports none of them, so there is no cycle.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, NoReturn, Protocol

from oversight.containers import Container
from oversight.errors import LandingError

__all__ = [
    "FRESHNESS_DAYS",
    "NUMBER_PATTERN",
    "QUARTER_PATTERN",
    "QUARTER_PERIOD",
    "QUARTER_START_SQL",
    "RANGE_PATTERN",
    "Cadence",
    "Collection",
    "CsvDialect",
    "Derivation",
    "Field",
    "FileContext",
    "FileNameDateOrMax",
    "Kind",
    "Layout",
    "NonNegative",
    "NotAbove",
    "PeriodKeyRule",
    "PeriodOf",
    "Plausibility",
    "PrefixAndField",
    "PrefixAndFileNameDate",
    "RegistryIds",
    "SingleDistinctMatch",
    "TypeAndLatestQuarter",
    "Within",
    "date_in_file_name",
    "month_in_text_sql",
    "not_above",
    "number_field",
    "quarter_sort_key",
    "revision_in_file_name",
    "slug",
    "snake",
    "text_field",
]

Kind = Literal["text", "number", "date"]

#: A NOF quarter label, e.g. ``Q2 2025/26``.
QUARTER_PATTERN = r"Q[1-4] \d{4}/\d{2}"
#: A likely-range string, e.g. ``1.2 to 1.89`` or ``1 to 11``.
RANGE_PATTERN = r"-?\d+(\.\d+)? to -?\d+(\.\d+)?"
#: Numbers accepted in numeric columns: ``2.0``, ``-3.26``, ``1e-3``, ``1,234.5`` (RE2 and Python syntax).
NUMBER_PATTERN = r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"

_SQL_TYPES: dict[str, str] = {"text": "VARCHAR", "number": "DOUBLE", "date": "DATE"}


def snake(name: str) -> str:
    """``Sub-domain`` -> ``sub_domain``; ``ICB Code`` -> ``icb_code``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def slug(text: str) -> str:
    """``Mental health and community trust`` -> ``mental-health-and-community`` (drops a final "trust")."""
    text = re.sub(r"\s+trusts?\s*$", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")


def quarter_sort_key(quarter: str) -> tuple[int, int]:
    """Order NOF quarters by financial year, then quarter: ``Q4 2024/25`` < ``Q1 2025/26``."""
    match = re.fullmatch(r"Q([1-4]) (\d{4})/\d{2}", quarter)
    if not match:
        raise ValueError(f"not a quarter label like 'Q1 2025/26': {quarter!r}")
    return int(match.group(2)), int(match.group(1))


_NAME_DATE = re.compile(r"(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)")


def date_in_file_name(name: str) -> date | None:
    """The first valid ``YYYYMMDD`` or ``YYYY-MM-DD`` date in a file name, or ``None``."""
    for match in _NAME_DATE.finditer(name):
        try:
            return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            continue
    return None


_VERSION = re.compile(r"(?:^|[-_ .])v(\d+)(?:\.\d+)?(?=$|[-_ .])", re.IGNORECASE)


def revision_in_file_name(name: str) -> tuple[int, int]:
    """How far a publisher's file name says it was revised, to order two files of one period: ``(revised,
    version)``, e.g. ``Monthly-AE-June-2025.csv`` (0, 1) < ``August-2025-CSV-g5tyh-v2.0.csv`` (0, 2) <
    ``June-2025-AE-by-provider-CkkTE-revised.xls`` (1, 1) < ``...-revised-v2-1.xls`` (1, 2). NHS England marks a
    revision with ``revised`` and later ones with ``v2``, ``v3`` (``oversight fetch`` prefers the revised file);
    a trailing ``-1`` is a browser's copy number, not a revision."""
    versions = [int(v) for v in _VERSION.findall(name)]
    return (1 if "revis" in name.casefold() else 0, max(versions, default=1))


# ----------------------------------------------------------------------------------------------------
# Building blocks


@dataclass(frozen=True)
class CsvDialect:
    """How a collection's CSV files are written (the reader strips a UTF-8 BOM and accepts LF or CRLF)."""

    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Field:
    """One typed output column.

    Text values are trimmed of whitespace including U+00A0; empty strings (and the collection's
    ``null_tokens``) become NULL before any check. ``pattern`` and ``allowed`` are checked on the trimmed,
    published value; ``value_map`` (case-insensitive) then renames values, and ``keep_published_as`` names an
    extra VARCHAR column that keeps the value before the rename.
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    pattern: str | None = None
    pattern_description: str | None = None
    allowed: tuple[str, ...] = ()
    value_map: tuple[tuple[str, str], ...] = ()
    keep_published_as: str | None = None
    date_format: str = "%Y%m%d"
    date_pattern: str = r"\d{8}"
    date_description: str = "YYYYMMDD"

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Layout:
    """One accepted physical layout.

    ``columns`` are the header names in the file (for a header-less layout, the documented field names, in
    order). Each column lands as the field ``snake(column)`` unless ``renames`` maps it to another field; a
    column whose field is not in the collection is read (it counts for the layout) but not landed. Fields the
    layout does not carry must be produced by one of its ``derived`` rules.
    """

    name: str
    columns: tuple[str, ...]
    has_header: bool = True
    renames: tuple[tuple[str, str], ...] = ()
    derived: tuple[Derivation, ...] = ()
    #: ``error``: a header column the layout does not list fails the file. ``ignore``: such columns are read
    #: past (for publications that add measures every year, e.g. the staff survey's score/base pairs).
    other_columns: Literal["error", "ignore"] = "error"
    #: Up to this many extra header cells after ``columns`` are tolerated when every data cell under them is
    #: empty (a publisher's stray trailing columns, e.g. A&E September 2024: six empty columns, header 'a').
    stray_trailing_columns: int = 0

    def field_for(self, column: str) -> str:
        return dict(self.renames).get(column, snake(column))

    def column_for(self, field_name: str) -> str | None:
        """The file's column that feeds ``field_name``, or ``None`` if the layout derives it."""
        for column in self.columns:
            if self.field_for(column) == field_name:
                return column
        return None


class FileContext(Protocol):
    """What per-file rules (derivations, period keys) may use while a file is being validated."""

    @property
    def file_name(self) -> str: ...

    @property
    def table(self) -> str:
        """SQL name of the file's typed rows: ``_line`` plus one column per field read from the file."""
        ...

    def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    def label(self, field_name: str) -> str:
        """The file's column name for a field (the field name itself when the layout derives it)."""
        ...

    def fail(self, line: int | None, field_names: Sequence[str], message: str) -> NoReturn:
        """Raise a problem located at ``line`` (1-based) and the file's columns for ``field_names``."""
        ...


class Derivation(Protocol):
    """A per-file constant for a field the layout does not carry."""

    @property
    def field(self) -> str: ...

    def resolve(self, ctx: FileContext) -> object: ...


class PeriodKeyRule(Protocol):
    """Names the period a file covers; one landed Parquet per (collection, period key)."""

    def resolve(self, ctx: FileContext) -> str: ...


# ----------------------------------------------------------------------------------------------------
# Per-file rules


@dataclass(frozen=True)
class SingleDistinctMatch:
    """``field`` = the single distinct value of ``source`` matching ``pattern`` among rows where each
    ``where`` column equals its value. None or several such values is a layout error."""

    field: str
    source: str
    pattern: str
    where: tuple[tuple[str, str], ...] = ()
    description: str = ""

    def resolve(self, ctx: FileContext) -> object:
        conditions = [f'regexp_full_match("{self.source}", ?)']
        params: list[object] = [self.pattern]
        for column, value in self.where:
            conditions.append(f'"{column}" = ?')
            params.append(value)
        rows = ctx.fetchall(
            f'SELECT "{self.source}", min(_line) FROM {ctx.table} WHERE {" AND ".join(conditions)} '
            "GROUP BY 1 ORDER BY 2",
            params,
        )
        scope = " and ".join(f"{ctx.label(c)} is '{v}'" for c, v in self.where) or "any row"
        what = self.description or f"a value matching {self.pattern}"
        if not rows:
            ctx.fail(
                1,
                [self.source],
                f"the file has no '{ctx.label(self.field)}' column and no row where {scope} has "
                f"{ctx.label(self.source)} = {what}, so its {self.field} is unknown",
            )
        if len(rows) > 1:
            found = ", ".join(f"'{value}' (line {line})" for value, line in rows)
            ctx.fail(
                rows[1][1],
                [self.source],
                f"the file has no '{ctx.label(self.field)}' column and rows where {scope} carry several "
                f"{ctx.label(self.source)} values that look like {what}: {found}; expected exactly one",
            )
        return rows[0][0]


@dataclass(frozen=True)
class FileNameDateOrMax:
    """``field`` = a date in the file name (``YYYYMMDD`` / ``YYYY-MM-DD``), else the greatest of the date
    fields ``fallback_max_of`` over the file."""

    field: str
    fallback_max_of: tuple[str, ...]

    def resolve(self, ctx: FileContext) -> object:
        found = date_in_file_name(ctx.file_name)
        if found is not None:
            return found
        union = " UNION ALL ".join(f'SELECT "{c}" AS d FROM {ctx.table}' for c in self.fallback_max_of)
        value = ctx.fetchall(f"SELECT max(d) FROM ({union})")[0][0]
        if value is None:
            ctx.fail(
                1,
                list(self.fallback_max_of),
                f"no date in the file name and no dates in the file to take the {self.field} from",
            )
        return value


@dataclass(frozen=True)
class TypeAndLatestQuarter:
    """``<slug of the file's single type>|<latest quarter in the file>``, e.g.
    ``mental-health-and-community|Q2 2025/26``."""

    type_field: str = "trust_type"
    quarter_field: str = "quarter"

    def resolve(self, ctx: FileContext) -> str:
        types = ctx.fetchall(
            f'SELECT "{self.type_field}", min(_line) FROM {ctx.table} GROUP BY 1 ORDER BY 2 NULLS FIRST'
        )
        if len(types) != 1 or types[0][0] is None:
            found = ", ".join(f"'{value}' (line {line})" for value, line in types)
            ctx.fail(
                types[1][1] if len(types) > 1 else types[0][1],
                [self.type_field],
                f"a file must hold one {self.type_field}; found {found}",
            )
        quarters = [q for (q,) in ctx.fetchall(f'SELECT DISTINCT "{self.quarter_field}" FROM {ctx.table}')]
        latest = max(quarters, key=quarter_sort_key)
        return f"{slug(types[0][0])}|{latest}"


@dataclass(frozen=True)
class PrefixAndField:
    """``<prefix>|<the file's single value of a field>`` (dates in ISO), e.g. ``etr|2024-12-31``, ``nss|2024``."""

    prefix: str
    field: str

    def resolve(self, ctx: FileContext) -> str:
        values = ctx.fetchall(f'SELECT DISTINCT "{self.field}" FROM {ctx.table}')
        if len(values) != 1 or values[0][0] is None:
            ctx.fail(1, [self.field], f"expected one {self.field} for the file, found {values}")
        value = values[0][0]
        return f"{self.prefix}|{value.isoformat() if isinstance(value, date) else value}"


@dataclass(frozen=True)
class PrefixAndFileNameDate:
    """``<prefix>|<date in the file name, ISO, or default>``, e.g. ``system-mapping|undated``."""

    prefix: str
    default: str = "undated"

    def resolve(self, ctx: FileContext) -> str:
        found = date_in_file_name(ctx.file_name)
        return f"{self.prefix}|{found.isoformat() if found else self.default}"


@dataclass(frozen=True)
class RegistryIds:
    """Every non-NULL ``field`` value must be one of the ids listed in registry CSVs (blank cells ignored).

    ``sources`` pairs a file name under the registry directory with the columns that hold ids.
    """

    field: str
    sources: tuple[tuple[str, tuple[str, ...]], ...]

    def describe(self) -> str:
        return " or ".join(f"{name} ({'/'.join(cols)})" for name, cols in self.sources)

    def suggestion(self, value: str) -> str:
        """The registry row an unknown NOF id needs, e.g. ``OF0999`` -> a metric_registry.csv row (OF0999/OF1999)."""
        match = re.fullmatch(r"OF([0-9])([0-9]{3})", value)
        if match is None:
            return ""
        family, suffix = match.groups()
        if family in "01":
            value_id, score_id = f"OF0{suffix}", f"OF1{suffix}"
            return (
                f"; to score it, add a row to seeds/metric_registry.csv with metric_id {value_id}, "
                f"score_id {score_id}, its domain, cohorts, units, direction, scoring_type, standard/floor, weight, "
                "ranking_population and methodology_year (README: Adding a metric)"
            )
        return f"; add a row for {value} to seeds/nof_summary_metrics.csv (domain and summary ids)"

    def load(self, registry_dir: Path) -> frozenset[str]:
        ids: set[str] = set()
        for name, columns in self.sources:
            path = registry_dir / name
            if not path.is_file():
                raise LandingError(f"{path}: registry file not found (needed to check {self.field})")
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = [h.strip() for h in reader.fieldnames or []]
                missing = [c for c in columns if c not in header]
                if missing:
                    raise LandingError(f"{path}, line 1: registry file lacks column(s) {', '.join(map(repr, missing))}")
                for row in reader:
                    clean = {(k or "").strip(): (v or "") for k, v in row.items()}
                    ids.update(v.strip() for c in columns if (v := clean.get(c, "")) and v.strip())
        return frozenset(ids)


# ----------------------------------------------------------------------------------------------------
# Plausibility: what a value may be, declared with each collection's layouts and checked by the landing step
# over the whole file (set-based SQL) before anything becomes current. A violation is a landing error naming
# the file, the line and the column(s), like any layout or value error.


@dataclass(frozen=True)
class NonNegative:
    """Counts (and other quantities that cannot be below zero): every given value of ``fields`` is >= 0 and below
    ``below`` (no NHS count, number of seconds or days reaches a trillion: ``1e308`` is a typing or export error).

    A text field (e.g. MHSDS ``measure_value``, which keeps the suppression marker ``*``) is checked where its
    value is a number.
    """

    fields: tuple[str, ...]
    below: float = 1e12


@dataclass(frozen=True)
class NotAbove:
    """A part is not above its total on any row where both are given: ``part <= total`` (e.g. attendances over
    4 hours vs attendances, patients waiting over 12 hours vs over 4 hours, a week band vs the waiting list)."""

    part: str
    total: str


@dataclass(frozen=True)
class Within:
    """Every given value of ``fields`` lies in ``[low, high]``; ``what`` names the scale in messages, e.g.
    ``a percentage (0-100)`` or ``a proportion (0-1)`` as the publisher writes it."""

    fields: tuple[str, ...]
    low: float
    high: float
    what: str


@dataclass(frozen=True)
class PeriodOf:
    """The month a row reports on: a SQL ``DATE`` expression over the file's typed row (``NULL`` where the row has
    no period of its own, e.g. a footer total). It must lie in the landing's period window (not after the run
    date's month, not before the configured earliest period: :class:`oversight.landing.PeriodWindow`).
    ``fields`` are the columns named in messages."""

    expression: str
    fields: tuple[str, ...]


Plausibility = NonNegative | NotAbove | Within | PeriodOf


def not_above(*pairs: tuple[str, str]) -> tuple[NotAbove, ...]:
    """``NotAbove`` rules from ``(part, total)`` pairs."""
    return tuple(NotAbove(part, total) for part, total in pairs)


#: The first day of a NOF quarter's first month: ``Q1 2025/26`` -> 2025-04-01, ``Q4 2025/26`` -> 2026-01-01
#: (the quarter field is checked against :data:`QUARTER_PATTERN` first).
QUARTER_START_SQL = (
    "make_date(CAST(substr(quarter, 4, 4) AS INTEGER) + CASE WHEN substr(quarter, 2, 1) = '4' THEN 1 ELSE 0 END, "
    "[4, 7, 10, 1][CAST(substr(quarter, 2, 1) AS INTEGER)], 1)"
)
#: The quarter a NOF file or input template row is about.
QUARTER_PERIOD = PeriodOf(QUARTER_START_SQL, ("quarter",))


def month_in_text_sql(field_name: str) -> str:
    """SQL: the month of a period label ending ``<Month>-<YYYY>`` or ``<Month> <YYYY>`` (``MSitAE-JUNE-2025``,
    ``RTT-November-2024``, ``DM01-MARCH-2026``, ``June 2025``); ``NULL`` for anything else (a footer ``TOTAL``)."""
    pattern = r"^.*?([A-Za-z]+)[- ]+(\d{4})$"
    return f"CAST(try_strptime(regexp_replace(\"{field_name}\", '{pattern}', '\\1 \\2'), '%B %Y') AS DATE)"


# ----------------------------------------------------------------------------------------------------
# Collections

#: How often the publisher releases a collection (a reference list such as ODS has none).
Cadence = Literal["monthly", "quarterly", "annual"]

#: ``dbt source freshness`` thresholds by cadence: days after the end of the latest period landed before a warning
#: and an error (a monthly statistic is published about six weeks after its month, a NOF quarter about two months
#: after its quarter, the staff survey about six months after its autumn fieldwork).
FRESHNESS_DAYS: dict[str, tuple[int, int]] = {"monthly": (75, 120), "quarterly": (150, 240), "annual": (550, 730)}


@dataclass(frozen=True)
class Collection:
    """One kind of input file and how it lands (see the module docstring)."""

    name: str
    description: str
    file_pattern: str
    layouts: tuple[Layout, ...]
    fields: tuple[Field, ...]
    period_key: PeriodKeyRule
    key: tuple[str, ...] = ()
    #: ``error``: any repeated key is an error. ``keep``: rows repeated verbatim (every landed field equal)
    #: are kept and reported as a warning; a repeated key with different values is still an error.
    identical_duplicates: Literal["error", "keep"] = "error"
    reference_checks: tuple[RegistryIds, ...] = ()
    null_tokens: tuple[str, ...] = ()
    dialect: CsvDialect = field(default_factory=CsvDialect)
    #: How to get a CSV out of a non-CSV file (a spreadsheet sheet, a ZIP member); ``None`` for plain CSV.
    #: One workbook may feed several collections, each with its own :class:`~oversight.containers.Sheet`.
    container: Container | None = None
    #: What the values may be (counts not negative, parts not above totals, percentages in range, periods in the
    #: landing window); checked over the whole file before anything lands.
    plausibility: tuple[Plausibility, ...] = ()
    #: How often the publisher releases the collection; with the period rule (:class:`PeriodOf`) it sets the
    #: source's freshness (:meth:`period_end_sql`, scripts/generate_sources.py). ``None``: no freshness check.
    cadence: Cadence | None = None

    def __post_init__(self) -> None:
        re.compile(self.file_pattern)
        if self.cadence is not None and not any(isinstance(rule, PeriodOf) for rule in self.plausibility):
            raise ValueError(f"{self.name}: a cadence needs a PeriodOf rule (the period a row covers)")
        names = [f.name for f in self.fields] + [f.keep_published_as for f in self.fields if f.keep_published_as]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate output column names {names}")
        field_names = {f.name for f in self.fields}
        for name in (*self.key, *(c.field for c in self.reference_checks)):
            if name not in field_names:
                raise ValueError(f"{self.name}: {name!r} is not a field")
        if not self.layouts:
            raise ValueError(f"{self.name}: no layouts")
        if any(not lay.has_header for lay in self.layouts) and len(self.layouts) != 1:
            raise ValueError(f"{self.name}: a header-less layout must be the collection's only layout")
        seen: set[frozenset[str]] = set()
        for lay in self.layouts:
            normalised = frozenset(c.strip().casefold() for c in lay.columns)
            if len(normalised) != len(lay.columns) or normalised in seen:
                raise ValueError(f"{self.name}: layout {lay.name!r} repeats a column or another layout")
            seen.add(normalised)
            provided = [lay.field_for(c) for c in lay.columns if lay.field_for(c) in field_names]
            derived = [d.field for d in lay.derived]
            if sorted(provided + derived) != sorted(field_names):
                raise ValueError(
                    f"{self.name}: layout {lay.name!r} provides {sorted(provided + derived)}, "
                    f"fields are {sorted(field_names)}"
                )
        for rule in self.plausibility:
            named = (rule.part, rule.total) if isinstance(rule, NotAbove) else rule.fields
            for name in named:
                if name not in field_names:
                    raise ValueError(f"{self.name}: plausibility rule {rule!r} names {name!r}, not a field")
                if not isinstance(rule, PeriodOf) and self.get_field(name).kind == "date":
                    raise ValueError(f"{self.name}: plausibility rule {rule!r} needs a number, {name!r} is a date")
        for f in self.fields:
            for pattern in (f.pattern, f.date_pattern):
                if pattern:
                    re.compile(pattern)

    def matches(self, file_name: str) -> bool:
        return re.fullmatch(self.file_pattern, file_name, flags=re.IGNORECASE) is not None

    def output_columns(self) -> list[tuple[str, str]]:
        """Landed data columns (name, DuckDB type) in order; lineage columns follow them."""
        out: list[tuple[str, str]] = []
        for f in self.fields:
            out.append((f.name, f.sql_type))
            if f.keep_published_as:
                out.append((f.keep_published_as, "VARCHAR"))
        return out

    def period_end_sql(self) -> str | None:
        """SQL ``TIMESTAMP``: the last day of the period a landed row covers (the month its :class:`PeriodOf` rule
        names; the quarter starting there for a quarterly collection), ``dbt source freshness``'s
        ``loaded_at_field``. ``None`` without a cadence."""
        periods = [rule for rule in self.plausibility if isinstance(rule, PeriodOf)]
        if self.cadence is None or not periods:
            return None
        start = periods[0].expression
        if self.cadence == "quarterly":
            start = f"({start}) + INTERVAL 2 MONTH"
        return f"CAST(last_day({start}) AS TIMESTAMP)"

    def get_field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def text_field(name: str, **kwargs: Any) -> Field:
    """A text :class:`Field` (keyword arguments as for :class:`Field`)."""
    return Field(name, "text", **kwargs)


def number_field(name: str, **kwargs: Any) -> Field:
    """A number :class:`Field` (keyword arguments as for :class:`Field`)."""
    return Field(name, "number", **kwargs)
