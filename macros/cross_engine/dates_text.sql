{#- Dates, text and regular expressions where DuckDB and Spark spell the same thing differently (issue 16). Each
    macro renders DuckDB's form on DuckDB (default__, the SQL the project always had) and Spark's on Spark. -#}

{%- macro java_datetime_pattern(format, parsing=false) -%}
    {#- A strftime format ('%d %b %y') as a Java DateTimeFormatter pattern ('dd MMM yy'), the codes the project uses;
        when `parsing`, a day of one or two digits ('d'), as strptime's %d reads. -#}
    {%- set codes = {
        '%d': 'd' if parsing else 'dd', '%b': 'MMM', '%B': 'MMMM', '%y': 'yy', '%Y': 'yyyy', '%m': 'MM'
    } -%}
    {%- set ns = namespace(pattern=format) -%}
    {%- for code, java in codes.items() -%}
        {%- set ns.pattern = ns.pattern | replace(code, java) -%}
    {%- endfor -%}
    {%- if '%' in ns.pattern -%}
        {{ exceptions.raise_compiler_error("format_date/parse_timestamp: no Java pattern for " ~ format) }}
    {%- endif -%}
    {{ return(ns.pattern) }}
{%- endmacro %}

{% macro format_date(expression, format) -%}
    {#- `expression` (a date or timestamp) as text in the strftime `format` (a Python string, e.g. '%b-%y'). -#}
    {{ return(adapter.dispatch('format_date', 'oversight')(expression, format)) }}
{%- endmacro %}

{% macro default__format_date(expression, format) -%}
    strftime({{ expression }}, '{{ format }}')
{%- endmacro %}

{% macro spark__format_date(expression, format) -%}
    date_format({{ expression }}, '{{ java_datetime_pattern(format) }}')
{%- endmacro %}

{% macro parse_timestamp(expression, format) -%}
    {#- The text `expression` read as a timestamp in the strftime `format` (a Python string, e.g. '%d %B %Y'). -#}
    {{ return(adapter.dispatch('parse_timestamp', 'oversight')(expression, format)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expression, format) -%}
    strptime({{ expression }}, '{{ format }}')
{%- endmacro %}

{% macro spark__parse_timestamp(expression, format) -%}
    to_timestamp({{ expression }}, '{{ java_datetime_pattern(format, parsing=true) }}')
{%- endmacro %}

{% macro add_months(date_expression, months) -%}
    {#- `date_expression` moved by `months` (an integer expression) calendar months, the day clipped to the month's
        end (31 January + 1 month = 28 February) on both engines; cast the result to date. -#}
    {{ return(adapter.dispatch('add_months', 'oversight')(date_expression, months)) }}
{%- endmacro %}

{% macro default__add_months(date_expression, months) -%}
    ({{ date_expression }} + to_months({{ months }}))
{%- endmacro %}

{% macro spark__add_months(date_expression, months) -%}
    add_months({{ date_expression }}, {{ months }})
{%- endmacro %}

{% macro matches_fully(expression, pattern) -%}
    {#- True when the regular expression `pattern` (SQL text) matches the whole of `expression`. -#}
    {{ return(adapter.dispatch('matches_fully', 'oversight')(expression, pattern)) }}
{%- endmacro %}

{% macro default__matches_fully(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro spark__matches_fully(expression, pattern) -%}
    regexp_like({{ expression }}, concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}

{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {#- Every match of `pattern` in `expression` replaced by `replacement` (all SQL text). -#}
    {{ return(adapter.dispatch('regexp_replace_all', 'oversight')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{% macro integer_divide(dividend, divisor) -%}
    {#- Integer division of two non-negative integer expressions (the quotient's whole part). -#}
    {{ return(adapter.dispatch('integer_divide', 'oversight')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_divide(dividend, divisor) -%}
    ({{ dividend }}) // ({{ divisor }})
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    ({{ dividend }}) div ({{ divisor }})
{%- endmacro %}

{% macro round_to(expression, digits) -%}
    {#- `expression` rounded half away from zero to `digits` decimal places, `digits` a literal or a column. -#}
    {{ return(adapter.dispatch('round_to', 'oversight')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_to(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro spark__round_to(expression, digits) -%}
    {#-
        DuckDB's result, to the bit: the exact binary value rounded half away from zero (0.185 is stored as
        0.18499999999999999778, so 0.18). Spark's round(x, d) rounds the shortest decimal form instead (0.19), and
        round(x * 10^d) misses the same cases (0.185 * 100 is 18.5 in doubles). So the product x * 10^d is taken
        with its exact rounding error (Veltkamp's split of x, Dekker's product); only when the product lands on
        .5 does the error's sign decide. Checked against DuckDB's round on 520,000 tie-prone values, 1 to 4 dp.
    -#}
    {#- The expression once, bound to a lambda's variable: nested roundings would otherwise repeat it tenfold per
        level, and Spark's optimiser chokes on the tree (a driver out of memory, measured). -#}
    {%- set a = 'abs(round_to_x)' -%}
    {%- set scale = 'cast(power(10, ' ~ digits ~ ') as double)' -%}
    {%- set product = '(' ~ a ~ ' * ' ~ scale ~ ')' -%}
    {%- set spread = '(' ~ a ~ ' * cast(134217729 as double))' -%}
    {%- set high = '(' ~ spread ~ ' - (' ~ spread ~ ' - ' ~ a ~ '))' -%}
    {%- set error = '((' ~ high ~ ' * ' ~ scale ~ ' - ' ~ product ~ ')'
        ~ ' + (' ~ a ~ ' - ' ~ high ~ ') * ' ~ scale ~ ')' -%}
    {{ 'element_at(transform(array(cast(' ~ expression ~ ' as double)), round_to_x -> sign(round_to_x) * (case when '
        ~ product ~ ' - floor(' ~ product ~ ') = 0.5 and ' ~ error ~ ' < 0 then floor(' ~ product ~ ') else round('
        ~ product ~ ') end) / ' ~ scale ~ '), 1)' }}
{%- endmacro %}

{% macro fixed_decimals(expression, digits) -%}
    {#- `expression` as text with `digits` decimals (printf's %.<digits>f), null for null. Round the value first
        (round_half_up, round_to) where the last digit matters: printf rounds the exact binary value on DuckDB
        (2.675 -> '2.67') and the shortest decimal form on Spark ('2.68'). -#}
    {{ return(adapter.dispatch('fixed_decimals', 'oversight')(expression, digits)) }}
{%- endmacro %}

{% macro default__fixed_decimals(expression, digits) -%}
    printf('%.{{ digits }}f', {{ expression }})
{%- endmacro %}

{% macro spark__fixed_decimals(expression, digits) -%}
    {#- Java's formatter writes a null as 'null' cut to the precision ('nu'): null stays null. -#}
    case when {{ expression }} is not null then format_string('%.{{ digits }}f', {{ expression }}) end
{%- endmacro %}

{% macro months_apart(start_date, end_date) -%}
    {#- Calendar-month boundaries from `start_date` to `end_date` (DuckDB's date_diff('month', ...)): 2025-01-31 to
        2025-02-01 is 1. Portable arithmetic, the same SQL on every engine. -#}
    ((year({{ end_date }}) * 12 + month({{ end_date }})) - (year({{ start_date }}) * 12 + month({{ start_date }})))
{%- endmacro %}

{% macro star_except(columns, relation=none) -%}
    {#- Every column of the FROM clause (or of `relation`, a table alias) but `columns` (a list of names). -#}
    {{ return(adapter.dispatch('star_except', 'oversight')(columns, relation)) }}
{%- endmacro %}

{% macro default__star_except(columns, relation=none) -%}
    {{ relation ~ '.' if relation }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(columns, relation=none) -%}
    {{ relation ~ '.' if relation }}* except ({{ columns | join(', ') }})
{%- endmacro %}
