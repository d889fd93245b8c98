-- The league grain: one row per data source, quarter and trust with the scores, segments, league rank, likely
-- ranges and NHS England's published figures beside ours (the published method on the values as landed). The
-- other fct_ models read it; rpt_league_table publishes it as is for BI tools and the site.
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

final as (
    {{ league_table_rows() | indent(4) }}
)

select * from final
