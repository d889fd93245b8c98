-- Coverage is part of the table (issue 12.2): no raw-returns league table below var league_min_metric_coverage
-- has a league rank (or rank range), each such table says "incomplete: not ranked", and every other table (NHS
-- England's route whatever its coverage) is ranked; a table's coverage is its trusts' metrics scored over their
-- framework metrics. Checked on rpt_league_table, on each provisional table of rpt_league_table_provisional
-- (quarter x months available) and on each method variant's table of rpt_method_sensitivity. Returns the rows
-- that break this.
with

league as (
    select * from {{ ref('rpt_league_table') }}
),

provisional as (
    select * from {{ ref('rpt_league_table_provisional') }}
),

sensitivity as (
    select * from {{ ref('rpt_method_sensitivity') }}
),

league_tables as (
    select
        'rpt_league_table' as model,
        data_source,
        quarter,
        cohort,
        cast(null as integer) as months_available,
        trust_code,
        metrics_scored,
        metrics_in_registry,
        table_metric_coverage,
        table_status,
        league_rank,
        league_rank_low,
        league_rank_high
    from league
    union all
    select
        'rpt_league_table_provisional' as model,
        data_source,
        quarter,
        cohort,
        months_available,
        trust_code,
        metrics_scored,
        metrics_in_registry,
        table_metric_coverage,
        table_status,
        league_rank,
        league_rank_low,
        league_rank_high
    from provisional
),

expected as (
    select
        *,
        sum(metrics_scored) over table_rows
        / nullif(sum(metrics_in_registry) over table_rows, 0) as expected_coverage,
        coalesce(
            data_source = 'returns'
            and coalesce(table_metric_coverage, 0) < {{ var('league_min_metric_coverage') }},
            false
        ) as should_be_incomplete
    from league_tables
    window table_rows as (partition by model, data_source, quarter, cohort, months_available)
),

league_problems as (
    select
        model,
        data_source,
        quarter,
        trust_code,
        cast(months_available as varchar) as table_key,
        table_status
    from expected
    where
        should_be_incomplete
        and (
            table_status <> 'incomplete: not ranked'
            or league_rank is not null
            or league_rank_low is not null
            or league_rank_high is not null
        )
        or not should_be_incomplete and table_status <> 'ranked'
        or abs(table_metric_coverage - expected_coverage) > 1e-12
        or (table_metric_coverage is null) <> (expected_coverage is null)
),

sensitivity_problems as (
    -- each variant's table by the same rule; an incomplete table's ranks (and so rank changes) withheld
    select
        'rpt_method_sensitivity' as model,
        data_source,
        quarter,
        trust_code,
        variant as table_key,
        table_status
    from sensitivity
    where
        -- (a variant that leaves the trust out has no table row: coverage and status null)
        data_source = 'returns'
        and table_metric_coverage < {{ var('league_min_metric_coverage') }}
        and table_status <> 'incomplete: not ranked'
        or (data_source <> 'returns' or table_metric_coverage >= {{ var('league_min_metric_coverage') }})
        and table_status <> 'ranked'
        or table_status = 'incomplete: not ranked'
        and (league_rank is not null or rank_change is not null or is_ranked)
        or published_method_table_status = 'incomplete: not ranked' and published_method_rank is not null
        or table_status = 'ranked' and not is_ranked
)

select * from league_problems
union all
select * from sensitivity_problems
