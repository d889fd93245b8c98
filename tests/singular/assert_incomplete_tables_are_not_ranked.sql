-- Coverage is part of the table (issue 12.2): no raw-returns league table below var league_min_metric_coverage
-- has a league rank (or rank range), each such table says "incomplete: not ranked", and every other table (NHS
-- England's route whatever its coverage) is ranked. Returns the rows that break this.
with

league as (
    select * from {{ ref('rpt_league_table') }}
),

expected as (
    select
        data_source,
        quarter,
        cohort,
        trust_code,
        table_metric_coverage,
        table_status,
        league_rank,
        league_rank_low,
        league_rank_high,
        coalesce(
            data_source = 'returns'
            and coalesce(table_metric_coverage, 0) < {{ var('league_min_metric_coverage') }},
            false
        ) as should_be_incomplete
    from league
)

select * from expected
where
    should_be_incomplete
    and (
        table_status <> 'incomplete: not ranked'
        or league_rank is not null
        or league_rank_low is not null
        or league_rank_high is not null
    )
    or not should_be_incomplete and table_status <> 'ranked'
