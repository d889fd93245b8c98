"""Synthetic raw returns at national scale, in the publishers' exact layouts (issue 5, "National scale").

:func:`generate` writes, for N consecutive months ending at ``end_month``, one set of raw files per collection, byte
for byte in the layout the landing step (:mod:`oversight.landing`) expects from the real publication
(raw_formats.md): file names, headers, quoting, line endings, footer rows, suppression markers and blank-versus-zero
rules. Every file name carries ``SYNTHETIC`` and still matches its collection's ``file_pattern``.

Collections (registry name, alias): ``nhse_rtt_full_extract`` (rtt), ``nhse_dm01_full_extract`` (dm01),
``csds_core`` (csds), ``mhsds_monthly`` (mhsds: main, out-of-area placements acute and non-acute, 4-week waits),
``nhse_ae_monthly`` (ae), ``nhse_cwt_provider`` (cwt), ``nhse_ambsys`` (ambsys), ``nhs_sickness_absence``
(sickness) and ``chs_waiting_list_total`` (chs: the community waiting-list workbook, Tables 4, 4g and 4h).

How values are drawn:

* Organisations are real reference data: the 205 trusts of ``seeds/trust_cohorts.csv`` with their region and ICB
  (``data/reference/etr.csv``, ``System-Mapping.csv``), sub-ICB locations and local authorities
  (``synthetic_catalogue/``). Independent-sector sites, councils and other non-NHS providers are invented and named
  ``SYNTHETIC ...``; A&E urgent-treatment and walk-in sites are the sites of ``System-Mapping.csv``.
* Publication structure (measure lists, dimension and breakdown levels, AmbSYS indicators) comes from
  ``synthetic_catalogue/*.csv``, built by ``scripts/build_synthetic_catalogue.py`` from the team's real files, which
  keeps code lists and coarse national shapes only. Values are drawn around those shapes: no row is copied.
* Values are internally consistent where the publication is: numerators do not exceed denominators, RTT ``C_999``
  rows and DM01 ``TOTAL`` rows are the sums of their detail rows, the A&E footer is the column total, AmbSYS means
  are total seconds over incidents, both CWT 31/62-day cuts add up to the same route totals, MHSDS proportions follow
  their counts and ``MHS95h`` is the change on the ``MHS95`` of twelve months earlier.
* Randomness is hash based. Organisation-level traits (size, performance) hang on the seed alone; each file's draws
  hang on a seed derived from (seed, collection, month). A file therefore depends only on (collection, month, scale,
  seed): ``generate(months=N + 1)`` rewrites the files of ``generate(months=N)`` byte for byte and adds one month.
* The big collections are generated set-based in DuckDB (``range()``, ``hash()``) and written with ``COPY``; ZIP and
  XLSX containers use fixed timestamps so that they are reproducible too.

``scale`` multiplies the row counts of the big collections (commissioner pairs, catalogue rows, non-NHS providers);
the small ones (A&E, AmbSYS, sickness, CWT above scale 0.1) keep their national size.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import shutil
import tempfile
import zipfile
from calendar import month_abbr, month_name, monthrange
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb

from oversight import paths
from oversight.collections import COLLECTIONS as REGISTRY
from oversight.collections_acute import RTT_WEEK_BANDS

__all__ = [
    "ALIASES",
    "COLLECTIONS",
    "REGIONS",
    "GeneratedFile",
    "Icb",
    "Org",
    "Reference",
    "add_months",
    "generate",
    "load_reference",
    "month_range",
    "parse_month",
]

CATALOGUE_DIR = Path(__file__).resolve().parent / "synthetic_catalogue"
#: ZIP entry timestamp for reproducible containers (a ZIP cannot hold dates before 1980).
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _published_columns(collection: str) -> tuple[str, ...]:
    """The header a collection's files carry as published: the landing registry owns every layout, so the
    generator and landing cannot disagree."""
    (layout,) = next(c for c in REGISTRY if c.name == collection).layouts
    return tuple(layout.columns)


_MONTHS_UPPER = tuple(m.upper() for m in month_name)


@dataclass(frozen=True)
class GeneratedFile:
    """One file written: ``rows`` are the data lines a landing would read (header excluded, footer included);
    ``bytes`` is the file's size on disk and ``raw_bytes`` the size of the CSV inside a ZIP (else ``bytes``)."""

    path: Path
    collection: str
    month: date | None
    rows: int
    bytes: int
    raw_bytes: int


# ----------------------------------------------------------------------------------------------------
# Months and seeds


