-- Each ICB's trusts in long form [I: not an NHS England statistic; ICBs were not segmented in 2025/26]: one row
-- per data source x quarter x ICB x cohort x final segment that has trusts, with how many, how many are persistent
-- underperformers and how many carry the financial override. Every count of fct_icb_aggregates (kept for its
-- readers) is a sum of these rows; a new cohort or segment needs no new column.
with

league as (
    select * from {{ ref('fct_league_table') }}
),

persistent as (
    select * from {{ ref('int_league__persistence_ruled') }}
),

joined as (
    select
        league.data_source,
        league.quarter,
        coalesce(league.icb_code, 'UNMAPPED') as icb_code,
        league.icb_name,
        league.cohort,
        league.final_segment,
        league.financial_override,
        coalesce(persistent.is_persistent_underperformer, false) as is_persistent_underperformer
    from league
    left join persistent
        on
            league.data_source = persistent.data_source
            and league.quarter = persistent.quarter
            and league.trust_code = persistent.trust_code
),

icb_names as (
    select
        data_source,
        quarter,
        icb_code,
        min(icb_name) as icb_name
    from joined
    group by data_source, quarter, icb_code
),

counted as (
    select
        data_source,
        quarter,
        icb_code,
        cohort,
        final_segment,
        count(*) as trusts,
        count(*) filter (where is_persistent_underperformer) as persistent_underperformers,
        count(*) filter (where financial_override) as trusts_in_financial_deficit
    from joined
    group by data_source, quarter, icb_code, cohort, final_segment
),

final as (
    select
        counted.data_source,
        counted.quarter,
        counted.icb_code,
        icb_names.icb_name,
        counted.cohort,
        cast(counted.final_segment as integer) as final_segment,
        cast(counted.trusts as integer) as trusts,
        cast(counted.persistent_underperformers as integer) as persistent_underperformers,
        cast(counted.trusts_in_financial_deficit as integer) as trusts_in_financial_deficit
    from counted
    inner join icb_names
        on
            counted.data_source = icb_names.data_source
            and counted.quarter = icb_names.quarter
            and counted.icb_code = icb_names.icb_code
)

select * from final
