-- Likely ranges of the provisional tables (issue 14), widened for the months still to come. Each metric score of
-- a provisional table may still move by the time the quarter is final: by how much is measured on the other
-- quarters (int_provisional_revisions__measured: the root mean square score revision of the metric at the same
-- months available, leaving the quarter out). A trust's average may move by
--   revision_sd = sqrt(Σ (weight × metric revision sd)²) / Σ weight      (metrics moving independently)
-- and each side of its bootstrap interval is widened to sqrt(side² + (z × revision_sd)²), z the normal
-- quantile of var bootstrap_interval. The rank range is widened to the ranks the trust would take at the ends
-- of that interval (re-segmented with the quarter's cut-points and override) among the other trusts' points.
-- A metric known before the quarter starts (value_basis 'known': previous quarter, staff survey) does not move.
with

{{ provisional_scenario_imports() }}

revisions as (
    select * from {{ ref('int_provisional_revisions__measured') }}
),

bootstrapped as (
    select * from {{ ref('int_likely_ranges__bootstrapped') }}
),

metric_history as (
    -- every quarter's revisions of a metric (for a quarter with no final table to leave out)
    select
        months_available,
        metric_id,
        sqrt(
            {{ ordered_sum('score_revision_rms * score_revision_rms * trusts_compared') }} / sum(trusts_compared)
        ) as revision_sd
    from revisions
    group by months_available, metric_id
),

pooled_history as (
    select
        months_available,
        sqrt(
            {{ ordered_sum('score_revision_rms * score_revision_rms * trusts_compared') }} / sum(trusts_compared)
        ) as revision_sd
    from revisions
    group by months_available
),

metric_sds as (
    select
        scores.scenario,
        scores.data_source,
        scores.quarter,
        scores.trust_code,
        scores.weight,
        case
            when scenario_values.value_basis = 'known' then 0
            else
                coalesce(
                    revisions.revision_sd_excluding_quarter, metric_history.revision_sd, pooled_history.revision_sd, 0
                )
        end as revision_sd
    from scores
    inner join scenarios on scores.scenario = scenarios.scenario
    left join scenario_values
        on
            scores.scenario = scenario_values.scenario
            and scores.data_source = scenario_values.data_source
            and scores.quarter = scenario_values.quarter
            and scores.trust_code = scenario_values.trust_code
            and scores.metric_id = scenario_values.metric_id
    left join revisions
        on
            scenarios.months_available = revisions.months_available
            and scores.quarter = revisions.quarter
            and scores.metric_id = revisions.metric_id
    left join metric_history
        on scenarios.months_available = metric_history.months_available and scores.metric_id = metric_history.metric_id
    left join pooled_history on scenarios.months_available = pooled_history.months_available
),

trust_sds as (
    select
        scenario,
        data_source,
        quarter,
        trust_code,
        sqrt({{ ordered_sum('power(weight * revision_sd, 2)') }}) / {{ ordered_sum('weight') }} as revision_sd
    from metric_sds
    group by scenario, data_source, quarter, trust_code
),

widened_scores as (
    select
        league.*,
        trust_sds.revision_sd,
        bootstrapped.league_rank_low as bootstrap_rank_low,
        bootstrapped.league_rank_high as bootstrap_rank_high,
        league.average_score - sqrt(
            power(
                greatest(league.average_score - coalesce(bootstrapped.average_score_low, league.average_score), 0), 2
            )
            + power({{ normal_quantile('(1 + ' ~ var('bootstrap_interval') ~ ') / 2') }} * trust_sds.revision_sd, 2)
        ) as widened_average_low,
        league.average_score + sqrt(
            power(
                greatest(coalesce(bootstrapped.average_score_high, league.average_score) - league.average_score, 0), 2
            )
            + power({{ normal_quantile('(1 + ' ~ var('bootstrap_interval') ~ ') / 2') }} * trust_sds.revision_sd, 2)
        ) as widened_average_high
    from league
    inner join trust_sds
        on
            league.scenario = trust_sds.scenario
            and league.data_source = trust_sds.data_source
            and league.quarter = trust_sds.quarter
            and league.trust_code = trust_sds.trust_code
    left join bootstrapped
        on
            league.scenario = bootstrapped.scenario
            and league.data_source = bootstrapped.data_source
            and league.quarter = bootstrapped.quarter
            and league.trust_code = bootstrapped.trust_code
),

ends as (
    -- the adjusted segment and 2-dp average at each end of the widened interval
    select
        *,
        {{ adjusted_segment(
            segment_from_cut_points(
                segment_average_score('widened_average_low'), 'cut_point_1', 'cut_point_2', 'cut_point_3'
            ),
            'financial_override'
        ) }} as best_segment,
        {{ round_half_up('widened_average_low') }} as best_average_rounded,
        {{ adjusted_segment(
            segment_from_cut_points(
                segment_average_score('widened_average_high'), 'cut_point_1', 'cut_point_2', 'cut_point_3'
            ),
            'financial_override'
        ) }} as worst_segment,
        {{ round_half_up('widened_average_high') }} as worst_average_rounded
    from widened_scores
),

end_ranks as (
    -- competition ranks at each end: one plus the other trusts strictly ahead in league order
    select
        ends.scenario,
        ends.data_source,
        ends.quarter,
        ends.trust_code,
        1 + count(others.trust_code) filter (
            where
            others.adjusted_segment < ends.best_segment
            or (
                others.adjusted_segment = ends.best_segment
                and {{ round_half_up('others.average_score') }} < ends.best_average_rounded
            )
        ) as best_rank,
        1 + count(others.trust_code) filter (
            where
            others.adjusted_segment < ends.worst_segment
            or (
                others.adjusted_segment = ends.worst_segment
                and {{ round_half_up('others.average_score') }} < ends.worst_average_rounded
            )
        ) as worst_rank
    from ends
    left join league as others
        on
            ends.scenario = others.scenario
            and ends.data_source = others.data_source
            and ends.quarter = others.quarter
            and ends.cohort = others.cohort
            and ends.trust_code <> others.trust_code
    group by ends.scenario, ends.data_source, ends.quarter, ends.trust_code
),

final as (
    select
        ends.scenario,
        ends.data_source,
        ends.quarter,
        ends.trust_code,
        ends.revision_sd,
        ends.widened_average_low as average_score_low,
        ends.widened_average_high as average_score_high,
        cast(least(ends.league_rank, ends.bootstrap_rank_low, end_ranks.best_rank) as integer) as league_rank_low,
        cast(greatest(ends.league_rank, ends.bootstrap_rank_high, end_ranks.worst_rank) as integer)
            as league_rank_high
    from ends
    inner join end_ranks
        on
            ends.scenario = end_ranks.scenario
            and ends.data_source = end_ranks.data_source
            and ends.quarter = end_ranks.quarter
            and ends.trust_code = end_ranks.trust_code
)

select * from final
