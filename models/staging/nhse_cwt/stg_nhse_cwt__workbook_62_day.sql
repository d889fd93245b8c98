-- Cancer Waiting Times monthly provider workbook (raw_formats 3), sheet '62-DAY (ALL CANCER)': one row per file x
-- month x provider x referral route ('ALL ROUTES' and each of the four routes, all cancers). The rows of all
-- English providers (no ODS code) are national totals and are left out. The standard is named as in the provider
-- extract.
with

source as (
    select * from {{ landed_source('nhse_cwt', 'nhse_cwt_workbook_62_day') }}
),

final as (
    select
        period as month_start,
        '62-day Combined' as standard,
        org_code,
        referral_route,
        total_treated,
        within_standard,
        breaches,
        _source_file as source_file,
        _source_line as source_line
    from source
    where org_code is not null
)

select * from final
