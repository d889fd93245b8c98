-- OF0010 (28-day Faster Diagnosis Standard %) and OF0011 (62-day %) per provider x NOF quarter from the
-- CWT provider extract, on the registry's basis 'quarter': numerators and denominators summed over the
-- quarter's three months, for quarters the landed extracts cover in full [I: raw_formats 3].
-- The monthly figures (and which rows count) come from int_cancer_waits__monthly.
with

registry as (
    select * from {{ ref('metric_registry') }}
    where returns_measure in ('cwt_28_day_fds', 'cwt_62_day') and methodology_year = '{{ var("methodology_year") }}'
),

monthly as (
    select * from {{ ref('int_cancer_waits__monthly') }}
),

with_quarter as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from monthly
),

complete_quarters as (
    select quarter
    from with_quarter
    group by quarter
    having count(distinct month_start) = 3
),

quarterly as (
    select
        with_quarter.quarter,
        with_quarter.org_code,
        with_quarter.metric_id,
        {{ ordered_sum('with_quarter.within_standard') }} as numerator,
        {{ ordered_sum('with_quarter.total_treated') }} as denominator,
        {{ ordered_string_agg(
            'with_quarter.source_files', "'; '", 'with_quarter.source_files', distinct=true
        ) }} as source_files
    from with_quarter
    inner join complete_quarters on with_quarter.quarter = complete_quarters.quarter
    group by all
),

final as (
    select
        'returns' as data_source,
        quarterly.quarter,
        quarterly.org_code as trust_code,
        registry.metric_id,
        100.0 * quarterly.numerator / nullif(quarterly.denominator, 0) as value,
        cast(null as string) as value_text,
        quarterly.numerator,
        quarterly.denominator,
        case when quarterly.denominator > 0 then 'reported' else 'not_reported' end as value_status,
        quarterly.quarter as reporting_date,
        'nhse_cwt_provider: ' || quarterly.source_files as value_origin
    from quarterly
    inner join registry on quarterly.metric_id = registry.metric_id
    where registry.reporting_basis = 'quarter'
)

select * from final
