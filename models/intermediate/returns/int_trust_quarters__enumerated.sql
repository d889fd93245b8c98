-- Every trust x quarter that an input covers, per data source, with its cohort (ranking peer group).
-- nhse_nof: the trusts of the published NOF files, cohort from their Trust_type. returns: the organisations
-- the raw-returns models report on that the versioned trust_cohorts seed places in a NOF cohort at the quarter
-- (every English NHS trust the league tables rank, even when no NOF file lists it), and those with a provisional
-- value of a quarter the monthly returns have begun (int_metric_values__provisional).
with

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
),

cohorts as (
    select * from {{ ref('cohorts') }}
),

trust_cohorts as (
    select * from {{ ref('trust_cohorts') }}
),

returns_values as (
    select * from {{ ref('int_metric_values__returns') }}
),

returns_trust_quarters as (
    select
        quarter,
        trust_code
    from returns_values
    -- a quarter the monthly returns have begun (a provisional table, issue 14) before any return completes it
    union all
    select
        quarter,
        trust_code
    from {{ ref('int_metric_values__provisional') }}
),

returns as (
    select
        'returns' as data_source,
        returns_trust_quarters.quarter,
        {{ quarter_start_date('returns_trust_quarters.quarter') }} as quarter_start_date,
        returns_trust_quarters.trust_code,
        min(trust_cohorts.trust_name) as trust_name,
        min(trust_cohorts.cohort) as cohort,
        min(cohorts.trust_type) as trust_type,
        cast(null as string) as trust_subtype,
        min(published_regions.region) as region
    from returns_trust_quarters
    inner join trust_cohorts
        on
            returns_trust_quarters.trust_code = trust_cohorts.trust_code
            and {{ quarter_start_date('returns_trust_quarters.quarter') }} >= trust_cohorts.valid_from
            and (
                trust_cohorts.valid_to is null
                or {{ quarter_start_date('returns_trust_quarters.quarter') }} <= trust_cohorts.valid_to
            )
    inner join cohorts on trust_cohorts.cohort = cohorts.cohort
    left join (
        select
            trust_code,
            {{ first_in_order('region', ['quarter desc']) }} as region
        from published
        group by trust_code
    ) as published_regions
        on returns_trust_quarters.trust_code = published_regions.trust_code
    group by returns_trust_quarters.quarter, returns_trust_quarters.trust_code
),

nhse_nof as (
    select
        'nhse_nof' as data_source,
        quarter,
        min(quarter_start_date) as quarter_start_date,
        trust_code,
        {{ first_in_order('trust_name', ['metric_id']) }} as trust_name,
        {{ first_in_order('trust_type', ['metric_id']) }} as trust_type,
        {{ first_in_order('trust_subtype', ['metric_id']) }} as trust_subtype,
        {{ first_in_order('region', ['metric_id']) }} as region
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
    union all
    select
        data_source,
        quarter,
        quarter_start_date,
        {{ quarter_end_date('quarter') }} as quarter_end_date,
        trust_code,
        trust_name,
        cohort,
        trust_type,
        trust_subtype,
        region
    from returns
)

select * from final
