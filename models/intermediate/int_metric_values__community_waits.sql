-- OF0005 % of community-service patients waiting over 52 weeks (raw_formats 6.3), per provider, for the
-- latest month of each NOF quarter: 100 x sum over services of (>52-104 + >104 weeks) / sum of the total list.
-- Service lines a provider left blank add nothing to either sum.
with

waits as (
    select * from {{ ref('stg_chs_waiting_lists__service_waits') }}
    where organisation_type = 'Provider' and month(month_end_date) in (3, 6, 9, 12)
),

summed as (
    select
        month_end_date,
        organisation_code as trust_code,
        sum(coalesce(waiting_52_104_weeks, 0) + coalesce(waiting_over_104_weeks, 0)) as numerator,
        sum(total_waiting) as denominator,
        any_value(source_file) as source_file
    from waits
    group by month_end_date, organisation_code
),

final as (
    select
        'returns' as data_source,
        {{ nof_quarter_label('month_end_date') }} as quarter,
        trust_code,
        'OF0005' as metric_id,
        case when denominator > 0 then 100.0 * numerator / denominator end as value,
        cast(null as varchar) as value_text,
        numerator,
        denominator,
        case when denominator > 0 then 'reported' else 'not_reported' end as value_status,
        strftime(month_end_date, '%b-%y') as reporting_date,
        'chs_waiting_lists Tables 4, 4g, 4h: ' || source_file as value_origin
    from summed
)

select * from final
