-- League position (methodology.md 8.3): competition rank within cohort and quarter by adjusted segment,
-- then the 2-dp average metric score. Segment 5 trusts keep their adjusted segment's place. Per scenario.
with

segmented as (
    select * from {{ ref('int_trust_quarters__segmented') }}
    where average_score is not null
),

ranked as (
    select
        *,
        rank() over (partition by scenario, data_source, quarter, cohort order by {{ league_order() }}) as league_rank,
        count(*) over (partition by scenario, data_source, quarter, cohort) as cohort_size
    from segmented
)

select * from ranked
