-- Inputs to steps 3 and 4 (methodology.md 6-7) per data source x quarter x trust: the financial-override flag
-- (deficit or deficit support) and Recovery Support Programme membership. Neither can be derived from the
-- metric values [D]; for the NHS England route they are the published OF5004 / OF5007 rows, for the returns
-- route the user-filled input templates (data/inputs/nof-input-finance.csv, nof-input-recovery-support.csv).
with

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

published_outcomes as (
    select * from {{ ref('int_published_outcomes__pivoted') }}
),

finance_inputs as (
    select * from {{ ref('stg_nof_inputs__finance') }}
),

recovery_support_inputs as (
    select * from {{ ref('stg_nof_inputs__recovery_support') }}
),

-- Per route, where the flags come from: NHS England's published rows, or the input templates.
published as (
    select
        'nhse_nof' as data_source,
        quarter,
        trust_code,
        published_financial_override,
        published_recovery_support,
        published_final_segment,
        'NHS England OF5004' as override_label,
        'NHS England OF5007' as recovery_label
    from published_outcomes
    union all
    select
        'returns' as data_source,
        coalesce(finance_inputs.quarter, recovery_support_inputs.quarter) as quarter,
        coalesce(finance_inputs.trust_code, recovery_support_inputs.trust_code) as trust_code,
        finance_inputs.financial_override as published_financial_override,
        recovery_support_inputs.in_recovery_support_programme as published_recovery_support,
        cast(null as integer) as published_final_segment,
        'input template ' || finance_inputs.source_file as override_label,
        'input template ' || recovery_support_inputs.source_file as recovery_label
    from finance_inputs
    full outer join recovery_support_inputs
        on
            finance_inputs.quarter = recovery_support_inputs.quarter
            and finance_inputs.trust_code = recovery_support_inputs.trust_code
),

final as (
    select
        trust_quarters.data_source,
        trust_quarters.quarter,
        trust_quarters.trust_code,
        coalesce(published.published_financial_override, false) as financial_override,
        coalesce(published.published_recovery_support, published.published_final_segment = 5, false)
            as recovery_support,
        case
            when published.published_financial_override is not null then published.override_label
            else 'none supplied: no override'
        end as financial_override_source,
        case
            when published.published_recovery_support is not null then published.recovery_label
            when published.published_final_segment is not null then 'NHS England OF5005'
            else 'none supplied: not in the programme'
        end as recovery_support_source
    from trust_quarters
    left join published
        on
            trust_quarters.data_source = published.data_source
            and trust_quarters.quarter = published.quarter
            and trust_quarters.trust_code = published.trust_code
)

select * from final
