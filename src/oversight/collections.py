"""The input collections the landing step knows, written as data: the registry :data:`COLLECTIONS`.

The vocabulary (:class:`Collection`, :class:`Layout`, :class:`Field`, per-file and plausibility rules) lives in
:mod:`oversight.collection_model` and is re-exported here. This module declares NHS England's NOF files, the ODS
trust list and the A&E system mapping, and appends the per-group modules (:mod:`oversight.collections_acute`,
:mod:`oversight.collections_mhc`, :mod:`oversight.collections_workforce_community`), which import only
:mod:`oversight.collection_model`: imports run one way, registry -> groups -> model. A new collection is one more
entry in :data:`COLLECTIONS`.
"""

from __future__ import annotations

from collections.abc import Sequence

from oversight.collection_model import (
    NUMBER_PATTERN,
    QUARTER_PATTERN,
    QUARTER_PERIOD,
    RANGE_PATTERN,
    Collection,
    CsvDialect,
    Field,
    FileContext,
    FileNameDateOrMax,
    Layout,
    NonNegative,
    NotAbove,
    PeriodOf,
    Plausibility,
    PrefixAndField,
    PrefixAndFileNameDate,
    RegistryIds,
    SingleDistinctMatch,
    TypeAndLatestQuarter,
    Within,
    date_in_file_name,
    not_above,
    number_field,
    quarter_sort_key,
    revision_in_file_name,
    slug,
    snake,
    text_field,
)
from oversight.collections_acute import ACUTE_COLLECTIONS
from oversight.collections_mhc import MHC_COLLECTIONS
from oversight.collections_workforce_community import WORKFORCE_COMMUNITY_COLLECTIONS
from oversight.containers import Sheet

__all__ = [
    "COLLECTIONS",
    "NOF_DATA_COLUMNS",
    "NOF_LEAGUE_TABLE_COLUMNS",
    "NUMBER_PATTERN",
    "QUARTER_PATTERN",
    "RANGE_PATTERN",
    "Collection",
    "CsvDialect",
    "Field",
    "FileContext",
    "FileNameDateOrMax",
    "Layout",
    "NonNegative",
    "NotAbove",
    "PeriodOf",
    "Plausibility",
    "PrefixAndField",
    "PrefixAndFileNameDate",
    "RegistryIds",
    "SingleDistinctMatch",
    "TypeAndLatestQuarter",
    "Within",
    "collection_by_name",
    "date_in_file_name",
    "match_collection",
    "match_collections",
    "not_above",
    "quarter_sort_key",
    "revision_in_file_name",
    "slug",
    "snake",
]

_TRUST_TYPE = Field(
    "trust_type",
    required=True,
    value_map=(("Non-acute hospital trust", "Mental health and community trust"),),
    keep_published_as="trust_type_as_published",
)
_QUARTER = Field("quarter", required=True, pattern=QUARTER_PATTERN, pattern_description="like 'Q1 2025/26'")
_RANGE = {"pattern": RANGE_PATTERN, "pattern_description": "a range like '1.2 to 1.89'"}

#: NHS England's NOF data-file header (methodology.md 9.2); the Q1 release lacks ``Quarter``.
NOF_DATA_COLUMNS = (
    "Quarter",
    "Region",
    "Trust_type",
    "Trust_subtype",
    "Trust_code",
    "Trust_name",
    "Domain",
    "Sub-domain",
    "Metric_ID",
    "Metric_description",
    "Reporting_date",
    "Units",
    "Value",
    "Median_value",
    "Lower_quartile",
    "Upper_quartile",
    "Rank",
)

NHSE_NOF_DATA = Collection(
    name="nhse_nof_data",
    cadence="quarterly",
    description="NHS Oversight Framework data file, one per trust type and release (methodology §9.2)",
    file_pattern=r"nhs-oversight-framework-.+?-trust-data.*\.csv",
    layouts=(
        Layout("with_quarter", NOF_DATA_COLUMNS),
        Layout(
            "q1_release_without_quarter",
            NOF_DATA_COLUMNS[1:],
            derived=(
                SingleDistinctMatch(
                    field="quarter",
                    source="reporting_date",
                    pattern=QUARTER_PATTERN,
                    where=(("domain", "Summary"),),
                    description="a quarter like 'Q1 2025/26'",
                ),
            ),
        ),
    ),
    fields=(
        _QUARTER,
        text_field("region"),
        _TRUST_TYPE,
        text_field("trust_subtype"),
        text_field("trust_code", required=True),
        text_field("trust_name"),
        text_field("domain"),
        text_field("sub_domain"),
        text_field("metric_id", required=True),
        text_field("metric_description"),
        text_field("reporting_date"),
        text_field("units"),
        number_field("value"),
        number_field("median_value"),
        number_field("lower_quartile"),
        number_field("upper_quartile"),
        number_field("rank"),
    ),
    key=("quarter", "trust_code", "metric_id", "units"),
    reference_checks=(
        RegistryIds(
            "metric_id",
            (("metric_registry.csv", ("metric_id", "score_id")), ("nof_summary_metrics.csv", ("metric_id",))),
        ),
    ),
    # Values may be negative (finance, planned vs actual) or above 100 (% of plan): only ranks are bounded.
    plausibility=(NonNegative(("rank",)), QUARTER_PERIOD),
    period_key=TypeAndLatestQuarter(),
)

#: NHS England's NOF league-table header (methodology.md 9.3).
NOF_LEAGUE_TABLE_COLUMNS = (
    "Quarter",
    "Region",
    "Trust_type",
    "Trust_subtype",
    "Trust_code",
    "Trust_name",
    "Average_score",
    "Likely_range_of_average_score",
    "Segment",
    "Trust_in_financial_deficit",
    "Rank",
    "Likely_range_of_rank",
)

