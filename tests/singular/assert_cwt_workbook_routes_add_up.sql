-- Cancer monthly provider workbook, sheet '62-DAY (ALL CANCER)': each provider's Part A row (ALL ROUTES) equals
-- the sum of its route rows in Parts B-E (urgent suspected cancer, breast symptomatic, screening, consultant
-- upgrade), so int_cancer_waits__monthly can take Part A alone; and on both sheets within + after = total.
-- Returns one row per disagreement.
with

workbook as (
    select * from {{ ref('stg_nhse_cwt__provider_workbook') }}
),

routes as (
    select
        month_start,
        org_code,
        sum(total_treated) filter (where referral_route = 'ALL ROUTES') as all_routes_total,
        sum(within_standard) filter (where referral_route = 'ALL ROUTES') as all_routes_within,
        coalesce(sum(total_treated) filter (where referral_route <> 'ALL ROUTES'), 0) as routes_total,
        coalesce(sum(within_standard) filter (where referral_route <> 'ALL ROUTES'), 0) as routes_within
    from workbook
    where standard = '62-day Combined'
    group by month_start, org_code
)

select
    month_start,
    org_code,
    'Part A differs from the sum of Parts B-E' as problem
from routes
where
    all_routes_total is null
    or abs(all_routes_total - routes_total) > 1e-9
    or abs(all_routes_within - routes_within) > 1e-9
union all
select
    month_start,
    org_code,
    standard || ' ' || referral_route || ': within + after <> total' as problem
from workbook
where abs(within_standard + breaches - total_treated) > 1e-9
