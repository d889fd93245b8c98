-- Cancer Waiting Times monthly provider workbook (raw_formats 3), sheet '28-DAY FDS (ALL ROUTES)': one row per
-- file x month x provider x referral route ('ALL ROUTES' only). The rows of all English providers (no ODS code)
-- are national totals and are left out. The standard is named as in the provider extract.
with

source as (
    select * from {{ landed_source('nhse_cwt', 'nhse_cwt_workbook_fds') }}
),

final as (
    select
        period as month_start,
        '28-day FDS' as standard,
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
