"""Acute-sector statistical returns (raw_formats.md §1-§5), declared as data for :mod:`oversight.landing`.

A&E monthly provider CSV (§1.1) and the by-provider XLSX's ``Provider Level Data`` sheet (§1.2); the
Cancer Waiting Times provider extract (XLSX, §3) and the monthly provider workbook (two of its sheets);
AmbSYS as CSV (§4.1) and the time-series XLSX ``Raw`` sheet
(§4.2); DM01 diagnostics: the provider web file (XLS, §5.1) and the full extract (ZIP of CSV, §5.2); RTT full
CSV extract (ZIP of CSV, §2.1; layout from the reference, no real file yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from oversight.collection_model import (
    Collection,
    Field,
    FileContext,
    Layout,
    NonNegative,
    PeriodOf,
    Plausibility,
    PrefixAndField,
    PrefixAndFileNameDate,
    Within,
    month_in_text_sql,
    not_above,
    number_field,
    snake,
    text_field,
)
from oversight.containers import Sheet, ZipMember

__all__ = [
    "ACUTE_COLLECTIONS",
    "NHSE_AE_ACUTE_TRUST_FOOTPRINT",
    "NHSE_AE_ACUTE_TRUST_MAPPING",
    "NHSE_AE_MONTHLY",
    "NHSE_AE_PROVIDER_XLSX",
    "NHSE_AMBSYS",
    "NHSE_AMBSYS_TIME_SERIES",
    "NHSE_CWT_PROVIDER",
    "NHSE_CWT_WORKBOOK_62_DAY",
    "NHSE_CWT_WORKBOOK_FDS",
    "NHSE_DM01_FULL_EXTRACT",
    "NHSE_DM01_PROVIDER",
    "NHSE_RTT_FULL_EXTRACT",
    "MonthInFileName",
    "PrefixAndSingleValue",
    "PrefixAndSql",
]


@dataclass(frozen=True)
class PrefixAndSingleValue:
    """``<prefix>|<the file's single value of field>`` over rows whose value does not fully match
    ``exclude`` (RE2, e.g. a footer total row). None or several values is an error naming the lines."""

    prefix: str
    field: str
    exclude: str = ""

    def resolve(self, ctx: FileContext) -> str:
        where = f'WHERE NOT regexp_full_match("{self.field}", ?)' if self.exclude else ""
        params = [self.exclude] if self.exclude else []
        rows = ctx.fetchall(f'SELECT "{self.field}", min(_line) FROM {ctx.table} {where} GROUP BY 1 ORDER BY 2', params)
        if len(rows) != 1 or rows[0][0] is None:
            found = ", ".join(f"'{value}' (line {line})" for value, line in rows) or "none"
            ctx.fail(
                rows[1][1] if len(rows) > 1 else 1,
                [self.field],
                f"a file must cover one {ctx.label(self.field)}; found {found}",
            )
        return f"{self.prefix}|{rows[0][0]}"


@dataclass(frozen=True)
class PrefixAndSql:
    """``<prefix>|<a scalar SQL expression over the file's typed rows>``, e.g. the latest month it covers."""

    prefix: str
    expression: str
    description: str

    def resolve(self, ctx: FileContext) -> str:
        value = ctx.fetchall(f"SELECT {self.expression} FROM {ctx.table}")[0][0]
        if value is None:
            ctx.fail(1, (), f"cannot tell the {self.description} the file covers")
        return f"{self.prefix}|{value}"


@dataclass(frozen=True)
class MonthInFileName:
    """``field`` = the first day of the month a file name starts with, e.g. ``April-2025-AE-by-provider-….xls``
    -> 2025-04-01 (for a sheet that carries no period of its own)."""

    field: str

    def resolve(self, ctx: FileContext) -> date:
        match = re.match(r"([A-Za-z]+)-(\d{4})-", ctx.file_name)
        try:
            if match is not None:
                return datetime.strptime(f"1 {match.group(1)} {match.group(2)}", "%d %B %Y").date()
        except ValueError:
            pass
        ctx.fail(None, (), "the file name must start with '<Month>-<YYYY>-' (e.g. 'April-2025-AE-by-provider')")


# ----------------------------------------------------------------------------------------------------
# A&E monthly provider CSV (raw_formats §1.1)

_AE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Period", "period"),
    ("Org Code", "org_code"),
    ("Parent Org", "parent_org"),
    ("Org name", "org_name"),
    ("A&E attendances Type 1", "att_type1"),
    ("A&E attendances Type 2", "att_type2"),
    ("A&E attendances Other A&E Department", "att_other"),
    ("A&E attendances Booked Appointments Type 1", "att_booked_type1"),
    ("A&E attendances Booked Appointments Type 2", "att_booked_type2"),
    ("A&E attendances Booked Appointments Other Department", "att_booked_other"),
    ("Attendances over 4hrs Type 1", "over4_type1"),
    ("Attendances over 4hrs Type 2", "over4_type2"),
    ("Attendances over 4hrs Other Department", "over4_other"),
    ("Attendances over 4hrs Booked Appointments Type 1", "over4_booked_type1"),
    ("Attendances over 4hrs Booked Appointments Type 2", "over4_booked_type2"),
    ("Attendances over 4hrs Booked Appointments Other Department", "over4_booked_other"),
    ("Patients who have waited 4-12 hs from DTA to admission", "dta_4_to_12_hours"),
    ("Patients who have waited 12+ hrs from DTA to admission", "dta_over_12_hours"),
    ("Emergency admissions via A&E - Type 1", "emergency_admissions_type1"),
    ("Emergency admissions via A&E - Type 2", "emergency_admissions_type2"),
    ("Emergency admissions via A&E - Other A&E department", "emergency_admissions_other"),
    ("Other emergency admissions", "other_emergency_admissions"),
)
#: The footer total row in any of its published spellings (trimmed; ``TOTAL``, ``Total``).
AE_TOTAL_PATTERN = r"(?i)total"

