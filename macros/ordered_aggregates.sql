{#
    Aggregates whose result does not depend on the order DuckDB's threads meet the rows, so two builds of the
    same landed inputs are bit-identical. A floating-point sum depends on the order of its terms (parallel
    aggregation adds them in whatever order the threads finish): these macros collect the terms sorted by
    value and add them in that order. Equal values are interchangeable, so ties cannot change the result.
    Use them for every sum or average of double values; `filter_condition` is the aggregate's FILTER clause.
    Dispatched per engine (macros/cross_engine/aggregates.sql): DuckDB adds a sorted list, Spark folds one.
#}

{% macro ordered_sum(expression, filter_condition=none) -%}
    {{ return(adapter.dispatch('ordered_sum', 'oversight')(expression, filter_condition)) }}
{%- endmacro %}

{% macro ordered_avg(expression, filter_condition=none) -%}
    {{ return(adapter.dispatch('ordered_avg', 'oversight')(expression, filter_condition)) }}
{%- endmacro %}
