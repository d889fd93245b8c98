-- OF0017 average Category 2 ambulance response time (minutes, the registry's units 'mins') per ambulance trust
-- x NOF quarter from AmbSYS, on the registry's basis 'quarter': total C2 response seconds (A30) over C2
-- incidents (A10) summed over the quarter's three months [I: raw_formats 4.1], rounded half-up to whole
-- seconds (AmbSYS states its means in whole seconds, A31), then in minutes. The Isle of Wight's ambulance
-- service reports as its trust, R1F (an acute trust), so R1F gets the acute cohort's only OF0017 value.
-- [D 1/1] NHS England's acute Q1 2025/26 file: R1F 25.33 mins; Apr-Jun 2025 6,032,538 s / 3,968 incidents
-- = 1,520.30 s -> 1,520 s = 25.333 min -> 25.33 (unrounded seconds would give 25.338 -> 25.34; the mean of the
-- monthly means 1,519 s -> 25.32; Jan-Mar 2025, the calendar 'Q1 2025' of the file's label, 24.16).
-- Region and England rows are excluded (they repeat trusts).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where returns_measure = 'ambsys_category_2_mean_response' and methodology_year = '{{ var("methodology_year") }}'
),

monthly as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from {{ ref('int_ambsys_response_times__deduplicated') }}
    where org_level = 'trust'
),

quarterly as (
    select
        quarter,
        org_code,
        {{ ordered_sum('c2_total_seconds') }} as total_seconds,
        {{ ordered_sum('c2_incidents') }} as incidents,
        count(distinct month_start) as months,
        count(c2_incidents) as months_reported,
        {{ ordered_string_agg('source_file', "'; '", 'source_file', distinct=true) }} as source_files
    from monthly
    group by quarter, org_code
),

final as (
    select
        'returns' as data_source,
        quarterly.quarter,
        quarterly.org_code as trust_code,
        registry.metric_id,
        {{ round_half_up('quarterly.total_seconds / nullif(quarterly.incidents, 0)', 0) }} / 60.0 as value,
        cast(null as string) as value_text,
        quarterly.total_seconds / 60.0 as numerator,
        quarterly.incidents as denominator,
        case when quarterly.months_reported = 3 and quarterly.incidents > 0 then 'reported' else 'not_reported' end
            as value_status,
        quarterly.quarter as reporting_date,
        'nhse_ambsys: ' || quarterly.source_files as value_origin
    from quarterly
    cross join registry
    where registry.reporting_basis = 'quarter' and quarterly.months = 3
)

select * from final
