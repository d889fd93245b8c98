-- Domain scores (methodology.md 5.3): the same weighted mean over the metrics of one domain. Contextual only.
with

scores as (
    -- the published method's scores (the provisional scenarios have no domain scores)
    select * from {{ ref('int_metric_scores__scored') }}
    where scenario = 'final'
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

averaged as (
    select
        scores.data_source,
        scores.quarter,
        scores.trust_code,
        registry.domain,
        round(
            {{ ordered_sum('scores.score * scores.weight') }} / {{ ordered_sum('scores.weight') }}, 12
        ) as domain_score,
        count(*) as metrics_scored
    from scores
    inner join registry on scores.metric_id = registry.metric_id
    where scores.include_in_average and scores.score is not null
    group by scores.data_source, scores.quarter, scores.trust_code, registry.domain
)

select * from averaged
