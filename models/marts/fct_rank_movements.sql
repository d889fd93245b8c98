-- Why a trust's segment and rank moved between two consecutive league-table quarters of its cohort (issue 13.1).
-- Pairs: each quarter of a data source x cohort with the previous quarter that cohort has a table for, for the
-- trusts ranked in both. The per-metric split of the average-score change is fct_rank_movement_contributions.
-- Segment change (final segment), split exactly into four parts:
--   own score      unadjusted segment of the new average against the OLD cut-points minus the old unadjusted one
--   cut-points     new unadjusted segment minus that counterfactual (the cut-points moved under the new score)
--   override       change in (adjusted - unadjusted): the financial override started, stopped or bit differently
--   segment 5      change in (final - adjusted): Recovery Support Programme membership
-- Rank change, split exactly into two parts:
--   own movement   the rank the trust would have had with its new adjusted segment and average among the other
--                  trusts' OLD positions (competition rank by the league order) minus its old rank
--   others         new rank minus that counterfactual: other trusts moved (or joined or left the cohort)
with

league as (
    select * from {{ ref('int_league__ranked') }}
    where scenario = 'final'
),

quarters as (
    select distinct
        data_source,
        cohort,
        quarter,
        quarter_start_date
    from league
),

quarter_pairs as (
    select
        data_source,
        cohort,
        lag(quarter) over (
            partition by data_source, cohort order by quarter_start_date
        ) as quarter_from,
        lag(quarter_start_date) over (
            partition by data_source, cohort order by quarter_start_date
        ) as quarter_start_date_from,
        quarter as quarter_to,
        quarter_start_date as quarter_start_date_to
    from quarters
),

trust_pairs as (
    select
        quarter_pairs.*,
        league_from.trust_code,
        league_from.average_score as average_score_from,
        league_to.average_score as average_score_to,
        league_from.metrics_scored as metrics_scored_from,
        league_to.metrics_scored as metrics_scored_to,
        league_from.cut_point_1 as cut_point_1_from,
        league_from.cut_point_2 as cut_point_2_from,
        league_from.cut_point_3 as cut_point_3_from,
        league_to.cut_point_1 as cut_point_1_to,
        league_to.cut_point_2 as cut_point_2_to,
        league_to.cut_point_3 as cut_point_3_to,
        league_from.unadjusted_segment as unadjusted_segment_from,
        league_to.unadjusted_segment as unadjusted_segment_to,
        league_from.financial_override as financial_override_from,
        league_to.financial_override as financial_override_to,
        league_from.adjusted_segment as adjusted_segment_from,
        league_to.adjusted_segment as adjusted_segment_to,
        league_from.recovery_support as recovery_support_from,
        league_to.recovery_support as recovery_support_to,
        league_from.final_segment as final_segment_from,
        league_to.final_segment as final_segment_to,
        league_from.league_rank as league_rank_from,
        league_to.league_rank as league_rank_to,
        league_from.cohort_size as cohort_size_from,
        league_to.cohort_size as cohort_size_to,
        {{ segment_from_cut_points(
            segment_average_score('league_to.average_score'),
            'league_from.cut_point_1', 'league_from.cut_point_2', 'league_from.cut_point_3'
        ) }} as unadjusted_segment_at_old_cut_points
    from quarter_pairs
    inner join league as league_from
        on
            quarter_pairs.data_source = league_from.data_source
            and quarter_pairs.cohort = league_from.cohort
            and quarter_pairs.quarter_from = league_from.quarter
    inner join league as league_to
        on
            quarter_pairs.data_source = league_to.data_source
            and quarter_pairs.cohort = league_to.cohort
            and quarter_pairs.quarter_to = league_to.quarter
            and league_from.trust_code = league_to.trust_code
    where quarter_pairs.quarter_from is not null
),

-- for each moving trust: the other trusts' old league positions plus its own new one, ranked by the league order
counterfactual_field as (
    select
        trust_pairs.data_source,
        trust_pairs.cohort,
        trust_pairs.quarter_to,
        trust_pairs.trust_code as moving_trust_code,
        others.trust_code,
        others.adjusted_segment,
        others.average_score
    from trust_pairs
    inner join league as others
        on
            trust_pairs.data_source = others.data_source
            and trust_pairs.cohort = others.cohort
            and trust_pairs.quarter_from = others.quarter
            and trust_pairs.trust_code != others.trust_code
    union all
    select
        data_source,
        cohort,
        quarter_to,
        trust_code as moving_trust_code,
        trust_code,
        adjusted_segment_to as adjusted_segment,
        average_score_to as average_score
    from trust_pairs
),

counterfactual_ranked as (
    select
        *,
        rank() over (
            partition by data_source, cohort, quarter_to, moving_trust_code order by {{ league_order() }}
        ) as counterfactual_rank
    from counterfactual_field
),

