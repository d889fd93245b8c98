{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Use the configured schema name as is (staging, intermediate, marts, reference), not target_schema_prefix. -#}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
