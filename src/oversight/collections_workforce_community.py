"""Workforce and community collections (raw_formats.md §6.3, §7.1, §7.2), appended to the registry.

* ``nhs_sickness_absence``: NHS Sickness Absence Rates, monthly organisation CSV (the OF0082 source).
* ``nhs_staff_survey_people_promise`` / ``nhs_staff_survey_themes``: two sheets of the NHS Staff Survey
  detailed organisational results workbook (OF0061 = PP3_2 raising concerns, OF0084 = staff engagement).
* ``chs_waiting_list_total`` / ``chs_waiting_list_52_104_weeks`` / ``chs_waiting_list_over_104_weeks``:
  Tables 4, 4g and 4h of the community health services waiting-list workbook (the OF0005 source).

:mod:`oversight.collections` appends :data:`WORKFORCE_COMMUNITY_COLLECTIONS` to its registry; this module imports
only :mod:`oversight.collection_model`.
"""

from __future__ import annotations

import calendar
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from oversight.collection_model import (
    Collection,
    Field,
    FileContext,
    Layout,
    NonNegative,
    PeriodOf,
    PrefixAndField,
    Within,
    not_above,
    snake,
)
from oversight.containers import Sheet

__all__ = [
    "CHS_SERVICES",
    "WORKFORCE_COMMUNITY_COLLECTIONS",
    "FinancialYearMonthInFileName",
    "SurveyYearInFileName",
]

_MONTHS = {
    name: number
    for number, name in enumerate(
        (name.lower() for name in calendar.month_name[1:]),
        start=1,
    )
}


@dataclass(frozen=True)
class FinancialYearMonthInFileName:
    """``field`` = last day of the month named in a file name like ``...-2025-26-June.xlsx``.

    The financial year ``2025-26`` runs April 2025 to March 2026: April-December fall in its first calendar
    year, January-March in its second.
    """

    field: str

    def resolve(self, ctx: FileContext) -> object:
        found = re.search(r"(\d{4})-(\d{2})-([A-Za-z]+)(?:[-_ ].*)?\.xlsx?$", ctx.file_name)
        month = _MONTHS.get(found.group(3).lower()) if found else None
        if found is None or month is None:
            ctx.fail(
                None,
                [],
                "the file name does not say which month it covers (expected '<yyyy>-<yy>-<Month>.xlsx', "
                "e.g. 'Community-health-services-waiting-lists-2025-26-June.xlsx')",
            )
        year = int(found.group(1)) + (1 if month <= 3 else 0)
        return date(year, month, monthrange(year, month)[1])


@dataclass(frozen=True)
class SurveyYearInFileName:
    """``field`` = the survey year of an NHS Staff Survey file name: ``NSS24 ...`` -> ``2024``."""

    field: str

    def resolve(self, ctx: FileContext) -> object:
        found = re.match(r"NSS(\d{2})\b", ctx.file_name, flags=re.IGNORECASE)
        if found is None:
            ctx.fail(None, [], "the file name does not start with the survey year ('NSS24 ...')")
        return f"20{found.group(1)}"


