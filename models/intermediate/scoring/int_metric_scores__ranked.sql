-- Continuous scoring (methodology.md 4.2-4.5): direction-aware competition rank of the unrounded value
-- within the metric's ranking population, standard and floor bookends, even spread between them.
-- Per scenario (seeds/engine_scenarios.csv: the final table, the provisional ones) beside the data source.
with

metric_values as (
    select * from {{ ref('int_metric_values__scenarios') }}
    where value_status = 'reported' and value is not null
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}' and scoring_type = 'continuous'
),

ranking_values as (
    -- [D acute Q1 2025/26, OF0013: RXL 77.98 and RFS 77.95 score 1.00 against the 78% standard, REF 77.92, RHW
    -- 77.88 and RKE 77.87 tie at 2.00] NHS England judges some metrics on the value as it publishes it (OF0013 at
    -- 1 dp): the registry's ranked_on_published_value rounds the value the same way before it is ranked.
    select
        metric_values.*,
        case
            when registry.ranked_on_published_value
                then
                    {{ round_as_published(
                        'metric_values.value', 'metric_values.metric_id', 'registry.value_decimals'
                    ) }}
            else metric_values.value
        end as ranked_value
    from metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
),

based as (
    select
        metric_values.scenario,
        metric_values.data_source,
        metric_values.quarter,
        metric_values.trust_code,
        metric_values.cohort,
        metric_values.metric_id,
        metric_values.value,
        metric_values.published_value_rank,
        registry.ranking_population,
        registry.population_cohorts,
        registry.standard_value,
        registry.floor_value,
        case when registry.direction = 'higher' then metric_values.ranked_value else -metric_values.ranked_value end
            as directed_value,
        case when registry.ranking_population = 'cohort' then metric_values.cohort else 'cross_cohort' end
            as population_key,
        -- [D] ties and bookends are judged on unrounded values; inclusivity is configuration per metric.
        case
            when registry.direction = 'higher'
                then
                    metric_values.ranked_value > registry.standard_value
                    or (registry.standard_met_inclusive and metric_values.ranked_value = registry.standard_value)
            else
                metric_values.ranked_value < registry.standard_value
                or (registry.standard_met_inclusive and metric_values.ranked_value = registry.standard_value)
        end as meets_standard,
        case
            when registry.direction = 'higher'
                then
                    metric_values.ranked_value > registry.floor_value
                    or (registry.floor_pass_inclusive and metric_values.ranked_value = registry.floor_value)
            else
                metric_values.ranked_value < registry.floor_value
                or (registry.floor_pass_inclusive and metric_values.ranked_value = registry.floor_value)
        end as passes_floor
    from ranking_values as metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
),

tie_groups as (
    select
        *,
        -- trusts of the population sharing the (as published, 2-dp) value, and the cohorts they come from
        min(cohort) over (partition by scenario, data_source, quarter, metric_id, population_key, directed_value)
        <> max(cohort) over (partition by scenario, data_source, quarter, metric_id, population_key, directed_value)
            as is_tie_across_cohorts
    from based
),

banded as (
    select
        *,
        case
            when coalesce(meets_standard, false) then 'meets_standard'
            when not coalesce(passes_floor, true) then 'fails_floor'
            else 'ranked'
        end as scoring_band,
        -- [D 244/244] the published file rounds values to 2 dp, but its within-type Rank was taken on the
        -- unrounded values: it breaks ties between equal rounded values of one cohort (null for unrounded
        -- inputs). Between cohorts the files give no order: such a tie is left a tie.
        case when not is_tie_across_cohorts then published_value_rank end as unrounded_order,
        -- [D acute Q1 2025/26, OF0005 0.01/0.05/0.46] a non-zero 2-dp value shared by trusts of different
        -- cohorts hides their order (unrounded values differ): their scores cannot be recomputed from the files
        not is_tie_across_cohorts or published_value_rank is null or value = 0 as is_order_known
    from tie_groups
),

ranked as (
    select
        *,
        rank() over (
            partition by scenario, data_source, quarter, metric_id, population_key
            order by directed_value desc, unrounded_order asc
        ) as population_rank,
        count(*) over (partition by scenario, data_source, quarter, metric_id, population_key) as population_size,
        rank() over (
            partition by scenario, data_source, quarter, metric_id, population_key, scoring_band
            order by directed_value desc, unrounded_order asc
        ) as band_rank,
        count(*) over (
            partition by scenario, data_source, quarter, metric_id, population_key, scoring_band
        ) as band_size,
        {{ window_distinct_list('cohort', 'scenario, data_source, quarter, metric_id') }} as cohorts_present
    from banded
),

scored as (
    select
        scenario,
        data_source,
        quarter,
        trust_code,
        metric_id,
        value,
        ranking_population,
        population_key,
        population_rank,
        population_size,
        scoring_band,
        band_rank,
        band_size,
        case
            when population_size = 1 then 0.0
            else (population_rank - 1) / (population_size - 1)
        end as percentile_rank,
        case
            when scoring_band = 'meets_standard' then 1.0
            when scoring_band = 'fails_floor' then 4.0
            -- a single remaining organisation takes the best bookend [I]
            when band_size = 1 then case when standard_value is not null then 2.0 else 1.0 end
            else
                (case when standard_value is not null then 2.0 else 1.0 end)
                + (
                    (case when floor_value is not null then 3.0 else 4.0 end)
                    - (case when standard_value is not null then 2.0 else 1.0 end)
                )
                -- in double arithmetic on every engine (Spark would keep the decimal literals' decimal type)
                * cast(band_rank - 1 as double) / (band_size - 1)
        end as score,
        ranking_population = 'cohort'
        or {{ list_has_all('cohorts_present', split_list('population_cohorts', '|')) }} as is_population_complete,
        is_order_known,
        population_cohorts,
        {{ list_to_string('array_sort(cohorts_present)', "'|'") }} as population_cohorts_present
    from ranked
)

select * from scored
