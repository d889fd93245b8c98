-- Issue 10.5: the long-form ICB counts (fct_icb_segment_counts) add up to every count of the wide
-- fct_icb_aggregates, ICB by ICB and quarter by quarter, and neither has an ICB-quarter the other lacks.
with

aggregates as (
    select * from {{ ref('fct_icb_aggregates') }}
),

long_form as (
    select
        data_source,
        quarter,
        icb_code,
        min(icb_name) as icb_name,
        sum(trusts) as trusts,
        sum(trusts) filter (where cohort = 'acute') as trusts_acute,
        sum(trusts) filter (where cohort = 'mental_health_community') as trusts_mental_health_community,
        sum(trusts) filter (where cohort = 'ambulance') as trusts_ambulance,
        sum(trusts) filter (where final_segment = 1) as trusts_final_segment_1,
        sum(trusts) filter (where final_segment = 2) as trusts_final_segment_2,
        sum(trusts) filter (where final_segment = 3) as trusts_final_segment_3,
        sum(trusts) filter (where final_segment = 4) as trusts_final_segment_4,
        sum(trusts) filter (where final_segment = 5) as trusts_final_segment_5,
        max(final_segment) as worst_final_segment,
        sum(persistent_underperformers) as persistent_underperformers,
        sum(trusts_in_financial_deficit) as trusts_in_financial_deficit
    from {{ ref('fct_icb_segment_counts') }}
    group by data_source, quarter, icb_code
),

final as (
    select
        coalesce(aggregates.data_source, long_form.data_source) as data_source,
        coalesce(aggregates.quarter, long_form.quarter) as quarter,
        coalesce(aggregates.icb_code, long_form.icb_code) as icb_code
    from aggregates
    full outer join long_form
        on
            aggregates.data_source = long_form.data_source
            and aggregates.quarter = long_form.quarter
            and aggregates.icb_code = long_form.icb_code
    where
        aggregates.icb_code is null
        or long_form.icb_code is null
        or aggregates.icb_name is distinct from long_form.icb_name
        or aggregates.trusts <> long_form.trusts
        or aggregates.trusts_acute <> coalesce(long_form.trusts_acute, 0)
        or aggregates.trusts_mental_health_community <> coalesce(long_form.trusts_mental_health_community, 0)
        or aggregates.trusts_ambulance <> coalesce(long_form.trusts_ambulance, 0)
        or aggregates.trusts_final_segment_1 <> coalesce(long_form.trusts_final_segment_1, 0)
        or aggregates.trusts_final_segment_2 <> coalesce(long_form.trusts_final_segment_2, 0)
        or aggregates.trusts_final_segment_3 <> coalesce(long_form.trusts_final_segment_3, 0)
        or aggregates.trusts_final_segment_4 <> coalesce(long_form.trusts_final_segment_4, 0)
        or aggregates.trusts_final_segment_5 <> coalesce(long_form.trusts_final_segment_5, 0)
        or aggregates.worst_final_segment is distinct from long_form.worst_final_segment
        or aggregates.persistent_underperformers <> long_form.persistent_underperformers
        or aggregates.trusts_in_financial_deficit <> long_form.trusts_in_financial_deficit
)

select * from final
