-- OF0013 A&E 4-hour % per acute trust x NOF quarter, as NHS England computes it for the NOF: the acute trust's
-- footprint (its own attendances plus the type 3 activity NHS England's 'Acute Trust Mapping' attributes to it,
-- int_ae_acute_footprints__mapped), numerators and denominators summed over the quarter's three months
-- (registry reporting_basis 'quarter'); only quarters whose three months are all landed and mapped.
-- Reproduces NHS England's acute Q1 2025/26 values (rpt_metric_value_reconciliation; asserted by
-- tests/singular/assert_returns_route_reproduces_nhse_acute_q1.sql).
-- value is unrounded: the scoring ranks OF0013 on its 1-dp published value (registry ranked_on_published_value).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where returns_measure = 'ae_within_4_hours' and methodology_year = '{{ var("methodology_year") }}'
),

footprints as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from {{ ref('int_ae_acute_footprints__mapped') }}
),

complete_quarters as (
    select quarter
    from footprints
    group by quarter
    having count(distinct month_start) = 3
),

quarterly as (
    select
        footprints.quarter,
        footprints.acute_trust_code,
        {{ ordered_sum('footprints.within_4_hours') }} as numerator,
        {{ ordered_sum('footprints.attendances') }} as denominator,
        {{ ordered_string_agg(
            format_date('footprints.month_start', '%b-%y'), "', '", 'footprints.month_start'
        ) }} as months_used,
        {{ ordered_string_agg(
            "case
                when footprints.is_earlier_mapping
                    then
                        " ~ format_date('footprints.month_start', '%b-%y') ~ " || ' mapped with the '
                        || " ~ format_date('footprints.mapping_month', '%b-%y') ~ "
                        || ' mapping (no workbook for the month)'
            end",
            "'; '",
            'footprints.month_start'
        ) }} as earlier_mappings,
        {{ ordered_string_agg('footprints.csv_file', "', '", 'footprints.csv_file', distinct=true) }} as csv_files
    from footprints
    inner join complete_quarters on footprints.quarter = complete_quarters.quarter
    group by footprints.quarter, footprints.acute_trust_code
),

final as (
    select
        'returns' as data_source,
        quarterly.quarter,
        quarterly.acute_trust_code as trust_code,
        registry.metric_id,
        100.0 * quarterly.numerator / nullif(quarterly.denominator, 0) as value,
        cast(null as string) as value_text,
        quarterly.numerator,
        quarterly.denominator,
        case when quarterly.denominator > 0 then 'reported' else 'not_reported' end as value_status,
        -- NHS England's acute file writes the quarter as 'Q1 2025' (financial-year start).
        left(quarterly.quarter, 7) as reporting_date,
        'nhse_ae_monthly x nhse_ae_acute_trust_mapping, acute-trust footprint, months '
        || quarterly.months_used
        || coalesce('; ' || quarterly.earlier_mappings, '')
        || ' (' || quarterly.csv_files || ')' as value_origin
    from quarterly
    cross join registry
    where registry.reporting_basis = 'quarter'
)

select * from final
