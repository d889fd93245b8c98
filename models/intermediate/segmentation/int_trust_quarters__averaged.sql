-- Average metric score (methodology.md 5.1): weighted mean of the scores that count in the average, at
-- full precision; metrics with no score are excluded (the manual's "score of 0"). Infection metrics weigh 1/3.
-- Per scenario (seeds/engine_scenarios.csv): every trust-quarter of a route's quarter the scenario scores. A
-- method variant may weigh every metric 1, or leave out metrics whose ranking population is incomplete.
with

scenarios as (
    select * from {{ ref('engine_scenarios') }}
),

scores as (
    select
        {{ star_except(['weight'], 'scored') }},
        case when coalesce(scenarios.equal_weights, false) then 1.0 else scored.weight end as weight
    from {{ ref('int_metric_scores__scored') }} as scored
    inner join scenarios on scored.scenario = scenarios.scenario
    where not (coalesce(scenarios.exclude_incomplete_populations, false) and scored.is_population_complete = false)
),

enumerated as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}' and include_in_average
),

registry_cohorts as (
    select
        metric_id,
        {{ unnest_list(split_list('cohorts', '|')) }} as cohort
    from registry
),

cohort_metrics as (
    select
        cohort,
        count(distinct metric_id) as metrics_in_registry
    from registry_cohorts
    group by cohort
),

scenario_quarters as (
    select distinct
        scenario,
        data_source,
        quarter
    from scores
),

trust_quarters as (
    select
        scenario_quarters.scenario,
        enumerated.*
    from enumerated
    inner join scenario_quarters
        on enumerated.data_source = scenario_quarters.data_source and enumerated.quarter = scenario_quarters.quarter
),

averaged as (
    select
        scenario,
        data_source,
        quarter,
        trust_code,
        -- rounded at 1e-12 to drop binary floating-point noise of the 1/3 weights
        round({{ ordered_sum('score * weight') }} / {{ ordered_sum('weight') }}, 12) as average_score,
        count(*) as metrics_scored,
        count(*) filter (where score_method = 'computed') as metrics_computed,
        count(*) filter (where score_method = 'published') as metrics_published_score,
        count(*) filter (where value_source = 'raw_return') as metrics_from_raw_returns,
        count(*) filter (where value_source = 'input_template') as metrics_from_inputs
    from scores
    where include_in_average and score is not null
    group by scenario, data_source, quarter, trust_code
),

final as (
    select
        trust_quarters.scenario,
        trust_quarters.data_source,
        trust_quarters.quarter,
        trust_quarters.quarter_start_date,
        trust_quarters.trust_code,
        trust_quarters.cohort,
        averaged.average_score,
        coalesce(averaged.metrics_scored, 0) as metrics_scored,
        coalesce(averaged.metrics_computed, 0) as metrics_computed,
        coalesce(averaged.metrics_published_score, 0) as metrics_published_score,
        coalesce(averaged.metrics_from_raw_returns, 0) as metrics_from_raw_returns,
        coalesce(averaged.metrics_from_inputs, 0) as metrics_from_inputs,
        cohort_metrics.metrics_in_registry
    from trust_quarters
    left join averaged
        on
            trust_quarters.scenario = averaged.scenario
            and trust_quarters.data_source = averaged.data_source
            and trust_quarters.quarter = averaged.quarter
            and trust_quarters.trust_code = averaged.trust_code
    left join cohort_metrics on trust_quarters.cohort = cohort_metrics.cohort
)

select * from final
