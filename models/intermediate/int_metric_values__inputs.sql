-- Metric values the public returns do not carry, from the user-filled input templates under data/inputs/
-- (data_source 'returns'; engine contract of int_metric_values__<source>): finance OF0079 / OF0081, CQC safe
-- rating OF0067 (value_text) and HCAI OF0020 (count), OF0048 and OF0088 (rates). A blank cell gives no row:
-- the metric is then excluded for that trust and quarter, the NOF missing-data rule.
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

finance_values as (
    select
        quarter,
        trust_code,
        'OF0079' as metric_id,
        planned_surplus_deficit_pct as value,
        cast(null as varchar) as value_text,
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
        'OF0081' as metric_id,
        ytd_variance_to_plan_pct as value,
        cast(null as varchar) as value_text,
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
        'OF0067' as metric_id,
        cast(null as double) as value,
        safe_rating as value_text,
        cast(null as double) as numerator,
        cast(rating_date as varchar) as reporting_date,
        source_file,
        input_source
    from cqc_safe
),

hcai_values as (
    select
        quarter,
        trust_code,
        metric_id,
        case when metric_id = 'OF0020' then case_count else case_rate end as value,
        cast(null as varchar) as value_text,
        case_count as numerator,
        reporting_date,
        source_file,
        input_source
    from hcai
    where (case when metric_id = 'OF0020' then case_count else case_rate end) is not null
),

unioned as (
    select * from finance_values
    union all
    select * from cqc_values
    union all
    select * from hcai_values
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
        'reported' as value_status,
        reporting_date,
        'input template ' || source_file || ': ' || input_source as value_origin
    from unioned
)

select * from final
