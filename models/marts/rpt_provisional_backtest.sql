-- Back-test of the provisional league tables (issue 14), per quarter: for every quarter with both monthly returns and
-- a final table (returns route), each provisional table (after one, two, three months) against the final one, per
-- cohort (subject 'league_table'), and the metrics with monthly history (subject <metric id>). The same figures
-- pooled over every quarter: rpt_provisional_backtest_pooled.
with

pairs as (
    select * from {{ ref('int_provisional_backtest__paired') }}
),

windows as (
    select * from {{ ref('int_provisional_windows__enumerated') }}
    where reporting_basis = 'quarter'
),

summarised as (
    {{ provisional_backtest_summary('pairs', ['subject', 'data_source', 'cohort', 'quarter', 'months_available']) }}
),

final as (
    select
        summarised.subject,
        summarised.data_source,
        summarised.cohort,
        summarised.quarter,
        summarised.months_available,
        windows.months_used,
        summarised.trusts_compared,
        summarised.share_segment_equal,
        summarised.mean_abs_rank_change,
        summarised.share_rank_in_likely_range,
        summarised.share_rank_in_bootstrap_range,
        summarised.mean_abs_score_change,
        summarised.share_score_within_0_1,
        summarised.share_score_in_likely_range,
        summarised.mean_abs_value_change
    from summarised
    left join windows
        on summarised.quarter = windows.quarter and summarised.months_available = windows.months_available
)

select * from final