def parse_month(text: str) -> date:
    """``2026-03`` -> ``date(2026, 3, 1)``."""
    year, month = (int(part) for part in text.strip().split("-")[:2])
    return date(year, month, 1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_range(end_month: date, months: int) -> list[date]:
    """The ``months`` consecutive first-of-months ending at ``end_month``, oldest first."""
    end = date(end_month.year, end_month.month, 1)
    return [add_months(end, i - months + 1) for i in range(months)]


def _month_end(month: date) -> date:
    return date(month.year, month.month, monthrange(month.year, month.month)[1])


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _seed_int(*parts: object) -> int:
    """A 62-bit integer from any parts: DuckDB ``hash()`` salt and Python draws."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 2


def _unit(*parts: object) -> float:
    """Deterministic uniform in [0, 1) from any parts."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 11) / float(1 << 53)


def _normal(*parts: object) -> float:
    u1, u2 = _unit(*parts, "n1"), _unit(*parts, "n2")
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def _stochastic_round(x: float, *parts: object) -> int:
    """``floor(x + u)``: an integer whose expectation is ``x`` (small values become 0 or 1, not always 0)."""
    return math.floor(max(x, 0.0) + _unit(*parts, "r"))


# ----------------------------------------------------------------------------------------------------
# Writers


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], newline: str) -> int:
    """Minimal quoting (a name with a comma), ``newline`` line endings; returns the number of data rows."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _zip_single(target: Path, member: str, source: Path) -> None:
    """A ZIP holding ``source`` as ``member``: deflate level 1, fixed timestamp (reproducible bytes)."""
    info = zipfile.ZipInfo(member, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    partial = target.with_name(f".{target.name}.partial")
    with (
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        source.open("rb") as reader,
        archive.open(info, "w", force_zip64=True) as writer,
    ):
        shutil.copyfileobj(reader, writer, 1 << 22)
    os.replace(partial, target)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Sheet:
    name: str
    rows: list[list[object]]


def _sheet_xml(sheet: _Sheet, strings: dict[str, int]) -> str:
    """One worksheet's XML; its text cells are added to the shared ``strings`` (text -> index)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ]
    width = max((len(r) for r in sheet.rows), default=1)
    parts.append(f'<dimension ref="A1:{_column_letter(width - 1)}{max(len(sheet.rows), 1)}"/><sheetData>')
    for r, row in enumerate(sheet.rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value is None:
                continue
            ref = f"{_column_letter(c)}{r}"
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif isinstance(value, date):
                serial = (value - date(1899, 12, 30)).days
                cells.append(f'<c r="{ref}" s="1"><v>{serial}</v></c>')
            elif isinstance(value, float) and value.is_integer():
                cells.append(f'<c r="{ref}"><v>{int(value)}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _xlsx_parts(sheets: Sequence[_Sheet], strings: dict[str, int]) -> dict[str, str]:
    """The workbook's parts other than the worksheets: content types, relationships, workbook, styles (one
    date format) and the shared strings."""
    shared = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" xmlns:r="{rel}">'
            "<sheets>"
            + "".join(
                f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{pkg}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{len(sheets) + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}">'
            '<fonts count="1"><font><sz val="10"/><name val="Arial"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ),
    }


def _write_xlsx(target: Path, sheets: Sequence[_Sheet]) -> None:
    """A minimal, reproducible XLSX (shared strings, dates as serials with a date format) that python-calamine
    and openpyxl read. Cells: ``str`` (text), ``int``/``float`` (number), ``date`` (date), ``None`` (no cell)."""
    strings: dict[str, int] = {}
    sheet_xml = [_sheet_xml(sheet, strings) for sheet in sheets]
    files = _xlsx_parts(sheets, strings)
    for i, xml in enumerate(sheet_xml, start=1):
        files[f"xl/worksheets/sheet{i}.xml"] = xml
    partial = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    os.replace(partial, target)


def _copy_csv(con: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> int:
    """``COPY (query) TO target``; returns the number of rows written."""
    partial = target.with_name(f".{target.name}.partial")
    result = con.execute(f"COPY ({query}) TO '{partial}' (FORMAT csv, HEADER true{options})").fetchone()
    os.replace(partial, target)
    return int(result[0]) if result else 0


# ----------------------------------------------------------------------------------------------------
# Reference data: real organisations (trusts, ICBs, sub-ICBs, sites), invented non-NHS providers

#: Region code -> (short name, A&E "Parent Org" as published, with its trailing space, CSDS / ODS name).
REGIONS: dict[str, tuple[str, str, str]] = {
    "Y56": ("London", "NHS ENGLAND LONDON", "LONDON COMMISSIONING REGION"),
    "Y58": ("South West", "NHS ENGLAND SOUTH WEST ", "SOUTH WEST COMMISSIONING REGION"),
    "Y59": ("South East", "NHS ENGLAND SOUTH EAST ", "SOUTH EAST COMMISSIONING REGION"),
    "Y60": ("Midlands", "NHS ENGLAND MIDLANDS ", "MIDLANDS COMMISSIONING REGION"),
    "Y61": ("East of England", "NHS ENGLAND EAST OF ENGLAND ", "EAST OF ENGLAND COMMISSIONING REGION"),
    "Y62": ("North West", "NHS ENGLAND NORTH WEST ", "NORTH WEST COMMISSIONING REGION"),
    "Y63": (
        "North East and Yorkshire",
        "NHS ENGLAND NORTH EAST AND YORKSHIRE ",
        "NORTH EAST AND YORKSHIRE COMMISSIONING REGION",
    ),
}
_REGION_BY_MAPPING_NAME = {f"{short} Commissioning Region": code for code, (short, _, _) in REGIONS.items()}
#: Acute trusts without a type 1 A&E department (name keywords): specialist hospitals.
_SPECIALIST_WORDS = (
    "ORTHOPAEDIC",
    "CANCER",
    "MARSDEN",
    "CHRISTIE",
    "HEART",
    "PAPWORTH",
    "MOORFIELDS",
    "WALTON",
    "GREAT ORMOND",
    "TAVISTOCK",
    "ROBERT JONES",
)
_CHILDRENS_WORDS = ("CHILDREN", "ALDER HEY")


@dataclass(frozen=True)
class Org:
    """An organisation as the generators see it. ``kind``: ``acute``, ``ambulance``, ``mental_health_community``
    (the trust cohorts) or ``independent``, ``site``; ``org_type`` is the sickness-absence ORG_TYPE."""

    code: str
    name: str
    name_upper: str
    kind: str
    org_type: str
    region: str
    icb: str
    size: float
    specialist: bool = False
    childrens: bool = False


@dataclass(frozen=True)
class Icb:
    code: str
    name: str
    name_upper: str
    short: str
    region: str
    size: float


@dataclass
class Reference:
    """Organisations shared by every generator; depends on the seed only (never on the month or scale)."""

    trusts: list[Org]
    icbs: dict[str, Icb]
    sub_icbs: list[tuple[str, str, str, float]]  # code, ICB code, name, population weight
    ae_sites: list[Org]
    acute_independent: list[Org]
    mh_independent: list[Org]
    community_independent: list[Org]
    local_authorities: list[tuple[str, str, float]]
    seed: int


def _read_csv(path: Path, header: bool = True) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[1:] if header else rows


def _invented_codes(seed: int, prefix_letters: str, length: int, count: int, taken: set[str], salt: str) -> list[str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    codes: list[str] = []
    i = 0
    while len(codes) < count:
        first = prefix_letters[int(_unit(seed, salt, i, "p") * len(prefix_letters))]
        rest = "".join(alphabet[int(_unit(seed, salt, i, k) * len(alphabet))] for k in range(length - 1))
        code = first + rest
        i += 1
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def load_reference(seed: int, root: Path | None = None) -> Reference:
    """Trusts from ``seeds/trust_cohorts.csv`` with region and ICB from ``data/reference/etr.csv`` (or
    ``seeds/trust_reference_supplement.csv``), ICB names from ``data/reference/System-Mapping.csv``."""
    root = root or paths.repo_root()
    mapping = _read_csv(root / "data" / "reference" / "System-Mapping.csv")
    icbs = _load_icbs(seed, mapping)
    trusts = _load_trusts(seed, root)
    trust_codes = {t.code for t in trusts}

    sub_icbs = []
    for sub, icb in _read_csv(CATALOGUE_DIR / "sub_icb_locations.csv"):
        stem = icbs[icb].name_upper.removesuffix(" INTEGRATED CARE BOARD") if icb in icbs else f"NHS {icb}"
        sub_icbs.append((sub, icb, f"{stem} ICB - {sub}", math.exp(0.5 * _normal(seed, "sub-icb", sub))))

    ae_sites = _load_ae_sites(seed, mapping, icbs, trust_codes)
    icb_list = sorted(icbs.values(), key=lambda i: i.code)
    taken = set(trust_codes) | {s.code for s in ae_sites}

    def invent(prefixes: str, length: int, count: int, salt: str, label: str, kind: str) -> list[Org]:
        out = []
        for i, code in enumerate(_invented_codes(seed, prefixes, length, count, taken, salt), start=1):
            icb = icb_list[int(_unit(seed, salt, "icb", i) * len(icb_list))]
            size = math.exp(0.9 * _normal(seed, salt, "size", i))
            name = f"SYNTHETIC {label} {i:03d}"
            out.append(Org(code, name.title(), name, kind, "Others", icb.region, icb.code, size))
        return out

    acute_independent = invent("ADGN", 5, 420, "acute-is", "INDEPENDENT HOSPITAL", "independent")
    mh_independent = invent("ADN", 3, 160, "mh-is", "INDEPENDENT MENTAL HEALTH PROVIDER", "independent")
    community_independent = invent("N8", 3, 90, "community-is", "COMMUNITY HEALTH PROVIDER", "independent")
    local_authorities = [
        (code, name, math.exp(0.6 * _normal(seed, "la", code)))
        for code, name in _read_csv(CATALOGUE_DIR / "csds_local_authorities.csv")
    ]
    return Reference(
        trusts,
        icbs,
        sub_icbs,
        ae_sites,
        acute_independent,
        mh_independent,
        community_independent,
        local_authorities,
        seed,
    )


def _load_icbs(seed: int, mapping: list[list[str]]) -> dict[str, Icb]:
    """The ICBs of the A&E system mapping, by code, with short names, regions and a seeded size."""
    icb_names: dict[str, str] = {}
    icb_regions: dict[str, str] = {}
    for _code, _name, icb, icb_name, region_name in mapping:
        icb_names.setdefault(icb.strip(), icb_name.strip())
        if region_name.strip() in _REGION_BY_MAPPING_NAME:
            icb_regions.setdefault(icb.strip(), _REGION_BY_MAPPING_NAME[region_name.strip()])
    icbs: dict[str, Icb] = {}
    for code, name in sorted(icb_names.items()):
        short = name.removeprefix("NHS ").removesuffix(" Integrated Care Board").replace(" And ", " and ")
        short = short.replace(" Of ", " of ").replace(" The ", " the ").replace("-On-", "-on-")
        size = math.exp(0.35 * _normal(seed, "icb", code))
        icbs[code] = Icb(code, name, name.upper(), short, icb_regions.get(code, "Y56"), size)
    return icbs


def _load_trusts(seed: int, root: Path) -> list[Org]:
    """The cohort seed's trusts, with region and ICB from the ODS reference (or its supplement)."""
    etr = {r[0]: r for r in _read_csv(root / "data" / "reference" / "etr.csv", header=False) if not r[11]}
    supplement = {r[0]: r for r in _read_csv(root / "seeds" / "trust_reference_supplement.csv")}
    trusts: list[Org] = []
    for code, name, cohort, *_rest, evidence in _read_csv(root / "seeds" / "trust_cohorts.csv"):
        if code in etr:
            upper, region, icb = etr[code][1], etr[code][2], etr[code][3]
        elif code in supplement:
            upper, region, icb = supplement[code][1], supplement[code][2], supplement[code][3]
        else:  # pragma: no cover - the seed and the reference are kept in step
            continue
        org_type = next(
            (part.split("=", 1)[1] for part in evidence.split("; ") if part.startswith("sickness=")),
            {"acute": "Acute", "ambulance": "Ambulance"}.get(cohort, "Mental Health"),
        )
        specialist = cohort == "acute" and any(word in upper for word in _SPECIALIST_WORDS)
        childrens = cohort == "acute" and any(word in upper for word in _CHILDRENS_WORDS)
        size = math.exp(0.45 * _normal(seed, "trust", code)) * (0.35 if specialist or childrens else 1.0)
        trusts.append(Org(code, name, upper, cohort, org_type, region, icb, size, specialist, childrens))
    return trusts


def _load_ae_sites(seed: int, mapping: list[list[str]], icbs: dict[str, Icb], trust_codes: set[str]) -> list[Org]:
    """The A&E system mapping's organisations that are not trusts (independent sites, ...), once each."""
    ae_sites: list[Org] = []
    seen: set[str] = set()
    for code, name, icb, _icb_name, _region in mapping:
        code = code.strip()
        if code in trust_codes or code in seen or (len(code) == 3 and code.startswith("R")):
            continue  # trusts come from the cohort seed; closed trusts (RY9) are not sites
        seen.add(code)
        icb = icb.strip()
        region = icbs[icb].region if icb in icbs else "Y56"
        size = math.exp(0.6 * _normal(seed, "site", code))
        ae_sites.append(Org(code, name.strip(), name.strip().upper(), "site", "Others", region, icb, size))
    return ae_sites


# ----------------------------------------------------------------------------------------------------
# Generation context


@dataclass
class _Context:
    out_dir: Path
    ref: Reference
    scale: float
    seed: int
    con: duckdb.DuckDBPyConnection
    scratch: Path
    #: reference tables already built in ``con`` (once per :func:`generate` call)
    built: set[str] = field(default_factory=set)

    def file_seed(self, collection: str, month: date) -> int:
        """The seed of one file: (seed, collection, month) only."""
        return _seed_int(self.seed, collection, month.isoformat())

    def scaled(self, n: float, minimum: int = 1) -> int:
        return max(minimum, round(n * self.scale))

    def record(
        self, path: Path, collection: str, month: date | None, rows: int, raw_bytes: int | None = None
    ) -> GeneratedFile:
        size = path.stat().st_size
        return GeneratedFile(path, collection, month, rows, size, raw_bytes if raw_bytes is not None else size)


_SQL_MACROS = (
    # uniform in [0, 1) and standard normal from a salted hash; stochastic rounding; nearest 5
    "CREATE OR REPLACE MACRO u(s, a, b, c) AS ((hash(s, a, b, c) >> 11)::DOUBLE / 9007199254740992.0)",
    "CREATE OR REPLACE MACRO z(s, a, b, c) AS "
    "(sqrt(-2 * ln(1 - u(s, a, b, 2 * c))) * cos(2 * pi() * u(s, a, b, 2 * c + 1)))",
    "CREATE OR REPLACE MACRO sround(x, s, a, b, c) AS floor(greatest(x, 0) + u(s, a, b, c))::BIGINT",
    "CREATE OR REPLACE MACRO round5(x) AS (round(x / 5) * 5)",
)


def _connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(scratch / "synthetic.duckdb"), config={"preserve_insertion_order": True})
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    for macro in _SQL_MACROS:
        con.execute(macro)
    return con


def _register(ctx: _Context, name: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A small Python table as a DuckDB table of text columns (empty cells are NULL); cast in SQL."""
    path = ctx.scratch / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    types = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
    ctx.con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, auto_detect = false, "
        f"columns = {types}, quote = '\"', escape = '\"')"
    )


def _season(month: date, peak_month: int = 1) -> float:
    """1 at the mean, +1 at ``peak_month`` and -1 six months away (a yearly cosine)."""
    return math.cos(2 * math.pi * (month.month - peak_month) / 12)


# ----------------------------------------------------------------------------------------------------
# A&E attendances and emergency admissions, monthly provider CSV (raw_formats §1.1)

AE_HEADER = _published_columns("nhse_ae_monthly")
#: The footer's published spellings (raw_formats §1.1): one is chosen per month.
_AE_TOTAL_SPELLINGS = (
    ("TOTAL",) * 4,
    ("TOTAL",) * 4,
    ("TOTAL",) * 4,
    ("Total",) * 4,
    ("Total ",) * 4,
    ("Total", "Total ", "Total", "Total"),
    ("TOTAL ",) * 4,
)


def _ae(ctx: _Context, month: date) -> list[GeneratedFile]:
    fs, rs = ctx.file_seed("nhse_ae_monthly", month), ctx.seed
    ref = ctx.ref
    orgs = [t for t in ref.trusts if t.kind == "acute"]
    orgs += [t for t in ref.trusts if t.kind == "mental_health_community" and _unit(rs, "ae-mhc", t.code) < 0.3]
    orgs += ref.ae_sites
    rows = [_ae_row(org, month, fs, rs) for org in orgs]
    rows.sort(key=lambda r: _unit(fs, "order", r[0][1]))  # the publication is not sorted
    spelling = _AE_TOTAL_SPELLINGS[int(_unit(ctx.seed, "ae-total", month.isoformat()) * len(_AE_TOTAL_SPELLINGS))]
    totals = [sum(counts[i] for _, counts in rows) for i in range(len(AE_HEADER) - 4)]
    path = ctx.out_dir / f"Monthly-AE-{month_name[month.month]}-{month.year}-SYNTHETIC.csv"
    count = _write_csv(
        path, AE_HEADER, [*([*labels, *counts] for labels, counts in rows), [*spelling, *totals]], "\r\n"
    )
    return [ctx.record(path, "nhse_ae_monthly", month, count)]


def _ae_row(org: Org, month: date, fs: int, rs: int) -> tuple[list[str], list[int]]:
    """One organisation's A&E month: its labels (period, code, parent, name) and its counts, in AE_HEADER order."""
    code, size = org.code, org.size
    winter = _season(month, 1)

    def n(key: str, sigma: float, org_code: str = code) -> float:
        return math.exp(sigma * _normal(fs, org_code, key))

    def trait(key: str, org_code: str = code) -> float:
        return _unit(rs, "ae", org_code, key)

    t1 = t2 = other = b1 = b2 = bo = 0
    other_admissions = 0.0
    if org.kind == "acute" and not org.specialist:
        t1 = round(10700 * size * (1 + 0.03 * _season(month, 7)) * n("t1", 0.04))
        b1 = round(t1 * 0.02 * n("b1", 0.3)) if trait("b1") < 0.25 else 0
        other = round(4500 * math.sqrt(size) * math.exp(0.6 * _normal(rs, "ae-other", code)) * n("o", 0.05))
        other = other if trait("other") < 0.65 else 0
        bo = round(other * 0.05 * n("bo", 0.3)) if trait("bo") < 0.3 else 0
        t2 = round(900 * math.exp(0.7 * _normal(rs, "ae-t2", code)) * n("t2", 0.05)) if trait("t2") < 0.12 else 0
        b2 = round(t2 * 0.02) if trait("b2") < 0.05 else 0
        other_admissions = 1000 * size * n("oea", 0.1) * math.exp(0.3 * _normal(rs, "ae-oea", code))
    elif org.kind == "acute" and "MOORFIELDS" in org.name_upper:
        t2 = round(8000 * n("t2", 0.05))
    elif org.kind == "acute":
        other_admissions = 60 * math.exp(0.8 * _normal(rs, "ae-oea", code)) * n("oea", 0.2)
    elif org.kind == "mental_health_community":
        other = round(2500 * math.exp(0.7 * _normal(rs, "ae-other", code)) * n("o", 0.05)) if trait("o") < 0.6 else 0
        other_admissions = 40 * math.exp(0.5 * _normal(rs, "ae-oea", code)) * n("oea", 0.2)
    elif trait("open") < 0.92:  # a site: urgent treatment centre, walk-in centre, minor injuries unit
        other = round(3200 * size * n("o", 0.06))
    breach1 = min(0.62, 0.36 * math.exp(0.22 * _normal(rs, "ae-breach", code)) * (1 + 0.1 * winter) * n("br", 0.05))
    o1 = min(t1, round(t1 * breach1))
    o2 = min(t2, round(t2 * 0.02 * n("o2", 0.5)))
    oo = min(other, round(other * 0.03 * math.exp(0.6 * _normal(rs, "ae-obr", code)) * n("oo", 0.2)))
    ob1 = min(b1, round(b1 * 0.2 * n("ob1", 0.3)))
    obo = min(bo, round(bo * 0.01 * n("obo", 0.5)))
    dta_4_12 = round(t1 * 0.06 * (breach1 / 0.36) * n("dta", 0.2))
    dta_12 = round(t1 * 0.033 * (breach1 / 0.36) ** 1.5 * n("dta12", 0.3))
    ea1 = round(t1 * 0.29 * n("ea1", 0.08))
    ea2 = round(t2 * 0.03 * n("ea2", 0.3))
    eao = round(other * 0.01 * n("eao", 0.5)) if trait("eao") < 0.3 else 0
    labels = [f"MSitAE-{_MONTHS_UPPER[month.month]}-{month.year}", code, REGIONS[org.region][1], org.name_upper]
    counts = [
        t1,
        t2,
        other,
        b1,
        b2,
        bo,
        o1,
        o2,
        oo,
        ob1,
        0,
        obo,
        dta_4_12,
        dta_12,
        ea1,
        ea2,
        eao,
        round(other_admissions),
    ]
    return labels, counts


# ----------------------------------------------------------------------------------------------------
# AmbSYS, one month per file (raw_formats §4.1): '.' where an indicator is not applicable

_AMBSYS_PAIRS = (("A8", "A24", "A25", "A26"), ("A9", "A27", "A28", "A29"), ("A10", "A30", "A31", "A32"),
                 ("A11", "A33", "A34", "A35"), ("A12", "A36", "A37", "A38"))  # fmt: skip
#: Category mean (seconds) around which trusts are drawn, and the 90th centile as a multiple of the mean.
_AMBSYS_MEANS = {"A8": (460, 1.79), "A9": (548, 1.8), "A10": (1467, 2.0), "A11": (5039, 2.3), "A12": (6988, 2.2)}


def _ambsys(ctx: _Context, month: date) -> list[GeneratedFile]:
    fs, rs = ctx.file_seed("nhse_ambsys", month), ctx.seed
    catalogue = _read_csv(CATALOGUE_DIR / "ambsys_indicators.csv")
    codes = [c for c, _, _ in catalogue]
    winter = _season(month, 1)
    trusts = [t for t in ctx.ref.trusts if t.kind == "ambulance"]
    trusts += [t for t in ctx.ref.trusts if t.code == "R1F"]
    values: dict[str, dict[str, float | None]] = {}
    for t in trusts:
        calls = (
            (3500 if t.code == "R1F" else 110000 * t.size)
            * (1 + 0.05 * winter)
            * math.exp(0.03 * _normal(fs, t.code, "A0"))
        )
        v: dict[str, float | None] = {}
        for code, kind, value in catalogue:
            if kind == "dot":
                v[code] = None
            elif kind == "rate":
                v[code] = round(calls * float(value) * math.exp(0.08 * _normal(fs, t.code, code)))
            else:
                v[code] = round(float(value) * math.exp(0.1 * _normal(fs, t.code, code)))
        for count, total, mean, p90 in _AMBSYS_PAIRS:
            base, ratio = _AMBSYS_MEANS[count]
            spread = 0.25 if count in ("A10", "A11", "A12") else 0.12
            level = base * math.exp(spread * _normal(rs, "ambsys", t.code, count)) * (1 + 0.15 * winter * spread * 4)
            level *= math.exp(0.05 * _normal(fs, t.code, count, "mean"))
            n = v[count] or 0
            total_value = round(n * level)
            v[total] = total_value
            v[mean] = round(total_value / n) if n else None
            v[p90] = round(level * ratio * math.exp(0.05 * _normal(fs, t.code, p90))) if n else None
        values[t.code] = v

    def aggregate(members: list[Org]) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        weights = [values[m.code]["A0"] or 0 for m in members]
        kinds = {c: k for c, k, _ in catalogue}
        for code in codes:
            cells = [c for m in members if (c := values[m.code][code]) is not None]
            if kinds[code] == "dot" or len(cells) < len(members):
                out[code] = None
            elif kinds[code] == "rate":
                out[code] = sum(cells)
            else:
                out[code] = round(sum(c * w for c, w in zip(cells, weights, strict=True)) / max(sum(weights), 1))
        for count, total, mean, p90 in _AMBSYS_PAIRS:
            n = out[count] or 0
            total_value = out[total]
            out[mean] = round(total_value / n) if n and total_value is not None else None
            p90s = [(p, values[m.code][count] or 0) for m in members if (p := values[m.code][p90]) is not None]
            out[p90] = round(sum(p * c for p, c in p90s) / max(sum(c for _, c in p90s), 1)) if p90s else None
        return out

    def cells(v: dict[str, float | None]) -> list[object]:
        return ["." if (x := v[c]) is None else int(x) for c in codes]

    rows: list[list[object]] = [[month.year, month.month, "Eng", "Eng", "England", *cells(aggregate(trusts))]]
    for t in sorted(trusts, key=lambda t: t.code):
        rows.append([month.year, month.month, t.region, t.code, t.name_upper, *cells(values[t.code])])
    for region, (short, _, _) in REGIONS.items():
        members = [t for t in trusts if t.region == region]
        if members:
            rows.append([month.year, month.month, short, region, short, *cells(aggregate(members))])
    path = ctx.out_dir / f"AmbSYS-for-{month_name[month.month]}-{month.year}-SYNTHETIC.csv"
    written = _write_csv(path, ["Year", "Month", "Region", "Org Code", "Org Name", *codes], rows, "\n")
    return [ctx.record(path, "nhse_ambsys", month, written)]


# ----------------------------------------------------------------------------------------------------
# NHS Sickness Absence Rates, monthly organisation CSV (raw_formats §7.1)

SICKNESS_HEADER = _published_columns("nhs_sickness_absence")
_SICKNESS_BASE = {  # ORG_TYPE -> (staff FTE at size 1, monthly rate %)
    "Acute": (5200, 4.6),
    "Ambulance": (4300, 6.3),
    "Mental Health": (3500, 5.4),
    "Community Provider Trust": (2200, 5.0),
    "Integrated Care Board": (600, 2.9),
    "Commissioning Support Unit": (1500, 3.1),
    "Others": (3000, 3.2),
}
_QZZ = ("QZZ", "Special Health Authorities and other statutory bodies")
_NATIONAL_BODIES = (  # real ODS codes and names (reference data)
    ("0AR", "NHS North of England Commissioning Support Unit", "Commissioning Support Unit"),
    ("0CX", "NHS Midlands and Lancashire Commissioning Support Unit", "Commissioning Support Unit"),
    ("0DE", "NHS Arden and Greater East Midlands Commissioning Support Unit", "Commissioning Support Unit"),
    ("0DF", "NHS South, Central and West Commissioning Support Unit", "Commissioning Support Unit"),
    ("X24", "NHS England", "Others"),
)


def _sickness(ctx: _Context, month: date) -> list[GeneratedFile]:
    fs, rs = ctx.file_seed("nhs_sickness_absence", month), ctx.seed
    days = monthrange(month.year, month.month)[1]
    winter = _season(month, 1)
    entries: list[tuple[str, str, str, str, str, str, str, float]] = []
    for t in ctx.ref.trusts:
        icb = ctx.ref.icbs[t.icb]
        entries.append((t.region, REGIONS[t.region][0], icb.code, icb.short, t.code, t.name, t.org_type, t.size))
    for icb in ctx.ref.icbs.values():
        entries.append(
            (icb.region, REGIONS[icb.region][0], icb.code, icb.short, icb.code, f"NHS {icb.short} ICB",
             "Integrated Care Board", icb.size)
        )  # fmt: skip
    for code, name, org_type in _NATIONAL_BODIES:
        entries.append((*_QZZ, *_QZZ, code, name, org_type, 6.0 if code == "X24" else 1.0))
    rows = []
    for region, region_name, ics, ics_name, code, name, org_type, size in sorted(
        entries, key=lambda e: (e[0], e[2], e[4])
    ):
        fte, rate = _SICKNESS_BASE[org_type]
        available = fte * size * days * 0.97 * math.exp(0.01 * _normal(fs, code, "fte"))
        rate *= (
            math.exp(0.12 * _normal(rs, "sickness", code))
            * (1 + 0.1 * winter)
            * math.exp(0.05 * _normal(fs, code, "rate"))
        )
        lost = available * rate / 100
        rows.append(
            [
                _month_end(month).strftime("%d/%m/%Y"),
                region,
                region_name,
                ics,
                ics_name,
                code,
                name,
                org_type,
                repr(round(lost, 5)),
                repr(round(available, 5)),
                repr(round(100 * round(lost, 5) / round(available, 5), 2)),
            ]
        )
    path = ctx.out_dir / f"NHS Sickness Absence rates CSV, {month_name[month.month]} {month.year} SYNTHETIC.csv"
    count = _write_csv(path, SICKNESS_HEADER, rows, "\r\n")
    return [ctx.record(path, "nhs_sickness_absence", month, count)]


# ----------------------------------------------------------------------------------------------------
# Cancer waiting times, "CWT CRS Provider Extract" XLSX, one month per file (raw_formats §3)

CWT_HEADER = _published_columns("nhse_cwt_provider")
_FDS_TYPES = (  # suspected cancer type -> share of urgent referrals
    ("Suspected breast cancer", 0.14),
    ("Suspected lower gastrointestinal cancer", 0.19),
    ("Suspected skin cancer", 0.17),
    ("Suspected urological malignancies (excluding testicular)", 0.08),
    ("Suspected gynaecological cancer", 0.09),
    ("Suspected lung cancer", 0.04),
    ("Suspected upper gastrointestinal cancer", 0.06),
    ("Suspected head & neck cancer", 0.07),
    ("Suspected haematological malignancies (excluding acute leukaemia)", 0.02),
    ("Suspected children's cancer", 0.01),
    ("Suspected testicular cancer", 0.008),
    ("Suspected brain/central nervous system tumours", 0.008),
    ("Suspected sarcoma", 0.006),
    ("Suspected other cancer", 0.006),
    ("Suspected cancer - non-specific symptoms", 0.04),
    ("Suspected acute leukaemia", 0.001),
)
_FDS_SCREENING = (
    ("Suspected breast cancer", 0.5),
    ("Suspected lower gastrointestinal cancer", 0.35),
    ("Suspected gynaecological cancer", 0.15),
)
_FDS_BREAST = "Exhibited (non-cancer) breast symptoms - cancer not initially suspected"
_CANCER_TYPES = (  # type -> (share, modality shares: surgery, anti-cancer drugs, radiotherapy, other)
    ("Breast", 0.17, (0.55, 0.25, 0.15, 0.05)),
    ("Gynaecological", 0.06, (0.6, 0.2, 0.15, 0.05)),
    ("Haematological - Lymphoma", 0.04, (0.02, 0.85, 0.05, 0.08)),
    ("Haematological - Other (a)", 0.05, (0.02, 0.8, 0.02, 0.16)),
    ("Head & Neck", 0.05, (0.5, 0.15, 0.3, 0.05)),
    ("Lower Gastrointestinal", 0.1, (0.6, 0.2, 0.12, 0.08)),
    ("Lung", 0.09, (0.25, 0.4, 0.28, 0.07)),
    ("Other (a)", 0.03, (0.4, 0.3, 0.2, 0.1)),
    ("Skin", 0.17, (0.9, 0.03, 0.02, 0.05)),
    ("Upper Gastrointestinal - Hepatobiliary", 0.03, (0.3, 0.5, 0.05, 0.15)),
    ("Upper Gastrointestinal - Oesophagus & Stomach", 0.03, (0.3, 0.5, 0.1, 0.1)),
    ("Urological - Other (a)", 0.08, (0.7, 0.15, 0.05, 0.1)),
    ("Urological - Prostate", 0.1, (0.15, 0.45, 0.3, 0.1)),
)
_MODALITIES = ("Surgery", "Anti-cancer drug regimen", "Radiotherapy", "Other")
_CWT_ROUTES = (  # standard, route, monthly patients at size 1, share within standard
    ("31-day Combined", "First Treatment", 125, 0.91),
    ("31-day Combined", "Subsequent Treatment", 60, 0.9),
    ("62-day Combined", "Urgent Suspected Cancer", 95, 0.68),
    ("62-day Combined", "Consultant Upgrade", 18, 0.74),
    ("62-day Combined", "Screening", 9, 0.72),
    ("62-day Combined", "Breast Symptomatic", 2.5, 0.8),
)


#: ``add(standard, org, route, modality, cancer, total, within)``: one CWT row (kept when ``total`` > 0).
_CwtAdd = Callable[[str, str, str, str | None, str, float, float], None]


def _cwt(ctx: _Context, month: date) -> list[GeneratedFile]:
    fs, rs = ctx.file_seed("nhse_cwt_provider", month), ctx.seed
    providers = [t for t in ctx.ref.trusts if t.kind == "acute" and "ORTHOPAEDIC" not in t.name_upper]
    if ctx.scale < 0.1:
        providers = sorted(providers, key=lambda t: _unit(rs, "cwt-subset", t.code))
        providers = sorted(providers[: max(3, round(len(providers) * ctx.scale * 10))], key=lambda t: t.code)
    fiscal = month.year if month.month >= 4 else month.year - 1
    year, mon = f"{fiscal}/{(fiscal + 1) % 100:02d}", month_abbr[month.month].upper()
    rows: list[list[object]] = []

    def add(
        standard: str, org: str, route: str, modality: str | None, cancer: str, total: float, within: float
    ) -> None:
        if total > 0:
            rows.append([month, year, mon, standard, org, route, modality, cancer, total, within, total - within])

    for t in providers:
        _cwt_fds(t, fs, rs, add)
        _cwt_treatment(t, fs, rs, add)
    order = {s: i for i, s in enumerate(("28-day FDS", "31-day Combined", "62-day Combined"))}
    rows.sort(key=lambda r: (order[str(r[3])], str(r[5]), str(r[4]), str(r[6] or ""), str(r[7])))
    mon = f"{month_abbr[month.month]}-{month.year}"
    path = ctx.out_dir / f"CWT-CRS-{mon}-to-{mon}-Data-Extract-Provider-SYNTHETIC.xlsx"
    _write_xlsx(path, [_Sheet("CWT CRS Provider Extract", [list(CWT_HEADER), *rows])])
    return [ctx.record(path, "nhse_cwt_provider", month, len(rows))]


def _cwt_fds(t: Org, fs: int, rs: int, add: _CwtAdd) -> None:
    """A provider's 28-day Faster Diagnosis Standard rows, by route and cancer type."""
    size = t.size * (0.3 if t.childrens else 1.0)
    cancer_centre = t.specialist and not t.childrens
    fds_size = size * (0.1 if cancer_centre else 1.0)
    fds_rate = min(0.97, 0.77 * math.exp(0.07 * _normal(rs, "cwt-fds", t.code)))
    blank_modality: str | None = "" if _unit(rs, "cwt-blank", t.code) < 0.5 else None
    for route, volume, types in (
        ("URGENT SUSPECTED CANCER", 2600, _FDS_TYPES),
        ("NATIONAL SCREENING PROGRAMME", 260, _FDS_SCREENING),
        (
            "BREAST SYMPTOMATIC, CANCER NOT SUSPECTED",
            120 if _unit(rs, "cwt-bs", t.code) < 0.5 else 0,
            ((_FDS_BREAST, 1.0),),
        ),
    ):
        for cancer, share in types:
            total = _stochastic_round(
                fds_size * volume * share * math.exp(0.1 * _normal(fs, t.code, route, cancer)),
                fs,
                t.code,
                route,
                cancer,
            )
            rate = min(1.0, fds_rate * math.exp(0.05 * _normal(fs, t.code, route, cancer, "r")))
            within = min(total, _stochastic_round(total * rate, fs, t.code, route, cancer, "w"))
            add("28-day FDS", t.code, route, blank_modality, cancer, total, within)


def _cwt_treatment(t: Org, fs: int, rs: int, add: _CwtAdd) -> None:
    """A provider's 31-day and 62-day rows: by cancer type (all modalities) and by modality (all cancers)."""
    size = t.size * (0.3 if t.childrens else 1.0)
    cancer_centre = t.specialist and not t.childrens
    radiotherapy = cancer_centre or _unit(rs, "cwt-rt", t.code) < 0.45
    for standard, route, volume, target in _CWT_ROUTES:
        unit = 2 if standard.startswith("62") else 1  # 62-day counts come in halves (shared patients)
        rate = min(0.99, target * math.exp(0.08 * _normal(rs, "cwt", t.code, standard)))
        by_type: dict[str, list[float]] = {}
        by_modality: dict[str, list[float]] = {m: [0.0, 0.0] for m in _MODALITIES}
        types: tuple[tuple[str, float, tuple[float, float, float, float]], ...] = _CANCER_TYPES
        if route == "Screening":
            types = tuple(c for c in _CANCER_TYPES if c[0] in ("Breast", "Lower Gastrointestinal", "Gynaecological"))
        elif route == "Breast Symptomatic":
            types = tuple(c for c in _CANCER_TYPES if c[0] == "Breast")
        for cancer, share, modality_shares in types:
            shares = [
                s if (m != "Radiotherapy" or radiotherapy) else 0.0
                for m, s in zip(_MODALITIES, modality_shares, strict=True)
            ]
            norm = sum(shares)
            for modality, s in zip(_MODALITIES, shares, strict=True):
                expected = (
                    size * volume * share * s / norm * math.exp(0.15 * _normal(fs, t.code, route, cancer, modality))
                )
                total = _stochastic_round(expected * unit, fs, t.code, route, cancer, modality) / unit
                within = min(
                    total, _stochastic_round(total * rate * unit, fs, t.code, route, cancer, modality, "w") / unit
                )
                cell = by_type.setdefault(cancer, [0.0, 0.0])
                cell[0] += total
                cell[1] += within
                by_modality[modality][0] += total
                by_modality[modality][1] += within
        for cancer, (total, within) in by_type.items():
            add(standard, t.code, route, "ALL MODALITIES", cancer, total, within)
        for modality, (total, within) in by_modality.items():
            add(standard, t.code, route, modality, "ALL CANCERS", total, within)


# ----------------------------------------------------------------------------------------------------
# Commissioner pairs shared by the RTT and DM01 extracts


def _tables_once(ctx: _Context, key: str, build: Callable[[], None]) -> None:
    """Build scale- and seed-dependent reference tables once per :func:`generate` call."""
    if key not in ctx.built:
        build()
        ctx.built.add(key)


def _commissioners(ctx: _Context, name: str, specials: Sequence[tuple[str, str, str, str, float]]) -> None:
    """Sub-ICB locations plus the collection's special commissioners (code, name, parent code, parent name, weight)."""
    rows = [
        (code, sub_name, icb, ctx.ref.icbs[icb].name_upper, icb, ctx.ref.icbs[icb].region, pop, 0)
        for code, icb, sub_name, pop in ctx.ref.sub_icbs
    ]
    rows += [(code, cname, parent, pname, "", "", weight, 1) for code, cname, parent, pname, weight in specials]
    _register(ctx, f"{name}_raw", ["code", "name", "parent", "parent_name", "icb", "region", "pop", "special"], rows)
    ctx.con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT code, coalesce(name, '') AS name, coalesce(parent, '') AS parent, "
        f"coalesce(parent_name, '') AS parent_name, icb, region, pop::DOUBLE AS pop, special = '1' AS special "
        f"FROM {name}_raw"
    )


def _providers(ctx: _Context, name: str, orgs: Sequence[Org], volume: dict[str, float]) -> None:
    """Provider table: code, names, ICB, region, kind, size and base volume by kind."""
    rows = [
        (o.code, o.name_upper, o.icb, ctx.ref.icbs[o.icb].name_upper, o.region, o.kind,
         o.size * volume.get("specialist" if o.specialist else o.kind, 1.0), int(o.specialist), int(o.childrens))
        for o in orgs
    ]  # fmt: skip
    _register(
        ctx,
        f"{name}_raw",
        ["code", "name", "icb", "icb_name", "region", "kind", "volume", "specialist", "childrens"],
        rows,
    )
    ctx.con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT code, name, icb, icb_name, region, kind, volume::DOUBLE AS volume, "
        f"specialist = '1' AS specialist, childrens = '1' AS childrens FROM {name}_raw"
    )


def _pairs(ctx: _Context, name: str, providers: str, commissioners: str, count: int, salt: int) -> None:
    """The ``count`` provider x commissioner pairs most likely to carry activity (home sub-ICBs first, then the
    region, then the rest of England), each with its share of the provider's activity."""
    rs = _seed_int(ctx.seed, "pairs", name)
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TABLE {name} AS
        WITH candidates AS (
            SELECT p.code AS provider, c.code AS commissioner,
                CASE WHEN c.special THEN 0.25 WHEN c.icb = p.icb THEN 1.0 WHEN c.region = p.region THEN 0.3
                    ELSE 0.05 END * CASE WHEN p.kind = 'independent' THEN 0.6 ELSE 1.0 END AS likelihood,
                CASE WHEN c.special THEN 0.01 WHEN c.icb = p.icb THEN 1.0 WHEN c.region = p.region THEN 0.05
                    ELSE 0.004 END * c.pop * exp(0.8 * z({rs}, p.code, c.code, {salt})) AS weight,
                u({rs}, p.code, c.code, {salt + 1}) / likelihood AS priority
            FROM {providers} AS p CROSS JOIN {commissioners} AS c
        ),
        chosen AS (SELECT * FROM candidates ORDER BY priority, provider, commissioner LIMIT {count})
        SELECT provider, commissioner, weight / sum(weight) OVER (PARTITION BY provider) AS share,
            row_number() OVER (ORDER BY provider, commissioner) AS pair_id
        FROM chosen
        """
    )


# ----------------------------------------------------------------------------------------------------
# DM01 diagnostics full extract: ZIP of one CSV, every field quoted, LF (raw_formats §5.2)

_DM01_COLUMNS = _published_columns("nhse_dm01_full_extract")
DM01_BANDS = _DM01_COLUMNS[_DM01_COLUMNS.index("Diagnostic Tests") + 1 : _DM01_COLUMNS.index("Total WL")]
#: sort order, code, share of the waiting list, (waiting-list, planned, unscheduled) activity per patient waiting,
#: whether an independent-sector site is likely to offer it.
_DM01_TESTS = (
    (1, "MRI", 0.14, (1.3, 0.15, 0.2), 1),
    (2, "CT", 0.09, (1.5, 0.2, 1.6), 1),
    (3, "NON_OBSTETRIC_ULTRASOUND", 0.35, (1.4, 0.1, 0.35), 1),
    (4, "BARIUM_ENEMA", 0.001, (1.0, 0.05, 0.0), 0),
    (5, "DEXA_SCAN", 0.03, (1.2, 0.05, 0.0), 1),
    (6, "AUDIOLOGY_ASSESSMENTS", 0.07, (1.0, 0.05, 0.01), 1),
    (7, "ECHOCARDIOGRAPHY", 0.12, (1.0, 0.1, 0.25), 0),
    (8, "ELECTROPHYSIOLOGY", 0.002, (1.0, 0.2, 0.02), 0),
    (9, "PERIPHERAL_NEUROPHYS", 0.02, (0.9, 0.05, 0.01), 0),
    (10, "SLEEP_STUDIES", 0.03, (0.7, 0.05, 0.01), 0),
    (11, "URODYNAMICS", 0.01, (0.6, 0.05, 0.0), 0),
    (12, "COLONOSCOPY", 0.05, (0.8, 0.6, 0.05), 1),
    (13, "FLEXI_SIGMOIDOSCOPY", 0.01, (0.8, 0.3, 0.02), 1),
    (14, "CYSTOSCOPY", 0.02, (0.8, 0.8, 0.02), 1),
    (15, "GASTROSCOPY", 0.05, (0.8, 0.5, 0.08), 1),
)
DM01_PAIRS = 9316


def _dm01_reference(ctx: _Context) -> None:
    ref, rs = ctx.ref, ctx.seed
    orgs = [t for t in ref.trusts if t.kind == "acute"]
    orgs += [t for t in ref.trusts if t.kind == "mental_health_community" and _unit(rs, "dm01-mhc", t.code) < 0.35]
    orgs += ref.acute_independent[:300]
    _providers(
        ctx,
        "dm01_providers",
        orgs,
        {"acute": 10000, "specialist": 6000, "mental_health_community": 800, "independent": 900},
    )
    _commissioners(ctx, "dm01_commissioners", [("NONC", "", "", "", 0.5), ("X24", "NHS ENGLAND", "", "", 0.5)])
    _pairs(ctx, "dm01_pairs", "dm01_providers", "dm01_commissioners", ctx.scaled(DM01_PAIRS, 20), 11)
    tests = [(s, code, share, *ratios, offered) for s, code, share, ratios, offered in _DM01_TESTS]
    _register(ctx, "dm01_tests_raw", ["sort", "test", "share", "wl_act", "planned", "unscheduled", "is_offer"], tests)
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TABLE dm01_offer AS
        SELECT p.code AS provider, t.sort::INTEGER AS sort, t.test,
            p.volume * t.share::DOUBLE * exp(0.4 * z({rs}, p.code, t.test, 21))
                * CASE WHEN p.kind = 'independent' AND (t.is_offer = '0' OR u({rs}, p.code, t.test, 22) > 0.45) THEN 0
                       WHEN p.kind = 'mental_health_community'
                           AND t.test NOT IN ('AUDIOLOGY_ASSESSMENTS', 'NON_OBSTETRIC_ULTRASOUND', 'DEXA_SCAN') THEN 0
                       WHEN p.specialist AND u({rs}, p.code, t.test, 23) > 0.4 THEN 0
                       ELSE 1 END AS volume,
            least(0.8, 0.2 * exp(0.5 * z({rs}, p.code, t.test, 24))) AS six_week_rate,
            t.wl_act::DOUBLE AS wl_act, t.planned::DOUBLE AS planned, t.unscheduled::DOUBLE AS unscheduled
        FROM dm01_providers AS p CROSS JOIN dm01_tests_raw AS t
        """
    )


def _dm01(ctx: _Context, month: date) -> list[GeneratedFile]:
    _tables_once(ctx, "dm01", lambda: _dm01_reference(ctx))
    fs = ctx.file_seed("nhse_dm01_full_extract", month)
    winter = _season(month, 1)
    period = f"DM01-{_MONTHS_UPPER[month.month]}-{month.year}"
    first_six = " + ".join(f"(1 - 0.08 * {b})" for b in range(6))
    bands = []
    for b in range(14):
        if b < 6:
            share = f"(1 - r6) * (1 - 0.08 * {b}) / ({first_six})"
        elif b < 13:
            share = f"r6 * 0.8 * exp(-0.25 * {b - 6}) / 3.7355"
        else:
            share = "r6 * 0.2 * exp(0.3 * z(fs, pair_id, sort, 40))"
        bands.append(f"sround(wl * {share}, fs, pair_id, sort, {b}) AS b{b:02d}")
    band_sum = " + ".join(f"b{b:02d}" for b in range(14))
    cols = ", ".join(f"b{b:02d}" for b in range(14))
    sums = ", ".join(f"sum(b{b:02d})" for b in range(14))
    query = f"""
        WITH params AS (SELECT {fs}::BIGINT AS fs),
        detail AS (
            SELECT pr.pair_id, o.sort, o.test, {", ".join(bands)},
                sround(wl * o.wl_act * exp(0.1 * z(fs, pair_id, sort, 41)), fs, pair_id, sort, 42) AS wl_activity,
                sround(o.volume * pr.share * o.planned * exp(0.2 * z(fs, pair_id, sort, 43)), fs, pair_id, sort, 44)
                    AS planned,
                sround(o.volume * pr.share * o.unscheduled * exp(0.2 * z(fs, pair_id, sort, 45)), fs, pair_id, sort, 46)
                    AS unscheduled
            FROM dm01_pairs AS pr
            JOIN dm01_offer AS o ON o.provider = pr.provider
            CROSS JOIN params
            CROSS JOIN LATERAL (
                SELECT o.volume * pr.share * exp(0.1 * z(fs, pr.pair_id, o.sort, 47)) AS wl,
                    least(0.9, o.six_week_rate * (1 + 0.15 * {winter}) * exp(0.1 * z(fs, pr.pair_id, o.sort, 48))) AS r6
            )
        ),
        totals AS (
            SELECT pair_id, 16 AS sort, 'TOTAL' AS test, {sums}, sum(wl_activity), sum(planned), sum(unscheduled)
            FROM detail GROUP BY pair_id
        ),
        all_rows AS (
            SELECT pair_id, sort, test, {cols}, wl_activity, planned, unscheduled FROM detail
            UNION ALL SELECT * FROM totals
        )
        SELECT '{period}' AS "Period", p.icb AS "Provider Parent Org Code", p.icb_name AS "Provider Parent Name",
            p.code AS "Provider Org Code", p.name AS "Provider Org Name",
            c.parent AS "Commissioner Parent Org Code", c.parent_name AS "Commissioner Parent Name",
            c.code AS "Commissioner Org Code", c.name AS "Commissioner Org Name",
            r.sort AS "Diagnostic Tests Sort Order", r.test AS "Diagnostic Tests",
            {", ".join(f'r.b{b:02d} AS "{name}"' for b, name in enumerate(DM01_BANDS))},
            {band_sum.replace("b", "r.b")} AS "Total WL", r.wl_activity AS "Waiting List Activity",
            r.planned AS "Planned Activity", r.unscheduled AS "Unscheduled Activity",
            r.wl_activity + r.planned + r.unscheduled AS "Total Activity"
        FROM all_rows AS r
        JOIN dm01_pairs AS pr USING (pair_id)
        JOIN dm01_providers AS p ON p.code = pr.provider
        JOIN dm01_commissioners AS c ON c.code = pr.commissioner
        ORDER BY p.icb, p.code, c.code, r.sort
    """
    member = f"{period}-full-extract.csv"
    csv_path = ctx.scratch / member
    rows = _copy_csv(ctx.con, query, csv_path, ", FORCE_QUOTE *")
    raw = csv_path.stat().st_size
    path = ctx.out_dir / f"{period}-full-extract-SYNTHETIC.zip"
    _zip_single(path, member, csv_path)
    csv_path.unlink()
    return [ctx.record(path, "nhse_dm01_full_extract", month, rows, raw)]


# ----------------------------------------------------------------------------------------------------
# RTT "Full CSV data file": ZIP of one 121-column CSV (raw_formats §2.1)

RTT_BANDS = RTT_WEEK_BANDS
#: code, name, share of an acute trust's incomplete pathways, offered by independent-sector sites
RTT_FUNCTIONS = (
    ("C_100", "General Surgery Service", 0.07, 1),
    ("C_101", "Urology Service", 0.05, 1),
    ("C_110", "Trauma and Orthopaedic Service", 0.11, 1),
    ("C_120", "Ear Nose and Throat Service", 0.08, 1),
    ("C_130", "Ophthalmology Service", 0.09, 1),
    ("C_140", "Oral Surgery Service", 0.05, 1),
    ("C_150", "Neurosurgical Service", 0.012, 0),
    ("C_160", "Plastic Surgery Service", 0.03, 1),
    ("C_170", "Cardiothoracic Surgery Service", 0.005, 0),
    ("C_300", "General Internal Medicine Service", 0.01, 0),
    ("C_301", "Gastroenterology Service", 0.06, 1),
    ("C_320", "Cardiology Service", 0.05, 1),
    ("C_330", "Dermatology Service", 0.06, 1),
    ("C_340", "Respiratory Medicine Service", 0.03, 0),
    ("C_400", "Neurology Service", 0.03, 0),
    ("C_410", "Rheumatology Service", 0.02, 0),
    ("C_430", "Elderly Medicine Service", 0.005, 0),
    ("C_502", "Gynaecology Service", 0.08, 1),
    ("X02", "Other - Medical Services", 0.06, 0),
    ("X03", "Other - Mental Health Services", 0.002, 0),
    ("X04", "Other - Paediatric Services", 0.05, 0),
    ("X05", "Other - Surgical Services", 0.06, 1),
    ("X06", "Other - Other Services", 0.05, 1),
)
#: part, description, volume relative to the incomplete list, waiting-time scale relative to it
RTT_PARTS = (
    ("Part_1A", "Completed Pathways For Admitted Patients", 0.045, 1.1),
    ("Part_1B", "Completed Pathways For Non-Admitted Patients", 0.16, 0.55),
    ("Part_2", "Incomplete Pathways", 1.0, 1.0),
    ("Part_2A", "Incomplete Pathways with DTA", 0.2, 1.25),
    ("Part_3", "New RTT Periods - All Patients", 0.23, 1.0),
)
RTT_PAIRS = 5100


def _rtt_reference(ctx: _Context) -> None:
    ref, rs = ctx.ref, ctx.seed
    # Waiting-time shapes: the share of pathways in each week band for a stretched-exponential wait with scale
    # tau = exp(0.05 * (bucket + 20)) weeks (2.7 to 148), the open 104+ band taking the tail.
    ctx.con.execute(
        """
        CREATE OR REPLACE TABLE rtt_wait_shapes AS
        WITH raw AS (
            SELECT b.bucket, w.week, exp(-pow((w.week + 0.5) / exp(0.05 * (b.bucket + 20)), 1.3))
                * CASE WHEN w.week = 104 THEN 3 ELSE 1 END AS weight
            FROM range(81) AS b(bucket) CROSS JOIN range(105) AS w(week)
        )
        SELECT bucket::INTEGER AS bucket, list(weight / total ORDER BY week) AS ws
        FROM (SELECT *, sum(weight) OVER (PARTITION BY bucket) AS total FROM raw)
        GROUP BY bucket
        """
    )
    orgs = [t for t in ref.trusts if t.kind == "acute"]
    orgs += [t for t in ref.trusts if t.kind == "mental_health_community" and _unit(rs, "rtt-mhc", t.code) < 0.2]
    orgs += ref.acute_independent[:380]
    _providers(
        ctx,
        "rtt_providers",
        orgs,
        {"acute": 55000, "specialist": 25000, "mental_health_community": 900, "independent": 1800},
    )
    specials = [("NONC", "", "", "", 0.4), ("13Q", "NATIONAL COMMISSIONING HUB 1", "", "", 0.6)]
    specials += [(code, "", "", "", 0.3) for code in REGIONS]
    _commissioners(ctx, "rtt_commissioners", specials)
    _pairs(ctx, "rtt_pairs", "rtt_providers", "rtt_commissioners", ctx.scaled(RTT_PAIRS, 20), 31)
    functions = [(i, *f) for i, f in enumerate(RTT_FUNCTIONS)]
    _register(ctx, "rtt_functions_raw", ["tf_no", "code", "name", "share", "is_offer"], functions)
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TABLE rtt_offer AS
        WITH offered AS (
            SELECT p.code AS provider, f.code AS tf, f.name AS tf_name, f.tf_no::INTEGER AS tf_no,
                f.share::DOUBLE * exp(0.5 * z({rs}, p.code, f.code, 51)) AS weight,
                CASE
                    WHEN p.kind = 'independent' THEN f.is_offer = '1' AND u({rs}, p.code, f.code, 52) < 0.35
                    WHEN p.kind = 'mental_health_community' THEN f.code IN ('X02', 'X03', 'X04', 'X06')
                        AND u({rs}, p.code, f.code, 52) < 0.6
                    WHEN p.childrens THEN f.code IN ('X04', 'C_100', 'C_110', 'C_120', 'C_160', 'C_101', 'C_130')
                    WHEN p.specialist THEN u({rs}, p.code, f.code, 52) < 0.15 OR f.code = 'X05'
                    WHEN f.code IN ('C_150', 'C_170') THEN u({rs}, p.code, f.code, 52) < 0.25
                    ELSE u({rs}, p.code, f.code, 52) < 0.97
                END AS is_offered
            FROM rtt_providers AS p CROSS JOIN rtt_functions_raw AS f
        )
        SELECT provider, tf, tf_name, tf_no, weight / sum(weight) OVER (PARTITION BY provider) AS share,
            20 * exp(0.25 * z({rs}, provider, tf, 53)) AS tau
        FROM offered WHERE is_offered
        """
    )


#: The scratch columns of the 105 week bands (``b000`` ... ``b104``).
_RTT_BAND_COLUMNS = [f"b{w:03d}" for w in range(105)]


def _rtt(ctx: _Context, month: date) -> list[GeneratedFile]:
    _tables_once(ctx, "rtt", lambda: _rtt_reference(ctx))
    fs = ctx.file_seed("nhse_rtt_full_extract", month)
    _rtt_stage(ctx, month, fs)
    query = _rtt_query(month)
    con = ctx.con
    member = f"{_month_end(month):%Y%m%d}-RTT-{month_name[month.month]}-{month.year}-full-extract-SYNTHETIC.csv"
    csv_path = ctx.scratch / member
    rows = _copy_csv(ctx.con, query, csv_path, "")
    raw = csv_path.stat().st_size
    path = ctx.out_dir / f"Full-CSV-data-file-{month_abbr[month.month]}{month.year % 100:02d}-ZIP-SYNTHETIC.zip"
    _zip_single(path, member, csv_path)
    csv_path.unlink()
    con.execute("DROP TABLE rtt_kept")
    return [ctx.record(path, "nhse_rtt_full_extract", month, rows, raw)]


def _rtt_stage(ctx: _Context, month: date, fs: int) -> None:
    """``rtt_kept``: the month's rows per (provider, commissioner) pair, part and treatment function, with
    the week bands, known and unknown clock starts, plus a ``C_999`` total per pair and part."""
    winter = _season(month, 1)
    parts = ", ".join(f"('{p}', '{d}', {v}, {t}, {i})" for i, (p, d, v, t) in enumerate(RTT_PARTS))
    band_cols = _RTT_BAND_COLUMNS
    band_exprs = ", ".join(
        f"CASE WHEN part <> 'Part_3' THEN sround(n * ws[{w + 1}], {fs}, row_id, {w}, 61) END AS {c}"
        for w, c in enumerate(band_cols)
    )
    band_sum = " + ".join(f"coalesce({c}, 0)" for c in band_cols)
    con = ctx.con
    # Staged through tables: DuckDB would otherwise inline the banded rows into every later use.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rtt_kept AS
        WITH parts(part, part_name, ratio, tau_ratio, part_no) AS (VALUES {parts}),
        cells AS (
            SELECT pr.pair_id, o.tf, o.tf_name, parts.part, parts.part_name, parts.part_no,
                (pr.pair_id * 8 + parts.part_no) * 32 + o.tf_no AS row_id,
                pv.volume * pr.share * o.share * parts.ratio * (1 + 0.03 * {winter}) AS e,
                o.tau * parts.tau_ratio * (1 + 0.04 * {winter}) AS tau_part
            FROM rtt_pairs AS pr
            JOIN rtt_providers AS pv ON pv.code = pr.provider
            JOIN rtt_offer AS o ON o.provider = pr.provider
            CROSS JOIN parts
        ),
        counted AS (
            -- a small commissioner's waiting list holds a few long waiters more often than it sees new activity
            SELECT *, sround(e * exp(0.12 * z({fs}, row_id, 0, 60))
                * CASE WHEN part IN ('Part_2', 'Part_2A') THEN 1 + 2 * exp(-e) ELSE 1 END, {fs}, row_id, 0, 62) AS n
            FROM cells WHERE e > 0.005
        ),
        banded AS (
            SELECT c.pair_id, c.part, c.part_name, c.part_no, c.tf, c.tf_name, c.row_id, c.n, {band_exprs}
            FROM counted AS c
            JOIN rtt_wait_shapes AS w ON w.bucket = least(80, greatest(0, round(ln(c.tau_part) / 0.05)::INTEGER - 20))
            WHERE c.n > 0
        ),
        detail AS (
            SELECT *,
                CASE WHEN part = 'Part_3' THEN n ELSE {band_sum} END AS known,
                CASE WHEN part IN ('Part_1A', 'Part_1B') THEN sround(n * 0.004, {fs}, row_id, 0, 63) ELSE 0 END
                    AS unknown
            FROM banded
        )
        SELECT pair_id, part, part_name, part_no, tf, tf_name, {", ".join(band_cols)}, known, unknown,
            u({fs}, row_id, 0, 64) < 0.12 AS sparse, u({fs}, row_id, 0, 65) < 0.34 AS unknown_blank
        FROM detail WHERE known + unknown > 0
        """
    )
    con.execute(
        f"""
        INSERT INTO rtt_kept
        SELECT pair_id, part, any_value(part_name), any_value(part_no), 'C_999', 'Total',
            {", ".join(f"sum({c})" for c in band_cols)}, sum(known), sum(unknown), FALSE, FALSE
        FROM rtt_kept GROUP BY pair_id, part
        """
    )


