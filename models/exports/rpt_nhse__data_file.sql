-- NHS England's data file (methodology.md 9.2), one row per line of the file: the data file of one data source,
-- quarter and cohort is this model's rows of that file_name in file_row order. Metric values (OF00xx) with the
-- median, quartiles and rank within trust type; metric scores (OF10xx); domain scores (OF40xx); the summary rows
-- (OF5000-OF5007, the reverse of int_published_outcomes__pivoted). Domain segments (OF41xx) are NHS England's
-- and are not recomputed, so they are not exported.
with

league_table as (
    select * from {{ ref('rpt_league_table') }}
),

metric_scores as (
    select * from {{ ref('fct_metric_scores') }}
    where metric_id like 'OF%'
),

domain_scores as (
    select * from {{ ref('fct_domain_scores') }}
),

all_metrics as (
    select * from {{ ref('dim_metric') }}
),

summary_ids as (
    select * from {{ ref('nof_summary_metrics') }}
),

latest_year as (
    select max(methodology_year) as methodology_year from all_metrics
),

metrics as (
    select all_metrics.* from all_metrics
    inner join latest_year on all_metrics.methodology_year = latest_year.methodology_year
),

scores as (
    select
        metric_scores.data_source,
        metric_scores.quarter,
        league_table.cohort,
        league_table.region,
        league_table.trust_type,
        league_table.trust_subtype,
        metric_scores.trust_code,
        league_table.trust_name,
        metrics.domain,
        metrics.sub_domain,
        metric_scores.metric_id,
        metric_scores.score_id,
        metrics.metric_name as metric_description,
        metric_scores.reporting_date,
        metrics.value_units,
        metrics.direction,
        metric_scores.value,
        metric_scores.score_rounded,
        metric_scores.ranking_population,
        metric_scores.ranking_population_rank
    from metric_scores
    inner join league_table
        on
            metric_scores.data_source = league_table.data_source
            and metric_scores.quarter = league_table.quarter
            and metric_scores.trust_code = league_table.trust_code
    left join metrics on metric_scores.metric_id = metrics.metric_id
),

