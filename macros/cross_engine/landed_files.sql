{% macro landed_files_found(path) -%}
    {#- How many landed Parquet files match `path` (a folder of one collection, `<landing_dir>/<table>/*.parquet`). -#}
    {{ return(adapter.dispatch('landed_files_found', 'oversight')(path)) }}
{%- endmacro %}

{% macro default__landed_files_found(path) -%}
    {%- set result = run_query("select count(*) from glob('" ~ path ~ "')") -%}
    {{ return(result.columns[0].values()[0]) }}
{%- endmacro %}

{% macro spark__landed_files_found(path) -%}
    {#-
        Spark has no glob(): list the landing folder recursively with the binaryFile source (its content column is
        never read) and count the files directly in the collection's folder (not those under `_superseded/`).
    -#}
    {%- set folder = path.rsplit('/', 1)[0] -%}
    {%- set landing = folder.rsplit('/', 1)[0] -%}
    {%- set collection = folder.rsplit('/', 1)[1] -%}
    {%- do run_query(
        "create or replace temporary view oversight_landed_files using binaryFile options (path '"
        ~ landing ~ "', recursiveFileLookup 'true', pathGlobFilter '*.parquet')"
    ) -%}
    {#- `*` (every collection, as on_run_start's require_landed asks): any folder but _superseded/ -#}
    {%- set folder_pattern = '[^/_][^/]*' if collection == '*' else collection -%}
    {%- set result = run_query(
        "select count(*) from oversight_landed_files where path rlike '/" ~ folder_pattern ~ "/[^/]+[.]parquet$'"
    ) -%}
    {{ return(result.columns[0].values()[0]) }}
{%- endmacro %}

{% macro read_landed_parquet(path) -%}
    {#- A relation over the landed Parquet files `path`, their columns united by name. -#}
    {{ return(adapter.dispatch('read_landed_parquet', 'oversight')(path)) }}
{%- endmacro %}

{% macro default__read_landed_parquet(path) -%}
    (select * from read_parquet('{{ path }}', union_by_name = true))
{%- endmacro %}

{% macro spark__read_landed_parquet(path) -%}
    {#- The files' schemas merge by name (spark.sql.parquet.mergeSchema in the spark profile). -#}
    (select * from parquet.`{{ path }}`)
{%- endmacro %}
