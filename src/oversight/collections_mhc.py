"""Mental-health and community-services returns, and the NOF input templates, written as data.

Collections (appended to :data:`oversight.collections.COLLECTIONS` by the registry):

* ``mhsds_monthly``: NHS England Digital's MHSDS Monthly Statistics CSVs (raw_formats.md §6.1): the main file,
  the inappropriate out-of-area placement files (acute, non-acute) and the 4-week-waits file share one
  11-column long layout. ``MEASURE_VALUE`` lands as text so that the suppression marker ``*`` survives to
  staging (which turns it into NULL plus a ``suppressed`` flag). One file mixes monthly, rolling-quarter and
  rolling-12-month rows, so the key carries both period dates.
* ``csds_core``: Community Services Statistics core data (``csds-<mon><yy>-exp-core-data.csv``, §6.2).
* ``nof_input_finance``, ``nof_input_recovery_support``, ``nof_input_cqc_safe``, ``nof_input_hcai``,
  ``nof_input_metric_values``: templates a user fills in under ``data/inputs/`` for what the public returns do not
  carry (layouts documented in ``data/inputs/README.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oversight.collection_model import (
    NUMBER_PATTERN,
    QUARTER_PATTERN,
    QUARTER_PERIOD,
    Collection,
    Field,
    FileContext,
    Layout,
    NonNegative,
    PeriodOf,
    RegistryIds,
    Within,
    quarter_sort_key,
)

__all__ = [
    "CSDS_CORE",
    "MHC_COLLECTIONS",
    "MHSDS_FILE_NAME",
    "MHSDS_MONTHLY",
    "NOF_INPUT_CQC_SAFE",
    "NOF_INPUT_FINANCE",
    "NOF_INPUT_HCAI",
    "NOF_INPUT_METRIC_VALUES",
    "NOF_INPUT_RECOVERY_SUPPORT",
    "FileKindAndLatestDate",
    "PrefixAndLatestQuarter",
]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: ``MHSDS Data_<kind>_<Mon>Perf_<YYYY>[anything].csv``; kind is empty for the main file.
MHSDS_FILE_NAME = re.compile(
    r"MHSDS Data_(?:(?P<kind>OAPs_acute|OAPs_non_acute|4WW)_)?(?P<mon>[A-Za-z]{3})Perf_(?P<year>\d{4}).*\.csv",
    re.IGNORECASE,
)
_CSDS_FILE_NAME = re.compile(r"csds-(?P<mon>[a-z]{3})(?P<yy>\d{2})-exp-core-data.*\.csv", re.IGNORECASE)


@dataclass(frozen=True)
class FileKindAndLatestDate:
    """``<file kind>|<greatest end date, ISO>``, e.g. ``mhsds-main|2026-04-30``.

    The month in the file name must be the month of the greatest ``end_field`` in the file: a file named for
    one month but holding another (a file dropped in the wrong place, or renamed) is rejected.
    """

    prefix: str
    end_field: str
    file_name_pattern: re.Pattern[str]

    def resolve(self, ctx: FileContext) -> str:
        latest = ctx.fetchall(f'SELECT max("{self.end_field}") FROM {ctx.table}')[0][0]
        if latest is None:
            ctx.fail(1, [self.end_field], f"no {self.end_field} in the file")
        match = self.file_name_pattern.fullmatch(ctx.file_name)
        kind = "main"
        if match is not None:
            groups = match.groupdict()
            kind = (groups.get("kind") or "main").lower()
            named_month = _MONTHS.index(groups["mon"].lower()) + 1 if groups["mon"].lower() in _MONTHS else None
            year_text = groups.get("year") or ("20" + groups["yy"] if groups.get("yy") else None)
            if named_month != latest.month or (year_text is not None and int(year_text) != latest.year):
                line = ctx.fetchall(f'SELECT min(_line) FROM {ctx.table} WHERE "{self.end_field}" = ?', [latest])[0][0]
                ctx.fail(
                    line,
                    [self.end_field],
                    f"the file name names {groups['mon']} {year_text} but the latest period in the file ends "
                    f"{latest.isoformat()}: wrong file for its name",
                )
        return f"{self.prefix}-{kind}|{latest.isoformat()}"


@dataclass(frozen=True)
class PrefixAndLatestQuarter:
    """``<prefix>|<latest NOF quarter in the file>``, e.g. ``finance|Q4 2025/26``."""

    prefix: str
    quarter_field: str = "quarter"

    def resolve(self, ctx: FileContext) -> str:
        quarters = [q for (q,) in ctx.fetchall(f'SELECT DISTINCT "{self.quarter_field}" FROM {ctx.table}')]
        return f"{self.prefix}|{max(quarters, key=quarter_sort_key)}"


# ----------------------------------------------------------------------------------------------------
# MHSDS and CSDS


def _dmy_date(name: str, *, required: bool = False) -> Field:
    """A date field written DD/MM/YYYY."""
    return Field(
        name,
        "date",
        required=required,
        date_format="%d/%m/%Y",
        date_pattern=r"\d{2}/\d{2}/\d{4}",
        date_description="DD/MM/YYYY",
    )


def _iso_date(name: str, *, required: bool = False) -> Field:
    """A date field written YYYY-MM-DD."""
    return Field(
        name,
        "date",
        required=required,
        date_format="%Y-%m-%d",
        date_pattern=r"\d{4}-\d{2}-\d{2}",
        date_description="YYYY-MM-DD",
    )


MHSDS_MONTHLY = Collection(
    name="mhsds_monthly",
    cadence="monthly",
    description="MHSDS Monthly Statistics CSVs: main, out-of-area placements, 4-week waits (raw_formats §6.1)",
    file_pattern=MHSDS_FILE_NAME.pattern,
    layouts=(
        Layout(
            "mhsds_long_11",
            (
                "REPORTING_PERIOD_START",
                "REPORTING_PERIOD_END",
                "STATUS",
                "BREAKDOWN",
                "PRIMARY_LEVEL",
                "PRIMARY_LEVEL_DESCRIPTION",
                "SECONDARY_LEVEL",
                "SECONDARY_LEVEL_DESCRIPTION",
                "MEASURE_ID",
                "MEASURE_NAME",
                "MEASURE_VALUE",
            ),
        ),
    ),
    fields=(
        _dmy_date("reporting_period_start", required=True),
        _dmy_date("reporting_period_end", required=True),
        Field("status", required=True),
        Field("breakdown", required=True),
        Field("primary_level", required=True),
        Field("primary_level_description"),
        Field("secondary_level", required=True),
        Field("secondary_level_description"),
        Field("measure_id", required=True),
        Field("measure_name"),
        # Text on purpose: '*' (suppressed) must reach staging; any other value must be a number.
        Field(
            "measure_value",
            required=True,
            pattern=rf"\*|{NUMBER_PATTERN}",
            pattern_description="a number or the suppression marker '*'",
        ),
    ),
    key=(
        "reporting_period_start",
        "reporting_period_end",
        "breakdown",
        "primary_level",
        "secondary_level",
        "measure_id",
    ),
    # Mostly counts, but some measures are changes on a year before (MHS95h, negative when a count fell): only the
    # size is bounded, and infinity ('1e309') refused (checked where the value is a number, not '*').
    plausibility=(
        Within(("measure_value",), -1e12, 1e12, "a value of plausible size (between -1e12 and 1e12)"),
        PeriodOf("date_trunc('month', reporting_period_end)", ("reporting_period_end",)),
    ),
    period_key=FileKindAndLatestDate("mhsds", "reporting_period_end", MHSDS_FILE_NAME),
)

CSDS_CORE = Collection(
    name="csds_core",
    cadence="monthly",
    description="Community Services Statistics core data csds-<mon><yy>-exp-core-data.csv (raw_formats §6.2)",
    file_pattern=_CSDS_FILE_NAME.pattern,
    layouts=(
        Layout(
            "csds_core_15",
            (
                "REPORTING_PERIOD_START",
                "REPORTING_PERIOD_END",
                "ORG_CODE",
                "ORG_NAME",
                "ORG_LEVEL",
                "DIMENSION",
                "COUNT_OF",
                "MEASURE",
                "MEASURE_DESC",
                "MEASURE_2",
                "MEASURE_2_DESC",
                "MEASURE_VALUE",
                "MEASURE_VALUE_0_18",
                "MEASURE_VALUE_19_64",
                "MEASURE_VALUE_65_PLUS",
            ),
        ),
    ),
    fields=(
        _iso_date("reporting_period_start", required=True),
        _iso_date("reporting_period_end", required=True),
        Field("org_code", required=True),
        Field("org_name"),
        Field("org_level", required=True),
        Field("dimension", required=True),
        Field("count_of", required=True),
        Field("measure"),
        Field("measure_desc"),
        Field("measure_2"),
        Field("measure_2_desc"),
        Field("measure_value", "number"),
        Field("measure_value_0_18", "number"),
        Field("measure_value_19_64", "number"),
        Field("measure_value_65_plus", "number"),
    ),
    key=(
        "reporting_period_start",
        "reporting_period_end",
        "org_code",
        "org_level",
        "dimension",
        "count_of",
        "measure",
        "measure_2",
    ),
    # The publisher leaves the age-band cells blank on organisation-count rows; the team's DERIVED RDY-only copy
    # (re-written by R) spells that blank 'NA'. Both mean "no value".
    null_tokens=("NA",),
    plausibility=(
        NonNegative(("measure_value", "measure_value_0_18", "measure_value_19_64", "measure_value_65_plus")),
        PeriodOf("date_trunc('month', reporting_period_end)", ("reporting_period_end",)),
    ),
    period_key=FileKindAndLatestDate("csds", "reporting_period_end", _CSDS_FILE_NAME),
)

# ----------------------------------------------------------------------------------------------------
# Input templates (data/inputs/README.md documents every column)

_QUARTER = Field("quarter", required=True, pattern=QUARTER_PATTERN, pattern_description="like 'Q1 2025/26'")
_TRUST = Field("trust_code", required=True, pattern=r"[A-Z0-9]{3,5}", pattern_description="an ODS trust code")
_SOURCE = Field("source", required=True)
_YES_NO = ("Yes", "No")

NOF_INPUT_FINANCE = Collection(
    name="nof_input_finance",
    cadence="quarterly",
    description="Input template: planned surplus/deficit %, YTD variance to plan %, deficit/support flag",
    file_pattern=r"nof-input-finance.*\.csv",
    layouts=(
        Layout(
            "finance_v1",
            (
                "Quarter",
                "Trust_code",
                "Planned_surplus_deficit_pct",
                "Plan_reporting_date",
                "Ytd_variance_to_plan_pct",
                "Ytd_reporting_date",
                "Financial_override",
                "Source",
            ),
        ),
    ),
    fields=(
        _QUARTER,
        _TRUST,
        Field("planned_surplus_deficit_pct", "number"),
        Field("plan_reporting_date"),
        Field("ytd_variance_to_plan_pct", "number"),
        Field("ytd_reporting_date"),
        Field("financial_override", allowed=_YES_NO),
        _SOURCE,
    ),
    key=("quarter", "trust_code"),
    plausibility=(QUARTER_PERIOD,),
    period_key=PrefixAndLatestQuarter("finance"),
)

NOF_INPUT_RECOVERY_SUPPORT = Collection(
    name="nof_input_recovery_support",
    cadence="quarterly",
    description="Input template: Recovery Support Programme membership per trust and quarter",
    file_pattern=r"nof-input-recovery-support.*\.csv",
    layouts=(Layout("rsp_v1", ("Quarter", "Trust_code", "In_recovery_support_programme", "Source")),),
    fields=(_QUARTER, _TRUST, Field("in_recovery_support_programme", required=True, allowed=_YES_NO), _SOURCE),
    key=("quarter", "trust_code"),
    plausibility=(QUARTER_PERIOD,),
    period_key=PrefixAndLatestQuarter("recovery-support"),
)

NOF_INPUT_CQC_SAFE = Collection(
    name="nof_input_cqc_safe",
    cadence="quarterly",
    description="Input template: CQC 'safe' key-question rating per trust, as used in a NOF quarter",
    file_pattern=r"nof-input-cqc-safe.*\.csv",
    layouts=(Layout("cqc_safe_v1", ("Quarter", "Trust_code", "Safe_rating", "Rating_level", "Rating_date", "Source")),),
    fields=(
        _QUARTER,
        _TRUST,
        Field("safe_rating", required=True, allowed=("Outstanding", "Good", "Requires improvement", "Inadequate")),
        Field("rating_level", required=True, allowed=("provider", "location")),
        _iso_date("rating_date"),
        _SOURCE,
    ),
    key=("quarter", "trust_code"),
    plausibility=(QUARTER_PERIOD,),
    period_key=PrefixAndLatestQuarter("cqc-safe"),
)

NOF_INPUT_HCAI = Collection(
    name="nof_input_hcai",
    cadence="quarterly",
    description="Input template: HCAI counts and rates (MRSA OF0020, E. coli OF0048, C. difficile OF0088)",
    file_pattern=r"nof-input-hcai.*\.csv",
    layouts=(Layout("hcai_v1", ("Quarter", "Trust_code", "Metric_ID", "Count", "Rate", "Reporting_date", "Source")),),
    fields=(
        _QUARTER,
        _TRUST,
        Field("metric_id", required=True, allowed=("OF0020", "OF0048", "OF0088")),
        Field("count", "number"),
        Field("rate", "number"),
        Field("reporting_date"),
        _SOURCE,
    ),
    key=("quarter", "trust_code", "metric_id"),
    plausibility=(NonNegative(("count", "rate")), QUARTER_PERIOD),
    period_key=PrefixAndLatestQuarter("hcai"),
)

NOF_INPUT_METRIC_VALUES = Collection(
    name="nof_input_metric_values",
    cadence="quarterly",
    description=(
        "Input template: any registry metric's value (or, for a metric scored from data the engine does not "
        "receive, its score) per quarter and trust, e.g. discharge delays OF0025, SHMI OF1046"
    ),
    file_pattern=r"nof-input-metric-values.*\.csv",
    layouts=(
        Layout(
            "metric_values_v1",
            ("Quarter", "Trust_code", "Metric_ID", "Value", "Units", "Score", "Reporting_date", "Source"),
        ),
    ),
    fields=(
        _QUARTER,
        _TRUST,
        Field("metric_id", required=True, pattern=r"OF0[0-9]{3}", pattern_description="a NOF value id like OF0025"),
        Field("value", "number"),
        Field("units"),
        Field("score", "number"),
        Field("reporting_date"),
        _SOURCE,
    ),
    key=("quarter", "trust_code", "metric_id"),
    reference_checks=(RegistryIds("metric_id", (("metric_registry.csv", ("metric_id",)),)),),
    # A value may be negative (e.g. OF0106, planned vs actual); a metric score runs from 1 to 4.
    plausibility=(Within(("score",), 1, 4, "a metric score (1-4)"), QUARTER_PERIOD),
    period_key=PrefixAndLatestQuarter("metric-values"),
)

#: This module's collections, in matching order.
MHC_COLLECTIONS: tuple[Collection, ...] = (
    MHSDS_MONTHLY,
    CSDS_CORE,
    NOF_INPUT_FINANCE,
    NOF_INPUT_RECOVERY_SUPPORT,
    NOF_INPUT_CQC_SAFE,
    NOF_INPUT_HCAI,
    NOF_INPUT_METRIC_VALUES,
)
