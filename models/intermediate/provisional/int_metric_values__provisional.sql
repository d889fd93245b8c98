-- Provisional metric values (issue 14): for each quarter and each number of its months in (1-3), the value of
-- every metric the monthly returns give (int_monthly_returns__unioned) over its reporting basis' window
-- (int_provisional_windows__enumerated): Σ numerators / Σ denominators of the window's months, with the months
-- used. A window counts only when every one of its months is landed for the metric (some trust reports it).
-- With all three months in, the value is the one int_metric_values__ae / __cancer give the quarter
-- (assert_provisional_from_three_months_equals_final).
with

monthly as (
    select * from {{ ref('int_monthly_returns__unioned') }}
),

windows as (
    select * from {{ ref('int_provisional_windows__enumerated') }}
    where window_kind = 'monthly'
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

landed_months as (
    select distinct
        metric_id,
        month_start
    from monthly
),

metric_windows as (
    -- windows whose months are all landed for the metric
    select
        windows.quarter,
        windows.months_available,
        registry.metric_id,
        windows.window_start,
        windows.window_end,
        windows.months_used
    from windows
    inner join registry on windows.reporting_basis = registry.reporting_basis
    where
        (
            select count(*) from landed_months
            where
                landed_months.metric_id = registry.metric_id
                and landed_months.month_start between windows.window_start and windows.window_end
        )
        = {{ months_apart('windows.window_start', 'windows.window_end') }} + 1
),

summed as (
    select
        metric_windows.quarter,
        metric_windows.months_available,
        metric_windows.metric_id,
        monthly.trust_code,
        min(metric_windows.months_used) as months_used,
        {{ ordered_sum('monthly.numerator') }} as numerator,
        {{ ordered_sum('monthly.denominator') }} as denominator,
        {{ ordered_string_agg('monthly.source_label', "'; '", 'monthly.source_label', distinct=true) }} as source_labels
    from metric_windows
    inner join monthly
        on
            metric_windows.metric_id = monthly.metric_id
            and monthly.month_start between metric_windows.window_start and metric_windows.window_end
    group by metric_windows.quarter, metric_windows.months_available, metric_windows.metric_id, monthly.trust_code
),

final as (
    select
        'returns' as data_source,
        quarter,
        months_available,
        trust_code,
        metric_id,
        100.0 * numerator / nullif(denominator, 0) as value,
        numerator,
        denominator,
        case when denominator > 0 then 'reported' else 'not_reported' end as value_status,
        months_used,
        'provisional from ' || months_used || ': ' || source_labels as value_origin
    from summed
)

select * from final
