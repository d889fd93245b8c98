{% macro incremental_where_supported() -%}
    {#-
        The materialization of a model that is incremental with delete+insert on DuckDB: 'incremental' there, a
        plain 'table' on Spark (dbt-spark has no delete+insert strategy and plain Parquet tables take no DELETE),
        where every build reads all the landed files. Used in config(materialized=...).
    -#}
    {{ return(adapter.dispatch('incremental_where_supported', 'oversight')()) }}
{%- endmacro %}

{% macro default__incremental_where_supported() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_where_supported() -%}
    {{ return('table') }}
{%- endmacro %}
