-- How much the method decides (issue 13.3): the league table recomputed in the same build under each method
-- variant of seeds/engine_scenarios.csv (scenario_kind 'method': cut-point method, unrounded average against the
-- cut-points, no financial override, equal weights, complete ranking populations only), by the same engine
-- models, beside the published method (scenario 'final', which is rpt_league_table). Per trust-quarter and
-- variant: the variant's segment and rank against the published method's; per trust-quarter: the best and worst
-- rank and segment over every variant and the variant that moves its rank most; per cohort and variant: how many
-- trusts change segment.
-- Coverage is part of the table (issue 12.2): each variant's table is judged by fct_league_table's rule (macro
-- league_table_status, per scenario); a rank of an 'incomplete: not ranked' table is withheld (null), so
-- published_method_rank, league_rank, rank_change and the best and worst ranks are null for such tables, as in
-- rpt_league_table, and is_ranked is false.
with

scenarios as (
    select * from {{ ref('engine_scenarios') }}
    where scenario_kind in ('final', 'method')
),

league as (
    select ranked.* from {{ ref('int_league__ranked') }} as ranked
    inner join scenarios on ranked.scenario = scenarios.scenario
),

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

published as (
    select * from {{ ref('int_published_outcomes__pivoted') }}
),

table_status as (
    -- the coverage rule of fct_league_table, per variant's table (scenario x data source x quarter x cohort)
    {{ league_table_status('league', keys=['scenario']) | indent(4) }}
),

compared as (
    -- every trust-quarter of the published method under every variant (a variant may leave a trust unranked,
    -- e.g. when all its metrics have incomplete ranking populations)
    select
        final.data_source,
        final.quarter,
        final.quarter_start_date,
        final.cohort,
        final.trust_code,
        scenarios.scenario as variant,
        scenarios.description as variant_description,
        case
            when scenarios.scenario_kind = 'final' then 'published method'
            when scenarios.cut_point_method is not null then 'cut-point method: ' || scenarios.cut_point_method
            when scenarios.segment_on_rounded_average is not null then 'average compared with the cut-points'
            when scenarios.apply_financial_override is not null then 'financial override'
            when scenarios.equal_weights is not null then 'metric weights'
            when scenarios.exclude_incomplete_populations is not null then 'incomplete ranking populations'
        end as method_choice,
        -- ranked: in the variant's table, and that table is not incomplete
        coalesce(not variant_status.is_incomplete, false) as is_ranked,
        variant.cut_point_method,
        variant.average_score,
        variant.unadjusted_segment,
        variant.adjusted_segment,
        variant.final_segment,
        cast({{ withheld_when_incomplete('variant.league_rank', 'variant_status') }} as integer) as league_rank,
        variant_status.table_metric_coverage,
        variant_status.table_status,
        cast(final.cohort_size as integer) as cohort_size,
        final.final_segment as published_method_segment,
        cast({{ withheld_when_incomplete('final.league_rank', 'final_status') }} as integer) as published_method_rank,
        final_status.table_status as published_method_table_status,
        cast(
            {{ withheld_when_incomplete('variant.league_rank', 'variant_status') }}
            - {{ withheld_when_incomplete('final.league_rank', 'final_status') }} as integer
        ) as rank_change,
        variant.final_segment <> final.final_segment as is_segment_changed
    from league as final
    inner join table_status as final_status
        on
            final.scenario = final_status.scenario
            and final.data_source = final_status.data_source
            and final.quarter = final_status.quarter
            and final.cohort = final_status.cohort
    cross join scenarios
    left join league as variant
        on
            scenarios.scenario = variant.scenario
            and final.data_source = variant.data_source
            and final.quarter = variant.quarter
            and final.trust_code = variant.trust_code
    left join table_status as variant_status
        on
            variant.scenario = variant_status.scenario
            and variant.data_source = variant_status.data_source
            and variant.quarter = variant_status.quarter
            and variant.cohort = variant_status.cohort
    where final.scenario = 'final'
),

summarised as (
    select
        *,
        min(league_rank) over (partition by data_source, quarter, trust_code) as best_rank,
        max(league_rank) over (partition by data_source, quarter, trust_code) as worst_rank,
        min(final_segment) over (partition by data_source, quarter, trust_code) as best_segment,
        max(final_segment) over (partition by data_source, quarter, trust_code) as worst_segment,
        first_value(case when rank_change <> 0 then variant end) over (
            partition by data_source, quarter, trust_code
            order by abs(rank_change) desc nulls last, variant asc
        ) as variant_moving_rank_most,
        max(abs(rank_change)) over (partition by data_source, quarter, trust_code) as largest_rank_change,
        count(*) filter (where is_segment_changed) over (partition by data_source, quarter, cohort, variant)
            as trusts_changing_segment
    from compared
),

final as (
    select
        summarised.data_source,
        summarised.quarter,
        summarised.quarter_start_date,
        summarised.cohort,
        summarised.trust_code,
        trust_quarters.trust_name,
        summarised.variant,
        summarised.method_choice,
        summarised.variant_description,
        summarised.is_ranked,
        summarised.cut_point_method,
        summarised.average_score,
        summarised.unadjusted_segment,
        summarised.adjusted_segment,
        summarised.final_segment,
        summarised.league_rank,
        summarised.table_metric_coverage,
        summarised.table_status,
        summarised.cohort_size,
        summarised.published_method_segment,
        summarised.published_method_rank,
        summarised.published_method_table_status,
        summarised.rank_change,
        summarised.is_segment_changed,
        cast(summarised.best_rank as integer) as best_rank,
        cast(summarised.worst_rank as integer) as worst_rank,
        summarised.best_segment,
        summarised.worst_segment,
        summarised.variant_moving_rank_most,
        cast(summarised.largest_rank_change as integer) as largest_rank_change,
        cast(summarised.trusts_changing_segment as integer) as trusts_changing_segment,
        case when summarised.data_source = 'nhse_nof' then published.published_adjusted_segment end
            as nhse_published_segment,
        case when summarised.data_source = 'nhse_nof' then published.published_final_segment end
            as nhse_published_final_segment,
        case when summarised.data_source = 'nhse_nof' then cast(published.published_league_rank as integer) end
            as nhse_published_rank
    from summarised
    inner join trust_quarters
        on
            summarised.data_source = trust_quarters.data_source
            and summarised.quarter = trust_quarters.quarter
            and summarised.trust_code = trust_quarters.trust_code
    left join published
        on summarised.quarter = published.quarter and summarised.trust_code = published.trust_code
)

select * from final
