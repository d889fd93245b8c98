{% macro reporting_period(label, bound) -%}
    {#-
        The first ('start') or last ('end') day of the period one of NHS England's reporting_date labels names,
        as a date; null where the label names no period ('Latest published if awarded post August 2023') or
        leaves its end open ('Year to date 25/26' has no end). A comparison ('... vs ...') is read by its first
        period. The labels:
          'Q1 2025/26', 'Q4 2024-25'      NOF (financial-year) quarter
          'Q1 2025'                       calendar quarter
          'Jun-25'                        month
          'Month 6 2025', 'Month 12 2025/26'   month 6 (12) of the financial year starting April 2025
          'Jul 24 - Jun 25'               July 2024 to June 2025
          '2025/26', '2025/26 plan'       financial year (April 2025 to March 2026)
          'To M12 2024/25'                the financial year 2024/25 to its month 12
          'Year to date 25/26'            from April 2025, end open
          '2024'                          calendar year
    -#}
    {%- set text = "trim(split_part(" ~ label ~ ", ' vs ', 1))" -%}
    {%- set n = "cast(regexp_extract(" ~ text ~ ", '([0-9]+)', 1) as integer)" -%}
    {%- set year_after = "cast(regexp_extract(" ~ text ~ ", '([0-9]{4})', 1) as integer)" -%}
    {%- set month_of = "cast(" ~ parse_timestamp(
        "'01 ' || regexp_extract(" ~ text ~ ", '^([A-Za-z]{3})[- ]([0-9]{2})', 1)
        || ' ' || regexp_extract(" ~ text ~ ", '^([A-Za-z]{3})[- ]([0-9]{2})', 2)", '%d %b %y'
    ) ~ " as date)" -%}
    {%- set range_end = "cast(" ~ parse_timestamp(
        "'01 ' || regexp_extract(" ~ text ~ ", ' - ([A-Za-z]{3}) ([0-9]{2})$', 1)
        || ' ' || regexp_extract(" ~ text ~ ", ' - ([A-Za-z]{3}) ([0-9]{2})$', 2)", '%d %b %y'
    ) ~ " as date)" -%}
    {%- set fy_month = add_months("make_date(" ~ year_after ~ ", 4, 1)", "cast(regexp_extract(" ~ text
        ~ ", 'M(onth )?([0-9]+)', 2) as integer) - 1") -%}
    {%- if bound == 'start' -%}
    case
        when {{ matches_fully(text, "'Q[1-4] [0-9]{4}[/-][0-9]{2}'") }} then {{ quarter_start_date(text) }}
        when {{ matches_fully(text, "'Q[1-4] [0-9]{4}'") }} then make_date({{ year_after }}, {{ n }} * 3 - 2, 1)
        when {{ matches_fully(text, "'[A-Za-z]{3}-[0-9]{2}'") }} then {{ month_of }}
        when {{ matches_fully(text, "'Month [0-9]+ [0-9]{4}(/[0-9]{2})?'") }} then cast({{ fy_month }} as date)
        when {{ matches_fully(text, "'[A-Za-z]{3} [0-9]{2} - [A-Za-z]{3} [0-9]{2}'") }} then {{ month_of }}
        when {{ matches_fully(text, "'(To M[0-9]+ )?[0-9]{4}/[0-9]{2}( plan)?'") }} then make_date({{ year_after }}, 4, 1)
        when {{ matches_fully(text, "'Year to date [0-9]{2}/[0-9]{2}'") }} then make_date(2000 + {{ n }}, 4, 1)
        when {{ matches_fully(text, "'[0-9]{4}'") }} then make_date({{ year_after }}, 1, 1)
    end
    {%- elif bound == 'end' -%}
    case
        when {{ matches_fully(text, "'Q[1-4] [0-9]{4}[/-][0-9]{2}'") }} then {{ quarter_end_date(text) }}
        when {{ matches_fully(text, "'Q[1-4] [0-9]{4}'") }} then last_day(make_date({{ year_after }}, {{ n }} * 3, 1))
        when {{ matches_fully(text, "'[A-Za-z]{3}-[0-9]{2}'") }} then last_day({{ month_of }})
        when {{ matches_fully(text, "'Month [0-9]+ [0-9]{4}(/[0-9]{2})?'") }} then last_day({{ fy_month }})
        when {{ matches_fully(text, "'[A-Za-z]{3} [0-9]{2} - [A-Za-z]{3} [0-9]{2}'") }} then last_day({{ range_end }})
        when {{ matches_fully(text, "'To M[0-9]+ [0-9]{4}/[0-9]{2}'") }} then last_day({{ fy_month }})
        when {{ matches_fully(text, "'[0-9]{4}/[0-9]{2}( plan)?'") }} then make_date({{ year_after }} + 1, 3, 31)
        when {{ matches_fully(text, "'[0-9]{4}'") }} then make_date({{ year_after }}, 12, 31)
    end
    {%- else -%}
        {{ exceptions.raise_compiler_error("reporting_period: bound must be 'start' or 'end', not " ~ bound) }}
    {%- endif -%}
{%- endmacro %}
