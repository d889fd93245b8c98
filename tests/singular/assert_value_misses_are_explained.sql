-- Every returns-route value that differs from NHS England's published value, or that NHS England publishes and
-- the raw return does not give, has its reason in seeds/known_value_differences.csv; every listed reason still
-- belongs to a miss (a fixed miss must leave the list). Judged on the embedded files only (dbt var
-- check_embedded_data).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}
with

reconciliation as (
    select * from {{ ref('rpt_metric_value_reconciliation') }}
),

known_differences as (
    select * from {{ ref('known_value_differences') }}
),

unexplained as (
    select
        metric_id,
        quarter,
        trust_code,
        'miss without a reason' as problem
    from reconciliation
    where outcome in ('different', 'not_computed') and difference_reason is null
),

stale as (
    select
        known_differences.metric_id,
        known_differences.quarter,
        known_differences.trust_code,
        'reason listed for a value that matches or is not compared' as problem
    from known_differences
    left join reconciliation
        on
            known_differences.metric_id = reconciliation.metric_id
            and known_differences.quarter = reconciliation.quarter
            and known_differences.trust_code = reconciliation.trust_code
            and reconciliation.outcome in ('different', 'not_computed')
    where reconciliation.trust_code is null
)

select * from unexplained
union all
select * from stale