NHSE_AE_MONTHLY = Collection(
    name="nhse_ae_monthly",
    cadence="monthly",
    description="A&E attendances and emergency admissions, monthly provider CSV (raw_formats §1.1)",
    # Monthly-AE-March-2025.csv, Monthly-AE-Nov-25-CSV-revised.csv, July-2025-CSV-9jfy4.csv, May-2026-CSV-F4flrg.csv
    file_pattern=r"(monthly-ae-[a-z]+-\d{2,4}.*|[a-z]+-\d{4}-csv.*)\.csv",
    # September 2024 carries six empty trailing columns, header cell 'a' (raw_formats 1.1): tolerated if empty.
    layouts=(Layout("msitae_22", tuple(c for c, _ in _AE_COLUMNS), renames=_AE_COLUMNS, stray_trailing_columns=6),),
    fields=(
        text_field(
            "period",
            required=True,
            pattern=r"(?i)MSitAE-[A-Z]+-\d{4}|total",
            pattern_description="like 'MSitAE-JUNE-2025' (or the footer 'TOTAL')",
        ),
        text_field("org_code", required=True),
        text_field("parent_org"),
        text_field("org_name"),
        *(number_field(name, required=True) for _, name in _AE_COLUMNS[4:]),
    ),
    key=("period", "org_code"),
    plausibility=(
        NonNegative(tuple(name for _, name in _AE_COLUMNS[4:])),
        # 4-hour breaches are a part of the attendances of their department type (booked ones of booked ones).
        *not_above(
            *((f"over4_{kind}", f"att_{kind}") for kind in ("type1", "type2", "other")),
            *((f"over4_booked_{kind}", f"att_booked_{kind}") for kind in ("type1", "type2", "other")),
        ),
        PeriodOf(month_in_text_sql("period"), ("period",)),
    ),
    period_key=PrefixAndSingleValue("ae-monthly", "period", exclude=AE_TOTAL_PATTERN),
)

# ----------------------------------------------------------------------------------------------------
# A&E by-provider XLSX, "Provider Level Data" sheet (raw_formats §1.2): two-row header flattened as
# "<group> | <name>"; the England row has Code '-'; percentages are fractions or '-'.

_ATT = "A&E attendances"
_LT4 = "A&E attendances less than 4 hours from arrival to admission, transfer or discharge"
_GT4 = "A&E attendances greater than 4 hours from arrival to admission, transfer or discharge"
_PCT = "Percentage of attendances within 4 hours"
_ADM = "Emergency Admissions"
_TYPES = (
    ("Type 1 Departments - Major A&E", "type1"),
    ("Type 2 Departments - Single Specialty", "type2"),
    ("Type 3 Departments - Other A&E/Minor Injury Unit", "type3"),
)
#: The columns every by-provider sheet of provider or acute-trust activity starts with: code, region, name, and
#: attendances, within 4 hours and over 4 hours by department type.
_AE_ACTIVITY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Code", "code"),
    ("Region", "region"),
    ("Name", "name"),
    *((f"{_ATT} | {c}", f"attendances_{n}") for c, n in _TYPES),
    (f"{_ATT} | Total attendances", "attendances_total"),
    *((f"{_LT4} | {c}", f"within_4_hours_{n}") for c, n in _TYPES),
    (f"{_LT4} | Total Attendances < 4 hours", "within_4_hours_total"),
    *((f"{_GT4} | {c}", f"over_4_hours_{n}") for c, n in _TYPES),
    (f"{_GT4} | Total Attendances > 4 hours", "over_4_hours_total"),
)
#: Within and over 4 hours are parts of the attendances, per department type and in total.
_AE_ACTIVITY_PARTS = not_above(
    *(
        (f"{part}_{n}", f"attendances_{n}")
        for part in ("within_4_hours", "over_4_hours")
        for n in (*(n for _, n in _TYPES), "total")
    )
)
_AE_XLSX_COLUMNS: tuple[tuple[str, str], ...] = (
    *_AE_ACTIVITY_COLUMNS,
    (f"{_PCT} | Percentage in 4 hours or less (all)", "pct_within_4_hours_all"),
    (f"{_PCT} | Percentage in 4 hours or less (type 1)", "pct_within_4_hours_type1"),
    (f"{_PCT} | Percentage in 4 hours or less (type 2)", "pct_within_4_hours_type2"),
    (f"{_PCT} | Percentage in 4 hours or less (type 3)", "pct_within_4_hours_type3"),
    (f"{_ADM} | Emergency Admissions via Type 1 A&E", "emergency_admissions_type1"),
    (f"{_ADM} | Emergency Admissions via Type 2 A&E", "emergency_admissions_type2"),
    (f"{_ADM} | Emergency Admissions via Type 3 and 4 A&E", "emergency_admissions_type3_4"),
    (f"{_ADM} | Total Emergency Admissions via A&E", "emergency_admissions_via_ae"),
    (f"{_ADM} | Other Emergency admissions (i.e not via A&E)", "other_emergency_admissions"),
    (f"{_ADM} | Total Emergency Admissions", "emergency_admissions_total"),
    (
        f"{_ADM} | Number of patients spending >4 hours from decision to admit to admission",
        "dta_over_4_hours",
    ),
    (
        f"{_ADM} | Number of patients spending >12 hours from decision to admit to admission",
        "dta_over_12_hours",
    ),
    ("Unnamed 29", "icb_name"),  # Excel column AC, unlabelled
    ("Title Period", "period"),
    ("Title Published", "published"),
)

