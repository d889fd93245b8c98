-- Vintages (issue 13.4): each trust-quarter of the league table as first built and as now, and what changed
-- between them (average, segment, rank; which metric values and scores). Read from the snapshots of
-- rpt_league_table and fct_metric_scores (snapshots/_league_snapshots.yml), which every passing build extends.
with

league_history as (
    select * from {{ ref('snp_league_table') }}
),

metric_history as (
    select * from {{ ref('snp_metric_scores') }}
),

league_first as (
    select * from league_history
    qualify row_number() over (partition by data_source, quarter, trust_code order by dbt_valid_from) = 1
),

league_now as (
    select * from league_history
    where dbt_valid_to is null
),

league_revisions as (
    select
        data_source,
        quarter,
        trust_code,
        count(*) as vintages
    from league_history
    group by data_source, quarter, trust_code
),

metric_first as (
    select * from metric_history
    qualify row_number() over (partition by data_source, quarter, trust_code, metric_id order by dbt_valid_from) = 1
),

metric_now as (
    select * from metric_history
    where dbt_valid_to is null
),

metric_changes as (
    select
        coalesce(metric_first.data_source, metric_now.data_source) as data_source,
        coalesce(metric_first.quarter, metric_now.quarter) as quarter,
        coalesce(metric_first.trust_code, metric_now.trust_code) as trust_code,
        coalesce(metric_first.metric_id, metric_now.metric_id) as metric_id,
        coalesce(metric_first.value != metric_now.value, true)
        and not (
            metric_first.value is null and metric_now.value is null and metric_now.metric_id is not null
            and metric_first.metric_id is not null
        ) as is_value_changed,
        coalesce(metric_first.score != metric_now.score, true)
        and not (
            metric_first.score is null and metric_now.score is null and metric_now.metric_id is not null
            and metric_first.metric_id is not null
        ) as is_score_changed
    from metric_first
    full outer join metric_now
        on
            metric_first.data_source = metric_now.data_source
            and metric_first.quarter = metric_now.quarter
            and metric_first.trust_code = metric_now.trust_code
            and metric_first.metric_id = metric_now.metric_id
),

metric_summary as (
    select
        data_source,
        quarter,
        trust_code,
        count(*) filter (where is_value_changed) as metrics_value_changed,
        count(*) filter (where is_score_changed) as metrics_score_changed,
        {{ ordered_string_agg(
            'metric_id', "', '", 'metric_id', filter_condition='is_value_changed or is_score_changed'
        ) }} as changed_metrics
    from metric_changes
    group by data_source, quarter, trust_code
),

final as (
    select
        league_first.data_source,
        league_first.quarter,
        league_first.trust_code,
        league_first.cohort,
        coalesce(league_now.trust_name, league_first.trust_name) as trust_name,
        cast(league_revisions.vintages as integer) as vintages,
        league_first.dbt_valid_from as first_built_at,
        league_now.dbt_valid_from as current_since,
        league_now.trust_code is null as is_withdrawn,
        league_first.average_score as average_score_first,
        league_now.average_score as average_score_now,
        league_now.average_score - league_first.average_score as average_score_change,
        cast(league_first.final_segment as integer) as final_segment_first,
        cast(league_now.final_segment as integer) as final_segment_now,
        cast(league_first.league_rank as integer) as league_rank_first,
        cast(league_now.league_rank as integer) as league_rank_now,
        cast(coalesce(metric_summary.metrics_value_changed, 0) as integer) as metrics_value_changed,
        cast(coalesce(metric_summary.metrics_score_changed, 0) as integer) as metrics_score_changed,
        metric_summary.changed_metrics,
        coalesce(
            league_now.trust_code is null
            or league_first.average_score is distinct from league_now.average_score
            or league_first.final_segment is distinct from league_now.final_segment
            or league_first.league_rank is distinct from league_now.league_rank
            or coalesce(metric_summary.metrics_value_changed, 0) > 0
            or coalesce(metric_summary.metrics_score_changed, 0) > 0,
            false
        ) as is_revised
    from league_first
    inner join league_revisions
        on
            league_first.data_source = league_revisions.data_source
            and league_first.quarter = league_revisions.quarter
            and league_first.trust_code = league_revisions.trust_code
    left join league_now
        on
            league_first.data_source = league_now.data_source
            and league_first.quarter = league_now.quarter
            and league_first.trust_code = league_now.trust_code
    left join metric_summary
        on
            league_first.data_source = metric_summary.data_source
            and league_first.quarter = metric_summary.quarter
            and league_first.trust_code = metric_summary.trust_code
)

select * from final
