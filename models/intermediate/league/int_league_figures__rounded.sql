-- What snp_league_table records of each league-table row (issue 13.4): the figures a reader sees, the average
-- rounded at 1e-9 so that the order of a floating-point sum does not make a new vintage.
with

league as (
    select * from {{ ref('fct_league_table') }}
),

final as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        trust_name,
        round(average_score, 9) as average_score,
        unadjusted_segment,
        financial_override,
        adjusted_segment,
        recovery_support,
        final_segment,
        league_rank,
        cohort_size,
        metrics_scored
    from league
)

select * from final
