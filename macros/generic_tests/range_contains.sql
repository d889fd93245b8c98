{% test range_contains(model, column_name, low, high) %}
    {#- The likely range [low, high] contains the point estimate in column_name. -#}
select {{ column_name }}, {{ low }}, {{ high }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and ({{ low }} is null or {{ high }} is null or {{ column_name }} < {{ low }} - 1e-9 or {{ column_name }} > {{ high }} + 1e-9)
{% endtest %}
