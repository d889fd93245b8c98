-- The reconciliation checks as the publication gate judges them: one row per data source x check, the check's
-- rates over every quarter, or on the one quarter the reconciliation_checks seed's judged_on names (judged_quarter;
-- null when judged over every quarter). The rows are those marked is_judged in rpt_reconciliation_by_quarter and
-- rpt_reconciliation_overall (the same figures at each grain), computed from the same comparisons by the macro
-- reconciliation_rates.
with

compared as (
    select * from {{ ref('int_reconciliation__compared') }}
),

by_quarter as (
    {{ reconciliation_rates('compared', by_quarter=true) | indent(4) }}
),

overall as (
    {{ reconciliation_rates('compared', by_quarter=false) | indent(4) }}
),

judged as (
    select
        {{ star_except(['quarter', 'is_judged']) }},
        quarter as judged_quarter
    from by_quarter
    where is_judged
    union all
    select
        {{ star_except(['is_judged']) }},
        cast(null as string) as judged_quarter
    from overall
    where is_judged
),

final as (
    select
        data_source,
        check_name,
        judged_on,
        judged_quarter,
        compared,
        matched,
        excepted,
        exceptions_applied,
        match_rate,
        largest_difference,
        tolerance,
        min_match_rate,
        meets_threshold
    from judged
)

select * from final
