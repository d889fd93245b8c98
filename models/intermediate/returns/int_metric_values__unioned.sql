-- Metric values (and NHS England's published scores where an input carries them) per
-- data source x quarter x trust x metric: the single entry point of the scoring engine.
-- data_source 'nhse_nof': NHS England's published NOF values. data_source 'returns': the metrics computed from
-- the raw statistical returns (int_metric_values__returns, the one union of the returns models), with NHS England's
-- published value and score beside each where the NOF files have them (joined on quarter, trust, metric).
-- A returns value counts only for a trust whose cohort the registry lists for the metric (registry column
-- cohorts: e.g. no OF0011 for a community trust that treated half a shared cancer patient) and that the
-- metric_trust_exclusions seed does not exclude at the quarter (NHS England's own exclusions, e.g. no OF0010
-- and OF0011 for the 16 specialist acute trusts [D acute Q1 2025/26]).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
),

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

exclusions as (
    select * from {{ ref('metric_trust_exclusions') }}
),

supplied_scores as (
    select * from {{ ref('stg_nof_inputs__metric_values') }}
    where supplied_score is not null
),

returns_values as (
    select * from {{ ref('int_metric_values__returns') }}
),

nhse_nof_values as (
    select
        published.quarter,
        published.trust_code,
        registry.metric_id,
        published.value,
        published.reporting_date,
        published.published_rank as published_value_rank
    from published
    inner join registry on published.metric_id = registry.metric_id
    -- [D] IDs published with several units keep the registry's unit only: a trust NHS England publishes in
    -- other units (OF0048/OF0088 as a count for specialist trusts with no rate) is scored by a rule of its own,
    -- so the engine takes NHS England's score for it and leaves it out of the rate's ranking population.
    where published.metric_family = '00' and published.units = registry.value_units
),

nhse_nof_scores as (
    select
        published.quarter,
        published.trust_code,
        registry.metric_id,
        published.value as published_score,
        published.reporting_date,
        published.published_rank as published_score_rank
    from published
    inner join registry on published.metric_id = registry.score_id
    where published.metric_family = '10'
),

nhse_nof as (
    select
        'nhse_nof' as data_source,
        coalesce(nhse_nof_values.quarter, nhse_nof_scores.quarter) as quarter,
        coalesce(nhse_nof_values.trust_code, nhse_nof_scores.trust_code) as trust_code,
        coalesce(nhse_nof_values.metric_id, nhse_nof_scores.metric_id) as metric_id,
        nhse_nof_values.value,
        cast(null as string) as value_text,
        case when nhse_nof_values.value is null then 'not_reported' else 'reported' end as value_status,
        coalesce(nhse_nof_values.reporting_date, nhse_nof_scores.reporting_date) as reporting_date,
        nhse_nof_scores.published_score,
        nhse_nof_values.published_value_rank
    from nhse_nof_values
    full outer join nhse_nof_scores
        on
            nhse_nof_values.quarter = nhse_nof_scores.quarter
            and nhse_nof_values.trust_code = nhse_nof_scores.trust_code
            and nhse_nof_values.metric_id = nhse_nof_scores.metric_id
),

returns_sourced as (
    -- the one place the route tells a value computed from a raw return from one supplied in an input template
    -- (int_metric_values__inputs labels its rows 'input template <file>: <source>')
    select
        *,
        case when value_origin like 'input template%' then 'input_template' else 'raw_return' end as value_source
    from returns_values
),

returns as (
    select
        returns_values.data_source,
        returns_values.quarter,
        returns_values.trust_code,
        returns_values.metric_id,
        returns_values.value,
        returns_values.value_text,
        returns_values.value_status,
        returns_values.reporting_date,
        -- NHS England's score beside the value; for a metric the engine cannot score, the input template's
        -- supplied score where NHS England's files are not landed
        coalesce(nhse_nof_scores.published_score, supplied_scores.supplied_score) as published_score,
        -- returns values are unrounded: no published tie-break order is needed
        cast(null as double) as published_value_rank,
        nhse_nof_values.value as published_value,
        returns_values.numerator,
        returns_values.denominator,
        returns_values.value_origin,
        returns_values.value_source
    from returns_sourced as returns_values
    left join nhse_nof_values
        on
            returns_values.quarter = nhse_nof_values.quarter
            and returns_values.trust_code = nhse_nof_values.trust_code
            and returns_values.metric_id = nhse_nof_values.metric_id
    left join nhse_nof_scores
        on
            returns_values.quarter = nhse_nof_scores.quarter
            and returns_values.trust_code = nhse_nof_scores.trust_code
            and returns_values.metric_id = nhse_nof_scores.metric_id
    left join supplied_scores
        on
            returns_values.quarter = supplied_scores.quarter
            and returns_values.trust_code = supplied_scores.trust_code
            and returns_values.metric_id = supplied_scores.metric_id
            and returns_values.value_source = 'input_template'
    -- a value computed from a raw return wins over one supplied in an input template for the same metric
    qualify row_number() over (
        partition by returns_values.quarter, returns_values.trust_code, returns_values.metric_id
        order by returns_values.value_source = 'input_template', returns_values.value_origin
    ) = 1
),

all_sources as (
    select
        *,
        value as published_value,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        'nhse_nof data file' as value_origin,
        'nhse_nof_file' as value_source
    from nhse_nof
    union all
    select * from returns
),

final as (
    select
        all_sources.data_source,
        all_sources.quarter,
        trust_quarters.quarter_start_date,
        all_sources.trust_code,
        trust_quarters.cohort,
        all_sources.metric_id,
        all_sources.value,
        all_sources.value_text,
        all_sources.value_status,
        all_sources.reporting_date,
        all_sources.published_score,
        all_sources.published_value_rank,
        all_sources.published_value,
        all_sources.numerator,
        all_sources.denominator,
        all_sources.value_origin,
        all_sources.value_source
    from all_sources
    inner join trust_quarters
        on
            all_sources.data_source = trust_quarters.data_source
            and all_sources.quarter = trust_quarters.quarter
            and all_sources.trust_code = trust_quarters.trust_code
    -- registry is read by metric_applies_to_trust below (a dispatched split the linter does not see)
    left join registry on all_sources.metric_id = registry.metric_id  -- noqa: ST11
    where
        all_sources.data_source = 'nhse_nof'
        or {{ metric_applies_to_trust(
            'all_sources.metric_id', 'all_sources.trust_code', 'trust_quarters.cohort',
            'trust_quarters.quarter_start_date', 'registry.cohorts'
        ) }}
)

select * from final
