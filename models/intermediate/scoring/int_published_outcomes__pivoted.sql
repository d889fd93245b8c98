-- NHS England's published outcomes per quarter x trust: summary rows of the data file (OF50xx, named by the
-- outcome column of seed nof_summary_metrics) beside the league-table file's columns (likely ranges), for the
-- engine's inputs and its reconciliation.
with

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
    where metric_family = '50'
),

summary_ids as (
    select * from {{ ref('nof_summary_metrics') }}
    where family = 'summary'
),

league_table as (
    select * from {{ ref('stg_nhse_nof__league_table') }}
),

outcomes as (
    -- each published summary row named by the outcome it publishes (seed nof_summary_metrics)
    select
        published.*,
        summary_ids.outcome
    from published
    left join summary_ids on published.metric_id = summary_ids.metric_id
),

pivoted as (
    select
        quarter,
        trust_code,
        min(value) filter (where outcome = 'average_score') as published_average_score,
        min(published_rank) filter (where outcome = 'average_score') as published_average_score_rank,
        cast(min(value) filter (where outcome = 'unadjusted_segment') as integer) as published_unadjusted_segment,
        cast(min(value) filter (where outcome = 'financial_override') as integer) = 1 as published_financial_override,
        cast(min(value) filter (where outcome = 'adjusted_segment') as integer) as published_adjusted_segment,
        min(published_rank) filter (where outcome = 'adjusted_segment') as published_league_rank,
        cast(min(value) filter (where outcome = 'final_segment') as integer) as published_final_segment,
        cast(min(value) filter (where outcome = 'recovery_support') as integer) = 1 as published_recovery_support
    from outcomes
    group by quarter, trust_code
),

final as (
    select
        coalesce(pivoted.quarter, league_table.quarter) as quarter,
        coalesce(pivoted.trust_code, league_table.trust_code) as trust_code,
        coalesce(pivoted.published_average_score, league_table.average_score) as published_average_score,
        pivoted.published_average_score_rank,
        pivoted.published_unadjusted_segment,
        coalesce(pivoted.published_financial_override, league_table.is_in_financial_deficit)
            as published_financial_override,
        coalesce(pivoted.published_adjusted_segment, league_table.adjusted_segment) as published_adjusted_segment,
        coalesce(pivoted.published_league_rank, league_table.league_rank) as published_league_rank,
        pivoted.published_final_segment,
        pivoted.published_recovery_support,
        league_table.average_score_low as published_average_score_low,
        league_table.average_score_high as published_average_score_high,
        league_table.league_rank_low as published_league_rank_low,
        league_table.league_rank_high as published_league_rank_high
    from pivoted
    full outer join league_table
        on pivoted.quarter = league_table.quarter and pivoted.trust_code = league_table.trust_code
)

select * from final
