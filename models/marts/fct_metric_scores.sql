with

scores as (
    -- the published method on the values as landed (other scenarios: rpt_league_table_provisional)
    select * from {{ ref('int_metric_scores__scored') }}
    where scenario = 'final'
),

final as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        metric_id,
        score_id,
        scoring_type,
        value,
        value_status,
        reporting_date,
        {{ reporting_period('reporting_date', 'start') }} as reporting_period_start,
        {{ reporting_period('reporting_date', 'end') }} as reporting_period_end,
        percentile_rank,
        cast(population_rank as integer) as ranking_population_rank,
        cast(ranking_population_size as integer) as ranking_population_size,
        ranking_population,
        is_population_complete,
        score,
        {{ round_half_up('score') }} as score_rounded,
        score_method,
        score_note,
        weight,
        include_in_average,
        published_score,
        cast(published_value_rank as integer) as published_value_rank,
        score_over_present_population,
        value_origin,
        value_source
    from scores
)

select * from final
