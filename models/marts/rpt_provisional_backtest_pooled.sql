-- Back-test of the provisional league tables (issue 14) pooled over every back-tested quarter: the figures of
-- rpt_provisional_backtest over all the quarters' pairs at once (not an average of the quarters' figures).
with

pairs as (
    select * from {{ ref('int_provisional_backtest__paired') }}
),

final as (
    {{ provisional_backtest_summary('pairs', ['subject', 'data_source', 'cohort', 'months_available']) }}
)

select * from final
