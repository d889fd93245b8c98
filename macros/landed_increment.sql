{% macro landed_increment(source_name, table_name) -%}
    {#-
        The landed rows an incremental staging model over a large collection still has to read: every landed
        file on a full build; on an incremental build only the files whose checksum the built table does not
        hold yet (new months and revised files), named one by one so that DuckDB opens nothing else. Deciding
        which files are new reads one constant column per file.
    -#}
    {%- set relation = landed_source(source_name, table_name) -%}
    {%- if execute and is_incremental() -%}
        {%- set path = var('landing_dir') ~ '/' ~ table_name ~ '/*.parquet' -%}
        {%- set files = [] -%}
        {%- if landed_files_found(path) > 0 -%}
            {%- set new_files = run_query(
                "select distinct filename from read_parquet('" ~ path ~ "', filename = true) "
                ~ "where _source_sha256 not in (select distinct source_sha256 from " ~ this ~ ") order by 1"
            ) -%}
            {%- set files = new_files.columns[0].values() -%}
        {%- endif -%}
        {%- set relation = landed_empty(source_name, table_name) -%}
        {%- if files | length > 0 -%}
            {%- set quoted = [] -%}
            {%- for file in files -%}
                {%- do quoted.append("'" ~ file ~ "'") -%}
            {%- endfor -%}
            {%- set relation = '(select * from read_parquet([' ~ quoted | join(', ') ~ '], union_by_name = true))' -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{% macro delete_rows_of_replaced_files(table_name) -%}
    {#-
        Pre-hook of an incremental staging model: drop the rows of landed files that are no longer current (a
        revision replaced them; landing moved the old Parquet to _superseded/), before the new rows are added.
    -#}
    {%- set statement = 'select 1' -%}
    {%- if execute and is_incremental() -%}
        {%- set path = var('landing_dir') ~ '/' ~ table_name ~ '/*.parquet' -%}
        {%- set statement = 'delete from ' ~ this -%}
        {%- if landed_files_found(path) > 0 -%}
            {%- set statement = statement ~ " where source_sha256 not in (select distinct _source_sha256 from "
                ~ "read_parquet('" ~ path ~ "', union_by_name = true))" -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(statement) }}
{%- endmacro %}

{% macro natural_key(columns) -%}
    {#- One string per natural key, NULL-safe (delete+insert matches keys with =, which never matches NULL). -#}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append('coalesce(cast(' ~ column ~ ' as string), chr(30))') -%}
    {%- endfor -%}
    {{ return('md5(concat_ws(chr(31), ' ~ parts | join(', ') ~ '))') }}
{%- endmacro %}
