{% macro reconciliation_rates(compared, by_quarter=true) -%}
    {#-
        The reconciliation's match rates from `compared` (rows of int_reconciliation__compared): per data source
        x quarter x check when `by_quarter`, else per data source x check over every quarter (no quarter column).
        A comparison is a match when its difference is within the check's tolerance; excepted comparisons are
        counted apart, with their reasons. is_judged: the rows the publication gate reads (the grain the check's
        judged_on names: one quarter's label, or any other value for the rate over every quarter).
    -#}
    select
    data_source,
    {%- if by_quarter %}
    quarter,
    {%- endif %}
    check_name,
    cast(count(*) filter (where exception_reason is null) as integer) as compared,
    cast(count(*) filter (where exception_reason is null and difference <= tolerance + 1e-9) as integer) as matched,
    cast(count(*) filter (where exception_reason is not null) as integer) as excepted,
    {{ ordered_string_agg(
        "quarter || ' ' || trust_code || ': ' || exception_reason", "'; '", 'quarter, trust_code'
    ) }} as exceptions_applied,
    -- every comparison excepted: nothing left to miss
    coalesce(
        count(*) filter (where exception_reason is null and difference <= tolerance + 1e-9)
        / nullif(count(*) filter (where exception_reason is null), 0),
        1.0
    ) as match_rate,
    max(difference) filter (where exception_reason is null) as largest_difference,
    cast(min(tolerance) as double) as tolerance,
    cast(min(min_match_rate) as double) as min_match_rate,
    coalesce(
        count(*) filter (where exception_reason is null and difference <= tolerance + 1e-9)
        / nullif(count(*) filter (where exception_reason is null), 0),
        1.0
    ) >= cast(min(min_match_rate) as double) - 1e-12 as meets_threshold,
    min(judged_on) as judged_on,
    {%- if by_quarter %}
    quarter = min(judged_on) as is_judged
    {%- else %}
    not {{ is_quarter_label('min(judged_on)') }} as is_judged
    {%- endif %}
from {{ compared }}
group by data_source, {% if by_quarter %}quarter, {% endif %}check_name
{%- endmacro %}
