-- OF0005 % of community-service patients waiting over 52 weeks (raw_formats 6.3), per provider, for the
-- latest month of each NOF quarter: 100 x sum over services of (>52-104 + >104 weeks) / sum of the total list.
-- Service lines a provider left blank add nothing to either sum.
-- A quarter is complete when its last month (Jun, Sep, Dec, Mar) is landed; with var
-- returns_include_partial_quarters the latest landed month of an unfinished quarter is also emitted (e.g.
-- October 2025 -> Q3 2025/26 to date), and value_origin says so.
-- The value is NHS England's figure: the percentage rounded half-up through the digits of var
-- published_value_rounding_chain for the metric (OF0005: 4 then 3 dp; the file shows 2 dp). NHS England ranks that
-- 3-dp figure [D acute Q1 2025/26: RKL 0.17497 and RYJ 0.17544 are both 0.175 and both score 2.05 over the
-- 121 trusts; no other pair of the 121 shares a 3-dp value but zero]; numerator and denominator stay exact.
{% set include_partial = var('returns_include_partial_quarters', true) %}
{% set metric_id = registry_metric_id("'chs_waits_over_52_weeks'") %}
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

waits as (
    select * from {{ ref('int_chs_service_waits__joined') }}
    where organisation_type = 'Provider'
),

summed as (
    select
        month_end_date,
        {{ nof_quarter_label('month_end_date') }} as quarter,
        organisation_code as trust_code,
        {{ ordered_sum('coalesce(waiting_52_104_weeks, 0) + coalesce(waiting_over_104_weeks, 0)') }} as numerator,
        {{ ordered_sum('total_waiting') }} as denominator,
        min(source_file) as source_file
    from waits
    group by month_end_date, organisation_code
),

-- the quarter's latest landed month (a provider missing from it gets no value from an earlier month)
quarter_months as (
    select
        quarter,
        max(month_end_date) as month_end_date
    from summed
    group by quarter
),

final as (
    select
        'returns' as data_source,
        summed.quarter,
        summed.trust_code,
        {{ metric_id }} as metric_id,
        case
            when summed.denominator > 0
                then {{ round_through_chain('100.0 * summed.numerator / summed.denominator', metric_id) }}
        end as value,
        cast(null as string) as value_text,
        summed.numerator,
        summed.denominator,
        case when summed.denominator > 0 then 'reported' else 'not_reported' end as value_status,
        {{ format_date('summed.month_end_date', '%b-%y') }} as reporting_date,
        'chs_waiting_lists Tables 4, 4g, 4h: ' || summed.source_file
        || case
            when month(summed.month_end_date) in (3, 6, 9, 12) then ''
            else ' [quarter to date: provisional]'
        end as value_origin
    from summed
    inner join quarter_months
        on summed.quarter = quarter_months.quarter and summed.month_end_date = quarter_months.month_end_date
    {%- if not include_partial %}
        where month(summed.month_end_date) in (3, 6, 9, 12)
    {%- endif %}
)

select * from final
