{#- Aggregates whose spelling differs between DuckDB (default__, unchanged) and Spark (spark__). -#}

{% macro default__ordered_sum(expression, filter_condition=none) -%}
    list_sum({{ _ordered_list(expression, filter_condition) }})
{%- endmacro %}

{% macro spark__ordered_sum(expression, filter_condition=none) -%}
    {#-
        Spark: the values sorted (collect_list drops nulls) and added left to right from a null start, so the sum
        of no values is null, as DuckDB's list_sum gives; the result is a double.
    -#}
    aggregate(
        array_sort(collect_list({{ expression }}){% if filter_condition %} filter (where {{ filter_condition }}){% endif %}),
        cast(null as double),
        (running_sum, term) -> coalesce(running_sum, 0D) + term
    )
{%- endmacro %}

{% macro default__ordered_avg(expression, filter_condition=none) -%}
    list_avg({{ _ordered_list(expression, filter_condition) }})
{%- endmacro %}

{% macro spark__ordered_avg(expression, filter_condition=none) -%}
    {#- Spark: the ordered sum over the number of non-null values (null when there are none). -#}
    (
        {{ spark__ordered_sum(expression, filter_condition) }}
        / count({{ expression }}){% if filter_condition %} filter (where {{ filter_condition }}){% endif %}
    )
{%- endmacro %}

{% macro ordered_string_agg(expression, separator, order_by, distinct=false, filter_condition=none) -%}
    {#-
        string_agg of `expression` joined by `separator` (a SQL string literal) in the order of `order_by` (SQL
        order-by items), over distinct values when `distinct` (then `order_by` must be the expression itself);
        `filter_condition` is the aggregate's FILTER clause.
    -#}
    {{ return(adapter.dispatch('ordered_string_agg', 'oversight')(
        expression, separator, order_by, distinct, filter_condition
    )) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expression, separator, order_by, distinct=false, filter_condition=none) -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, {{ separator }} order by {{ order_by }})
    {%- if filter_condition %} filter (where {{ filter_condition }}){% endif %}
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, separator, order_by, distinct=false, filter_condition=none) -%}
    {#-
        Spark 4's listagg(distinct ...) fails in its optimiser (RewriteDistinctAggregates casts the ordering to
        SortOrder) when the query has other aggregates, so the distinct form is the sorted set of values joined:
        the same byte order as DuckDB's order by on text, nulls dropped and null when none, as string_agg.
    -#}
    {%- if distinct and order_by | trim != expression | trim -%}
        {{ exceptions.raise_compiler_error(
            'ordered_string_agg: distinct values are ordered by themselves; got order_by ' ~ order_by ~ ' for '
            ~ expression
        ) }}
    {%- endif -%}
    {%- set filter_clause = ' filter (where ' ~ filter_condition ~ ')' if filter_condition else '' -%}
    {%- set distinct_form = 'case when count(' ~ expression ~ ')' ~ filter_clause ~ ' > 0 then array_join(array_sort('
        ~ 'collect_set(' ~ expression ~ ')' ~ filter_clause ~ '), ' ~ separator ~ ') end' -%}
    {%- set ordered_form = 'string_agg(' ~ expression ~ ', ' ~ separator ~ ') within group (order by ' ~ order_by
        ~ ')' ~ filter_clause -%}
    {{ distinct_form if distinct else ordered_form }}
{%- endmacro %}

{% macro window_quantile_cont(expression, fraction, partition_by, filter_condition=none) -%}
    {#-
        The interpolated quantile `fraction` of `expression` over the window partitioned by `partition_by` (SQL),
        of the non-null values `filter_condition` keeps. Spelt out (the sorted values' list, then
        lo + (hi - lo) * d at position (n - 1) * fraction, as DuckDB's quantile_cont and Excel's QUARTILE.INC
        define it) so that both engines do the same double arithmetic: their own quantile functions
        interpolate differently in the last bit, which a 2-dp rounding then shows.
    -#}
    {%- set keep = '(' ~ expression ~ ') is not null'
        ~ (' and (' ~ filter_condition ~ ')' if filter_condition else '') -%}
    {{ return(adapter.dispatch('window_quantile_cont', 'oversight')(expression, fraction, partition_by, keep)) }}
{%- endmacro %}

{% macro default__window_quantile_cont(expression, fraction, partition_by, keep) -%}
    {%- set sorted_values = 'list_sort(list(' ~ expression ~ ') filter (where ' ~ keep ~ ')'
        ~ ' over (partition by ' ~ partition_by ~ '))' -%}
    {{ _interpolated_quantile(sorted_values, 'len', 'list_extract', fraction) }}
{%- endmacro %}

{% macro spark__window_quantile_cont(expression, fraction, partition_by, keep) -%}
    {%- set sorted_values = 'array_sort(collect_list(' ~ expression ~ ') filter (where ' ~ keep ~ ')'
        ~ ' over (partition by ' ~ partition_by ~ '))' -%}
    {{ _interpolated_quantile(sorted_values, 'size', 'element_at', fraction) }}
{%- endmacro %}

{% macro _interpolated_quantile(sorted_values, size_function, element_function, fraction) -%}
    {#- The quantile of a sorted list (1-based `element_function`), null for an empty list. -#}
    {%- set size = size_function ~ '(' ~ sorted_values ~ ')' -%}
    {%- set position = '((' ~ size ~ ' - 1) * cast(' ~ fraction ~ ' as double))' -%}
    {%- set low = element_function ~ '(' ~ sorted_values ~ ', cast(floor(' ~ position ~ ') as integer) + 1)' -%}
    {%- set high = element_function ~ '(' ~ sorted_values ~ ', cast(ceil(' ~ position ~ ') as integer) + 1)' -%}
    {{ 'case when ' ~ size ~ ' > 0 then ' ~ low ~ ' + (' ~ high ~ ' - ' ~ low ~ ') * (' ~ position ~ ' - floor('
        ~ position ~ ')) end' }}
{%- endmacro %}

{% macro first_in_order(expression, order_by) -%}
    {#-
        The first non-null value of `expression` in the order of `order_by` (a list of SQL order-by items, each
        `<expression>` or `<expression> asc|desc`; nulls last, as DuckDB orders them).
    -#}
    {{ return(adapter.dispatch('first_in_order', 'oversight')(expression, order_by)) }}
{%- endmacro %}

{% macro default__first_in_order(expression, order_by) -%}
    any_value({{ expression }} order by {{ order_by | join(', ') }})
{%- endmacro %}

{% macro spark__first_in_order(expression, order_by) -%}
    {#-
        Spark has no ordered any_value: the non-null values with their order keys, sorted by a comparator that
        compares the keys in turn (nulls last), and the first one taken.
    -#}
    {%- set keys = [] -%}
    {%- for item in order_by -%}
        {%- set words = item.strip().split(' ') -%}
        {%- if words[-1] | lower in ('asc', 'desc') -%}
            {%- do keys.append((words[:-1] | join(' '), words[-1] | lower == 'desc')) -%}
        {%- else -%}
            {%- do keys.append((item.strip(), false)) -%}
        {%- endif -%}
    {%- endfor -%}
    try_element_at(
        array_sort(
            collect_list(named_struct(
                'value', {{ expression }}
    {%- for key, descending in keys %}, 'key_{{ loop.index }}', {{ key }}{% endfor %}
            )) filter (where {{ expression }} is not null),
            (left_item, right_item) -> coalesce(
    {%- for key, descending in keys %}
                nullif(case
                    when left_item.key_{{ loop.index }} is null and right_item.key_{{ loop.index }} is null then 0
                    when left_item.key_{{ loop.index }} is null then 1
                    when right_item.key_{{ loop.index }} is null then -1
                    when left_item.key_{{ loop.index }} < right_item.key_{{ loop.index }}
                        then {{ 1 if descending else -1 }}
                    when left_item.key_{{ loop.index }} > right_item.key_{{ loop.index }}
                        then {{ -1 if descending else 1 }}
                    else 0
                end, 0),
    {%- endfor %}
                0
            )
        ),
        1
    ).value
{%- endmacro %}

{% macro _ordered_list(expression, filter_condition) -%}
    list({{ expression }} order by {{ expression }})
    {%- if filter_condition %} filter (where {{ filter_condition }}){% endif %}
{%- endmacro %}
