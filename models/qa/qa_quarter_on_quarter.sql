-- The publication gate's comparison with the previous quarter of each route held to completeness: league-table
-- rows, trusts per final segment and metric-score rows per data source, cohort and quarter, beside the previous
-- quarter's. A change passes a tolerance share s (config/quality_gate.yml quarter_on_quarter) when it is at most
-- ceil(s x base), i.e. when share_needed = (change - 1) / base is below s; base is the previous count (the
-- previous cohort size for segment counts).
with

league_table as (
    select * from {{ ref('rpt_league_table') }}
),

metric_scores as (
    select * from {{ ref('fct_metric_scores') }}
),

quarters as (
    select distinct
        data_source,
        cohort,
        quarter,
        quarter_start_date
    from league_table
),

segments as (
    select cast(segment_numbers.segment as bigint) as segment
    from (values (1), (2), (3), (4), (5)) as segment_numbers (segment)
),

quarter_dates as (
    select distinct
        quarter,
        quarter_start_date
    from league_table
),

league_rows as (
    select
        data_source,
        cohort,
        quarter,
        'rows' as measure_kind,
        'rpt_league_table rows' as measure,
        count(*) as measured,
        count(*) as cohort_size
    from league_table
    group by data_source, cohort, quarter
),

segment_counts as (
    select
        quarters.data_source,
        quarters.cohort,
        quarters.quarter,
        'segment' as measure_kind,
        'trusts in final segment ' || segments.segment as measure,
        count(league_table.final_segment) as measured,
        null as cohort_size
    from quarters
    cross join segments
    left join league_table
        on
            quarters.data_source = league_table.data_source
            and quarters.cohort = league_table.cohort
            and quarters.quarter = league_table.quarter
            and segments.segment = league_table.final_segment
    group by quarters.data_source, quarters.cohort, quarters.quarter, segments.segment
),

score_rows as (
    select
        metric_scores.data_source,
        metric_scores.cohort,
        metric_scores.quarter,
        'rows' as measure_kind,
        'fct_metric_scores rows' as measure,
        count(*) as measured,
        null as cohort_size
    from metric_scores
    inner join quarter_dates on metric_scores.quarter = quarter_dates.quarter
    group by metric_scores.data_source, metric_scores.cohort, metric_scores.quarter
),

measures as (
    select * from league_rows
    union all
    select * from segment_counts
    union all
    select * from score_rows
),

dated as (
    select
        measures.*,
        quarter_dates.quarter_start_date,
        max(measures.cohort_size) over (
            partition by measures.data_source, measures.cohort, measures.quarter
        ) as trusts
    from measures
    inner join quarter_dates on measures.quarter = quarter_dates.quarter
),

compared as (
    select
        *,
        lag(measured) over (partition by data_source, cohort, measure order by quarter_start_date) as previous,
        lag(trusts) over (partition by data_source, cohort, measure order by quarter_start_date) as previous_trusts,
        lag(quarter) over (partition by data_source, cohort, measure order by quarter_start_date) as previous_quarter
    from dated
),

changes as (
    select
        *,
        abs(measured - previous) as change,
        case when measure_kind = 'segment' then previous_trusts else previous end as base
    from compared
    where
        previous is not null
        and data_source in (
            {%- for data_source in var('gate_completeness_data_sources') %}
                '{{ data_source }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
),

final as (
    select
        data_source,
        cohort,
        quarter,
        previous_quarter,
        measure,
        measure_kind,
        measured,
        previous,
        change,
        base,
        case when change = 0 then -1.0 else (change - 1.0) / nullif(base, 0) end as share_needed,
        data_source || ' | ' || cohort || ' | ' || quarter || ' vs ' || previous_quarter || ' | ' || measure
        || ': ' || previous || ' -> ' || measured as row_id
    from changes
)

select * from final
