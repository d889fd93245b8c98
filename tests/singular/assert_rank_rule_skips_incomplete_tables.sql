-- Coverage is part of the table (issue 12.2), and the persistent-underperformer rank rule follows: a quarter whose
-- league table is 'incomplete: not ranked' (ranks withheld) never counts towards the rank rule. Per trust-quarter,
-- the bottom-rank quarters counted (consecutive_bottom_quarters) are at most the quarters of its rank window whose
-- table is ranked, and no quarter that triggered the rank rule is an incomplete table's. Returns the rows that
-- break this.
with

ruled as (
    select * from {{ ref('fct_persistent_underperformers') }}
),

league as (
    select * from {{ ref('fct_league_table') }}
),

sequenced as (
    select
        data_source,
        quarter,
        trust_code,
        table_status,
        dense_rank() over (partition by data_source order by quarter_start_date) as quarter_sequence
    from league
),

ranked_in_window as (
    -- each trust-quarter's quarters in the rank window whose table is ranked
    select
        current_quarter.data_source,
        current_quarter.quarter,
        current_quarter.trust_code,
        count(*) filter (where past.table_status = 'ranked') as ranked_quarters
    from sequenced as current_quarter
    inner join sequenced as past
        on
            current_quarter.data_source = past.data_source
            and current_quarter.trust_code = past.trust_code
            and current_quarter.quarter_sequence >= past.quarter_sequence
            and past.quarter_sequence
            > current_quarter.quarter_sequence - {{ var('persistent_rank_consecutive_quarters') }}
    group by current_quarter.data_source, current_quarter.quarter, current_quarter.trust_code
),

rank_rule_quarters as (
    select
        data_source,
        quarter,
        trust_code,
        {{ unnest_list(split_list('rank_rule_quarters', ', ')) }} as rule_quarter
    from ruled
    where rank_rule_quarters is not null
),

over_counted as (
    select
        ruled.data_source,
        ruled.quarter,
        ruled.trust_code,
        'more bottom-rank quarters than ranked tables in the window' as problem
    from ruled
    inner join ranked_in_window
        on
            ruled.data_source = ranked_in_window.data_source
            and ruled.quarter = ranked_in_window.quarter
            and ruled.trust_code = ranked_in_window.trust_code
    where ruled.consecutive_bottom_quarters > ranked_in_window.ranked_quarters
),

incomplete_rule_quarters as (
    select
        rank_rule_quarters.data_source,
        rank_rule_quarters.quarter,
        rank_rule_quarters.trust_code,
        'rank rule triggered by an incomplete table: ' || rank_rule_quarters.rule_quarter as problem
    from rank_rule_quarters
    inner join league
        on
            rank_rule_quarters.data_source = league.data_source
            and rank_rule_quarters.rule_quarter = league.quarter
            and rank_rule_quarters.trust_code = league.trust_code
    where league.table_status <> 'ranked' or league.league_rank_low is null
)

select * from over_counted
union all
select * from incomplete_rule_quarters