NHSE_AE_PROVIDER_XLSX = Collection(
    name="nhse_ae_provider_xlsx",
    cadence="monthly",
    description="A&E by-provider XLSX, 'Provider Level Data' sheet (raw_formats §1.2)",
    file_pattern=r"[a-z]+-\d{4}-ae-by-provider.*\.xlsx",
    container=Sheet(
        "Provider Level Data",
        header_cell="Percentage in 4 hours or less (all)",
        group_row=True,
        title_fields=(("Period:", "Title Period"), ("Published:", "Title Published")),
    ),
    layouts=(Layout("provider_level_data", tuple(c for c, _ in _AE_XLSX_COLUMNS), renames=_AE_XLSX_COLUMNS),),
    fields=(
        text_field("code"),
        text_field("region"),
        text_field("name", required=True),
        *(number_field(n) for _, n in _AE_XLSX_COLUMNS[3:27]),
        text_field("icb_name"),
        text_field("period", required=True),
        text_field("published"),
    ),
    key=("code",),
    # '-' marks a percentage with no attendances, and the England row's code and region.
    null_tokens=("-",),
    plausibility=(
        NonNegative(tuple(n for _, n in _AE_XLSX_COLUMNS[3:27])),
        *_AE_ACTIVITY_PARTS,
        *not_above(
            ("dta_over_12_hours", "dta_over_4_hours"),
            ("emergency_admissions_via_ae", "emergency_admissions_total"),
        ),
        Within(tuple(n for _, n in _AE_XLSX_COLUMNS[15:19]), 0, 1, "a proportion (0-1, as published)"),
        PeriodOf(month_in_text_sql("period"), ("period",)),
    ),
    period_key=PrefixAndSingleValue("ae-provider-xlsx", "period"),
)

# ----------------------------------------------------------------------------------------------------
# A&E by-provider workbook (.xls, BIFF8), sheets "Acute Trust Mapping" and "Acute Trust Footprint Data": each
# provider's attendances attributed to acute trusts (a proportion per acute trust), and NHS England's own
# footprint totals per acute trust. Only the .xls workbooks: the June 2025 .xlsx (an earlier release of the
# same month) would otherwise be a second file for the month. The mapping sheet has no period cell: the month
# comes from the file name (checked against the footprint sheet's 'Period:' in the staging tests).

_AE_BY_PROVIDER_XLS = r"[a-z]+-\d{4}-ae-.*by-provider.*\.xls"
_GT4_MAPPING = "A&E attendances > 4 hours from arrival to admission, transfer or discharge"
_MAPPING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Code", "code"),
    ("Region", "region"),
    ("Name", "name"),
    ("Acute Code", "acute_code"),
    ("Acute trust 1", "acute_trust_name"),
    ("Proportion of Attends Acute 1", "proportion"),
    *((f"{_ATT} | {c}", f"attendances_{n}") for c, n in _TYPES),
    (f"{_ATT} | Total attendances", "attendances_total"),
    *((f"{_GT4_MAPPING} | {c}", f"over_4_hours_{n}") for c, n in _TYPES),
    (f"{_GT4_MAPPING} | Total Attendances > 4 hours", "over_4_hours_total"),
)

NHSE_AE_ACUTE_TRUST_MAPPING = Collection(
    name="nhse_ae_acute_trust_mapping",
    cadence="monthly",
    description="A&E by-provider XLS, 'Acute Trust Mapping' sheet: provider -> acute trust with a proportion",
    file_pattern=_AE_BY_PROVIDER_XLS,
    container=Sheet(
        "Acute Trust Mapping",
        header_cell="Proportion of Attends Acute 1",
        group_row=True,
        keep_columns=tuple(c for c, _ in _MAPPING_COLUMNS),  # not the side list of acute trusts right of it
        filler_rows_blank_in="Code",  # formula rows of zeros under the data
    ),
    layouts=(
        Layout(
            "acute_trust_mapping",
            tuple(c for c, _ in _MAPPING_COLUMNS),
            renames=_MAPPING_COLUMNS,
            derived=(MonthInFileName("month_start"),),
        ),
    ),
    fields=(
        text_field("code", required=True),
        text_field("region"),
        text_field("name"),
        text_field("acute_code", required=True),
        text_field("acute_trust_name"),
        number_field("proportion", required=True),
        *(number_field(n, required=True) for _, n in _MAPPING_COLUMNS[6:]),
        Field("month_start", "date"),
    ),
    key=("code", "acute_code"),
    plausibility=(
        NonNegative(tuple(n for _, n in _MAPPING_COLUMNS[6:])),
        Within(("proportion",), 0, 1, "a proportion (0-1, as published)"),
        *not_above(*((f"over_4_hours_{n}", f"attendances_{n}") for n in (*(n for _, n in _TYPES), "total"))),
        PeriodOf("month_start", ("month_start",)),
    ),
    period_key=PrefixAndField("ae-acute-trust-mapping", "month_start"),
)