def _rtt_query(month: date) -> str:
    """The full extract's rows, in the published column order, from ``rtt_kept``."""
    blanks = ", ".join(
        f'CASE WHEN NOT (r.sparse AND r.{c} = 0) THEN r.{c} END AS "{name}"'
        for c, name in zip(_RTT_BAND_COLUMNS, RTT_BANDS, strict=True)
    )
    return f"""
        SELECT 'RTT-{month_name[month.month]}-{month.year}' AS "Period", p.icb AS "Provider Parent Org Code",
            p.icb_name AS "Provider Parent Name", p.code AS "Provider Org Code", p.name AS "Provider Org Name",
            nullif(c.parent, '') AS "Commissioner Parent Org Code",
            nullif(c.parent_name, '') AS "Commissioner Parent Name",
            c.code AS "Commissioner Org Code", nullif(c.name, '') AS "Commissioner Org Name",
            r.part AS "RTT Part Type", r.part_name AS "RTT Part Description",
            r.tf AS "Treatment Function Code", r.tf_name AS "Treatment Function Name", {blanks},
            CASE WHEN r.part IN ('Part_1A', 'Part_1B') THEN r.known END AS "Total",
            CASE WHEN r.part IN ('Part_1A', 'Part_1B') AND NOT (r.unknown_blank AND r.unknown = 0) THEN r.unknown END
                AS "Patients with unknown clock start date",
            r.known + r.unknown AS "Total All"
        FROM rtt_kept AS r
        JOIN rtt_pairs AS pr USING (pair_id)
        JOIN rtt_providers AS p ON p.code = pr.provider
        JOIN rtt_commissioners AS c ON c.code = pr.commissioner
        ORDER BY r.pair_id, r.part_no, r.tf
    """


