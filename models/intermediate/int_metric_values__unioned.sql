-- Metric values (and NHS England's published scores where an input carries them) per
-- data source x quarter x trust x metric: the single entry point of the scoring engine.
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
    where published.metric_family = '00'
    -- IDs published with several units (count and rate rows) keep the registry's unit.
    qualify row_number() over (
        partition by published.quarter, published.trust_code, published.metric_id
        order by (published.units = registry.value_units) desc, published.units
    ) = 1
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
        cast(null as varchar) as value_text,
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

final as (
    select
        nhse_nof.data_source,
        nhse_nof.quarter,
        trust_quarters.quarter_start_date,
        nhse_nof.trust_code,
        trust_quarters.cohort,
        nhse_nof.metric_id,
        nhse_nof.value,
        nhse_nof.value_text,
        nhse_nof.value_status,
        nhse_nof.reporting_date,
        nhse_nof.published_score,
        nhse_nof.published_value_rank
    from nhse_nof
    inner join trust_quarters
        on
            nhse_nof.data_source = trust_quarters.data_source
            and nhse_nof.quarter = trust_quarters.quarter
            and nhse_nof.trust_code = trust_quarters.trust_code
)

select * from final
