-- The provisional league tables (issue 14): every quarter the monthly returns reach, as it stood after one, two
-- and three of its months, scored, segmented and ranked by the same engine models as rpt_league_table (scenarios
-- provisional_<n>m of seeds/engine_scenarios.csv), with likely ranges widened for the months still to come
-- (int_likely_ranges__widened). Same columns as rpt_league_table (macro league_table_rows), then the months.
-- Coverage is part of the table (issue 12.2) as in fct_league_table (macro league_table_status, per scenario): a
-- provisional table below var league_min_metric_coverage is 'incomplete: not ranked' (ranks null).
-- Ours, not NHS England's: NHS England publishes no provisional table.
with

{{ provisional_scenario_imports() }}

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

ranges as (
    select * from {{ ref('int_likely_ranges__widened') }}
),

trusts as (
    select * from {{ ref('dim_trust') }}
),

published as (
    select * from {{ ref('int_published_outcomes__pivoted') }}
),

windows as (
    select * from {{ ref('int_provisional_windows__enumerated') }}
    where reporting_basis = 'quarter'
),

tabled as (
    {{ league_table_rows(keys=['scenario']) | indent(4) }}
),

table_status as (
    -- the coverage rule of fct_league_table, per provisional table (scenario x data source x quarter x cohort)
    {{ league_table_status('tabled', keys=['scenario']) | indent(4) }}
),

metric_bases as (
    -- how each averaged metric is known; combined finance (no value row of its own) as its components are
    select
        scores.scenario,
        scores.data_source,
        scores.quarter,
        scores.trust_code,
        scores.metric_id,
        coalesce(
            any_value(scenario_values.value_basis) filter (where scenario_values.metric_id = scores.metric_id),
            max(scenario_values.value_basis) filter (where scenario_values.metric_id <> scores.metric_id)
        ) as value_basis
    from scores
    left join scenario_values
        on
            scores.scenario = scenario_values.scenario
            and scores.data_source = scenario_values.data_source
            and scores.quarter = scenario_values.quarter
            and scores.trust_code = scenario_values.trust_code
            and (
                scores.metric_id = scenario_values.metric_id
                or (
                    scores.value_status = 'derived'
                    and scenario_values.metric_id in (
                        '{{ var("combined_finance_components")["planned"] }}',
                        '{{ var("combined_finance_components")["year_to_date"] }}'
                    )
                )
            )
    group by all
),

metric_counts as (
    select
        scenario,
        data_source,
        quarter,
        trust_code,
        count(*) filter (where value_basis = 'provisional') as metrics_provisional,
        count(*) filter (where value_basis = 'carried_forward') as metrics_carried_forward,
        count(*) filter (where value_basis = 'known') as metrics_known
    from metric_bases
    group by scenario, data_source, quarter, trust_code
),

latest as (
    -- the running quarter: the latest quarter a provisional table has, on the most months it has
    select
        data_source,
        max(quarter_start_date) as quarter_start_date
    from league
    group by data_source
),

final as (
    select
        {{ star_except(['scenario', 'league_rank', 'league_rank_low', 'league_rank_high'], 'tabled') }},
        {{ withheld_when_incomplete('tabled.league_rank') }} as league_rank,
        {{ withheld_when_incomplete('tabled.league_rank_low') }} as league_rank_low,
        {{ withheld_when_incomplete('tabled.league_rank_high') }} as league_rank_high,
        tabled.metrics_scored / nullif(tabled.metrics_in_registry, 0) as metric_coverage,
        table_status.table_metric_coverage,
        table_status.table_status,
        scenarios.months_available,
        windows.months_used,
        cast(coalesce(metric_counts.metrics_provisional, 0) as integer) as metrics_provisional,
        cast(coalesce(metric_counts.metrics_carried_forward, 0) as integer) as metrics_carried_forward,
        cast(coalesce(metric_counts.metrics_known, 0) as integer) as metrics_known,
        ranges.revision_sd,
        tabled.quarter_start_date = latest.quarter_start_date as is_latest_quarter,
        tabled.scenario
    from tabled
    inner join scenarios on tabled.scenario = scenarios.scenario
    inner join table_status
        on
            tabled.scenario = table_status.scenario
            and tabled.data_source = table_status.data_source
            and tabled.quarter = table_status.quarter
            and tabled.cohort = table_status.cohort
    left join windows
        on tabled.quarter = windows.quarter and scenarios.months_available = windows.months_available
    left join metric_counts
        on
            tabled.scenario = metric_counts.scenario
            and tabled.data_source = metric_counts.data_source
            and tabled.quarter = metric_counts.quarter
            and tabled.trust_code = metric_counts.trust_code
    left join ranges
        on
            tabled.scenario = ranges.scenario
            and tabled.data_source = ranges.data_source
            and tabled.quarter = ranges.quarter
            and tabled.trust_code = ranges.trust_code
    left join latest on tabled.data_source = latest.data_source
)

select * from final
