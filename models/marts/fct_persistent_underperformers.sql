-- Persistent underperformers [I: the warehouse's own rule, configured by dbt vars]: the rules and their windows
-- are applied in int_league__persistence_ruled (read by fct_icb_aggregates too). The rank rule reads
-- fct_league_table's rank range, withheld (null) for an 'incomplete: not ranked' table (issue 12.2): such a
-- quarter never counts towards the rank rule (test assert_rank_rule_skips_incomplete_tables).
with

ruled as (
    select * from {{ ref('int_league__persistence_ruled') }}
),

final as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        is_persistent_underperformer,
        triggered_rules,
        is_segment_rule_met,
        quarters_in_segment_4_or_5,
        segment_window_quarters,
        segment_rule_quarters,
        is_rank_rule_met,
        consecutive_bottom_quarters,
        rank_rule_quarters
    from ruled
)

select * from final
