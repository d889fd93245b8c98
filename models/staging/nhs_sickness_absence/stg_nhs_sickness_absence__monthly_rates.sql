-- NHS Sickness Absence Rates, monthly organisation CSV: one row per month x organisation (all staff groups).
with

source as (
    select * from {{ landed_source('nhs_sickness_absence', 'nhs_sickness_absence') }}
),

renamed as (
    select
        month_end_date,
        org_code,
        org_name,
        org_type,
        nhse_region_code as region_code,
        ics_code as icb_code,
        fte_days_lost,
        fte_days_available,
        sickness_absence_rate_percent as published_rate_percent,
        _source_file as source_file,
        _source_line as source_line,
        _landed_at as landed_at
    from source
)

select * from renamed
