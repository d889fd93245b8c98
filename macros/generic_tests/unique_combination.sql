{% test unique_combination(model, columns) %}
    {#- Primary-key test over several columns (no dbt packages can be installed here). -#}
    select
        {{ columns | join(', ') }},
        count(*) as rows_with_key
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