counterfactual_ranks as (
    select
        data_source,
        cohort,
        quarter_to,
        trust_code,
        counterfactual_rank
    from counterfactual_ranked
    where trust_code = moving_trust_code
),

explained as (
    select
        trust_pairs.*,
        counterfactual_ranks.counterfactual_rank as rank_with_own_movement_only,
        trust_pairs.average_score_to - trust_pairs.average_score_from as average_score_change,
        trust_pairs.final_segment_to - trust_pairs.final_segment_from as final_segment_change,
        trust_pairs.unadjusted_segment_at_old_cut_points
        - trust_pairs.unadjusted_segment_from as segment_change_own_score,
        trust_pairs.unadjusted_segment_to
        - trust_pairs.unadjusted_segment_at_old_cut_points as segment_change_cut_points,
        (trust_pairs.adjusted_segment_to - trust_pairs.unadjusted_segment_to)
        - (trust_pairs.adjusted_segment_from - trust_pairs.unadjusted_segment_from) as segment_change_override,
        (trust_pairs.final_segment_to - trust_pairs.adjusted_segment_to)
        - (trust_pairs.final_segment_from - trust_pairs.adjusted_segment_from) as segment_change_segment_5,
        trust_pairs.league_rank_to - trust_pairs.league_rank_from as rank_change,
        counterfactual_ranks.counterfactual_rank - trust_pairs.league_rank_from as rank_change_own_movement,
        trust_pairs.league_rank_to - counterfactual_ranks.counterfactual_rank as rank_change_others_movement
    from trust_pairs
    inner join counterfactual_ranks
        on
            trust_pairs.data_source = counterfactual_ranks.data_source
            and trust_pairs.cohort = counterfactual_ranks.cohort
            and trust_pairs.quarter_to = counterfactual_ranks.quarter_to
            and trust_pairs.trust_code = counterfactual_ranks.trust_code
),

final as (
    select
        data_source,
        cohort,
        trust_code,
        quarter_from,
        quarter_to,
        quarter_start_date_from,
        quarter_start_date_to,
        cast({{ months_apart('quarter_start_date_from', 'quarter_start_date_to') }} / 3 as integer) as quarters_apart,
        average_score_from,
        average_score_to,
        average_score_change,
        cast(metrics_scored_from as integer) as metrics_scored_from,
        cast(metrics_scored_to as integer) as metrics_scored_to,
        cut_point_1_from,
        cut_point_2_from,
        cut_point_3_from,
        cut_point_1_to,
        cut_point_2_to,
        cut_point_3_to,
        cast(unadjusted_segment_from as integer) as unadjusted_segment_from,
        cast(unadjusted_segment_to as integer) as unadjusted_segment_to,
        cast(unadjusted_segment_at_old_cut_points as integer) as unadjusted_segment_at_old_cut_points,
        financial_override_from,
        financial_override_to,
        cast(adjusted_segment_from as integer) as adjusted_segment_from,
        cast(adjusted_segment_to as integer) as adjusted_segment_to,
        recovery_support_from,
        recovery_support_to,
        cast(final_segment_from as integer) as final_segment_from,
        cast(final_segment_to as integer) as final_segment_to,
        cast(final_segment_change as integer) as final_segment_change,
        cast(segment_change_own_score as integer) as segment_change_own_score,
        cast(segment_change_cut_points as integer) as segment_change_cut_points,
        cast(segment_change_override as integer) as segment_change_override,
        cast(segment_change_segment_5 as integer) as segment_change_segment_5,
        case
            when
                final_segment_change = 0 and segment_change_own_score = 0 and segment_change_cut_points = 0
                and segment_change_override = 0 and segment_change_segment_5 = 0
                then 'unchanged'
            else concat_ws(
                '; ',
                case when segment_change_own_score != 0 then 'own score crossed a cut-point' end,
                case when segment_change_cut_points != 0 then 'the cut-points moved' end,
                case when segment_change_override != 0 then 'financial override' end,
                case when segment_change_segment_5 != 0 then 'segment 5 (Recovery Support Programme)' end
            )
        end as segment_change_reason,
        cast(league_rank_from as integer) as league_rank_from,
        cast(league_rank_to as integer) as league_rank_to,
        cast(rank_change as integer) as rank_change,
        cast(rank_with_own_movement_only as integer) as rank_with_own_movement_only,
        cast(rank_change_own_movement as integer) as rank_change_own_movement,
        cast(rank_change_others_movement as integer) as rank_change_others_movement,
        cast(cohort_size_from as integer) as cohort_size_from,
        cast(cohort_size_to as integer) as cohort_size_to
    from explained
)

select * from final
