-- Cancer Waiting Times monthly provider workbook (raw_formats 3): one row per month x standard x provider x
-- referral route, from the sheets '28-DAY FDS (ALL ROUTES)' (route 'ALL ROUTES' only) and '62-DAY (ALL CANCER)'
-- ('ALL ROUTES' and each of the four routes, all cancers); national rows left out in staging.
with

fds as (
    select * from {{ ref('stg_nhse_cwt__workbook_fds') }}
),

sixty_two_day as (
    select * from {{ ref('stg_nhse_cwt__workbook_62_day') }}
),

unioned as (
    select * from fds
    union all
    select * from sixty_two_day
)

select * from unioned
