-- Acceptance of the raw-returns route against NHS England's ACUTE Q1 2025/26 data file
-- (data/nhse_nof/nhs-oversight-framework-acute-trust-data.csv): for every acute trust NHS England publishes the
-- metric for, the returns value rounded as published (macro round_as_published, registry value_decimals) must
-- equal the published value, except the known misses listed below with their reason; a new miss fails, and so
-- does a listed miss that now matches (the list must be kept true). Each metric must be compared for exactly the
-- number of trusts NHS England publishes (a broken join cannot pass by comparing nothing):
--   OF0010 28-day FDS, OF0011 62-day: 'Q1 2025/26', Apr-Jun 2025 sums from the CWT provider extract, 118 trusts
--     (the 16 specialist acute trusts have none: seed metric_trust_exclusions);
--   OF0005 community 52-week waits: 'Jun-25', June 2025 CHS workbook, 80 trusts (rounded 4 -> 3 -> 2 dp);
--   OF0082 sickness absence: 'Q4 2024-25', January-March 2025 files, 134 trusts;
--   OF0061, OF0084 staff survey: '2024', NSS24, 134 trusts (R1F through its acute-sector code R1F1);
--   OF0017 Category 2 mean: 'Q1 2025', AmbSYS Apr-Jun 2025, whole seconds then minutes, 1 trust (R1F).
-- Judged on the embedded files only (dbt var check_embedded_data).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}
with

expected as (
    select
        t.metric_id,
        t.trusts
    from (
        values
        ('OF0010', 118),
        ('OF0011', 118),
        ('OF0005', 80),
        ('OF0082', 134),
        ('OF0061', 134),
        ('OF0084', 134),
        ('OF0017', 1)
    ) as t (metric_id, trusts)
),

-- (metric_id, trust_code, reason): none today; a row is added only with the reason found
known_misses as (
    select
        t.metric_id,
        t.trust_code,
        t.reason
    from (values ('none', 'none', 'placeholder row, filtered out')) as t (metric_id, trust_code, reason)
    where t.metric_id <> 'none'
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

published as (
    select
        metric_id,
        trust_code,
        value as published_value
    from {{ ref('int_metric_values__unioned') }}
    where
        data_source = 'nhse_nof' and quarter = 'Q1 2025/26' and cohort = 'acute' and value is not null
        and metric_id in (select expected.metric_id from expected)
),

returns_values as (
    select
        metric_values.metric_id,
        metric_values.trust_code,
        {{ round_as_published('metric_values.value', 'metric_values.metric_id', 'registry.value_decimals') }}
            as returns_value
    from {{ ref('int_metric_values__unioned') }} as metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
    where metric_values.data_source = 'returns' and metric_values.quarter = 'Q1 2025/26'
),

compared as (
    select
        published.metric_id,
        published.trust_code,
        published.published_value,
        returns_values.returns_value,
        coalesce(returns_values.returns_value = published.published_value, false) as is_match,
        known_misses.reason is not null as is_known_miss
    from published
    left join returns_values
        on published.metric_id = returns_values.metric_id and published.trust_code = returns_values.trust_code
    left join known_misses
        on published.metric_id = known_misses.metric_id and published.trust_code = known_misses.trust_code
),

counts as (
    select
        expected.metric_id,
        expected.trusts as expected_trusts,
        count(compared.trust_code) as compared_trusts
    from expected
    left join compared on expected.metric_id = compared.metric_id
    group by expected.metric_id, expected.trusts
)

select
    metric_id,
    cast(null as varchar) as trust_code,
    'compared ' || compared_trusts || ' trusts, NHS England publishes ' || expected_trusts as problem
from counts
where compared_trusts <> expected_trusts
union all
select
    metric_id,
    trust_code,
    'returns ' || coalesce(cast(returns_value as varchar), 'no value') || ' <> published '
    || published_value || ' (not a known miss)' as problem
from compared
where not is_match and not is_known_miss
union all
select
    metric_id,
    trust_code,
    'listed as a known miss but matches: remove it from the list' as problem
from compared
where is_match and is_known_miss
union all
select
    known_misses.metric_id,
    known_misses.trust_code,
    'listed as a known miss but NHS England publishes no value for it' as problem
from known_misses
where not exists (
    select 1 from compared
    where compared.metric_id = known_misses.metric_id and compared.trust_code = known_misses.trust_code
)
