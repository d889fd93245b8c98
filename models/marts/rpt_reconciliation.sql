-- The engine against NHS England's published figures, per data source x quarter x check. A row is a match
-- when the difference is within the check's tolerance; the reconciliation_checks seed holds each check's
-- tolerance and the minimum match rate the publication gate requires over all quarters.
with

checks as (
    select * from {{ ref('reconciliation_checks') }}
),

league as (
    select * from {{ ref('rpt_league_table') }}
),

metric_scores as (
    select * from {{ ref('fct_metric_scores') }}
),

domain_scores as (
    select * from {{ ref('fct_domain_scores') }}
),

metric_values as (
    select * from {{ ref('int_metric_values__unioned') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

comparisons as (
    select
        metric_values.data_source,
        metric_values.quarter,
        'metric_values' as check_name,
        abs(
            {{ round_as_published('metric_values.value', 'metric_values.metric_id', 'registry.value_decimals') }}
            - metric_values.published_value
        ) as difference
    from metric_values
    inner join registry on metric_values.metric_id = registry.metric_id
    where
        metric_values.data_source <> 'nhse_nof'
        and metric_values.value is not null
        and metric_values.published_value is not null
        -- values filled into the input templates from NHS England's own files would reconcile with themselves
        and metric_values.value_origin not like 'input template%'
    union all
    select
        data_source,
        quarter,
        'computed_metric_scores' as check_name,
        abs(score_rounded - published_score) as difference
    from metric_scores
    where score_method = 'computed' and published_score is not null
    union all
    select
        data_source,
        quarter,
        'all_metric_scores' as check_name,
        abs(score_rounded - published_score) as difference
    from metric_scores
    where published_score is not null
    union all
    select
        data_source,
        quarter,
        'average_score' as check_name,
        abs(average_score_rounded - published_average_score) as difference
    from league
    where published_average_score is not null
    union all
    select
        data_source,
        quarter,
        'average_score_exact' as check_name,
        abs(average_score_rounded - published_average_score) as difference
    from league
    where published_average_score is not null
    union all
    select
        data_source,
        quarter,
        'domain_scores' as check_name,
        abs(domain_score_rounded - published_domain_score) as difference
    from domain_scores
    where published_domain_score is not null
    union all
    select
        data_source,
        quarter,
        'unadjusted_segment' as check_name,
        abs(unadjusted_segment - published_unadjusted_segment) as difference
    from league
    where published_unadjusted_segment is not null
    union all
    select
        data_source,
        quarter,
        'adjusted_segment' as check_name,
        abs(adjusted_segment - published_segment) as difference
    from league
    where published_segment is not null
    union all
    select
        data_source,
        quarter,
        'final_segment' as check_name,
        abs(final_segment - published_final_segment) as difference
    from league
    where published_final_segment is not null
    union all
    select
        data_source,
        quarter,
        'league_rank' as check_name,
        abs(league_rank - published_rank) as difference
    from league
    where published_rank is not null
    union all
    select
        data_source,
        quarter,
        'league_rank_within_tolerance' as check_name,
        abs(league_rank - published_rank) as difference
    from league
    where published_rank is not null
    union all
    select
        data_source,
        quarter,
        'likely_range_average_score' as check_name,
        greatest(
            abs({{ round_half_up('average_score_low') }} - published_average_score_low),
            abs({{ round_half_up('average_score_high') }} - published_average_score_high)
        ) as difference
    from league
    where published_average_score_low is not null
    union all
    select
        data_source,
        quarter,
        'likely_range_rank' as check_name,
        greatest(abs(league_rank_low - published_rank_low), abs(league_rank_high - published_rank_high)) as difference
    from league
    where published_rank_low is not null
),

summarised as (
    -- per quarter, and over all quarters ('All quarters') where the acceptance rates are judged
    select
        comparisons.data_source,
        coalesce(comparisons.quarter, 'All quarters') as quarter,
        comparisons.check_name,
        count(*) as compared,
        count(*) filter (where comparisons.difference <= checks.tolerance + 1e-9) as matched,
        max(comparisons.difference) as largest_difference,
        cast(any_value(checks.tolerance) as double) as tolerance,
        cast(any_value(checks.min_match_rate) as double) as min_match_rate
    from comparisons
    inner join checks
        on
            comparisons.data_source = checks.data_source
            and comparisons.check_name = checks.check_name
    group by grouping sets (
        (comparisons.data_source, comparisons.quarter, comparisons.check_name),
        (comparisons.data_source, comparisons.check_name)
    )
),

final as (
    select
        data_source,
        quarter,
        check_name,
        cast(compared as integer) as compared,
        cast(matched as integer) as matched,
        matched / compared as match_rate,
        largest_difference,
        tolerance,
        min_match_rate,
        matched / compared >= min_match_rate - 1e-12 as meets_threshold
    from summarised
)

select * from final
