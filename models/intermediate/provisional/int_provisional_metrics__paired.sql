-- Each metric's provisional score against its final one (issue 14), one row per provisional scenario x trust x
-- metric scored in both tables: the pairs int_provisional_revisions__measured measures the revisions on (metrics
-- in the average) and int_provisional_backtest__paired back-tests (metrics whose provisional value came from the
-- months). value_basis says where the provisional value came from ('derived' for a metric computed from others).
{%- set metric_keys = ['data_source', 'quarter', 'trust_code', 'metric_id'] %}
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

paired as (
    select
        provisional.scenario,
        scenarios.months_available,
        provisional.data_source,
        provisional.cohort,
        provisional.quarter,
        provisional.trust_code,
        provisional.metric_id,
        provisional.include_in_average,
        coalesce(scenario_values.value_basis, 'derived') as value_basis,
        provisional.score as provisional_score,
        final.score as final_score,
        provisional.value as provisional_value,
        final.value as final_value,
        provisional.population_rank as provisional_population_rank,
        final.population_rank as final_population_rank
    from scores as provisional
    inner join scenarios on provisional.scenario = scenarios.scenario
    inner join scores as final
        on
            final.scenario = 'final'
            and {{ same_keys('provisional', 'final', metric_keys) }}
    left join scenario_values
        on
            provisional.scenario = scenario_values.scenario
            and {{ same_keys('provisional', 'scenario_values', metric_keys) }}
    where provisional.score is not null and final.score is not null
)

select * from paired
