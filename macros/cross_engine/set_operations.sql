{% macro union_all_by_name(relations, columns_from) -%}
    {#-
        The rows of every relation in `relations` (CTE names or relations), their columns matched by name. Spark
        has no union by name: there every relation selects the columns of the relation `columns_from` by name
        (every relation must have them all; the output has that relation's column order). A single relation is
        selected as it is (`columns_from` is then not read).
    -#}
    {{ return(adapter.dispatch('union_all_by_name', 'oversight')(relations, columns_from)) }}
{%- endmacro %}

{% macro default__union_all_by_name(relations, columns_from) -%}
    {%- for relation in relations %}
        {%- if not loop.first %}
    union all by name
        {%- endif %}
    select * from {{ relation }}
    {%- endfor %}
{%- endmacro %}

{% macro spark__union_all_by_name(relations, columns_from) -%}
    {%- if relations | length == 1 %}
    select * from {{ relations[0] }}
    {%- else -%}
        {%- set column_names = [] -%}
        {%- for column in adapter.get_columns_in_relation(columns_from) -%}
            {%- do column_names.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {%- for relation in relations %}
            {%- if not loop.first %}
    union all
            {%- endif %}
    select {{ column_names | join(', ') }} from {{ relation }}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