_MAPPED = "Of which is additional mapped type 3 activity"
_PERF = "A&E Performance"
_FOOTPRINT_COLUMNS: tuple[tuple[str, str], ...] = (
    *_AE_ACTIVITY_COLUMNS,
    (f"{_MAPPED} | A&E attendances", "mapped_attendances"),
    (f"{_MAPPED} | A&E attendances > 4 hours", "mapped_over_4_hours"),
    (f"{_PERF} | Percentage in 4 hours or less (type 1) before mapping", "pct_within_4_hours_type1_before_mapping"),
    (f"{_PERF} | Percentage in 4 hours or less (all) before mapping", "pct_within_4_hours_all_before_mapping"),
    (f"{_PERF} | Percentage in 4 hours or less (all) with additional mapped activity", "pct_within_4_hours_all_mapped"),
    ("Title Period", "period"),
    ("Title Published", "published"),
    ("Title Revised", "revised"),
)

NHSE_AE_ACUTE_TRUST_FOOTPRINT = Collection(
    name="nhse_ae_acute_trust_footprint",
    cadence="monthly",
    description="A&E by-provider XLS, 'Acute Trust Footprint Data' sheet: NHS England's acute-trust footprint totals",
    file_pattern=_AE_BY_PROVIDER_XLS,
    container=Sheet(
        "Acute Trust Footprint Data",
        header_cell="Percentage in 4 hours or less (all) with additional mapped activity",
        group_row=True,
        title_fields=(("Period:", "Title Period"), ("Published:", "Title Published"), ("Revised:", "Title Revised")),
    ),
    layouts=(Layout("acute_trust_footprint", tuple(c for c, _ in _FOOTPRINT_COLUMNS), renames=_FOOTPRINT_COLUMNS),),
    fields=(
        text_field("code"),
        text_field("region"),
        text_field("name", required=True),
        *(number_field(n, required=True) for _, n in _FOOTPRINT_COLUMNS[3:15]),
        *(number_field(n) for _, n in _FOOTPRINT_COLUMNS[15:20]),
        text_field("period", required=True, pattern=r"[A-Z][a-z]+ +\d{4}", pattern_description="like 'June 2025'"),
        text_field("published"),
        text_field("revised"),
    ),
    key=("code",),
    # '-' marks the England row's code, region and mapped columns.
    null_tokens=("-",),
    plausibility=(
        NonNegative(tuple(n for _, n in _FOOTPRINT_COLUMNS[3:17])),
        *_AE_ACTIVITY_PARTS,
        *not_above(("mapped_over_4_hours", "mapped_attendances")),
        Within(tuple(n for _, n in _FOOTPRINT_COLUMNS[17:20]), 0, 1, "a proportion (0-1, as published)"),
        PeriodOf(month_in_text_sql("period"), ("period",)),
    ),
    period_key=PrefixAndSingleValue("ae-acute-trust-footprint", "period"),
)

# ----------------------------------------------------------------------------------------------------
# Cancer Waiting Times provider extract (raw_formats §3)

_CWT_COLUMNS = (
    "PERIOD",
    "YEAR",
    "MONTH",
    "STANDARD",
    "ORG CODE",
    "STAGE/ROUTE",
    "TREATMENT MODALITY",
    "CANCER TYPE",
    "TOTAL TREATED",
    "WITHIN STANDARD",
    "BREACHES",
)

#: Patients treated within the standard and after it (breaches) are parts of those treated.
_CWT_PLAUSIBILITY: tuple[Plausibility, ...] = (
    NonNegative(("total_treated", "within_standard", "breaches")),
    *not_above(("within_standard", "total_treated"), ("breaches", "total_treated")),
    PeriodOf("period", ("period",)),
)

NHSE_CWT_PROVIDER = Collection(
    name="nhse_cwt_provider",
    cadence="monthly",
    description="Cancer Waiting Times 'CWT CRS Provider Extract' XLSX (raw_formats §3)",
    file_pattern=r"cwt-crs-.+-data-extract-provider.*\.xlsx",
    container=Sheet("CWT CRS Provider Extract", header_cell="STANDARD"),
    layouts=(Layout("cwt_crs_11", _CWT_COLUMNS),),
    fields=(
        Field("period", "date", required=True, date_format="%Y-%m-%d", date_pattern=r"\d{4}-\d{2}-\d{2}"),
        text_field("year"),
        text_field("month"),
        text_field("standard", required=True, allowed=("28-day FDS", "31-day Combined", "62-day Combined")),
        text_field("org_code", required=True),
        text_field("stage_route", required=True),
        text_field("treatment_modality"),
        text_field("cancer_type", required=True),
        number_field("total_treated", required=True),
        number_field("within_standard", required=True),
        number_field("breaches", required=True),
    ),
    key=("period", "standard", "org_code", "stage_route", "treatment_modality", "cancer_type"),
    plausibility=_CWT_PLAUSIBILITY,
    period_key=PrefixAndSql(
        "cwt-provider", "strftime(min(period), '%Y-%m') || '..' || strftime(max(period), '%Y-%m')", "months"
    ),
)

