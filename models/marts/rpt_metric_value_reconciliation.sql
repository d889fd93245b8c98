-- Every metric value the returns route computed from a raw statistical return beside NHS England's published
-- value, trust by trust, as int_metric_values__reconciled compares them (rpt_reconciliation's metric_values checks
-- count the same rows).
with

reconciled as (
    select * from {{ ref('int_metric_values__reconciled') }}
),

final as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        metric_id,
        value,
        value_as_published,
        published_value,
        difference,
        numerator,
        denominator,
        reporting_date,
        {{ reporting_period('reporting_date', 'start') }} as reporting_period_start,
        {{ reporting_period('reporting_date', 'end') }} as reporting_period_end,
        published_reporting_date,
        value_origin,
        outcome,
        is_match,
        difference_reason
    from reconciled
)

select * from final
