-- Cancer waiting-times performance per provider x month x NOF metric, from the CWT provider extract and, for
-- months no extract covers, the monthly provider workbook.
-- Extract: OF0010 (28-day FDS): every FDS row (FDS has no roll-ups). OF0011 (62-day): one cut only, TREATMENT
-- MODALITY = 'ALL MODALITIES' x each cancer type; the other cut (each modality x 'ALL CANCERS') sums to the
-- same route totals (tests/singular/assert_cwt_62_day_cuts_agree.sql) [D: raw_formats 3]. All four 62-day
-- routes count (urgent suspected cancer, screening, breast symptomatic, consultant upgrade): the combined
-- standard merged them in Oct 2023 [S: NHS Lancashire and South Cumbria ICB; CRUK].
-- Workbook: the provider's 'ALL ROUTES' row of '28-DAY FDS (ALL ROUTES)' and of '62-DAY (ALL CANCER)' Part A,
-- which is the sum of its four route rows (tests/singular/assert_cwt_workbook_routes_add_up.sql).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

extract_rows as (
    select * from {{ ref('stg_nhse_cwt__provider_extract') }}
),

workbook_rows as (
    select * from {{ ref('int_cancer_waits__workbook_unioned') }}
),

from_extract as (
    select
        month_start,
        org_code,
        {{ registry_metric_id("case standard when '28-day FDS' then 'cwt_28_day_fds' else 'cwt_62_day' end") }}
            as metric_id,
        {{ ordered_sum('within_standard') }} as within_standard,
        {{ ordered_sum('total_treated') }} as total_treated,
        {{ ordered_string_agg('source_file', "'; '", 'source_file', distinct=true) }} as source_files
    from extract_rows
    where
        standard = '28-day FDS'
        or (standard = '62-day Combined' and treatment_modality = 'ALL MODALITIES')
    group by all
),

-- the extract wins for every month it covers
from_workbook as (
    select
        month_start,
        org_code,
        {{ registry_metric_id("case standard when '28-day FDS' then 'cwt_28_day_fds' else 'cwt_62_day' end") }}
            as metric_id,
        within_standard,
        total_treated,
        source_file as source_files
    from workbook_rows
    where
        referral_route = 'ALL ROUTES'
        and month_start not in (select distinct extract_rows.month_start from extract_rows)
),

unioned as (
    select * from from_extract
    union all
    select * from from_workbook
),

final as (
    select
        month_start,
        org_code,
        metric_id,
        within_standard,
        total_treated,
        100.0 * within_standard / nullif(total_treated, 0) as pct_within_standard,
        source_files
    from unioned
)

select * from final
