with

registry as (
    select * from {{ ref('metric_registry') }}
),

final as (
    select
        metric_id,
        score_id,
        methodology_year,
        metric_name,
        domain,
        sub_domain,
        cohorts,
        value_units,
        cast(value_decimals as integer) as value_decimals,
        coalesce(ranked_on_published_value, false) as ranked_on_published_value,
        direction,
        scoring_type,
        cast(standard_value as double) as standard_value,
        standard_met_inclusive,
        cast(floor_value as double) as floor_value,
        floor_pass_inclusive,
        cast(weight as double) as weight,
        ranking_population,
        population_cohorts,
        include_in_average,
        reporting_basis,
        source_collection,
        evidence_tag,
        verified
    from registry
)

select * from final
