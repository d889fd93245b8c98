{% macro landed_columns(source_name, table_name, except_columns) -%}
    {#-
        The documented columns of a landed collection (its generated sources yml), less `except_columns`, as a
        comma-separated list: the portable spelling of DuckDB's columns(* exclude (...)) over a landed source.
        The graph is read at execution only: while dbt parses (or sqlfluff lints) a placeholder column is named.
    -#}
    {%- if not execute -%}
        {{ return('landed_columns_of_' ~ table_name) }}
    {%- endif -%}
    {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set names = [] -%}
    {%- for column in node.columns.values() if column.name not in except_columns -%}
        {%- do names.append(column.name) -%}
    {%- endfor -%}
    {{ return(names | join(', ')) }}
{%- endmacro %}
