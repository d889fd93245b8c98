-- Cancer monthly provider workbook: (1) on '62-DAY (ALL CANCER)' each provider's Part A row (ALL ROUTES) equals
-- the sum of its route rows in Parts B-E (urgent suspected cancer, breast symptomatic, screening, consultant
-- upgrade), so int_cancer_waits__monthly can take Part A alone; (2) on both sheets within + after = total;
-- (3) every part's national row (all English providers, no ODS code) equals the sum of its provider rows, so
-- no provider row was lost or doubled in landing (e.g. at a repeated header). Returns one row per disagreement.
with

workbook as (
    select * from {{ ref('int_cancer_waits__workbook_unioned') }}
),

landed as (
    select
        period,
        '28-day FDS' as standard,
        org_code,
        referral_route,
        total_treated,
        within_standard
    from {{ landed_source('nhse_cwt', 'nhse_cwt_workbook_fds') }}
    union all
    select
        period,
        '62-day Combined' as standard,
        org_code,
        referral_route,
        total_treated,
        within_standard
    from {{ landed_source('nhse_cwt', 'nhse_cwt_workbook_62_day') }}
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
),

national as (
    select
        period,
        standard,
        referral_route,
        count(*) filter (where org_code is null) as national_rows,
        sum(total_treated) filter (where org_code is null) as national_total,
        sum(within_standard) filter (where org_code is null) as national_within,
        sum(total_treated) filter (where org_code is not null) as providers_total,
        sum(within_standard) filter (where org_code is not null) as providers_within
    from landed
    group by period, standard, referral_route
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
union all
select
    period as month_start,
    cast(null as string) as org_code,
    standard || ' ' || referral_route || ': national row missing, repeated or not the sum of the providers' as problem
from national
where
    national_rows <> 1
    or abs(national_total - providers_total) > 1e-6
    or abs(national_within - providers_within) > 1e-6