# Cancer Waiting Times monthly provider workbook ('<MONTH>-<YYYY>-CWT-CRS-PROVIDER-WORKBOOK-FINAL.xlsx'): one
# workbook per month, one sheet per standard; title block with the month alone in row 2 ('Aug-25'), a group
# row, then the header row (from column B). Totals of all English providers have no ODS code. Only the two
# sheets the NOF uses are landed: '28-DAY FDS (ALL ROUTES)' (OF0010) and '62-DAY (ALL CANCER)' (OF0011; Part A
# all routes, then Parts B-E, one per referral route, each with its own national total row).

_CWT_WORKBOOK_FILE = r"[a-z]+-\d{4}-cwt-crs-provider-workbook.*\.xlsx"
_CWT_WORKBOOK_ROUTES = (
    "ALL ROUTES",
    "Urgent Suspected Cancer",
    "Breast Symptomatic",
    "Screening",
    "Consultant Upgrade",
)


def _cwt_workbook(name: str, sheet: str, days: int, *, cancer_type: bool, sections: tuple[str, ...]) -> Collection:
    """One standard's sheet of the monthly provider workbook: provider x referral route rows."""
    counts = ("TOTAL", f"WITHIN {days} DAYS", f"AFTER {days} DAYS")
    proportion = "TOLD WITHIN 28 DAYS" if days == 28 else "TREATED WITHIN 62 DAYS"
    columns = ("ODS CODE (1)", "ACCOUNTABLE PROVIDER", "REFERRAL ROUTE", *(("CANCER TYPE",) if cancer_type else ()))
    return Collection(
        name=name,
        cadence="monthly",
        description=f"Cancer Waiting Times monthly provider workbook, sheet '{sheet}' (raw_formats §3)",
        file_pattern=_CWT_WORKBOOK_FILE,
        container=Sheet(
            sheet,
            header_cell="ODS CODE (1)",
            keep_columns=(*columns, *counts, proportion),
            section_labels=sections,
            title_rows=((2, "Title Period"),),
            skip_repeated_header=True,
        ),
        layouts=(
            Layout(
                f"cwt_workbook_{days}",
                (*columns, *counts, proportion, "Title Period"),
                renames=(
                    ("ODS CODE (1)", "org_code"),
                    ("TOTAL", "total_treated"),
                    (f"WITHIN {days} DAYS", "within_standard"),
                    (f"AFTER {days} DAYS", "breaches"),
                    (proportion, "proportion_within"),
                    ("Title Period", "period"),
                ),
            ),
        ),
        fields=(
            # blank on the rows of all English providers (the national totals)
            text_field("org_code"),
            text_field("accountable_provider", required=True),
            text_field(
                "referral_route",
                required=True,
                allowed=_CWT_WORKBOOK_ROUTES[:1] if days == 28 else _CWT_WORKBOOK_ROUTES,
            ),
            *((text_field("cancer_type", required=True, allowed=("ALL CANCERS",)),) if cancer_type else ()),
            number_field("total_treated", required=True),
            number_field("within_standard", required=True),
            number_field("breaches", required=True),
            number_field("proportion_within"),
            Field(
                "period",
                "date",
                required=True,
                date_format="%b-%y",
                date_pattern=r"[A-Z][a-z]{2}-\d{2}",
                date_description="Mon-yy, e.g. 'Aug-25' (the sheet's row 2)",
            ),
        ),
        key=("referral_route", "org_code", "accountable_provider"),
        plausibility=(*_CWT_PLAUSIBILITY, Within(("proportion_within",), 0, 1, "a proportion (0-1, as published)")),
        period_key=PrefixAndSql(f"cwt-workbook-{days}", "strftime(max(period), '%Y-%m')", "month"),
    )


NHSE_CWT_WORKBOOK_FDS = _cwt_workbook(
    "nhse_cwt_workbook_fds", "28-DAY FDS (ALL ROUTES)", 28, cancer_type=False, sections=()
)
NHSE_CWT_WORKBOOK_62_DAY = _cwt_workbook(
    "nhse_cwt_workbook_62_day",
    "62-DAY (ALL CANCER)",
    62,
    cancer_type=True,
    sections=(
        "PART A: ALL ROUTES",
        "PART B: URGENT SUSPECTED CANCER",
        "PART C: BREAST SYMPTOMATIC",
        "PART D: URGENT SCREENING",
        "PART E: CONSULTANT UPGRADE",
    ),
)

# ----------------------------------------------------------------------------------------------------
# AmbSYS (raw_formats §4)

