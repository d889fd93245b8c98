-- Issue 13.1: for every row of fct_rank_movements, the per-metric contributions add up to the change in average
-- metric score to 1e-9 (a movement with no contribution rows fails too); the segment and rank changes equal the
-- sums of their parts.
with

movements as (
    select * from {{ ref('fct_rank_movements') }}
),

contributions as (
    select
        data_source,
        cohort,
        trust_code,
        quarter_to,
        sum(contribution) as contribution_sum
    from {{ ref('fct_rank_movement_contributions') }}
    group by data_source, cohort, trust_code, quarter_to
),

final as (
    select
        movements.data_source,
        movements.cohort,
        movements.trust_code,
        movements.quarter_to,
        movements.average_score_change,
        contributions.contribution_sum
    from movements
    left join contributions
        on
            movements.data_source = contributions.data_source
            and movements.cohort = contributions.cohort
            and movements.trust_code = contributions.trust_code
            and movements.quarter_to = contributions.quarter_to
    where
        contributions.contribution_sum is null
        or abs(contributions.contribution_sum - movements.average_score_change) > 1e-9
        or movements.final_segment_change != movements.segment_change_own_score
        + movements.segment_change_cut_points + movements.segment_change_override
        + movements.segment_change_segment_5
        or movements.rank_change != movements.rank_change_own_movement + movements.rank_change_others_movement
)

select * from final
