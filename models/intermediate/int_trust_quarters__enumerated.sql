-- Every trust x quarter that an input covers, per data source, with its cohort (ranking peer group).
with

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
),

cohorts as (
    select * from {{ ref('cohorts') }}
),

nhse_nof as (
    select
        'nhse_nof' as data_source,
        quarter,
        any_value(quarter_start_date) as quarter_start_date,
        trust_code,
        any_value(trust_name order by metric_id) as trust_name,
        any_value(trust_type order by metric_id) as trust_type,
        any_value(trust_subtype order by metric_id) as trust_subtype,
        any_value(region order by metric_id) as region
    from published
    group by quarter, trust_code
),

final as (
    select
        nhse_nof.data_source,
        nhse_nof.quarter,
        nhse_nof.quarter_start_date,
        {{ quarter_end_date('nhse_nof.quarter') }} as quarter_end_date,
        nhse_nof.trust_code,
        nhse_nof.trust_name,
        cohorts.cohort,
        nhse_nof.trust_type,
        nhse_nof.trust_subtype,
        nhse_nof.region
    from nhse_nof
    inner join cohorts on nhse_nof.trust_type = cohorts.trust_type
)

select * from final