_AMBSYS_CODES = [
    "A0",
    "A1",
    "A2",
    "A3",
    "A4",
    "A114",
    "A5",
    "A6",
    "A111",
    "A112",
    "A113",
    "A7",
    "A8",
    "A9",
    "A10",
    "A11",
    "A12",
    "A24",
    "A25",
    "A26",
    "A27",
    "A28",
    "A29",
    "A30",
    "A31",
    "A32",
    "A33",
    "A34",
    "A35",
    "A36",
    "A37",
    "A38",
    "A126",
    "A127",
    "A128",
    "A129",
    "A130",
    "A131",
    "A17",
    "A18",
    "A19",
    "A20",
    "A21",
    "A22",
    "A23",
    "A132",
    "A133",
    "A134",
    "A135",
    "A136",
    "A137",
    "A138",
    "A139",
    "A53",
    "A54",
    "A55",
    "A56",
    "A39",
    "A40",
    "A41",
    "A42",
    "A43",
    "A44",
    "A45",
    "A46",
    "A47",
    "A48",
    "A74",
    "A82",
    "A83",
    "A84",
    "A78",
    "A94",
    "A95",
    "A96",
    "A115",
    "A116",
    "A117",
    "A118",
    "A75",
    "A85",
    "A86",
    "A87",
    "A79",
    "A97",
    "A98",
    "A99",
    "A119",
    "A120",
    "A121",
    "A122",
    "A76",
    "A88",
    "A89",
    "A90",
    "A80",
    "A100",
    "A101",
    "A102",
    "A77",
    "A91",
    "A92",
    "A93",
    "A81",
    "A103",
    "A104",
    "A105",
    "A49",
    "A50",
    "A51",
    "A52",
    "A13",
    "A14",
    "A15",
    "A16",
    "A106",
    "A107",
    "A108",
    "A109",
    "A110",
    "A140",
    "A141",
    "A142",
    "A143",
    "A144",
    "A145",
    "A146",
    "A147",
    "A148",
    "A124",
    "A125",
    "A57",
    "A58",
    "A59",
    "A60",
    "A61",
    "A62",
    "A63",
    "A64",
    "A65",
    "A66",
    "A67",
    "A68",
    "A69",
    "A70",
    "A71",
    "A72",
    "A73",
]
#: Response-time indicators landed: counts (A8-A12), total seconds, mean and 90th centile per category.
AMBSYS_LANDED_CODES = (
    "A8",
    "A9",
    "A10",
    "A11",
    "A12",
    *(f"A{n}" for n in range(24, 39)),
)
_AMBSYS_FIELDS = tuple(number_field(snake(code)) for code in AMBSYS_LANDED_CODES)

NHSE_AMBSYS = Collection(
    name="nhse_ambsys",
    cadence="monthly",
    description="AmbSYS CSV, every month since Aug 2017 (raw_formats §4.1); '.' = not applicable",
    file_pattern=r"ambsys-(to|for)-.+\.csv",
    layouts=(Layout("ambsys_153", ("Year", "Month", "Region", "Org Code", "Org Name", *_AMBSYS_CODES)),),
    fields=(
        number_field("year", required=True),
        number_field("month", required=True),
        text_field("region"),
        text_field("org_code", required=True),
        text_field("org_name"),
        *_AMBSYS_FIELDS,
    ),
    key=("year", "month", "org_code"),
    null_tokens=(".",),
    plausibility=(
        NonNegative(tuple(f.name for f in _AMBSYS_FIELDS)),
        Within(("month",), 1, 12, "a month number (1-12)"),
        PeriodOf(
            "CASE WHEN month BETWEEN 1 AND 12 AND year BETWEEN 1 AND 9999 "
            "THEN make_date(CAST(year AS INTEGER), CAST(month AS INTEGER), 1) END",
            ("year", "month"),
        ),
    ),
    period_key=PrefixAndSql(
        "ambsys-csv", "strftime(max(make_date(CAST(year AS INTEGER), CAST(month AS INTEGER), 1)), '%Y-%m')", "months"
    ),
)

NHSE_AMBSYS_TIME_SERIES = Collection(
    name="nhse_ambsys_time_series",
    cadence="monthly",
    description="AmbSYS time-series XLSX, 'Raw' sheet (raw_formats §4.2): fiscal year, month name, seconds",
    file_pattern=r"ambsys-time-series-until-\d{8}.*\.xlsx",
    container=Sheet(
        "Raw",
        header_cell="Concatenated",
        section_labels=("Raw data",),  # England and region rows come first, then this label, then trusts
        keep_columns=("Concatenated", "Year", "Month", "Reg", "Area", "Trust", *AMBSYS_LANDED_CODES),
    ),
    layouts=(
        Layout(
            "raw_sheet",
            ("Concatenated", "Year", "Month", "Reg", "Area", "Trust", *AMBSYS_LANDED_CODES),
            renames=(("Year", "fiscal_year"), ("Month", "month_name"), ("Area", "org_code")),
        ),
    ),
    fields=(
        text_field("concatenated", required=True),
        text_field("fiscal_year", required=True, pattern=r"\d{4}-\d{2}", pattern_description="like '2025-26'"),
        text_field("month_name", required=True),
        text_field("reg"),
        text_field("org_code", required=True),
        text_field("trust"),
        *_AMBSYS_FIELDS,
    ),
    key=("fiscal_year", "month_name", "org_code"),
    # Not in raw_formats §4.2: the Raw sheet marks means/centiles with no incidents as '-' (e.g. row 105).
    null_tokens=("-",),
    plausibility=(
        NonNegative(tuple(f.name for f in _AMBSYS_FIELDS)),
        # Financial year 2025-26: April-December in 2025, January-March in 2026.
        PeriodOf(
            "CAST(try_strptime(month_name || ' ' || (CAST(left(fiscal_year, 4) AS INTEGER) + CASE WHEN "
            "upper(month_name) IN ('JANUARY', 'FEBRUARY', 'MARCH') THEN 1 ELSE 0 END), '%B %Y') AS DATE)",
            ("fiscal_year", "month_name"),
        ),
    ),
    period_key=PrefixAndFileNameDate("ambsys-time-series"),
)

