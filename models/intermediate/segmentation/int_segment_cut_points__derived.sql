-- Segment cut-points per scenario x data source x quarter x cohort (methodology.md 5.2), by the method the
-- `segment_cut_point_method` var names, falling back to `segment_cut_point_fallback` where it has nothing
-- to work from:
--   pooled_quartiles         quartiles (QUARTILE.INC) of the average score pooled over every cohort present [D]
--   per_cohort_quartiles     quartiles within the cohort, as the manual's text reads [Q M25]
--   fixed                    thresholds from the segment_thresholds_fixed seed (2026/27 "defined thresholds")
--   inferred_from_published  midpoints of the intervals that NHS England's published unadjusted segments
--                            (OF5003; where a release lacks it, adjusted segments of trusts the financial
--                            override cannot have moved) leave for each boundary (reported with the intervals)
-- A method variant (seeds/engine_scenarios.csv, cut_point_method; segment_on_rounded_average) overrides the vars.
with

scenarios as (
    select * from {{ ref('engine_scenarios') }}
),

averages as (
    select
        averaged.*,
        {{ segment_average_score('averaged.average_score', 'scenarios.segment_on_rounded_average') }}
            as segmented_score
    from {{ ref('int_trust_quarters__averaged') }} as averaged
    inner join scenarios on averaged.scenario = scenarios.scenario
    where averaged.average_score is not null
),

published as (
    select
        *,
        -- [D] the segment the cut-points sort a trust into is the unadjusted one (OF5003). Where a release does
        -- not publish it, the adjusted segment (OF5000 / league table) equals it for a trust without the
        -- financial override, and for one in segment 4; a capped trust's adjusted 3 hides it and is left out.
        coalesce(
            published_unadjusted_segment,
            case
                when not coalesce(published_financial_override, true) or published_adjusted_segment = 4
                    then published_adjusted_segment
            end
        ) as segment_for_inference
    from {{ ref('int_published_outcomes__pivoted') }}
    where published_average_score is not null
),

fixed_thresholds as (
    select * from {{ ref('segment_thresholds_fixed') }}
    where methodology_year = '{{ var("methodology_year") }}' and cut_point_1 is not null
),

scope as (
    select distinct
        scenario,
        data_source,
        quarter,
        cohort
    from averages
),

pooled_quartiles as (
    select
        scenario,
        data_source,
        quarter,
        percentile_cont(0.25) within group (order by segmented_score) as cut_point_1,
        percentile_cont(0.50) within group (order by segmented_score) as cut_point_2,
        percentile_cont(0.75) within group (order by segmented_score) as cut_point_3
    from averages
    group by scenario, data_source, quarter
),

per_cohort_quartiles as (
    select
        scenario,
        data_source,
        quarter,
        cohort,
        percentile_cont(0.25) within group (order by segmented_score) as cut_point_1,
        percentile_cont(0.50) within group (order by segmented_score) as cut_point_2,
        percentile_cont(0.75) within group (order by segmented_score) as cut_point_3
    from averages
    group by scenario, data_source, quarter, cohort
),

inferred_intervals as (
    select
        quarter,
        max(published_average_score) filter (where segment_for_inference <= 1) as cut_point_1_low,
        min(published_average_score) filter (where segment_for_inference > 1) as cut_point_1_high,
        max(published_average_score) filter (where segment_for_inference <= 2) as cut_point_2_low,
        min(published_average_score) filter (where segment_for_inference > 2) as cut_point_2_high,
        max(published_average_score) filter (where segment_for_inference <= 3) as cut_point_3_low,
        min(published_average_score) filter (where segment_for_inference > 3) as cut_point_3_high
    from published
    group by quarter
),

