-- The league tables exist, and every row has an average score (and its 2-dp rounding) in [1, 4] and a league rank,
-- unless its table is "incomplete: not ranked" (assert_incomplete_tables_are_not_ranked); the rest of the
-- publication gate's checks on rpt_league_table are dbt tests of its yml and of
-- assert_league_ranks_are_competition_ranks and assert_override_caps_segment.
with

league_table as (
    select * from {{ ref('rpt_league_table') }}
),

incomplete_rows as (
    select
        data_source,
        quarter,
        trust_code,
        average_score,
        average_score_rounded,
        league_rank
    from league_table
    where
        average_score is null
        or average_score_rounded is null
        or average_score_rounded < 1
        or average_score_rounded > 4
        or league_rank is null and table_status = 'ranked'
),

empty_table as (
    select
        null as data_source,
        null as quarter,
        null as trust_code,
        null as average_score,
        null as average_score_rounded,
        null as league_rank
    where not exists (select 1 from league_table)
)

select * from incomplete_rows
union all
select * from empty_table
