{% macro quarter_start_date(quarter_label) -%}
    {#- 'Q1 2025/26' -> 2025-04-01 (NHS financial-year quarters: Q1 Apr-Jun ... Q4 Jan-Mar). -#}
    make_date(
        cast(substr({{ quarter_label }}, 4, 4) as integer)
        + case when substr({{ quarter_label }}, 2, 1) = '4' then 1 else 0 end,
        case substr({{ quarter_label }}, 2, 1) when '1' then 4 when '2' then 7 when '3' then 10 else 1 end,
        1
    )
{%- endmacro %}

{% macro quarter_end_date(quarter_label) -%}
    cast({{ quarter_start_date(quarter_label) }} + interval 3 month - interval 1 day as date)
{%- endmacro %}

{% macro is_quarter_label(expression) -%}
    {#- True when the expression is a NOF quarter label as NHS England writes it ('Q1 2025/26'). -#}
    {{ matches_fully(expression, "'Q[1-4] [0-9]{4}/[0-9]{2}'") }}
{%- endmacro %}

{% macro nof_quarter_label(date_expression) -%}
    {#- The NOF quarter a date falls in, as NHS England writes it: 2025-06-30 -> 'Q1 2025/26'. -#}
    (
        'Q' || cast({{ integer_divide('(month(' ~ date_expression ~ ') + 8) % 12', '3') }} + 1 as string) || ' '
        || cast(year({{ date_expression }}) - case when month({{ date_expression }}) < 4 then 1 else 0 end as string)
        || '/'
        || right(
            cast(year({{ date_expression }}) - case when month({{ date_expression }}) < 4 then 1 else 0 end + 1 as string),
            2
        )
    )
{%- endmacro %}

{% macro collection_period_month_start(period_label) -%}
    {#- NHS England's '<COLLECTION>-<MONTH>-<YYYY>' period labels (RTT, DM01): 'DM01-MARCH-2026' -> 2026-03-01. -#}
    cast(
        {{ parse_timestamp(
            "'01-' || split_part(" ~ period_label ~ ", '-', 2) || '-' || split_part(" ~ period_label ~ ", '-', 3)",
            '%d-%B-%Y'
        ) }} as date
    )
{%- endmacro %}
