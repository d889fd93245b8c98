-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data, switched off by the orchestrator for any other data directory).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- DM01 provider web files (May-July 2025): % waiting 6+ weeks recomputed as 6+ week waiters / waiting list
-- equals the file's own 'Percentage waiting 6+ weeks' for every provider with a waiting list (the file
-- shows 0 where the list is empty, we leave it NULL). All three months must be present. Returns failures.
with

providers as (
    select * from {{ ref('stg_nhse_dm01__provider') }}
),

failures as (
    select
        month_start,
        provider_code,
        'percentage differs from the published one' as problem
    from providers
    where
        (total_waiting_list > 0 and not abs(pct_waiting_6_plus_weeks - published_pct_waiting_6_plus_weeks) < 1e-12)
        or (total_waiting_list = 0 and published_pct_waiting_6_plus_weeks <> 0)
),

months as (
    select
        null::date as month_start,
        'ALL' as provider_code,
        'expected May, June and July 2025' as problem
    from providers
    having count(distinct month_start) filter (where month_start between date '2025-05-01' and date '2025-07-01') <> 3
)

select * from failures
union all
select * from months
