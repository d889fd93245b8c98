-- Issue 14: the provisional route reuses the engine. The check scenario provisional_3m_same_inputs recomputes
-- every monthly metric from its three months through int_metric_values__provisional and keeps every other
-- metric's own value; its metric scores and league table must equal the final ones, row for row, for every
-- quarter it covers (and cover at least one wherever any provisional table exists: a warehouse with no monthly
-- returns, such as NHS England's files alone, has none to check). Returns the differing rows.
with

check_league as (
    select * from {{ ref('int_league__ranked') }}
    where scenario = 'provisional_3m_same_inputs'
),

final_league as (
    select ranked.* from {{ ref('int_league__ranked') }} as ranked
    where
        ranked.scenario = 'final'
        and ranked.quarter in (select distinct check_league.quarter from check_league)
        and ranked.data_source in (select distinct check_league.data_source from check_league)
),

check_scores as (
    select * from {{ ref('int_metric_scores__scored') }}
    where scenario = 'provisional_3m_same_inputs'
),

final_scores as (
    select scored.* from {{ ref('int_metric_scores__scored') }} as scored
    where
        scored.scenario = 'final'
        and scored.quarter in (select distinct check_scores.quarter from check_scores)
        and scored.data_source in (select distinct check_scores.data_source from check_scores)
),

league_differences as (
    select
        'league' as compared,
        coalesce(check_league.quarter, final_league.quarter) as quarter,
        coalesce(check_league.trust_code, final_league.trust_code) as trust_code,
        cast(null as string) as metric_id
    from check_league
    full outer join final_league
        on
            check_league.data_source = final_league.data_source
            and check_league.quarter = final_league.quarter
            and check_league.trust_code = final_league.trust_code
    where
        check_league.trust_code is null
        or final_league.trust_code is null
        or check_league.league_rank <> final_league.league_rank
        or abs(check_league.average_score - final_league.average_score) > 1e-9
        or check_league.final_segment <> final_league.final_segment
        or check_league.unadjusted_segment <> final_league.unadjusted_segment
        or check_league.metrics_scored <> final_league.metrics_scored
),

score_differences as (
    select
        'score' as compared,
        coalesce(check_scores.quarter, final_scores.quarter) as quarter,
        coalesce(check_scores.trust_code, final_scores.trust_code) as trust_code,
        coalesce(check_scores.metric_id, final_scores.metric_id) as metric_id
    from check_scores
    full outer join final_scores
        on
            check_scores.data_source = final_scores.data_source
            and check_scores.quarter = final_scores.quarter
            and check_scores.trust_code = final_scores.trust_code
            and check_scores.metric_id = final_scores.metric_id
    where
        check_scores.trust_code is null
        or final_scores.trust_code is null
        or check_scores.score is distinct from final_scores.score
        or abs(check_scores.value - final_scores.value) > 1e-9
),

empty as (
    select
        'no quarter checked' as compared,
        cast(null as string) as quarter,
        cast(null as string) as trust_code,
        cast(null as string) as metric_id
    where
        not exists (select 1 from check_league)
        and exists (
            select 1 from {{ ref('int_league__ranked') }} as provisional_league
            where provisional_league.scenario like 'provisional%'
        )
)

select * from league_differences
union all
select * from score_differences
union all
select * from empty
