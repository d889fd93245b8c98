-- What snp_metric_scores records of each metric score (issue 13.4): value and score rounded at 1e-9 so that the
-- order of a floating-point sum does not make a new vintage, and where the value came from.
with

scores as (
    select * from {{ ref('fct_metric_scores') }}
),

final as (
    select
        data_source,
        quarter,
        trust_code,
        metric_id,
        round(value, 9) as value,
        round(score, 9) as score,
        value_origin
    from scores
)

select * from final
