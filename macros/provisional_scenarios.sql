{% macro provisional_scenario_imports() -%}
    {#-
        The import CTEs shared by the provisional tables' models (int_likely_ranges__widened,
        rpt_league_table_provisional): the provisional scenarios of seeds/engine_scenarios.csv (scenarios), their
        ranked league rows (league), averaged metric scores (scores) and metric values (scenario_values).
        Emits the CTEs each followed by a comma: call it first after `with`.
    -#}
scenarios as (
    select * from {{ ref('engine_scenarios') }}
    where scenario_kind = 'provisional'
),

league as (
    select ranked.* from {{ ref('int_league__ranked') }} as ranked
    inner join scenarios on ranked.scenario = scenarios.scenario
),

scores as (
    select scored.* from {{ ref('int_metric_scores__scored') }} as scored
    inner join scenarios on scored.scenario = scenarios.scenario
    where scored.include_in_average and scored.score is not null
),

scenario_values as (
    select scenario_values.* from {{ ref('int_metric_values__scenarios') }} as scenario_values
    inner join scenarios on scenario_values.scenario = scenarios.scenario
),
{%- endmacro %}
