-- Likely ranges (methodology.md 8.4): a bootstrap of each trust's own metric scores. In every replicate each
-- trust's scores are resampled with replacement (as many draws as it has scores), its mean recomputed,
-- re-segmented with the quarter's cut-points held fixed, the financial override re-applied, and the cohort
-- re-ranked by (segment, 2-dp mean). The central `bootstrap_interval` of the means and ranks is reported.
-- Draws come from integer arithmetic over (seed, data source, quarter, trust, replicate, draw): the md5 of the
-- first four gives a trust's two keys, then quadratic rounds modulo 2^31 - 1 (macros/bootstrap_intervals.sql), so
-- output is identical run to run, independent of thread scheduling, and the same on DuckDB and Spark.
-- Incremental by quarter: a quarter is redrawn only when its input fingerprint (every score, weight, cohort,
-- override and cut-point of its trusts, and the bootstrap vars) differs from the one it was drawn with, so
-- adding a month redraws the quarters it touches and nothing else.
-- Per scenario (seeds/engine_scenarios.csv, those with draw_likely_ranges) beside the data source; a scenario's
-- draws are the final table's (common random numbers: the hash does not include the scenario).
-- A table drawn before scenarios existed gets the column (pre-hook); its rows (scenario null) match no current
-- quarter, so every quarter is redrawn, and the post-hook removes them.
-- On Spark a plain table, redrawn in full at every build: dbt-spark has no delete+insert strategy and Spark
-- cannot delete from a plain Parquet table (the hooks are DuckDB's only).
{%- set incremental = incremental_where_supported() == 'incremental' %}
{{ config(
    materialized='incremental' if incremental else 'table',
    incremental_strategy='delete+insert' if incremental else none,
    unique_key=['scenario', 'data_source', 'quarter'] if incremental else none,
    on_schema_change='fail',
    pre_hook=[
        "{% if is_incremental() %} alter table {{ this }} add column if not exists scenario string {% endif %}"
    ] if incremental else [],
    post_hook=[
        "{% if is_incremental() %} delete from {{ this }} as built where not exists (
            select 1 from {{ ref('int_trust_quarters__segmented') }} as current_trusts
            where current_trusts.metrics_scored > 0 and current_trusts.scenario = built.scenario
            and current_trusts.data_source = built.data_source
            and current_trusts.quarter = built.quarter and current_trusts.trust_code = built.trust_code
        ) {% endif %}"
    ] if incremental else []
) }}

with

scenarios as (
    select * from {{ ref('engine_scenarios') }}
    where draw_likely_ranges
),

scores as (
    select
        scored.scenario,
        scored.data_source,
        scored.quarter,
        scored.trust_code,
        scored.score,
        scored.weight,
        row_number() over (
            partition by scored.scenario, scored.data_source, scored.quarter, scored.trust_code
            order by scored.metric_id
        ) - 1 as score_index
    from {{ ref('int_metric_scores__scored') }} as scored
    inner join scenarios on scored.scenario = scenarios.scenario
    where scored.include_in_average and scored.score is not null
),

all_trusts as (
    select
        segmented.scenario,
        segmented.data_source,
        segmented.quarter,
        segmented.trust_code,
        segmented.cohort,
        segmented.metrics_scored,
        segmented.financial_override,
        segmented.cut_point_1,
        segmented.cut_point_2,
        segmented.cut_point_3,
        md5(concat_ws(
            '|', '{{ var("bootstrap_seed") }}', segmented.data_source, segmented.quarter, segmented.trust_code
        )) as draw_hash
    from {{ ref('int_trust_quarters__segmented') }} as segmented
    inner join scenarios on segmented.scenario = scenarios.scenario
    where segmented.metrics_scored > 0
),

score_inputs as (
    select
        scenario,
        data_source,
        quarter,
        {{ ordered_string_agg(
            "concat_ws('|', trust_code, score_index, score, weight)", "';'", 'trust_code, score_index'
        ) }} as scores_text
    from scores
    group by scenario, data_source, quarter
),

trust_inputs as (
    select
        scenario,
        data_source,
        quarter,
        {{ ordered_string_agg(
            "concat_ws('|', trust_code, cohort, metrics_scored, financial_override, cut_point_1, cut_point_2,"
            ~ " cut_point_3)",
            "';'",
            'trust_code'
        ) }} as trusts_text
    from all_trusts
    group by scenario, data_source, quarter
),

