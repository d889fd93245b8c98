{% macro require_landed() -%}
    {#-
        on-run-start check (dbt_project.yml): a build, run or test of the models stops at once when nothing has
        been landed under the `landing_dir` var, instead of building empty relations whose tests then fail with
        row counts. `oversight land` (or `oversight run`) writes the typed Parquet the staging models read.
        Seeds, parsing, listing and source freshness are not stopped.
    -#}
    {%- if execute and flags.WHICH in ['build', 'run', 'test'] -%}
        {%- set landed = var('landing_dir') ~ '/*/*.parquet' -%}
        {%- if landed_files_found(landed) == 0 -%}
            {{ exceptions.raise_compiler_error(
                "nothing is landed: run `oversight land` first (no Parquet under landing_dir '"
                ~ var('landing_dir') ~ "'; set OVERSIGHT_LANDING_DIR to use another landing zone)"
            ) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}
