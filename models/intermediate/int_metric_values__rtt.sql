-- OF0023 % of incomplete RTT pathways waiting 18 weeks or less per provider x NOF quarter, basis
-- 'latest_month' (the quarter's last month) [Q TA]. Part_2 rows, treatment function C_999 (the roll-up),
-- commissioner other than NONC, summed over commissioners [S: raw_formats 2.1]. Empty until a real RTT full
-- extract is landed (the team has none).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where metric_id = 'OF0023' and methodology_year = '{{ var("methodology_year") }}'
),

pathways as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from {{ ref('stg_nhse_rtt__full_extract') }}
    where
        rtt_part_type = 'Part_2'
        and treatment_function_code = 'C_999'
        and commissioner_org_code <> 'NONC'
),

monthly as (
    select
        quarter,
        month_start,
        provider_org_code,
        sum(within_18_weeks) as within_18_weeks,
        sum(total_all) as total_all,
        string_agg(distinct source_file, '; ' order by source_file) as source_files
    from pathways
    where month_start = date_trunc('month', {{ quarter_end_date('quarter') }})
    group by all
),

final as (
    select
        'returns' as data_source,
        monthly.quarter,
        monthly.provider_org_code as trust_code,
        registry.metric_id,
        100.0 * monthly.within_18_weeks / nullif(monthly.total_all, 0) as value,
        cast(null as varchar) as value_text,
        monthly.within_18_weeks as numerator,
        monthly.total_all as denominator,
        case when monthly.total_all > 0 then 'reported' else 'not_reported' end as value_status,
        strftime(monthly.month_start, '%b-%y') as reporting_date,
        'nhse_rtt_full_extract: ' || monthly.source_files as value_origin
    from monthly
    cross join registry
    where registry.reporting_basis = 'latest_month'
)

select * from final
