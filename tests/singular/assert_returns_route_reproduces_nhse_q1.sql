-- Acceptance of the raw-returns route on the real files, Q1 2025/26, mental health and community trusts
-- (raw_formats 6.3, 7.1, 7.2; methodology 13.4 items 2-3). Each metric must be compared for every trust
-- NHS England publishes it for (so a broken join cannot pass by comparing nothing), and every value (2 dp,
-- as NHS England rounds it) and every score (2 dp) must equal the published one:
--   OF0005 from the June 2025 CHS waiting-list file: 41 trusts;
--   OF0082 from the January-March 2025 sickness absence files: 61 trusts, its score ranked over all 205 NOF
--   trusts (acute + ambulance + MH&C) at full precision against the published OF1082;
--   OF0061 and OF0084 from the 2024 staff survey: 61 trusts (G6V2S through its predecessor TAF).
-- A metric is judged when its returns are landed (any returns value for it in the quarter); the Python suite
-- checks that the embedded data/ lands all of them. Judged on the embedded files only (dbt var
-- check_embedded_data, switched off by the orchestrator for any other data directory, e.g. synthetic data).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}
with

expected as (
    select
        'OF0005' as metric_id,
        41 as trusts
    union all
    select
        'OF0082' as metric_id,
        61 as trusts
    union all
    select
        'OF0061' as metric_id,
        61 as trusts
    union all
    select
        'OF0084' as metric_id,
        61 as trusts
),

landed_metrics as (
    select distinct metric_id from {{ ref('int_metric_values__unioned') }}
    where data_source = 'returns' and quarter = 'Q1 2025/26'
),

published as (
    select
        metric_id,
        trust_code,
        value as published_value
    from {{ ref('int_metric_values__unioned') }}
    where
        data_source = 'nhse_nof' and quarter = 'Q1 2025/26' and cohort = 'mental_health_community'
        and value is not null
),

returns_scores as (
    select * from {{ ref('fct_metric_scores') }}
    where data_source = 'returns' and quarter = 'Q1 2025/26'
),

returns_values as (
    select * from {{ ref('int_metric_values__unioned') }}
    where data_source = 'returns' and quarter = 'Q1 2025/26'
),

compared as (
    select
        published.metric_id,
        published.trust_code,
        published.published_value,
        {{ round_as_published('returns_values.value', 'returns_values.metric_id') }} as returns_value,
        returns_scores.score_rounded,
        returns_scores.published_score,
        returns_scores.ranking_population_size
    from published
    -- read in round_as_published, a dispatched macro the linter's stand-in adapter renders without its arguments
    left join returns_values -- noqa: ST11
        on published.metric_id = returns_values.metric_id and published.trust_code = returns_values.trust_code
    left join returns_scores
        on published.metric_id = returns_scores.metric_id and published.trust_code = returns_scores.trust_code
),

summarised as (
    select
        expected.metric_id,
        expected.trusts as expected_trusts,
        count(compared.trust_code) as compared_trusts,
        count(*) filter (where compared.returns_value = compared.published_value) as values_matched,
        count(*) filter (where compared.score_rounded = compared.published_score) as scores_matched,
        max(compared.ranking_population_size) as max_population,
        min(compared.ranking_population_size) as min_population
    from expected
    inner join landed_metrics on expected.metric_id = landed_metrics.metric_id
    left join compared on expected.metric_id = compared.metric_id
    group by expected.metric_id, expected.trusts
)

select * from summarised
where
    compared_trusts <> expected_trusts
    or values_matched <> expected_trusts
    or scores_matched <> expected_trusts
    -- OF0082 is ranked over the 205 NOF trusts of all three cohorts
    or (metric_id = 'OF0082' and (min_population <> 205 or max_population <> 205))
