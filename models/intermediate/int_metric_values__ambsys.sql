-- PROV_AMB_C2 Category 2 mean response time (seconds) per ambulance trust x NOF quarter from AmbSYS, on the
-- registry's basis 'quarter': total C2 response seconds (A30) over C2 incidents (A10) summed over the
-- quarter's three months [I: raw_formats 4.1]. Region and England rows are excluded (they repeat trusts).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where metric_id = 'PROV_AMB_C2' and methodology_year = '{{ var("methodology_year") }}'
),

monthly as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from {{ ref('stg_nhse_ambsys__response_times') }}
    where org_level = 'trust'
),

quarterly as (
    select
        quarter,
        org_code,
        sum(c2_total_seconds) as numerator,
        sum(c2_incidents) as denominator,
        count(distinct month_start) as months,
        count(c2_incidents) as months_reported,
        string_agg(distinct source_file, '; ' order by source_file) as source_files
    from monthly
    group by quarter, org_code
),

final as (
    select
        'returns' as data_source,
        quarterly.quarter,
        quarterly.org_code as trust_code,
        registry.metric_id,
        quarterly.numerator / nullif(quarterly.denominator, 0) as value,
        cast(null as varchar) as value_text,
        quarterly.numerator,
        quarterly.denominator,
        case when quarterly.months_reported = 3 and quarterly.denominator > 0 then 'reported' else 'not_reported' end
            as value_status,
        quarterly.quarter as reporting_date,
        'nhse_ambsys: ' || quarterly.source_files as value_origin
    from quarterly
    cross join registry
    where registry.reporting_basis = 'quarter' and quarterly.months = 3
)

select * from final
