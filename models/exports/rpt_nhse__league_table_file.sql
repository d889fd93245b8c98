-- NHS England's league-table file (methodology.md 9.3), one row per line of the file: the league table of one data
-- source, quarter and cohort is this model's rows of that file_name in file_row order. Likely ranges are written
-- 'x to y' (average score rounded to 2 dp with trailing zeros dropped), the financial deficit as Yes/No.
with

league_table as (
    select * from {{ ref('rpt_league_table') }}
),

final as (
    select
        data_source,
        cohort,
        {{ nhse_file_name('cohort', 'quarter', 'league-table') }} as file_name,
        -- bigint on every engine (Spark's row_number is an int)
        cast(
            row_number() over (partition by data_source, quarter, cohort order by league_rank, trust_code) as bigint
        ) as file_row,
        quarter,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        average_score_rounded as average_score,
        case
            when average_score_low is not null
                then
                    {{ nhse_range_end('average_score_low', 2) }}
                    || ' to '
                    || coalesce({{ nhse_range_end('average_score_high', 2) }}, '')
        end as likely_range_of_average_score,
        cast(adjusted_segment as double) as segment,
        case when financial_override then 'Yes' else 'No' end as trust_in_financial_deficit,
        cast(league_rank as double) as rank,
        case
            when league_rank_low is not null
                then cast(league_rank_low as string) || ' to ' || coalesce(cast(league_rank_high as string), '')
        end as likely_range_of_rank
    from league_table
)

select * from final
