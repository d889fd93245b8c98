-- The league grain: one row per data source, quarter and trust with the scores, segments, league rank, likely
-- ranges and NHS England's published figures beside ours (the published method on the values as landed). The
-- other fct_ models read it; rpt_league_table publishes it as is for BI tools and the site.
-- Coverage is part of the table (issue 12.2): each row carries its share of the framework's metrics scored and
-- its table's (data source x quarter x cohort); a returns-route table below var league_min_metric_coverage is
-- "incomplete: not ranked" (ranks null). NHS England's route is always ranked.
with

league as (
    -- the published method on the values as landed (other scenarios: rpt_league_table_provisional)
    select * from {{ ref('int_league__ranked') }}
    where scenario = 'final'
),

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

ranges as (
    select * from {{ ref('int_likely_ranges__bootstrapped') }}
    where scenario = 'final'
),

trusts as (
    select * from {{ ref('dim_trust') }}
),

published as (
    select * from {{ ref('int_published_outcomes__pivoted') }}
),

league_rows as (
    {{ league_table_rows() | indent(4) }}
),

table_status as (
    -- the coverage rule (macro league_table_status; shared with the provisional tables and method sensitivity)
    {{ league_table_status('league_rows') | indent(4) }}
),

final as (
    select
        {{ star_except(['league_rank', 'league_rank_low', 'league_rank_high'], 'league_rows') }},
        {{ withheld_when_incomplete('league_rows.league_rank') }} as league_rank,
        {{ withheld_when_incomplete('league_rows.league_rank_low') }} as league_rank_low,
        {{ withheld_when_incomplete('league_rows.league_rank_high') }} as league_rank_high,
        league_rows.metrics_scored / nullif(league_rows.metrics_in_registry, 0) as metric_coverage,
        table_status.table_metric_coverage,
        table_status.table_status
    from league_rows
    inner join table_status
        on
            league_rows.data_source = table_status.data_source
            and league_rows.quarter = table_status.quarter
            and league_rows.cohort = table_status.cohort
)

select * from final
