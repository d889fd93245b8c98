-- How much a quarter's metrics move between a provisional table and the final one (issue 14), per metric x
-- months available x quarter, from the engine's own scenarios: the score (and value) each trust's metric has in
-- provisional_<n>m against its final score, over every trust scored in both. revision_sd_excluding_quarter is
-- the root mean square score revision over every OTHER quarter (leave one quarter out), so a quarter's likely
-- ranges are never widened with its own outcome; a metric with no other quarter takes the pooled figure of every
-- metric at the same months available (revision_sd_source says which).
with

scores as (
    select * from {{ ref('int_metric_scores__scored') }}
),

scenarios as (
    select * from {{ ref('engine_scenarios') }}
    where scenario_kind = 'provisional'
),

scenario_values as (
    select * from {{ ref('int_metric_values__scenarios') }}
),

pairs as (
    select
        scenarios.months_available,
        provisional.quarter,
        provisional.metric_id,
        provisional.trust_code,
        coalesce(scenario_values.value_basis, 'derived') as value_basis,
        final.score - provisional.score as score_revision,
        final.value - provisional.value as value_revision
    from scores as provisional
    inner join scenarios on provisional.scenario = scenarios.scenario
    inner join scores as final
        on
            final.scenario = 'final'
            and provisional.data_source = final.data_source
            and provisional.quarter = final.quarter
            and provisional.trust_code = final.trust_code
            and provisional.metric_id = final.metric_id
    left join scenario_values
        on
            provisional.scenario = scenario_values.scenario
            and provisional.data_source = scenario_values.data_source
            and provisional.quarter = scenario_values.quarter
            and provisional.trust_code = scenario_values.trust_code
            and provisional.metric_id = scenario_values.metric_id
    where provisional.include_in_average and provisional.score is not null and final.score is not null
),

by_quarter as (
    select
        months_available,
        quarter,
        metric_id,
        count(*) as trusts_compared,
        count(*) filter (where value_basis = 'provisional') as trusts_provisional,
        count(*) filter (where value_basis = 'carried_forward') as trusts_carried_forward,
        {{ ordered_sum('score_revision * score_revision') }} as score_revision_sum_of_squares,
        {{ ordered_avg('abs(score_revision)') }} as mean_abs_score_revision,
        {{ ordered_avg('abs(value_revision)') }} as mean_abs_value_revision
    from pairs
    group by months_available, quarter, metric_id
),

left_out as (
    select
        *,
        sum(score_revision_sum_of_squares) over (partition by months_available, metric_id)
        - score_revision_sum_of_squares as other_sum_of_squares,
        sum(trusts_compared) over (partition by months_available, metric_id) - trusts_compared as other_trusts,
        sum(score_revision_sum_of_squares) over (partition by months_available)
        - sum(score_revision_sum_of_squares) over (partition by months_available, quarter) as pooled_sum_of_squares,
        sum(trusts_compared) over (partition by months_available)
        - sum(trusts_compared) over (partition by months_available, quarter) as pooled_trusts
    from by_quarter
),

final as (
    select
        months_available,
        quarter,
        metric_id,
        trusts_compared,
        trusts_provisional,
        trusts_carried_forward,
        sqrt(score_revision_sum_of_squares / trusts_compared) as score_revision_rms,
        mean_abs_score_revision,
        mean_abs_value_revision,
        -- the window sums above add doubles in no defined order: rounded to 12 dp so builds are bit-identical
        round(
            coalesce(
                sqrt(other_sum_of_squares / nullif(other_trusts, 0)),
                sqrt(pooled_sum_of_squares / nullif(pooled_trusts, 0))
            ),
            12
        ) as revision_sd_excluding_quarter,
        case
            when other_trusts > 0 then 'metric, other quarters'
            when pooled_trusts > 0 then 'every metric, other quarters'
        end as revision_sd_source
    from left_out
)

select * from final
