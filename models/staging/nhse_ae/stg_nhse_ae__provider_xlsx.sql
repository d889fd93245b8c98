-- A&E by-provider XLSX, 'Provider Level Data' sheet (raw_formats 1.2): NHS England's own 4-hour
-- percentages, kept to check the figures recomputed from the monthly CSV. England row: org_code 'ENGLAND'.
with

source as (
    select * from {{ landed_source('nhse_ae', 'nhse_ae_provider_xlsx') }}
),

final as (
    select
        cast({{ parse_timestamp("'01 ' || period", '%d %B %Y') }} as date) as month_start,
        coalesce(code, 'ENGLAND') as org_code,
        code is null as is_england_total,
        region,
        name as org_name,
        icb_name,
        attendances_type1,
        attendances_type2,
        attendances_type3,
        attendances_total,
        over_4_hours_type1,
        over_4_hours_total,
        pct_within_4_hours_all,
        pct_within_4_hours_type1,
        dta_over_4_hours,
        dta_over_12_hours,
        published,
        _source_file as source_file,
        _source_line as source_line
    from source
)

select * from final
