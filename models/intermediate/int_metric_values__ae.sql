-- OF0013 A&E 4-hour % (all types) per NHS trust x NOF quarter from the monthly A&E CSV, on the
-- registry's reporting basis 'latest_month': the quarter's last month [S: methodology 4.10 for OF0005; I for
-- A&E]. Numerator = attendances within 4 hours, denominator = all attendances (booked and unbooked).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where metric_id = 'OF0013' and methodology_year = '{{ var("methodology_year") }}'
),

monthly as (
    select * from {{ ref('stg_nhse_ae__monthly_provider') }}
    -- NHS trusts: 3-character ODS codes starting R or T (sites, walk-in centres and most independent
    -- providers have longer codes; 3-character A* and N* codes are independent or community providers).
    where not is_england_total and length(org_code) = 3 and left(org_code, 1) in ('R', 'T')
),

quarter_ends as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from monthly
),

final as (
    select
        'returns' as data_source,
        quarter_ends.quarter,
        quarter_ends.org_code as trust_code,
        registry.metric_id,
        100.0 * (quarter_ends.attendances_all - quarter_ends.over_4_hours_all)
        / nullif(quarter_ends.attendances_all, 0) as value,
        cast(null as varchar) as value_text,
        quarter_ends.attendances_all - quarter_ends.over_4_hours_all as numerator,
        quarter_ends.attendances_all as denominator,
        case when quarter_ends.attendances_all > 0 then 'reported' else 'not_reported' end as value_status,
        strftime(quarter_ends.month_start, '%b-%y') as reporting_date,
        'nhse_ae_monthly: ' || quarter_ends.source_file as value_origin
    from quarter_ends
    cross join registry
    where
        registry.reporting_basis = 'latest_month'
        and quarter_ends.month_start = date_trunc('month', {{ quarter_end_date('quarter_ends.quarter') }})
)

select * from final