value_rows as (
    select
        {{ star_except([
            'score_id', 'value_units', 'direction', 'score_rounded', 'ranking_population', 'ranking_population_rank'
        ]) }},
        value_units as units,
        {%- for column, fraction in [('median_value', 0.5), ('lower_quartile', 0.25), ('upper_quartile', 0.75)] %}
            {{ round_to(
                window_quantile_cont('value', fraction, 'data_source, quarter, cohort, trust_type, metric_id'), 2
            ) }} as {{ column }},
        {%- endfor %}
        -- competition rank within trust type, best first, on unrounded values (methodology.md 9.2): the engine's
        -- own rank where it ranked the metric within the cohort (it breaks ties of rounded values as NHS
        -- England's Rank does), else a competition rank of the exported value
        case when ranking_population = 'cohort' then ranking_population_rank end as engine_rank,
        case when direction = 'lower' then value when direction = 'higher' then -value end as signed_value,
        1 as family_order
    from scores
),

ranked_values as (
    select
        {{ star_except(['signed_value', 'engine_rank']) }},
        coalesce(
            engine_rank,
            case
                when signed_value is not null
                    then rank() over (
                        partition by data_source, quarter, cohort, trust_type, metric_id, signed_value is null
                        order by signed_value
                    )
            end
        ) as rank
    from value_rows
),

score_rows as (
    -- the statistics columns (median, quartiles, rank) are null on these rows (all_rows below)
    select
        {{ star_except([
            'metric_id', 'score_id', 'value_units', 'direction', 'value', 'score_rounded', 'ranking_population',
            'ranking_population_rank'
        ]) }},
        score_id as metric_id,
        'score' as units,
        score_rounded as value,
        2 as family_order
    from scores
    where score_id is not null and score_rounded is not null
),

domain_rows as (
    select
        league_table.data_source,
        league_table.quarter,
        league_table.cohort,
        league_table.region,
        league_table.trust_type,
        league_table.trust_subtype,
        league_table.trust_code,
        league_table.trust_name,
        domain_scores.domain,
        case when summary_ids.metric_id = 'OF4002' then 'Patient safety' else summary_ids.metric_name end
            as sub_domain,
        summary_ids.metric_id,
        summary_ids.metric_name as metric_description,
        league_table.quarter as reporting_date,
        'score' as units,
        domain_scores.domain_score_rounded as value,
        rank() over (
            partition by
                league_table.data_source,
                league_table.quarter,
                league_table.cohort,
                league_table.trust_type,
                summary_ids.metric_id
            order by domain_scores.domain_score_rounded
        ) as rank,
        3 as family_order
    from domain_scores
    inner join league_table
        on
            domain_scores.data_source = league_table.data_source
            and domain_scores.quarter = league_table.quarter
            and domain_scores.trust_code = league_table.trust_code
    inner join summary_ids
        on summary_ids.family = 'domain_score' and domain_scores.domain = summary_ids.domain
),

-- the summary rows: the league table's columns back into NHS England's OF50xx rows
summary_values as (
    select
        league_table.*,
        summary_ids.metric_id,
        summary_ids.metric_name,
        summary_ids.units,
        case summary_ids.metric_id
            when 'OF5000' then league_table.adjusted_segment
            when 'OF5002' then league_table.average_score_rounded
            when 'OF5003' then league_table.unadjusted_segment
            when 'OF5004' then cast(league_table.financial_override as integer)
            when 'OF5005' then league_table.final_segment
            when 'OF5007' then cast(league_table.recovery_support as integer)
        end as summary_value,
        case summary_ids.metric_id
            when 'OF5000' then league_table.league_rank
            when 'OF5002'
                then rank() over (
                    partition by
                        league_table.data_source,
                        league_table.quarter,
                        league_table.cohort,
                        league_table.trust_type,
                        summary_ids.metric_id
                    order by league_table.average_score_rounded
                )
        end as summary_rank
    from league_table
    inner join summary_ids on summary_ids.family = 'summary'
),

summary_rows as (
    select
        data_source,
        quarter,
        cohort,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        'Summary' as domain,
        'Summary' as sub_domain,
        metric_id,
        metric_name as metric_description,
        quarter as reporting_date,
        units,
        cast(summary_value as double) as value,
        summary_rank as rank,
        4 as family_order
    from summary_values
),

all_rows as (
    -- each family's rows, with null for the statistics columns it does not have (score rows have none)
    select
        data_source,
        quarter,
        cohort,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        domain,
        sub_domain,
        metric_id,
        metric_description,
        reporting_date,
        units,
        value,
        family_order,
        median_value,
        lower_quartile,
        upper_quartile,
        rank
    from ranked_values
    union all
    select
        data_source,
        quarter,
        cohort,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        domain,
        sub_domain,
        metric_id,
        metric_description,
        reporting_date,
        units,
        value,
        family_order,
        null as median_value,
        null as lower_quartile,
        null as upper_quartile,
        null as rank
    from score_rows
    union all
    select
        data_source,
        quarter,
        cohort,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        domain,
        sub_domain,
        metric_id,
        metric_description,
        reporting_date,
        units,
        value,
        family_order,
        null as median_value,
        null as lower_quartile,
        null as upper_quartile,
        rank
    from domain_rows
    union all
    select
        data_source,
        quarter,
        cohort,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        domain,
        sub_domain,
        metric_id,
        metric_description,
        reporting_date,
        units,
        value,
        family_order,
        null as median_value,
        null as lower_quartile,
        null as upper_quartile,
        rank
    from summary_rows
),

final as (
    select
        data_source,
        cohort,
        {{ nhse_file_name('cohort', 'quarter', 'data') }} as file_name,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over (
            partition by data_source, quarter, cohort order by family_order, metric_id, trust_code
        ) as bigint) as file_row,
        quarter,
        region,
        trust_type,
        trust_subtype,
        trust_code,
        trust_name,
        domain,
        sub_domain,
        metric_id,
        metric_description,
        reporting_date,
        units,
        cast(value as double) as value,
        cast(median_value as double) as median_value,
        cast(lower_quartile as double) as lower_quartile,
        cast(upper_quartile as double) as upper_quartile,
        cast(rank as double) as rank
    from all_rows
)

select * from final
