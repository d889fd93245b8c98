-- The score of every metric for every trust-quarter, by the rule its registry row names:
-- continuous (int_metric_scores__ranked), discrete bands, combined finance, CQC rating, or NHS England's
-- published score where the engine cannot recompute it (score-only metrics, incomplete ranking population).
-- Per scenario (seeds/engine_scenarios.csv) beside the data source.
{%- set metric_keys = ['scenario', 'data_source', 'quarter', 'trust_code', 'metric_id'] %}
with

metric_values as (
    select * from {{ ref('int_metric_values__scenarios') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

bands as (
    select * from {{ ref('metric_bands') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

cqc_ratings as (
    select * from {{ ref('cqc_rating_scores') }}
),

ranked as (
    select * from {{ ref('int_metric_scores__ranked') }}
),

trust_cohorts as (
    select * from {{ ref('trust_cohorts') }}
),

-- [D methodology 4.5] cross-cohort populations missing a whole cohort in this input (e.g. sickness absence over
-- all 205 trusts with no ambulance file): which cohort, and how many trusts of it seeds/trust_cohorts.csv lists
population_gaps as (
    select
        needed.scenario,
        needed.data_source,
        needed.quarter,
        needed.metric_id,
        {{ ordered_string_agg(
            "needed.cohort || ' (' || (
                select count(*) from trust_cohorts
                where
                    trust_cohorts.cohort = needed.cohort
                    and trust_cohorts.valid_from <= needed.quarter_start_date
                    and (trust_cohorts.valid_to is null or trust_cohorts.valid_to >= needed.quarter_start_date)
            ) || ' trusts)'",
            "', '",
            'needed.cohort'
        ) }} as missing_cohorts
    from (
        select distinct
            ranked.scenario,
            ranked.data_source,
            ranked.quarter,
            {{ quarter_start_date('ranked.quarter') }} as quarter_start_date,
            ranked.metric_id,
            {{ unnest_list(split_list('ranked.population_cohorts', '|')) }} as cohort,
            ranked.population_cohorts_present
        from ranked
        where not ranked.is_population_complete
    ) as needed
    where not array_contains({{ split_list('needed.population_cohorts_present', '|') }}, needed.cohort)
    group by needed.scenario, needed.data_source, needed.quarter, needed.metric_id
),

banded as (
    select
        metric_values.scenario,
        metric_values.data_source,
        metric_values.quarter,
        metric_values.trust_code,
        metric_values.metric_id,
        cast(bands.score as double) as score
    from metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
    inner join bands
        on
            registry.score_id = bands.score_id
            and (
                bands.lower_bound is null
                or metric_values.value > bands.lower_bound
                or (bands.lower_inclusive and metric_values.value = bands.lower_bound)
            )
            and (
                bands.upper_bound is null
                or metric_values.value < bands.upper_bound
                or (bands.upper_inclusive and metric_values.value = bands.upper_bound)
            )
    where registry.scoring_type = 'banded' and metric_values.value_status = 'reported'
),

combined_finance as (
    select
        planned.scenario,
        planned.data_source,
        planned.quarter,
        planned.trust_code,
        registry.metric_id,
        cast({{ combined_finance_score('planned.score', 'ytd.score') }} as double) as score
    from banded as planned
    inner join banded as ytd
        on
            planned.scenario = ytd.scenario
            and planned.data_source = ytd.data_source
            and planned.quarter = ytd.quarter
            and planned.trust_code = ytd.trust_code
    cross join registry
    where
        planned.metric_id = '{{ var("combined_finance_components")["planned"] }}'
        and ytd.metric_id = '{{ var("combined_finance_components")["year_to_date"] }}'
        and registry.scoring_type = 'combined_finance'
),

cqc_rated as (
    select
        metric_values.scenario,
        metric_values.data_source,
        metric_values.quarter,
        metric_values.trust_code,
        metric_values.metric_id,
        cast(cqc_ratings.score as double) as score
    from metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
    inner join cqc_ratings on lower(metric_values.value_text) = lower(cqc_ratings.rating)
    where registry.scoring_type = 'cqc_rating' and metric_values.value_status = 'reported'
),

computed as (
    {%- for scored in ['banded', 'combined_finance', 'cqc_rated', 'ranked'] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            score,
            scenario,
            data_source,
            quarter,
            trust_code,
            metric_id
        from {{ scored }}
        {%- if scored == 'ranked' %}
            where is_population_complete and is_order_known
        {%- endif %}
    {%- endfor %}
),

all_metrics as (
    -- combined finance has no input row of its own when both components are input values
    select
        scenario,
        data_source,
        quarter,
        trust_code,
        cohort,
        metric_id,
        value,
        value_status,
        reporting_date,
        published_score,
        published_value_rank,
        value_origin,
        value_source
    from metric_values
    union all
    select
        combined_finance.scenario,
        combined_finance.data_source,
        combined_finance.quarter,
        combined_finance.trust_code,
        min(metric_values.cohort) as cohort,
        combined_finance.metric_id,
        null as value,
        'derived' as value_status,
        -- as NHS England dates OF1080: the quarter (any_value of the two components' dates was arbitrary)
        combined_finance.quarter as reporting_date,
        null as published_score,
        null as published_value_rank,
        -- the origin of its components (an input template's, or NHS England's data file)
        {{ ordered_string_agg(
            'metric_values.value_origin', "'; '", 'metric_values.value_origin', distinct=true
        ) }} as value_origin,
        -- supplied when either component is
        case
            when bool_or(metric_values.value_source = 'input_template') then 'input_template'
            else min(metric_values.value_source)
        end as value_source
    from combined_finance
    inner join metric_values
        on
            combined_finance.scenario = metric_values.scenario
            and combined_finance.data_source = metric_values.data_source
            and combined_finance.quarter = metric_values.quarter
            and combined_finance.trust_code = metric_values.trust_code
            and metric_values.metric_id in (
                '{{ var("combined_finance_components")["planned"] }}',
                '{{ var("combined_finance_components")["year_to_date"] }}'
            )
    where
        not exists (
            select 1 from metric_values as existing
            where
                existing.scenario = combined_finance.scenario
                and existing.data_source = combined_finance.data_source
                and existing.quarter = combined_finance.quarter
                and existing.trust_code = combined_finance.trust_code
                and existing.metric_id = combined_finance.metric_id
        )
    group by all
),

final as (
    select
        all_metrics.scenario,
        all_metrics.data_source,
        all_metrics.quarter,
        all_metrics.trust_code,
        all_metrics.cohort,
        all_metrics.metric_id,
        registry.score_id,
        registry.scoring_type,
        all_metrics.value,
        all_metrics.value_status,
        all_metrics.reporting_date,
        ranked.percentile_rank,
        ranked.population_rank,
        ranked.population_size as ranking_population_size,
        registry.ranking_population,
        ranked.is_population_complete,
        coalesce(computed.score, all_metrics.published_score) as score,
        case
            when computed.score is not null then 'computed'
            when all_metrics.published_score is not null then 'published'
        end as score_method,
        case
            when computed.score is not null then null
            when registry.scoring_type = 'published_only'
                then 'scored by NHS England from data the engine does not receive'
            when ranked.is_population_complete = false
                then
                    'ranking population incomplete in this input: needs ' || ranked.population_cohorts
                    || ', has ' || ranked.population_cohorts_present
                    || coalesce('; missing ' || population_gaps.missing_cohorts, '')
                    || '. Ranked over the ' || ranked.population_size || ' trusts present the score would be '
                    || {{ fixed_decimals(round_half_up('ranked.score'), 2) }}
                    || coalesce(
                        ' (NHS England''s ' || {{ fixed_decimals('all_metrics.published_score', 2) }} || ')', ''
                    )
                    || ': NHS England''s score is used'
            when ranked.is_order_known = false
                then
                    'tied at the published value with a trust of another cohort: their order needs unrounded '
                    || 'values, so NHS England''s score is used'
            when all_metrics.value is null and all_metrics.published_score is not null
                then
                    'no value in the registry''s units in the input (NHS England publishes some trusts in other '
                    || 'units, e.g. a count): NHS England''s published score used'
            when all_metrics.value_status in ('suppressed', 'not_reported')
                then 'value ' || replace(all_metrics.value_status, '_', ' ') || ': excluded from the average'
        end as score_note,
        cast(registry.weight as double) as weight,
        registry.include_in_average,
        all_metrics.published_score,
        all_metrics.published_value_rank,
        -- the score over the trusts present when the ranking population lacks a cohort (shown, never used)
        case when not ranked.is_population_complete then ranked.score end as score_over_present_population,
        all_metrics.value_origin,
        all_metrics.value_source
    from all_metrics
    inner join registry on all_metrics.metric_id = registry.metric_id
    left join computed on {{ same_keys('all_metrics', 'computed', metric_keys) }}
    left join ranked on {{ same_keys('all_metrics', 'ranked', metric_keys) }}
    left join population_gaps
        on
            all_metrics.scenario = population_gaps.scenario
            and all_metrics.data_source = population_gaps.data_source
            and all_metrics.quarter = population_gaps.quarter
            and all_metrics.metric_id = population_gaps.metric_id
)

select * from final
