-- The quarterly league tables as BI tools and the site read them: fct_league_table's rows and columns, unchanged.
with

league as (
    select * from {{ ref('fct_league_table') }}
),

final as (
    select
        data_source,
        quarter,
        quarter_start_date,
        cohort,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        region,
        icb_code,
        icb_name,
        average_score,
        average_score_rounded,
        average_score_low,
        average_score_high,
        cut_point_method,
        unadjusted_segment,
        financial_override,
        adjusted_segment,
        recovery_support,
        final_segment,
        league_rank,
        league_rank_low,
        league_rank_high,
        cohort_size,
        metrics_scored,
        metrics_computed,
        metrics_from_raw_returns,
        metrics_from_inputs,
        metrics_in_registry,
        metric_coverage,
        table_metric_coverage,
        table_status,
        published_average_score,
        published_average_score_low,
        published_average_score_high,
        published_unadjusted_segment,
        published_segment,
        published_final_segment,
        published_rank,
        published_rank_low,
        published_rank_high
    from league
)

select * from final