#: The 47 service lines of Tables 4-4h (June and July 2025 files), in the published order.
CHS_SERVICES: tuple[str, ...] = (
    "(A) Adult safeguarding",
    "(A) Audiology",
    "(A) Clinical support to social care, care homes and domiciliary care",
    "(A) Community nursing services",
    "(A) Home oxygen assessment services",
    "(A) Intermediate care and reablement",
    "(A) Musculoskeletal service",
    "(A) Neurorehabilitation (multi-disciplinary)",
    "(A) Nursing and Therapy support for LTCs: Continence/ colostomy",
    "(A) Nursing and Therapy support for LTCs: Diabetes",
    "(A) Nursing and Therapy support for LTCs: Falls",
    "(A) Nursing and Therapy support for LTCs: Heart failure",
    "(A) Nursing and Therapy support for LTCs: Lymphoedema",
    "(A) Nursing and Therapy support for LTCs: MND",
    "(A) Nursing and Therapy support for LTCs: MS",
    "(A) Nursing and Therapy support for LTCs: Respiratory/COPD",
    "(A) Nursing and Therapy support for LTCs: Stroke",
    "(A) Nursing and Therapy support for LTCs: TB",
    "(A) Nursing and Therapy support for LTCs: Tissue viability",
    "(A) Podiatry and podiatric surgery",
    "(A) Rehabilitation bed-based care",
    "(A) Rehabilitation services (integrated)",
    "(A) Therapy interventions: Dietetics",
    "(A) Therapy interventions: Occupational therapy",
    "(A) Therapy interventions: Orthotics",
    "(A) Therapy interventions: Physiotherapy",
    "(A) Therapy interventions: Speech and language",
    "(A) Urgent Community Response/Rapid Response team",
    "(A) Weight management and obesity services",
    "(A) Wheelchair, orthotics, prosthetics and equipment",
    "(CYP) Antenatal, new-born and children screening and immunisation services",
    "(CYP) Audiology",
    "(CYP) Child health information service",
    "(CYP) Community nursing services (planned care and rapid response teams)",
    "(CYP) Community paediatric service",
    "(CYP) Looked after children teams",
    "(CYP) New-born hearing screening",
    "(CYP) Nursing and Therapy teams support for long term conditions",
    "(CYP) Rapid Response Services",
    "(CYP) Safeguarding",
    "(CYP) Therapy interventions: Dietetics",
    "(CYP) Therapy interventions: Occupational therapy",
    "(CYP) Therapy interventions: Orthotics",
    "(CYP) Therapy interventions: Physiotherapy",
    "(CYP) Therapy interventions: Speech and language",
    "(CYP) Vision screening",
    "(CYP) Wheelchair, orthotics, prosthetics and equipment",
)


# ----------------------------------------------------------------------------------------------------
# NHS Sickness Absence Rates (raw_formats §7.1)

_SICKNESS_COLUMNS = (
    "DATE",
    "NHSE_REGION_CODE",
    "NHSE_REGION_NAME",
    "ICS_CODE",
    "ICS_NAME",
    "ORG_CODE",
    "ORG_NAME",
    "ORG_TYPE",
    "FTE_DAYS_LOST",
    "FTE_DAYS_AVAILABLE",
    "SICKNESS_ABSENCE_RATE_PERCENT",
)

NHS_SICKNESS_ABSENCE = Collection(
    name="nhs_sickness_absence",
    cadence="monthly",
    description="NHS Sickness Absence Rates, monthly organisation CSV, all staff groups (raw_formats §7.1)",
    file_pattern=r"NHS Sickness Absence rates CSV, [A-Za-z]+ \d{4}.*\.csv",
    layouts=(Layout("monthly_org_11", _SICKNESS_COLUMNS, renames=(("DATE", "month_end_date"),)),),
    fields=(
        Field(
            "month_end_date",
            "date",
            required=True,
            date_format="%d/%m/%Y",
            date_pattern=r"\d{2}/\d{2}/\d{4}",
            date_description="dd/mm/yyyy",
        ),
        Field("nhse_region_code"),
        Field("nhse_region_name"),
        Field("ics_code"),
        Field("ics_name"),
        Field("org_code", required=True),
        Field("org_name"),
        Field("org_type", required=True),
        Field("fte_days_lost", "number", required=True),
        Field("fte_days_available", "number", required=True),
        Field("sickness_absence_rate_percent", "number"),
    ),
    key=("org_code",),
    plausibility=(
        NonNegative(("fte_days_lost", "fte_days_available")),
        *not_above(("fte_days_lost", "fte_days_available")),
        Within(("sickness_absence_rate_percent",), 0, 100, "a percentage (0-100)"),
        PeriodOf("date_trunc('month', month_end_date)", ("month_end_date",)),
    ),
    period_key=PrefixAndField("sickness-absence", "month_end_date"),
)

# ----------------------------------------------------------------------------------------------------
# NHS Staff Survey detailed organisational results (raw_formats §7.2)

_NSS_ID_COLUMNS = ("ODS code", "Organisation name", "Benchmarking group", "Region", "ICS", "Weighting")
_NSS_ID_FIELDS = (
    Field("ods_code", required=True),
    Field("organisation_name"),
    Field("benchmarking_group"),
    Field("region"),
    Field("ics"),
    Field("weighting"),
    Field("survey_year", required=True),
)
_NSS_FILE = r"NSS\d{2} detailed spreadsheets organisational results.*\.xlsx"


