-- Every comparison of the engine with NHS England's published figures, one row per data source x quarter x
-- trust x check x item compared (the metric or domain; null for a trust's league figures): the difference, the
-- check's tolerance, minimum match rate and judged_on (seed reconciliation_checks), and the reason where an
-- explained, dated difference (dbt var reconciliation_exceptions) takes the comparison out of the rates.
-- rpt_reconciliation_by_quarter, rpt_reconciliation_overall and rpt_reconciliation summarise it (macro
-- reconciliation_rates).
with

checks as (
    select * from {{ ref('reconciliation_checks') }}
),

league as (
    select * from {{ ref('fct_league_table') }}
),

metric_scores as (
    select * from {{ ref('fct_metric_scores') }}
),

domain_scores as (
    select * from {{ ref('fct_domain_scores') }}
),

value_reconciliation as (
    select * from {{ ref('int_metric_values__reconciled') }}
),

-- Explained, dated differences the publication gate accepts (config/quality_gate.yml reconciliation_exceptions,
-- passed by the orchestrator as dbt var reconciliation_exceptions): the comparison is left out of the rate
-- and counted as excepted, with its reason.
{% set exceptions = var('reconciliation_exceptions', []) %}
exceptions as (
    select
        cast(null as string) as data_source,
        cast(null as string) as check_name,
        cast(null as string) as quarter,
        cast(null as string) as trust_code,
        cast(null as string) as reason
    where false
    {% for e in exceptions if e is mapping %}
        union all
        select
            '{{ e.data_source }}' as data_source,
            '{{ e.check_name }}' as check_name,
            '{{ e.quarter }}' as quarter,
            '{{ e.trust_code }}' as trust_code,
            '{{ (e.reason ~ " (recorded " ~ e.recorded ~ ")") | replace("'", "''") }}' as reason
    {% endfor %}
),

-- The comparisons that are one row of one relation each: (relation, item compared, check, difference, the
-- rows compared). A score computed from a value copied into an input template is not counted as computed.
{%- set no_item = 'cast(null as string)' %}
{%- set scored = "score_method = 'computed' and published_score is not null and value_source <> 'input_template'" %}
{%- set likely_range_average_score = 'greatest(abs(' ~ round_half_up('average_score_low')
    ~ ' - published_average_score_low), abs(' ~ round_half_up('average_score_high')
    ~ ' - published_average_score_high))' %}
{%- set simple_checks = [
    ('metric_scores', 'metric_id', 'computed_metric_scores', 'abs(score_rounded - published_score)', scored),
    (
        'metric_scores', 'metric_id', 'scores_over_present_population',
        'abs(' ~ round_half_up('score_over_present_population') ~ ' - published_score)',
        'score_over_present_population is not null and published_score is not null'
    ),
    (
        'metric_scores', 'metric_id', 'all_metric_scores', 'abs(score_rounded - published_score)',
        'published_score is not null'
    ),
    (
        'domain_scores', 'domain', 'domain_scores', 'abs(domain_score_rounded - published_domain_score)',
        'published_domain_score is not null'
    ),
    (
        'league', no_item, 'average_score', 'abs(average_score_rounded - published_average_score)',
        'published_average_score is not null'
    ),
    (
        'league', no_item, 'average_score_exact', 'abs(average_score_rounded - published_average_score)',
        'published_average_score is not null'
    ),
    (
        'league', no_item, 'unadjusted_segment', 'abs(unadjusted_segment - published_unadjusted_segment)',
        'published_unadjusted_segment is not null'
    ),
    (
        'league', no_item, 'adjusted_segment', 'abs(adjusted_segment - published_segment)',
        'published_segment is not null'
    ),
    (
        'league', no_item, 'final_segment', 'abs(final_segment - published_final_segment)',
        'published_final_segment is not null'
    ),
    ('league', no_item, 'league_rank', 'abs(league_rank - published_rank)', 'published_rank is not null'),
    (
        'league', no_item, 'league_rank_within_tolerance', 'abs(league_rank - published_rank)',
        'published_rank is not null'
    ),
    (
        'league', no_item, 'likely_range_average_score', likely_range_average_score,
        'published_average_score_low is not null'
    ),
    (
        'league', no_item, 'likely_range_rank',
        'greatest(abs(league_rank_low - published_rank_low), abs(league_rank_high - published_rank_high))',
        'published_rank_low is not null'
    ),
] %}

comparisons as (
    select
        value_reconciliation.data_source,
        value_reconciliation.quarter,
        value_reconciliation.trust_code,
        value_reconciliation.metric_id as compared_item,
        -- each value counts in the overall check and in its metric's own (a value not computed is a miss)
        case
            when checks.is_overall then 'metric_values'
            else 'metric_values_' || value_reconciliation.metric_id
        end as check_name,
        case
            when value_reconciliation.is_match then 0.0 else coalesce(value_reconciliation.difference, 1e9)
        end as difference
    from value_reconciliation
    cross join (values (true), (false)) as checks (is_overall)
    where value_reconciliation.is_match is not null
    union all
    select
        route_metrics.data_source,
        route_metrics.quarter,
        route_metrics.trust_code,
        cast(null as string) as compared_item,
        'scored_metrics_as_published' as check_name,
        -- 0 when the route scores exactly the metrics NHS England scored for the trust, else how many differ
        -- (the symmetric difference: 2 |A u B| - |A| - |B| for lists of distinct ids)
        2 * cardinality(array_distinct(concat(route_metrics.metric_ids, published_metrics.metric_ids)))
        - cardinality(route_metrics.metric_ids) - cardinality(published_metrics.metric_ids) as difference
    from (
        select
            data_source,
            quarter,
            trust_code,
            array_agg(metric_id) as metric_ids
        from metric_scores
        where data_source <> 'nhse_nof' and include_in_average and score is not null
        group by data_source, quarter, trust_code
    ) as route_metrics
    inner join (
        select
            quarter,
            trust_code,
            array_agg(metric_id) as metric_ids
        from metric_scores
        where data_source = 'nhse_nof' and include_in_average and published_score is not null
        group by quarter, trust_code
    ) as published_metrics
        on route_metrics.quarter = published_metrics.quarter and route_metrics.trust_code = published_metrics.trust_code
    {%- for relation, compared_item, check_name, difference, condition in simple_checks %}
        union all
        select
            data_source,
            quarter,
            trust_code,
            {{ compared_item }} as compared_item,
            '{{ check_name }}' as check_name,
            {{ difference }} as difference
        from {{ relation }}
        where {{ condition }}
    {%- endfor %}
),

final as (
    select
        comparisons.data_source,
        comparisons.quarter,
        comparisons.trust_code,
        comparisons.check_name,
        comparisons.compared_item,
        comparisons.difference,
        checks.tolerance,
        checks.min_match_rate,
        checks.judged_on,
        exceptions.reason as exception_reason
    from comparisons
    inner join checks
        on
            comparisons.data_source = checks.data_source
            and comparisons.check_name = checks.check_name
    left join exceptions
        on
            comparisons.data_source = exceptions.data_source
            and comparisons.check_name = exceptions.check_name
            and comparisons.quarter = exceptions.quarter
            and comparisons.trust_code = exceptions.trust_code
)

select * from final
