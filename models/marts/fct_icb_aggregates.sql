-- Descriptive roll-ups of each ICB's trusts [I: not an NHS England statistic; ICBs were not segmented in 2025/26],
-- one column per cohort and final segment: the counts are sums of the long-form fct_icb_segment_counts (one row
-- per ICB x cohort x final segment); the average-score statistics and the trust list come from the league rows.
with

segment_counts as (
    select * from {{ ref('fct_icb_segment_counts') }}
),

league as (
    select * from {{ ref('fct_league_table') }}
),

counts as (
    select
        data_source,
        quarter,
        icb_code,
        min(icb_name) as icb_name,
        cast(sum(trusts) as integer) as trusts,
        {%- for cohort in ['acute', 'mental_health_community', 'ambulance'] %}
            cast(coalesce(sum(trusts) filter (where cohort = '{{ cohort }}'), 0) as integer) as trusts_{{ cohort }},
        {%- endfor %}
        {%- for segment in range(1, 6) %}
            cast(coalesce(sum(trusts) filter (where final_segment = {{ segment }}), 0) as integer)
                as trusts_final_segment_{{ segment }},
        {%- endfor %}
        cast(max(final_segment) as integer) as worst_final_segment,
        cast(sum(persistent_underperformers) as integer) as persistent_underperformers,
        cast(sum(trusts_in_financial_deficit) as integer) as trusts_in_financial_deficit
    from segment_counts
    group by data_source, quarter, icb_code
),

scores as (
    select
        data_source,
        quarter,
        coalesce(icb_code, 'UNMAPPED') as icb_code,
        {{ ordered_avg('average_score') }} as mean_average_score,
        median(average_score) as median_average_score,
        {{ ordered_string_agg('trust_code', "', '", 'trust_code') }} as trust_codes
    from league
    group by data_source, quarter, coalesce(icb_code, 'UNMAPPED')
),

final as (
    -- columns in the contract's order (yml)
    select
        counts.*,
        scores.mean_average_score,
        scores.median_average_score,
        scores.trust_codes
    from counts
    inner join scores
        on
            counts.data_source = scores.data_source
            and counts.quarter = scores.quarter
            and counts.icb_code = scores.icb_code
)

select * from final
