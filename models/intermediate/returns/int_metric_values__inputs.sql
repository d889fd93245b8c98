-- Metric values the public returns do not carry, from the user-filled input templates under data/inputs/
-- (data_source 'returns'; engine contract of int_metric_values__<source>): finance OF0079 / OF0081, CQC safe
-- rating OF0067 (value_text), HCAI OF0020 (count), OF0048 and OF0088 (rates), and any other registry metric from
-- the metric-values template (a value in the registry's units, or only a score: int_metric_values__unioned takes
-- the supplied score from the template). A blank cell gives no row: the metric is then excluded for that trust
-- and quarter, the NOF missing-data rule.
with

finance as (
    select * from {{ ref('stg_nof_inputs__finance') }}
),

cqc_safe as (
    select * from {{ ref('stg_nof_inputs__cqc_safe') }}
),

hcai as (
    select * from {{ ref('stg_nof_inputs__hcai') }}
),

metric_inputs as (
    select * from {{ ref('stg_nof_inputs__metric_values') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

finance_values as (
    select
        quarter,
        trust_code,
        {{ registry_metric_id("'finance_planned_surplus_deficit'") }} as metric_id,
        planned_surplus_deficit_pct as value,
        cast(null as string) as value_text,
        cast(null as double) as numerator,
        plan_reporting_date as reporting_date,
        source_file,
        input_source
    from finance
    where planned_surplus_deficit_pct is not null
    union all
    select
        quarter,
        trust_code,
        {{ registry_metric_id("'finance_ytd_variance_to_plan'") }} as metric_id,
        ytd_variance_to_plan_pct as value,
        cast(null as string) as value_text,
        cast(null as double) as numerator,
        ytd_reporting_date as reporting_date,
        source_file,
        input_source
    from finance
    where ytd_variance_to_plan_pct is not null
),

cqc_values as (
    select
        quarter,
        trust_code,
        {{ registry_metric_id("'cqc_safe_rating'") }} as metric_id,
        cast(null as double) as value,
        safe_rating as value_text,
        cast(null as double) as numerator,
        cast(rating_date as string) as reporting_date,
        source_file,
        input_source
    from cqc_safe
),

hcai_values as (
    -- the case count for a metric the registry states as a count (OF0020), else the rate per bed days
    select
        hcai.quarter,
        hcai.trust_code,
        hcai.metric_id,
        case when registry.value_units = 'count' then hcai.case_count else hcai.case_rate end as value,
        cast(null as string) as value_text,
        hcai.case_count as numerator,
        hcai.reporting_date,
        hcai.source_file,
        hcai.input_source
    from hcai
    left join registry on hcai.metric_id = registry.metric_id
    where (case when registry.value_units = 'count' then hcai.case_count else hcai.case_rate end) is not null
),

other_values as (
    select
        metric_inputs.quarter,
        metric_inputs.trust_code,
        metric_inputs.metric_id,
        -- a value in other units than the registry's (a count for a rate metric) is not ranked
        case when metric_inputs.units = registry.value_units then metric_inputs.value end as value,
        cast(null as string) as value_text,
        cast(null as double) as numerator,
        metric_inputs.reporting_date,
        metric_inputs.source_file,
        metric_inputs.input_source
    from metric_inputs
    inner join registry on metric_inputs.metric_id = registry.metric_id
    where metric_inputs.value is not null or metric_inputs.supplied_score is not null
),

unioned as (
    select * from finance_values
    union all
    select * from cqc_values
    union all
    select * from hcai_values
    union all
    select * from other_values
),

final as (
    select
        'returns' as data_source,
        quarter,
        trust_code,
        metric_id,
        cast(value as double) as value,
        value_text,
        cast(numerator as double) as numerator,
        cast(null as double) as denominator,
        case when value is null and value_text is null then 'not_reported' else 'reported' end as value_status,
        reporting_date,
        'input template ' || source_file || ': ' || input_source as value_origin
    from unioned
)

select * from final
