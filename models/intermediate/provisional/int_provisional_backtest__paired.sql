-- Pairs of the provisional back-test (issue 14), one row per trust: each provisional table (after one, two, three
-- months) against the final one (subject 'league_table': segment, league rank, average score and the widened likely
-- ranges), and the metrics with monthly history trust by trust where the provisional value came from the months (not
-- carried forward): score and value revisions, and whether the final score lies within the provisional score +/- z x
-- the metric's revision sd measured on the other quarters. rpt_provisional_backtest summarises them per quarter and
-- rpt_provisional_backtest_pooled over every quarter (macro provisional_backtest_summary).
with

scenarios as (
    select * from {{ ref('engine_scenarios') }}
    where scenario_kind = 'provisional'
),

league as (
    select * from {{ ref('int_league__ranked') }}
),

ranges as (
    select * from {{ ref('int_likely_ranges__widened') }}
),

bootstrapped as (
    select * from {{ ref('int_likely_ranges__bootstrapped') }}
),

metrics as (
    select * from {{ ref('int_provisional_metrics__paired') }}
    where value_basis = 'provisional'
),

revisions as (
    select * from {{ ref('int_provisional_revisions__measured') }}
),

table_pairs as (
    select
        'league_table' as subject,
        provisional.data_source,
        provisional.cohort,
        provisional.quarter,
        scenarios.months_available,
        provisional.trust_code,
        provisional.final_segment = final.final_segment as is_segment_equal,
        abs(provisional.league_rank - final.league_rank) as abs_rank_change,
        final.league_rank between ranges.league_rank_low and ranges.league_rank_high as is_rank_in_range,
        final.league_rank between least(bootstrapped.league_rank_low, provisional.league_rank)
        and greatest(bootstrapped.league_rank_high, provisional.league_rank) as is_rank_in_bootstrap_range,
        abs(provisional.average_score - final.average_score) as abs_score_change,
        final.average_score between ranges.average_score_low and ranges.average_score_high as is_score_in_range,
        cast(null as double) as abs_value_change
    from league as provisional
    inner join scenarios on provisional.scenario = scenarios.scenario
    inner join league as final
        on
            final.scenario = 'final'
            and {{ same_keys('provisional', 'final', ['data_source', 'quarter', 'trust_code']) }}
    inner join ranges
        on {{ same_keys('provisional', 'ranges', ['scenario', 'data_source', 'quarter', 'trust_code']) }}
    left join bootstrapped
        on {{ same_keys('provisional', 'bootstrapped', ['scenario', 'data_source', 'quarter', 'trust_code']) }}
),

metric_pairs as (
    select
        metrics.metric_id as subject,
        metrics.data_source,
        metrics.cohort,
        metrics.quarter,
        metrics.months_available,
        metrics.trust_code,
        cast(null as boolean) as is_segment_equal,
        abs(metrics.provisional_population_rank - metrics.final_population_rank) as abs_rank_change,
        cast(null as boolean) as is_rank_in_range,
        cast(null as boolean) as is_rank_in_bootstrap_range,
        abs(metrics.provisional_score - metrics.final_score) as abs_score_change,
        abs(metrics.final_score - metrics.provisional_score)
        <= {{ normal_quantile('(1 + ' ~ var('bootstrap_interval') ~ ') / 2') }}
        * revisions.revision_sd_excluding_quarter as is_score_in_range,
        abs(metrics.provisional_value - metrics.final_value) as abs_value_change
    from metrics
    left join revisions
        on {{ same_keys('metrics', 'revisions', ['months_available', 'quarter', 'metric_id']) }}
),

pairs as (
    select * from table_pairs
    union all
    select * from metric_pairs
)

select * from pairs