quarter_inputs as (
    select
        trust_inputs.scenario,
        trust_inputs.data_source,
        trust_inputs.quarter,
        md5(concat_ws(
            '#',
            -- the draw scheme: a table drawn by an earlier scheme is redrawn
            'draws: md5 keys, quadratic rounds mod 2^31 - 1',
            {{ var('bootstrap_replicates') }},
            {{ var('bootstrap_seed') }},
            {{ var('bootstrap_interval') }},
            trust_inputs.trusts_text,
            score_inputs.scores_text
        )) as input_fingerprint
    from trust_inputs
    left join score_inputs
        on
            trust_inputs.scenario = score_inputs.scenario
            and trust_inputs.data_source = score_inputs.data_source
            and trust_inputs.quarter = score_inputs.quarter
),

quarters_to_draw as (
    select * from quarter_inputs
    {% if is_incremental() %}
        where not exists (
            select 1 from {{ this }} as built
            where
                built.scenario = quarter_inputs.scenario
                and built.data_source = quarter_inputs.data_source
                and built.quarter = quarter_inputs.quarter
                and built.input_fingerprint = quarter_inputs.input_fingerprint
        )
    {% endif %}
),

trusts as (
    -- integer keys for the replicate rows (trust, and the cohort-quarter a replicate is ranked in): 10,000 rows
    -- per trust stay narrow, so a fresh build of every quarter fits the memory limit
    select
        all_trusts.*,
        quarters_to_draw.input_fingerprint,
        row_number() over (
            order by all_trusts.scenario, all_trusts.data_source, all_trusts.quarter, all_trusts.trust_code
        ) as trust_key,
        dense_rank() over (
            order by all_trusts.scenario, all_trusts.data_source, all_trusts.quarter, all_trusts.cohort
        ) as ranking_key,
        {{ bootstrap_hex_key('all_trusts.draw_hash', 1) | indent(8) }} as draw_key_1,
        {{ bootstrap_hex_key('all_trusts.draw_hash', 9) | indent(8) }} as draw_key_2,
        -- the bootstrap runs in batches of whole quarters (var bootstrap_batches)
        dense_rank() over (order by all_trusts.scenario, all_trusts.data_source, all_trusts.quarter) as batch_key
    from all_trusts
    inner join quarters_to_draw
        on
            all_trusts.scenario = quarters_to_draw.scenario
            and all_trusts.data_source = quarters_to_draw.data_source
            and all_trusts.quarter = quarters_to_draw.quarter
),

trust_scores as (
    -- each trust's scores as lists (0-based score_index i is list element i + 1), so a replicate's mean is one
    -- list expression per (trust, replicate) instead of a join of every draw to the scores
    select
        scenario,
        data_source,
        quarter,
        trust_code,
        {{ ordered_list('score', 'score_index') }} as score_list,
        {{ ordered_list('weight', 'score_index') }} as weight_list
    from scores
    group by scenario, data_source, quarter, trust_code
),

replicates as (
    select {{ unnest_series('0', var('bootstrap_replicates') ~ ' - 1', '1') }} as replicate
),

{#- var bootstrap_batches is per scenario: each scenario that draws adds as many batches (memory stays per batch) -#}
{#- (a unit test's inputs are CTEs, not tables a query can read beforehand: one scenario's batches there) -#}
{%- set drawing_scenarios = 1 -%}
{%- if execute and not (ref('engine_scenarios') | string).startswith('__dbt__cte__') -%}
    {%- set counted = run_query(
        'select count(*) from ' ~ ref('engine_scenarios') ~ ' where draw_likely_ranges'
    ) -%}
    {%- if counted is not string -%}
        {%- set drawing_scenarios = counted.columns[0].values()[0] | int -%}
    {%- endif -%}
{%- endif %}
{% set batches = [(var('bootstrap_batches', 4) | int) * ([drawing_scenarios, 1] | max), 1] | max %}
intervals as (
    {% for batch in range(batches) %}
        select * from (
            {{ bootstrap_intervals('trusts.batch_key % ' ~ batches ~ ' = ' ~ batch) | indent(12) }}
        )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        trusts.scenario,
        trusts.data_source,
        trusts.quarter,
        trusts.trust_code,
        intervals.average_score_low,
        intervals.average_score_high,
        intervals.league_rank_low,
        intervals.league_rank_high,
        intervals.replicates,
        trusts.input_fingerprint
    from intervals
    inner join trusts on intervals.trust_key = trusts.trust_key
)

select * from final
