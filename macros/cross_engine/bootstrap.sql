{#-
    The list and aggregate constructs of the likely-range bootstrap (int_likely_ranges__bootstrapped,
    macros/bootstrap_intervals.sql) that DuckDB and Spark spell differently, one dispatched macro per construct
    (default__ = DuckDB, spark__ = Spark). Bootstrap-specific names: generic list macros may replace them.
-#}

{% macro bootstrap_list_from_range(count, stages) -%}
    {#-
        The list [f(0), f(1), ..., f(count - 1)] where f applies the SQL expressions `stages` one after another,
        each over the variable `draw_state` (the integer for the first, the previous stage's value for the next).
        One list pass per stage, so an expression that reads `draw_state` twice is not nested into the next.
    -#}
    {{ return(adapter.dispatch('bootstrap_list_from_range', 'oversight')(count, stages)) }}
{%- endmacro %}

{% macro default__bootstrap_list_from_range(count, stages) -%}
    {%- set ns = namespace(list='range(' ~ count ~ ')') -%}
    {%- for stage in stages -%}
        {%- set ns.list = '[' ~ stage ~ ' for draw_state in ' ~ ns.list ~ ']' -%}
    {%- endfor -%}
    {{ ns.list }}
{%- endmacro %}

{% macro spark__bootstrap_list_from_range(count, stages) -%}
    {%- set ns = namespace(list='sequence(cast(0 as bigint), cast(' ~ count ~ ' as bigint) - 1)') -%}
    {%- for stage in stages -%}
        {%- set ns.list = 'transform(' ~ ns.list ~ ', draw_state -> ' ~ stage ~ ')' -%}
    {%- endfor -%}
    {{ ns.list }}
{%- endmacro %}

{% macro bootstrap_sum_at(indices, factor_lists, present_list) -%}
    {#-
        The sum, over the 1-based positions in the list `indices` (repeats counted), of the product of the
        elements of the lists `factor_lists` at that position, skipping positions where `present_list` is null
        (or out of range); added in the order of `indices` on both engines; null when nothing is added.
    -#}
    {{ return(adapter.dispatch('bootstrap_sum_at', 'oversight')(indices, factor_lists, present_list)) }}
{%- endmacro %}

{% macro default__bootstrap_sum_at(indices, factor_lists, present_list) -%}
    {%- set factors = [] -%}
    {%- for factor in factor_lists %}{% do factors.append(factor ~ '[i]') %}{% endfor -%}
    list_sum([{{ factors | join(' * ') }} for i in {{ indices }} if {{ present_list }}[i] is not null])
{%- endmacro %}

{% macro spark__bootstrap_sum_at(indices, factor_lists, present_list) -%}
    {%- set factors = [] -%}
    {%- for factor in factor_lists %}{% do factors.append('get(' ~ factor ~ ', i - 1)') %}{% endfor -%}
    aggregate(
        filter(
            transform(
                filter({{ indices }}, i -> get({{ present_list }}, i - 1) is not null),
                i -> {{ factors | join(' * ') }}
            ),
            term -> term is not null
        ),
        cast(null as double),
        (total, term) -> case when total is null then term else total + term end
    )
{%- endmacro %}

{% macro bootstrap_discrete_quantiles(expression, quantiles) -%}
    {#-
        Aggregate: the list of the discrete quantiles (percentile_disc: the smallest value whose cumulative
        share is at least q) of `expression` at each fraction of `quantiles` (SQL literals), in that order.
        DuckDB computes them in one aggregate (one pass over the values).
    -#}
    {{ return(adapter.dispatch('bootstrap_discrete_quantiles', 'oversight')(expression, quantiles)) }}
{%- endmacro %}

{% macro default__bootstrap_discrete_quantiles(expression, quantiles) -%}
    quantile_disc({{ expression }}, [{{ quantiles | join(', ') }}])
{%- endmacro %}

{% macro spark__bootstrap_discrete_quantiles(expression, quantiles) -%}
    {%- set parts = [] -%}
    {%- for quantile in quantiles -%}
        {%- do parts.append('percentile_disc(' ~ quantile ~ ') within group (order by ' ~ expression ~ ')') -%}
    {%- endfor -%}
    array({{ parts | join(', ') }})
{%- endmacro %}

{% macro bootstrap_list_element(list, position) -%}
    {#- Element `position` (1-based) of `list`. -#}
    {{ return(adapter.dispatch('bootstrap_list_element', 'oversight')(list, position)) }}
{%- endmacro %}

{% macro default__bootstrap_list_element(list, position) -%}
    {{ list }}[{{ position }}]
{%- endmacro %}

{% macro spark__bootstrap_list_element(list, position) -%}
    element_at({{ list }}, {{ position }})
{%- endmacro %}
