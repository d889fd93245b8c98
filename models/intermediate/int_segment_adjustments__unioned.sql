-- Inputs to steps 3 and 4 (methodology.md 6-7) per data source x quarter x trust: the financial-override flag
-- (deficit or deficit support) and Recovery Support Programme membership. Neither can be derived from the
-- metric values [D]; for the NHS England route they are the published OF5004 / OF5007 rows.
with

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

published as (
    select * from {{ ref('int_published_outcomes__pivoted') }}
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
            when published.published_financial_override is not null then 'NHS England OF5004'
            else 'none supplied: no override'
        end as financial_override_source,
        case
            when published.published_recovery_support is not null then 'NHS England OF5007'
            when published.published_final_segment is not null then 'NHS England OF5005'
            else 'none supplied: not in the programme'
        end as recovery_support_source
    from trust_quarters
    left join published
        on
            trust_quarters.quarter = published.quarter
            and trust_quarters.trust_code = published.trust_code
)

select * from final
