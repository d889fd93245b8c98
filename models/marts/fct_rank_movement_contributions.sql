-- Why the average metric score moved (issue 13.1): the change between two consecutive league-table quarters of a
-- cohort split exactly into one contribution per metric (and kind). With A = sum(w s) / W over the scored metrics
-- that count in the average, A0 the earlier average and W1 the later total weight (absent metric: w = 0):
--   A1 - A0 = sum over metrics of [w1 (s1 - A0) - w0 (s0 - A0)] / W1
-- and each metric's term is labelled:
--   changed   scored in both quarters:            w1 (s1 - s0) / W1
--   weight    scored in both, its weight changed: (w1 - w0) (s0 - A0) / W1
--   entered   scored in the later quarter only:   w1 (s1 - A0) / W1
--   left      scored in the earlier quarter only: -w0 (s0 - A0) / W1
--   unchanged scored in both, same score and weight: 0
-- Summed over a trust's rows these equal average_score_change in fct_rank_movements (tested to 1e-9).
with

scores as (
    select
        data_source,
        quarter,
        trust_code,
        metric_id,
        score,
        weight
    from {{ ref('int_metric_scores__scored') }}
    where scenario = 'final' and include_in_average and score is not null
),

movements as (
    select
        data_source,
        cohort,
        trust_code,
        quarter_from,
        quarter_to,
        average_score_from
    from {{ ref('fct_rank_movements') }}
),

scores_from as (
    select
        movements.*,
        scores.metric_id,
        scores.score,
        scores.weight
    from movements
    inner join scores
        on
            movements.data_source = scores.data_source
            and movements.quarter_from = scores.quarter
            and movements.trust_code = scores.trust_code
),

scores_to as (
    select
        movements.*,
        scores.metric_id,
        scores.score,
        scores.weight,
        -- ordered by weight so that the floating-point total is the same in every build
        sum(scores.weight) over (
            partition by movements.data_source, movements.cohort, movements.trust_code, movements.quarter_to
            order by scores.weight rows between unbounded preceding and unbounded following
        ) as total_weight_to
    from movements
    inner join scores
        on
            movements.data_source = scores.data_source
            and movements.quarter_to = scores.quarter
            and movements.trust_code = scores.trust_code
),

total_weights as (
    select distinct
        data_source,
        cohort,
        trust_code,
        quarter_to,
        total_weight_to
    from scores_to
),

metrics as (
    select
        coalesce(scores_from.data_source, scores_to.data_source) as data_source,
        coalesce(scores_from.cohort, scores_to.cohort) as cohort,
        coalesce(scores_from.trust_code, scores_to.trust_code) as trust_code,
        coalesce(scores_from.quarter_from, scores_to.quarter_from) as quarter_from,
        coalesce(scores_from.quarter_to, scores_to.quarter_to) as quarter_to,
        coalesce(scores_from.metric_id, scores_to.metric_id) as metric_id,
        coalesce(scores_from.average_score_from, scores_to.average_score_from) as average_score_from,
        scores_from.score as score_from,
        scores_to.score as score_to,
        scores_from.weight as weight_from,
        scores_to.weight as weight_to
    from scores_from
    full outer join scores_to
        on
            scores_from.data_source = scores_to.data_source
            and scores_from.cohort = scores_to.cohort
            and scores_from.trust_code = scores_to.trust_code
            and scores_from.quarter_to = scores_to.quarter_to
            and scores_from.metric_id = scores_to.metric_id
),

metrics_weighted as (
    select
        metrics.*,
        total_weights.total_weight_to
    from metrics
    inner join total_weights
        on
            metrics.data_source = total_weights.data_source
            and metrics.cohort = total_weights.cohort
            and metrics.trust_code = total_weights.trust_code
            and metrics.quarter_to = total_weights.quarter_to
),

contributions as (
    select
        *,
        case
            when score_from is null then 'entered'
            when score_to is null then 'left'
            when score_to != score_from then 'changed'
            else 'unchanged'
        end as kind,
        case
            when score_from is null then weight_to * (score_to - average_score_from) / total_weight_to
            when score_to is null then -weight_from * (score_from - average_score_from) / total_weight_to
            else weight_to * (score_to - score_from) / total_weight_to
        end as contribution
    from metrics_weighted
    union all
    select
        *,
        'weight' as kind,
        (weight_to - weight_from) * (score_from - average_score_from) / total_weight_to as contribution
    from metrics_weighted
    where weight_to != weight_from
),

final as (
    select
        data_source,
        cohort,
        trust_code,
        quarter_from,
        quarter_to,
        metric_id,
        kind,
        score_from,
        score_to,
        cast(weight_from as double) as weight_from,
        cast(weight_to as double) as weight_to,
        cast(total_weight_to as double) as total_weight_to,
        average_score_from,
        cast(contribution as double) as contribution
    from contributions
)

select * from final
