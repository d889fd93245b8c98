-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data, switched off by the orchestrator for any other data directory).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- AmbSYS, August 2025 (time-series XLSX) and April 2026 (CSV): for every ambulance trust, the published
-- Category 1 and 2 means (A25, A31) are the total response seconds over incidents (A24/A8, A30/A10) to the
-- second, and the 90th centiles (A26, A32) are present. Every trust of the month must be there (11 in August
-- 2025, Isle of Wight included). Returns one row per failure.
with

trusts as (
    select * from {{ ref('int_ambsys_response_times__deduplicated') }}
    where org_level = 'trust' and month_start in (date '2025-08-01', date '2026-04-01')
),

failures as (
    select
        month_start,
        org_code,
        'mean differs from total / incidents, or a centile is missing' as problem
    from trusts
    where
        not abs(c1_total_seconds / c1_incidents - c1_mean_seconds) <= 0.5
        or not abs(c2_total_seconds / c2_incidents - c2_mean_seconds) <= 0.5
        or c1_mean_seconds is null
        or c2_mean_seconds is null
        or c1_p90_seconds is null
        or c2_p90_seconds is null
),

counts as (
    select
        date '2025-08-01' as month_start,
        'ALL' as org_code,
        'expected 11 trusts in August 2025, found ' || count(*) as problem
    from trusts
    where month_start = date '2025-08-01'
    having count(*) <> 11
)

select * from failures
union all
select * from counts
