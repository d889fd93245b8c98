-- OF0013 (A&E 4-hour %) from the raw returns (monthly CSV x Acute Trust Mapping, acute-trust footprints summed
-- over April-June 2025) equals NHS England's published acute Q1 2025/26 value, rounded as NHS England rounds
-- it (half-up, registry value_decimals = 1), and reporting_date equals NHS England's ('Q1 2025'), for every one
-- of the 123 acute trusts NHS England publishes it for. Judged on the embedded files only (dbt var
-- check_embedded_data). Returns one row per failing trust, or one row if fewer than 123 trusts are compared.
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}
with

registry as (
    select * from {{ ref('metric_registry') }}
    where metric_id = 'OF0013' and methodology_year = '{{ var("methodology_year") }}'
),

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
    where metric_id = 'OF0013' and quarter = 'Q1 2025/26' and trust_type = 'Acute trust' and value is not null
),

returns_values as (
    select * from {{ ref('int_metric_values__ae') }}
    where quarter = 'Q1 2025/26'
),

compared as (
    select
        published.trust_code,
        published.value as published_value,
        published.reporting_date as published_reporting_date,
        {{ round_as_published('returns_values.value', "'OF0013'", 'registry.value_decimals') }} as returns_value,
        returns_values.reporting_date as returns_reporting_date
    from published
    cross join registry
    left join returns_values on published.trust_code = returns_values.trust_code
),

failures as (
    select
        trust_code,
        'value or reporting_date differs from NHS England''s' as problem
    from compared
    where
        returns_value is distinct from published_value
        or returns_reporting_date is distinct from published_reporting_date
    union all
    select
        cast(count(*) as varchar) as trust_code,
        'expected 123 acute trusts compared' as problem
    from compared
    having count(*) <> 123
)

select * from failures
