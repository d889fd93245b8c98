-- Steps 2-4 (methodology.md 5-7): unadjusted segment from the cut-points, the financial override
-- (no higher than 3), the adjusted segment, the Recovery Support Programme (segment 5), the final segment.
-- A method variant (seeds/engine_scenarios.csv) may compare the unrounded average, or apply no override.
with

averages as (
    select * from {{ ref('int_trust_quarters__averaged') }}
),

cut_points as (
    select * from {{ ref('int_segment_cut_points__derived') }}
),

adjustments as (
    select * from {{ ref('int_segment_adjustments__unioned') }}
),

scenarios as (
    select * from {{ ref('engine_scenarios') }}
),

unadjusted as (
    select
        averages.*,
        cut_points.cut_point_method,
        cut_points.cut_point_1,
        cut_points.cut_point_2,
        cut_points.cut_point_3,
        {{ segment_from_cut_points(
            segment_average_score('averages.average_score', 'scenarios.segment_on_rounded_average'),
            'cut_points.cut_point_1', 'cut_points.cut_point_2', 'cut_points.cut_point_3'
        ) }} as unadjusted_segment,
        coalesce(adjustments.financial_override, false)
        and coalesce(scenarios.apply_financial_override, true) as financial_override,
        coalesce(adjustments.recovery_support, false) as recovery_support,
        adjustments.financial_override_source,
        adjustments.recovery_support_source
    from averages
    left join cut_points
        on
            averages.scenario = cut_points.scenario
            and averages.data_source = cut_points.data_source
            and averages.quarter = cut_points.quarter
            and averages.cohort = cut_points.cohort
    inner join scenarios on averages.scenario = scenarios.scenario
    left join adjustments
        on
            averages.data_source = adjustments.data_source
            and averages.quarter = adjustments.quarter
            and averages.trust_code = adjustments.trust_code
),

adjusted as (
    select
        *,
        {{ adjusted_segment('unadjusted_segment', 'financial_override') }} as adjusted_segment
    from unadjusted
),

final as (
    select
        *,
        {{ final_segment('adjusted_segment', 'recovery_support') }} as final_segment,
        financial_override and unadjusted_segment < 3 as is_moved_by_override
    from adjusted
)

select * from final
