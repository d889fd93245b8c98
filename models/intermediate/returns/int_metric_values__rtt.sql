-- OF0023 (% of incomplete RTT pathways waiting 18 weeks or less, higher is better) and OF0003 (% waiting over
-- 52 weeks, lower is better) per provider x NOF quarter, basis 'latest_month' (the quarter's last month; both
-- are published 'Jun-25' for Q1 2025/26) [Q TA for OF0023; D for OF0003]. The month's figures come from
-- int_rtt_incomplete_pathways__monthly (Part_2, C_999, English commissioners); a landed month that is not a
-- quarter's last month (e.g. the embedded November 2024 excerpt) gives no value here. Cancer-specialist trusts
-- get no value (var rtt_excluded_trusts) [Q TA; D: NHS England's acute Q1 file has none for REN, RBV, RPY].
-- Organisations that are not NHS trusts (independent providers) are dropped downstream by the cohort seed.
with

registry as (
    select * from {{ ref('metric_registry') }}
    where
        returns_measure in ('rtt_over_52_weeks', 'rtt_within_18_weeks')
        and methodology_year = '{{ var("methodology_year") }}'
),

months as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from {{ ref('int_rtt_incomplete_pathways__monthly') }}
),

quarter_end_months as (
    select * from months
    where
        month_start = date_trunc('month', {{ quarter_end_date('quarter') }})
        and provider_org_code not in (
            {%- for code in var('rtt_excluded_trusts') %}
                '{{ code }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
),

values_by_metric as (
    select
        quarter_end_months.quarter,
        quarter_end_months.month_start,
        quarter_end_months.provider_org_code,
        quarter_end_months.waiting_list,
        quarter_end_months.source_files,
        registry.metric_id,
        case registry.returns_measure
            when 'rtt_within_18_weeks' then quarter_end_months.within_18_weeks
            when 'rtt_over_52_weeks' then quarter_end_months.over_52_weeks
        end as numerator
    from quarter_end_months
    cross join registry
    where registry.reporting_basis = 'latest_month'
),

final as (
    select
        'returns' as data_source,
        quarter,
        provider_org_code as trust_code,
        metric_id,
        100.0 * numerator / nullif(waiting_list, 0) as value,
        cast(null as string) as value_text,
        numerator,
        waiting_list as denominator,
        case when waiting_list > 0 then 'reported' else 'not_reported' end as value_status,
        {{ format_date('month_start', '%b-%y') }} as reporting_date,
        'nhse_rtt_full_extract: ' || source_files as value_origin
    from values_by_metric
)

select * from final
