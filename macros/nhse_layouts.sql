{% macro nhse_file_name(cohort, quarter, kind) -%}
    {#- NHS England's file name of a cohort's file of a quarter (methodology.md 9.2-9.3), e.g.
        nhs-oversight-framework-mental-health-and-community-trust-data-q4-25-26.csv; kind is 'data' or
        'league-table'. Null for a cohort NHS England publishes no file for. -#}
    'nhs-oversight-framework-'
    || case {{ cohort }}
        when 'acute' then 'acute'
        when 'mental_health_community' then 'mental-health-and-community'
        when 'ambulance' then 'ambulance'
    end
    || '-trust-{{ kind }}-'
    || lower(split_part({{ quarter }}, ' ', 1))
    || '-' || substr(split_part(split_part({{ quarter }}, ' ', 2), '/', 1), 3)
    || '-' || split_part(split_part({{ quarter }}, ' ', 2), '/', 2)
    || '.csv'
{%- endmacro %}

{% macro nhse_range_end(column, digits) -%}
    {#- One end of NHS England's 'x to y' likely range: rounded half up to digits (> 0), trailing zeros dropped
        (1.40 -> '1.4', 2.00 -> '2'). -#}
    {{ regexp_replace_all(fixed_decimals(round_half_up(column, digits), digits), "'[.]?0+$'", "''") }}
{%- endmacro %}
