-- NHS England's published NOF league tables, with the "x to y" likely ranges parsed (methodology.md 9.3).
with

source as (
    select * from {{ landed_source('nhse_nof', 'nhse_nof_league_table') }}
),

parsed as (
    select
        quarter,
        {{ quarter_start_date('quarter') }} as quarter_start_date,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        average_score,
        cast(split_part(likely_range_of_average_score, ' to ', 1) as double) as average_score_low,
        cast(split_part(likely_range_of_average_score, ' to ', 2) as double) as average_score_high,
        cast(segment as integer) as adjusted_segment,
        trust_in_financial_deficit = 'Yes' as is_in_financial_deficit,
        cast(rank as integer) as league_rank,
        cast(split_part(likely_range_of_rank, ' to ', 1) as integer) as league_rank_low,
        cast(split_part(likely_range_of_rank, ' to ', 2) as integer) as league_rank_high,
        _source_file as source_file,
        _landed_at as landed_at
    from source
),

latest_release as (
    select * from parsed
    qualify row_number() over (partition by quarter, trust_code order by landed_at desc) = 1
)

select * from latest_release