# ----------------------------------------------------------------------------------------------------
# DM01 diagnostics (raw_formats §5)

_DM01_BANDS = ("0 <01 weeks", *(f"{i:02d} <{i + 1:02d} weeks" for i in range(1, 13)), "13+ weeks")
_DM01_PROVIDER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Regional Team Code", "regional_team_code"),
    ("Regional Team Name", "regional_team_name"),
    ("Provider Code", "provider_code"),
    ("Provider Name", "provider_name"),
    ("Total Waiting List", "total_waiting_list"),
    ("Number waiting 6+ Weeks", "waiting_6_plus_weeks"),
    ("Number waiting 13+ Weeks", "waiting_13_plus_weeks"),
    ("Percentage waiting 6+ weeks", "pct_waiting_6_plus_weeks"),
    *((band, "band_" + snake(band).replace("_weeks", "")) for band in _DM01_BANDS),
    ("Planned tests / procedures", "planned_activity"),
    ("Unscheduled tests / procedures", "unscheduled_activity"),
    ("Waiting list tests / procedures (excluding planned)", "waiting_list_activity"),
    ("Title Period", "period"),
    ("Title Published", "published"),
)

NHSE_DM01_PROVIDER = Collection(
    name="nhse_dm01_provider",
    cadence="monthly",
    description="DM01 'Monthly Diagnostics Web File Provider' XLS, 'Provider' sheet (raw_formats §5.1)",
    file_pattern=r"monthly-diagnostics-web-file-provider-.+\.xlsx?",
    container=Sheet(
        "Provider",
        header_cell="Provider Code",
        title_fields=(("Period:", "Title Period"), ("Published:", "Title Published")),
    ),
    layouts=(Layout("provider_sheet", tuple(c for c, _ in _DM01_PROVIDER_COLUMNS), renames=_DM01_PROVIDER_COLUMNS),),
    fields=(
        text_field("regional_team_code"),
        text_field("regional_team_name"),
        text_field("provider_code"),
        text_field("provider_name", required=True),
        *(number_field(n) for _, n in _DM01_PROVIDER_COLUMNS[4:-2]),
        text_field("period", required=True, pattern=r"[A-Z][a-z]+ \d{4}", pattern_description="like 'June 2025'"),
        text_field("published"),
    ),
    key=("provider_code",),
    plausibility=(
        NonNegative(tuple(n for _, n in _DM01_PROVIDER_COLUMNS[4:-2])),
        *not_above(
            ("waiting_6_plus_weeks", "total_waiting_list"),
            ("waiting_13_plus_weeks", "waiting_6_plus_weeks"),
            *((n, "total_waiting_list") for b, n in _DM01_PROVIDER_COLUMNS if b in _DM01_BANDS),
        ),
        Within(("pct_waiting_6_plus_weeks",), 0, 1, "a proportion (0-1, as published)"),
        PeriodOf(month_in_text_sql("period"), ("period",)),
    ),
    period_key=PrefixAndSingleValue("dm01-provider", "period"),
)

_DM01_EXTRACT_BANDS = (
    "00 < 01 Week",
    *(f"{i:02d} < {i + 1:02d} Weeks" for i in range(1, 13)),
    "13+ Weeks",
)
_DM01_EXTRACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Period", "period"),
    ("Provider Parent Org Code", "provider_parent_org_code"),
    ("Provider Parent Name", "provider_parent_name"),
    ("Provider Org Code", "provider_org_code"),
    ("Provider Org Name", "provider_org_name"),
    ("Commissioner Parent Org Code", "commissioner_parent_org_code"),
    ("Commissioner Parent Name", "commissioner_parent_name"),
    ("Commissioner Org Code", "commissioner_org_code"),
    ("Commissioner Org Name", "commissioner_org_name"),
    ("Diagnostic Tests Sort Order", "diagnostic_tests_sort_order"),
    ("Diagnostic Tests", "diagnostic_test"),
    *((band, "band_" + snake(band).replace("_weeks", "").replace("_week", "")) for band in _DM01_EXTRACT_BANDS),
    ("Total WL", "total_waiting_list"),
    ("Waiting List Activity", "waiting_list_activity"),
    ("Planned Activity", "planned_activity"),
    ("Unscheduled Activity", "unscheduled_activity"),
    ("Total Activity", "total_activity"),
)