def _nss_sheet(name: str, sheet: str, code: str, field_prefix: str, description: str) -> Collection:
    return Collection(
        name=name,
        cadence="annual",
        description=description,
        file_pattern=_NSS_FILE,
        layouts=(
            Layout(
                f"nss_{field_prefix}",
                (*_NSS_ID_COLUMNS, f"{code} - score", f"{code} - Base (number of responses)"),
                renames=(
                    (f"{code} - score", f"{field_prefix}_score"),
                    (f"{code} - Base (number of responses)", f"{field_prefix}_responses"),
                ),
                derived=(SurveyYearInFileName("survey_year"),),
                other_columns="ignore",
            ),
        ),
        fields=(
            *_NSS_ID_FIELDS,
            # fewer than 10 responses: the cell is blank (not displayed)
            Field(f"{field_prefix}_score", "number"),
            Field(f"{field_prefix}_responses", "number"),
        ),
        key=("ods_code",),
        null_tokens=("-",),
        container=Sheet(sheet, header_row=5, qualify_repeated=True),
        # Scores are out of 10; the survey runs in the autumn of its year.
        plausibility=(
            Within((f"{field_prefix}_score",), 0, 10, "a score out of 10"),
            NonNegative((f"{field_prefix}_responses",)),
            PeriodOf("make_date(CAST(survey_year AS INTEGER), 9, 1)", ("survey_year",)),
        ),
        period_key=PrefixAndField("nss", "survey_year"),
    )


NHS_STAFF_SURVEY_PEOPLE_PROMISE = _nss_sheet(
    "nhs_staff_survey_people_promise",
    "PEOPLE PROMISE ELEMENTS",
    "PP3_2",
    "raising_concerns",
    "NHS Staff Survey organisational results, sheet PEOPLE PROMISE ELEMENTS: PP3_2 raising concerns (OF0061)",
)
NHS_STAFF_SURVEY_THEMES = _nss_sheet(
    "nhs_staff_survey_themes",
    "THEMES",
    "Staff Engagement",
    "staff_engagement",
    "NHS Staff Survey organisational results, sheet THEMES: staff engagement (OF0084)",
)

# ----------------------------------------------------------------------------------------------------
# Community health services waiting lists (raw_formats §6.3)

_CHS_FILE = r"Community-health-services-waiting-lists-\d{4}-\d{2}-[A-Za-z]+.*\.xlsx"


def _chs_table(name: str, sheet: str, what: str) -> Collection:
    return Collection(
        name=name,
        cadence="monthly",
        description=f"Community health services waiting lists, {sheet}: {what} by service (raw_formats §6.3)",
        file_pattern=_CHS_FILE,
        layouts=(
            Layout(
                "chs_table_4",
                ("Organisation Type", "Organisation Code", "Organisation Name", *CHS_SERVICES),
                derived=(FinancialYearMonthInFileName("month_end_date"),),
            ),
        ),
        fields=(
            Field("organisation_type", required=True, allowed=("National", "Region", "ICB", "Provider")),
            Field("organisation_code"),
            Field("organisation_name"),
            Field("month_end_date", "date"),
            *(Field(snake(service), "number") for service in CHS_SERVICES),
        ),
        key=("organisation_type", "organisation_code"),
        container=Sheet(sheet, header_row=5),
        plausibility=(
            NonNegative(tuple(snake(service) for service in CHS_SERVICES)),
            PeriodOf("date_trunc('month', month_end_date)", ("month_end_date",)),
        ),
        period_key=PrefixAndField(sheet.lower().replace(" ", "-"), "month_end_date"),
    )


CHS_WAITING_LIST_TOTAL = _chs_table("chs_waiting_list_total", "Table 4", "total waiting list")
CHS_WAITING_LIST_52_104_WEEKS = _chs_table("chs_waiting_list_52_104_weeks", "Table 4g", "number waiting >52-104 weeks")
CHS_WAITING_LIST_OVER_104_WEEKS = _chs_table("chs_waiting_list_over_104_weeks", "Table 4h", "number waiting >104 weeks")

#: The six collections, in matching order.
WORKFORCE_COMMUNITY_COLLECTIONS: tuple[Collection, ...] = (
    NHS_SICKNESS_ABSENCE,
    NHS_STAFF_SURVEY_PEOPLE_PROMISE,
    NHS_STAFF_SURVEY_THEMES,
    CHS_WAITING_LIST_TOTAL,
    CHS_WAITING_LIST_52_104_WEEKS,
    CHS_WAITING_LIST_OVER_104_WEEKS,
)
