-- Every metric value the returns route computed from a raw statistical return beside NHS England's published
-- value, trust by trust (values copied into input templates are left out: they would reconcile with
-- themselves). For each metric and quarter the route computes, every trust NHS England publishes is listed:
-- matched (equal at the published precision), different, or not computed; trusts the route computes that NHS
-- England does not publish are listed as not published. Each miss carries the reason found
-- (seed known_value_differences).
with

metric_values as (
    select * from {{ ref('int_metric_values__unioned') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

published as (
    select * from metric_values
    where data_source = 'nhse_nof' and value is not null
),

known_differences as (
    select * from {{ ref('known_value_differences') }}
),

computed as (
    select
        metric_values.quarter,
        metric_values.trust_code,
        metric_values.cohort,
        metric_values.metric_id,
        metric_values.value,
        {{ round_as_published('metric_values.value', 'metric_values.metric_id', 'registry.value_decimals') }}
            as value_as_published,
        metric_values.numerator,
        metric_values.denominator,
        metric_values.reporting_date,
        metric_values.value_origin
    from metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
    where metric_values.value_source = 'raw_return' and metric_values.value is not null
),

computed_metric_quarters as (
    select distinct
        quarter,
        metric_id
    from computed
),

published_in_scope as (
    select published.*
    from published
    inner join computed_metric_quarters
        on
            published.quarter = computed_metric_quarters.quarter
            and published.metric_id = computed_metric_quarters.metric_id
),

compared as (
    select
        'returns' as data_source,
        coalesce(computed.quarter, published_in_scope.quarter) as quarter,
        coalesce(computed.trust_code, published_in_scope.trust_code) as trust_code,
        coalesce(computed.cohort, published_in_scope.cohort) as cohort,
        coalesce(computed.metric_id, published_in_scope.metric_id) as metric_id,
        computed.value,
        computed.value_as_published,
        published_in_scope.value as published_value,
        abs(computed.value_as_published - published_in_scope.value) as difference,
        computed.numerator,
        computed.denominator,
        computed.reporting_date,
        published_in_scope.reporting_date as published_reporting_date,
        computed.value_origin,
        case
            when published_in_scope.trust_code is null then 'not_published'
            when computed.trust_code is null then 'not_computed'
            when abs(computed.value_as_published - published_in_scope.value) <= 1e-9 then 'matched'
            else 'different'
        end as outcome
    from computed
    full outer join published_in_scope
        on
            computed.quarter = published_in_scope.quarter
            and computed.trust_code = published_in_scope.trust_code
            and computed.metric_id = published_in_scope.metric_id
),

final as (
    select
        compared.*,
        case when compared.outcome <> 'not_published' then compared.outcome = 'matched' end as is_match,
        known_differences.reason as difference_reason
    from compared
    left join known_differences
        on
            compared.metric_id = known_differences.metric_id
            and compared.quarter = known_differences.quarter
            and compared.trust_code = known_differences.trust_code
)

select * from final