NHSE_DM01_FULL_EXTRACT = Collection(
    name="nhse_dm01_full_extract",
    cadence="monthly",
    description="DM01 full extract: ZIP of one CSV, provider x commissioner x test (raw_formats §5.2)",
    file_pattern=r"dm01-[a-z]+-\d{4}-full-extract(?!.*cdc).*\.zip",
    container=ZipMember(r"DM01-[A-Za-z]+-\d{4}-full-extract\.csv"),
    layouts=(Layout("dm01_extract_29", tuple(c for c, _ in _DM01_EXTRACT_COLUMNS), renames=_DM01_EXTRACT_COLUMNS),),
    fields=(
        text_field("period", required=True, pattern=r"DM01-[A-Z]+-\d{4}", pattern_description="like 'DM01-MARCH-2026'"),
        *(text_field(n) for _, n in _DM01_EXTRACT_COLUMNS[1:3]),
        text_field("provider_org_code", required=True),
        *(text_field(n) for _, n in _DM01_EXTRACT_COLUMNS[4:7]),
        text_field("commissioner_org_code", required=True),
        text_field("commissioner_org_name"),
        number_field("diagnostic_tests_sort_order", required=True),
        text_field("diagnostic_test", required=True),
        *(number_field(n, required=True) for _, n in _DM01_EXTRACT_COLUMNS[11:]),
    ),
    key=("period", "provider_org_code", "commissioner_org_code", "diagnostic_test"),
    plausibility=(
        NonNegative(tuple(n for _, n in _DM01_EXTRACT_COLUMNS[11:])),
        *not_above(*((n, "total_waiting_list") for b, n in _DM01_EXTRACT_COLUMNS if b in _DM01_EXTRACT_BANDS)),
        *not_above(
            *((n, "total_activity") for n in ("waiting_list_activity", "planned_activity", "unscheduled_activity"))
        ),
        PeriodOf(month_in_text_sql("period"), ("period",)),
    ),
    period_key=PrefixAndSingleValue("dm01-extract", "period"),
)

# ----------------------------------------------------------------------------------------------------
# RTT full CSV extract (raw_formats §2.1). Proven on the real excerpt of November 2024 (the publication's
# 121-column header and every row of provider RBD, data/nhse_rtt/): the header is exactly the documented one.
# Published as a ZIP (``Full-CSV-data-file-Nov24-ZIP-4M-<rand>.zip``) holding one CSV
# (``20241130-RTT-November-2024-full-extract.csv``); ``oversight fetch`` writes that CSV as extracted, and the
# excerpt is a CSV of the same stem (``20241130-RTT-November-2024-RBD.csv``): all three land here.

RTT_WEEK_BANDS = (*(f"Gt {i:02d} To {i + 1:02d} Weeks SUM 1" for i in range(104)), "Gt 104 Weeks SUM 1")
_RTT_DIMENSIONS = (
    "Period",
    "Provider Parent Org Code",
    "Provider Parent Name",
    "Provider Org Code",
    "Provider Org Name",
    "Commissioner Parent Org Code",
    "Commissioner Parent Name",
    "Commissioner Org Code",
    "Commissioner Org Name",
    "RTT Part Type",
    "RTT Part Description",
    "Treatment Function Code",
    "Treatment Function Name",
)
_RTT_TOTALS = ("Total", "Patients with unknown clock start date", "Total All")

NHSE_RTT_FULL_EXTRACT = Collection(
    name="nhse_rtt_full_extract",
    cadence="monthly",
    description="RTT 'Full CSV data file' ZIP or its CSV, 121 columns (raw_formats §2.1; real excerpt Nov 2024)",
    file_pattern=r"full-csv-data-file-[a-z]{3}\d{2}-zip.*\.zip|\d{8}-rtt-[a-z]+-\d{4}-.+\.csv",
    container=ZipMember(r"(.*/)?\d{8}-rtt-[a-z]+-\d{4}-.+\.csv"),
    layouts=(Layout("rtt_full_121", (*_RTT_DIMENSIONS, *RTT_WEEK_BANDS, *_RTT_TOTALS)),),
    fields=(
        text_field(
            "period", required=True, pattern=r"(?i)RTT-[A-Z]+-\d{4}", pattern_description="like 'RTT-June-2024'"
        ),
        *(text_field(snake(c)) for c in _RTT_DIMENSIONS[1:]),
        # Blank (not zero) where a part does not collect the column (raw_formats §2.1 'Blank vs zero').
        *(number_field(snake(c)) for c in (*RTT_WEEK_BANDS, *_RTT_TOTALS)),
    ),
    key=("period", "provider_org_code", "commissioner_org_code", "rtt_part_type", "treatment_function_code"),
    plausibility=(
        NonNegative(tuple(snake(c) for c in (*RTT_WEEK_BANDS, *_RTT_TOTALS))),
        # 'Total All' = 'Total' + unknown clock starts; every week band is a part of 'Total' (blank where a part
        # does not collect it: not compared).
        *not_above(*((snake(c), "total") for c in RTT_WEEK_BANDS)),
        *not_above(("total", "total_all"), ("patients_with_unknown_clock_start_date", "total_all")),
        PeriodOf(month_in_text_sql("period"), ("period",)),
    ),
    period_key=PrefixAndSingleValue("rtt-extract", "period"),
)

#: Appended to :data:`oversight.collections.COLLECTIONS`.
ACUTE_COLLECTIONS: tuple[Collection, ...] = (
    NHSE_AE_MONTHLY,
    NHSE_AE_PROVIDER_XLSX,
    NHSE_AE_ACUTE_TRUST_MAPPING,
    NHSE_AE_ACUTE_TRUST_FOOTPRINT,
    NHSE_CWT_PROVIDER,
    NHSE_CWT_WORKBOOK_FDS,
    NHSE_CWT_WORKBOOK_62_DAY,
    NHSE_AMBSYS,
    NHSE_AMBSYS_TIME_SERIES,
    NHSE_DM01_PROVIDER,
    NHSE_DM01_FULL_EXTRACT,
    NHSE_RTT_FULL_EXTRACT,
)
