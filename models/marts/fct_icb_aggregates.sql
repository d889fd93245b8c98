-- Descriptive roll-ups of each ICB's trusts [I: not an NHS England statistic; ICBs were not segmented in 2025/26].
with

league as (
    select * from {{ ref('fct_league_table') }}
),

persistent as (
    select * from {{ ref('int_league__persistence_ruled') }}
),

joined as (
    select
        league.*,
        coalesce(persistent.is_persistent_underperformer, false) as is_persistent_underperformer
    from league
    left join persistent
        on
            league.data_source = persistent.data_source
            and league.quarter = persistent.quarter
            and league.trust_code = persistent.trust_code
),

aggregated as (
    select
        data_source,
        quarter,
        coalesce(icb_code, 'UNMAPPED') as icb_code,
        min(icb_name) as icb_name,
        count(*) as trusts,
        count(*) filter (where cohort = 'acute') as trusts_acute,
        count(*) filter (where cohort = 'mental_health_community') as trusts_mental_health_community,
        count(*) filter (where cohort = 'ambulance') as trusts_ambulance,
        count(*) filter (where final_segment = 1) as trusts_final_segment_1,
        count(*) filter (where final_segment = 2) as trusts_final_segment_2,
        count(*) filter (where final_segment = 3) as trusts_final_segment_3,
        count(*) filter (where final_segment = 4) as trusts_final_segment_4,
        count(*) filter (where final_segment = 5) as trusts_final_segment_5,
        {{ ordered_avg('average_score') }} as mean_average_score,
        median(average_score) as median_average_score,
        max(final_segment) as worst_final_segment,
        count(*) filter (where is_persistent_underperformer) as persistent_underperformers,
        count(*) filter (where financial_override) as trusts_in_financial_deficit,
        string_agg(trust_code, ', ' order by trust_code) as trust_codes
    from joined
    group by data_source, quarter, coalesce(icb_code, 'UNMAPPED')
),

final as (
    select
        data_source,
        quarter,
        icb_code,
        icb_name,
        cast(trusts as integer) as trusts,
        cast(trusts_acute as integer) as trusts_acute,
        cast(trusts_mental_health_community as integer) as trusts_mental_health_community,
        cast(trusts_ambulance as integer) as trusts_ambulance,
        cast(trusts_final_segment_1 as integer) as trusts_final_segment_1,
        cast(trusts_final_segment_2 as integer) as trusts_final_segment_2,
        cast(trusts_final_segment_3 as integer) as trusts_final_segment_3,
        cast(trusts_final_segment_4 as integer) as trusts_final_segment_4,
        cast(trusts_final_segment_5 as integer) as trusts_final_segment_5,
        mean_average_score,
        median_average_score,
        cast(worst_final_segment as integer) as worst_final_segment,
        cast(persistent_underperformers as integer) as persistent_underperformers,
        cast(trusts_in_financial_deficit as integer) as trusts_in_financial_deficit,
        trust_codes
    from aggregated
)

select * from final
