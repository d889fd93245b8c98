-- Persistent underperformers [I: the warehouse's own rule, configured by dbt vars], per league row:
--   segment rule  adjusted segment 4 or final segment 5 in at least `persistent_segment_min_quarters` of the
--                 last `persistent_segment_window_quarters` published quarters (the current one included);
--   rank rule     the best plausible league rank (league_rank_low) in the bottom `persistent_rank_bottom_share`
--                 of the cohort in `persistent_rank_consecutive_quarters` consecutive quarters.
with

league as (
    select * from {{ ref('fct_league_table') }}
),

flagged as (
    select
        data_source,
        quarter,
        quarter_start_date,
        trust_code,
        cohort,
        adjusted_segment = 4 or final_segment = 5 as is_low_segment,
        league_rank_low > cohort_size * (1 - {{ var('persistent_rank_bottom_share') }}) as is_bottom_best_rank,
        dense_rank() over (partition by data_source order by quarter_start_date) as quarter_sequence
    from league
),

pairs as (
    -- each trust-quarter with every earlier-or-same quarter of the same trust, flagged by the windows it is in
    select
        current_quarter.data_source,
        current_quarter.quarter,
        current_quarter.trust_code,
        current_quarter.cohort,
        past.quarter as past_quarter,
        past.quarter_start_date as past_quarter_start_date,
        past.quarter_sequence > current_quarter.quarter_sequence
        - {{ var('persistent_segment_window_quarters') }} as is_in_segment_window,
        past.quarter_sequence > current_quarter.quarter_sequence
        - {{ var('persistent_rank_consecutive_quarters') }} as is_in_rank_window,
        past.is_low_segment,
        past.is_bottom_best_rank
    from flagged as current_quarter
    inner join flagged as past
        on
            current_quarter.data_source = past.data_source
            and current_quarter.trust_code = past.trust_code
            and current_quarter.quarter_sequence >= past.quarter_sequence
),

windowed as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        count(*) filter (where is_in_segment_window) as segment_window_quarters,
        count(*) filter (where is_in_segment_window and is_low_segment) as quarters_in_segment_4_or_5,
        {{ ordered_string_agg(
            'past_quarter', "', '", 'past_quarter_start_date',
            filter_condition='is_in_segment_window and is_low_segment'
        ) }} as segment_rule_quarters,
        count(*) filter (where is_in_rank_window and is_bottom_best_rank) as consecutive_bottom_quarters,
        {{ ordered_string_agg(
            'past_quarter', "', '", 'past_quarter_start_date',
            filter_condition='is_in_rank_window and is_bottom_best_rank'
        ) }} as rank_rule_quarters
    from pairs
    group by data_source, quarter, trust_code, cohort
),

ruled as (
    select
        *,
        quarters_in_segment_4_or_5 >= {{ var('persistent_segment_min_quarters') }} as is_segment_rule_met,
        consecutive_bottom_quarters >= {{ var('persistent_rank_consecutive_quarters') }} as is_rank_rule_met
    from windowed
),

final as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        is_segment_rule_met or is_rank_rule_met as is_persistent_underperformer,
        nullif(concat_ws(
            '; ',
            case
                when is_segment_rule_met
                    then
                        'segment 4 or 5 in {{ var("persistent_segment_min_quarters") }} of the last '
                        || '{{ var("persistent_segment_window_quarters") }} quarters'
            end,
            case
                when is_rank_rule_met
                    then
                        'best plausible rank in the bottom '
                        || cast(round(100 * {{ var("persistent_rank_bottom_share") }}) as integer)
                        || '% of the cohort in {{ var("persistent_rank_consecutive_quarters") }} consecutive quarters'
            end
        ), '') as triggered_rules,
        is_segment_rule_met,
        cast(quarters_in_segment_4_or_5 as integer) as quarters_in_segment_4_or_5,
        cast(segment_window_quarters as integer) as segment_window_quarters,
        case when is_segment_rule_met then segment_rule_quarters end as segment_rule_quarters,
        is_rank_rule_met,
        cast(consecutive_bottom_quarters as integer) as consecutive_bottom_quarters,
        case when is_rank_rule_met then rank_rule_quarters end as rank_rule_quarters
    from ruled
)

select * from final
