-- Coverage is part of the table (issue 12.2), and the persistent-underperformer rank rule follows: a quarter whose
-- league table is 'incomplete: not ranked' (ranks withheld) is never one of the quarters that triggered the rank
-- rule, and no trust-quarter of such a table counts it among its bottom-rank quarters. Returns the rows that break
-- this.
with

ruled as (
    select * from {{ ref('fct_persistent_underperformers') }}
),

league as (
    select * from {{ ref('fct_league_table') }}
),

rank_rule_quarters as (
    select
        data_source,
        quarter,
        trust_code,
        unnest(string_split(rank_rule_quarters, ', ')) as rule_quarter
    from ruled
    where rank_rule_quarters is not null
),

problems as (
    select
        rank_rule_quarters.data_source,
        rank_rule_quarters.quarter,
        rank_rule_quarters.trust_code,
        rank_rule_quarters.rule_quarter,
        league.table_status
    from rank_rule_quarters
    inner join league
        on
            rank_rule_quarters.data_source = league.data_source
            and rank_rule_quarters.rule_quarter = league.quarter
            and rank_rule_quarters.trust_code = league.trust_code
    where league.table_status <> 'ranked' or league.league_rank_low is null
)

select * from problems