# ----------------------------------------------------------------------------------------------------
# Community Services Statistics core data CSV: CRLF, minimal quoting, ISO dates, floats (raw_formats §6.2)

#: Organisation level -> (spread of an organisation's service mix around the national one, output order)
_CSDS_LEVELS = {
    "Provider": (1.5, 1),
    "All Submitters": (0.0, 2),
    "NHS England (Region)": (0.25, 3),
    "ICB": (0.3, 4),
    "Local Authority of Residence (Upper)": (0.4, 5),
}


def _csds_reference(ctx: _Context) -> None:
    ref, rs = ctx.ref, ctx.seed
    providers = [t for t in ref.trusts if t.kind == "mental_health_community"]
    providers += [t for t in ref.trusts if t.kind == "acute" and _unit(rs, "csds-acute", t.code) < 0.45]
    providers += ref.community_independent[: ctx.scaled(len(ref.community_independent), 2)]
    rows: list[tuple[object, ...]] = []
    total = 0.0
    for o in providers:
        referrals = 8500 * o.size * (0.5 if o.kind == "independent" else 1.0)
        total += referrals
        rows.append(("Provider", o.code, o.name_upper, referrals, o.region))
    rows.append(("All Submitters", "ALL", "ALL SUBMITTERS", total, ""))
    icb_total = sum(i.size for i in ref.icbs.values())
    region_refs: dict[str, float] = {}
    for icb in ref.icbs.values():
        share = total * 0.985 * icb.size / icb_total
        region_refs[icb.region] = region_refs.get(icb.region, 0.0) + share
        rows.append(("ICB", icb.code, icb.name_upper, share, icb.region))
    rows.append(("ICB", "Unknown", "ICB UNKNOWN", total * 0.015, ""))
    for code, (_, _, csds_name) in REGIONS.items():
        rows.append(("NHS England (Region)", code, csds_name, region_refs.get(code, 0.0), code))
    rows.append(("NHS England (Region)", "Unknown", "NHS ENGLAND (REGION) UNKNOWN", total * 0.015, ""))
    authorities = [la for la in ref.local_authorities if _unit(rs, "csds-la", la[0]) < max(ctx.scale, 0.02)]
    la_total = sum(size for code, _, size in authorities if code.startswith("E"))
    for code, name, size in authorities:
        share = total * 0.98 * size / la_total if code.startswith("E") else total * 0.0005 * size
        rows.append(("Local Authority of Residence (Upper)", code, name, share, ""))
    levels = [(level, sigma, order) for level, (sigma, order) in _CSDS_LEVELS.items()]
    _register(ctx, "csds_orgs_raw", ["org_level", "org_code", "org_name", "referrals", "region"], rows)
    _register(ctx, "csds_levels_raw", ["org_level", "sigma", "level_no"], levels)
    ctx.con.execute(
        """
        CREATE OR REPLACE TABLE csds_orgs AS
        SELECT o.org_level, o.org_code, o.org_name, o.referrals::DOUBLE AS referrals, o.region,
            l.sigma::DOUBLE AS sigma, l.level_no::INTEGER AS level_no
        FROM csds_orgs_raw AS o JOIN csds_levels_raw AS l USING (org_level)
        """
    )
    path = CATALOGUE_DIR / "csds_measures.csv"
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TABLE csds_catalogue AS
        SELECT row_number() OVER (ORDER BY dimension, count_of, measure, measure_2) AS k, *
        FROM read_csv('{path}', header = true, all_varchar = true)
        WHERE dimension LIKE 'Total%'
            OR u({rs}, dimension, coalesce(measure, '') || '|' || coalesce(measure_2, ''), 71) < {ctx.scale}
        """
    )


def _csds(ctx: _Context, month: date) -> list[GeneratedFile]:
    _tables_once(ctx, "csds", lambda: _csds_reference(ctx))
    fs, rs = ctx.file_seed("csds_core", month), ctx.seed
    trend = 1 + 0.04 * _season(month, 10)
    start, end = month.isoformat(), _month_end(month).isoformat()
    query = f"""
        WITH drawn AS (
            SELECT o.level_no, o.org_level, o.org_code, o.org_name, o.referrals, c.*,
                c.per_referral::DOUBLE * exp(s.mix * z({rs}, o.org_code, c.k, 72) + 0.05 * z({fs}, o.org_code, c.k, 73))
                    AS weight
            FROM csds_orgs AS o CROSS JOIN csds_catalogue AS c
            -- totals follow the organisation's size; its service mix varies around the national one
            CROSS JOIN LATERAL (SELECT CASE WHEN c.dimension LIKE 'Total%' THEN 0 ELSE o.sigma END AS mix) AS s
            WHERE c.dimension <> 'TotalOrganisation'
        ),
        expected AS (
            -- each dimension adds up to the organisation's total for what it counts (every referral has one reason)
            SELECT *, referrals * {trend} * exp(0.03 * z({fs}, org_code, dimension, 77))
                * sum(per_referral::DOUBLE) OVER grp * weight / sum(weight) OVER grp AS e
            FROM drawn
            WINDOW grp AS (PARTITION BY org_level, org_code, dimension, count_of)
        ),
        measured AS (
            SELECT *, round5(e) AS v FROM expected WHERE round5(e) >= 5
        ),
        organisations AS (
            SELECT o.level_no, o.org_level, o.org_code, o.org_name, c.*,
                CASE o.org_level
                    WHEN 'Provider' THEN 5
                    WHEN 'All Submitters' THEN (SELECT round5(count(*)) FROM csds_orgs WHERE org_level = 'Provider')
                    ELSE greatest(5, round5((SELECT count(*) FROM csds_orgs AS p
                        WHERE p.org_level = 'Provider' AND p.region = o.org_code)))
                END AS v
            FROM csds_orgs AS o CROSS JOIN csds_catalogue AS c
            WHERE c.dimension = 'TotalOrganisation'
                AND o.org_level IN ('Provider', 'All Submitters', 'NHS England (Region)')
        )
        SELECT '{start}' AS REPORTING_PERIOD_START, '{end}' AS REPORTING_PERIOD_END, org_code AS ORG_CODE,
            org_name AS ORG_NAME, org_level AS ORG_LEVEL, dimension AS DIMENSION, count_of AS COUNT_OF,
            measure AS MEASURE, measure_desc AS MEASURE_DESC, measure_2 AS MEASURE_2,
            measure_2_desc AS MEASURE_2_DESC, v::DOUBLE AS MEASURE_VALUE,
            round5(e * share_0_18::DOUBLE * exp(0.1 * z({fs}, org_code, k, 74)))::DOUBLE AS MEASURE_VALUE_0_18,
            round5(e * share_19_64::DOUBLE * exp(0.1 * z({fs}, org_code, k, 75)))::DOUBLE AS MEASURE_VALUE_19_64,
            round5(e * share_65_plus::DOUBLE * exp(0.1 * z({fs}, org_code, k, 76)))::DOUBLE AS MEASURE_VALUE_65_PLUS,
            level_no, k
        FROM measured
        UNION ALL
        SELECT '{start}', '{end}', org_code, org_name, org_level, dimension, count_of, measure, measure_desc,
            measure_2, measure_2_desc, v::DOUBLE, NULL, NULL, NULL, level_no, k
        FROM organisations
    """
    ordered = f"""
        SELECT * EXCLUDE (level_no, k) FROM ({query})
        ORDER BY level_no, ORG_CODE, k
    """
    path = ctx.out_dir / f"csds-{month_abbr[month.month].lower()}{month.year % 100:02d}-exp-core-data-SYNTHETIC.csv"
    rows = _copy_csv(ctx.con, ordered, path, ", NEW_LINE '\\r\\n'")
    return [ctx.record(path, "csds_core", month, rows)]


# ----------------------------------------------------------------------------------------------------
# MHSDS Monthly Statistics CSVs: main, out-of-area placements (acute, non-acute), 4-week waits (raw_formats §6.1)

#: Measures the warehouse reads (int_metric_values__mhsds): always generated, consistent with each other.
MHSDS_KEY_MEASURES = (
    "CCR71",
    "CCR73",
    "CCR120",
    "CCR120c",
    "MHS100",
    "MHS100b",
    "MHS102",
    "MHS102b",
    "MHS140",
    "MHS141",
    "MHS95",
    "MHS95h",
)
#: Measures every file carries at any scale, so that no file is empty (by provider / sending provider only).
_MHSDS_ANCHOR_MEASURES = ("OAP01a", "OAP02a", "OAP01", "OAP02", "MRS01", "MRS02", "MRS08", "MRS09")
#: file kind -> file name part before ``<Mon>Perf``
_MHSDS_FILES = (("main", ""), ("oaps_acute", "OAPs_acute_"), ("oaps_non_acute", "OAPs_non_acute_"), ("4ww", "4WW_"))


def _mhsds_reference(ctx: _Context) -> None:
    ref, rs, con = ctx.ref, ctx.seed, ctx.con
    rows: list[tuple[object, ...]] = []
    for t in ref.trusts:
        mental_health = t.org_type == "Mental Health"
        if t.kind == "mental_health_community" and (mental_health or _unit(rs, "mhsds-community", t.code) < 0.3):
            rows.append((t.code, t.name_upper, t.icb, t.size, 1, 1, int(mental_health), 1))
    for o in ref.mh_independent[: ctx.scaled(len(ref.mh_independent), 3)]:
        rows.append((o.code, o.name_upper, o.icb, 0.08 * o.size, 0, 1, 0, 1))
    _register(ctx, "mh_providers_raw", ["code", "name", "icb", "size", "nhs", "in_main", "in_oaps", "in_4ww"], rows)
    con.execute(
        """
        CREATE OR REPLACE TABLE mh_providers AS
        SELECT code, name, icb, size::DOUBLE AS size, nhs = '1' AS nhs, in_main = '1' AS in_main,
            in_oaps = '1' AS in_oaps, in_4ww = '1' AS in_4ww
        FROM mh_providers_raw
        """
    )
    keys = ", ".join(f"'{m}'" for m in (*MHSDS_KEY_MEASURES, *_MHSDS_ANCHOR_MEASURES))
    con.execute(
        f"""
        CREATE OR REPLACE TABLE mh_measures AS
        SELECT row_number() OVER (ORDER BY file_kind, measure_id, breakdown, period) AS m_no,
            file_kind, measure_id, measure_name, period, breakdown, kind,
            typical::DOUBLE AS typical
        FROM read_csv('{CATALOGUE_DIR / "mhsds_measures.csv"}', header = true, all_varchar = true)
        WHERE (measure_id IN ({keys}) AND breakdown IN ('Provider', 'Sending Provider'))
            OR u({rs}, measure_id, breakdown, 81) < {ctx.scale}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE mh_levels AS
        WITH weighted AS (
            SELECT breakdown, secondary_level AS level, secondary_level_description AS level_desc,
                row_number() OVER (PARTITION BY breakdown ORDER BY secondary_level, secondary_level_description)
                    AS lvl_no,
                pow(u({rs}, breakdown, secondary_level, 87), 2) + 0.02 AS w
            FROM read_csv('{CATALOGUE_DIR / "mhsds_levels.csv"}', header = true, all_varchar = true)
        )
        SELECT *, w / sum(w) OVER (PARTITION BY breakdown) AS share FROM weighted
        """
    )
    subs = [(code, icb, name, pop) for code, icb, name, pop in ref.sub_icbs]
    _register(ctx, "mh_sub_icbs_raw", ["code", "icb", "name", "pop"], subs)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE mh_sub_icbs AS
        WITH chosen AS (
            SELECT p.code AS provider, s.code AS sub_code, s.name AS sub_name,
                s.pop::DOUBLE * CASE WHEN s.icb = p.icb THEN 1 ELSE 0.05 END AS w
            FROM mh_providers AS p CROSS JOIN mh_sub_icbs_raw AS s
            WHERE s.icb = p.icb OR u({rs}, p.code, s.code, 88) < 0.02
        )
        SELECT *, w / sum(w) OVER (PARTITION BY provider) AS share FROM chosen
        """
    )
    receivers = [(o.code, o.name_upper) for o in ref.mh_independent[:40]]
    receivers += [(t.code, t.name_upper) for t in ref.trusts if t.org_type == "Mental Health"]
    _register(ctx, "mh_receivers_raw", ["code", "name"], receivers)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE mh_receiving AS
        WITH ranked AS (
            SELECT p.code AS sender, r.code AS receiver, r.name AS receiver_name,
                row_number() OVER (PARTITION BY p.code ORDER BY u({rs}, p.code, r.code, 89), r.code) AS rank
            FROM mh_providers AS p CROSS JOIN mh_receivers_raw AS r
            WHERE p.in_oaps AND r.code <> p.code
        )
        SELECT sender, receiver, receiver_name, (7 - rank) / 21.0 AS share FROM ranked WHERE rank <= 6
        """
    )


def _mhsds_query(ctx: _Context, month: date, kind: str, fs: int) -> str:
    rs, mi = ctx.seed, _month_index(month)
    end = _month_end(month).strftime("%d/%m/%Y")
    starts = {p: add_months(month, -k).strftime("%d/%m/%Y") for p, k in (("month", 0), ("quarter", 2), ("year", 11))}
    in_file = {"main": "in_main", "oaps_acute": "in_oaps", "oaps_non_acute": "in_oaps", "4ww": "in_4ww"}[kind]
    key_rows = _mhsds_key_rows(rs, fs, mi) if kind == "main" else ""
    return _mhsds_provider_sql(kind, in_file, rs, fs, key_rows) + _mhsds_output_sql(
        fs, kind in ("main", "4ww"), starts, end
    )


def _mhsds_key_rows(rs: int, fs: int, mi: int) -> str:
    """The main file's key measures (CCR, MHS95/100/102/140/141), drawn together so their ratios hold: extra CTEs
    ``key_base``, ``key_counts``, ``key_values``, each preceded by a comma."""
    return f"""
    , key_base AS (
        SELECT code,
            sround(110 * size * exp(0.2 * z({rs}, code, 'ccr', 91) + 0.1 * z({fs}, code, 71, 92)),
                {fs}, code, 71, 93) AS ccr71,
            least(0.98, 0.85 * exp(0.08 * z({rs}, code, 'f73', 94))) AS f73,
            least(0.97, 0.7 * exp(0.12 * z({rs}, code, 'f120', 95) + 0.04 * z({fs}, code, 120, 96))) AS f120,
            sround(60 * size * exp(0.2 * z({rs}, code, 'mhs140', 97) + 0.1 * z({fs}, code, 140, 98)),
                {fs}, code, 140, 99) AS mhs140,
            least(0.6, 0.22 * exp(0.3 * z({rs}, code, 'r100', 100))) AS r100,
            sround(25 * size * exp(0.2 * z({rs}, code, 'mhs141', 101) + 0.1 * z({fs}, code, 141, 102)),
                {fs}, code, 141, 103) AS mhs141,
            least(0.8, 0.35 * exp(0.3 * z({rs}, code, 'r102', 104))) AS r102,
            5200 * size * exp(0.3 * z({rs}, code, 'mhs95', 105)) AS n95_base,
            0.05 + 0.04 * z({rs}, code, 'g95', 106) AS g95
        FROM p WHERE nhs
    ),
    key_counts AS (
        SELECT code, ccr71, sround(ccr71 * f73, {fs}, code, 73, 107) AS ccr73, f120, mhs140,
            sround(mhs140 * r100, {fs}, code, 100, 108) AS mhs100, mhs141,
            sround(mhs141 * r102, {fs}, code, 102, 109) AS mhs102,
            round(n95_base * exp(g95 * ({mi} - 24300) / 12 + 0.02 * z({rs}, code, {mi}, 110))) AS n95,
            round(n95_base * exp(g95 * ({mi} - 12 - 24300) / 12 + 0.02 * z({rs}, code, {mi - 12}, 110)))
                AS n95_prior
        FROM key_base
    ),
    key_values AS (
        SELECT code, measure_id, raw, support FROM (
            SELECT code, sround(ccr73 * f120, {fs}, code, 120, 111) AS ccr120, * EXCLUDE (code) FROM key_counts
        ) CROSS JOIN LATERAL (VALUES
            ('CCR71', ccr71, ccr71), ('CCR73', ccr73, ccr73), ('CCR120', ccr120, ccr120),
            ('CCR120c', 100.0 * ccr120 / nullif(ccr73, 0), ccr73),
            ('MHS140', mhs140, mhs140), ('MHS100', mhs100, mhs100),
            ('MHS100b', 100.0 * mhs100 / nullif(mhs140, 0), mhs140),
            ('MHS141', mhs141, mhs141), ('MHS102', mhs102, mhs102),
            ('MHS102b', 100.0 * mhs102 / nullif(mhs141, 0), mhs141),
            ('MHS95', n95, n95), ('MHS95h', 100.0 * (n95 / nullif(n95_prior, 0) - 1), n95_prior)
        ) AS v(measure_id, raw, support)
    )"""


def _mhsds_provider_sql(kind: str, in_file: str, rs: int, fs: int, key_rows: str) -> str:
    """The query's first CTEs: measures and providers of the file, their base values, provider rows (key measures
    from ``key_rows`` where given) and the breakdown rows, ending with a comma."""
    return f"""
        WITH m AS (SELECT * FROM mh_measures WHERE file_kind = '{kind}'),
        p AS (SELECT * FROM mh_providers WHERE {in_file}),
        pm AS (
            SELECT p.code, p.name, p.icb, p.nhs, m.*, p.size * 40 AS support,
                CASE m.kind
                    WHEN 'count' THEN m.typical * p.size
                        * exp(0.5 * z({rs}, p.code, m.measure_id, 82) + 0.08 * z({fs}, p.code, m.m_no, 83))
                    WHEN 'proportion' THEN least(100, m.typical
                        * exp(0.2 * z({rs}, p.code, m.measure_id, 82) + 0.05 * z({fs}, p.code, m.m_no, 83)))
                    WHEN 'change' THEN 4 + 6 * z({fs}, p.code, m.m_no, 83)
                    ELSE m.typical * exp(0.25 * z({rs}, p.code, m.measure_id, 82) + 0.05 * z({fs}, p.code, m.m_no, 83))
                END AS base
            FROM p JOIN m ON p.nhs OR m.file_kind <> 'main' OR u({rs}, p.code, m.measure_id, 84) < 0.3
        ){key_rows},
        provider_rows AS (
            SELECT pm.breakdown, pm.code AS primary_level, pm.name AS primary_desc, 'NONE' AS secondary_level,
                'NONE' AS secondary_desc, pm.m_no, pm.measure_id, pm.measure_name, pm.period, pm.kind, pm.icb,
                {"coalesce(k.raw, pm.base)" if key_rows else "pm.base"} AS raw,
                {"coalesce(k.support, pm.support)" if key_rows else "pm.support"} AS support
            FROM pm
            {"LEFT JOIN key_values AS k ON k.code = pm.code AND k.measure_id = pm.measure_id" if key_rows else ""}
            WHERE pm.breakdown IN ('Provider', 'Sending Provider', 'Provider of Responsibility')
        ),
        detail_rows AS (
            SELECT pm.breakdown, pm.code, pm.name, l.level, l.level_desc, pm.m_no, pm.measure_id, pm.measure_name,
                pm.period, pm.kind, pm.icb,
                CASE WHEN pm.kind = 'count' THEN pm.base * l.share
                    ELSE pm.base * exp(0.15 * z({fs}, pm.code, pm.m_no * 1000 + l.lvl_no, 85)) END,
                pm.support * l.share
            FROM pm JOIN mh_levels AS l ON l.breakdown = pm.breakdown
            UNION ALL
            SELECT pm.breakdown, s.sub_code, s.sub_name, pm.code, pm.name, pm.m_no, pm.measure_id, pm.measure_name,
                pm.period, pm.kind, pm.icb, CASE WHEN pm.kind = 'count' THEN pm.base * s.share ELSE pm.base END,
                pm.support * s.share
            FROM pm JOIN mh_sub_icbs AS s ON s.provider = pm.code
            WHERE pm.breakdown LIKE 'Sub ICB%'
            UNION ALL
            SELECT pm.breakdown, pm.code, pm.name, r.receiver, r.receiver_name, pm.m_no, pm.measure_id,
                pm.measure_name, pm.period, pm.kind, pm.icb,
                CASE WHEN pm.kind = 'count' THEN pm.base * r.share ELSE pm.base END, pm.support * r.share
            FROM pm JOIN mh_receiving AS r ON r.sender = pm.code
            WHERE pm.breakdown LIKE '%Receiving Provider'
        ),