candidates as (
    -- one row per method; the interval columns of the quartile and fixed methods are null
    select
        scope.scenario,
        scope.data_source,
        scope.quarter,
        scope.cohort,
        'pooled_quartiles' as method,
        pooled_quartiles.cut_point_1,
        pooled_quartiles.cut_point_2,
        pooled_quartiles.cut_point_3,
        null as cut_point_1_low,
        null as cut_point_1_high,
        null as cut_point_2_low,
        null as cut_point_2_high,
        null as cut_point_3_low,
        null as cut_point_3_high
    from scope
    inner join pooled_quartiles
        on
            scope.scenario = pooled_quartiles.scenario
            and scope.data_source = pooled_quartiles.data_source
            and scope.quarter = pooled_quartiles.quarter
    union all
    select
        scenario,
        data_source,
        quarter,
        cohort,
        'per_cohort_quartiles' as method,
        cut_point_1,
        cut_point_2,
        cut_point_3,
        null as cut_point_1_low,
        null as cut_point_1_high,
        null as cut_point_2_low,
        null as cut_point_2_high,
        null as cut_point_3_low,
        null as cut_point_3_high
    from per_cohort_quartiles
    union all
    select
        scope.scenario,
        scope.data_source,
        scope.quarter,
        scope.cohort,
        'fixed' as method,
        fixed_thresholds.cut_point_1,
        fixed_thresholds.cut_point_2,
        fixed_thresholds.cut_point_3,
        null as cut_point_1_low,
        null as cut_point_1_high,
        null as cut_point_2_low,
        null as cut_point_2_high,
        null as cut_point_3_low,
        null as cut_point_3_high
    from scope
    cross join fixed_thresholds
    union all
    select
        scope.scenario,
        scope.data_source,
        scope.quarter,
        scope.cohort,
        'inferred_from_published' as method,
        (inferred_intervals.cut_point_1_low + inferred_intervals.cut_point_1_high) / 2 as cut_point_1,
        (inferred_intervals.cut_point_2_low + inferred_intervals.cut_point_2_high) / 2 as cut_point_2,
        (inferred_intervals.cut_point_3_low + inferred_intervals.cut_point_3_high) / 2 as cut_point_3,
        inferred_intervals.cut_point_1_low,
        inferred_intervals.cut_point_1_high,
        inferred_intervals.cut_point_2_low,
        inferred_intervals.cut_point_2_high,
        inferred_intervals.cut_point_3_low,
        inferred_intervals.cut_point_3_high
    from scope
    inner join inferred_intervals on scope.quarter = inferred_intervals.quarter
    where
        inferred_intervals.cut_point_1_low is not null and inferred_intervals.cut_point_1_high is not null
        and inferred_intervals.cut_point_2_low is not null and inferred_intervals.cut_point_2_high is not null
        and inferred_intervals.cut_point_3_low is not null and inferred_intervals.cut_point_3_high is not null
),

requested as (
    select
        candidates.*,
        candidates.method = coalesce(scenarios.cut_point_method, '{{ var("segment_cut_point_method") }}')
            as is_requested_method
    from candidates
    inner join scenarios on candidates.scenario = scenarios.scenario
),

chosen as (
    select * from requested
    where is_requested_method or method = '{{ var("segment_cut_point_fallback") }}'
    qualify row_number() over (
        partition by scenario, data_source, quarter, cohort
        order by is_requested_method desc
    ) = 1
),

final as (
    select
        scenario,
        data_source,
        quarter,
        cohort,
        method as cut_point_method,
        is_requested_method,
        cut_point_1,
        cut_point_2,
        cut_point_3,
        cut_point_1_low,
        cut_point_1_high,
        cut_point_2_low,
        cut_point_2_high,
        cut_point_3_low,
        cut_point_3_high,
        -- an inferred interval is consistent when the published segments do not overlap on the 2-dp score
        coalesce(
            cut_point_1_low < cut_point_1_high
            and cut_point_2_low < cut_point_2_high
            and cut_point_3_low < cut_point_3_high,
            true
        ) as is_consistent
    from chosen
)

select * from final
