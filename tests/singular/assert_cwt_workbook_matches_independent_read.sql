-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data, switched off by the orchestrator for any other data directory).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- Cancer monthly provider workbooks, August and September 2025: the monthly counts int_cancer_waits__monthly
-- takes from them equal the figures the team read independently with openpyxl when the files were collected
-- (shared/data/real/cancer_cwt/monthly_provider_workbooks/SOURCES.md: 62-day all routes / all cancers, total and
-- within 62 days; FDS all routes, total and within 28 days). Returns one row per difference.
with

expected as (
    select
        cast(t.month_start as date) as month_start,
        t.org_code,
        t.metric_id,
        t.total_treated,
        t.within_standard
    from (
        values
        ('2025-08-01', 'RCF', 'OF0011', 89.0, 71.0),
        ('2025-08-01', 'RTF', 'OF0011', 201.5, 159.0),
        ('2025-08-01', 'RJ1', 'OF0011', 280.5, 171.0),
        ('2025-08-01', 'RCB', 'OF0011', 264.0, 172.0),
        ('2025-08-01', 'RCB', 'OF0010', 2140.0, 1383.0),
        ('2025-09-01', 'RCF', 'OF0011', 62.0, 52.5),
        ('2025-09-01', 'RTF', 'OF0011', 212.0, 173.0),
        ('2025-09-01', 'RJ1', 'OF0011', 288.0, 145.0),
        ('2025-09-01', 'RCB', 'OF0011', 306.5, 206.0),
        ('2025-09-01', 'RCB', 'OF0010', 2143.0, 1299.0)
    ) as t (month_start, org_code, metric_id, total_treated, within_standard)
),

computed as (
    select * from {{ ref('int_cancer_waits__monthly') }}
),

providers as (
    select
        month_start,
        metric_id,
        count(*) as providers
    from computed
    where month_start in (date '2025-08-01', date '2025-09-01')
    group by month_start, metric_id
),

expected_providers as (
    select
        cast(t.month_start as date) as month_start,
        t.metric_id,
        t.providers
    from (
        values
        ('2025-08-01', 'OF0010', 142),
        ('2025-08-01', 'OF0011', 149),
        ('2025-09-01', 'OF0010', 143),
        ('2025-09-01', 'OF0011', 150)
    ) as t (month_start, metric_id, providers)
)

select
    expected.month_start,
    expected.org_code,
    expected.metric_id,
    'counts differ' as problem
from expected
left join computed
    on
        expected.month_start = computed.month_start
        and expected.org_code = computed.org_code
        and expected.metric_id = computed.metric_id
where
    computed.total_treated is distinct from expected.total_treated
    or computed.within_standard is distinct from expected.within_standard
union all
select
    expected_providers.month_start,
    cast(expected_providers.providers as string) as org_code,
    expected_providers.metric_id,
    'provider count differs' as problem
from expected_providers
left join providers
    on expected_providers.month_start = providers.month_start and expected_providers.metric_id = providers.metric_id
where providers.providers is distinct from expected_providers.providers