NHSE_NOF_LEAGUE_TABLE = Collection(
    name="nhse_nof_league_table",
    cadence="quarterly",
    description="NHS Oversight Framework league table, one per trust type and quarter (methodology §9.3)",
    file_pattern=r"nhs-oversight-framework-.+?-trust-league-table.*\.csv",
    layouts=(
        Layout("with_quarter", NOF_LEAGUE_TABLE_COLUMNS),
        Layout(
            "q1_release_reporting_date",
            ("Reporting_date", *NOF_LEAGUE_TABLE_COLUMNS[1:]),
            renames=(("Reporting_date", "quarter"),),
        ),
    ),
    fields=(
        _QUARTER,
        text_field("region"),
        _TRUST_TYPE,
        text_field("trust_subtype"),
        text_field("trust_code", required=True),
        text_field("trust_name"),
        number_field("average_score"),
        text_field("likely_range_of_average_score", **_RANGE),
        number_field("segment"),
        text_field("trust_in_financial_deficit", allowed=("Yes", "No")),
        number_field("rank"),
        text_field("likely_range_of_rank", **_RANGE),
    ),
    key=("quarter", "trust_code"),
    # Scores run from 1 to 4, segments from 1 to 5 (methodology §4-§5).
    plausibility=(
        Within(("average_score",), 1, 4, "an average metric score (1-4)"),
        Within(("segment",), 1, 5, "a segment (1-5)"),
        NonNegative(("rank",)),
        QUARTER_PERIOD,
    ),
    period_key=TypeAndLatestQuarter(),
)

_ETR_COLUMNS = (
    "Organisation Code",
    "Name",
    "National Grouping",
    "High Level Health Geography",
    *(f"Address Line {i}" for i in range(1, 6)),
    "Postcode",
    "Open Date",
    "Close Date",
    *(f"Null {i}" for i in range(13, 22)),
    "Amended Record Indicator",
    "Null 23",
    "GOR Code",
    *(f"Null {i}" for i in range(25, 28)),
)

ODS_ETR = Collection(
    name="ods_etr",
    description="ODS etr.csv: NHS trusts, header-less, 27 quoted columns (raw_formats §9.1)",
    file_pattern=r"etr.*\.csv",
    layouts=(
        Layout(
            "ods_etr_27",
            _ETR_COLUMNS,
            has_header=False,
            derived=(FileNameDateOrMax("snapshot_date", ("open_date", "close_date")),),
        ),
    ),
    fields=(
        text_field("organisation_code", required=True),
        text_field("name"),
        text_field("national_grouping"),
        text_field("high_level_health_geography"),
        text_field("postcode"),
        Field("open_date", "date"),
        Field("close_date", "date"),
        text_field("gor_code"),
        Field("snapshot_date", "date"),
    ),
    key=("organisation_code",),
    period_key=PrefixAndField("etr", "snapshot_date"),
)

NHSE_AE_SYSTEM_MAPPING = Collection(
    name="nhse_ae_system_mapping",
    description="A&E 'System Mapping' sheet: organisation -> ICB -> region (raw_formats §9.2)",
    file_pattern=r"system-mapping.*\.csv",
    layouts=(Layout("system_mapping", ("Code", "Name", "ICB Code", "ICB Name", "Region Name")),),
    fields=(
        text_field("code", required=True),
        text_field("name"),
        text_field("icb_code"),
        text_field("icb_name"),
        text_field("region_name"),
    ),
    key=("code",),
    # The team's DERIVED copy repeats one row verbatim (NNFA7, lines 115-116): keep both, warn.
    identical_duplicates="keep",
    period_key=PrefixAndFileNameDate("system-mapping"),
)

#: Every collection the landing step knows, in matching order.
COLLECTIONS: tuple[Collection, ...] = (
    NHSE_NOF_DATA,
    NHSE_NOF_LEAGUE_TABLE,
    ODS_ETR,
    NHSE_AE_SYSTEM_MAPPING,
    *WORKFORCE_COMMUNITY_COLLECTIONS,
    *ACUTE_COLLECTIONS,
    *MHC_COLLECTIONS,
)


def match_collections(file_name: str, collections: Sequence[Collection] = COLLECTIONS) -> list[Collection]:
    """Every collection whose file-name pattern matches ``file_name`` (case-insensitive).

    Several collections may claim one workbook when each reads a different sheet of it; any other overlap
    raises ``ValueError`` (a registry bug).
    """
    found = [c for c in collections if c.matches(file_name)]
    sheets = [c.container.sheet for c in found if isinstance(c.container, Sheet)]
    if len(found) > 1 and (len(sheets) != len(found) or len(set(sheets)) != len(sheets)):
        raise ValueError(f"{file_name!r} matches several collections: {[c.name for c in found]}")
    return found


def match_collection(file_name: str, collections: Sequence[Collection] = COLLECTIONS) -> Collection | None:
    """The collection whose file-name pattern matches ``file_name`` (case-insensitive), or ``None``.

    Raises ``ValueError`` if several collections claim the name (a registry bug, or sheets of one workbook:
    use :func:`match_collections`).
    """
    found = match_collections(file_name, collections)
    if len(found) > 1:
        raise ValueError(f"{file_name!r} matches several collections: {[c.name for c in found]}")
    return found[0] if found else None


def collection_by_name(name: str) -> Collection:
    for c in COLLECTIONS:
        if c.name == name:
            return c
    raise KeyError(name)
