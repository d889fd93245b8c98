{% macro landed_source(source_name, table_name) -%}
    {#-
        Select from a landed collection (typed Parquet written by `oversight.landing`): table `table_name` of
        source `source_name`, the publisher folder whose `_<source_name>__sources.yml` declares it (generated
        from the collection registry by scripts/generate_sources.py). The dbt source keeps lineage; when
        nothing has been landed for the collection yet, an empty relation with the documented column types is
        returned so that optional inputs (league-table files, returns of other collections) do not break the
        build.
    -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- set path = var('landing_dir') ~ '/' ~ table_name ~ '/*.parquet' -%}
    {%- set files_found = 0 -%}
    {%- if execute -%}
        {%- set files_found = landed_files_found(path) -%}
    {%- endif -%}
    {%- if not execute or files_found > 0 -%}
        {{ read_landed_parquet(path) }}
    {%- else -%}
        {{ landed_empty(source_name, table_name) }}
    {%- endif -%}
{%- endmacro %}

{% macro landed_empty(source_name, table_name) -%}
    {#- An empty relation with the documented column types of a landed collection. -#}
    {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    (select
    {%- for column in node.columns.values() %}
        cast(null as {{ column.data_type }}) as {{ column.name }}{{ ',' if not loop.last }}
    {%- endfor %}
    where false)
{%- endmacro %}

{% macro latest_landed_rows(relation, key_columns) -%}
    {#-
        One row per key from the latest landed file (then the last file name): a later file of the same
        collection restates a key, e.g. an input template filled in again. `relation` carries landed_at and
        source_file.
    -#}
    select * from {{ relation }}
    qualify row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by landed_at desc, source_file desc
    ) = 1
{%- endmacro %}
