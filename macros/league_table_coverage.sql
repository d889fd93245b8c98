{% macro league_table_status(rows, keys=[]) -%}
    {#-
        THE coverage rule of a league table (issue 12.2), one row per table (`keys` x data source x quarter x
        cohort) of the relation or CTE `rows` (league rows with metrics_scored and metrics_in_registry):
        table_metric_coverage, the share of the framework's metrics scored over the table's trusts; is_incomplete,
        true for a raw-returns table below var league_min_metric_coverage (NHS England's route is always ranked);
        table_status, 'incomplete: not ranked' or 'ranked'. A league row of an incomplete table carries no rank
        (withheld_when_incomplete). fct_league_table, rpt_league_table_provisional and rpt_method_sensitivity
        share it.
    -#}
    {%- set coverage -%}
        sum(metrics_scored) / nullif(sum(metrics_in_registry), 0)
    {%- endset -%}
    {%- set incomplete -%}
        coalesce(
            data_source = 'returns' and coalesce({{ coverage }}, 0) < {{ var('league_min_metric_coverage') }},
            false
        )
    {%- endset %}
    select
    {%- for key in keys %}
        {{ key }},
    {%- endfor %}
        data_source,
        quarter,
        cohort,
        -- integer counts: exact sums, whatever the order
        {{ coverage }} as table_metric_coverage,
        {{ incomplete }} as is_incomplete,
        case when {{ incomplete }} then 'incomplete: not ranked' else 'ranked' end as table_status
    from {{ rows }}
    group by
    {%- for key in keys %}
        {{ key }},
    {%- endfor %}
        data_source,
        quarter,
        cohort
{%- endmacro %}

{% macro withheld_when_incomplete(column, status='table_status') -%}
    {#- A rank (or rank bound) as a league table shows it: null when the table is incomplete (league_table_status). -#}
    case when not {{ status }}.is_incomplete then {{ column }} end
{%- endmacro %}
