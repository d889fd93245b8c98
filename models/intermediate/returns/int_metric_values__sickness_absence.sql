-- OF0082 sickness absence rate (raw_formats 7.1): 100 x sum(FTE days lost) / sum(FTE days available) over a
-- quarter's three months, scored in the NEXT NOF quarter (one-quarter lag: Jan-Mar 2025 -> Q1 2025/26).
-- A quarter with fewer than three months of returns for an organisation is not reported.
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

monthly as (
    select * from {{ ref('stg_nhs_sickness_absence__monthly_rates') }}
),

quartered as (
    select
        *,
        {{ nof_quarter_label('month_end_date') }} as data_quarter,
        {{ nof_quarter_label('(month_end_date + interval 3 month)') }} as quarter
    from monthly
),

summed as (
    select
        quarter,
        org_code as trust_code,
        min(data_quarter) as data_quarter,
        {{ ordered_sum('fte_days_lost') }} as numerator,
        {{ ordered_sum('fte_days_available') }} as denominator,
        count(distinct month_end_date) as months,
        {{ ordered_string_agg('source_file', "'; '", 'source_file', distinct=true) }} as source_files
    from quartered
    group by quarter, org_code
),

final as (
    select
        'returns' as data_source,
        quarter,
        trust_code,
        {{ registry_metric_id("'sickness_absence'") }} as metric_id,
        case when months = 3 and denominator > 0 then 100.0 * numerator / denominator end as value,
        cast(null as string) as value_text,
        numerator,
        denominator,
        case when months = 3 and denominator > 0 then 'reported' else 'not_reported' end as value_status,
        replace(data_quarter, '/', '-') as reporting_date,
        'nhs_sickness_absence: ' || source_files as value_origin
    from summed
)

select * from final
