{% macro round_as_published(value_expression, metric_id_expression, decimals_expression=2) -%}
    {#-
        A metric value rounded the way NHS England's NOF file shows it: half-up to the registry's value_decimals
        (decimals_expression; 2 for most metrics, 1 for OF0013 [D acute Q1 2025/26]).
        Metrics in var published_value_rounding_chain are rounded half-up step by step through the listed
        digits first [D: OF0005 Q1 2025/26, 4 -> 3 -> 2 dp reproduces 41/41 published values, direct 2-dp
        rounding 38/41 (RKL 0.17497 -> 0.18, RW4 0.00450 -> 0.01, RNU 20.04479 -> 20.05)].
    -#}
    {{- round_half_up(round_through_chain(value_expression, metric_id_expression), decimals_expression) -}}
{%- endmacro %}

{% macro round_through_chain(value_expression, metric_id_expression) -%}
    {#-
        A metric value rounded half-up step by step through the digits var published_value_rounding_chain lists
        for its metric (metric_id_expression), as NHS England figures it before ranking; unchanged for a metric
        with no chain [D: OF0005 4 -> 3 dp, see round_as_published].
    -#}
    {%- set chains = var('published_value_rounding_chain', {}) -%}
    {%- if chains is not mapping or chains | length == 0 -%}
        {{ value_expression }}
    {%- else -%}
        case {{ metric_id_expression }}
        {%- for metric_id, digits in chains.items() %}
            {%- set ns = namespace(expr=value_expression) %}
            {%- for d in digits %}
                {%- set ns.expr = round_half_up(ns.expr, d) %}
            {%- endfor %}
            when '{{ metric_id }}' then {{ ns.expr }}
        {%- endfor %}
            else {{ value_expression }}
        end
    {%- endif -%}
{%- endmacro %}
