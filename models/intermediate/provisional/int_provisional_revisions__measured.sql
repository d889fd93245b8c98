-- How much a quarter's metrics move between a provisional table and the final one (issue 14), per metric x
-- months available x quarter, from the engine's own scenarios: the score (and value) each trust's metric has in
-- provisional_<n>m against its final score, over every trust scored in both. revision_sd_excluding_quarter is
-- the root mean square score revision over every OTHER quarter (leave one quarter out), so a quarter's likely
-- ranges are never widened with its own outcome; a metric with no other quarter takes the pooled figure of every
-- metric at the same months available (revision_sd_source says which).
with

paired as (
    select * from {{ ref('int_provisional_metrics__paired') }}
),

pairs as (
    select
        months_available,
        quarter,
        metric_id,
        trust_code,
        value_basis,
        final_score - provisional_score as score_revision,
        final_value - provisional_value as value_revision
    from paired
    where include_in_average
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
