{#- List (array) functions whose spelling differs between DuckDB (default__, unchanged) and Spark (spark__). -#}

{% macro split_list(text, separator) -%}
    {#- The list of the parts of `text` between occurrences of `separator` (a plain string, not SQL). -#}
    {{ return(adapter.dispatch('split_list', 'oversight')(text, separator)) }}
{%- endmacro %}

{% macro default__split_list(text, separator) -%}
    string_split({{ text }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__split_list(text, separator) -%}
    {#- Spark's split takes a regular expression: each character of the separator is matched literally. -#}
    {%- set pattern = [] -%}
    {%- for character in separator -%}
        {%- if character.isalnum() or character in ' ,;:-_/' -%}
            {%- do pattern.append(character) -%}
        {%- elif character in '|.+*?()[{}$' -%}
            {%- do pattern.append('[' ~ character ~ ']') -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("split_list: unsupported separator character " ~ character) }}
        {%- endif -%}
    {%- endfor -%}
    split({{ text }}, '{{ pattern | join('') }}')
{%- endmacro %}

{% macro unnest_list(list) -%}
    {#- One row per element of `list` (a select-list item; no row for an empty or null list). -#}
    {{ return(adapter.dispatch('unnest_list', 'oversight')(list)) }}
{%- endmacro %}

{% macro default__unnest_list(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__unnest_list(list) -%}
    explode({{ list }})
{%- endmacro %}

{% macro unnest_series(start, stop, step) -%}
    {#- One row per value from `start` to `stop` (inclusive) by `step` (a select-list item). -#}
    {{ return(adapter.dispatch('unnest_series', 'oversight')(start, stop, step)) }}
{%- endmacro %}

{% macro default__unnest_series(start, stop, step) -%}
    unnest(generate_series({{ start }}, {{ stop }}, {{ step }}))
{%- endmacro %}

{% macro spark__unnest_series(start, stop, step) -%}
    explode(sequence({{ start }}, {{ stop }}, {{ step }}))
{%- endmacro %}

{% macro series_to_string(start, stop, step, variable, element, separator) -%}
    {#-
        The text of `element` (an expression of `variable`) for each value of `variable` from `start` to `stop`
        (inclusive) by `step`, joined by `separator` (a SQL string literal).
    -#}
    {{ return(adapter.dispatch('series_to_string', 'oversight')(start, stop, step, variable, element, separator)) }}
{%- endmacro %}

{% macro default__series_to_string(start, stop, step, variable, element, separator) -%}
    array_to_string(
        [
            {{ element }}
            for {{ variable }} in generate_series({{ start }}, {{ stop }}, {{ step }})
        ],
        {{ separator }}
    )
{%- endmacro %}

{% macro spark__series_to_string(start, stop, step, variable, element, separator) -%}
    array_join(
        transform(sequence({{ start }}, {{ stop }}, {{ step }}), {{ variable }} -> {{ element }}),
        {{ separator }}
    )
{%- endmacro %}

{% macro list_to_string(list, separator) -%}
    {#- The elements of `list` joined by `separator` (a SQL string literal); null elements are skipped. -#}
    {{ return(adapter.dispatch('list_to_string', 'oversight')(list, separator)) }}
{%- endmacro %}

{% macro default__list_to_string(list, separator) -%}
    array_to_string({{ list }}, {{ separator }})
{%- endmacro %}

{% macro spark__list_to_string(list, separator) -%}
    array_join({{ list }}, {{ separator }})
{%- endmacro %}

{% macro window_distinct_list(expression, partition_by) -%}
    {#- The list of the distinct values of `expression` over the window partitioned by `partition_by` (SQL). -#}
    {{ return(adapter.dispatch('window_distinct_list', 'oversight')(expression, partition_by)) }}
{%- endmacro %}

{% macro default__window_distinct_list(expression, partition_by) -%}
    list(distinct {{ expression }}) over (partition by {{ partition_by }})
{%- endmacro %}

{% macro spark__window_distinct_list(expression, partition_by) -%}
    collect_set({{ expression }}) over (partition by {{ partition_by }})
{%- endmacro %}

{% macro list_has_all(list, items) -%}
    {#- Whether every element of the list `items` is an element of `list`. -#}
    {{ return(adapter.dispatch('list_has_all', 'oversight')(list, items)) }}
{%- endmacro %}

{% macro default__list_has_all(list, items) -%}
    list_has_all({{ list }}, {{ items }})
{%- endmacro %}

{% macro spark__list_has_all(list, items) -%}
    forall({{ items }}, list_item -> array_contains({{ list }}, list_item))
{%- endmacro %}

{% macro ordered_list(expression, order_by) -%}
    {#- Aggregate: the values of `expression` as a list ordered by `order_by` (unique within the group). -#}
    {{ return(adapter.dispatch('ordered_list', 'oversight')(expression, order_by)) }}
{%- endmacro %}

{% macro default__ordered_list(expression, order_by) -%}
    list({{ expression }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_list(expression, order_by) -%}
    transform(
        array_sort(collect_list(named_struct('sort_key', {{ order_by }}, 'list_value', {{ expression }}))),
        entry -> entry.list_value
    )
{%- endmacro %}