"""


def _mhsds_output_sql(fs: int, icb_rows: bool, starts: dict[str, str], end: str) -> str:
    """The query's last CTEs (ICB and national rows, suppression and rounding) and its select, in the file's order."""
    return f"""
        sub_national AS (
            SELECT * FROM provider_rows
            UNION ALL SELECT * FROM detail_rows
            {
        ""
        if not icb_rows
        else f'''UNION ALL
            SELECT 'ICB of GP Practice or Residence', r.icb, any_value(i.name_upper), 'NONE', 'NONE', r.m_no,
                any_value(r.measure_id), any_value(r.measure_name), any_value(r.period), any_value(r.kind), r.icb,
                CASE WHEN any_value(r.kind) = 'count' THEN sum(r.raw) * exp(0.05 * z({fs}, r.icb, r.m_no, 112))
                    ELSE sum(r.raw * r.support) / nullif(sum(r.support), 0) END,
                sum(r.support)
            FROM provider_rows AS r JOIN icbs AS i ON i.code = r.icb
            WHERE r.breakdown = 'Provider'
            GROUP BY r.icb, r.m_no'''
    }
        ),
        national AS (
            SELECT 'England' AS breakdown, 'England' AS primary_level, 'England' AS primary_desc,
                'NONE' AS secondary_level, 'NONE' AS secondary_desc, m_no, any_value(measure_id) AS measure_id,
                any_value(measure_name) AS measure_name, any_value(period) AS period,
                CASE WHEN any_value(kind) = 'count' THEN sum(raw)::BIGINT::VARCHAR
                    ELSE round(sum(raw * support) / nullif(sum(support), 0), 6)::VARCHAR END AS value
            FROM provider_rows GROUP BY m_no
        ),
        formatted AS (
            SELECT breakdown, primary_level, primary_desc, secondary_level, secondary_desc, m_no, measure_id,
                measure_name, period,
                CASE
                    WHEN kind = 'count' THEN CASE WHEN sround(raw, {
        fs
    }, primary_level || secondary_level, m_no, 113) < 5
                        THEN '*' ELSE round5(sround(raw, {
        fs
    }, primary_level || secondary_level, m_no, 113))::BIGINT::VARCHAR END
                    WHEN support < 5 OR raw IS NULL THEN '*'
                    ELSE round(raw)::BIGINT::VARCHAR
                END AS value
            FROM sub_national
            UNION ALL SELECT * FROM national WHERE value IS NOT NULL
        )
        SELECT CASE period WHEN 'month' THEN '{starts["month"]}' WHEN 'quarter' THEN '{starts["quarter"]}'
                ELSE '{starts["year"]}' END AS REPORTING_PERIOD_START,
            '{end}' AS REPORTING_PERIOD_END, 'Performance' AS STATUS, breakdown AS BREAKDOWN,
            primary_level AS PRIMARY_LEVEL, primary_desc AS PRIMARY_LEVEL_DESCRIPTION,
            secondary_level AS SECONDARY_LEVEL, secondary_desc AS SECONDARY_LEVEL_DESCRIPTION,
            measure_id AS MEASURE_ID, measure_name AS MEASURE_NAME, value AS MEASURE_VALUE
        FROM formatted
        ORDER BY CASE breakdown WHEN 'England' THEN 0 WHEN 'ICB of GP Practice or Residence' THEN 1 ELSE 2 END,
            breakdown, primary_level, m_no, secondary_level, secondary_desc
    """


def _mhsds(ctx: _Context, month: date) -> list[GeneratedFile]:
    _tables_once(ctx, "mhsds", lambda: _mhsds_reference(ctx))
    _tables_once(ctx, "icbs", lambda: _icb_table(ctx))
    out = []
    for kind, prefix in _MHSDS_FILES:
        fs = _seed_int(ctx.file_seed("mhsds_monthly", month), kind)
        path = ctx.out_dir / f"MHSDS Data_{prefix}{month_abbr[month.month]}Perf_{month.year}_SYNTHETIC.csv"
        rows = _copy_csv(ctx.con, _mhsds_query(ctx, month, kind, fs), path, "")
        out.append(ctx.record(path, "mhsds_monthly", month, rows))
    return out


def _icb_table(ctx: _Context) -> None:
    _register(
        ctx, "icbs", ["code", "name_upper", "region"], [(i.code, i.name_upper, i.region) for i in ctx.ref.icbs.values()]
    )


# ----------------------------------------------------------------------------------------------------
# Community health services waiting lists (CHS SitRep) workbook: Tables 4, 4g and 4h (raw_formats §6.3)

_CHS_TABLES = (
    ("Table 4", "Total waiting list by service"),
    ("Table 4g", "Number waiting >52-104 weeks (365-728 days) by service"),
    ("Table 4h", "Number waiting >104 weeks (729+ days) by service"),
)


def _chs_values(
    providers: Sequence[Org], services: Sequence[tuple[str, float, float, float, float, bool]], rs: int, fs: int
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """``values[org][service] = (total, 52-104 weeks, over 104 weeks)`` for the services each provider runs."""
    values: dict[str, dict[str, tuple[int, int, int]]] = {}
    for p in providers:
        cells: dict[str, tuple[int, int, int]] = {}
        for name, share, mean, r52, r104, national_only in services:
            if national_only or _unit(rs, "chs", p.code, name) >= share:
                continue
            total = round(
                mean
                * p.size
                * math.exp(0.6 * _normal(rs, "chs", p.code, name) - 0.18)
                * math.exp(0.05 * _normal(fs, p.code, name))
            )
            w52 = min(total, round(total * r52 * math.exp(0.6 * _normal(rs, "chs52", p.code, name) - 0.18)))
            w104 = min(total - w52, round(total * r104 * math.exp(0.6 * _normal(rs, "chs104", p.code, name) - 0.18)))
            cells[name] = (total, w52, w104)
        values[p.code] = cells
    return values


def _chs(ctx: _Context, month: date) -> list[GeneratedFile]:
    fs, rs, ref = ctx.file_seed("chs_waiting_list_total", month), ctx.seed, ctx.ref
    services = [
        (name, float(share), float(mean), float(r52), float(r104), flag == "1")
        for name, share, mean, r52, r104, flag in _read_csv(CATALOGUE_DIR / "chs_services.csv")
    ]
    providers = [t for t in ref.trusts if t.kind == "mental_health_community"]
    providers += [t for t in ref.trusts if t.kind == "acute" and _unit(rs, "csds-acute", t.code) < 0.45]
    providers += ref.community_independent[: max(2, round(20 * min(1.0, ctx.scale)))]
    values = _chs_values(providers, services, rs, fs)

    def aggregate(members: Sequence[Org]) -> dict[str, tuple[int, int, int]]:
        out: dict[str, tuple[int, int, int]] = {}
        for name, *_ in services:
            present = [values[m.code][name] for m in members if name in values[m.code]]
            if present:
                out[name] = (sum(v[0] for v in present), sum(v[1] for v in present), sum(v[2] for v in present))
        return out

    orgs: list[tuple[str, str | None, str, dict[str, tuple[int, int, int]]]] = []
    national = aggregate(providers)
    for name, _share, mean, _r52, _r104, national_only in services:
        if national_only:
            national[name] = (round(mean * math.exp(0.1 * _normal(fs, "national", name))), -1, -1)
    orgs.append(("National", None, "England", national))
    for code, (short, _, _) in sorted(REGIONS.items(), key=lambda r: r[1][0]):
        orgs.append(("Region", code, short.upper(), aggregate([p for p in providers if p.region == code])))
    for icb in sorted(ref.icbs.values(), key=lambda i: i.short.upper()):
        orgs.append(("ICB", icb.code, icb.short.upper(), aggregate([p for p in providers if p.icb == icb.code])))
    for p in sorted(providers, key=lambda p: p.name_upper):
        orgs.append(("Provider", p.code, p.name_upper, values[p.code]))

    label = f"{month_name[month.month]} {month.year}"
    fiscal = month.year if month.month >= 4 else month.year - 1
    header = ["Organisation Type", "Organisation Code", "Organisation Name", *(s[0] for s in services)]
    sheets = [
        _Sheet(
            "Cover page",
            [
                ["Title:", "Community Health Services Waiting Times"],
                ["Summary:", "SYNTHETIC DATA generated by oversight_dev.synthetic; not real statistics."],
                ["Period:", f"01 April {fiscal} - 31 March {fiscal + 1}"],
                ["Source:", "Community Health Services (CHS) SitRep"],
                ["Basis:", "Provider"],
                ["Status:", "Synthetic"],
            ],
        )
    ]
    for index, (sheet, title) in enumerate(_CHS_TABLES):
        rows: list[list[object]] = [
            [f"{title}, {label}"],
            ["Blanks indicate no organisation submitted for the service line."],
            ["Data is submitted at provider level and aggregated up to national, regional and ICB level."],
            ["* Safeguarding and looked after children teams are only published at national level (total list)."],
            list(header),
        ]
        for org_type, org_code, name, cells in orgs:
            row: list[object] = [org_type, org_code, name]
            for service, *_ in services:
                value = cells.get(service)
                row.append(None if value is None or value[index] < 0 else value[index])
            rows.append(row)
        sheets.append(_Sheet(sheet, rows))
    year_label = f"{fiscal}-{(fiscal + 1) % 100:02d}"
    path = (
        ctx.out_dir / f"Community-health-services-waiting-lists-{year_label}-{month_name[month.month]}-SYNTHETIC.xlsx"
    )
    _write_xlsx(path, sheets)
    return [ctx.record(path, "chs_waiting_list_total", month, len(orgs))]


# ----------------------------------------------------------------------------------------------------
# Entry point

#: Registry collection name -> generator of one month's files.
COLLECTIONS: dict[str, Callable[[_Context, date], list[GeneratedFile]]] = {}
#: Short names accepted by ``collections=`` and the CLI.
ALIASES = {
    "rtt": "nhse_rtt_full_extract",
    "dm01": "nhse_dm01_full_extract",
    "csds": "csds_core",
    "mhsds": "mhsds_monthly",
    "ae": "nhse_ae_monthly",
    "cwt": "nhse_cwt_provider",
    "ambsys": "nhse_ambsys",
    "sickness": "nhs_sickness_absence",
    "chs": "chs_waiting_list_total",
}


def _resolve(collections: Sequence[str] | None) -> list[str]:
    if not collections:
        return list(COLLECTIONS)
    names = []
    for name in collections:
        full = ALIASES.get(name.strip(), name.strip())
        if full not in COLLECTIONS:
            known = ", ".join(f"{alias} ({full_name})" for alias, full_name in ALIASES.items())
            raise ValueError(f"unknown collection {name!r}; known: {known}")
        if full not in names:
            names.append(full)
    return names


def generate(
    out_dir: Path,
    *,
    months: int,
    end_month: date,
    scale: float = 1.0,
    seed: int = 0,
    collections: Sequence[str] | None = None,
    progress: Callable[[GeneratedFile], None] | None = None,
) -> list[GeneratedFile]:
    """Write synthetic raw returns for ``months`` months ending at ``end_month`` into ``out_dir``.

    Also writes ``SYNTHETIC_README.md`` and copies the real reference files ``etr.csv`` and ``System-Mapping.csv``
    into ``out_dir/reference/`` so that the folder is a complete data directory for :func:`oversight.landing.land`.
    Returns every file written (data files first, month by month, then the two reference copies).
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if scale <= 0:
        raise ValueError("scale must be positive")
    names = _resolve(collections)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = paths.repo_root()
    written: list[GeneratedFile] = []
    with tempfile.TemporaryDirectory(prefix="oversight-synthetic-") as tmp:
        scratch = Path(tmp)
        con = _connect(scratch)
        try:
            ctx = _Context(out_dir, load_reference(seed, root), scale, seed, con, scratch)
            for month in month_range(end_month, months):
                for name in names:
                    for item in COLLECTIONS[name](ctx, month):
                        written.append(item)
                        if progress is not None:
                            progress(item)
        finally:
            con.close()
    reference = out_dir / "reference"
    reference.mkdir(exist_ok=True)
    for source, collection in (("etr.csv", "ods_etr"), ("System-Mapping.csv", "nhse_ae_system_mapping")):
        target = reference / source
        shutil.copyfile(root / "data" / "reference" / source, target)
        with target.open("rb") as handle:
            rows = max(0, sum(1 for _ in handle) - (0 if source == "etr.csv" else 1))
        item = GeneratedFile(target, collection, None, rows, target.stat().st_size, target.stat().st_size)
        written.append(item)
        if progress is not None:
            progress(item)
    _write_readme(out_dir, months=months, end_month=end_month, scale=scale, seed=seed, names=names)
    return written


