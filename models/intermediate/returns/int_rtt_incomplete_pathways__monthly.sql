-- RTT incomplete pathways per provider x month (every landed month, quarter end or not): the OF0023 and OF0003
-- numerators and their common denominator. Part_2 'Incomplete Pathways' rows, treatment function C_999 (the
-- roll-up; the function rows add up to it, tests/singular/assert_rtt_function_rows_add_up_to_totals.sql),
-- English commissioners only: 'NONC' (no English commissioner) is excluded [Q TA: OF0023 excludes non-English
-- commissioners; S: raw_formats 2.1, published totals reproduce without NONC], national commissioning hubs
-- (13Q, 14x, blank parent) are English and kept. Summed over commissioners. The NONC pathways are kept as a
-- column so that the exclusion can be seen.
with

pathways as (
    select * from {{ ref('stg_nhse_rtt__full_extract') }}
    where rtt_part_type = 'Part_2' and treatment_function_code = 'C_999'
),

monthly as (
    select
        month_start,
        provider_org_code,
        {{ ordered_sum('within_18_weeks', "commissioner_org_code <> 'NONC'") }} as within_18_weeks,
        {{ ordered_sum('over_52_weeks', "commissioner_org_code <> 'NONC'") }} as over_52_weeks,
        {{ ordered_sum('total_all', "commissioner_org_code <> 'NONC'") }} as waiting_list,
        coalesce({{ ordered_sum('total_all', "commissioner_org_code = 'NONC'") }}, 0) as waiting_list_nonc,
        count(distinct commissioner_org_code) filter (where commissioner_org_code <> 'NONC') as commissioners,
        {{ ordered_string_agg('source_file', "'; '", 'source_file', distinct=true) }} as source_files
    from pathways
    group by month_start, provider_org_code
),

final as (
    select
        month_start,
        provider_org_code,
        coalesce(within_18_weeks, 0) as within_18_weeks,
        coalesce(over_52_weeks, 0) as over_52_weeks,
        coalesce(waiting_list, 0) as waiting_list,
        waiting_list_nonc,
        commissioners,
        100.0 * within_18_weeks / nullif(waiting_list, 0) as pct_within_18_weeks,
        100.0 * over_52_weeks / nullif(waiting_list, 0) as pct_over_52_weeks,
        source_files
    from monthly
)

select * from final
