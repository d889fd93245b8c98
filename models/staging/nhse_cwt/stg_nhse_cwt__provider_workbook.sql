-- Cancer Waiting Times monthly provider workbook (raw_formats 3): one row per month x standard x provider x
-- referral route, from the sheets '28-DAY FDS (ALL ROUTES)' (route 'ALL ROUTES' only) and '62-DAY (ALL CANCER)'
-- ('ALL ROUTES' and each of the four routes, all cancers). The rows of all English providers (no ODS code) are
-- national totals and are left out. Standards are named as in the provider extract.
with

fds as (
    select * from {{ landed_source('nhse_cwt', 'nhse_cwt_workbook_fds') }}
),

sixty_two_day as (
    select * from {{ landed_source('nhse_cwt', 'nhse_cwt_workbook_62_day') }}
),

unioned as (
    select
        period,
        '28-day FDS' as standard,
        org_code,
        referral_route,
        total_treated,
        within_standard,
        breaches,
        _source_file,
        _source_line
    from fds
    union all
    select
        period,
        '62-day Combined' as standard,
        org_code,
        referral_route,
        total_treated,
        within_standard,
        breaches,
        _source_file,
        _source_line
    from sixty_two_day
),

final as (
    select
        period as month_start,
        standard,
        org_code,
        referral_route,
        total_treated,
        within_standard,
        breaches,
        _source_file as source_file,
        _source_line as source_line
    from unioned
    where org_code is not null
)

select * from final