def _write_readme(
    out_dir: Path, *, months: int, end_month: date, scale: float, seed: int, names: Sequence[str]
) -> None:
    first = month_range(end_month, months)[0]
    text = f"""# SYNTHETIC DATA - NOT REAL NHS STATISTICS

Every data file in this folder is **synthetic**: generated by `oversight_dev.synthetic`
(`scripts/generate_synthetic.py`) in the exact layouts of the NHS England / NHS England Digital publications
(raw_formats.md), with invented values. Do not read any figure here as a statement about a real organisation.
Every generated file name contains `SYNTHETIC`; invented non-NHS providers are named `SYNTHETIC ...`.

- seed: {seed}
- scale: {scale:g}
- months: {months} ({first:%Y-%m} to {end_month:%Y-%m})
- collections: {", ".join(names)}

Organisation codes and names (trusts, ICBs, sub-ICB locations, local authorities, A&E sites) are real reference
data, as are `reference/etr.csv` (ODS) and `reference/System-Mapping.csv`, copied unchanged from the repository's
`data/reference/`. A file depends only on (collection, month, scale, seed): regenerating with more months rewrites
the existing files byte for byte and adds the new ones.

Regenerate with:

    python scripts/generate_synthetic.py --out <dir> --months {months} --end-month {end_month:%Y-%m} \\
        --scale {scale:g} --seed {seed}
"""
    (out_dir / "SYNTHETIC_README.md").write_text(text, encoding="utf-8")


COLLECTIONS.update(
    {
        "nhse_rtt_full_extract": _rtt,
        "nhse_dm01_full_extract": _dm01,
        "nhse_ae_monthly": _ae,
        "nhse_cwt_provider": _cwt,
        "nhse_ambsys": _ambsys,
        "nhs_sickness_absence": _sickness,
        "csds_core": _csds,
        "mhsds_monthly": _mhsds,
        "chs_waiting_list_total": _chs,
    }
)
